"""The demo organisation's 1:1s: a series for every manager and direct report, lived in.

Drawn from the demo seed after the people, teams and initiatives are written, so the same seed
makes the same rows; every date counts back from the demo's fixed "today". About three months
of meetings per pair at a believable cadence, with agenda items (some recurring), shared notes,
private notes by the manager in some meetings, and action items: most done, the latest still
open and carried over. A few pairs have let their 1:1s lapse and show as overdue; everyone else
has their next meeting scheduled. Everything is written with `bulk_create`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F

from productorg.demo import catalogue, clock
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    Person,
    PrivateNote,
    SharedNote,
    Team,
)
from productorg.strategy.models import Initiative

# About three months of meetings before the demo's "today".
HISTORY_DAYS = 91
# A lapsed pair's last meeting lies this many days (and its cadence) before "today", so it
# shows as overdue whether the app is opened before or after the demo's reference date.
LAPSED_DAYS = (45, 60)
LAPSED_SHARE = 0.12
IC_LEVELS = {"apm", "pm", "senior-pm", "principal-pm"}
CADENCE_WEIGHTS = {
    "ic": {"weekly": 40, "biweekly": 50, "monthly": 10},
    "manager": {"weekly": 15, "biweekly": 50, "monthly": 35},
}
MANAGER_PRIVATE_NOTE_SHARE = 0.35
REPORT_PRIVATE_NOTE_SHARE = 0.1
ACTION_DONE_SHARE = 0.75
BATCH_SIZE = 500

# Topics people bring. {initiative}, {team}, {area} and {stakeholder} are filled in.
RECURRING_TOPICS = {
    "ic": [
        "Weekly metrics check-in for {team}",
        "Growth plan: progress since last time",
        "Blockers and asks",
        "Roadmap: what changed since we last met",
    ],
    "manager": [
        "Team health: who needs attention",
        "Hiring pipeline",
        "Growth plans of your PMs",
        "Portfolio status across {area}",
    ],
}
TOPICS = {
    "ic": [
        "Roadmap review for {initiative}: what moves to next quarter",
        "{stakeholder} keeps asking for a date on {initiative}",
        "Scope of {initiative}: cut or slip?",
        "Discovery interviews for {initiative}: first findings",
        "Career goals: what would make the next level visible",
        "Feedback on my last roadmap presentation",
        "Engineering asked for a tech-debt sprint in {team}",
        "Prioritisation conflict between {team} and a neighbouring team",
        "Launch plan and success metric for {initiative}",
        "How to say no to {stakeholder} without burning the bridge",
        "Conversion dropped last week: what we know so far",
        "Workload: on-call, hiring loops and the roadmap at once",
        "Preparing the quarterly business review for {area}",
        "Writing the one-pager for {initiative}",
    ],
    "manager": [
        "Span of control: one Group PM has too many reports",
        "Promotion case for a Senior PM in {area}",
        "Stakeholder conflict: {stakeholder} and the {area} roadmap",
        "Planning for next quarter: capacity versus asks in {area}",
        "A PM who is struggling: coaching plan",
        "Raising the bar on discovery across {area}",
        "Leadership report: what goes to the exec team this month",
        "Your own growth: leading through other leaders",
        "Budget for the user research tool",
        "Onboarding the new PM in {area}",
    ],
}
SHARED_NOTES = {
    "ic": [
        "- Agreed to split {initiative} into two releases; the first one ships without the "
        "admin settings.\n- {stakeholder} gets the revised date from us, not from engineering.\n"
        "- Metric to watch: checkout completion for returning customers.",
        "**Roadmap**\n\n- Keep {initiative} on top; move the reporting work to next quarter.\n"
        "- Write down the trade-off so the team understands why.\n\n"
        "**Growth**\n\n- Lead the next planning session of {team} end to end.",
        "- The interviews point to trust, not price, as the blocker.\n- Run two more with "
        "business buyers before deciding.\n- Share the opportunity tree at the team demo.",
        "- Discussed the feedback from the quarterly review: clear story, numbers came late.\n"
        "- Next time open with the metric, then the plan.",
        "- Tech-debt sprint agreed for {team}, framed as a reliability investment.\n"
        "- Ask engineering for the two incidents it would have prevented.",
        "- Workload is too high this month. Hand the hiring loop for the APM role to the "
        "other Group PM's team.\n- Revisit in two weeks.",
        "- Talked through the promotion expectations at the next level: scope across more "
        "than one team, and strategy others can align to.\n- Pick one cross-team initiative "
        "to lead next quarter: {initiative} is a candidate.",
        "- Conflict with the neighbouring team is about shared capacity, not goals.\n"
        "- Propose a joint planning session; bring the dependency map.",
    ],
    "manager": [
        "- Agreed to move two PMs to the new Group PM once the role is filled.\n- Until then, "
        "weekly 1:1s stay; skip-levels monthly.",
        "- The promotion case needs evidence of cross-team impact, not more delivery.\n"
        "- Draft by the end of the month, review together.",
        "- {stakeholder} wants more of the roadmap in {area} for their customers; we agreed to "
        "show the trade-offs in the next portfolio review instead of saying no by email.",
        "- Capacity for next quarter is 15 % short of the asks. Cut list drafted; "
        "must-haves are the compliance work and {initiative}.",
        "- Coaching plan for the struggling PM: weekly 1:1s, a clear 60-day goal, "
        "pairing on discovery with a Senior PM.",
        "- Leadership report: lead with the two red initiatives and the decisions we need.",
    ],
}
PRIVATE_NOTES = {
    "manager": [
        "Seemed tired and quieter than usual. Check in about workload next time, before "
        "anything else.",
        "Strong week. Mention it in the calibration meeting: the way the {initiative} scope "
        "cut was handled is next-level behaviour.",
        "Still avoids the hard conversation with {stakeholder}. Offer to role-play it.",
        "Might be looking around. Ask what would make the next year here exciting.",
        "Ready for more scope. Consider for the cross-team initiative in {area}.",
        "Feedback landed well. Follow up in a month to see if the presentations changed.",
    ],
    "report": [
        "Ask about the Senior PM promotion timeline without sounding impatient.",
        "Want to raise the on-call load, but not as a complaint. Bring numbers.",
        "Remember to thank them for backing me in the {stakeholder} escalation.",
    ],
}
ACTIONS = {
    "report": [
        "Send the revised timeline for {initiative} to {stakeholder}",
        "Draft the one-pager for {initiative}",
        "Book three customer interviews for {initiative}",
        "Write the success metric for {initiative} into the launch plan",
        "Share the opportunity tree with the team",
        "Update the growth plan with this quarter's goal",
        "Prepare the {team} section of the quarterly review",
        "Pair with the tech lead on the API contract for {initiative}",
    ],
    "manager": [
        "Introduce them to the {area} data analyst",
        "Ask {stakeholder} for a joint prioritisation session",
        "Find a mentor outside the group for the promotion case",
        "Bring the capacity numbers to the portfolio review",
        "Check the budget for the research tool",
        "Review the draft one-pager for {initiative}",
    ],
}


@dataclass
class _Context:
    """What a pair's text can mention: the report's work, team, area and stakeholders."""

    initiative: str
    team: str
    area: str

    def fill(self, rng: random.Random, text: str) -> str:
        return text.format(
            initiative=self.initiative,
            team=self.team,
            area=self.area,
            stakeholder=f"the {rng.choice(catalogue.STAKEHOLDER_ROLES)}",
        )


@dataclass
class _Rows:
    series: list[OneOnOne] = field(default_factory=list)
    # Per series: its meetings, and per meeting the rows that point at it.
    meetings: list[list[Meeting]] = field(default_factory=list)
    agenda: list[tuple[int, int, AgendaItem]] = field(default_factory=list)
    shared: list[tuple[int, int, SharedNote]] = field(default_factory=list)
    private: list[tuple[int, int, PrivateNote]] = field(default_factory=list)
    actions: list[tuple[int, int, ActionItem]] = field(default_factory=list)


def one_on_ones_demo_create(*, seed: int, today: date, now: datetime | None = None) -> None:
    """Write the demo org's 1:1s, made from `seed`; pairs that already meet are left alone."""
    rng = random.Random(f"{seed}:one-on-ones")  # noqa: S311 - demo data repeats from a seed
    reports = list(
        Person.objects.filter(
            email__endswith=f"@{catalogue.DOMAIN}",
            active=True,
            manager__isnull=False,
            manager__active=True,
        )
        .exclude(one_on_ones_as_report__manager=F("manager"))
        .select_related("level", "manager", "user")
        .order_by("pk")
    )
    if not reports:
        return
    contexts = _contexts(reports)
    lapsed = {report.pk for report in reports if rng.random() < LAPSED_SHARE}
    lapsed = _showcase_adjusted(reports, lapsed)
    rows = _Rows()
    for report in reports:
        _plan_pair(
            rng,
            rows,
            report,
            contexts[report.pk],
            today,
            now or clock.end_of_day(today),
            lapsed=report.pk in lapsed,
        )
    _write(rows)


