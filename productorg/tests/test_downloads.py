"""Every download of the app comes as a file: `Content-Disposition: attachment` with a safe,
meaningful file name, whatever the names it is made from."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from productorg.function.surveys.tests.conftest import make_open_survey
from productorg.interchange.tests.test_exports import planned_scenario
from productorg.reports import services as report_services
from productorg.reports.tests.portfolio import portfolio_create

# Routes ending in a file name that are not downloads a person saves.
NOT_DOWNLOADS = {"api:openapi-json", "api:not-found"}
# A file name in the header: quoted ASCII, or RFC 5987's encoded UTF-8 for any other letters.
FILENAME = re.compile(
    r"""^attachment; filename(?:="(?P<plain>[^"/\\]+)"|\*=utf-8''(?P<encoded>\S+))$"""
)


@pytest.fixture
def downloads(org):
    """Each download route's URLs and who may fetch them, as a reader would find them."""
    work = portfolio_create(org)
    report = report_services.leadership_report_create(period=work.quarter, created_by=org.cora.user)
    survey = make_open_survey(org).survey
    scenario = planned_scenario(org)

    def export(kind: str, fmt: str, query: str = "") -> str:
        return reverse("interchange:export", args=[kind, fmt]) + query

    return {
        "people:promotion-case": [(org.gabe, reverse("people:promotion-case", args=[org.pia.pk]))],
        "people:framework-export": [(org.ada, reverse("people:framework-export"))],
        "reports:report-pdf": [
            (org.sam, reverse("reports:report-pdf", args=[report.pk]) + "?download=1"),
            (org.sam, reverse("reports:report-pdf", args=[report.pk]) + "?download=1&paper=letter"),
        ],
        "reports:report-markdown": [
            (org.sam, reverse("reports:report-markdown", args=[report.pk]))
        ],
        "surveys:survey-results-csv": [
            (org.pia, reverse("surveys:survey-results-csv", args=[survey.pk]))
        ],
        "interchange:export": [
            *(
                (org.cora, export(kind, fmt))
                for kind in ("initiatives", "objectives", "roadmap")
                for fmt in ("csv", "xlsx", "json")
            ),
            (org.cora, export("initiatives", "csv", "?status=idea&team=x")),
            (org.cora, export("roadmap", "xlsx", "?category=growth&from=2027-Q1")),
            (org.cora, export("objectives", "json", "?period=2027")),
            *(
                (org.cora, export("plan", fmt, f"?scenario={scenario.pk}"))
                for fmt in ("csv", "xlsx", "json")
            ),
        ],
    }


def file_routes() -> set[str]:
    """The names of every route whose address ends in a file name (`….csv`, `….md`)."""
    found = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                last = str(pattern.pattern).rstrip("$").rsplit("/", 1)[-1]
                if "." in last:
                    found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns)
    return found - NOT_DOWNLOADS


def test_every_file_route_of_the_app_is_checked_below(downloads):
    assert file_routes() == set(downloads)


def test_every_download_is_an_attachment_with_a_file_name(downloads, client_for):
    for name, fetches in downloads.items():
        for who, url in fetches:
            response = client_for(who).get(url)
            assert response.status_code == 200, url
            header = response["Content-Disposition"]
            match = FILENAME.match(header)
            assert match, f"{url}: {header}"
            filename = match["plain"] or unquote(match["encoded"])
            stem, dot, extension = filename.rpartition(".")
            assert stem and dot, f"{name}: {filename}"
            assert extension in {"csv", "xlsx", "json", "md", "pdf", "yaml"}


def test_names_in_other_alphabets_are_kept_and_encoded_in_the_file_name(org, client_for):
    org.pia.name = "Søren Ødegård"
    org.pia.save()
    response = client_for(org.gabe).get(reverse("people:promotion-case", args=[org.pia.pk]))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        + "promotion-case-søren-ødegård.md".replace("ø", "%C3%B8").replace("å", "%C3%A5")
    )
    survey = make_open_survey(org, title='Été "2027" / Q1').survey
    response = client_for(org.pia).get(reverse("surveys:survey-results-csv", args=[survey.pk]))
    match = FILENAME.match(response["Content-Disposition"])
    assert match and unquote(match["encoded"]) == "été-2027-q1-results.csv"
