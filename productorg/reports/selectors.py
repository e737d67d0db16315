"""Reads of leadership reports: the one selector that gathers a report's data from the
portfolio (used by the page, the PDF, the Markdown and the CLI alike), the saved reports, and
the difference between two snapshots.

A report holds portfolio data only: initiatives, teams, status, milestones, risks, mix and key
results. No person's name and no people data (assessments, growth plans, 1:1s, feedback) goes
into a snapshot, which is why every signed-in role may read reports.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from productorg.accounts import permissions
from productorg.people.models import Person, Team, reporting_lines
from productorg.reports.models import LeadershipReport, ScopeKind
from productorg.strategy.models import (
    NO_CATEGORY_LABEL,
    BalanceDimension,
    Initiative,
    InitiativeEffort,
    KeyResult,
    Milestone,
    Risk,
    StatusUpdate,
    WorkCategory,
)
from productorg.strategy.periods import (
    PERIOD_PATTERN,
    quarter_add,
    quarter_dates,
    quarter_of,
    quarters_of_period,
)
from productorg.strategy.selectors.load import MAX_DURATION_QUARTERS, placed_effort
from productorg.strategy.selectors.mix import balance_dimensions, mix_targets_of

if TYPE_CHECKING:
    from productorg.accounts.models import User

SNAPSHOT_VERSION = 1
HEALTHS = ("green", "amber", "red", "none")
HEALTH_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "none": "No update"}
# Work that a report follows: under way or coming in the period; ideas and dropped work are not.
REPORTED_STATUSES = [
    Initiative.Status.DISCOVERY,
    Initiative.Status.PLANNED,
    Initiative.Status.IN_PROGRESS,
    Initiative.Status.DONE,
]
HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")


class ReportError(Exception):
    """A report that cannot be made as asked; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ReportScope:
    """Which initiatives a report covers: initiatives spanning several teams or marked
    leadership-level (the default),
    the whole org, the teams of a leader's group, or initiatives picked by hand."""

    kind: str = ScopeKind.CROSS_TEAM
    leader_id: int | None = None
    initiative_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """The scope as a stable string: reports of the same key follow one another."""
        return json.dumps(
            {
                "kind": str(self.kind),
                "leader_id": self.leader_id,
                "initiative_ids": sorted(self.initiative_ids),
            },
            sort_keys=True,
        )


def current_quarter(today: datetime.date | None = None) -> str:
    return quarter_of(today or timezone.localdate())


def period_checked(period: str | None) -> str:
    """The period as given, stripped, or ReportError naming what a period looks like."""
    period = (period or "").strip()
    if not period:
        raise ReportError("Give a period, such as 2027-Q1, 2027-H1 or 2027.", field="period")
    if not PERIOD_PATTERN.fullmatch(period):
        raise ReportError(
            f"{period!r} is not a period: write a quarter, a half or a year, "
            "such as 2027-Q1, 2027-H1 or 2027.",
            field="period",
        )
    return period


def leaders_for_scope() -> QuerySet[Person]:
    """The people a group scope can be of: everyone someone reports to."""
    return Person.objects.filter(reports__isnull=False).distinct().order_by("name")


