"""The demo's PM function: a charter in two versions (the second changes a few lines, so the
diff has something to show), a vision, a process catalog of mixed health and review dates,
and an improvement roadmap across four quarters.

Deterministic: fixed texts, dates counted from the demo's `today`, owners read back in
primary-key order. A database that has a charter already (a demo loaded beside another) is
left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from productorg.demo import clock
from productorg.function.models import (
    DocumentKind,
    FunctionDocumentVersion,
    Improvement,
    ImprovementKind,
    ImprovementStatus,
    Process,
    ProcessHealth,
)
from productorg.people.models import Person
from productorg.strategy.periods import quarter_add, quarter_of

WIKI = "https://wiki.northwind.example/product"

CHARTER_FIRST = """## Why we exist

Product management at Northwind makes sure our teams build what merchants need, \
in the order that grows the business.

## What we are accountable for

- A product vision and strategy every team can explain.
- A roadmap per product area, reviewed every quarter.
- Clear problem statements before work starts.
- Launches that merchants notice and use.

## How we work

- Each team has one product manager.
- We write a one-page brief before discovery.
- We review the roadmap with engineering and design leads every quarter.
"""

CHARTER_SECOND = """## Why we exist

Product management at Northwind makes sure our teams solve the problems merchants \
have, in the order that grows the business.

## What we are accountable for

- A product vision and strategy every team can explain.
- A roadmap per product area, reviewed every quarter.
- Clear problem statements, with evidence from customers, before work starts.
- Outcomes: a key result moved, not a feature shipped.

## How we work

- Each team has one product manager.
- We write a one-page brief before discovery.
- We review the roadmap with engineering and design leads every quarter.
- We talk to at least three merchants every month.
"""

VISION = """By 2029 product management at Northwind is **the reason teams know why they \
build what they build**.

