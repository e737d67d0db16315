"""Surveys ready to answer: a round with links for stakeholders of the persona org."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from productorg.function.surveys import services
from productorg.function.surveys.models import Question, Survey


@dataclass
class OpenSurvey:
    survey: Survey
    links: list[services.IssuedLink]

    def token(self, index: int = 0) -> str:
        return self.links[index].token

    @property
    def ratings(self) -> list[Question]:
        return list(self.survey.questions.filter(kind=Question.Kind.RATING))

    @property
    def comment_question(self) -> Question:
        return self.survey.questions.get(kind=Question.Kind.COMMENT)


def make_open_survey(
    org, *, anonymous: bool = True, invitees: int = 5, team=None, title: str = "Q1 pulse"
) -> OpenSurvey:
    survey = services.survey_create(
        title=title,
        anonymous=anonymous,
        closes_on=timezone.localdate() + datetime.timedelta(days=14),
        created_by=org.gabe.user,
    )
    people = [
        services.Invitee(name=f"Stakeholder {n}", email=f"stakeholder{n}@partner.example")
        for n in range(invitees)
    ]
    links = services.invitations_issue(survey=survey, invitees=people, team=team)
    return OpenSurvey(survey=survey, links=links)


def answer(open_survey: OpenSurvey, index: int, rating: int, comment: str = ""):
    """Answer every rating question of the survey with `rating` through link `index`."""
    invitation = services.invitation_for_token(token=open_survey.token(index))
    answers = [services.AnswerInput(question=q, rating=rating) for q in open_survey.ratings]
    answers.append(services.AnswerInput(question=open_survey.comment_question, comment=comment))
    return services.response_submit(invitation=invitation, answers=answers)


@pytest.fixture
def open_survey(org) -> OpenSurvey:
    return make_open_survey(org)
