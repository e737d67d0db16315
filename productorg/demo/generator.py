"""The demo organisation: a believable product org of Northwind, made from one seed.

Everything random comes from one `random.Random(seed)` and every date counts from one given
"today", so the same seed on the same day makes the same rows. The whole plan is drawn in
Python first, then written with `bulk_create` level by level, so the large demo (5,000
initiatives) loads in seconds.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max

from productorg.accounts.models import User
from productorg.demo import catalogue, clock
from productorg.demo.function import function_demo_create
from productorg.demo.growth import growth_demo_create
from productorg.demo.one_on_ones import one_on_ones_demo_create
from productorg.demo.planning import planning_demo_create
from productorg.demo.reports import reports_demo_create
from productorg.demo.strategy import strategy_demo_create
from productorg.demo.surveys import surveys_demo_create
from productorg.people.models import Level, Person, Team
from productorg.people.services import framework_ensure_default, ladder_ensure
from productorg.strategy import periods
from productorg.strategy.models import (
    Bucket,
    Health,
    Initiative,
    InitiativeEffort,
    InitiativeStatus,
    Objective,
    WorkCategory,
)
from productorg.strategy.periods import quarter_of, quarters_of_period

T = TypeVar("T")

# Placing five thousand initiatives asks the same few quarter questions over and over.
quarter_add = functools.cache(periods.quarter_add)
quarter_dates = functools.cache(periods.quarter_dates)
quarter_span = functools.cache(periods.quarter_span)

DOMAIN = catalogue.DOMAIN
# The demo's "today": fixed so that the same seed makes the same start dates and periods.
REFERENCE_DATE = date(2027, 1, 4)
PERIODS = ("2027-H1", "2027-H2")


def periods_from(today: date) -> tuple[str, str]:
    """The half-year `today` falls in and the next one: the demo's objective periods."""
    half = 1 if today.month <= 6 else 2
    following = (today.year, 2) if half == 1 else (today.year + 1, 1)
    return (f"{today.year}-H{half}", f"{following[0]}-H{following[1]}")


# A Group PM with more reports than the span-of-control maximum, and one with a single report,
# so the leader home page has a flag of each kind to show.
WIDE_SPAN = 10
NARROW_SPAN = 1
USUAL_SPAN = (4, 8)

CATEGORY_WEIGHTS = {
    WorkCategory.FEATURE: 50,
    WorkCategory.GROWTH: 22,
    WorkCategory.SCALING: 18,
    WorkCategory.PMF_EXPANSION: 10,
}
STATUS_WEIGHTS = {
    InitiativeStatus.IDEA: 20,
    InitiativeStatus.DISCOVERY: 15,
    InitiativeStatus.PLANNED: 20,
    InitiativeStatus.IN_PROGRESS: 20,
    InitiativeStatus.DONE: 18,
    InitiativeStatus.DROPPED: 7,
}
# Only work that is under way can be in trouble; ideas and finished work stay green.
HEALTH_WEIGHTS = {
    InitiativeStatus.IN_PROGRESS: (60, 28, 12),
    InitiativeStatus.PLANNED: (75, 20, 5),
    InitiativeStatus.DISCOVERY: (88, 10, 2),
}
IC_LEVEL_WEIGHTS = {"apm": 10, "pm": 40, "senior-pm": 35, "principal-pm": 15}
# Share of initiatives a leader owns personally instead of the team's PM (a quarter of them
# the Group PM's own manager): the alignment check flags them.
LEADER_OWNED_SHARE = 0.02
INITIATIVES_BATCH = 500
# Which of Adam Nash's buckets each kind of work tends to fall in; "" is not sorted yet.
BUCKET_WEIGHTS = {
    WorkCategory.FEATURE: {
        Bucket.CUSTOMER_REQUEST: 45,
        Bucket.CUSTOMER_DELIGHT: 30,
        Bucket.METRICS_MOVER: 15,
        "": 10,
    },
    WorkCategory.GROWTH: {
        Bucket.METRICS_MOVER: 75,
        Bucket.CUSTOMER_DELIGHT: 8,
        Bucket.CUSTOMER_REQUEST: 5,
        "": 12,
    },
    WorkCategory.SCALING: {
        Bucket.METRICS_MOVER: 35,
        Bucket.CUSTOMER_REQUEST: 25,
        Bucket.CUSTOMER_DELIGHT: 10,
        "": 30,
    },
    WorkCategory.PMF_EXPANSION: {Bucket.CUSTOMER_REQUEST: 45, Bucket.METRICS_MOVER: 40, "": 15},
}
# Share of initiatives big enough to split whose effort spans two or three teams of the area.
SHARED_EFFORT_SHARE = 0.16
# Share of initiatives with no scoring inputs at all, by status; the rest default.
UNESTIMATED_SHARE = {InitiativeStatus.IDEA: 0.45, InitiativeStatus.DISCOVERY: 0.2}
UNESTIMATED_DEFAULT = 0.05
# Of the estimated ones, the share that still misses one input: the ranking says "needs …".
ONE_INPUT_MISSING_SHARE = 0.1
# WSJF's relative scale (a modified Fibonacci sequence).
WSJF_SCALE = (1, 2, 3, 5, 8, 13, 20)
# Share of ideas and discovery work already pencilled into a later quarter.
PLACED_SHARE = {
    InitiativeStatus.IDEA: 0.06,
    InitiativeStatus.DISCOVERY: 0.25,
    InitiativeStatus.DROPPED: 0.3,
}
# The order work is placed in: facts first, then commitments, then hopes.
PLACEMENT_ORDER = {
    InitiativeStatus.IN_PROGRESS: 0,
    InitiativeStatus.DONE: 1,
    InitiativeStatus.PLANNED: 2,
    InitiativeStatus.DISCOVERY: 3,
    InitiativeStatus.IDEA: 4,
    InitiativeStatus.DROPPED: 5,
}
# Teams that promised more than they can do next quarter: a few, all of them small.
OVERCOMMITTED_PER_TEAMS = 12
OVERCOMMITTED_LOAD = 1.15


