from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.utils import timezone

from productorg.function.surveys import services
from productorg.function.surveys.models import Answer, Invitation, Question, Response, Survey
from productorg.function.surveys.tests.conftest import answer, make_open_survey


def test_a_new_survey_starts_as_a_draft_with_the_standard_questions(org):
    survey = services.survey_create(
        title="Pulse",
        anonymous=True,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=org.cora.user,
    )
    dimensions = list(survey.questions.values_list("dimension", "kind"))
    assert dimensions == [
        ("clarity", "rating"),
        ("collaboration", "rating"),
        ("roadmap-transparency", "rating"),
        ("decisions", "rating"),
        ("customer-focus", "rating"),
        ("comment", "comment"),
    ]
    assert survey.status_on(timezone.localdate()) == Survey.Status.DRAFT


def test_a_closing_date_in_the_past_is_refused_naming_the_field(org):
    with pytest.raises(services.SurveyError) as refusal:
        services.survey_create(
            title="Late",
            anonymous=True,
            closes_on=timezone.localdate() - datetime.timedelta(days=1),
            created_by=None,
        )
    assert refusal.value.field == "closes_on"


def test_questions_can_be_changed_while_draft_and_not_after_the_first_links(org):
    survey = services.survey_create(
        title="Pulse",
        anonymous=True,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=None,
    )
    added = services.question_add(survey=survey, text="Are PMs easy to reach?", kind="rating")
    services.question_update(question=added, text="Are PMs easy to reach?", position=0)
    assert survey.questions.first() == added
    services.invitations_issue(
        survey=survey, invitees=[services.Invitee(name="Kim", email="kim@x.example")], team=None
    )
    survey.refresh_from_db()
    with pytest.raises(services.SurveyError, match="before the first links"):
        services.question_add(survey=survey, text="Too late?", kind="rating")
    with pytest.raises(services.SurveyError):
        services.question_delete(question=added)


def test_the_raw_token_is_never_stored_only_its_sha256(org):
    opened = make_open_survey(org, invitees=2)
    token = opened.token(0)
    invitation = opened.links[0].invitation
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40
    # Search every text column of every survey table for the raw token.
    with connection.cursor() as cursor:
        for model in (Survey, Question, Invitation, Response, Answer):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - fixed names
            for row in cursor.fetchall():
                assert not any(isinstance(value, str) and token in value for value in row)


def test_the_first_links_open_the_survey(open_survey):
    open_survey.survey.refresh_from_db()
    assert open_survey.survey.opens_on == timezone.localdate()
    assert open_survey.survey.status_on(timezone.localdate()) == Survey.Status.OPEN


def test_inviting_the_same_email_twice_makes_no_second_link(open_survey):
    again = services.invitations_issue(
        survey=open_survey.survey,
        invitees=[services.Invitee(name="Again", email="STAKEHOLDER0@partner.example")],
        team=None,
    )
    assert again == []
    assert open_survey.survey.invitations.count() == 5


def test_a_forged_or_unknown_token_finds_no_invitation(open_survey):
    assert services.invitation_for_token(token="forged-token") is None
    assert services.invitation_for_token(token="") is None
    assert services.invitation_for_token(token="x" * 5000) is None
    assert services.invitation_for_token(token=open_survey.token(0)) is not None


def test_a_link_answers_once_and_is_refused_the_second_time(open_survey):
    answer(open_survey, 0, 4)
    invitation = services.invitation_for_token(token=open_survey.token(0))
    with pytest.raises(services.LinkRefused, match="used"):
        services.invitation_check(invitation=invitation)
    with pytest.raises(services.LinkRefused):
        answer(open_survey, 0, 5)
    assert Response.objects.count() == 1


def test_two_submissions_racing_on_one_link_record_one_response(open_survey):
    first = services.invitation_for_token(token=open_survey.token(0))
    second = services.invitation_for_token(token=open_survey.token(0))
    rating = open_survey.ratings[0]
    services.response_submit(
        invitation=first, answers=[services.AnswerInput(question=rating, rating=3)]
    )
    # The second copy was loaded before the first was saved: the database still refuses it.
    with pytest.raises(services.LinkRefused):
        services.response_submit(
            invitation=second, answers=[services.AnswerInput(question=rating, rating=3)]
        )
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused(open_survey):
    later = timezone.now() + datetime.timedelta(days=15)
    with time_machine.travel(later):
        invitation = services.invitation_for_token(token=open_survey.token(0))
        with pytest.raises(services.LinkRefused, match="expired"):
            services.invitation_check(invitation=invitation)


def test_a_closed_survey_refuses_its_open_links(open_survey):
    services.survey_close(survey=open_survey.survey)
    invitation = services.invitation_for_token(token=open_survey.token(0))
    with pytest.raises(services.LinkRefused, match="closed"):
        services.invitation_check(invitation=invitation)


def test_reissuing_a_link_revokes_the_old_one(open_survey):
    old = open_survey.token(0)
    new = services.invitation_reissue(invitation=open_survey.links[0].invitation)
    assert new.token != old
    assert services.invitation_for_token(token=old) is None
    assert services.invitation_for_token(token=new.token).pk == new.invitation.pk


def test_a_used_link_cannot_be_reissued(open_survey):
    answer(open_survey, 0, 4)
    invitation = Invitation.objects.get(pk=open_survey.links[0].invitation.pk)
    with pytest.raises(services.SurveyError, match="answered already"):
        services.invitation_reissue(invitation=invitation)


def test_the_database_refuses_a_rating_out_of_1_to_5(open_survey):
    answer(open_survey, 0, 4)
    response = Response.objects.get()
    question = open_survey.survey.questions.create(text="Extra", kind=Question.Kind.RATING)
    with pytest.raises(IntegrityError):
        Answer.objects.create(response=response, question=question, rating=6)


def test_an_anonymous_response_keeps_no_link_to_its_invitation_and_no_time(open_survey):
    answer(open_survey, 0, 4, comment="Keep the roadmap reviews")
    response = Response.objects.get()
    assert response.invitation is None
    assert response.submitted_at is None
    assert Invitation.objects.get(pk=open_survey.links[0].invitation.pk).used_at is not None


def test_a_named_response_keeps_its_invitation(org):
    opened = make_open_survey(org, anonymous=False, invitees=1)
    answer(opened, 0, 4)
    response = Response.objects.get()
    assert response.invitation == opened.links[0].invitation
    assert response.submitted_at is not None


def test_links_that_cannot_be_sent_are_named_and_the_rest_go(open_survey, mailoutbox, monkeypatch):
    urls = {link.invitation.pk: f"https://x.example/{link.token}" for link in open_survey.links}
    assert services.links_send(links=open_survey.links[:2], url_for=urls) == []
    assert len(mailoutbox) == 2
    assert open_survey.token(0) in mailoutbox[0].body

    def broken(**kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken)
    failed = services.links_send(links=open_survey.links[2:3], url_for=urls)
    assert failed == [open_survey.links[2].invitation.name]