def _showcase_adjusted(reports: list[Person], lapsed: set[int]) -> set[int]:
    """The demo PM keeps their 1:1s; the demo Group PM has let one report's 1:1s lapse."""
    # Imported here: the generator imports this module to call it at the end of its work.
    from productorg.demo.generator import demo_accounts

    roles = {account.role: account.username for account in demo_accounts()}
    by_username = {report.user.username: report for report in reports if report.user_id}
    pm = by_username.get(roles.get("PM", ""))
    group_pm = by_username.get(roles.get("Group PM", ""))
    adjusted = set(lapsed)
    if pm is not None:
        adjusted.discard(pm.pk)
    if group_pm is not None:
        # Exactly one, as the README promises: the random draw may have picked none or two.
        theirs = [r.pk for r in reports if r.manager_id == group_pm.pk and r != pm]
        if theirs:
            keep = max(adjusted.intersection(theirs), default=theirs[-1])
            adjusted.difference_update(theirs)
            adjusted.add(keep)
    return adjusted


def _contexts(reports: list[Person]) -> dict[int, _Context]:
    """Each report's biggest initiative and first team, in three queries."""
    ids = [report.pk for report in reports]
    initiatives: dict[int, str] = {}
    for owner_id, title in (
        Initiative.objects.filter(owner_id__in=ids)
        .order_by("owner_id", "-effort_estimate", "pk")
        .values_list("owner_id", "title")
    ):
        initiatives.setdefault(owner_id, title)
    teams: dict[int, tuple[str, str]] = {}
    for person_field in ("product_manager_id", "leader_id"):
        for person_id, name, area in (
            Team.objects.filter(**{f"{person_field}__in": ids})
            .order_by(person_field, "name")
            .values_list(person_field, "name", "product_area")
        ):
            teams.setdefault(person_id, (name, area))
    contexts = {}
    for report in reports:
        team, area = teams.get(report.pk, ("the team", "the product area"))
        contexts[report.pk] = _Context(
            initiative=initiatives.get(report.pk, "the next big initiative"),
            team=team,
            area=area or "the product area",
        )
    return contexts


