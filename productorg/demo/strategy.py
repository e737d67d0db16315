"""The demo's vision, key results, status updates and dependencies.

Deterministic from the demo seed; runs after the objectives exist.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from productorg.people.models import Person
from productorg.strategy.models import (
    Dependency,
    Initiative,
    KeyResult,
    Objective,
    StatusUpdate,
    Vision,
)

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


def strategy_demo_create(*, seed: int, today: date) -> None:
    """A vision with one earlier version, and one to three key results per objective."""
    rng = random.Random(seed * 7919 + 3)  # noqa: S311 - demo data must repeat from a seed
    cpo = Person.objects.filter(level__code="cpo").order_by("pk").first()
    for age_days, text in zip([200, 30], VISIONS, strict=True):
        vision = Vision.objects.create(text=text, author=cpo)
        # auto_now_add ignores a given value; the history wants its real dates.
        Vision.objects.filter(pk=vision.pk).update(
            created_at=datetime.combine(today - timedelta(days=age_days), time(10), tzinfo=UTC)
        )
    key_results = []
    for objective in Objective.objects.order_by("pk"):
        for metric, unit, baseline, target in rng.sample(METRICS, rng.randint(1, 3)):
            base, goal = Decimal(str(baseline)), Decimal(str(target))
            share = Decimal(str(round(rng.uniform(-0.1, 1.1), 2)))
            key_results.append(
                KeyResult(
                    objective=objective,
                    metric=metric,
                    unit=unit.strip(),
                    baseline=base,
                    target=goal,
                    current=(base + (goal - base) * share).quantize(Decimal("0.01")),
                )
            )
    KeyResult.objects.bulk_create(key_results)
    _status_updates(rng, today)
    _dependencies(rng)


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


def _status_updates(rng: random.Random, today: date) -> None:
    """Two to four fortnightly updates for work in progress; the latest carries its health."""
    updates = []
    in_progress = Initiative.objects.filter(status=Initiative.Status.IN_PROGRESS)
    for initiative in in_progress.select_related("owner").order_by("pk"):
        count = rng.randint(2, 4)
        for step in range(count):
            latest = step == count - 1
            health = initiative.health if latest else rng.choice(["green", "green", "amber"])
            updates.append(
                StatusUpdate(
                    initiative=initiative,
                    author=initiative.owner,
                    date=today - timedelta(days=14 * (count - 1 - step) + rng.randint(0, 6)),
                    health=health,
                    progress=min(95, 15 + 20 * step + rng.randint(0, 10)),
                    summary=rng.choice(SUMMARIES[health]),
                    risks=rng.choice(RISKS),
                    decisions_needed=rng.choice(DECISIONS) if health != "green" else "",
                )
            )
    StatusUpdate.objects.bulk_create(updates)


def _dependencies(rng: random.Random) -> None:
    """Later work of a team waits for earlier work of another: always from started to
    not-yet-started, so the demo never holds a cycle."""
    started = list(
        Initiative.objects.filter(
            status__in=[Initiative.Status.IN_PROGRESS, Initiative.Status.DONE]
        )
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    waiting = list(
        Initiative.objects.filter(
            status__in=[Initiative.Status.PLANNED, Initiative.Status.DISCOVERY]
        )
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    if not started or not waiting:
        return
    pairs = set()
    for initiative_id, team_id in rng.sample(waiting, max(1, len(waiting) // 8)):
        depends_on_id, other_team = rng.choice(started)
        if other_team != team_id:
            pairs.add((initiative_id, depends_on_id))
    Dependency.objects.bulk_create(
        [Dependency(initiative_id=a, depends_on_id=b) for a, b in sorted(pairs)]
    )
