"""The demo's stakeholder surveys: a closed round last quarter and an open one this quarter.

The demo's stakeholders and a dozen externals (engineering, design, sales and support leads)
answer; the second round scores a little better; one team has fewer than 3 answers in each
round, so the results pages show the threshold; a few links of the open round are unanswered.
Ratings and comments come from the demo seed. The links' tokens are random like any real
link's (a token drawn from a seed could be guessed): only their hashes are stored, and a
leader re-issues a link to get one to try.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from productorg.accounts.models import User
from productorg.demo import clock
from productorg.demo.catalogue import DOMAIN
from productorg.function.surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
)
from productorg.function.surveys.services import STANDARD_QUESTIONS, token_hash
from productorg.people.models import Person, Team
from productorg.strategy.periods import quarter_add, quarter_dates, quarter_of

# Externals who work with the product teams: (name, role).
EXTERNALS = (
    ("Priya Raman", "Engineering Manager"),
    ("Tomás Ortega", "Design Lead"),
    ("Hannah Becker", "Sales Engineer"),
    ("Kwame Mensah", "Support Team Lead"),
    ("Sofia Lindqvist", "Data Analyst"),
    ("Marcus Chen", "Account Executive"),
    ("Aiko Sato", "Engineering Manager"),
    ("Jonas Weber", "Solutions Architect"),
    ("Leila Haddad", "Customer Success Manager"),
    ("Rafael Costa", "QA Lead"),
    ("Nora Fischer", "Security Engineer"),
    ("Daniel Okafor", "Partner Manager"),
)
# Mean rating per standard dimension in the first round; the second adds IMPROVEMENT.
FIRST_ROUND_MEANS = {
    "clarity": 2.9,
    "collaboration": 3.6,
    "roadmap-transparency": 2.6,
    "decisions": 3.0,
    "customer-focus": 3.5,
}
IMPROVEMENT = 0.45
# Responses per team slot (the first three demo teams, then no team) in each round, and links
# left unanswered in the open round. The small team stays under 3; the hidden responses
# together reach 3, so the shown teams cannot be subtracted to reveal them.
FIRST_ROUND = {"answered": (4, 3, 1, 2), "open": (0, 0, 0, 0)}
SECOND_ROUND = {"answered": (5, 3, 2, 1), "open": (1, 1, 0, 1)}
COMMENTS = (
    "The quarterly roadmap review is the most useful hour of my quarter. Keep it.",
    "I still find out about priority changes from engineers, not from the PM.",
    "Decisions are good, but the reasons rarely reach us in Sales.",
    "More customer interviews with support in the room, please.",
    "Our PM is great; the process around PMs is hard to follow.",
    "Publish the roadmap somewhere we can all find it without asking.",
    "Stop changing the sprint goals mid-sprint.",
    "Start sharing discovery results before the solution is decided.",
    "The new status reports are much clearer than last quarter's spreadsheets.",
    "It is not clear who decides between two teams' requests.",
    "Love the customer focus. Would like more data in the decisions.",
    "Keep the open office hours; they make PMs easy to reach.",
)
COMMENT_SHARE = 0.55


def surveys_demo_create(*, seed: int, today: date, now: datetime | None = None) -> list[Survey]:
    """Two survey rounds with answers; nothing when the demo has them already or no teams."""
    teams = list(Team.objects.order_by("name", "pk")[:3])
    if len(teams) < 3 or Survey.objects.filter(title__startswith="Stakeholder pulse").exists():
        return []
    rng = random.Random(seed + 606)  # noqa: S311 - demo data repeats from a seed
    cpo = Person.objects.filter(level__code="cpo", user__isnull=False).order_by("pk").first()
    created_by = cpo.user if cpo else None
    with transaction.atomic():
        return _rounds_create(
            seed_rng=rng,
            today=today,
            now=now or clock.end_of_day(today),
            teams=teams,
            created_by=created_by,
        )


def _rounds_create(
    *,
    seed_rng: random.Random,
    today: date,
    now: datetime,
    teams: list[Team],
    created_by: User | None,
) -> list[Survey]:
    rng = seed_rng
    invitees = _invitees()
    this_quarter = quarter_of(today)
    last_quarter = quarter_add(this_quarter, -1)
    last_start = quarter_dates(last_quarter)[0]
    first = _round(
        title=f"Stakeholder pulse {last_quarter}",
        opens_on=last_start + timedelta(days=35),
        closes_on=last_start + timedelta(days=49),
        created_by=created_by,
    )
    this_start = quarter_dates(this_quarter)[0]
    second = _round(
        title=f"Stakeholder pulse {this_quarter}",
        opens_on=max(this_start, today - timedelta(days=3)),
        closes_on=today + timedelta(days=11),
        created_by=created_by,
    )
    _fill(first, FIRST_ROUND, teams, invitees, rng, shift=0.0, now=now)
    _fill(second, SECOND_ROUND, teams, invitees, rng, shift=IMPROVEMENT, now=now)
    return [first, second]


def _invitees() -> list[tuple[str, str, User | None]]:
    stakeholders = User.objects.filter(
        kind=User.Kind.STAKEHOLDER, email__endswith=f"@{DOMAIN}"
    ).order_by("pk")
    people = [(user.get_full_name() or user.username, user.email, user) for user in stakeholders]
    for name, _role in EXTERNALS:
        plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        email = plain.replace(" ", ".")
        people.append((name, f"{email}@partners.{DOMAIN}", None))
    # A demo without stakeholder logins still fills both rounds.
    needed = max(sum(r["answered"]) + sum(r["open"]) for r in (FIRST_ROUND, SECOND_ROUND))
    for number in range(len(people), needed):
        people.append((f"Guest {number}", f"guest{number}@partners.{DOMAIN}", None))
    return people


def _round(*, title: str, opens_on: date, closes_on: date, created_by: User | None) -> Survey:
    survey = Survey.objects.create(
        title=title,
        anonymous=True,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=created_by,
    )
    Question.objects.bulk_create(
        Question(survey=survey, dimension=dimension, kind=kind, text=text, position=index)
        for index, (dimension, kind, text) in enumerate(STANDARD_QUESTIONS, start=1)
    )
    return survey


def _fill(
    survey: Survey,
    shape: dict[str, tuple[int, ...]],
    teams: list[Team],
    invitees: list[tuple[str, str, User | None]],
    rng: random.Random,
    *,
    shift: float,
    now: datetime,
) -> None:
    slots = [*teams, None]
    people = iter(invitees)
    invitations, answered_teams = [], []
    issued = clock.moment(survey.opens_on, 9, now=now)
    expires = datetime.combine(survey.closes_on, time.max, tzinfo=UTC)
    for team, answered, unanswered in zip(slots, shape["answered"], shape["open"], strict=True):
        for position in range(answered + unanswered):
            name, email, user = next(people)
            used = position < answered
            invitations.append(
                Invitation(
                    survey=survey,
                    user=user,
                    name=name,
                    email=email,
                    team=team,
                    # A random token, thrown away: nobody can answer a demo link as it is.
                    token_hash=token_hash(secrets.token_urlsafe(32)),
                    issued_at=issued,
                    expires_at=expires,
                    used_at=clock.moment(
                        survey.opens_on + timedelta(days=rng.randint(0, 2)), 11, now=now
                    )
                    if used
                    else None,
                )
            )
            if used:
                answered_teams.append(team)
    Invitation.objects.bulk_create(invitations)
    # Anonymous: the responses keep the team only, in shuffled order, with no time.
    rng.shuffle(answered_teams)
    responses = Response.objects.bulk_create(
        Response(survey=survey, team=team) for team in answered_teams
    )
    questions = list(survey.questions.all())
    answers = []
    for response in responses:
        for question in questions:
            if question.kind == Question.Kind.RATING:
                mean = FIRST_ROUND_MEANS.get(question.dimension, 3.2) + shift
                rating = min(5, max(1, round(rng.gauss(mean, 0.85))))
                answers.append(Answer(response=response, question=question, rating=rating))
            elif rng.random() < COMMENT_SHARE:
                answers.append(
                    Answer(response=response, question=question, comment=rng.choice(COMMENTS))
                )
    Answer.objects.bulk_create(answers)
