"""The demo organisation's growth data: assessments, growth plans and feedback.

Drawn from the demo seed after the people, teams and initiatives are written, so the same seed
makes the same rows; dates count back from the demo's fixed "today". Most product managers have
a submitted self- and manager assessment (some an older round too, for history), about half have
a growth plan, and colleagues give each other feedback. The demo PM and Group PM accounts always
get a full, lived-in "My growth" page.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from productorg.demo import catalogue, clock
from productorg.people.models import (
    Assessment,
    Competency,
    Feedback,
    GrowthAction,
    GrowthGoal,
    GrowthPlan,
    Level,
    Person,
    Rating,
    Team,
)
from productorg.people.selectors.framework import expected_competency_ids
from productorg.strategy.models import Initiative

IC_LEVELS = {"apm", "pm", "senior-pm", "principal-pm"}
# Chance that a member has a submitted latest round (self and manager), by track.
LATEST_ROUND_SHARE = {"ic": 0.85, "manager": 0.6}
OLDER_ROUND_SHARE = 0.45
GROWTH_PLAN_SHARE = 0.5
PEER_ASSESSMENT_SHARE = 0.1

# What people write as evidence, per competency code of the shipped framework; a competency
# of another framework gets the general lines. {initiative}, {team} and {area} are filled in.
EVIDENCE = {
    "delivery": [
        "Shipped {initiative} in three slices instead of one big release; each went out on "
        "the agreed date.",
        "Cut the scope of {initiative} by a third two weeks before the date, with engineering, "
        "and told stakeholders the same day.",
        "Risks on {initiative} came up at stand-up, not at the quarterly review.",
    ],
    "technical-fluency": [
        "Read the design doc for {initiative} and asked the question about data migration that "
        "saved a sprint.",
        "Can explain the {team} architecture to a customer without hand-waving.",
        "Paired with the tech lead on the API contract for {initiative} rather than waiting "
        "for a finished spec.",
    ],
    "product-analytics": [
        "Set up the funnel for {initiative} before launch, so the first week's numbers were "
        "there on day one.",
        "Spotted that the conversion drop in {area} was a tracking bug, not a real drop.",
        "Writes their own SQL for the weekly {team} metrics review.",
    ],
    "analytics-alignment": [
        "Agreed one definition of an active customer with the two neighbouring teams.",
        "Pulled the {area} dashboards into one place that three teams now use.",
    ],
    "discovery": [
        "Ran twelve customer interviews for {initiative} and turned them into an opportunity "
        "tree the team still uses.",
        "Killed a feature idea after a one-week prototype test, before any engineering time "
        "went into it.",
        "Brings a customer quote to every planning session of {team}.",
    ],
    "customer-understanding": [
        "Sat with support for a day each month; two of the top tickets are now fixed.",
        "Knows the three customer segments of {area} by name and by need.",
        "Visited four customers during the {initiative} beta and changed the onboarding "
        "because of it.",
    ],
    "market-insight": [
        "Wrote the competitor teardown for {area} that sales now sends to prospects.",
        "Flagged the pricing change of our main competitor a week before anyone else.",
    ],
    "cross-team-discovery": [
        "Ran a joint discovery sprint with two other teams on the shared onboarding flow.",
        "Shared interview notes across {area}, so nobody interviewed the same customer twice.",
    ],
    "outcomes": [
        "Framed {initiative} as an outcome (fewer abandoned carts) rather than a feature list.",
        "Dropped a half-built feature when the experiment showed no effect, and said why.",
        "Every {team} OKR now has a baseline and a target.",
    ],
    "product-strategy": [
        "Wrote the one-page strategy for {area} that the team now quotes in planning.",
        "Connected {initiative} to the company objective in a way leadership could repeat.",
    ],
    "business-prioritisation": [
        "Said no to two stakeholder requests with a clear cost-of-delay argument.",
        "Re-ranked the {team} backlog by value and effort; the top three changed.",
    ],
    "business-cases": [
        "Built the business case for {initiative}: revenue, cost and the risks, on two pages.",
        "Sized the opportunity of a new segment for {area} with finance.",
    ],
    "collaboration": [
        "Design and engineering both say planning with them got easier this half.",
        "Resolved the disagreement with the platform team over {initiative} without escalating.",
        "Runs the {team} retro so that it ends with two owners and two dates.",
    ],
    "cross-org-initiatives": [
        "Coordinated the launch of {initiative} across marketing, support and sales.",
        "Led the working group on the shared design system for {area}.",
    ],
    "leadership-reporting": [
        "The monthly status of {initiative} is short, honest and ends with the decision needed.",
        "Presented the {area} roadmap to the leadership team and handled the hard questions.",
    ],
    "coaching": [
        "Mentors a new associate PM every two weeks; their first spec was solid.",
        "Gives feedback in the moment and in private; the team asks for more of it.",
    ],
    "hiring": [
        "Interviewed six PM candidates this half and wrote clear, evidence-based scorecards.",
        "Wrote the onboarding guide for new PMs in {area}.",
    ],
    "pm-function": [
        "Runs the monthly PM craft session; attendance has doubled.",
        "Improved the PRD template that every team now uses.",
    ],
}
GENERAL_EVIDENCE = [
    "Showed this on {initiative}; the team noticed.",
    "Consistent over the half, with {team} and beyond.",
    "Seen in planning and in the reviews of {area}.",
]
SCORE_LEAD = {
    1: "Not yet consistent. ",
    2: "",
    3: "Beyond what the level asks. ",
    4: "Already works at the next level here. ",
}
SELF_SUMMARIES = [
    "A good half: {initiative} shipped and the team works well together. Next I want to get "
    "better at {weakest}.",
    "I learnt most from what went wrong on {initiative}. {strongest} is my strength; {weakest} "
    "is where I want help.",
    "Busy half. Proud of {strongest}; honest that {weakest} slipped while I focused on delivery.",
]
MANAGER_SUMMARIES = [
    "{first} had a strong half, with {initiative} as the highlight. To grow: {weakest}.",
    "Solid at the level. {strongest} stands out; {weakest} is the next step, and we agreed "
    "goals for it.",
    "{first} is growing fast. I would like to see more {weakest} before the next level.",
]

# Goals a growth plan sets for a competency, with the actions that get there.
GOALS = {
    "discovery": (
        "Run continuous discovery every week",
        ["Interview two customers a week for six weeks", "Build an opportunity tree for the team"],
    ),
    "customer-understanding": (
        "Know the customer as well as support does",
        ["Shadow support for a day each month", "Visit three customers on site"],
    ),
    "product-analytics": (
        "Own the team's metrics end to end",
        ["Write the weekly metrics query myself", "Define the north-star metric with data"],
    ),
    "analytics-alignment": (
        "Align analytics across the area",
        ["Agree one definition of an active customer", "Merge the area dashboards into one"],
    ),
    "product-strategy": (
        "Write the strategy for the product area",
        ["Draft a one-page strategy", "Review it with the Director", "Present it to the team"],
    ),
    "business-prioritisation": (
        "Prioritise by cost of delay",
        ["Score the backlog by value and effort", "Say no to one request with the numbers"],
    ),
    "business-cases": (
        "Build a business case leadership signs off",
        ["Take the finance business-case course", "Write the case for the next big bet"],
    ),
    "leadership-reporting": (
        "Report to the leadership team with confidence",
        ["Present the quarterly review once", "Rewrite the status report around decisions"],
    ),
    "coaching": (
        "Mentor a junior product manager",
        ["Pair with an associate PM every two weeks", "Review their first spec together"],
    ),
    "hiring": (
        "Take part in hiring product managers",
        ["Shadow two PM interviews", "Run an interview on my own", "Write a scorecard"],
    ),
    "pm-function": (
        "Raise the bar of the PM function",
        ["Run one PM craft session", "Improve one template everyone uses"],
    ),
    "cross-org-initiatives": (
        "Lead an initiative across teams",
        ["Volunteer to lead the next cross-team launch", "Set up the working group's cadence"],
    ),
    "cross-team-discovery": (
        "Drive discovery across teams",
        ["Plan a joint discovery sprint", "Share interview notes across the area"],
    ),
    "market-insight": (
        "Build a view of the market",
        ["Write a competitor teardown", "Present market trends at the area review"],
    ),
    "outcomes": (
        "Frame every initiative as an outcome",
        ["Rewrite the roadmap as outcomes", "Add a baseline and target to each OKR"],
    ),
    "collaboration": (
        "Make planning easier for design and engineering",
        ["Ask the trio for feedback on planning", "Try a shared planning board for a quarter"],
    ),
    "delivery": (
        "Ship in smaller slices",
        ["Split the next release into three slices", "Raise risks at stand-up each week"],
    ),
    "technical-fluency": (
        "Deepen technical fluency",
        ["Read the last three design docs", "Pair with the tech lead on an API contract"],
    ),
}
PLAN_SUMMARIES = [
    "Toward {target} over the next two quarters: fewer features owned, more outcomes led.",
    "Agreed in our 1:1: focus on {goals} and review progress monthly.",
    "The step to {target}. The goals below come from the gaps in the last assessment.",
]

# (kind, text, competency code or None)
FEEDBACK = [
    (
        "praise",
        "Your write-up of the trade-offs on {initiative} turned a long debate into a ten-minute "
        "decision. Thank you.",
        "business-prioritisation",
    ),
    (
        "praise",
        "The customer interviews you shared for {initiative} changed how we think about the "
        "problem. More of that, please.",
        "discovery",
    ),
    (
        "praise",
        "You stayed calm in the incident review and kept the discussion on causes, not people. "
        "It set the tone for everyone.",
        "collaboration",
    ),
    (
        "praise",
        "Great demo at the all-hands: you showed the **outcome** first and the feature second.",
        "outcomes",
    ),
    (
        "praise",
        "Thanks for onboarding the new engineer on {team}: a written guide, a buddy and a first "
        "ticket on day one.",
        "hiring",
    ),
    (
        "praise",
        "The launch checklist for {initiative} is now what other teams copy. Nicely done.",
        "delivery",
    ),
    (
        "praise",
        "Thank you for covering my review while I was out. Clear notes, no loose ends.",
        None,
    ),
    (
        "constructive",
        "In the roadmap review the decision we needed came at the very end and we ran out of "
        "time. Next time, lead with the ask.",
        "leadership-reporting",
    ),
    (
        "constructive",
        "The spec for {initiative} left the success metric open, and engineering built to "
        "different assumptions. Agree the metric before the kick-off.",
        "outcomes",
    ),
    (
        "constructive",
        "Stakeholders heard about the slip on {initiative} from the status report, not from you. "
        "A heads-up first would have helped.",
        "collaboration",
    ),
    (
        "constructive",
        "You ran every backlog session of {team} yourself last month. Let the tech lead run one: "
        "it scales better and they want to.",
        "coaching",
    ),
]


@dataclass
class _Member:
    person: Person
    initiative: str
    team: str
    area: str


def growth_demo_create(*, seed: int, today: date, now: datetime | None = None) -> None:
    """Write the demo org's assessments, growth plans and feedback, made from `seed`.

    Needs the career framework: loads the shipped one when there is none, and skips if that is
    not possible. People who already have growth data are left alone.
    """
    if not _framework_ready():
        return
    rng = random.Random(f"{seed}:growth")  # noqa: S311 - demo data repeats from a seed
    competencies = list(Competency.objects.select_related("category"))
    members = _members()
    if not members:
        return
    levels = list(Level.objects.order_by("rank"))
    expected = expected_competency_ids(levels=levels)
    showcase = _showcase_ids()
    by_id = {member.person.pk: member for member in members}
    reports: dict[int, list[int]] = defaultdict(list)
    for member in members:
        if member.person.manager_id in by_id:
            reports[member.person.manager_id].append(member.person.pk)

    writer = _Writer(rng, competencies, today, now or clock.end_of_day(today))
    for member in members:
        person = member.person
        manager = by_id.get(person.manager_id) if person.manager_id else None
        track = "ic" if person.level.code in IC_LEVELS else "manager"
        full = person.pk in showcase
        if not full and rng.random() > LATEST_ROUND_SHARE[track]:
            continue
        profile = writer.profile(person)
        rounds = [rng.randint(55, 95)]
        if full or rng.random() < OLDER_ROUND_SHARE:
            rounds.append(rounds[0] + rng.randint(150, 200))
        for number, days_ago in enumerate(rounds):
            growth = 0.0 if number == 0 else -0.5
            writer.assessment(member, member, "self", days_ago + 4, profile, growth)
            if manager is not None:
                writer.assessment(member, manager, "manager", days_ago, profile, growth)
        peers = [by_id[i] for i in reports.get(person.manager_id, []) if i != person.pk]
        if peers and (full or rng.random() < PEER_ASSESSMENT_SHARE):
            writer.assessment(member, rng.choice(peers), "peer", rounds[0] + 8, profile, 0.0)
        if full or rng.random() < GROWTH_PLAN_SHARE:
            target = next((level for level in levels if level.rank > person.level.rank), None)
            if target is not None:
                writer.plan(member, manager, target, profile, rounds[0] - 7, expected[target.pk])

    # The demo PM is asked for a peer assessment of a colleague in another group: a draft
    # waiting on their own "My growth" page.
    for person_id in sorted(showcase):
        member = by_id.get(person_id)
        if member is None or member.person.level.code not in IC_LEVELS:
            continue
        others = [
            other
            for other in members
            if other.person.level.code in IC_LEVELS
            and other.person.manager_id not in {None, member.person.manager_id}
        ]
        if others:
            writer.peer_draft(rng.choice(others), member)

    _draw_feedback(writer, members, by_id, reports, showcase)
    writer.save()


def _framework_ready() -> bool:
    if Competency.objects.exists():
        return True
    try:
        from productorg.people.services.framework import framework_ensure_default
    except ImportError:
        return False
    framework_ensure_default()
    return Competency.objects.exists()


def _members() -> list[_Member]:
    """Active demo people without growth data yet, in the order they were written."""
    people = list(
        Person.objects.filter(email__endswith=f"@{catalogue.DOMAIN}", active=True)
        .exclude(assessments__isnull=False)
        .select_related("level")
        .order_by("pk")
    )
    initiatives: dict[int, str] = {}
    for owner_id, title in (
        Initiative.objects.filter(owner__in=people)
        .order_by("owner_id", "-effort_estimate", "pk")
        .values_list("owner_id", "title")
    ):
        initiatives.setdefault(owner_id, title)
    teams: dict[int, tuple[str, str]] = {}
    for manager_id, name, area in (
        Team.objects.filter(product_manager__in=people)
        .order_by("product_manager_id", "name")
        .values_list("product_manager_id", "name", "product_area")
    ):
        teams.setdefault(manager_id, (name, area or "the product area"))
    for manager_id, name, area in (
        Team.objects.filter(leader__in=people)
        .order_by("leader_id", "name")
        .values_list("leader_id", "name", "product_area")
    ):
        teams.setdefault(manager_id, (name, area or "the product area"))
    return [
        _Member(
            person=person,
            initiative=initiatives.get(person.pk, "the team's main initiative"),
            team=teams.get(person.pk, ("the team", ""))[0],
            area=teams.get(person.pk, ("", "the product area"))[1],
        )
        for person in people
    ]


def _showcase_ids() -> set[int]:
    """The demo's Group PM and PM accounts: their pages must look lived-in."""
    # Imported here: the generator imports this module to call it at the end of its work.
    from productorg.demo.generator import demo_accounts

    usernames = {
        account.username for account in demo_accounts() if account.role in {"Group PM", "PM"}
    }
    return set(Person.objects.filter(user__username__in=usernames).values_list("pk", flat=True))


