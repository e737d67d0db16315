"""The alignment check: where the portfolio and the strategy have drifted apart.

Seven kinds of finding, each counted in SQL (or over plain rows) and shown a few at a time, so
the page costs the same number of queries for four hundred initiatives or five thousand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page
from django.db.models import Count, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format

from productorg.accounts import permissions
from productorg.paging import page_of
from productorg.people.models import Person
from productorg.strategy.models import (
    Dependency,
    Health,
    Initiative,
    Milestone,
    Objective,
    StatusUpdate,
)
from productorg.strategy.periods import (
    quarter_add,
    quarter_of,
    quarter_span,
    quarters_of_period,
)
from productorg.strategy.selectors.capacity import OverAllocation, over_allocations
from productorg.strategy.selectors.portfolio import (
    ACTIVE_STATUSES,
    STATUS_ORDER,
    initiatives_visible_to,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User

# The overview shows this many findings of each kind; "show all" pages through the rest.
PREVIEW_SIZE = 25
PAGE_SIZE = 50
# The quarters whose capacity the check looks at: the current one and the next three.
QUARTERS_AHEAD = 4

UNALIGNED = "unaligned"
UNSERVED_OBJECTIVES = "unserved-objectives"
OVER_CAPACITY = "over-capacity"
BLOCKED_DEPENDENCIES = "blocked-dependencies"
STALE_STATUS = "stale-status"
GREEN_PAST_MILESTONES = "green-past-milestones"
LEADER_OWNED = "leader-owned"
KINDS = [
    UNALIGNED,
    UNSERVED_OBJECTIVES,
    OVER_CAPACITY,
    BLOCKED_DEPENDENCIES,
    STALE_STATUS,
    GREEN_PAST_MILESTONES,
    LEADER_OWNED,
]


@dataclass(frozen=True)
class Finding:
    """One thing to fix: what it is, why it was found, and where to fix it."""

    label: str
    detail: str
    fix_url: str
    fix_text: str


@dataclass(frozen=True)
class FindingKind:
    slug: str
    title: str
    why: str
    count: int
    items: Sequence[Finding]

    @property
    def is_clear(self) -> bool:
        return self.count == 0

    @property
    def has_more(self) -> bool:
        return self.count > len(self.items)


@dataclass(frozen=True)
class AlignmentCheck:
    today: date
    stale_after_days: int
    quarters: list[str]
    kinds: list[FindingKind]
    # Set when one kind is asked for: all its findings, a page at a time.
    selected: FindingKind | None = None
    page: Page | None = None

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)


class _Findings:
    """A kind's findings as Paginator wants them: a count, and findings made for a window only.

    Building a finding means reversing URLs and asking permissions, so only the rows shown
    are turned into findings."""

    def __init__(self, count: Callable[[], int], window: Callable[[slice], list[Finding]]):
        self._count = count
        self._window = window
        self._counted: int | None = None

    def count(self) -> int:
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Finding]:
        return self._window(window)


def _from_queryset(queryset: QuerySet, finding: Callable[[Any], Finding]) -> _Findings:
    return _Findings(queryset.count, lambda window: [finding(row) for row in queryset[window]])


def _from_rows(rows: Callable[[], list], finding: Callable[[Any], Finding]) -> _Findings:
    loaded: list = []

    def load() -> list:
        if not loaded:
            loaded.append(rows())
        return loaded[0]

    return _Findings(lambda: len(load()), lambda window: [finding(row) for row in load()[window]])


def alignment_check(
    *,
    user: User,
    stale_after_days: int,
    today: date,
    kind: str | None = None,
    page: int | str | None = None,
    preview_size: int = PREVIEW_SIZE,
    page_size: int = PAGE_SIZE,
) -> AlignmentCheck | None:
    """Every kind of finding with its count and its most important few; with `kind`, that
    kind's findings a page at a time. None when the user may not see the portfolio."""
    if not permissions.can_see_portfolio(user):
        return None
    if kind is not None and kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of finding")
    quarters = quarter_span(quarter_of(today), QUARTERS_AHEAD)
    checks = {
        UNALIGNED: _unaligned(user),
        UNSERVED_OBJECTIVES: _unserved_objectives(user, today),
        OVER_CAPACITY: _over_capacity(quarters),
        BLOCKED_DEPENDENCIES: _blocked_dependencies(today),
        STALE_STATUS: _stale_status(user, today, stale_after_days),
        GREEN_PAST_MILESTONES: _green_past_milestones(user, today),
        LEADER_OWNED: _leader_owned(user),
    }
    texts = _texts(quarters, stale_after_days)
    selected_page = None
    kinds = []
    for slug, findings in checks.items():
        title, why = texts[slug]
        if kind is None:
            items: Sequence[Finding] = findings[:preview_size]
        elif slug == kind:
            selected_page = page_of(findings, page_size, page)
            items = selected_page.object_list
        else:
            items = []
        kinds.append(FindingKind(slug, title, why, findings.count(), items))
    return AlignmentCheck(
        today=today,
        stale_after_days=stale_after_days,
        quarters=quarters,
        kinds=kinds,
        selected=next((found for found in kinds if found.slug == kind), None),
        page=selected_page,
    )