@dataclass(frozen=True)
class DemoSize:
    """How many of each thing the demo holds.

    VPs report to the CPO, Directors to the VPs (or to the CPO when there are no VPs), Group PMs
    to the Directors and PMs to the Group PMs.
    """

    vps: int
    directors: int
    group_pms: int
    pms: int
    teams: int
    initiatives: int
    stakeholders: int = 3

    def scaled(self, factor: int) -> DemoSize:
        """This size with everything below the VPs multiplied by `factor`."""
        if factor < 1:
            raise ValueError("a demo can only be scaled by a whole number of at least 1")
        return replace(
            self,
            directors=self.directors * factor,
            group_pms=self.group_pms * factor,
            pms=self.pms * factor,
            teams=self.teams * factor,
            initiatives=self.initiatives * factor,
        )


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(vps=0, directors=2, group_pms=5, pms=30, teams=30, initiatives=400),
    "large": DemoSize(vps=3, directors=8, group_pms=32, pms=200, teams=150, initiatives=5000),
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    name: str


def database_is_empty() -> bool:
    """True when no Person exists, so a demo may be loaded."""
    return not Person.objects.exists()


def demo_password() -> str:
    """The one password every demo account signs in with."""
    return settings.DEMO_PASSWORD


# The plan: plain Python objects that refer to each other by index, drawn before any write.


@dataclass
class _PersonPlan:
    first_name: str
    last_name: str
    username: str
    level: str
    manager: int | None
    start_date: date
    area: int | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class _TeamPlan:
    name: str
    mission: str
    area: int
    product_manager: int
    leader: int
    capacity: Decimal


@dataclass
class _ObjectivePlan:
    title: str
    description: str
    period: str
    owner: int
    parent: int | None


@dataclass
class _InitiativePlan:
    title: str
    description: str
    team: int
    owner: int
    category: str
    status: str
    health: str
    value: Decimal
    effort: Decimal
    objectives: list[int] = field(default_factory=list)
    bucket: str = ""
    # (team index, person-weeks over the whole duration); they sum to `effort`.
    team_efforts: list[tuple[int, Decimal]] = field(default_factory=list)
    start_quarter: str = ""
    duration: int = 1
    earliest_start: date | None = None
    deadline: date | None = None
    # The scoring inputs by Initiative field name; None is "not estimated".
    scores: dict[str, int | Decimal | None] = field(default_factory=dict)

    @property
    def end_quarter(self) -> str:
        return quarter_add(self.start_quarter, self.duration - 1) if self.start_quarter else ""


@dataclass
class _Plan:
    people: list[_PersonPlan] = field(default_factory=list)
    stakeholders: list[_PersonPlan] = field(default_factory=list)
    teams: list[_TeamPlan] = field(default_factory=list)
    objectives: list[_ObjectivePlan] = field(default_factory=list)
    initiatives: list[_InitiativePlan] = field(default_factory=list)
    today: date = REFERENCE_DATE
    periods: tuple[str, str] = PERIODS
    now: datetime = field(default_factory=lambda: clock.end_of_day(REFERENCE_DATE))


def demo_organisation_create(
    *,
    size: str | DemoSize,
    seed: int,
    progress: Callable[[float], None] | None = None,
    today: date = REFERENCE_DATE,
    now: datetime | None = None,
) -> None:
    """Load the demo organisation of `size` made from `seed`, in one transaction.

    Every date counts back (or forward) from `today`: the CLI passes the real date so a demo
    looks lived-in on the day it is loaded; tests keep the fixed REFERENCE_DATE. `now` is the
    moment of loading (the end of `today` when not given): nothing is stamped later.
    """
    now = now or clock.end_of_day(today)
    demo_size = SIZES[size] if isinstance(size, str) else size
    report = progress or (lambda fraction: None)
    report(0.0)
    with transaction.atomic():
        # A demo loaded on top of another (tests do) dresses only its own initiatives.
        initiatives_before = Initiative.objects.aggregate(last=Max("pk"))["last"] or 0
        plan = _plan(
            demo_size,
            rng=random.Random(seed),  # noqa: S311 - demo data must repeat from a seed, not be secret
            taken_usernames=set(User.objects.values_list("username", flat=True)),
            taken_team_names=set(Team.objects.values_list("name", flat=True)),
            today=today,
        )
        plan.now = now
        report(0.05)
        _write(plan, report)
        growth_demo_create(seed=seed, today=today, now=now)
        one_on_ones_demo_create(seed=seed, today=today, now=now)
        strategy_demo_create(
            seed=seed,
            today=today,
            now=now,
            periods=plan.periods,
            initiatives_after=initiatives_before,
        )
    # Outside the portfolio's transaction: the plan is a run of its own, and its failure
    # leaves the demo whole.
    planning_demo_create(today=today)
    surveys_demo_create(seed=seed, today=today, now=now)
    reports_demo_create(today=today, now=now)
    function_demo_create(today=today, now=now)
    report(1.0)


