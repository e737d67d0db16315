from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from productorg.reports import services
from productorg.reports.models import LeadershipReport
from productorg.reports.tests.portfolio import portfolio_create
from productorg.strategy.models import StatusUpdate

READERS = ["cora", "gabe", "pia", "sam", "ada"]


def who(org, name: str):
    return getattr(org, name)


@pytest.fixture
def work(org):
    return portfolio_create(org)


@pytest.fixture
def report(org, work):
    return services.leadership_report_create(period=work.quarter, created_by=org.cora.user)


def test_a_leader_makes_a_report_of_the_default_scope(org, work, client_for):
    response = client_for(org.gabe).post(
        reverse("reports:report-list"), {"period": work.quarter, "scope": "cross_team"}
    )
    report = LeadershipReport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "reports:report-detail", args=[report.pk]
    )
    assert report.created_by == org.gabe.user
    assert [entry["title"] for entry in report.snapshot["initiatives"]] == [
        "Checkout revamp",
        "Search relevance",
    ]


@pytest.mark.parametrize("name", ["pia", "olive", "sam", "ada"])
def test_only_leaders_make_reports(org, work, client_for, name):
    client = client_for(who(org, name))
    assert "New report" not in client.get(reverse("reports:report-list")).content.decode()
    response = client.post(reverse("reports:report-list"), {"period": work.quarter, "scope": "org"})
    assert response.status_code == 404
    assert not LeadershipReport.objects.exists()