def _texts(quarters: list[str], stale_after_days: int) -> dict[str, tuple[str, str]]:
    """Each kind's title and why it matters, in the leader's words."""
    days = f"{stale_after_days} day{'s' if stale_after_days != 1 else ''}"
    return {
        UNALIGNED: (
            "Initiatives serving no objective",
            "Open work linked to no objective cannot be weighed against the strategy: either "
            "someone forgot the link, or the team is doing work the strategy does not ask for.",
        ),
        UNSERVED_OBJECTIVES: (
            "Objectives no initiative serves",
            "An objective of the current or a coming period with no open or finished work "
            "behind it, directly or through the objectives cascading from it, will not move. "
            "Staff it or say it is not a priority. Past periods are left out: they are history.",
        ),
        OVER_CAPACITY: (
            "Teams planned beyond capacity",
            f"Planned effort above a team's capacity in {quarters[0]} to {quarters[-1]}: "
            "something will slip, and it is better to choose what now than to find out at the "
            "end of the quarter.",
        ),
        BLOCKED_DEPENDENCIES: (
            "Dependencies on dropped or late work",
            "Open work waiting for something that was dropped, is past its deadline, runs into "
            "the quarter the waiting work starts, or is planned to end after its own deadline: "
            "it cannot start as planned.",
        ),
        STALE_STATUS: (
            "Status gone stale",
            f"Work in progress with no status update in the last {days}: the leadership team is "
            "reading old news, and trouble shows late.",
        ),
        GREEN_PAST_MILESTONES: (
            "Green with a milestone overdue",
            "Open work whose latest status is green while a milestone is past its date and not "
            "done: either the milestone was met and nobody ticked it, or the green is out of "
            "date. The leadership report reads the green.",
        ),
        LEADER_OWNED: (
            "Work a leader still owns",
            "Open initiatives owned by someone with reports, on a team whose product manager "
            "is someone else: the leader is doing the product manager's job, and the team "
            "cannot grow into it. Hand it to the team's product manager.",
        ),
    }


# Initiatives the acting user may change get a link to the edit page; the others to the page
# everyone may read.


def _initiative_fix(user: User, initiative: Initiative, edit_text: str) -> tuple[str, str]:
    if permissions.can_change_initiative(user, initiative):
        return reverse("strategy:initiative-edit", args=[initiative.pk]), edit_text
    return reverse("strategy:initiative-detail", args=[initiative.pk]), "Open the initiative"


def _team_name(initiative: Initiative) -> str:
    return initiative.team.name if initiative.team else "No team"


