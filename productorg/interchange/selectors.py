"""Rows to export: initiatives, objectives, the roadmap and a scenario's plan; import runs.

Each export is a header and an iterator of rows, read through the strategy and planning
selectors so the same permission rules apply as on the pages, and narrowed by the page's own
filter form so a download holds what the page shows. Rows hold plain values (str, int, float,
date, None): numbers stay numbers and dates stay dates until a writer formats them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.http import QueryDict

from productorg.accounts import permissions
from productorg.interchange.models import ImportRun, ImportTarget
from productorg.planning.models import PlanRun, Scenario
from productorg.strategy.forms import InitiativeFilterForm
from productorg.strategy.models import (
    Dependency,
    ImportSource,
    Initiative,
    KeyResult,
    Objective,
    Tag,
)
from productorg.strategy.periods import quarter_add
from productorg.strategy.roadmap_forms import RoadmapFilterForm
from productorg.strategy.selectors import portfolio
from productorg.strategy.selectors import roadmap as roadmap_selectors
from productorg.strategy.selectors.roadmap import CATEGORY_LABELS, HEALTH_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from productorg.accounts.models import User

# Rows are read from the database in chunks of this many, so a large portfolio is never
# held in memory at once; prefetches run once per chunk.
CHUNK_SIZE = 500
DEFAULT_SCENARIO = "Base plan"
BUCKET_LABELS = dict(Initiative._meta.get_field("bucket").choices)


@dataclass(frozen=True)
class Export:
    """What one export holds: a name for the file, the column names and the rows."""

    name: str
    columns: list[str]
    rows: Iterable[list[Any]]
    # True when the page's filters narrowed it: the file name says so.
    filtered: bool = False


def plain(value: Any) -> Any:
    """A value as every writer takes it: Decimals as int or float; dates stay dates (ISO text
    in CSV and JSON, a date cell in XLSX)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


INITIATIVE_COLUMNS = [
    "id",
    "title",
    "description",
    "team",
    "owner",
    "category",
    "bucket",
    "status",
    "health",
    "value",
    "effort",
    "start quarter",
    "duration",
    "objectives",
    "dependencies",
    "deadline",
    "tags",
    "source",
    "source key",
]


def initiatives_export(*, user: User, filters: dict[str, Any] | None = None) -> Export:
    """The portfolio as the user may see it, narrowed by the initiatives list's filters (its
    selector's keyword arguments), with objectives and prerequisites by title."""
    filters = filters or {}
    initiatives = (
        portfolio.initiatives_filtered(user=user, **filters)
        .prefetch_related(
            Prefetch(
                "objectives", queryset=Objective.objects.only("pk", "title").order_by("title")
            ),
            Prefetch(
                "dependencies",
                queryset=Dependency.objects.select_related("depends_on")
                .only("initiative", "depends_on__title")
                .order_by("depends_on__title"),
            ),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
        .order_by("title", "pk")
    )
    return Export(
        "initiatives",
        INITIATIVE_COLUMNS,
        _initiative_rows(initiatives),
        filtered=any(filters.values()),
    )


def _initiative_rows(initiatives) -> Iterator[list[Any]]:
    for initiative in initiatives.iterator(chunk_size=CHUNK_SIZE):
        yield [
            initiative.pk,
            initiative.title,
            initiative.description,
            initiative.team.name if initiative.team else None,
            initiative.owner.name if initiative.owner else None,
            # No category chosen: an empty cell, which a re-import reads as "says nothing".
            CATEGORY_LABELS.get(initiative.category, initiative.category)
            if initiative.category
            else None,
            BUCKET_LABELS.get(initiative.bucket) or None,
            STATUS_LABELS.get(initiative.status, initiative.status),
            HEALTH_LABELS.get(initiative.health, initiative.health),
            plain(initiative.value_estimate),
            plain(initiative.effort_estimate),
            initiative.start_quarter or None,
            initiative.duration_quarters,
            "; ".join(objective.title for objective in initiative.objectives.all()),
            "; ".join(link.depends_on.title for link in initiative.dependencies.all()),
            plain(initiative.deadline),
            "; ".join(tag.name for tag in initiative.tags.all()),
            initiative.get_source_display() if initiative.source else None,
            initiative.source_key or None,
        ]


OBJECTIVE_COLUMNS = ["id", "title", "period", "parent", "owner", "initiatives", "key results"]


def objectives_export(*, user: User, period: str | None = None) -> Export:
    """Every objective the user may see (of one period if given, as the Strategy page shows
    them), with its key results summed up in one cell."""
    objectives = portfolio.objectives_visible_to(user=user)
    if period:
        objectives = objectives.filter(period=period)
    objectives = objectives.prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.order_by("pk"))
    ).order_by("period", "title", "pk")
    return Export(
        "objectives", OBJECTIVE_COLUMNS, _objective_rows(objectives), filtered=bool(period)
    )