def group_team_ids(leader_id: int) -> list[int]:
    """The teams of a leader's group: those whose product manager or leader is the leader or
    anyone below them in the reporting tree."""
    people = permissions.subtree_ids(leader_id, reporting_lines())
    return list(
        Team.objects.filter(Q(product_manager_id__in=people) | Q(leader_id__in=people))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _describe(scope: ReportScope, count: int) -> str:
    if scope.kind == ScopeKind.GROUP:
        leader = Person.objects.filter(pk=scope.leader_id).values_list("name", flat=True).first()
        return f"Group of {leader or 'a former leader'}"
    if scope.kind == ScopeKind.SELECTED:
        return f"{count} selected initiative{'' if count == 1 else 's'}"
    return ScopeKind(scope.kind).label


def _initiatives_in_period(quarters: list[str]) -> QuerySet[Initiative]:
    """Placed work whose quarters overlap the period's (roughly; refined in Python)."""
    return Initiative.objects.filter(
        status__in=REPORTED_STATUSES,
        start_quarter__gte=quarter_add(min(quarters), 1 - MAX_DURATION_QUARTERS),
        start_quarter__lte=max(quarters),
    )


def _overlaps(initiative: Initiative, quarters: list[str]) -> bool:
    return bool(set(initiative.quarters) & set(quarters))


def _scoped_initiatives(scope: ReportScope, quarters: list[str]) -> list[Initiative]:
    if scope.kind == ScopeKind.SELECTED:
        initiatives = Initiative.objects.filter(pk__in=scope.initiative_ids)
    else:
        initiatives = _initiatives_in_period(quarters)
        if scope.kind == ScopeKind.CROSS_TEAM:
            initiatives = initiatives.annotate(team_count=Count("team_efforts")).filter(
                Q(team_count__gt=1) | Q(leadership_level=True)
            )
        elif scope.kind == ScopeKind.GROUP:
            teams = group_team_ids(scope.leader_id or 0)
            initiatives = initiatives.filter(
                Q(team_id__in=teams) | Q(team_efforts__team_id__in=teams)
            ).distinct()
    rows = list(initiatives.select_related("team").order_by("title", "pk"))
    if scope.kind == ScopeKind.SELECTED:
        return rows
    return [initiative for initiative in rows if _overlaps(initiative, quarters)]


def _latest_updates(ids: list[int], as_of: datetime.date) -> dict[int, StatusUpdate]:
    latest: dict[int, StatusUpdate] = {}
    updates = StatusUpdate.objects.filter(initiative_id__in=ids, date__lte=as_of).order_by(
        "initiative_id", "-date", "-pk"
    )
    for update in updates.only(
        "initiative_id", "date", "health", "progress", "summary", "risks", "decisions_needed"
    ):
        latest.setdefault(update.initiative_id, update)
    return latest


def _team_names(ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    efforts = (
        InitiativeEffort.objects.filter(initiative_id__in=ids)
        .order_by("team__name")
        .values_list("initiative_id", "team__name")
    )
    for initiative_id, name in efforts:
        names[initiative_id].append(name)
    return names


def _milestones(ids: list[int], as_of: datetime.date) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for milestone in Milestone.objects.filter(initiative_id__in=ids).order_by("due", "pk"):
        found[milestone.initiative_id].append(
            {
                "id": milestone.pk,
                "title": milestone.title,
                "due": milestone.due.isoformat(),
                "done": milestone.done,
                "overdue": not milestone.done and milestone.due < as_of,
            }
        )
    return found


def _risks(ids: list[int]) -> dict[int, list[dict]]:
    order = {"high": 0, "medium": 1, "low": 2}
    found: dict[int, list[dict]] = defaultdict(list)
    risks = Risk.objects.filter(initiative_id__in=ids, closed=False).order_by("pk")
    for risk in sorted(risks, key=lambda risk: (order.get(risk.severity, 3), risk.pk)):
        found[risk.initiative_id].append(
            {
                "id": risk.pk,
                "description": risk.description,
                "severity": risk.severity,
                "mitigation": risk.mitigation,
            }
        )
    return found


def _initiative_entry(
    initiative: Initiative,
    update: StatusUpdate | None,
    teams: list[str],
    milestones: list[dict],
    risks: list[dict],
) -> dict:
    return {
        "id": initiative.pk,
        "title": initiative.title,
        "team": initiative.team.name if initiative.team else "",
        "teams": teams or ([initiative.team.name] if initiative.team else []),
        "category": initiative.category,
        "category_label": initiative.get_category_display(),
        "status": initiative.status,
        "status_label": initiative.get_status_display(),
        "quarters": initiative.quarters,
        "health": update.health if update else "none",
        "progress": update.progress if update else None,
        "status_date": update.date.isoformat() if update else None,
        "status_text": update.summary if update else "",
        "risks_text": update.risks if update else "",
        "decisions_needed": update.decisions_needed if update else "",
        "milestones": milestones,
        "milestones_done": sum(milestone["done"] for milestone in milestones),
        "milestones_total": len(milestones),
        "milestones_overdue": sum(milestone["overdue"] for milestone in milestones),
        "risks": risks,
    }


def _health_by_team(entries: list[dict]) -> list[dict]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for entry in entries:
        counts[entry["team"] or "No team"][entry["health"]] += 1
    return [
        {"team": team, **{health: counts[team][health] for health in HEALTHS}}
        for team in sorted(counts)
    ]


def _mix(period: str, team_ids: list[int] | None) -> dict:
    """Planned effort per work category in the period (of the org, or of a group's teams)
    against the org's mix targets, as the mix board counts it."""
    dimension = next(
        (
            each
            for each in balance_dimensions()
            if each.initiative_field == BalanceDimension.Field.CATEGORY
        ),
        None,
    )
    efforts: dict[str, Decimal] = defaultdict(Decimal)
    for row in placed_effort(quarters=quarters_of_period(period), team_ids=team_ids):
        efforts[row.category] += row.effort
    total = sum(efforts.values(), Decimal(0))
    target_of, targets_period = {}, None
    if dimension is not None:
        key_of_value = {value.pk: value.key for value in dimension.values.all()}
        # Targets are often set per half or year: a quarter is held to the nearest one set.
        for candidate in _enclosing_periods(period):
            own = mix_targets_of(dimension=dimension, team=None, period=candidate).own
            if own:
                targets_period = candidate
                target_of = {
                    key_of_value[pk]: target for pk, target in own.items() if pk in key_of_value
                }
                break
    faders = []
    # Effort with no category chosen gets its own fader, held to no target.
    shown = list(WorkCategory.choices)
    if efforts.get(""):
        shown.append(("", NO_CATEGORY_LABEL))
    for key, label in shown:
        effort = efforts.get(key, Decimal(0))
        target = target_of.get(key)
        actual = (effort * HUNDRED / total).quantize(ONE_PLACE) if total else None
        faders.append(
            {
                "key": key,
                "label": label,
                "effort": str(effort.quantize(ONE_PLACE)),
                "actual": None if actual is None else str(actual),
                "target": None if target is None else str(target.share),
                "tolerance": None if target is None else str(target.tolerance),
            }
        )
    return {
        "scope": "Whole org" if team_ids is None else "The group's teams",
        "targets_period": targets_period,
        "faders": faders,
    }


def _enclosing_periods(period: str) -> list[str]:
    """The period, then the half and the year it falls in."""
    year, _, part = period.partition("-")
    if not part:
        return [period]
    if part.startswith("Q"):
        return [period, f"{year}-H{1 if part in {'Q1', 'Q2'} else 2}", year]
    return [period, year]


def _overlapping_periods(period: str) -> list[str]:
    quarters = set(quarters_of_period(period))
    year = period[:4]
    candidates = [year, f"{year}-H1", f"{year}-H2", *(f"{year}-Q{n}" for n in range(1, 5))]
    return [each for each in candidates if quarters & set(quarters_of_period(each))]


def _key_results(period: str, scope: ReportScope, ids: list[int]) -> list[dict]:
    key_results = KeyResult.objects.filter(
        objective__period__in=_overlapping_periods(period)
    ).select_related("objective")
    if scope.kind != ScopeKind.ORG:
        key_results = key_results.filter(objective__initiatives__in=ids).distinct()
    return [
        {
            "objective": key_result.objective.title,
            "metric": key_result.metric,
            "baseline": key_result.baseline_text,
            "target": key_result.target_text,
            "current": key_result.current_text,
            "unit": key_result.unit_suffix,
            "progress": round(key_result.progress, 3),
        }
        for key_result in key_results.order_by("objective__title", "objective_id", "pk")
    ]


def leadership_report_data(
    *, period: str, scope: ReportScope | None = None, today: datetime.date | None = None
) -> dict:
    """The report's data as a JSON-ready snapshot: a summary (health counts, decisions
    needed), each initiative in scope with its status as of the period's end (or today),
    milestones and open risks, and the charts' data. ReportError for a bad period."""
    period = period_checked(period)
    scope = scope or ReportScope()
    today = today or timezone.localdate()
    quarters = quarters_of_period(period)
    as_of = min(today, quarter_dates(quarters[-1])[1])
    initiatives = _scoped_initiatives(scope, quarters)
    ids = [initiative.pk for initiative in initiatives]
    updates = _latest_updates(ids, as_of)
    teams = _team_names(ids)
    milestones = _milestones(ids, as_of)
    risks = _risks(ids)
    entries = [
        _initiative_entry(
            initiative,
            updates.get(initiative.pk),
            teams.get(initiative.pk, []),
            milestones.get(initiative.pk, []),
            risks.get(initiative.pk, []),
        )
        for initiative in initiatives
    ]
    health = Counter(entry["health"] for entry in entries)
    group_teams = group_team_ids(scope.leader_id or 0) if scope.kind == ScopeKind.GROUP else None
    return {
        "version": SNAPSHOT_VERSION,
        "period": period,
        "quarters": quarters,
        "as_of": as_of.isoformat(),
        "scope": {
            "kind": str(scope.kind),
            "key": scope.key,
            "description": _describe(scope, len(entries)),
        },
        "summary": {
            "total": len(entries),
            "health": {each: health[each] for each in HEALTHS},
            "decisions": [
                {"id": entry["id"], "title": entry["title"], "text": entry["decisions_needed"]}
                for entry in entries
                if entry["decisions_needed"].strip()
            ],
            "overdue_milestones": sum(entry["milestones_overdue"] for entry in entries),
            "open_risks": sum(len(entry["risks"]) for entry in entries),
        },
        "initiatives": entries,
        "charts": {
            "health_by_team": _health_by_team(entries),
            "mix": _mix(period, group_teams),
            "key_results": _key_results(period, scope, ids),
        },
    }


# Saved reports.


def reports_visible_to(*, user: User) -> QuerySet[LeadershipReport]:
    """The saved reports, newest first, without their snapshots (a list needs none)."""
    if not permissions.can_see_reports(user):
        return LeadershipReport.objects.none()
    return LeadershipReport.objects.defer("snapshot")


def report_detail(*, user: User, report_id: int) -> LeadershipReport | None:
    if not permissions.can_see_reports(user):
        return None
    return LeadershipReport.objects.filter(pk=report_id).first()


def previous_report(*, scope_key: str, before: datetime.datetime) -> LeadershipReport | None:
    """The latest saved report of the same scope made before `before`."""
    return (
        LeadershipReport.objects.filter(scope_key=scope_key, created_at__lt=before)
        .order_by("-created_at", "-pk")
        .first()
    )


# The difference of two snapshots.


def snapshot_diff(*, before: dict, after: dict) -> dict:
    """What moved from one snapshot to the next: health changed, new risks, slipped
    milestones (due later, or overdue now and not before), new and removed initiatives."""
    old = {entry["id"]: entry for entry in before.get("initiatives", [])}
    new = {entry["id"]: entry for entry in after.get("initiatives", [])}
    health_changed, new_risks, slipped = [], [], []
    for pk, entry in new.items():
        previous = old.get(pk)
        if previous is None:
            continue
        if previous["health"] != entry["health"]:
            health_changed.append(
                {
                    "id": pk,
                    "title": entry["title"],
                    "before": previous["health"],
                    "after": entry["health"],
                }
            )
        known_risks = {risk["id"] for risk in previous["risks"]}
        new_risks += [
            {"id": pk, "title": entry["title"], **risk}
            for risk in entry["risks"]
            if risk["id"] not in known_risks
        ]
        old_milestones = {milestone["id"]: milestone for milestone in previous["milestones"]}
        for milestone in entry["milestones"]:
            was = old_milestones.get(milestone["id"])
            if was is None or milestone["done"]:
                continue
            if milestone["due"] > was["due"] or (milestone["overdue"] and not was["overdue"]):
                slipped.append(
                    {
                        "id": pk,
                        "title": entry["title"],
                        "milestone": milestone["title"],
                        "due_before": was["due"],
                        "due_after": milestone["due"],
                        "overdue": milestone["overdue"],
                    }
                )
    return {
        "before": {"period": before.get("period"), "as_of": before.get("as_of")},
        "health_changed": health_changed,
        "new_risks": new_risks,
        "slipped_milestones": slipped,
        "new_initiatives": [
            {"id": pk, "title": entry["title"]} for pk, entry in new.items() if pk not in old
        ],
        "removed_initiatives": [
            {"id": pk, "title": entry["title"]} for pk, entry in old.items() if pk not in new
        ],
    }


def diff_is_empty(diff: dict) -> bool:
    return not any(
        diff[key]
        for key in (
            "health_changed",
            "new_risks",
            "slipped_milestones",
            "new_initiatives",
            "removed_initiatives",
        )
    )