def _by_importance(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Work under way first, then what comes next; the most valuable first within each."""
    return initiatives.order_by(STATUS_ORDER, "-value_estimate", "title", "pk")


def _unaligned(user: User) -> _Findings:
    initiatives = _by_importance(
        initiatives_visible_to(user=user)
        .filter(status__in=ACTIVE_STATUSES)
        .filter(~Exists(Initiative.objectives.through.objects.filter(initiative=OuterRef("pk"))))
        .select_related(None)
        .select_related("team")
        .only("title", "status", "value_estimate", "owner", "team__name", "team__product_manager")
    )

    def finding(initiative: Initiative) -> Finding:
        url, text = _initiative_fix(user, initiative, "Link it to an objective")
        detail = (
            f"{_team_name(initiative)} · {initiative.get_status_display()} · "
            f"value {floatformat(initiative.value_estimate, -1)}"
        )
        return Finding(initiative.title, detail, url, text)

    return _from_queryset(initiatives, finding)


def _live_periods(today: date, field: str = "period") -> Q:
    """Periods not over yet: this year's that end in or after the current quarter, and every
    later year's (a period is "2027", "2027-H1" or "2027-Q1", so text order is time order
    between years)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    this_year = [str(year), f"{year}-H2", *(f"{year}-Q{number}" for number in range(quarter, 5))]
    if quarter <= 2:
        this_year.append(f"{year}-H1")
    return Q(**{f"{field}__in": this_year}) | Q(**{f"{field}__gte": str(year + 1)})


class _ObjectiveRow(NamedTuple):
    pk: int
    parent_id: int | None
    title: str
    period: str
    owner_name: str | None


def _unserved_objectives(user: User, today: date) -> _Findings:
    can_edit = permissions.can_change_strategy(user)

    def rows() -> list[tuple[int, _ObjectiveRow]]:
        objectives = {
            row[0]: _ObjectiveRow(*row)
            for row in Objective.objects.filter(_live_periods(today)).values_list(
                "pk", "parent_id", "title", "period", "owner__name"
            )
        }
        served_directly = (
            Initiative.objectives.through.objects.filter(_live_periods(today, "objective__period"))
            .exclude(initiative__status=Initiative.Status.DROPPED)
            .values_list("objective_id", flat=True)
            .distinct()
        )
        # Work on a cascaded objective serves the objectives above it too.
        served: set[int] = set()
        for objective_id in served_directly:
            current = objectives.get(objective_id)
            while current is not None and current.pk not in served:
                served.add(current.pk)
                current = objectives.get(current.parent_id) if current.parent_id else None
        unserved = [
            (_depth(objective, objectives), objective)
            for objective in objectives.values()
            if objective.pk not in served
        ]
        # The soonest period first; within it the top of the cascade, where a fix reaches most.
        unserved.sort(
            key=lambda pair: (
                quarters_of_period(pair[1].period)[-1],
                quarters_of_period(pair[1].period)[0],
                pair[0],
                pair[1].title,
                pair[1].pk,
            )
        )
        return unserved

    def finding(pair: tuple[int, _ObjectiveRow]) -> Finding:
        depth, objective = pair
        level = "Top-level objective" if depth == 0 else "Cascaded objective"
        owner = objective.owner_name or "no owner"
        detail = f"{objective.period} · {level} · owner {owner}"
        if can_edit:
            url = reverse("strategy:objective-edit", args=[objective.pk])
            return Finding(objective.title, detail, url, "Edit the objective")
        url = f"{reverse('strategy:strategy')}?period={objective.period}#objective-{objective.pk}"
        return Finding(objective.title, detail, url, "Open in the strategy tree")

    return _from_rows(rows, finding)


def _depth(objective: _ObjectiveRow, objectives: dict[int, _ObjectiveRow]) -> int:
    depth, seen = 0, {objective.pk}
    while objective.parent_id in objectives and objective.parent_id not in seen:
        objective = objectives[objective.parent_id]
        seen.add(objective.pk)
        depth += 1
    return depth


