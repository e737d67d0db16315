"""Bad input is a 4xx with a JSON reason, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from productorg.api.tests.conftest import BASE
from productorg.strategy.models import Initiative


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Null\x00byte"},
        {"title": "Lone \ud800 surrogate"},
        {"title": "x" * 201},
        {"title": "Big", "reach": 2**31},
        {"title": "Digits", "value_estimate": "1.25"},
        {"title": "Bad day", "deadline": "2027-02-30"},
        {"title": "Quarter", "start_quarter": "2027-Q5"},
        {"title": "Huge id", "team_id": 99999999999999999999},
        {"title": "Kind", "category": "moonshot"},
        {},
    ],
)
def test_invalid_initiatives_are_a_422_naming_the_field_and_write_nothing(org, api, body):
    response = api(org.gabe).post("/initiatives", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail[0]["loc"][0] == "body"
    assert Initiative.objects.count() == 3


def test_a_nul_in_a_query_string_is_a_422(org, api):
    assert api(org.pia).get("/initiatives", q="a\x00b").status_code == 422


def test_a_body_that_is_not_json_is_a_4xx_in_json(org, api):
    client = api(org.gabe)
    response = client.client.post(
        BASE + "/initiatives",
        "{not json",
        content_type="application/json",
        headers=client._headers(),
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_a_service_refusal_is_a_400_with_its_message(org, api):
    response = api(org.gabe).post(
        "/initiatives",
        {"title": "Backwards", "earliest_start": "2027-05-01", "deadline": "2027-04-01"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The deadline must not be before the earliest start.",
        "field": "deadline",
    }


def test_a_method_a_path_does_not_take_is_a_json_405(org, api):
    response = api(org.pia).client.delete(BASE + "/teams", headers=api(org.pia)._headers())
    assert response.status_code == 405
    assert response.json()["detail"].startswith("DELETE is not allowed")


def test_an_unknown_path_is_a_json_404(org, api):
    response = api(org.pia).get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_body_larger_than_the_api_takes_is_a_413_in_json_before_it_is_read(org, api):
    client = api(org.gabe)
    response = client.client.generic(
        "POST",
        BASE + "/initiatives",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        headers=client._headers(),
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the API takes (2.5 MB)."}
    assert Initiative.objects.count() == 3


def test_a_body_django_finds_too_large_is_a_413_in_json_too(org, api, settings):
    # Without the middleware in front (another server, another order), Django's own limit
    # still answers in the API's JSON, not the site's HTML 400 page.
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("RequestBodyLimitMiddleware")
    ]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api(org.gabe).post("/initiatives", {"title": "x" * 150})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger than the API takes")
    assert Initiative.objects.count() == 3
