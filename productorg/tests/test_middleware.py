"""No page, fragment or download of the app is kept by a cache; static files are."""

from __future__ import annotations

import pytest


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_a_signed_in_page_and_its_htmx_fragment_are_never_stored(client_for, org):
    client = client_for(org.pia)
    assert no_store(client.get("/"))
    assert no_store(client.get("/initiatives/?q=reorder", headers={"HX-Request": "true"}))


def test_a_download_with_people_data_is_never_stored(client_for, org):
    case = client_for(org.gabe).get(f"/people/{org.pia.pk}/readiness/promotion-case.md")
    assert case.status_code == 200
    assert "attachment" in case["Content-Disposition"]
    assert no_store(case)


@pytest.mark.django_db
def test_the_sign_in_page_is_never_stored_either(client):
    assert no_store(client.get("/accounts/login/"))


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not no_store(response)
