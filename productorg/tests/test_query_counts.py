"""Pages keep a bounded number of SQL queries as the organisation grows.

Each page is measured on the small demo and on three times its data, under the same bound.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from productorg.demo import generator

# One bound per page for both sizes: a query per row would blow it at once.
MAX_QUERIES = {
    "/": 11,
    "/initiatives/": 9,
    "/initiatives/?category=growth&status=in_progress&q=a&page=2": 9,
    "/org-chart/": 6,
    "/people/": 14,
    "/people/?attention=overdue&level=pm": 14,
    "/teams/": 6,
    "/strategy/": 10,
    "/strategy/mix/": 13,
    "/strategy/ranking/": 9,
    "/strategy/alignment/": 18,
    "/roadmap/": 14,
    "/capacity/": 8,
    "/plan/": 6,
    "/plan/compare/": 5,
    "/reports/": 10,
    "/reports/compare/": 6,
    "/function/": 8,
    "/function/charter/": 6,
    "/function/charter/diff/": 6,
    "/function/processes/": 5,
    "/function/processes/?sort=reviewed": 5,
    "/function/improvements/": 5,
    "/function/improvements/?status=planned&kind=process": 5,
    "/function/roadmap/": 5,
}
# Pages for leaders only: everyone else is answered 404, within the same bound.
LEADERS_ONLY = ("/plan/",)
LEADERS = {"CPO", "Director", "Group PM"}
# The PM function's pages: for the product org's members; stakeholders and admins get 404.
PRODUCT_ORG_ONLY = ("/function/",)


@pytest.fixture(scope="module", params=[1, 3], ids=["small", "small-x3"])
def demo_org(request, django_db_setup, django_db_blocker):
    # Built once per size and rolled back at the end; each test runs in a savepoint inside.
    with django_db_blocker.unblock(), transaction.atomic():
        size = generator.SIZES["small"].scaled(request.param)
        generator.demo_organisation_create(size=size, seed=7)
        yield request.param
        transaction.set_rollback(True)


def account(role: str) -> str:
    found = next(account for account in generator.demo_accounts() if account.role == role)
    return found.username


@pytest.mark.parametrize("role", ["CPO", "Director", "Group PM", "PM", "Stakeholder", "Admin"])
@pytest.mark.parametrize("url", list(MAX_QUERIES))
def test_pages_stay_within_their_query_bound_as_data_grows(
    demo_org, db, client, django_user_model, django_assert_max_num_queries, role, url
):
    client.force_login(django_user_model.objects.get(username=account(role)))
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        response = client.get(url)
    assert response.status_code in {200, 404}
    if url.startswith(LEADERS_ONLY):
        assert response.status_code == (200 if role in LEADERS else 404)
    elif url.startswith(PRODUCT_ORG_ONLY):
        assert response.status_code == (404 if role in {"Stakeholder", "Admin"} else 200)
    elif role != "Stakeholder" or not url.startswith(("/org-chart/", "/people/")):
        assert response.status_code == 200


# The demo's planned scenario: the plan page, its roadmap and apply page, and the comparison
# with its copy, which the demo makes without a plan of its own.
PLAN_PAGES = {"": 10, "roadmap/": 7, "edit/": 10, "apply/": 7, "compare": 9}


@pytest.mark.parametrize("page", list(PLAN_PAGES))
def test_plan_pages_stay_within_their_query_bound_as_data_grows(
    demo_org, db, client, django_user_model, django_assert_max_num_queries, page
):
    from productorg.planning.models import PlanRun, Scenario

    run = PlanRun.objects.filter(result__isnull=False).select_related("scenario").first()
    base = f"/plan/scenarios/{run.scenario_id}/"
    other = Scenario.objects.exclude(pk=run.scenario_id).first()
    url = {
        "apply/": f"{base}runs/{run.pk}/apply/",
        "compare": f"/plan/compare/?a={run.scenario_id}&b={other.pk}",
    }.get(page, base + page)
    client.force_login(django_user_model.objects.get(username=account("CPO")))
    with django_assert_max_num_queries(PLAN_PAGES[page]):
        response = client.get(url)
    assert response.status_code == 200


# Stakeholder surveys: leaders run them, leaders and PMs read results, nobody else sees them.
SURVEY_PAGES = {"": 6, "{survey}/": 10, "{survey}/results/": 10, "{survey}/results.csv": 7}
SURVEY_READERS = {"": LEADERS | {"PM"}, "{survey}/results/": LEADERS | {"PM"}}
SURVEY_READERS["{survey}/results.csv"] = SURVEY_READERS["{survey}/results/"]


@pytest.mark.parametrize("role", ["CPO", "Group PM", "PM", "Stakeholder", "Admin"])
@pytest.mark.parametrize("page", list(SURVEY_PAGES))
def test_survey_pages_stay_within_their_query_bound_as_data_grows(
    demo_org, db, client, django_user_model, django_assert_max_num_queries, page, role
):
    from productorg.function.surveys.models import Survey

    survey = Survey.objects.filter(opens_on__isnull=False).order_by("-opens_on").first()
    url = "/function/surveys/" + page.format(survey=survey.pk)
    client.force_login(django_user_model.objects.get(username=account(role)))
    with django_assert_max_num_queries(SURVEY_PAGES[page]):
        response = client.get(url)
    assert response.status_code == (200 if role in SURVEY_READERS.get(page, LEADERS) else 404)