def demo_accounts() -> list[DemoAccount]:
    """The six accounts worth trying, read back from the database; empty without a demo."""
    people = list(
        Person.objects.filter(email__endswith=f"@{DOMAIN}", user__isnull=False)
        .select_related("level", "user")
        .order_by("name", "pk")
    )
    cpo = next((person for person in people if person.level.code == "cpo"), None)
    if cpo is None:
        return []
    reports: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        if person.manager_id is not None:
            reports[person.manager_id].append(person)
    pms_with_work = set(
        Team.objects.filter(initiatives__isnull=False, product_manager__isnull=False)
        .values_list("product_manager_id", flat=True)
        .distinct()
    )
    accounts = [_account("CPO", cpo.user, cpo.name)]
    # Empty when no Director has a Group PM with two PMs and work: the other roles still show.
    chosen = _director_group_pm_and_pm(people, reports, pms_with_work)
    for role, person in zip(("Director", "Group PM", "PM"), chosen, strict=False):
        accounts.append(_account(role, person.user, person.name))
    demo_users = User.objects.filter(email__endswith=f"@{DOMAIN}").order_by("pk")
    stakeholder = demo_users.filter(kind=User.Kind.STAKEHOLDER).first()
    admin = demo_users.filter(kind=User.Kind.ADMIN).first()
    for role, user in (("Stakeholder", stakeholder), ("Admin", admin)):
        if user is not None:
            accounts.append(_account(role, user, user.get_full_name() or user.username))
    return accounts


def _account(role: str, user: User, name: str) -> DemoAccount:
    return DemoAccount(role=role, username=user.username, name=name)


def _director_group_pm_and_pm(
    people: list[Person], reports: dict[int, list[Person]], pms_with_work: set[int]
) -> list[Person]:
    """The first Director (by name) with a Group PM of two or more PMs, one of whom has work."""

    def below(person: Person) -> list[Person]:
        found, stack = [], list(reports[person.pk])
        while stack:
            report = stack.pop()
            found.append(report)
            stack.extend(reports[report.pk])
        return sorted(found, key=lambda other: (other.name, other.pk))

    leaders = [p for p in people if p.level.code == "director"] + [
        p for p in people if p.level.code == "vp"
    ]
    for director in leaders:
        for group_pm in below(director):
            pms = reports[group_pm.pk]
            if group_pm.level.code != "group-pm" or len(pms) < 2:
                continue
            for pm in pms:  # already in name order
                if pm.pk in pms_with_work:
                    return [director, group_pm, pm]
    return []


# Drawing the plan.


def _plan(
    size: DemoSize,
    *,
    rng: random.Random,
    taken_usernames: set[str],
    taken_team_names: set[str],
    today: date,
) -> _Plan:
    plan = _Plan(today=today, periods=periods_from(today))
    names = _NameSource(rng, taken_usernames)
    areas = catalogue.AREAS

    def person(level: str, manager: int | None, years: tuple[int, int]) -> int:
        first, last, username = names.draw()
        start = today - timedelta(days=rng.randint(years[0] * 365, years[1] * 365))
        plan.people.append(_PersonPlan(first, last, username, level, manager, start))
        return len(plan.people) - 1

    cpo = person("cpo", None, (2, 6))
    vps = [person("vp", cpo, (1, 6)) for _ in range(size.vps)]
    directors = [
        person("director", vps[_block(i, size.directors, len(vps))] if vps else cpo, (1, 7))
        for i in range(size.directors)
    ]
    group_pms = []
    for i in range(size.group_pms):
        manager = directors[_block(i, size.group_pms, len(directors))] if directors else cpo
        group_pm = person("group-pm", manager, (1, 6))
        # Consecutive Group PMs share an area, so each Director leads a few related areas.
        plan.people[group_pm].area = (
            i if size.group_pms <= len(areas) else _block(i, size.group_pms, len(areas))
        )
        group_pms.append(group_pm)
    pms: list[int] = []
    first_pm_of_group: set[int] = set()
    for group_pm, span in zip(group_pms, _spans(rng, size.group_pms, size.pms), strict=True):
        for position in range(span):
            level = _weighted(rng, IC_LEVEL_WEIGHTS)
            # Associate PMs are new; principals have been around.
            years = {"apm": (0, 2), "principal-pm": (3, 9)}.get(level, (0, 6))
            pm = person(level, group_pm, years)
            plan.people[pm].area = plan.people[group_pm].area
            pms.append(pm)
            if position == 0:
                first_pm_of_group.add(pm)
    for role in catalogue.STAKEHOLDER_ROLES[: size.stakeholders]:
        first, last, username = names.draw()
        plan.stakeholders.append(
            _PersonPlan(first, last, username, role, None, today - timedelta(days=400))
        )

    _plan_teams(plan, rng, size, pms, first_pm_of_group, taken_team_names)
    objectives_of = _plan_objectives(plan, rng, cpo, vps + directors, group_pms)
    _plan_initiatives(plan, rng, size, objectives_of)
    return plan


def _block(index: int, count: int, groups: int) -> int:
    """Which of `groups` consecutive, nearly equal blocks item `index` of `count` falls in."""
    return index * groups // count


def _weighted(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _spans(rng: random.Random, group_pms: int, pms: int) -> list[int]:
    """How many PMs each Group PM leads: one too wide, one too narrow, the rest 4 to 8."""
    if group_pms == 0:
        return []
    others_count = group_pms - 2
    showcase = WIDE_SPAN + NARROW_SPAN
    if others_count < 2 or pms - showcase < USUAL_SPAN[0] * others_count:
        base, extra = divmod(pms, group_pms)
        return [base + (1 if i < extra else 0) for i in range(group_pms)]
    spans = [0] * group_pms
    wide, narrow = rng.sample(range(group_pms), 2)
    spans[wide], spans[narrow] = WIDE_SPAN, NARROW_SPAN
    others = [i for i in range(group_pms) if i not in (wide, narrow)]
    base, extra = divmod(pms - showcase, others_count)
    for i in others:
        spans[i] = base
    for i in rng.sample(others, extra):
        spans[i] += 1
    # Uneven but believable: move a PM between groups while both stay within the usual span.
    for _ in range(2 * others_count):
        giver, taker = rng.sample(others, 2)
        if spans[giver] > USUAL_SPAN[0] and spans[taker] < USUAL_SPAN[1]:
            spans[giver] -= 1
            spans[taker] += 1
    return spans


class _NameSource:
    """Unique full names, and unique ASCII "first.last" usernames for them."""

    def __init__(self, rng: random.Random, taken_usernames: set[str]) -> None:
        self.rng = rng
        self.taken_usernames = set(taken_usernames)
        self.used_names: set[tuple[str, str]] = set()

    def draw(self) -> tuple[str, str, str]:
        while True:
            first = self.rng.choice(catalogue.FIRST_NAMES)
            last = self.rng.choice(catalogue.LAST_NAMES)
            if (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        stem = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
        username, number = stem, 1
        while username in self.taken_usernames:
            number += 1
            username = f"{stem}{number}"
        self.taken_usernames.add(username)
        return first, last, username


# Letters that Unicode does not decompose into a base letter and an accent.
_ASCII_FOLDS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss"})


def _ascii_slug(name: str) -> str:
    """Lower-case ASCII letters, digits and hyphens: "Søren" -> "soren", "O'Brien" -> "obrien"."""
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLDS))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "".join(char for char in ascii_name if char.isalnum() or char == "-")