def _over_capacity(quarters: list[str]) -> _Findings:
    def rows() -> list[OverAllocation]:
        # The largest overload first: the one that forces the hardest choice.
        return sorted(
            over_allocations(quarters=quarters),
            key=lambda row: (-row.excess, row.quarter, row.team.name),
        )

    def finding(row: OverAllocation) -> Finding:
        detail = f"{row.load:.1f} pw planned against a capacity of {row.capacity:.1f} pw: "
        detail += f"{row.excess:.1f} pw over"
        if row.capacity:
            detail += f" ({100 * row.excess / row.capacity:.0f} %)"
        url = f"{reverse('strategy:capacity')}?team={row.team.pk}"
        return Finding(f"{row.team.name} in {row.quarter}", detail, url, "Open its capacity")

    return _from_rows(rows, finding)


class _DependencyRow(NamedTuple):
    initiative_id: int
    title: str
    start_quarter: str
    depends_on_title: str
    depends_on_team: str | None
    depends_on_status: str
    depends_on_start: str
    depends_on_duration: int
    depends_on_deadline: date | None


def _end_quarter(start_quarter: str, duration: int) -> str | None:
    return quarter_add(start_quarter, duration - 1) if start_quarter else None


def _lateness(row: _DependencyRow, today: date) -> list[tuple[int, str]]:
    """Why the work waited for is dropped or late, most serious first; [] when it is not."""
    if row.depends_on_status == Initiative.Status.DROPPED:
        return [(0, "which was dropped")]
    reasons = []
    deadline = row.depends_on_deadline
    end = _end_quarter(row.depends_on_start, row.depends_on_duration)
    if deadline is not None and deadline < today:
        reasons.append((1, f"which is past its deadline of {date_format(deadline)}"))
    # Quarters are what the plan knows: ending in the quarter the waiting work starts is late.
    if end is not None and row.start_quarter and end >= row.start_quarter:
        reasons.append(
            (2, f"planned to end in {end}, when this is to start in {row.start_quarter}")
        )
    if end is not None and deadline is not None and end > quarter_of(deadline):
        reasons.append(
            (3, f"planned to end in {end}, after its deadline of {date_format(deadline)}")
        )
    return reasons


def _blocked_dependencies(today: date) -> _Findings:
    def rows() -> list[tuple[list[tuple[int, str]], _DependencyRow]]:
        dependencies = (
            Dependency.objects.filter(initiative__status__in=ACTIVE_STATUSES)
            .exclude(depends_on__status=Initiative.Status.DONE)
            .filter(
                Q(depends_on__status=Initiative.Status.DROPPED)
                | Q(depends_on__deadline__lt=today)
                | ~Q(depends_on__start_quarter="")
            )
            .values_list(
                "initiative_id",
                "initiative__title",
                "initiative__start_quarter",
                "depends_on__title",
                "depends_on__team__name",
                "depends_on__status",
                "depends_on__start_quarter",
                "depends_on__duration_quarters",
                "depends_on__deadline",
            )
        )
        found = []
        for values in dependencies:
            row = _DependencyRow(*values)
            if reasons := _lateness(row, today):
                found.append((reasons, row))
        # The most serious first; then the waiting work that is to start soonest.
        found.sort(
            key=lambda pair: (
                pair[0][0][0],
                pair[1].start_quarter or "9999",
                pair[1].title,
                pair[1].depends_on_title,
            )
        )
        return found

    def finding(pair: tuple[list[tuple[int, str]], _DependencyRow]) -> Finding:
        reasons, row = pair
        team = f" ({row.depends_on_team})" if row.depends_on_team else ""
        detail = f"Waits for “{row.depends_on_title}”{team}, " + "; ".join(
            reason for _, reason in reasons
        )
        url = reverse("strategy:initiative-detail", args=[row.initiative_id])
        return Finding(row.title, detail, url, "Open the waiting initiative")

    return _from_rows(rows, finding)