def _weekday_before(day: date) -> date:
    """The day itself on a weekday; a weekend day moves back to the Friday."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _weekday_after(day: date) -> date:
    """The day itself on a weekday; a weekend day moves on to the Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _meeting_dates(
    rng: random.Random, report: Person, step: int, today: date, *, lapsed: bool
) -> tuple[list[date], date | None]:
    """The held meetings of a pair, and its next one (none for a pair that let them lapse)."""
    first = today - timedelta(days=HISTORY_DAYS - rng.randint(0, step - 1))
    if report.start_date and report.start_date > first:
        first = report.start_date + timedelta(days=rng.randint(2, 6))
    if first >= today:
        # Too new to have met yet: the first meeting is in the calendar.
        return [], _weekday_after(first)
    if lapsed:
        last = today - timedelta(days=step + rng.randint(*LAPSED_DAYS))
    else:
        last = today - timedelta(days=1)
    held: set[date] = set()
    day = first
    while day <= last:
        held.add(_weekday_before(day))
        day += timedelta(days=step + rng.choice([-1, 0, 0, 0, 1, 2]))
    dates = sorted(d for d in held if d < today)
    if lapsed:
        return dates or [_weekday_before(first)], None
    # Keeping the cadence: the last meeting is recent, the next one is in the calendar.
    if not dates or (today - dates[-1]).days > step:
        dates.append(_weekday_before(today - timedelta(days=rng.randint(1, 3))))
    upcoming = _weekday_after(max(dates[-1] + timedelta(days=step), today))
    return dates, upcoming