def _plan_teams(
    plan: _Plan,
    rng: random.Random,
    size: DemoSize,
    pms: list[int],
    first_pm_of_group: set[int],
    taken_team_names: set[str],
) -> None:
    """Give most PMs one team in their Group PM's area; every Group PM keeps at least one."""
    if not pms:
        return
    owners = list(pms)
    if size.teams < len(pms):
        # Everyone but the first PM of each group may be between teams.
        spare = [pm for pm in pms if pm not in first_pm_of_group]
        without_team = set(rng.sample(spare, min(len(spare), len(pms) - size.teams)))
        owners = [pm for pm in pms if pm not in without_team][: size.teams]
    else:
        owners += [rng.choice(pms) for _ in range(size.teams - len(pms))]
    names_by_area = {
        index: rng.sample(area.teams, len(area.teams)) for index, area in enumerate(catalogue.AREAS)
    }
    next_name = defaultdict(int)
    taken = set(taken_team_names)
    for pm in owners:
        area = plan.people[pm].area or 0
        pool = names_by_area[area]
        while True:
            # Big areas split their teams by region once the names run out.
            round_, position = divmod(next_name[area], len(pool))
            next_name[area] += 1
            name, mission = pool[position]
            if round_:
                name = f"{name} {_REGIONS[(round_ - 1) % len(_REGIONS)]}"
                if round_ > len(_REGIONS):
                    name = f"{name} {round_}"
            if name not in taken:
                break
        taken.add(name)
        engineers = rng.randint(4, 9)
        plan.teams.append(
            _TeamPlan(
                name=name,
                mission=mission,
                area=area,
                product_manager=pm,
                leader=plan.people[pm].manager,
                capacity=Decimal(engineers * 13),
            )
        )


_REGIONS = ("EMEA", "Americas", "APAC")


def _plan_objectives(
    plan: _Plan,
    rng: random.Random,
    cpo: int,
    org_leaders: list[int],
    group_pms: list[int],
) -> dict[tuple[int, str], list[int]]:
    """Company, product-org and team objectives for both periods; returns owner's by period."""
    objectives_of: dict[tuple[int, str], list[int]] = defaultdict(list)

    def add(title: str, description: str, period: str, owner: int, parent: int | None) -> int:
        plan.objectives.append(_ObjectivePlan(title, description, period, owner, parent))
        index = len(plan.objectives) - 1
        objectives_of[(owner, period)].append(index)
        return index

    for half, period in enumerate(plan.periods):
        label = _period_label(period)
        company = {
            theme: add(
                titles[half],
                f"One of the company's four objectives for {label}, set at the offsite.",
                period,
                cpo,
                None,
            )
            for theme, titles in catalogue.COMPANY_OBJECTIVES.items()
        }
        org_pool = _Pool(
            rng,
            [
                (title, theme)
                for theme, titles in catalogue.PRODUCT_ORG_OBJECTIVES.items()
                for title in titles
            ],
        )
        for leader in org_leaders:
            for title, theme in org_pool.take(2):
                parent = company[theme]
                add(
                    title,
                    f"How the product org contributes to “{plan.objectives[parent].title}”.",
                    period,
                    leader,
                    parent,
                )
        area_pools: dict[int, _Pool] = {}
        for group_pm in group_pms:
            area = plan.people[group_pm].area or 0
            pool = area_pools.setdefault(area, _Pool(rng, catalogue.AREAS[area].objectives))
            manager = plan.people[group_pm].manager
            parents = objectives_of.get((manager, period)) if manager is not None else None
            for title in pool.take(2):
                parent = rng.choice(parents) if parents else company["growth"]
                parent_title = plan.objectives[parent].title
                add(
                    title,
                    f"What {catalogue.AREAS[area].name} does for “{parent_title}”.",
                    period,
                    group_pm,
                    parent,
                )
    return objectives_of


def _period_label(period: str) -> str:
    year, half = period.split("-")
    return f"the {'first' if half == 'H1' else 'second'} half of {year}"


class _Pool:
    """Draws without repeats while it can, then starts over: titles stay varied."""

    def __init__(self, rng: random.Random, items: Sequence) -> None:
        self.rng = rng
        self.items = list(items)
        self.left: list = []

    def take(self, count: int) -> list:
        taken = []
        for _ in range(count):
            if not self.left:
                self.left = self.rng.sample(self.items, len(self.items))
            taken.append(self.left.pop())
        return taken