class _Writer:
    """Collects the rows in memory and writes each model with one bulk insert."""

    def __init__(
        self, rng: random.Random, competencies: list[Competency], today: date, now: datetime
    ) -> None:
        self.rng = rng
        self.competencies = competencies
        self.today = today
        self.now = now
        self.assessments: list[Assessment] = []
        self.ratings: list[tuple[int, Rating]] = []
        self.plans: list[GrowthPlan] = []
        self.goals: list[tuple[int, GrowthGoal]] = []
        self.actions: list[tuple[int, GrowthAction]] = []
        self.feedback: list[Feedback] = []
        # auto_now_add overwrites dates on insert: the drawn ones are set right after.
        self.created_at: list[datetime] = []
        self.plan_created_at: list[datetime] = []
        self.feedback_at: list[datetime] = []

    def moment(self, days_ago: int, hour: int = 10) -> datetime:
        return clock.moment(self.today - timedelta(days=days_ago), hour, now=self.now)

    def profile(self, person: Person) -> dict[int, float]:
        """How good the person really is at each competency, around "meets" for their level."""
        aspiring = person.level.code in {"senior-pm", "principal-pm"}
        profile = {}
        for competency in self.competencies:
            centre = 2.3
            if competency.category.manager_track_only and person.level.code in IC_LEVELS:
                centre = 1.9 if aspiring else 1.5
            profile[competency.pk] = centre + self.rng.gauss(0, 0.6)
        return profile

    def _scores(self, profile: dict[int, float], bias: float, growth: float) -> dict[int, int]:
        return {
            competency_id: max(1, min(4, round(value + bias + growth + self.rng.gauss(0, 0.3))))
            for competency_id, value in profile.items()
        }

    def _evidence(self, member: _Member, competency: Competency, score: int) -> str:
        lines = EVIDENCE.get(competency.code, GENERAL_EVIDENCE)
        text = self.rng.choice(lines).format(
            initiative=f"“{member.initiative}”", team=member.team, area=member.area
        )
        return SCORE_LEAD[score] + text

    def assessment(
        self,
        member: _Member,
        author: _Member,
        kind: str,
        days_ago: int,
        profile: dict[int, float],
        growth: float,
    ) -> None:
        bias = {"self": self.rng.choice([-0.3, 0.0, 0.3, 0.5]), "manager": 0.0}.get(kind, 0.1)
        scores = self._scores(profile, bias, growth)
        self._add_assessment(member, author, kind, scores, submitted=self.moment(days_ago))

    def peer_draft(self, member: _Member, author: _Member) -> None:
        """A peer assessment half written: two competencies rated so far."""
        scores = dict(
            self.rng.sample(sorted(self._scores(self.profile(member.person), 0, 0).items()), 2)
        )
        self._add_assessment(member, author, "peer", scores, submitted=None, started_days_ago=3)

    def _add_assessment(
        self,
        member: _Member,
        author: _Member,
        kind: str,
        scores: dict[int, int],
        *,
        submitted: datetime | None,
        started_days_ago: int = 0,
    ) -> None:
        names = {competency.pk: _lower_first(competency.name) for competency in self.competencies}
        competency_names = {competency.pk: competency.name for competency in self.competencies}
        ranked = sorted(scores, key=lambda competency_id: scores[competency_id])
        summaries = SELF_SUMMARIES if kind == "self" else MANAGER_SUMMARIES
        summary = ""
        if submitted is not None and kind != "peer":
            summary = self.rng.choice(summaries).format(
                initiative=f"“{member.initiative}”",
                first=member.person.name.split()[0],
                weakest=names[ranked[0]],
                strongest=competency_names[ranked[-1]],
            )
        assessment = Assessment(
            person=member.person,
            author=author.person,
            kind=kind,
            level=member.person.level,
            status=Assessment.Status.SUBMITTED if submitted else Assessment.Status.DRAFT,
            submitted_at=submitted,
            summary=summary,
        )
        self.assessments.append(assessment)
        index = len(self.assessments) - 1
        by_id = {competency.pk: competency for competency in self.competencies}
        for competency_id, score in scores.items():
            evidence = (
                self._evidence(member, by_id[competency_id], score)
                if self.rng.random() < 0.8
                else ""
            )
            rating = Rating(competency_id=competency_id, score=score, evidence=evidence)
            self.ratings.append((index, rating))
        if submitted is None:
            self.created_at.append(self.moment(started_days_ago))
        else:
            self.created_at.append(submitted - timedelta(days=self.rng.randint(2, 9)))

    def plan(
        self,
        member: _Member,
        manager: _Member | None,
        target: Level,
        profile: dict[int, float],
        started_days_ago: int,
        target_expects: frozenset[int],
    ) -> None:
        """A plan with 2-3 goals on the weakest competencies that have goal templates and
        that the target level expects (a goal "toward the expectation" needs one)."""
        ranked = sorted(self.competencies, key=lambda competency: profile[competency.pk])
        chosen = [c for c in ranked if c.code in GOALS and c.pk in target_expects][
            : self.rng.randint(2, 3)
        ]
        if not chosen:
            return
        writer = manager if manager is not None and self.rng.random() < 0.5 else member
        plan = GrowthPlan(
            person=member.person,
            target_level=target,
            status=GrowthPlan.Status.ACTIVE,
            summary=self.rng.choice(PLAN_SUMMARIES).format(
                target=target.name, goals=" and ".join(_lower_first(c.name) for c in chosen)
            ),
            version=self.rng.randint(3, 12),
            updated_by=writer.person,
        )
        self.plans.append(plan)
        self.plan_created_at.append(self.moment(started_days_ago))
        plan_index = len(self.plans) - 1
        for position, competency in enumerate(chosen):
            title, action_titles = GOALS[competency.code]
            goal = GrowthGoal(
                competency=competency,
                title=title,
                description=(
                    f"Toward the {target.name} expectation for {_lower_first(competency.name)}."
                ),
                position=position,
            )
            self.goals.append((plan_index, goal))
            goal_index = len(self.goals) - 1
            done_count = 0
            for number, action_title in enumerate(action_titles):
                due = self.today + timedelta(
                    days=-started_days_ago + 25 * (number + 1) + self.rng.randint(-7, 7)
                )
                done = due < self.today and self.rng.random() < 0.8
                done_count += done
                self.actions.append(
                    (
                        goal_index,
                        GrowthAction(
                            title=action_title,
                            due_date=due,
                            done=done,
                            done_at=clock.moment(due, 16, now=self.now) if done else None,
                        ),
                    )
                )
            goal.status = (
                GrowthGoal.Status.DONE
                if done_count == len(action_titles)
                else GrowthGoal.Status.IN_PROGRESS
                if done_count
                else GrowthGoal.Status.NOT_STARTED
            )

    def give_feedback(
        self, giver: _Member, recipient: _Member, *, constructive: bool, days_ago: int
    ) -> None:
        pool = [entry for entry in FEEDBACK if (entry[0] == "constructive") == constructive]
        kind, text, code = self.rng.choice(pool)
        competency = next((c for c in self.competencies if c.code == code), None)
        private = constructive and self.rng.random() < 0.4
        feedback = Feedback(
            giver=giver.person,
            recipient=recipient.person,
            kind=kind,
            competency=competency,
            text=text.format(initiative=f"“{recipient.initiative}”", team=recipient.team),
            visibility=(
                Feedback.Visibility.MANAGERS_ONLY
                if private
                else Feedback.Visibility.RECIPIENT_AND_MANAGERS
            ),
        )
        self.feedback.append(feedback)
        self.feedback_at.append(self.moment(days_ago, hour=9 + self.rng.randint(0, 8)))

    def save(self) -> None:
        created = Assessment.objects.bulk_create(self.assessments)
        for assessment, moment in zip(created, self.created_at, strict=True):
            assessment.created_at = moment
            assessment.updated_at = assessment.submitted_at or moment
        Assessment.objects.bulk_update(created, ["created_at", "updated_at"])
        ratings = []
        for index, rating in self.ratings:
            rating.assessment = created[index]
            ratings.append(rating)
        Rating.objects.bulk_create(ratings)

        plans = GrowthPlan.objects.bulk_create(self.plans)
        goals = []
        for index, goal in self.goals:
            goal.plan = plans[index]
            goals.append(goal)
        goals = GrowthGoal.objects.bulk_create(goals)
        actions = []
        for index, action in self.actions:
            action.goal = goals[index]
            actions.append(action)
        GrowthAction.objects.bulk_create(actions)
        for plan, moment in zip(plans, self.plan_created_at, strict=True):
            plan.created_at = moment
            plan.updated_at = min(moment + timedelta(days=self.rng.randint(1, 15)), self.now)
        GrowthPlan.objects.bulk_update(plans, ["created_at", "updated_at"])

        given = Feedback.objects.bulk_create(self.feedback)
        for feedback, moment in zip(given, self.feedback_at, strict=True):
            feedback.created_at = moment
        Feedback.objects.bulk_update(given, ["created_at"])