def _stale_status(user: User, today: date, stale_after_days: int) -> _Findings:
    latest = StatusUpdate.objects.filter(initiative=OuterRef("pk")).order_by("-date", "-pk")
    initiatives = (
        initiatives_visible_to(user=user)
        .filter(status=Initiative.Status.IN_PROGRESS)
        .annotate(last_update=Subquery(latest.values("date")[:1], output_field=DateField()))
        .annotate(heard_since=Coalesce("last_update", TruncDate("created_at")))
        .filter(heard_since__lt=today - timedelta(days=stale_after_days))
        .select_related(None)
        .select_related("team")
        .only("title", "status", "owner", "created_at", "team__name", "team__product_manager")
        .order_by("heard_since", "-value_estimate", "title", "pk")
    )

    def finding(initiative: Initiative) -> Finding:
        age = (today - initiative.heard_since).days
        if initiative.last_update is None:
            heard = (
                f"no status update since it was created on {date_format(initiative.heard_since)}"
            )
        else:
            heard = f"last status update on {date_format(initiative.last_update)}"
        detail = f"{_team_name(initiative)} · {heard} ({age} days ago)"
        url = reverse("strategy:initiative-detail", args=[initiative.pk])
        if permissions.can_change_initiative(user, initiative):
            return Finding(initiative.title, detail, url, "Post a status update")
        return Finding(initiative.title, detail, url, "Open the initiative")

    return _from_queryset(initiatives, finding)


def _green_past_milestones(user: User, today: date) -> _Findings:
    overdue = Milestone.overdue_q(today, "milestones__")
    initiatives = (
        initiatives_visible_to(user=user)
        .filter(status__in=ACTIVE_STATUSES, health=Health.GREEN)
        .annotate(
            overdue_count=Count("milestones", filter=overdue),
            first_overdue=Min("milestones__due", filter=overdue),
        )
        .filter(overdue_count__gt=0)
        .annotate(
            first_overdue_title=Subquery(
                Milestone.objects.filter(Milestone.overdue_q(today), initiative=OuterRef("pk"))
                .order_by("due", "pk")
                .values("title")[:1]
            )
        )
        .select_related(None)
        .select_related("team")
        .only("title", "status", "owner", "health", "team__name", "team__product_manager")
        .order_by("first_overdue", "-value_estimate", "title", "pk")
    )

    def finding(initiative: Initiative) -> Finding:
        age = (today - initiative.first_overdue).days
        detail = (
            f"{_team_name(initiative)} · green, but “{initiative.first_overdue_title}” was due "
            f"{date_format(initiative.first_overdue)} ({age} days ago) and is not done"
        )
        if initiative.overdue_count > 1:
            detail += f"; {initiative.overdue_count - 1} more overdue"
        url = reverse("strategy:initiative-detail", args=[initiative.pk]) + "#milestones"
        if permissions.can_change_initiative(user, initiative):
            return Finding(initiative.title, detail, url, "Tick the milestone or post a status")
        return Finding(initiative.title, detail, url, "Open the initiative")

    return _from_queryset(initiatives, finding)


def _leader_owned(user: User) -> _Findings:
    has_reports = Exists(Person.objects.filter(manager_id=OuterRef("owner_id")))
    initiatives = _by_importance(
        initiatives_visible_to(user=user)
        .select_related("team__product_manager")
        .filter(has_reports, status__in=ACTIVE_STATUSES, team__product_manager__isnull=False)
        .exclude(team__product_manager=F("owner"))
        .only(
            "title",
            "status",
            "value_estimate",
            "owner__name",
            "team__name",
            "team__product_manager__name",
        )
    )

    def finding(initiative: Initiative) -> Finding:
        product_manager = initiative.team.product_manager.name
        url, text = _initiative_fix(user, initiative, f"Hand it to {product_manager}")
        detail = (
            f"{initiative.team.name} · {initiative.get_status_display()} · owned by "
            f"{initiative.owner.name}, who leads people; the team's product manager is "
            f"{product_manager}"
        )
        return Finding(initiative.title, detail, url, text)

    return _from_queryset(initiatives, finding)
