"""Reads of stakeholder surveys: the rounds, a round's links, and results that keep people
anonymous.

Every figure obeys the threshold: a mean, a distribution or a team cell shows only when at
least MIN_ANSWERS people gave it. Team cells are also protected against subtraction: when the
hidden cells together hold one or two responses, the overall figure minus the shown teams would
give those answers away, so the smallest shown team is hidden too until the hidden ones hold
enough answers (or none).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from productorg.function.surveys.models import (
    MIN_ANSWERS,
    RATING_MAX,
    RATING_MIN,
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
)

# Short names of the standard dimensions, for tables and the trend chart.
DIMENSION_LABELS = {
    "clarity": "Clarity of what PMs do",
    "collaboration": "Quality of collaboration",
    "roadmap-transparency": "Roadmap transparency",
    "decisions": "Communication of decisions",
    "customer-focus": "Customer focus",
}
TREND_ROUNDS = 8
CSV_HEADER = ("survey", "team", "question", "rating", "comment")


def surveys_with_counts() -> QuerySet[Survey]:
    """Every round, newest first, with how many were invited and how many answered."""
    return Survey.objects.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("responses", distinct=True),
    ).order_by("-created_at", "-pk")


def survey_questions(*, survey: Survey) -> list[Question]:
    return list(survey.questions.all())


def survey_invitations(*, survey: Survey) -> list[Invitation]:
    """The round's links, by name, with their teams."""
    return list(survey.invitations.select_related("team").order_by("name", "pk"))


def question_label(question: Question) -> str:
    return DIMENSION_LABELS.get(question.dimension, question.text)


@dataclass(frozen=True)
class DimensionResult:
    """One rating question: how many answered, and (from MIN_ANSWERS on) mean and spread."""

    question: Question
    label: str
    count: int
    mean: float | None
    # How many gave 1, 2, 3, 4 and 5; None below the threshold.
    distribution: tuple[int, ...] | None


@dataclass(frozen=True)
class TeamRow:
    """A team's cells: its mean per rating question, or None where the cell is hidden."""

    name: str
    responses: int
    shown: bool
    means: list[float | None]


@dataclass(frozen=True)
class CommentShown:
    question: Question
    text: str
    # Only in a survey that is not anonymous.
    author: str | None


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    dimensions: list[DimensionResult] = field(default_factory=list)
    teams: list[TeamRow] = field(default_factory=list)
    # Responses whose team is hidden or unknown, counted together.
    other_responses: int = 0
    comments: list[CommentShown] = field(default_factory=list)
    comments_hidden: bool = False

    @property
    def enough(self) -> bool:
        return self.responses >= MIN_ANSWERS


def visible_team_ids(counts: dict[int | None, int]) -> set[int]:
    """The teams whose cells may show, from the responses per team (None: no team)."""
    hidden = {team for team, n in counts.items() if team is None or n < MIN_ANSWERS}
    shown = sorted((n, team) for team, n in counts.items() if team not in hidden)
    while shown and 0 < sum(counts[team] for team in hidden) < MIN_ANSWERS:
        hidden.add(shown.pop(0)[1])
    return {team for _, team in shown}


def _team_counts(survey: Survey) -> dict[int | None, int]:
    return dict(
        Response.objects.filter(survey=survey)
        .values("team_id")
        .annotate(n=Count("id"))
        .values_list("team_id", "n")
    )


