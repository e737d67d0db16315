from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from productorg.function.surveys import services
from productorg.function.surveys.models import Question, Response, Survey
from productorg.function.surveys.tests.conftest import answer, make_open_survey


def respond_url(token: str) -> str:
    return reverse("surveys:respond", args=[token])


def full_answers(opened, rating="4", comment=""):
    data = {f"q{q.pk}": rating for q in opened.ratings}
    data[f"q{opened.comment_question.pk}"] = comment
    return data


# Who sees what.


@pytest.mark.parametrize("who", ["cora", "dana", "gabe"])
def test_leaders_run_surveys(org, client_for, who, open_survey):
    client = client_for(getattr(org, who))
    assert client.get(reverse("surveys:survey-list")).status_code == 200
    assert client.get(reverse("surveys:survey", args=[open_survey.survey.pk])).status_code == 200


def test_a_pm_reads_results_but_cannot_run_a_survey(org, client_for, open_survey):
    client = client_for(org.pia)
    survey = open_survey.survey
    listing = client.get(reverse("surveys:survey-list"))
    assert listing.status_code == 200
    assert "New survey round" not in listing.text
    assert client.get(reverse("surveys:survey-results", args=[survey.pk])).status_code == 200
    assert client.get(reverse("surveys:survey-results-csv", args=[survey.pk])).status_code == 200
    assert client.get(reverse("surveys:survey", args=[survey.pk])).status_code == 404
    assert client.post(reverse("surveys:survey-list"), {"title": "Mine"}).status_code == 200
    assert not Survey.objects.filter(title="Mine").exists()
    for name in ("survey-invite", "survey-close", "question-add"):
        assert client.post(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 404
    invitation = open_survey.links[0].invitation
    reissue = reverse("surveys:invitation-reissue", args=[survey.pk, invitation.pk])
    assert client.post(reissue).status_code == 404


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_stakeholders_and_admins_get_404_on_every_survey_page(org, client_for, who, open_survey):
    client = client_for(getattr(org, who))
    survey = open_survey.survey
    question = survey.questions.first()
    invitation = open_survey.links[0].invitation
    for url in (
        reverse("surveys:survey-list"),
        reverse("surveys:survey", args=[survey.pk]),
        reverse("surveys:survey-results", args=[survey.pk]),
        reverse("surveys:survey-results-csv", args=[survey.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("surveys:survey-invite", args=[survey.pk]),
        reverse("surveys:survey-close", args=[survey.pk]),
        reverse("surveys:question-add", args=[survey.pk]),
        reverse("surveys:question-edit", args=[survey.pk, question.pk]),
        reverse("surveys:invitation-reissue", args=[survey.pk, invitation.pk]),
    ):
        assert client.post(url).status_code == 404, url


def test_an_unknown_survey_is_a_404(org, client_for):
    client = client_for(org.gabe)
    assert client.get(reverse("surveys:survey", args=[999])).status_code == 404
    assert client.get(reverse("surveys:survey-results", args=[999])).status_code == 404


# The leader's flow.


def test_a_leader_makes_a_round_edits_a_question_and_invites_with_links_shown_once(
    org, client_for, mailoutbox
):
    client = client_for(org.gabe)
    closes = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    made = client.post(
        reverse("surveys:survey-list"),
        {"title": "Spring pulse", "anonymous": "on", "closes_on": closes},
    )
    survey = Survey.objects.get(title="Spring pulse")
    assert made.status_code == 302
    question = survey.questions.first()
    client.post(
        reverse("surveys:question-edit", args=[survey.pk, question.pk]),
        {f"q{question.pk}-text": "Do you know what PMs do?", f"q{question.pk}-position": "1"},
    )
    question.refresh_from_db()
    assert question.text == "Do you know what PMs do?"

    page = client.post(
        reverse("surveys:survey-invite", args=[survey.pk]),
        {
            "stakeholders": [org.sam.pk],
            "externals": "Kim Lee <kim@partner.example>\nlee@partner.example",
            "team": org.checkout.pk,
            "send_email": "on",
        },
    )
    assert page.status_code == 200
    links = re.findall(r"http://testserver/function/surveys/r/[\w-]+/", page.text)
    assert len(links) == 3
    assert len(mailoutbox) == 3
    assert {message.to[0] for message in mailoutbox} == {
        "sam@example.com",
        "kim@partner.example",
        "lee@partner.example",
    }
    again = client.get(reverse("surveys:survey", args=[survey.pk]))
    assert not any(link in again.text for link in links)
    assert "Kim Lee" in again.text


def test_a_mail_failure_leaves_the_links_on_the_page_with_a_message(org, client_for, monkeypatch):
    def broken(**kwargs):
        raise OSError("no mail server")

    monkeypatch.setattr(services, "send_mail", broken)
    survey = make_open_survey(org, invitees=0).survey
    page = client_for(org.gabe).post(
        reverse("surveys:survey-invite", args=[survey.pk]),
        {"externals": "kim@partner.example", "send_email": "on"},
    )
    assert page.status_code == 200
    assert "could not be sent" in page.text
    assert "/function/surveys/r/" in page.text


def test_a_bad_email_in_the_invite_list_is_named(org, client_for, open_survey):
    page = client_for(org.gabe).post(
        reverse("surveys:survey-invite", args=[open_survey.survey.pk]),
        {"externals": "kim@partner.example\nnot an email"},
    )
    assert page.status_code == 400
    assert "Line 2 (not an email)" in page.text


def test_an_invitee_name_too_long_is_named_not_cut(org, client_for, open_survey):
    page = client_for(org.gabe).post(
        reverse("surveys:survey-invite", args=[open_survey.survey.pk]),
        {"externals": f"{'K' * 300} <kim@partner.example>"},
    )
    assert page.status_code == 400
    assert "Line 1: the name is 300 characters long; at most 200 fit." in page.text
    assert not open_survey.survey.invitations.filter(email="kim@partner.example").exists()


def test_reissuing_shows_a_new_link_and_the_old_one_stops(org, client_for, client, open_survey):
    old = open_survey.token(0)
    invitation = open_survey.links[0].invitation
    page = client_for(org.gabe).post(
        reverse("surveys:invitation-reissue", args=[open_survey.survey.pk, invitation.pk])
    )
    assert page.status_code == 200
    new = re.search(r"/function/surveys/r/([\w-]+)/", page.text).group(1)
    assert new != old
    client.logout()
    assert client.get(respond_url(old)).status_code == 404
    assert client.get(respond_url(new)).status_code == 200


# The response page.


def test_the_response_page_needs_no_login_and_records_the_answers(client, open_survey):
    url = respond_url(open_survey.token(0))
    page = client.get(url)
    assert page.status_code == 200
    assert "How clear is it to you" in page.text
    done = client.post(url, full_answers(open_survey, comment="More demos"))
    assert done.status_code == 200
    assert "Thank you" in done.text
    assert Response.objects.get().answers.count() == 6


def test_answering_twice_is_refused_with_a_clear_page(client, open_survey):
    url = respond_url(open_survey.token(0))
    client.post(url, full_answers(open_survey))
    again = client.get(url)
    assert again.status_code == 410
    assert "has been used" in again.text
    assert client.post(url, full_answers(open_survey)).status_code == 410
    assert Response.objects.count() == 1


def test_a_forged_token_gets_a_clear_404(client, open_survey):
    for token in ("forged", "A" * 43, "x" * 3000):
        page = client.get(respond_url(token))
        assert page.status_code == 404
        assert "This link is not valid" in page.text
    assert client.post(respond_url("forged"), {}).status_code == 404


def test_an_expired_link_gets_a_clear_410(client, open_survey):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        page = client.get(respond_url(open_survey.token(0)))
    assert page.status_code == 410
    assert "expired" in page.text


@pytest.mark.parametrize("bad", ["0", "6", "-1", "four", "3.5", ""])
def test_a_rating_out_of_range_or_not_a_number_is_refused_naming_the_question(
    client, open_survey, bad
):
    data = full_answers(open_survey)
    clarity = open_survey.ratings[0]
    data[f"q{clarity.pk}"] = bad
    page = client.post(respond_url(open_survey.token(0)), data)
    assert page.status_code == 400
    assert clarity.text[:30] in page.text
    assert "not saved yet" in page.text
    assert Response.objects.count() == 0
    # The link still works after the refusal.
    assert client.get(respond_url(open_survey.token(0))).status_code == 200


def test_a_comment_over_the_limit_is_refused_with_its_length(client, open_survey):
    data = full_answers(open_survey, comment="x" * 5001)
    page = client.post(respond_url(open_survey.token(0)), data)
    assert page.status_code == 400
    assert "limited to 5,000 characters; this answer has 5,001" in page.text
    assert Response.objects.count() == 0


def test_the_response_form_carries_a_csrf_token(open_survey):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = respond_url(open_survey.token(0))
    assert 'name="csrfmiddlewaretoken"' in strict.get(url).text
    assert strict.post(url, full_answers(open_survey)).status_code == 403
    assert Response.objects.count() == 0


# Results and anonymity.


def test_results_show_fewer_than_three_then_the_aggregate(org, client_for, open_survey):
    client = client_for(org.pia)
    url = reverse("surveys:survey-results", args=[open_survey.survey.pk])
    answer(open_survey, 0, 2, comment="secret words")
    answer(open_survey, 1, 4)
    page = client.get(url)
    assert "fewer than 3 answers" in page.text
    assert "secret words" not in page.text
    answer(open_survey, 2, 3)
    page = client.get(url)
    assert "3.0" in page.text
    assert "secret words" in page.text


def _names_and_emails(opened) -> list[str]:
    return [v for link in opened.links for v in (link.invitation.name, link.invitation.email)]


def test_no_page_csv_or_admin_list_ties_an_anonymous_answer_to_a_person(
    org, client_for, open_survey
):
    for index in range(4):
        answer(open_survey, index, 1 + index, comment=f"comment number {index}")
    survey = open_survey.survey
    leader = client_for(org.gabe)
    results = leader.get(reverse("surveys:survey-results", args=[survey.pk])).text
    csv = leader.get(reverse("surveys:survey-results-csv", args=[survey.pk])).content.decode()
    assert "comment number 0" in results and "comment number 0" in csv
    for text in (results, csv):
        for identity in _names_and_emails(open_survey):
            assert identity not in text
    # The comments come in text order, not in the order people answered.
    assert [line for line in csv.splitlines() if "comment number" in line] == sorted(
        line for line in csv.splitlines() if "comment number" in line
    )

    admin = get_user_model().objects.create_superuser("root", "root@x.example", "pw")
    leader.force_login(admin)
    for model in ("survey", "invitation"):
        listing = leader.get(f"/admin/surveys/{model}/")
        assert listing.status_code == 200
        assert "comment number" not in listing.text
    assert leader.get("/admin/surveys/response/").status_code == 404
    assert leader.get("/admin/surveys/answer/").status_code == 404
    invitation = open_survey.links[0].invitation
    change = leader.get(f"/admin/surveys/invitation/{invitation.pk}/change/").text
    assert "comment number" not in change


def test_a_named_survey_shows_comments_with_their_author(org, client_for):
    opened = make_open_survey(org, anonymous=False, invitees=3)
    for index in range(3):
        answer(opened, index, 4, comment=f"note {index}")
    page = client_for(org.gabe).get(reverse("surveys:survey-results", args=[opened.survey.pk]))
    assert "— Stakeholder 1" in page.text


def test_the_csv_export_has_no_names_emails_or_tokens(org, client_for, open_survey):
    for index in range(3):
        answer(open_survey, index, 5, comment='=HYPERLINK("http://evil")')
    response = client_for(org.gabe).get(
        reverse("surveys:survey-results-csv", args=[open_survey.survey.pk])
    )
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "survey,team,question,rating,comment"
    for link in open_survey.links:
        assert link.token not in text
        assert link.invitation.token_hash not in text
    assert "'=HYPERLINK" in text


def test_the_question_editor_refuses_a_blank_question_by_name(org, client_for):
    survey = services.survey_create(
        title="Draft",
        anonymous=True,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=None,
    )
    page = client_for(org.gabe).post(
        reverse("surveys:question-add", args=[survey.pk]), {"text": "", "kind": "rating"}
    )
    assert page.status_code == 400
    assert "Question: This field is required." in page.text
    assert survey.questions.filter(kind=Question.Kind.RATING).count() == 5
