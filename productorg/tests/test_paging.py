"""Every paginated list reads `?page=` one way: a number that is not a page is the first page,
one past the end the last (productorg.paging.page_of)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from productorg.factories import InitiativeFactory, TeamFactory
from productorg.reports.models import LeadershipReport

# Each list: its address, and where its page is in the page's context.
LISTS: dict[str, tuple[str, Callable]] = {
    "initiatives": ("/initiatives/", lambda context: context["page"]),
    "ranking": ("/strategy/ranking/", lambda context: context["ranking"].page),
    "alignment check": ("/strategy/alignment/?kind=unaligned", lambda c: c["check"].page),
    "mix board": ("/strategy/mix/", lambda context: context["page"]),
    "roadmap": ("/roadmap/", lambda context: context["roadmap"].page),
    "capacity": ("/capacity/", lambda context: context["table"].page),
    "reports": ("/reports/", lambda context: context["page"]),
}


@pytest.fixture
def long_lists(org):
    """Three pages or more of every list."""
    TeamFactory.create_batch(45)
    for index in range(120):
        InitiativeFactory(title=f"Work {index:03}", team=org.checkout, value_estimate=index + 1)
    now = timezone.now()
    LeadershipReport.objects.bulk_create(
        LeadershipReport(
            period="2027-Q1",
            scope_kind="org",
            scope_description="The whole portfolio",
            as_of=datetime.date(2027, 1, 1),
            snapshot={},
            created_at=now - datetime.timedelta(minutes=index),
        )
        for index in range(60)
    )


@pytest.mark.parametrize(("path", "page_in"), LISTS.values(), ids=LISTS.keys())
@pytest.mark.parametrize(
    ("asked", "shown"),
    [("-1", "first"), ("0", "first"), ("abc", "first"), ("", "first"), ("99999", "last")],
)
def test_a_page_number_that_is_no_page_shows_the_first_or_the_last(
    client_for, org, long_lists, path, page_in, asked, shown
):
    joiner = "&" if "?" in path else "?"
    response = client_for(org.cora).get(f"{path}{joiner}page={asked}")
    assert response.status_code == 200
    page = page_in(response.context)
    assert page.paginator.num_pages >= 3
    assert page.number == (1 if shown == "first" else page.paginator.num_pages)


@pytest.mark.parametrize(("path", "page_in"), LISTS.values(), ids=LISTS.keys())
def test_a_page_in_range_is_that_page(client_for, org, long_lists, path, page_in):
    joiner = "&" if "?" in path else "?"
    response = client_for(org.cora).get(f"{path}{joiner}page=2")
    assert page_in(response.context).number == 2
