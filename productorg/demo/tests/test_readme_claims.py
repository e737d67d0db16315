"""What the README's "Demo accounts" section promises about the small demo, checked on the demo.

The demo is loaded once for the module, as `productorg demo` loads it (the day and the moment
from the clock), with the clock held at 15:30 on the demo's reference day, and rolled back at
the end. If a claim stops being true, change the demo or the README, not this test alone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.apps import apps
from django.conf import global_settings
from django.db import models, transaction
from django.test import Client
from typer.testing import CliRunner

from productorg.accounts.models import User
from productorg.cli import app
from productorg.demo import generator
from productorg.people import selectors as people_selectors
from productorg.people.models import Assessment, Level, Meeting, Person
from productorg.reports.models import LeadershipReport
from productorg.strategy.models import StatusUpdate

# 15:30 on the demo's reference day: before the 16:00 a fixed hour of the day would stamp.
LOADED = datetime.combine(generator.REFERENCE_DATE, time(15, 30), tzinfo=UTC)
# Timestamps that lie ahead by nature: when a survey link stops working.
FUTURE_BY_NATURE = {("surveys", "invitation", "expires_at")}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        time_machine.travel(LOADED, tick=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        loaded = CliRunner().invoke(app, ["demo", "--seed", "1"])
        assert loaded.exit_code == 0, loaded.output
        yield loaded.output
        transaction.set_rollback(True)


@pytest.fixture
def accounts(demo, db) -> dict[str, str]:
    return {account.role: account.username for account in generator.demo_accounts()}


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def person(username: str) -> Person:
    return Person.objects.select_related("level").get(user__username=username)


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</article>", start)]


def test_the_six_accounts_of_the_table_are_the_ones_the_demo_prints(demo, accounts):
    assert accounts == {
        "CPO": "emma.wong",
        "Director": "javier.garcia",
        "Group PM": "anders.reyes",
        "PM": "anders.suzuki",
        "Stakeholder": "beatriz.watanabe",
        "Admin": "admin",
    }
    for username in accounts.values():
        assert re.search(rf"\s{re.escape(username)}\s", demo)
    assert "productorg-demo" in demo


def test_each_account_signs_in_with_the_demo_password(accounts, settings):
    # The demo hashed the password with the real hasher, not the suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    assert generator.demo_password() == "productorg-demo"
    for username in accounts.values():
        client = Client()
        signed = client.post(
            "/accounts/login/", {"username": username, "password": "productorg-demo"}
        )
        assert signed.status_code == 302, username
        assert client.get("/").status_code == 200


def test_the_cpo_sees_the_whole_org_and_people_is_the_team_view(accounts):
    client = signed_in(accounts["CPO"])
    home = client.get("/")
    assert sum(row.count for row in home.context["levels"]) == Person.objects.count() - 1
    page = home.content.decode()
    for heading in ("Your people by level", "Span of control", "Effort by work category"):
        assert heading in page
    team = client.get("/people/")
    assert team.context["team"] is not None
    for column in ("Cadence", "Assessed", "Growth plan", "Next level"):
        assert f">{column}</th>" in team.content.decode()


def test_the_director_sees_their_part_of_the_org_and_its_teams(accounts):
    director = person(accounts["Director"])
    home = signed_in(accounts["Director"]).get("/")
    below = sum(row.count for row in home.context["levels"])
    assert 0 < below < Person.objects.count() - 1
    assert home.context["teams"]
    assert all(team.leader.manager_id == director.pk for team in home.context["teams"])


def test_the_group_pm_has_ten_pms_a_span_flagged_too_wide_and_assessments_to_write(accounts):
    group_pm = person(accounts["Group PM"])
    reports = Person.objects.filter(manager=group_pm, active=True).select_related("level")
    assert reports.count() == 10
    assert all(report.level.track == Level.Track.IC for report in reports)
    page = signed_in(accounts["Group PM"]).get("/")
    span = next(span for span in page.context["spans"] if span.manager == group_pm)
    assert span.direct_reports == 10 and span.too_wide
    to_write = section(page.content.decode(), "assessments-to-write")
    assert to_write.count("<li>") >= 1 and "Nothing to write" not in to_write


def test_the_group_pm_has_1_1s_with_each_pm_and_exactly_one_is_overdue(accounts):
    team = signed_in(accounts["Group PM"]).get("/people/").context["team"]
    mine = [row for row in team.rows if row.person.manager.user.username == accounts["Group PM"]]
    assert len(mine) == 10
    assert all(row.cadence is not None and row.cadence.has_one_on_one for row in mine)
    assert [row.cadence.health for row in mine].count("overdue") == 1
    assert all(row.cadence.health in {"on-track", "overdue"} for row in mine)


def test_the_group_pms_team_view_shows_readiness_beside_time_in_level(accounts):
    page = signed_in(accounts["Group PM"]).get("/people/").content.decode()
    rows = re.findall(r'class="readiness readiness-[^"]+">[^<]+</a>.*?in level</small>', page)
    assert len(rows) == 10


def test_the_pm_sees_their_team_my_growth_1_1s_and_feedback(accounts):
    client = signed_in(accounts["PM"])
    home = client.get("/")
    assert home.context["teams"] and home.context["initiatives"]
    growth = client.get("/my-growth/", follow=True)
    page = growth.content.decode()
    assert 'class="radar-axis"' in page
    assert "<h2>Gaps</h2>" in page and "<h2>Growth plan</h2>" in page
    assert growth.context["overview"].plan is not None
    assert growth.context["overview"].manager_assessment is not None
    assert client.get("/one-on-ones/").status_code == 200
    assert client.get("/feedback/").context["page"].received


def test_the_stakeholder_sees_a_portfolio_summary_and_no_people_data(accounts):
    client = signed_in(accounts["Stakeholder"])
    assert "Portfolio summary" in client.get("/").content.decode()
    pm = person(accounts["PM"])
    assessment = Assessment.objects.filter(person=pm, status="submitted").first()
    meeting = Meeting.objects.filter(one_on_one__report=pm).first()
    for url in (
        f"/people/{pm.pk}/growth/",
        f"/people/{pm.pk}/readiness/",
        f"/assessments/{assessment.pk}/",
        f"/one-on-ones/meetings/{meeting.pk}/",
        "/feedback/",
    ):
        assert client.get(url).status_code == 404, url
    stakeholder = User.objects.get(username=accounts["Stakeholder"])
    assert people_selectors.team_view(user=stakeholder) is None


def test_the_admin_sees_users_and_the_framework_and_people_data_only_as_meta(accounts):
    client = signed_in(accounts["Admin"])
    assert client.get("/framework/").status_code == 200
    assert client.get("/framework/export.yaml").status_code == 200
    assert client.get("/admin/").status_code == 200
    pm = person(accounts["PM"])
    assessment = Assessment.objects.filter(person=pm, status="submitted").first()
    meeting = Meeting.objects.filter(one_on_one__report=pm).first()
    for url in (
        f"/people/{pm.pk}/growth/",
        f"/assessments/{assessment.pk}/",
        f"/one-on-ones/meetings/{meeting.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/one-on-ones/{meeting.one_on_one_id}/").status_code == 404
    # The meta (the API's cadence list): that the PM and their manager meet, and when.
    admin = User.objects.get(username=accounts["Admin"])
    pairs = people_selectors.one_on_one_cadence_for_leader(user=admin)
    pm_pair = next(pair for pair in pairs if pair.report == pm)
    assert pm_pair.manager == pm.manager and pm_pair.last_held is not None


def test_the_large_demo_is_about_200_pms_150_teams_and_5000_initiatives():
    large = generator.SIZES["large"]
    assert (large.pms, large.teams, large.initiatives) == (200, 150, 5000)


def test_the_demos_dates_count_from_the_day_it_is_loaded(demo, db):
    newest = LeadershipReport.objects.order_by("-created_at").first()
    assert newest.created_at.date() == LOADED.date()
    assert StatusUpdate.objects.order_by("-date").first().date <= LOADED.date()


def _timestamp_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField):
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in FUTURE_BY_NATURE:
                    yield model, field


def test_nothing_the_demo_made_is_stamped_after_the_moment_it_was_loaded(demo, db):
    later = {
        f"{model._meta.label}.{field.name}": model.objects.filter(
            **{f"{field.name}__gt": LOADED}
        ).count()
        for model, field in _timestamp_fields()
    }
    assert {name: count for name, count in later.items() if count} == {}
    # Dates without a time: nothing held, reported or answered after today.
    assert not Meeting.objects.filter(held=True, date__gt=LOADED.date()).exists()
    assert not StatusUpdate.objects.filter(date__gt=LOADED.date()).exists()
    made_today = LeadershipReport.objects.filter(created_at__date=LOADED.date())
    assert made_today.exists() and all(r.created_at <= LOADED for r in made_today)
