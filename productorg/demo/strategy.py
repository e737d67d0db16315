"""The demo's strategy around the portfolio: vision, key results, status updates,
dependencies, milestones and risks, balance dimensions and mix targets, a scoring model of the
leader's own, and a few findings for the alignment check to make.

Deterministic from the demo seed; runs after the objectives and initiatives exist, reading
them back in primary-key order and writing with `bulk_create`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from productorg.demo import clock
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    BalanceDimension,
    Bucket,
    Classification,
    Dependency,
    DimensionValue,
    Initiative,
    KeyResult,
    Milestone,
    MixTarget,
    Objective,
    Risk,
    ScoringModel,
    StatusUpdate,
    Vision,
    WorkCategory,
)
from productorg.strategy.periods import quarter_add, quarter_dates, quarter_of, quarters_of_period
from productorg.strategy.selectors.load import placed_effort
from productorg.strategy.services.mix import builtin_dimensions_ensure

VISIONS = [
    (
        "Northwind helps independent merchants sell anywhere their customers are.\n\n"
        "We build the simplest way to open a shop, the fastest checkout on the web and the "
        "tools that turn a first order into a loyal customer."
    ),
    (
        "Northwind is where independent merchants grow: **the simplest way to start selling, "
        "the fastest checkout on any device, and the insight to win repeat customers**.\n\n"
        "- Merchants live in under a day, without a developer.\n"
        "- Every shopper checks out in under a minute, in their own currency.\n"
        "- Each merchant knows which customers come back, and why."
    ),
]

# (metric, unit, baseline, target): a key result moves a metric from baseline to target.
METRICS = [
    ("Repeat purchase rate of new customers", "%", 18, 24),
    ("Checkout conversion on mobile", "%", 2.1, 2.8),
    ("Median time to first sale for new merchants", " days", 9, 4),
    ("Monthly active merchants", "", 41000, 52000),
    ("p95 checkout page load", " ms", 1900, 1200),
    ("Net revenue retention", "%", 104, 110),
    ("Support tickets per 1,000 orders", "", 7.5, 5),
    ("Merchants selling in two or more countries", "%", 6, 10),
    ("Search sessions ending in a purchase", "%", 11, 14),
    ("Activation within the first week", "%", 38, 50),
    ("Payment authorisation rate", "%", 91.5, 94),
    ("Uptime of the storefront", "%", 99.5, 99.9),
]


# An objective set at the offsite that no team has picked up yet: the alignment check finds it.
UNSERVED_OBJECTIVE = (
    "Open Northwind to third-party apps",
    "Set at the offsite for the second half; no team has work for it yet.",
)


def strategy_demo_create(
    *,
    seed: int,
    today: date,
    periods: tuple[str, str],
    initiatives_after: int = 0,
    now: datetime | None = None,
) -> None:
    """A vision with one earlier version, key results, status updates, dependencies,
    milestones and risks, balance dimensions with mix targets, and a custom scoring model."""
    rng = random.Random(seed * 7919 + 3)  # noqa: S311 - demo data must repeat from a seed
    cpo = Person.objects.filter(level__code="cpo").order_by("pk").first()
    for age_days, text in zip([200, 30], VISIONS, strict=True):
        vision = Vision.objects.create(text=text, author=cpo)
        # auto_now_add ignores a given value; the history wants its real dates.
        Vision.objects.filter(pk=vision.pk).update(
            created_at=clock.moment(
                today - timedelta(days=age_days), 10, now=now or clock.end_of_day(today)
            )
        )
    _unserved_objective(periods)
    KeyResult.objects.bulk_create(_key_results(rng))
    work = _work(initiatives_after)
    _status_updates(rng, today, work)
    _dependencies(rng, today, work)
    _milestones_and_risks(rng, today, work)
    _balance(rng, periods, work)
    ScoringModel.objects.get_or_create(
        name=SCORING_MODEL[0],
        defaults={"formula": SCORING_MODEL[1], "description": SCORING_MODEL[2], "author": cpo},
    )


def _key_results(rng: random.Random) -> list[KeyResult]:
    """One to three key results per objective, each metric measuring one objective a period.

    Drawn independently, two objectives of a half would measure the same metric with different
    values, and the tree would show "Uptime 99.90" and "Uptime 99.47" side by side. A metric
    already taken that half is swapped for one still free; once none is, the objective
    measures its owner's part of it: the metric in the product area they lead (or for the
    teams of the person who owns it). The random draws are the ones an independent draw makes,
    so the rest of the demo (status, milestones, risks) comes out as before.
    """
    areas: dict[int, str] = {}
    for leader_id, area in (
        Team.objects.exclude(product_area="")
        .filter(leader__isnull=False)
        .order_by("leader_id", "name")
        .values_list("leader_id", "product_area")
    ):
        areas.setdefault(leader_id, area)
    taken: dict[str, set[str]] = defaultdict(set)
    key_results = []
    for objective in Objective.objects.select_related("owner").order_by("pk"):
        used = taken[objective.period]
        scope = areas.get(objective.owner_id) or (
            f"{objective.owner.name}'s teams" if objective.owner else None
        )
        drawn = rng.sample(METRICS, rng.randint(1, 3))
        for index, row in enumerate(drawn):
            share = Decimal(str(round(rng.uniform(-0.1, 1.1), 2)))
            # Not one this objective draws next: that one keeps its own.
            later = drawn[index + 1 :]
            free = [m for m in [row, *METRICS] if m[0] not in used and m not in later]
            if free:
                metric, unit, baseline, target = free[0]
                name = metric
            elif scope and f"{row[0]} ({scope})" not in used:
                metric, unit, baseline, target = row
                name = f"{metric} ({scope})"
            else:
                continue
            used.add(name)
            base, goal = Decimal(str(baseline)), Decimal(str(target))
            key_results.append(
                KeyResult(
                    objective=objective,
                    metric=name,
                    unit=unit.strip(),
                    baseline=base,
                    target=goal,
                    current=(base + (goal - base) * share).quantize(Decimal("0.01")),
                )
            )
    return key_results


def _unserved_objective(periods: tuple[str, str]) -> None:
    """A product-org objective of the second half, under a company objective, with no work."""
    parent = (
        Objective.objects.filter(period=periods[1], parent=None, owner__level__code="cpo")
        .order_by("pk")
        .first()
    )
    owner = Person.objects.filter(level__code__in=["director", "vp"]).order_by("pk").first()
    if parent is None or owner is None:
        return
    title, description = UNSERVED_OBJECTIVE
    Objective.objects.create(
        title=title, description=description, period=periods[1], owner=owner, parent=parent
    )


class _Work(NamedTuple):
    """An initiative as the rest of the demo needs it: plain values, all read in one query."""

    pk: int
    team_id: int | None
    owner_id: int | None
    status: str
    health: str
    category: str
    bucket: str
    start_quarter: str
    duration_quarters: int
    deadline: date | None

    @property
    def end_quarter(self) -> str:
        if not self.start_quarter:
            return ""
        return quarter_add(self.start_quarter, self.duration_quarters - 1)

    def is_late(self, today: date) -> bool:
        """Still in progress after its deadline."""
        return self.status == Initiative.Status.IN_PROGRESS and bool(
            self.deadline and self.deadline < today
        )


def _work(initiatives_after: int) -> list[_Work]:
    initiatives = Initiative.objects.filter(pk__gt=initiatives_after).order_by("pk")
    return [_Work(*row) for row in initiatives.values_list(*_Work._fields)]


SUMMARIES = {
    "green": [
        "On track: the beta is live with the first merchants and feedback is positive.",
        "Design and engineering agreed the scope; the first slice ships next sprint.",
        "Rollout at 50 % of traffic; no regressions in conversion or latency.",
    ],
    "amber": [
        "Slipping by about two weeks: the payment provider's sandbox was down for days.",
        "Scope grew after customer interviews; we are cutting the admin screens to hold the date.",
        "Early numbers are flat; we are adding an experiment before the full rollout.",
    ],
    "red": [
        "Blocked: the platform team's API we depend on moved to next quarter.",
        "Two engineers moved to an incident; the deadline cannot hold without help.",
        "The legal review found a consent issue; we paused the rollout.",
    ],
}
RISKS = [
    "Depends on the data platform's event schema landing in time.",
    "Peak season freeze starts in three weeks.",
    "One engineer on parental leave next month.",
    "",
]
DECISIONS = [
    "Ship without the admin screens, or move the date by two weeks?",
    "Fund a second squad from Growth for six weeks?",
    "",
    "",
]


# Share of work in progress whose PM has not posted an update for more than two weeks.
STALE_SHARE = 0.08


def _status_updates(rng: random.Random, today: date, work: list[_Work]) -> None:
    """Two to four fortnightly updates for work in progress, none before it started; the
    latest carries its health. A few have gone quiet for weeks: the alignment check's stale
    findings."""
    updates = []
    for initiative in work:
        if initiative.status != Initiative.Status.IN_PROGRESS:
            continue
        started = (
            quarter_dates(initiative.start_quarter)[0]
            if initiative.start_quarter
            else today - timedelta(days=90)
        )
        latest_age = rng.randint(16, 45) if rng.random() < STALE_SHARE else rng.randint(0, 6)
        room = (today - started).days - latest_age
        count = max(1, min(rng.randint(2, 4), room // 14 + 1))
        for step in range(count):
            latest = step == count - 1
            health = initiative.health if latest else rng.choice(["green", "green", "amber"])
            updates.append(
                StatusUpdate(
                    initiative_id=initiative.pk,
                    author_id=initiative.owner_id,
                    date=today - timedelta(days=latest_age + 14 * (count - 1 - step)),
                    health=health,
                    progress=min(95, 15 + 20 * step + rng.randint(0, 10)),
                    summary=rng.choice(SUMMARIES[health]),
                    risks=rng.choice(RISKS),
                    decisions_needed=rng.choice(DECISIONS) if health != "green" else "",
                )
            )
    StatusUpdate.objects.bulk_create(updates)


def _dependencies(rng: random.Random, today: date, work: list[_Work]) -> None:
    """Work of one team waits for placed work of another that ends before it starts, so the
    plan holds; then a few dependencies that do not, on dropped and on late work, for the
    alignment check.

    Waiting work is planned or in discovery; what it waits for is placed and ends before the
    waiting work starts, or is dropped or late and waits for nothing: never a cycle."""
    current = quarter_of(today)
    prerequisites = [
        initiative
        for initiative in work
        if initiative.start_quarter
        and initiative.status
        in {Initiative.Status.IN_PROGRESS, Initiative.Status.DONE, Initiative.Status.PLANNED}
        and not initiative.is_late(today)
    ]
    waiting = [
        initiative
        for initiative in work
        if initiative.status in {Initiative.Status.PLANNED, Initiative.Status.DISCOVERY}
        # Planned work starting this quarter has nothing left to wait for.
        and initiative.start_quarter != current
    ]
    if not prerequisites or not waiting:
        return
    pairs: set[tuple[int, int]] = set()
    for initiative in rng.sample(waiting, max(1, len(waiting) // 8)):
        for _ in range(5):
            depends_on = rng.choice(prerequisites)
            if depends_on.team_id != initiative.team_id and (
                not initiative.start_quarter or depends_on.end_quarter < initiative.start_quarter
            ):
                pairs.add((initiative.pk, depends_on.pk))
                break
    planned = [
        initiative
        for initiative in waiting
        if initiative.status == Initiative.Status.PLANNED and initiative.start_quarter
    ]
    dropped = [initiative for initiative in work if initiative.status == Initiative.Status.DROPPED]
    late = [initiative for initiative in work if initiative.is_late(today)]
    for blockers in (dropped, late):
        for blocker in rng.sample(blockers, min(2, len(blockers))):
            others = [
                initiative
                for initiative in planned
                if initiative.team_id != blocker.team_id
                and (not blocker.end_quarter or initiative.start_quarter > blocker.end_quarter)
            ]
            if others:
                pairs.add((rng.choice(others).pk, blocker.pk))
    Dependency.objects.bulk_create(
        [Dependency(initiative_id=a, depends_on_id=b) for a, b in sorted(pairs)]
    )


MILESTONES = [
    "Design review",
    "Prototype in front of five customers",
    "Beta with the first merchants",
    "Rollout to 10 % of traffic",
    "Rollout to half of traffic",
    "General availability",
    "Results read-out",
]
RISK_REGISTER = [
    (
        "The data platform's new event schema may not land in time.",
        "Agreed a fallback on the old events; the data team confirms by the end of the month.",
    ),
    (
        "Peak season code freeze cuts the rollout window.",
        "Rollout planned in two waves, the second after the freeze.",
    ),
    (
        "The payment provider's sandbox is unreliable.",
        "Contract tests against recorded responses; escalated to our account manager.",
    ),
    (
        "Legal has not yet signed off the consent wording.",
        "Wording drafted with legal; review booked for next week.",
    ),
    ("Two engineers are on leave during the launch month.", ""),
    (
        "The design system's new components are still in beta.",
        "We use the stable components and swap later.",
    ),
    (
        "Merchants may not adopt the feature without onboarding help.",
        "Customer success prepares a guide and three webinars.",
    ),
    ("Depends on a vendor API that has changed twice this year.", ""),
]
# Shares of work in progress or planned that carry milestones, and risks.
MILESTONE_SHARE = 0.3
RISK_SHARE = 0.2


def _milestones_and_risks(rng: random.Random, today: date, work: list[_Work]) -> None:
    """Milestones across the quarters of some placed work (past ones mostly done), and a risk
    or two on some of it, the riskier the worse its health."""
    milestones, risks = [], []
    for initiative in work:
        if not initiative.start_quarter or initiative.status not in {
            Initiative.Status.IN_PROGRESS,
            Initiative.Status.PLANNED,
        }:
            continue
        if rng.random() < MILESTONE_SHARE:
            first = quarter_dates(initiative.start_quarter)[0]
            last = quarter_dates(initiative.end_quarter)[1]
            titles = sorted(rng.sample(range(len(MILESTONES)), rng.randint(2, 4)))
            for position, title in enumerate(titles, start=1):
                due = first + (last - first) * position / (len(titles) + 1)
                milestones.append(
                    Milestone(
                        initiative_id=initiative.pk,
                        title=MILESTONES[title],
                        due=due,
                        # Now and then a milestone slips past its date undone.
                        done=due < today and rng.random() < 0.85,
                    )
                )
        if rng.random() < RISK_SHARE or initiative.health == "red":
            severities = {"green": "low", "amber": "medium", "red": "high"}
            for description, mitigation in rng.sample(RISK_REGISTER, rng.randint(1, 2)):
                risks.append(
                    Risk(
                        initiative_id=initiative.pk,
                        description=description,
                        severity=severities[initiative.health]
                        if rng.random() < 0.7
                        else rng.choice(["low", "medium", "high"]),
                        mitigation=mitigation,
                        closed=rng.random() < 0.15,
                    )
                )
    Milestone.objects.bulk_create(milestones)
    Risk.objects.bulk_create(risks)


# Org targets per work category for the two demo halves: the leader asks for a shift from
# features to expansion in the second half, which the plan does not show yet.
CATEGORY_TARGETS = (
    {
        WorkCategory.FEATURE: 50,
        WorkCategory.GROWTH: 25,
        WorkCategory.SCALING: 15,
        WorkCategory.PMF_EXPANSION: 10,
    },
    {
        WorkCategory.FEATURE: 40,
        WorkCategory.GROWTH: 25,
        WorkCategory.SCALING: 20,
        WorkCategory.PMF_EXPANSION: 15,
    },
)
CATEGORY_TOLERANCE = 5
BUCKET_TARGETS = {
    Bucket.METRICS_MOVER: 40,
    Bucket.CUSTOMER_REQUEST: 35,
    Bucket.CUSTOMER_DELIGHT: 25,
}
BUCKET_TOLERANCE = 10
DEMAND_SOURCE = (
    "Demand source",
    "demand-source",
    "Who asked for the work: customers or the business.",
)
CUSTOMER_DEMAND = ("customer-demand", "Customer demand")
BUSINESS_DEMAND = ("business-demand", "Business demand")
DEMAND_TARGETS = {CUSTOMER_DEMAND[0]: 40, BUSINESS_DEMAND[0]: 60}
DEMAND_TOLERANCE = 10
# How likely work of a bucket is to come from customers; unsorted work is a coin toss.
CUSTOMER_DEMAND_CHANCE = {
    Bucket.CUSTOMER_REQUEST: 0.85,
    Bucket.CUSTOMER_DELIGHT: 0.6,
    Bucket.METRICS_MOVER: 0.2,
}
CLASSIFIED_SHARE = 0.85
# Most teams agreed work-category targets of their own with their leader, matching their plan;
# some were asked for a shift their plan does not show yet (clearly out of tolerance); the
# rest are held to the org's targets.
SHIFTED_TEAM_SHARE = 0.15
AGREED_TEAM_SHARE = 0.65
TEAM_TOLERANCE = 5
SHIFT_POINTS = 20
SCORING_MODEL = (
    "Value per week, confidence-weighted",
    "value / effort * confidence / 100",
    "The value estimate per person-week, discounted by how sure we are of the estimates.",
)


def _balance(rng: random.Random, periods: tuple[str, str], work: list[_Work]) -> None:
    """The built-in dimensions (made again when a flushed database lost them), a custom one,
    Demand source, with most initiatives classified, and org and team mix targets."""
    category, bucket = builtin_dimensions_ensure()
    name, slug, description = DEMAND_SOURCE
    demand, _ = BalanceDimension.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    demand_values = {}
    for position, (key, label) in enumerate([CUSTOMER_DEMAND, BUSINESS_DEMAND]):
        value, _ = DimensionValue.objects.get_or_create(
            dimension=demand, key=key, defaults={"label": label, "order": position}
        )
        demand_values[key] = value.pk
    classifications = []
    for initiative in work:
        if rng.random() >= CLASSIFIED_SHARE:
            continue
        chance = CUSTOMER_DEMAND_CHANCE.get(initiative.bucket, 0.5)
        if initiative.category == WorkCategory.SCALING:
            chance = 0.15
        key = CUSTOMER_DEMAND[0] if rng.random() < chance else BUSINESS_DEMAND[0]
        classifications.append(
            Classification(
                initiative_id=initiative.pk, dimension_id=demand.pk, value_id=demand_values[key]
            )
        )
    Classification.objects.bulk_create(classifications)

    targets = []
    for half, period in enumerate(periods):
        for dimension, shares, tolerance in (
            (category, CATEGORY_TARGETS[half], CATEGORY_TOLERANCE),
            (bucket, BUCKET_TARGETS, BUCKET_TOLERANCE),
            (demand, DEMAND_TARGETS, DEMAND_TOLERANCE),
        ):
            if MixTarget.objects.filter(dimension=dimension, team=None, period=period).exists():
                continue
            values = {value.key: value for value in dimension.values.all()}
            targets += [
                MixTarget(
                    dimension=dimension,
                    value=values[key],
                    team=None,
                    period=period,
                    share=Decimal(share),
                    tolerance=Decimal(tolerance),
                )
                for key, share in shares.items()
            ]
    targets += _team_category_targets(rng, periods, category)
    MixTarget.objects.bulk_create(targets)


def _team_category_targets(
    rng: random.Random, periods: tuple[str, str], category: BalanceDimension
) -> list[MixTarget]:
    """Work-category targets of their own for most teams, in both halves: the team's plan
    rounded to fives (within tolerance), or for a few that plan with twenty points moved from
    its biggest category to its smallest (clearly out)."""
    # Teams that have targets already (a demo loaded beside an organisation) keep theirs.
    taken = MixTarget.objects.filter(dimension=category, period__in=periods, team__isnull=False)
    team_ids = list(
        Team.objects.exclude(pk__in=taken.values("team"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(team_ids)
    shifted_count = max(2, round(SHIFTED_TEAM_SHARE * len(team_ids)))
    chosen = team_ids[: shifted_count + round(AGREED_TEAM_SHARE * len(team_ids))]
    shifted = set(chosen[:shifted_count])
    values = {value.key: value for value in category.values.all()}
    keys = list(WorkCategory.values)
    targets = []
    for period in periods:
        effort: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(keys, Decimal(0)))
        for row in placed_effort(quarters=quarters_of_period(period), team_ids=chosen):
            effort[row.team_id][row.category] += row.effort
        for team_id in chosen:
            total = sum(effort[team_id].values())
            if not total:
                continue
            shares = _in_fives({key: 100 * effort[team_id][key] / total for key in keys})
            if team_id in shifted:
                biggest = max(keys, key=lambda key: (shares[key], key))
                smallest = min(keys, key=lambda key: (shares[key], key))
                moved = min(SHIFT_POINTS, shares[biggest])
                shares[biggest] -= moved
                shares[smallest] += moved
            targets += [
                MixTarget(
                    dimension=category,
                    value=values[key],
                    team_id=team_id,
                    period=period,
                    share=Decimal(shares[key]),
                    tolerance=Decimal(TEAM_TOLERANCE),
                )
                for key in keys
            ]
    return targets


def _in_fives(shares: dict[str, Decimal]) -> dict[str, int]:
    """Percentages rounded to multiples of five that still add up to 100 (largest remainder),
    each less than five points from the share it rounds."""
    units = {key: share / 5 for key, share in shares.items()}
    rounded = {key: int(unit) for key, unit in units.items()}
    by_remainder = sorted(units, key=lambda key: (units[key] - rounded[key], key), reverse=True)
    for key in by_remainder[: 20 - sum(rounded.values())]:
        rounded[key] += 1
    return {key: 5 * unit for key, unit in rounded.items()}