def _plan_initiatives(
    plan: _Plan,
    rng: random.Random,
    size: DemoSize,
    objectives_of: dict[tuple[int, str], list[int]],
) -> None:
    if not plan.teams:
        return
    used_titles: set[str] = set()
    teams_of_area: dict[int, list[int]] = defaultdict(list)
    for index, team in enumerate(plan.teams):
        teams_of_area[team.area].append(index)
    for team_index, count in enumerate(_initiatives_per_team(rng, size.initiatives, plan.teams)):
        team = plan.teams[team_index]
        area = catalogue.AREAS[team.area]
        for _ in range(count):
            category = _weighted(rng, CATEGORY_WEIGHTS)
            status = _weighted(rng, STATUS_WEIGHTS)
            health_weights = HEALTH_WEIGHTS.get(status, (100, 0, 0))
            health = _weighted(rng, dict(zip(Health, health_weights, strict=True)))
            effort = round(rng.triangular(2, 60, 6))
            value = max(5, 5 * round(effort * rng.uniform(1.5, 20) / 5))
            plan.initiatives.append(
                _InitiativePlan(
                    title=_initiative_title(rng, area, category, used_titles),
                    description=_initiative_description(rng, area, category, status),
                    team=team_index,
                    owner=_initiative_owner(rng, plan, team),
                    category=category,
                    status=status,
                    health=health,
                    value=Decimal(value),
                    effort=Decimal(effort),
                    bucket=_weighted(rng, BUCKET_WEIGHTS[category]),
                    team_efforts=_team_efforts(rng, team_index, effort, teams_of_area[team.area]),
                    scores=_scores(rng, category, status, effort, value),
                )
            )
    _place_initiatives(plan, rng)
    _plan_dates(plan, rng)
    # Linked after placing, so work is aligned to the objectives of the half it runs in.
    for initiative in plan.initiatives:
        initiative.objectives = _objectives_for(
            rng, plan.teams[initiative.team], initiative, objectives_of, plan
        )


def _initiative_owner(rng: random.Random, plan: _Plan, team: _TeamPlan) -> int:
    """Mostly the team's PM; now and then its Group PM or even the Group PM's manager."""
    draw = rng.random()
    leaders_manager = plan.people[team.leader].manager
    if draw < LEADER_OWNED_SHARE / 4 and leaders_manager is not None:
        return leaders_manager
    return team.leader if draw < LEADER_OWNED_SHARE else team.product_manager


def _team_efforts(
    rng: random.Random, team: int, effort: int, area_teams: list[int]
) -> list[tuple[int, Decimal]]:
    """The owning team's effort, or for some bigger initiatives a split with one or two teams
    of the same product area; whole person-weeks that add up to `effort`."""
    others = [other for other in area_teams if other != team]
    if not others or effort < 6 or rng.random() >= SHARED_EFFORT_SHARE:
        return [(team, Decimal(effort))]
    helpers = rng.sample(others, min(len(others), rng.choice([1, 1, 2])))
    own = round(effort * rng.uniform(0.5, 0.75))
    rest = effort - own
    cuts = sorted(rng.sample(range(1, rest), len(helpers) - 1))
    shares = [high - low for low, high in zip([0, *cuts], [*cuts, rest], strict=True)]
    return [(team, Decimal(own))] + [
        (helper, Decimal(share)) for helper, share in zip(helpers, shares, strict=True)
    ]


def _scores(
    rng: random.Random, category: str, status: str, effort: int, value: int
) -> dict[str, int | Decimal | None]:
    """RICE, ICE and WSJF inputs that fit the work; ideas are often not estimated yet."""
    names = (
        "reach",
        "impact",
        "confidence",
        "ease",
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
    )
    if rng.random() < UNESTIMATED_SHARE.get(status, UNESTIMATED_DEFAULT):
        return dict.fromkeys(names)
    low, high = {
        WorkCategory.GROWTH: (3.5, 5),
        WorkCategory.SCALING: (4, 5.3),
        WorkCategory.PMF_EXPANSION: (2.5, 4),
    }.get(category, (3, 4.6))
    reach = int(float(f"{10 ** rng.uniform(low, high):.2g}"))
    # Value runs from 5 to about 1,200: spread it over WSJF's scale on a log scale.
    value_step = round(6 * (len(str(value)) - 1 + rng.uniform(-0.5, 0.5)) / 3)
    scores: dict[str, int | Decimal | None] = {
        "reach": reach,
        "impact": Decimal(str(rng.choices([0.25, 0.5, 1, 2, 3], weights=[8, 25, 37, 20, 10])[0])),
        "confidence": rng.choices([50, 80, 100], weights=[35, 45, 20])[0],
        "ease": min(10, max(1, round(10 - effort / 7 + rng.uniform(-1.5, 1.5)))),
        "business_value": WSJF_SCALE[min(6, max(0, value_step))],
        "time_criticality": rng.choice(WSJF_SCALE[:5]),
        "risk_reduction": rng.choice(
            WSJF_SCALE[2:] if category == WorkCategory.SCALING else WSJF_SCALE[:4]
        ),
        "job_size": next(size for size in WSJF_SCALE if size >= min(20, effort / 3)),
    }
    if rng.random() < ONE_INPUT_MISSING_SHARE:
        scores[rng.choice(["reach", "confidence", "job_size", "impact"])] = None
    return scores


