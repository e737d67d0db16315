"""Every demo account can follow every link its pages show: no dead ends, no errors.

A page shows a link only where the permission rules let the user follow it, so a 404 (or a
500) behind a shown link is a bug; pages a user may not open answer 404. Every page it opens
is kept out of every cache, and shows its date inputs in the only form browsers accept.
"""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.db import transaction

from productorg.demo import generator
from productorg.tests.test_date_inputs import ISO_VALUE, date_inputs

# Enough to reach every kind of page (lists, details, filters, pagination) without
# fetching all 400 initiatives for every account.
PAGES_PER_ACCOUNT = 60
SKIP = ("/admin/", "/static/", "/accounts/logout/", "mailto:")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.demo_organisation_create(size="small", seed=1)
        yield
        transaction.set_rollback(True)


def links(html: str) -> list[str]:
    hrefs = re.findall(r'href="([^"#]+)"', html)
    return [href.replace("&amp;", "&") for href in hrefs if href.startswith(("/", "?"))]


@pytest.mark.parametrize("role", ["CPO", "Director", "Group PM", "PM", "Stakeholder", "Admin"])
def test_every_link_a_demo_account_is_shown_opens(demo, db, client, django_user_model, role):
    username = next(a.username for a in generator.demo_accounts() if a.role == role)
    client.force_login(django_user_model.objects.get(username=username))
    queue, seen = deque(["/"]), {"/"}
    visited = 0
    while queue and visited < PAGES_PER_ACCOUNT:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        assert response.status_code == 200, (
            f"{role} followed a link to {url}: {response.status_code}"
        )
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (
            f"{url} may be cached: Cache-Control {cache_control!r}"
        )
        if "text/html" not in response["Content-Type"]:
            continue
        for kind, value in date_inputs(response.content.decode()):
            assert value == "" or ISO_VALUE[kind].fullmatch(value), (
                f'{url}: <input type="{kind}" value="{value}">'
            )
        for href in links(response.content.decode()):
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href not in seen and not href.startswith(SKIP):
                seen.add(href)
                queue.append(href)
    assert visited > 5