- Every PM can show the evidence behind their roadmap.
- Stakeholders rate our roadmap transparency 4 out of 5 or better.
- Half of our leaders were promoted from our own PMs.
"""

# (name, purpose, health, days since the last review (None: never), owner's level, notes)
PROCESSES = [
    (
        "Product discovery review",
        "A weekly review of open discovery work: problem, evidence, options, next test.",
        ProcessHealth.HEALTHY,
        40,
        "group-pm",
        "Works well since the one-page brief became mandatory.",
    ),
    (
        "Quarterly roadmap planning",
        "Each product area proposes its roadmap for the next quarter; leaders balance the mix.",
        ProcessHealth.NEEDS_ATTENTION,
        120,
        "director",
        "Takes three weeks instead of two; capacity figures arrive late from engineering.",
    ),
    (
        "PM onboarding",
        "The first 90 days of a new product manager: buddy, reading list, first shipped change.",
        ProcessHealth.BROKEN,
        260,
        "group-pm",
        "The last two hires had no buddy and no 30-day check-in. **Fix before the next hire.**",
    ),
    (
        "Product brief template",
        "The one-page brief every initiative starts from.",
        ProcessHealth.HEALTHY,
        300,
        "pm",
        "",
    ),
    (
        "Launch readiness checklist",
        "What must be true before a change reaches every merchant: docs, support, metrics.",
        ProcessHealth.NEEDS_ATTENTION,
        90,
        "senior-pm",
        "Support is often told the day before; add a two-week notice step.",
    ),
    (
        "Customer interview programme",
        "Every PM talks to at least three merchants a month; notes go to the research library.",
        ProcessHealth.HEALTHY,
        20,
        "principal-pm",
        "",
    ),
    (
        "Monthly product review",
        "Each team shows the leadership team progress against its key results.",
        ProcessHealth.HEALTHY,
        60,
        "cpo",
        "",
    ),
    (
        "Career ladder calibration",
        "Twice a year, leaders compare assessments across groups so levels mean the same.",
        ProcessHealth.NEEDS_ATTENTION,
        None,
        "director",
        "Never run end to end; the first round is planned.",
    ),
]

# (title, kind, status, quarter offset from today's (None: no quarter), process, description)
IMPROVEMENTS = [
    (
        "Discovery coaching for new PMs",
        ImprovementKind.TRAINING,
        ImprovementStatus.DONE,
        -1,
        "Product discovery review",
        "Four sessions on problem interviews and assumption tests.",
    ),
    (
        "Roadmap template in the wiki",
        ImprovementKind.TOOLING,
        ImprovementStatus.DONE,
        -1,
        "Quarterly roadmap planning",
        "",
    ),
    (
        "Rebuild PM onboarding",
        ImprovementKind.PROCESS,
        ImprovementStatus.IN_PROGRESS,
        0,
        "PM onboarding",
        "A buddy for every hire, a 30/60/90-day plan and a first shipped change in month one.",
    ),
    (
        "Capacity figures two weeks before planning",
        ImprovementKind.PROCESS,
        ImprovementStatus.IN_PROGRESS,
        0,
        "Quarterly roadmap planning",
        "",
    ),
    (
        "Writing good key results",
        ImprovementKind.TRAINING,
        ImprovementStatus.PLANNED,
        0,
        "Monthly product review",
        "",
    ),
    (
        "Support notice step in launch readiness",
        ImprovementKind.PROCESS,
        ImprovementStatus.PLANNED,
        1,
        "Launch readiness checklist",
        "",
    ),
    (
        "Research library search",
        ImprovementKind.TOOLING,
        ImprovementStatus.PLANNED,
        1,
        "Customer interview programme",
        "Find past interviews by merchant segment and problem.",
    ),
    (
        "First calibration round",
        ImprovementKind.PROCESS,
        ImprovementStatus.PLANNED,
        1,
        "Career ladder calibration",
        "",
    ),
    (
        "Pricing and packaging course",
        ImprovementKind.TRAINING,
        ImprovementStatus.IDEA,
        2,
        None,
        "",
    ),
    (
        "Product analytics dashboards per team",
        ImprovementKind.TOOLING,
        ImprovementStatus.IDEA,
        2,
        None,
        "",
    ),
    ("PM community of practice", ImprovementKind.OTHER, ImprovementStatus.IDEA, None, None, ""),
    (
        "Weekly status e-mail",
        ImprovementKind.PROCESS,
        ImprovementStatus.DROPPED,
        None,
        None,
        "Replaced by the leadership report.",
    ),
]


def function_demo_create(*, today: date, now: datetime | None = None) -> None:
    """The demo's charter (two versions), vision, process catalog and improvement roadmap."""
    if FunctionDocumentVersion.objects.filter(kind=DocumentKind.CHARTER).exists():
        return
    people = _people_by_level()
    cpo, director = people.get("cpo"), people.get("director") or people.get("cpo")
    with transaction.atomic():
        for kind, number, body, author, age_days in [
            (DocumentKind.CHARTER, 1, CHARTER_FIRST, cpo, 270),
            (DocumentKind.CHARTER, 2, CHARTER_SECOND, director, 45),
            (DocumentKind.VISION, 1, VISION, cpo, 100),
        ]:
            version = FunctionDocumentVersion.objects.create(
                kind=kind, number=number, body=body, author=author
            )
            # auto_now_add ignores a given value; the history wants its real dates.
            FunctionDocumentVersion.objects.filter(pk=version.pk).update(
                created_at=clock.moment(
                    today - timedelta(days=age_days), 10, now=now or clock.end_of_day(today)
                )
            )
        processes = Process.objects.bulk_create(
            Process(
                name=name,
                purpose=purpose,
                health=health,
                last_reviewed=None if age is None else today - timedelta(days=age),
                owner=people.get(level),
                link=f"{WIKI}/{name.lower().replace(' ', '-')}",
                notes=notes,
            )
            for name, purpose, health, age, level, notes in PROCESSES
        )
        by_name = {process.name: process for process in processes}
        owners = [person for person in people.values() if person is not None]
        current = quarter_of(today)
        Improvement.objects.bulk_create(
            Improvement(
                title=title,
                kind=kind,
                status=status,
                quarter="" if offset is None else quarter_add(current, offset),
                owner=owners[index % len(owners)] if owners else None,
                process=by_name.get(process_name) if process_name else None,
                description=description,
            )
            for index, (title, kind, status, offset, process_name, description) in enumerate(
                IMPROVEMENTS
            )
        )


def _people_by_level() -> dict[str, Person | None]:
    """The first person (by primary key) of each level: the demo's owners and authors."""
    people: dict[str, Person | None] = {}
    for person in Person.objects.select_related("level").order_by("pk"):
        people.setdefault(person.level.code, person)
    return people
