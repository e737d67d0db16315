"""The process catalog and the improvement backlog and roadmap: sorting, review flags,
filters, quarters, and bad input named on its field."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from productorg.function import selectors
from productorg.function.models import Improvement, Process

HTMX = {"HTTP_HX_REQUEST": "true"}


def names(rows) -> list[str]:
    return [row.process.name for row in rows]


def test_the_catalog_sorts_by_health_and_by_last_review(org, catalog):
    today = timezone.localdate()
    Process.objects.create(name="Never reviewed", health=Process.Health.NEEDS_ATTENTION)
    Process.objects.create(
        name="Launch checklist",
        health=Process.Health.HEALTHY,
        last_reviewed=today - datetime.timedelta(days=400),
    )
    user = org.pia.user

    by_health = selectors.processes_for(user=user, sort="health")
    by_review = selectors.processes_for(user=user, sort="reviewed")

    assert names(by_health) == [
        "PM onboarding",
        "Never reviewed",
        "Launch checklist",
        "Discovery review",
    ]
    assert names(by_review) == [
        "Never reviewed",
        "Launch checklist",
        "PM onboarding",
        "Discovery review",
    ]
    due = {row.process.name: row.review_due for row in by_health}
    assert due == {
        "PM onboarding": True,
        "Never reviewed": True,
        "Launch checklist": True,
        "Discovery review": False,
    }
    assert {row.process.name: row.open_improvements for row in by_health}["PM onboarding"] == 1


def test_a_review_exactly_180_days_ago_is_not_due_yet(org):
    today = timezone.localdate()
    Process.objects.create(name="Edge", last_reviewed=today - datetime.timedelta(days=180))
    Process.objects.create(name="Over", last_reviewed=today - datetime.timedelta(days=181))

    rows = selectors.processes_for(user=org.gabe.user, sort="name")

    assert [(row.process.name, row.review_due) for row in rows] == [
        ("Edge", False),
        ("Over", True),
    ]


def test_the_catalog_page_flags_due_reviews_and_ignores_an_unknown_sort(client_for, org, catalog):
    response = client_for(org.pia).get("/function/processes/?sort=<b>drop</b>")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ignored a sort order that does not exist" in html
    assert html.count("review due") == 1
    assert html.index("PM onboarding") < html.index("Discovery review")
    assert 'href="https://wiki.example.com/onboarding"' in html


def test_an_htmx_sort_answers_the_catalog_alone(client_for, org, catalog):
    response = client_for(org.pia).get("/function/processes/?sort=name", **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="catalog"')
    assert html.index("Discovery review") < html.index("PM onboarding")


def test_a_process_page_shows_its_improvements(client_for, org, catalog):
    html = client_for(org.pia).get(f"/function/processes/{catalog['onboarding'].pk}/")

    assert "A buddy for every hire" in html.content.decode()
    assert "200 days ago" in html.content.decode()


def test_a_leader_adds_a_process_and_a_link_without_a_scheme_means_https(client_for, org):
    response = client_for(org.gabe).post(
        "/function/processes/new/",
        {
            "name": "  Roadmap review ",
            "purpose": "Quarterly.",
            "owner": org.paul.pk,
            "link": "wiki.example.com/roadmap",
            "last_reviewed": "2026-11-02",
            "health": "needs_attention",
            "notes": "",
        },
    )

    process = Process.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/function/processes/{process.pk}/"
    assert (process.name, process.owner, process.link, process.health) == (
        "Roadmap review",
        org.paul,
        "https://wiki.example.com/roadmap",
        "needs_attention",
    )
    assert process.last_reviewed == datetime.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"link": "javascript:alert(1)"}, "Link</a>: Enter a valid URL."),
        ({"link": "ftp://files.example.com/x"}, "starts with http:// or https://"),
        ({"name": "   "}, "Name</a>: This field is required."),
        ({"name": "pm ONBOARDING"}, "Name</a>: A process named &#x27;pm ONBOARDING&#x27; exists"),
        ({"health": "fine"}, "Health</a>: Select a valid choice."),
        ({"last_reviewed": "31/02/2026"}, "Last reviewed</a>: Enter a valid date."),
        ({"owner": "999999"}, "Owner</a>: Select a valid choice."),
    ],
)
def test_bad_process_input_is_refused_naming_the_field(client_for, org, catalog, changes, message):
    data = {"name": "Roadmap review", "health": "healthy", **changes}

    response = client_for(org.gabe).post("/function/processes/new/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Process.objects.count() == 2


def test_deleting_a_process_keeps_its_improvements_unlinked(client_for, org, catalog):
    onboarding = catalog["onboarding"]
    client = client_for(org.gabe)

    assert client.post(f"/function/processes/{onboarding.pk}/delete/", {}).status_code == 200
    assert Process.objects.filter(pk=onboarding.pk).exists()
    client.post(f"/function/processes/{onboarding.pk}/delete/", {"confirm": "yes"})

    assert not Process.objects.filter(pk=onboarding.pk).exists()
    catalog["buddy"].refresh_from_db()
    assert catalog["buddy"].process is None


def test_the_backlog_filters_by_status_and_kind(client_for, org, catalog):
    client = client_for(org.pia)

    everything = client.get("/function/improvements/").content.decode()
    planned = client.get("/function/improvements/?status=planned").content.decode()
    training = client.get("/function/improvements/?kind=training", **HTMX).content.decode()

    assert all(
        title in everything
        for title in ("A buddy for every hire", "Key results course", "Wiki search")
    )
    assert "A buddy for every hire" in planned and "Wiki search" not in planned
    assert training.lstrip().startswith('<section id="backlog"')
    assert "Key results course" in training and "A buddy" not in training


def test_an_unknown_backlog_filter_is_ignored_and_named(client_for, org, catalog):
    response = client_for(org.pia).get("/function/improvements/?status=someday&kind=process")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ignored a filter value that does not exist: Status." in html
    assert "A buddy for every hire" in html and "Key results course" not in html


def test_a_leader_adds_an_improvement_with_a_lower_case_quarter(client_for, org, catalog):
    response = client_for(org.gabe).post(
        "/function/improvements/new/",
        {
            "title": "Interview training",
            "kind": "training",
            "status": "planned",
            "quarter": " 2027-q3 ",
            "owner": org.greta.pk,
            "process": catalog["review"].pk,
        },
    )

    assert response.status_code == 302
    improvement = Improvement.objects.get(title="Interview training")
    assert (improvement.quarter, improvement.owner, improvement.process) == (
        "2027-Q3",
        org.greta,
        catalog["review"],
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quarter": "2027-Q5"}, "Quarter</a>: &#x27;2027-Q5&#x27; is not a quarter"),
        ({"quarter": "next year"}, "write it like 2027-Q1"),
        ({"title": ""}, "Title</a>: This field is required."),
        ({"title": "x" * 201}, "Title</a>: Ensure this value has at most 200 characters"),
        ({"kind": "party"}, "Kind</a>: Select a valid choice."),
        ({"status": "someday"}, "Status</a>: Select a valid choice."),
        ({"process": "abc"}, "Linked process</a>: Select a valid choice."),
    ],
)
def test_bad_improvement_input_is_refused_naming_the_field(
    client_for, org, catalog, changes, message
):
    improvement = catalog["buddy"]
    data = {"title": "Renamed", "kind": "process", "status": "planned", **changes}

    response = client_for(org.gabe).post(f"/function/improvements/{improvement.pk}/edit/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    improvement.refresh_from_db()
    assert (improvement.title, improvement.quarter) == ("A buddy for every hire", "2027-Q2")


def test_the_roadmap_has_a_column_per_quarter_from_the_first_to_the_last(org, catalog):
    Improvement.objects.create(
        title="Dropped idea", status=Improvement.Status.DROPPED, quarter="2027-Q1"
    )
    Improvement.objects.create(title="No quarter yet", status=Improvement.Status.PLANNED)

    roadmap = selectors.function_roadmap(user=org.pia.user)

    assert [column.quarter for column in roadmap.columns] == [
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
    ]
    assert [[i.title for i in column.improvements] for column in roadmap.columns] == [
        ["A buddy for every hire"],
        [],
        ["Key results course"],
    ]
    # The done item without a quarter is not waiting for one; the planned one is.
    assert roadmap.unplaced == 1 and roadmap.later == 0


def test_the_roadmap_page_shows_the_quarters_and_their_improvements(client_for, org, catalog):
    html = client_for(org.pia).get("/function/roadmap/").content.decode()

    assert "2027-Q2" in html and "2027-Q3" in html and "2027-Q4" in html
    assert html.index("A buddy for every hire") < html.index("Key results course")
    assert "/function/improvements/new/" not in html
    leader = client_for(org.gabe).get("/function/roadmap/").content.decode()
    assert "/function/improvements/new/?quarter=2027-Q3" in leader


def test_the_hub_counts_processes_and_improvements_and_links_every_section(
    client_for, org, catalog
):
    html = client_for(org.pia).get("/function/").content.decode()

    for url in (
        "/function/charter/",
        "/function/vision/",
        "/function/processes/",
        "/function/improvements/",
        "/function/roadmap/",
    ):
        assert f'href="{url}"' in html, url
    assert "Stakeholder surveys" in html
    assert "2 processes in the catalog" in html
    assert "1 not reviewed for over 180 days" in html


def test_markdown_in_notes_and_descriptions_is_sanitised(client_for, org, catalog):
    catalog["onboarding"].notes = "**Fix** <script>alert(1)</script>"
    catalog["onboarding"].save()
    catalog["buddy"].description = "<img src=x onerror=alert(1)> _soon_"
    catalog["buddy"].save()
    client = client_for(org.pia)

    process = client.get(f"/function/processes/{catalog['onboarding'].pk}/").content.decode()
    backlog = client.get("/function/improvements/").content.decode()

    assert "<strong>Fix</strong>" in process and "<script>alert" not in process
    assert "<em>soon</em>" in backlog and "onerror" not in backlog