def _objective_rows(objectives) -> Iterator[list[Any]]:
    for objective in objectives.iterator(chunk_size=CHUNK_SIZE):
        yield [
            objective.pk,
            objective.title,
            objective.period,
            objective.parent.title if objective.parent else None,
            objective.owner.name if objective.owner else None,
            objective.initiative_count,
            "; ".join(_key_result_text(key_result) for key_result in objective.key_results.all()),
        ]


def _key_result_text(key_result: KeyResult) -> str:
    """`Metric: current of target unit (from baseline)`; `—` where nothing is recorded yet."""
    unit = f" {key_result.unit}" if key_result.unit else ""
    current = "—" if key_result.current is None else f"{plain(key_result.current)}"
    return (
        f"{key_result.metric}: {current} of {plain(key_result.target)}{unit} "
        f"(from {plain(key_result.baseline)})"
    )


ROADMAP_COLUMNS = ["id", "initiative", "team", "start", "end", "status", "health"]


def roadmap_export(
    *, user: User, quarters: list[str] | None = None, filters: dict[str, Any] | None = None
) -> Export:
    """The placed initiatives of the roadmap, dropped work left out as on the page, narrowed
    by the roadmap's filters (its selector's keyword arguments) and window of quarters."""
    filters = filters or {}
    rows = (
        roadmap_selectors.roadmap_initiatives(user=user, quarters=quarters, **filters)
        .order_by("team__name", "start_quarter", "title", "pk")
        .values_list(
            "pk", "title", "team__name", "start_quarter", "duration_quarters", "status", "health"
        )
    )
    filtered = bool(quarters) or any(value is not None for value in filters.values())
    return Export("roadmap", ROADMAP_COLUMNS, _roadmap_rows(rows), filtered=filtered)


def _roadmap_rows(rows) -> Iterator[list[Any]]:
    for pk, title, team, start, duration, status, health in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            pk,
            title,
            team,
            start,
            quarter_add(start, duration - 1),
            STATUS_LABELS.get(status, status),
            HEALTH_LABELS.get(health, health),
        ]


PLAN_COLUMNS = ["id", "initiative", "team", "start quarter", "end quarter", "left out because"]


class NoPlanError(Exception):
    """The scenario has no finished plan to export."""


def scenario_for_export(*, scenario_id: int | None = None, name: str | None = None):
    """The scenario asked for by id or by name (default: the base plan), or None."""
    if scenario_id is not None:
        return Scenario.objects.filter(pk=scenario_id).first()
    return Scenario.objects.filter(name=name or DEFAULT_SCENARIO).first()