def survey_results(*, survey: Survey) -> SurveyResults:
    """The round's results as far as the threshold and anonymity allow."""
    questions = survey_questions(survey=survey)
    team_counts = _team_counts(survey)
    responses = sum(team_counts.values())
    visible = visible_team_ids(team_counts)
    fields = ["question_id", "rating", "comment", "response__team_id", "response__team__name"]
    if not survey.anonymous:
        fields.append("response__invitation__name")
    rows = list(Answer.objects.filter(response__survey=survey).values(*fields))

    ratings: dict[int, list[int]] = defaultdict(list)
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    team_names: dict[int, str] = {}
    for row in rows:
        if row["rating"] is None:
            continue
        ratings[row["question_id"]].append(row["rating"])
        if row["response__team_id"] in visible:
            cells[(row["response__team_id"], row["question_id"])].append(row["rating"])
            team_names[row["response__team_id"]] = row["response__team__name"]

    rating_questions = [q for q in questions if q.kind == Question.Kind.RATING]
    results = SurveyResults(survey=survey, responses=responses)
    for question in rating_questions:
        given = ratings[question.pk]
        enough = len(given) >= MIN_ANSWERS
        spread = Counter(given)
        results.dimensions.append(
            DimensionResult(
                question=question,
                label=question_label(question),
                count=len(given),
                mean=sum(given) / len(given) if enough else None,
                distribution=(
                    tuple(spread[value] for value in range(RATING_MIN, RATING_MAX + 1))
                    if enough
                    else None
                ),
            )
        )
    for team_id in sorted(visible, key=lambda team: team_names.get(team, "")):
        means = []
        for question in rating_questions:
            given = cells[(team_id, question.pk)]
            means.append(sum(given) / len(given) if len(given) >= MIN_ANSWERS else None)
        results.teams.append(
            TeamRow(
                name=team_names.get(team_id, ""),
                responses=team_counts[team_id],
                shown=True,
                means=means,
            )
        )
    results.other_responses = responses - sum(team_counts[team] for team in visible)

    # An anonymous survey's comments wait for the threshold too: with one or two responses the
    # leader, who sees who has answered, would know who wrote them.
    results.comments_hidden = survey.anonymous and not results.enough
    if not results.comments_hidden:
        by_question = {question.pk: question for question in questions}
        comments = [
            CommentShown(
                question=by_question[row["question_id"]],
                text=row["comment"],
                author=None if survey.anonymous else row.get("response__invitation__name"),
            )
            for row in rows
            if row["comment"]
        ]
        # Sorted by question and text: the order says nothing about who answered when.
        results.comments = sorted(
            comments, key=lambda comment: (comment.question.position, comment.text.lower())
        )
    return results


@dataclass(frozen=True)
class TrendSeries:
    """One dimension over the rounds: the mean per round, None where under the threshold."""

    label: str
    values: list[float | None]


@dataclass(frozen=True)
class Trend:
    rounds: list[str]
    series: list[TrendSeries]


def survey_trend(*, rounds: int = TREND_ROUNDS) -> Trend:
    """Mean rating per dimension over the last rounds that opened, oldest first."""
    surveys = list(Survey.objects.filter(opens_on__isnull=False).order_by("-opens_on", "-pk"))
    surveys = surveys[:rounds][::-1]
    index = {survey.pk: position for position, survey in enumerate(surveys)}
    sums = Answer.objects.filter(
        rating__isnull=False, response__survey__in=list(index)
    ).values_list("response__survey_id", "question__dimension", "question__text", "rating")
    given: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[str, str] = {}
    for survey_id, dimension, text, rating in sums:
        key = dimension or text
        labels[key] = DIMENSION_LABELS.get(dimension, text)
        given[key][index[survey_id]].append(rating)
    order = {key: position for position, key in enumerate(DIMENSION_LABELS)}
    series = []
    for key in sorted(given, key=lambda key: (order.get(key, len(order)), labels[key])):
        values: list[float | None] = []
        for position in range(len(surveys)):
            ratings = given[key].get(position, [])
            values.append(sum(ratings) / len(ratings) if len(ratings) >= MIN_ANSWERS else None)
        series.append(TrendSeries(label=labels[key], values=values))
    return Trend(rounds=[survey.title for survey in surveys], series=series)


def survey_csv_rows(*, survey: Survey) -> list[tuple[str, str, str, str, str]]:
    """One row per answer with no name, email, token or response id: survey, team (blank
    unless its cell is shown), question, rating, comment. Empty below the threshold."""
    team_counts = _team_counts(survey)
    if sum(team_counts.values()) < MIN_ANSWERS:
        return []
    visible = visible_team_ids(team_counts)
    rows = []
    for answer in Answer.objects.filter(response__survey=survey).values(
        "response__team_id",
        "response__team__name",
        "question__text",
        "question__position",
        "rating",
        "comment",
    ):
        team = answer["response__team__name"] if answer["response__team_id"] in visible else ""
        rating = "" if answer["rating"] is None else str(answer["rating"])
        rows.append(
            (
                answer["question__position"],
                team,
                answer["question__text"],
                rating,
                answer["comment"],
            )
        )
    # Sorted by content, never by when or by whom: rows of one response do not sit together.
    rows.sort()
    return [(survey.title, team, text, rating, comment) for _, team, text, rating, comment in rows]