def _duration(rng: random.Random, effort: Decimal) -> int:
    """A quarter, and one more per thirty person-weeks; now and then a quarter longer."""
    return min(4, 1 + int(effort) // 30 + (1 if rng.random() < 0.2 else 0))


def _place_initiatives(plan: _Plan, rng: random.Random) -> None:
    """Put finished, started and planned work in quarters around today; most ideas stay out.

    Work goes greedily, the most valuable per person-week first, in the first quarter of its
    shuffled preferences where every team it needs still has capacity, as a planner would.
    Started and finished work is a fact, so it goes in even where it does not fit; and a few
    small teams promised more than they can do next quarter, so the capacity page and the
    alignment check have something to show."""
    current = quarter_of(plan.today)
    following = quarter_add(current, 1)
    overcommitted = _overcommitted_teams(rng, plan.teams)
    # What a team lets be planned in a quarter: an overcommitted one a good deal more.
    limit = [
        float(team.capacity) * (OVERCOMMITTED_LOAD + 0.2 if index in overcommitted else 1)
        for index, team in enumerate(plan.teams)
    ]
    load: dict[tuple[int, str], float] = defaultdict(float)
    # Early in a quarter little has started in it yet, and planned work may still start in it.
    early = (plan.today - quarter_dates(current)[0]).days < 21

    def overload(initiative: _InitiativePlan, start: str, duration: int) -> float:
        return max(
            (load[(team, quarter)] + float(effort) / duration) / limit[team]
            for team, effort in initiative.team_efforts
            for quarter in quarter_span(start, duration)
        )

    def place(initiative: _InitiativePlan, start: str, duration: int) -> None:
        initiative.start_quarter, initiative.duration = start, duration
        if initiative.status == InitiativeStatus.DROPPED:
            return
        for team, effort in initiative.team_efforts:
            for quarter in quarter_span(start, duration):
                load[(team, quarter)] += float(effort) / duration

    by_return = sorted(
        range(len(plan.initiatives)),
        key=lambda i: (-plan.initiatives[i].value / plan.initiatives[i].effort, i),
    )
    # Status by status, so work moved from in progress back to planned is placed as planned.
    order = (
        index
        for phase in PLACEMENT_ORDER
        for index in [i for i in by_return if plan.initiatives[i].status == phase]
    )
    for index in order:
        initiative = plan.initiatives[index]
        status = initiative.status
        candidates = _start_candidates(
            rng, status, _duration(rng, initiative.effort), current, early
        )
        if not candidates:
            continue
        if status == InitiativeStatus.DROPPED:
            place(initiative, *candidates[0])
            continue
        if status == InitiativeStatus.PLANNED and initiative.team in overcommitted:
            candidates.insert(0, (following, 1))
        chosen = next((c for c in candidates if overload(initiative, *c) <= 1), None)
        if chosen is None and status == InitiativeStatus.IN_PROGRESS:
            # A team does not start what it has no room for: this one is still to come.
            initiative.status = InitiativeStatus.PLANNED
            initiative.description = _initiative_description(
                rng,
                catalogue.AREAS[plan.teams[initiative.team].area],
                initiative.category,
                initiative.status,
            )
            continue
        if chosen is None and status in {InitiativeStatus.DONE, InitiativeStatus.PLANNED}:
            chosen = min(candidates, key=lambda c: overload(initiative, *c))
        if chosen is not None:
            place(initiative, *chosen)

    # An overcommitted team that still fits next quarter pulls discovery work into it.
    for team in sorted(overcommitted):
        capacity = float(plan.teams[team].capacity)
        waiting = [
            initiative
            for initiative in plan.initiatives
            if initiative.team == team
            and initiative.status in {InitiativeStatus.DISCOVERY, InitiativeStatus.IDEA}
            and not initiative.start_quarter
        ]
        for initiative in waiting:
            if load[(team, following)] > OVERCOMMITTED_LOAD * capacity:
                break
            initiative.status = InitiativeStatus.PLANNED
            initiative.description = _initiative_description(
                rng,
                catalogue.AREAS[plan.teams[team].area],
                initiative.category,
                initiative.status,
            )
            place(initiative, following, 1)


def _overcommitted_teams(rng: random.Random, teams: list[_TeamPlan]) -> set[int]:
    """A few of the smaller teams, at least three."""
    count = max(3, len(teams) // OVERCOMMITTED_PER_TEAMS)
    smaller = sorted(range(len(teams)), key=lambda i: (teams[i].capacity, i))[: len(teams) // 2]
    return set(rng.sample(smaller, min(count, len(smaller))))


def _preferred(rng: random.Random, weights: dict[T, float]) -> list[T]:
    """The keys in a random order where heavier ones tend to come first."""
    return sorted(weights, key=lambda key: rng.random() ** (1 / weights[key]), reverse=True)


def _start_candidates(
    rng: random.Random, status: str, duration: int, current: str, early: bool
) -> list[tuple[str, int]]:
    """Where work of a status may sit, as (start quarter, duration), most preferred first."""
    if status == InitiativeStatus.DONE:
        backs = _preferred(rng, {1: 2, 2: 3, 3: 3, 4: 2, 5: 2, 6: 1})
        return [(quarter_add(current, 1 - back - duration), duration) for back in backs]
    if status == InitiativeStatus.IN_PROGRESS:
        # Still running: it lasts at least until the current quarter, maybe longer; the
        # longest spreads are there for when nothing else fits.
        weights = {(1, 0): 5, (1, 1): 2, (2, 0): 2, (2, 1): 1, (3, 0): 1}
        weights |= {(1, 2): 0.05, (2, 2): 0.05, (3, 1): 0.05} | ({} if early else {(0, 0): 4})
        return [
            (quarter_add(current, -back), min(8, max(duration, back + 1) + longer))
            for back, longer in _preferred(rng, weights)
        ]
    if status == InitiativeStatus.PLANNED:
        # Mostly next quarter, sometimes this one or later; the far quarters only when full.
        near = _preferred(rng, {1: 6, 2: 2, 3: 1} | ({0: 3} if early else {}))
        return [(quarter_add(current, ahead), duration) for ahead in [*near, 4, 5]]
    if rng.random() >= PLACED_SHARE.get(status, 0):
        return []
    if status == InitiativeStatus.DROPPED:
        return [(quarter_add(current, rng.randint(-2, 1)), duration)]
    first = 2 if status == InitiativeStatus.DISCOVERY else 3
    return [(quarter_add(current, ahead), duration) for ahead in range(first, first + 3)]


def _plan_dates(plan: _Plan, rng: random.Random) -> None:
    """Deadlines and earliest starts on some work: mostly met, a few in-progress ones late."""
    current = quarter_of(plan.today)
    late_candidates = []
    for initiative in plan.initiatives:
        status = initiative.status
        placed = bool(initiative.start_quarter)
        first_day = quarter_dates(initiative.start_quarter)[0] if placed else None
        last_day = quarter_dates(initiative.end_quarter)[1] if placed else None
        if status == InitiativeStatus.DROPPED:
            continue
        if placed and status in {InitiativeStatus.DONE, InitiativeStatus.IN_PROGRESS}:
            if rng.random() < 0.18:
                initiative.deadline = last_day + timedelta(days=rng.randint(0, 30))
                if status == InitiativeStatus.IN_PROGRESS:
                    late_candidates.append(initiative)
            continue
        if placed:
            if rng.random() < 0.15:
                initiative.earliest_start = first_day - timedelta(days=rng.randint(0, 45))
            if rng.random() < 0.2:
                initiative.deadline = last_day + timedelta(days=rng.randint(0, 45))
            continue
        # Not placed yet: a contract that starts later, a regulation with a date.
        if rng.random() < 0.08:
            later = quarter_add(current, rng.randint(1, 3))
            initiative.earliest_start = quarter_dates(later)[0]
        if rng.random() < 0.08:
            initiative.deadline = quarter_dates(quarter_add(current, rng.randint(3, 6)))[1]
            if initiative.earliest_start and initiative.deadline < initiative.earliest_start:
                initiative.deadline = initiative.earliest_start + timedelta(days=90)
    # A few started initiatives have passed their deadline and are still running: late.
    late_count = min(len(late_candidates), 2 + len(late_candidates) // 5)
    for initiative in rng.sample(late_candidates, late_count):
        started = quarter_dates(initiative.start_quarter)[0]
        overdue = rng.randint(3, max(3, min(40, (plan.today - started).days - 7)))
        initiative.deadline = plan.today - timedelta(days=overdue)
        initiative.health = rng.choice([Health.AMBER, Health.RED])


def _initiatives_per_team(rng: random.Random, total: int, teams: list[_TeamPlan]) -> list[int]:
    """`total` split over the teams unevenly, at least three each when there are enough."""
    minimum = min(3, total // len(teams))
    weights = [rng.uniform(0.5, 1.5) for _ in teams]
    rest = total - minimum * len(teams)
    shares = [rest * weight / sum(weights) for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(teams)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return [minimum + count for count in counts]


def _initiative_title(
    rng: random.Random, area: catalogue.ProductArea, category: str, used: set[str]
) -> str:
    """A title that fits the area and category, unused if possible within a few draws."""
    for _ in range(6):
        title = _title_candidate(rng, area, category)
        if title not in used:
            used.add(title)
            return title
    for follow_up in catalogue.FOLLOW_UPS:
        if f"{title}{follow_up}" not in used:
            title = f"{title}{follow_up}"
            break
    used.add(title)
    return title


def _title_candidate(rng: random.Random, area: catalogue.ProductArea, category: str) -> str:
    if category == WorkCategory.FEATURE:
        if rng.random() < 0.3:
            return rng.choice(area.feature_titles)
        return f"{rng.choice(area.features)} {rng.choice(area.contexts)}"
    if category == WorkCategory.GROWTH:
        return f"{rng.choice(area.growth_levers)} {rng.choice(area.growth_goals)}"
    if category == WorkCategory.SCALING:
        return rng.choice(catalogue.SCALING_TEMPLATES).format(system=rng.choice(area.systems))
    title = rng.choice(catalogue.EXPANSION_TEMPLATES).format(
        offering=rng.choice(area.offerings),
        market=rng.choice(catalogue.MARKETS),
        segment=rng.choice(catalogue.SEGMENTS),
    )
    return title[0].upper() + title[1:]


def _initiative_description(
    rng: random.Random, area: catalogue.ProductArea, category: str, status: str
) -> str:
    why = rng.choice(catalogue.WHY[category]).format(
        area=area.name,
        n=rng.randint(12, 90),
        pct=rng.randint(8, 45),
        small=rng.randint(2, 9),
    )
    # Finished and dropped work always says so; elsewhere the second sentence is optional.
    if status in {InitiativeStatus.DONE, InitiativeStatus.DROPPED} or rng.random() < 0.8:
        return f"{why} {rng.choice(catalogue.WHERE_IT_STANDS[status])}"
    return why


def _objectives_for(
    rng: random.Random,
    team: _TeamPlan,
    initiative: _InitiativePlan,
    objectives_of: dict[tuple[int, str], list[int]],
    plan: _Plan,
) -> list[int]:
    """None, one or two of the team leader's objectives, from the half the work belongs to."""
    wanted = rng.choices([0, 1, 2], weights=[12, 60, 28])[0]
    period = _period_of(rng, initiative, plan)
    candidates = list(objectives_of.get((team.leader, period), []))
    if wanted == 2 and len(candidates) < 2:
        # A team objective's parent is the next best thing to a second team objective.
        candidates += [
            parent for index in candidates if (parent := plan.objectives[index].parent) is not None
        ]
    return sorted(rng.sample(candidates, min(wanted, len(candidates))))


def _period_of(rng: random.Random, initiative: _InitiativePlan, plan: _Plan) -> str:
    """The demo half an initiative's work belongs to: where it starts, if it is placed."""
    first, second = plan.periods
    if initiative.start_quarter:
        return second if initiative.start_quarter >= quarters_of_period(second)[0] else first
    started = initiative.status in {
        InitiativeStatus.IN_PROGRESS,
        InitiativeStatus.DONE,
        InitiativeStatus.DROPPED,
    }
    return first if started or rng.random() < 0.3 else second


# Writing the plan.


def _write(plan: _Plan, report: Callable[[float], None]) -> None:
    framework_ensure_default()
    password = make_password(demo_password())  # once: hashing is slow by design
    ladder_ensure()
    levels = {level.code: level for level in Level.objects.all()}

    users = [_user(person, password, User.Kind.MEMBER, plan.now) for person in plan.people]
    users += [
        _user(person, password, User.Kind.STAKEHOLDER, plan.now) for person in plan.stakeholders
    ]
    admin_username = "admin" if not User.objects.filter(username="admin").exists() else None
    users.append(
        User(
            username=admin_username or _free_username("demo.admin"),
            email=f"admin@{DOMAIN}",
            first_name="Demo",
            last_name="Administrator",
            kind=User.Kind.ADMIN,
            is_staff=True,
            is_superuser=True,
            password=password,
            date_joined=clock.moment(plan.today - timedelta(days=400), 9, now=plan.now),
        )
    )
    users = User.objects.bulk_create(users)
    report(0.15)

    # A manager is always drawn before their reports, so each level can point at the last.
    people: list[Person | None] = [None] * len(plan.people)
    depth = _depths(plan.people)
    for current in sorted(set(depth)):
        batch = [i for i in range(len(plan.people)) if depth[i] == current]
        created = Person.objects.bulk_create(
            [_person(plan.people[i], users[i], people, levels, plan.today) for i in batch]
        )
        for i, person in zip(batch, created, strict=True):
            people[i] = person
    report(0.25)

    teams = Team.objects.bulk_create(
        [
            Team(
                name=team.name,
                mission=team.mission,
                product_area=catalogue.AREAS[team.area].name,
                product_manager=people[team.product_manager],
                leader=people[team.leader],
                capacity_per_quarter=team.capacity,
            )
            for team in plan.teams
        ]
    )
    report(0.3)

    objectives: list[Objective | None] = [None] * len(plan.objectives)
    # Parents come before their children in the plan; write tier by tier.
    tiers = _depths(plan.objectives, parent_of=lambda objective: objective.parent)
    for current in sorted(set(tiers)):
        batch = [i for i in range(len(plan.objectives)) if tiers[i] == current]
        created = Objective.objects.bulk_create(
            [
                Objective(
                    title=plan.objectives[i].title,
                    description=plan.objectives[i].description,
                    period=plan.objectives[i].period,
                    owner=people[plan.objectives[i].owner],
                    parent=(
                        objectives[plan.objectives[i].parent]
                        if plan.objectives[i].parent is not None
                        else None
                    ),
                )
                for i in batch
            ]
        )
        for i, objective in zip(batch, created, strict=True):
            objectives[i] = objective
    report(0.35)

    link = Initiative.objectives.through
    total = len(plan.initiatives) or 1
    for start in range(0, len(plan.initiatives), INITIATIVES_BATCH):
        batch = plan.initiatives[start : start + INITIATIVES_BATCH]
        created = Initiative.objects.bulk_create(
            [
                Initiative(
                    title=initiative.title,
                    description=initiative.description,
                    team=teams[initiative.team],
                    owner=people[initiative.owner],
                    category=initiative.category,
                    status=initiative.status,
                    health=initiative.health,
                    value_estimate=initiative.value,
                    effort_estimate=initiative.effort,
                    bucket=initiative.bucket,
                    start_quarter=initiative.start_quarter,
                    duration_quarters=initiative.duration,
                    earliest_start=initiative.earliest_start,
                    deadline=initiative.deadline,
                    **initiative.scores,
                )
                for initiative in batch
            ]
        )
        InitiativeEffort.objects.bulk_create(
            [
                InitiativeEffort(initiative_id=row.pk, team_id=teams[team].pk, effort=effort)
                for initiative, row in zip(batch, created, strict=True)
                for team, effort in initiative.team_efforts
            ]
        )
        link.objects.bulk_create(
            [
                link(initiative_id=row.pk, objective_id=objectives[index].pk)
                for initiative, row in zip(batch, created, strict=True)
                for index in initiative.objectives
            ]
        )
        report(0.35 + 0.65 * min(start + INITIATIVES_BATCH, total) / total)


def _depths(items: Sequence[T], parent_of: Callable[[T], int | None] | None = None) -> list[int]:
    """How far each item is from the top, following `parent_of` (by default the manager)."""
    parent_of = parent_of or (lambda person: person.manager)
    depths: list[int] = []
    for item in items:
        parent = parent_of(item)
        depths.append(0 if parent is None else depths[parent] + 1)
    return depths


def _user(person: _PersonPlan, password: str, kind: str, now: datetime) -> User:
    return User(
        username=person.username,
        email=f"{person.username}@{DOMAIN}",
        first_name=person.first_name,
        last_name=person.last_name,
        kind=kind,
        password=password,
        date_joined=clock.moment(person.start_date, 9, now=now),
    )


def _person(
    person: _PersonPlan,
    user: User,
    people: list[Person | None],
    levels: dict[str, Level],
    today: date,
) -> Person:
    return Person(
        name=person.name,
        email=user.email,
        level=levels[person.level],
        manager=people[person.manager] if person.manager is not None else None,
        user=user,
        start_date=person.start_date,
        # Time in level: a fifth to four fifths of the tenure, spread by name, no randomness.
        level_since=today - (today - person.start_date) * (len(person.name) % 4 + 1) / 5,
    )


def _free_username(stem: str) -> str:
    taken = set(User.objects.filter(username__startswith=stem).values_list("username", flat=True))
    username, number = stem, 1
    while username in taken:
        number += 1
        username = f"{stem}{number}"
    return username
