"""A text longer than its field takes is refused with the field's name and limit, and kept.

The pages draw no `maxlength` on their inputs: a browser cuts pasted text to it without a word
(a 10,000-character title was saved as its first 200), so the limit is the form's to say.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from productorg.tests.test_once import CREATES, _drawn_token

TOO_LONG = "x" * 10_000

# Create form, the text field made too long, its label, the limit the page must name.
LIMITS = [
    ("feedback", "text", "Feedback", "4000"),
    ("agenda item", "text", "", "500"),
    ("shared note", "text", "", "20000"),
    ("action item", "text", "", "500"),
    ("growth goal", "title", "Title", "200"),
    ("growth action", "title", "", "200"),
    ("milestone", "title", "Milestone", "200"),
    ("risk", "description", "Risk", "500"),
    ("status update", "summary", "Summary", "4000"),
    ("scoring model", "name", "Name", "100"),
    ("balance dimension", "name", "Name", "100"),
    ("API token", "name", "Name", ""),
    ("process", "name", "Name", "120"),
    ("improvement", "title", "Title", "200"),
    ("survey round", "title", "Title", ""),
    ("survey question", "text", "Question", "300"),
    ("scenario", "name", "Name", "120"),
    ("scenario copy", "name", "Name of the copy", "120"),
]


def _digits(html: str) -> str:
    return html.replace(",", "").replace("\u202f", "").replace("\xa0", "")


@pytest.mark.parametrize("case", CREATES.values(), ids=CREATES.keys())
def test_no_create_form_draws_a_maxlength(client_for, org, framework, case):
    create = case(org)
    html = client_for(create.who).get(create.page).content.decode()
    assert "maxlength" not in html


@pytest.mark.parametrize(("name", "field", "label", "limit"), LIMITS, ids=[n for n, *_ in LIMITS])
def test_a_text_too_long_is_refused_naming_the_field_and_its_limit(
    client_for, org, framework, name, field, label, limit
):
    create = CREATES[name](org)
    client = client_for(create.who)
    before = create.made.count()
    token = _drawn_token(client.get(create.page).content.decode(), create.action)
    too_long = "x" * max(10_000, 2 * int(limit or 0))

    response = client.post(create.action, {**create.data, field: too_long, "form_token": token})

    html = _digits(response.content.decode())
    assert response.status_code == 400
    assert create.made.count() == before
    assert too_long in html, "the text typed is kept"
    assert str(len(too_long)) in html, "the error says how long the text is"
    if limit:
        assert limit in html
    if label:
        assert label in html


def test_a_ten_thousand_character_initiative_title_is_refused_not_cut(client_for, org):
    client = client_for(org.gabe)
    html = client.get(reverse("strategy:initiative-new")).content.decode()
    assert "maxlength" not in html
    response = client.post(
        reverse("strategy:initiative-new"),
        {
            "title": TOO_LONG,
            "team": org.checkout.pk,
            "category": "feature",
            "status": "proposed",
            "efforts-TOTAL_FORMS": "0",
            "efforts-INITIAL_FORMS": "0",
        },
    )
    page = _digits(response.content.decode())
    assert response.status_code == 400
    assert "Title" in page and "200" in page and "10000" in page
    assert TOO_LONG in page