def _draw_feedback(
    writer: _Writer,
    members: list[_Member],
    by_id: dict[int, _Member],
    reports: dict[int, list[int]],
    showcase: set[int],
) -> None:
    """Feedback between colleagues: from managers, from peers of the same group, upward."""
    rng = writer.rng
    for member in members:
        person = member.person
        manager = by_id.get(person.manager_id) if person.manager_id else None
        peers = [by_id[i] for i in reports.get(person.manager_id, []) if i != person.pk]
        givers = ([manager] if manager else []) + peers + [by_id[i] for i in reports[person.pk]]
        if not givers:
            continue
        full = person.pk in showcase
        count = rng.randint(4, 6) if full else rng.choice([0, 1, 1, 2, 2, 3])
        for number in range(count):
            giver = manager if full and number == 0 and manager else rng.choice(givers)
            constructive = (full and number == 1) or rng.random() < 0.2
            writer.give_feedback(
                giver, member, constructive=constructive, days_ago=rng.randint(3, 150)
            )
    # The showcase accounts have given feedback too, so their "Given" list is not empty.
    for person_id in sorted(showcase):
        member = by_id.get(person_id)
        if member is None:
            continue
        colleagues = [
            by_id[i]
            for i in reports.get(member.person.manager_id, []) + reports[person_id]
            if i != person_id
        ]
        for colleague in rng.sample(colleagues, min(2, len(colleagues))):
            writer.give_feedback(member, colleague, constructive=False, days_ago=rng.randint(5, 60))


def _lower_first(name: str) -> str:
    """A competency name inside a sentence: "Hiring and onboarding PMs" -> "hiring and ... PMs"."""
    return name[:1].lower() + name[1:]