def plan_run_with_result(*, scenario: Scenario) -> PlanRun | None:
    """The scenario's most recent run that found a plan (a newer run may still be going)."""
    return (
        PlanRun.objects.filter(scenario=scenario, result__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )


def plan_export(*, user: User | None, scenario: Scenario) -> Export:
    """The scenario's latest plan: each initiative's start and end, or why it was left out.

    Planning is for leaders only; `user` None is the command line. Raises NoPlanError when
    no run of the scenario found a plan yet."""
    if user is not None and not permissions.can_plan(user):
        raise NoPlanError("Only leaders see plans.")
    run = plan_run_with_result(scenario=scenario)
    if run is None:
        raise NoPlanError(f"The scenario {scenario.name!r} has no plan yet: plan it first.")
    return Export(f"plan-{scenario.name}", PLAN_COLUMNS, _plan_rows(run))


def _plan_rows(run: PlanRun) -> Iterator[list[Any]]:
    result = run.result or {}
    starts: dict[str, str] = result.get("starts", {})
    left_out: dict[str, str] = result.get("left_out", {})
    # The problem as planned: titles and durations of initiatives deleted or changed since.
    planned = {str(row["id"]): row for row in (run.problem or {}).get("initiatives", [])}
    keys = [*starts, *(key for key in left_out if key not in starts)]
    current = {
        str(pk): (title, team, duration)
        for pk, title, team, duration in Initiative.objects.filter(
            pk__in=[int(key) for key in keys if key.isdigit()]
        ).values_list("pk", "title", "team__name", "duration_quarters")
    }
    rows = []
    for key in keys:
        title, team, duration = current.get(key, (None, None, None))
        stored = planned.get(key, {})
        title = title or stored.get("title") or key
        duration = int(stored.get("duration") or duration or 1)
        start = starts.get(key)
        rows.append(
            [
                int(key) if key.isdigit() else key,
                title,
                team,
                start,
                quarter_add(start, duration - 1) if start else None,
                None if start else left_out.get(key, ""),
            ]
        )
    # Planned work by start quarter, then what was left out; each by title.
    rows.sort(key=lambda row: (row[3] is None, row[3] or "", str(row[1]).lower()))
    yield from rows


KINDS = ("initiatives", "objectives", "roadmap", "plan")


def portfolio_export(*, kind: str, user: User, query: QueryDict | None = None) -> Export:
    """The initiatives, objectives or roadmap export for the user, narrowed by the query
    string of the page it mirrors, read by that page's own filter form (a value a filter
    cannot take is dropped, as on the page)."""
    query = query if query is not None else QueryDict()
    if kind == "initiatives":
        return initiatives_export(user=user, filters=InitiativeFilterForm(query).filters())
    if kind == "roadmap":
        form = RoadmapFilterForm(query)
        # The window applies when the reader chose one; otherwise every quarter.
        chosen = {"from", "quarters"} & form.valid_data().keys()
        quarters = form.window().quarters if chosen else None
        return roadmap_export(user=user, quarters=quarters, filters=form.filters())
    return objectives_export(user=user, period=query.get("period", "").strip() or None)


def export_filter_errors(*, kind: str, query: QueryDict) -> list[str]:
    """The filters in `query` that the page's form cannot take, by label (the page and the
    download drop them; the command line refuses them)."""
    if kind == "initiatives":
        return InitiativeFilterForm(query).ignored()
    if kind == "roadmap":
        return RoadmapFilterForm(query).ignored()
    return []


@dataclass(frozen=True)
class ImportChoice:
    """A source the user may import from, and what its rows may become."""

    source: str
    label: str
    targets: tuple[str, ...]
    blurb: str


_BLURBS = {
    "jira": "Export CSV (all fields): epics become initiatives, stories add their points.",
    "linear": "Linear's CSV export: issues become initiatives, Blocked by becomes dependencies.",
    "productboard": "A features export; you choose which column fills which field.",
    "aha": "A features export (CSV or XLSX); you choose which column fills which field.",
    "csv": "Any CSV or XLSX of initiatives, people or teams, with a column-mapping step.",
}


def import_choices(*, user: User) -> list[ImportChoice]:
    """The sources offered to this user: initiatives for leaders, people and teams for admins."""

    initiatives = permissions.can_import_initiatives(user)
    people = permissions.can_import_people(user)
    choices = []
    for source in ImportSource:
        targets: list[str] = []
        if initiatives:
            targets.append(ImportTarget.INITIATIVES)
        if people and source == ImportSource.CSV:
            targets += [ImportTarget.PEOPLE, ImportTarget.TEAMS]
        if targets:
            choices.append(ImportChoice(source, source.label, tuple(targets), _BLURBS[source]))
    return choices


def import_run_for(*, user: User, import_run_id: int) -> ImportRun | None:
    """An import run of this user's; another user's run is not there for them (None)."""

    return ImportRun.objects.filter(pk=import_run_id, requested_by=user).first()


def import_runs_recent(*, user: User, limit: int = 10) -> list[ImportRun]:
    """This user's latest import runs, without their (possibly large) reports."""

    return list(ImportRun.objects.filter(requested_by=user).defer("report", "options")[:limit])


def import_run_columns(*, import_run: ImportRun) -> list[str]:
    """The column names of the run's uploaded file, as the worker read them for the mapping
    step (the web process never opens an upload)."""
    return list(import_run.columns or [])