@pytest.mark.parametrize("name", READERS)
def test_every_role_reads_the_report_as_a_page_a_pdf_and_markdown(org, report, client_for, name):
    client = client_for(who(org, name))
    assert "Leadership report" in client.get(reverse("reports:report-list")).content.decode()
    page = client.get(reverse("reports:report-detail", args=[report.pk]))
    assert page.status_code == 200
    assert "Checkout revamp" in page.content.decode()
    assert "{#" not in page.content.decode() and "{%" not in page.content.decode()
    pdf = client.get(reverse("reports:report-pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    markdown = client.get(reverse("reports:report-markdown", args=[report.pk]))
    assert markdown.status_code == 200 and markdown["Content-Type"].startswith("text/markdown")


def test_the_markdown_report_downloads_as_a_dated_file(org, report, client_for):
    response = client_for(org.sam).get(reverse("reports:report-markdown", args=[report.pk]))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    period = report.period.lower()
    assert response["Content-Disposition"] == (
        f'attachment; filename="leadership-report-{period}-{report.as_of.isoformat()}.md"'
    )


def test_the_pdf_opens_in_the_browser_and_downloads_from_its_own_link(org, report, client_for):
    client = client_for(org.pia)
    url = reverse("reports:report-pdf", args=[report.pk])
    filename = f"leadership-report-{report.period.lower()}-{report.as_of.isoformat()}.pdf"
    assert client.get(url)["Content-Disposition"] == f'inline; filename="{filename}"'
    saved = client.get(url, {"download": "1", "paper": "letter"})
    assert saved["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert saved.content.startswith(b"%PDF-")
    page = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert f'href="{url}"' in page and f'href="{url}?download=1"' in page
    listing = client.get(reverse("reports:report-list")).content.decode()
    assert f'href="{url}?download=1" download' in listing


def test_a_downloaded_pdf_of_an_unknown_report_is_a_404_and_signed_out_is_sent_away(
    org, report, client_for, client
):
    url = reverse("reports:report-pdf", args=[report.pk])
    assert client.get(url, {"download": "1"}).status_code == 302
    missing = reverse("reports:report-pdf", args=[report.pk + 100])
    assert client_for(org.sam).get(missing, {"download": "1"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(report, client):
    response = client.get(reverse("reports:report-detail", args=[report.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_stakeholder_sees_the_report_and_no_people_data(org, report, client_for):
    html = client_for(org.sam).get(reverse("reports:report-detail", args=[report.pk])).content
    text = html.decode()
    assert "Checkout revamp" in text
    for person in (org.pia, org.paul, org.gabe, org.greta, org.dana, org.cora):
        assert person.name not in text
        assert person.email not in text
    assert "/one-on-ones/" not in text and "/feedback/" not in text


def test_the_report_page_shows_the_status_markdown_sanitised(org, work, client_for):
    StatusUpdate.objects.create(
        initiative=work.revamp,
        date=work.today,
        health="red",
        progress=5,
        summary="**Blocked** <script>alert(1)</script> ![x](http://example.com/a.png)",
    )
    report = services.leadership_report_create(period=work.quarter, created_by=None)
    text = (
        client_for(org.pia).get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    )
    assert "<strong>Blocked</strong>" in text
    assert "<script>alert(1)</script>" not in text
    assert "<img" not in text


def test_a_title_with_html_is_escaped_on_the_page(org, work, client_for):
    work.revamp.title = "<b>Bold</b> **revamp**"
    work.revamp.save()
    report = services.leadership_report_create(period=work.quarter, created_by=None)
    text = (
        client_for(org.sam).get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    )
    assert "<b>Bold</b>" not in text
    assert "&lt;b&gt;Bold&lt;/b&gt; **revamp**" in text


def test_a_huge_status_text_is_cut_in_the_summary_and_whole_in_the_detail(org, work, client_for):
    huge = "word " * 1500 + "THE-END"
    StatusUpdate.objects.create(
        initiative=work.revamp, date=work.today, health="red", progress=5, summary=huge
    )
    report = services.leadership_report_create(period=work.quarter, created_by=None)
    text = (
        client_for(org.cora)
        .get(reverse("reports:report-detail", args=[report.pk]))
        .content.decode()
    )
    summary, detail = text.split('id="initiatives-heading"')
    assert "THE-END" not in summary and "…" in summary
    assert "THE-END" in detail


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "", "scope": "cross_team"}, "Period", "Give a period"),
        ({"period": "2027-Q9", "scope": "cross_team"}, "Period", "is not a period"),
        ({"period": "1999-Q1", "scope": "org"}, "Period", "nothing to report"),
        ({"period": "2027-Q1", "scope": "group"}, "Leader (for a group)", "Pick the leader"),
        ({"period": "2027-Q1", "scope": "selected"}, "Initiatives (for selected)", "at least one"),
        ({"period": "2027-Q1", "scope": "everything"}, "Scope", "valid choice"),
    ],
)
def test_bad_input_is_answered_with_the_field_and_a_message(
    org, work, client_for, data, field, message
):
    response = client_for(org.cora).post(reverse("reports:report-list"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"{field}: " in text and message in text
    assert not LeadershipReport.objects.exists()


def test_the_next_report_shows_what_moved_since_the_previous_one(org, work, client_for, report):
    StatusUpdate.objects.create(
        initiative=work.revamp, date=work.today, health="red", progress=45, summary="Worse."
    )
    work.relevance.risks.create(description="Vendor contract unsigned", severity="high")
    later = services.leadership_report_create(
        period=work.quarter,
        created_by=None,
        created_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert later.snapshot["changes"]["before"]["report_id"] == report.pk
    text = (
        client_for(org.sam).get(reverse("reports:report-detail", args=[later.pk])).content.decode()
    )
    assert "Health changed" in text and "Checkout revamp" in text
    assert "New risk on" in text and "Vendor contract unsigned" in text


def test_an_old_report_reads_the_same_after_the_data_changes(org, work, client_for, report):
    client = client_for(org.cora)
    before = client.get(reverse("reports:report-markdown", args=[report.pk])).content
    work.revamp.title = "Renamed"
    work.revamp.save()
    StatusUpdate.objects.create(
        initiative=work.revamp, date=work.today, health="green", progress=99, summary="Done."
    )
    work.risk.delete()
    assert client.get(reverse("reports:report-markdown", args=[report.pk])).content == before


def test_two_reports_compare(org, work, client_for, report):
    StatusUpdate.objects.create(
        initiative=work.revamp, date=work.today, health="green", progress=60, summary="Back."
    )
    later = services.leadership_report_create(
        period=work.quarter,
        created_by=None,
        created_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    response = client_for(org.pia).get(
        reverse("reports:report-compare"), {"a": report.pk, "b": later.pk}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Health changed" in text and "Checkout revamp" in text


@pytest.mark.parametrize("query", [{"a": "x", "b": "99999"}, {"a": "1"}, {}])
def test_a_comparison_of_unknown_reports_says_which_field_is_wrong(org, client_for, report, query):
    response = client_for(org.pia).get(reverse("reports:report-compare"), query)
    assert response.status_code == 200
    if query:
        assert "report: " in response.content.decode()


def test_a_report_compared_with_itself_is_refused(org, client_for, report):
    response = client_for(org.pia).get(
        reverse("reports:report-compare"), {"a": report.pk, "b": report.pk}
    )
    assert "Pick two different reports" in response.content.decode()


def test_an_unknown_paper_is_a_bad_request_and_an_unknown_report_a_404(org, client_for, report):
    client = client_for(org.pia)
    assert (
        client.get(reverse("reports:report-pdf", args=[report.pk]), {"paper": "a0"}).status_code
        == 400
    )
    for name in ("reports:report-detail", "reports:report-pdf", "reports:report-markdown"):
        assert client.get(reverse(name, args=[report.pk + 100])).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_and_a_report_take_a_bounded_number_of_queries(
    org, work, client_for, django_assert_max_num_queries, count
):
    reports = [
        services.leadership_report_create(period=work.quarter, created_by=None)
        for _ in range(count + 1)
    ]
    client = client_for(org.cora)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reports:report-list")).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:report-detail", args=[reports[-1].pk]))
        assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("reports:report-compare"), {"a": reports[0].pk, "b": reports[-1].pk}
        )
        assert response.status_code == 200
