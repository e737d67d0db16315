"""Who may open and post what: leaders change the PM function, PMs read it, stakeholders and
admins get 404 from every page, fragment and form."""

from __future__ import annotations

import pytest

from productorg.function.models import FunctionDocumentVersion, Improvement, Process
from productorg.function.tests.conftest import document_version

HTMX = {"HTTP_HX_REQUEST": "true"}

READ_PAGES = [
    "/function/",
    "/function/charter/",
    "/function/vision/",
    "/function/charter/versions/1/",
    "/function/charter/diff/",
    "/function/charter/diff/?older=1&newer=2",
    "/function/processes/",
    "/function/processes/?sort=reviewed",
    "/function/processes/{onboarding}/",
    "/function/improvements/",
    "/function/improvements/?status=planned&kind=process",
    "/function/roadmap/",
]
LEADER_PAGES = [
    "/function/charter/edit/",
    "/function/vision/edit/",
    "/function/processes/new/",
    "/function/processes/{onboarding}/edit/",
    "/function/processes/{onboarding}/delete/",
    "/function/improvements/new/",
    "/function/improvements/{buddy}/edit/",
    "/function/improvements/{buddy}/delete/",
]


@pytest.fixture
def function_data(org, catalog):
    document_version(body="First charter", author=org.cora)
    document_version(body="Second charter", author=org.dana)
    return {name: row.pk for name, row in catalog.items()}


def outsiders(org) -> dict:
    return {"stakeholder": org.sam, "admin": org.ada}


@pytest.mark.parametrize("page", READ_PAGES)
def test_leaders_and_pms_read_every_page_of_the_function(client_for, org, function_data, page):
    url = page.format(**function_data)
    for person in (org.cora, org.gabe, org.pia, org.olive):
        response = client_for(person).get(url)
        assert response.status_code == 200, (person.name, url)


@pytest.mark.parametrize("page", READ_PAGES + LEADER_PAGES)
def test_stakeholders_and_admins_get_404_from_every_page_of_the_function(
    client_for, org, function_data, page
):
    url = page.format(**function_data)
    for role, user in outsiders(org).items():
        assert client_for(user).get(url).status_code == 404, (role, url)
        assert client_for(user).get(url, **HTMX).status_code == 404, (role, url)


@pytest.mark.parametrize("page", LEADER_PAGES)
def test_only_leaders_open_the_editing_pages(client_for, org, function_data, page):
    url = page.format(**function_data)
    assert client_for(org.greta).get(url).status_code == 200
    assert client_for(org.pia).get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, function_data):
    response = client.get("/function/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


POSTS = {
    "/function/charter/edit/": {"body": "A PM's charter", "based_on": "2"},
    "/function/processes/new/": {"name": "Roadmap review", "health": "healthy"},
    "/function/processes/{onboarding}/edit/": {"name": "Renamed", "health": "healthy"},
    "/function/processes/{onboarding}/delete/": {"confirm": "yes"},
    "/function/improvements/new/": {"title": "New", "kind": "other", "status": "idea"},
    "/function/improvements/{buddy}/edit/": {"title": "Renamed", "kind": "other", "status": "idea"},
    "/function/improvements/{buddy}/delete/": {"confirm": "yes"},
}


def snapshot() -> tuple:
    return (
        list(FunctionDocumentVersion.objects.values_list("kind", "number", "body")),
        list(Process.objects.values_list("pk", "name", "health")),
        list(Improvement.objects.values_list("pk", "title", "kind", "status")),
    )


@pytest.mark.parametrize("page", list(POSTS))
def test_a_pm_a_stakeholder_and_an_admin_cannot_post_any_change(
    client_for, org, function_data, page
):
    url = page.format(**function_data)
    before = snapshot()
    for user in (org.pia, org.sam, org.ada):
        assert client_for(user).post(url, POSTS[page]).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("page", list(POSTS))
def test_a_leader_posts_every_change(client_for, org, function_data, page):
    url = page.format(**function_data)
    before = snapshot()
    response = client_for(org.gabe).post(url, POSTS[page])
    assert response.status_code == 302
    assert snapshot() != before


def test_the_nav_shows_the_pm_function_to_leaders_and_pms_only(client_for, org):
    for person in (org.dana, org.paul):
        assert 'href="/function/"' in client_for(person).get("/").content.decode()
    for user in (org.sam, org.ada):
        assert 'href="/function/"' not in client_for(user).get("/").content.decode()


def test_a_pm_sees_no_edit_links(client_for, org, function_data):
    for url in ("/function/charter/", "/function/processes/", "/function/improvements/"):
        html = client_for(org.pia).get(url).content.decode()
        assert "/edit/" not in html and "/new/" not in html, url
    html = client_for(org.gabe).get("/function/processes/").content.decode()
    assert "/function/processes/new/" in html
