"""The demo's vision and key results: what Northwind's objectives are measured by.

Deterministic from the demo seed; runs after the objectives exist.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from productorg.people.models import Person
from productorg.strategy.models import KeyResult, Objective, Vision

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
