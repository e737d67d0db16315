"""A small portfolio around the persona org for report tests: two initiatives spanning
several teams in the current quarter, one single-team initiative placed there too."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from productorg.factories import InitiativeFactory
from productorg.strategy.models import (
    Initiative,
    InitiativeEffort,
    KeyResult,
    Milestone,
    Risk,
    StatusUpdate,
)
from productorg.strategy.periods import quarter_dates, quarter_of


@dataclass
class Portfolio:
    quarter: str
    today: datetime.date
    revamp: Initiative
    relevance: Initiative
    reorder: Initiative
    overdue: Milestone
    risk: Risk


def portfolio_create(org, today: datetime.date | None = None) -> Portfolio:
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    start = quarter_dates(quarter)[0]
    revamp = InitiativeFactory(
        title="Checkout revamp",
        team=org.checkout,
        owner=org.pia,
        start_quarter=quarter,
        status=Initiative.Status.IN_PROGRESS,
    )
    relevance = InitiativeFactory(
        title="Search relevance",
        team=org.search,
        owner=org.paul,
        start_quarter=quarter,
        status=Initiative.Status.PLANNED,
        category="growth",
    )
    for initiative, teams in (
        (revamp, [org.checkout, org.search]),
        (relevance, [org.search, org.billing]),
    ):
        for team in teams:
            InitiativeEffort.objects.create(initiative=initiative, team=team, effort=5)
    reorder = Initiative.objects.get(title="One-click reorder")
    reorder.start_quarter = quarter
    reorder.status = Initiative.Status.IN_PROGRESS
    reorder.save()
    StatusUpdate.objects.create(
        initiative=revamp,
        author=org.pia,
        date=start,
        health="green",
        progress=10,
        summary="An early update.",
    )
    StatusUpdate.objects.create(
        initiative=revamp,
        author=org.pia,
        date=today,
        health="amber",
        progress=40,
        summary="The **payment provider** slipped two weeks.",
        decisions_needed="Cut the admin screens or move the date?",
    )
    overdue = Milestone.objects.create(
        initiative=revamp, title="Beta", due=today - datetime.timedelta(days=1)
    )
    Milestone.objects.create(initiative=revamp, title="Design", due=start, done=True)
    risk = Risk.objects.create(
        initiative=revamp, description="Provider sandbox down", severity="high"
    )
    Risk.objects.create(initiative=revamp, description="A closed worry", closed=True)
    objective = revamp.objectives.create(title="Grow repeat purchases", period=quarter)
    KeyResult.objects.create(
        objective=objective,
        metric="Repeat purchase rate",
        unit="%",
        baseline=10,
        target=20,
        current=15,
    )
    return Portfolio(quarter, today, revamp, relevance, reorder, overdue, risk)
