"""The demo organisation's PM function looks lived-in."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.db import transaction

from productorg.demo import generator
from productorg.function import selectors
from productorg.function.models import (
    DocumentKind,
    FunctionDocumentVersion,
    Improvement,
    Process,
)


def test_the_demo_has_a_charter_in_two_versions_a_vision_processes_and_a_roadmap(db):
    generator.demo_organisation_create(size="small", seed=1)

    charter = list(FunctionDocumentVersion.objects.filter(kind=DocumentKind.CHARTER))
    assert [version.number for version in charter] == [2, 1]
    assert all(version.author is not None for version in charter)
    assert charter[0].created_at > charter[1].created_at
    diff = selectors.text_diff(older=charter[1].body, newer=charter[0].body)
    assert 2 <= sum(line.change == "added" for line in diff) <= 6
    assert FunctionDocumentVersion.objects.filter(kind=DocumentKind.VISION).count() == 1

    processes = list(Process.objects.all())
    assert len(processes) == 8
    assert {process.health for process in processes} == set(Process.Health.values)
    assert any(process.last_reviewed is None for process in processes)
    assert all(process.link.startswith("https://") for process in processes)

    quarters = set(Improvement.objects.exclude(quarter="").values_list("quarter", flat=True))
    assert quarters == {"2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3"}
    assert Improvement.objects.count() >= 10
    assert set(Improvement.objects.values_list("status", flat=True)) == set(
        Improvement.Status.values
    )


def test_a_second_demo_beside_the_first_leaves_the_function_alone(db):
    generator.demo_organisation_create(size="small", seed=1)
    generator.demo_organisation_create(size="small", seed=2)

    assert FunctionDocumentVersion.objects.count() == 3
    assert Process.objects.count() == 8


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.demo_organisation_create(size="small", seed=1)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ["CPO", "Group PM", "PM"])
def test_every_link_of_the_function_pages_opens_for_the_demo_accounts(
    demo, db, client, django_user_model, role
):
    username = next(a.username for a in generator.demo_accounts() if a.role == role)
    client.force_login(django_user_model.objects.get(username=username))
    queue, seen = deque(["/function/"]), {"/function/"}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, f"{role} followed a link to {url}"
        for href in re.findall(r'href="(/function/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if href not in seen and not href.startswith("/function/surveys/"):
                seen.add(href)
                queue.append(href)
    assert len(seen) > (15 if role == "PM" else 40)