def _plan_pair(
    rng: random.Random,
    rows: _Rows,
    report: Person,
    context: _Context,
    today: date,
    now: datetime,
    *,
    lapsed: bool,
) -> None:
    kind = "ic" if report.level.code in IC_LEVELS else "manager"
    manager = report.manager
    weights = CADENCE_WEIGHTS[kind]
    cadence = rng.choices(list(weights), weights=list(weights.values()))[0]
    held, upcoming = _meeting_dates(
        rng, report, OneOnOne.CADENCE_DAYS[cadence], today, lapsed=lapsed
    )
    index = len(rows.series)
    rows.series.append(OneOnOne(manager=manager, report=report, cadence=cadence))
    meetings = [Meeting(date=day, held=True) for day in held]
    if upcoming is not None:
        meetings.append(Meeting(date=upcoming, held=False))
    rows.meetings.append(meetings)

    # One topic recurs in every meeting of the pair, as the recurring agenda item would.
    recurring = (
        rng.choice([manager, report]),
        context.fill(rng, rng.choice(RECURRING_TOPICS[kind])),
    )
    topics = rng.sample(TOPICS[kind], len(TOPICS[kind]))
    open_actions: list[ActionItem] = []
    for number, meeting in enumerate(meetings):
        items = [(*recurring, True)]
        for _ in range(rng.randint(1, 3) if meeting.held else rng.randint(1, 2)):
            topic = context.fill(rng, topics.pop() if topics else rng.choice(TOPICS[kind]))
            items.append((rng.choice([report, report, manager]), topic, False))
        for position, (author, text, is_recurring) in enumerate(items):
            agenda_item = AgendaItem(
                author=author,
                text=text[:500],
                recurring=is_recurring,
                discussed=meeting.held and rng.random() < 0.9,
                position=position,
            )
            rows.agenda.append((index, number, agenda_item))
        if not meeting.held:
            continue
        if rng.random() < 0.85:
            text = context.fill(rng, rng.choice(SHARED_NOTES[kind]))
            shared_note = SharedNote(author=rng.choice([manager, manager, report]), text=text)
            rows.shared.append((index, number, shared_note))
        if rng.random() < MANAGER_PRIVATE_NOTE_SHARE:
            text = context.fill(rng, rng.choice(PRIVATE_NOTES["manager"]))
            rows.private.append((index, number, PrivateNote(author=manager, text=text)))
        if rng.random() < REPORT_PRIVATE_NOTE_SHARE:
            text = context.fill(rng, rng.choice(PRIVATE_NOTES["report"]))
            rows.private.append((index, number, PrivateNote(author=report, text=text)))
        # Most of what was agreed earlier is done by the next meeting; the rest carries over.
        for action in list(open_actions):
            if rng.random() < ACTION_DONE_SHARE:
                action.done = True
                action.done_at = clock.moment(meeting.date, 10, now=now)
                open_actions.remove(action)
        for _ in range(rng.choices([0, 1, 2], weights=[25, 50, 25])[0]):
            side = rng.choice(["report", "report", "manager"])
            due = meeting.date + timedelta(days=rng.choice([7, 10, 14]))
            action = ActionItem(
                owner=report if side == "report" else manager,
                text=context.fill(rng, rng.choice(ACTIONS[side]))[:500],
                due_date=due if rng.random() < 0.7 else None,
            )
            rows.actions.append((index, number, action))
            open_actions.append(action)


def _write(rows: _Rows) -> None:
    series = OneOnOne.objects.bulk_create(rows.series, batch_size=BATCH_SIZE)
    for one_on_one, meetings in zip(series, rows.meetings, strict=True):
        for meeting in meetings:
            meeting.one_on_one = one_on_one
    Meeting.objects.bulk_create(
        [meeting for meetings in rows.meetings for meeting in meetings], batch_size=BATCH_SIZE
    )

    def at(index: int, number: int) -> Meeting:
        return rows.meetings[index][number]

    for index, number, agenda_item in rows.agenda:
        agenda_item.meeting = at(index, number)
    AgendaItem.objects.bulk_create([row for *_, row in rows.agenda], batch_size=BATCH_SIZE)
    for index, number, shared_note in rows.shared:
        shared_note.meeting = at(index, number)
    SharedNote.objects.bulk_create([row for *_, row in rows.shared], batch_size=BATCH_SIZE)
    for index, number, private_note in rows.private:
        private_note.meeting = at(index, number)
    PrivateNote.objects.bulk_create([row for *_, row in rows.private], batch_size=BATCH_SIZE)
    for index, number, action_item in rows.actions:
        action_item.one_on_one = series[index]
        action_item.raised_in = at(index, number)
    ActionItem.objects.bulk_create([row for *_, row in rows.actions], batch_size=BATCH_SIZE)
