from __future__ import annotations

import re
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from typer.testing import CliRunner

from productorg.accounts.models import User
from productorg.cli import app
from productorg.demo.generator import (
    PERIODS,
    SIZES,
    database_is_empty,
    demo_accounts,
    demo_organisation_create,
    demo_password,
)
from productorg.people.models import Person, Team, manager_chain_ids, reporting_lines
from productorg.people.selectors import SPAN_OF_CONTROL_MAX, SPAN_OF_CONTROL_MIN
from productorg.strategy.models import (
    Classification,
    Dependency,
    Initiative,
    InitiativeEffort,
    Milestone,
    MixTarget,
    Objective,
    Risk,
    StatusUpdate,
)

IC_LEVELS = {"apm", "pm", "senior-pm", "principal-pm"}


def snapshot() -> dict[str, list[tuple]]:
    """Everything the demo wrote, by content rather than by primary key."""
    return {
        "people": sorted(
            Person.objects.values_list(
                "name", "email", "level__code", "manager__name", "start_date", "user__username"
            )
        ),
        "teams": sorted(
            Team.objects.values_list(
                "name",
                "mission",
                "product_area",
                "product_manager__name",
                "leader__name",
                "capacity_per_quarter",
            )
        ),
        "objectives": sorted(
            Objective.objects.values_list("period", "title", "owner__name", "parent__title")
        ),
        "initiatives": sorted(
            (*row, tuple(sorted(initiative.objectives.values_list("title", flat=True))))
            for initiative in Initiative.objects.select_related("team", "owner")
            for row in [
                (
                    initiative.title,
                    initiative.description,
                    initiative.team.name,
                    initiative.owner.name,
                    initiative.category,
                    initiative.status,
                    initiative.health,
                    initiative.value_estimate,
                    initiative.effort_estimate,
                    initiative.bucket,
                    initiative.start_quarter,
                    initiative.duration_quarters,
                    initiative.earliest_start,
                    initiative.deadline,
                    initiative.reach,
                    initiative.impact,
                    initiative.confidence,
                    initiative.ease,
                    initiative.business_value,
                    initiative.time_criticality,
                    initiative.risk_reduction,
                    initiative.job_size,
                )
            ]
        ),
        "team_efforts": sorted(
            InitiativeEffort.objects.values_list("initiative__title", "team__name", "effort")
        ),
        "milestones": sorted(
            Milestone.objects.values_list("initiative__title", "title", "due", "done")
        ),
        "risks": sorted(
            Risk.objects.values_list("initiative__title", "description", "severity", "closed")
        ),
        "dependencies": sorted(
            Dependency.objects.values_list("initiative__title", "depends_on__title")
        ),
        "status_updates": sorted(
            StatusUpdate.objects.values_list("initiative__title", "date", "health", "progress")
        ),
        "mix_targets": sorted(
            MixTarget.objects.values_list(
                "dimension__slug", "value__key", "team__name", "period", "share", "tolerance"
            ),
            key=str,
        ),
        "classifications": sorted(
            Classification.objects.values_list("initiative__title", "value__key")
        ),
    }


def organisation_made_from(seed: int) -> dict[str, list[tuple]]:
    """The demo of a seed, read back and then rolled away so the next one starts empty."""
    with transaction.atomic():
        demo_organisation_create(size="small", seed=seed)
        made = snapshot()
        transaction.set_rollback(True)
    return made


@pytest.fixture
def small_demo(db) -> None:
    demo_organisation_create(size="small", seed=1)


def test_a_scaled_size_multiplies_everything_below_the_vps():
    small = SIZES["small"]
    tripled = small.scaled(3)
    assert (tripled.pms, tripled.teams, tripled.initiatives) == (90, 90, 1200)
    assert (tripled.group_pms, tripled.directors) == (15, 6)
    assert (tripled.vps, tripled.stakeholders) == (small.vps, small.stakeholders)
    assert small.scaled(1) == small


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_organisation():
    first = organisation_made_from(7)
    assert first["initiatives"], "the demo made no initiatives"
    assert organisation_made_from(7) == first


@pytest.mark.django_db
def test_a_different_seed_makes_a_different_organisation():
    one, two = organisation_made_from(1), organisation_made_from(2)
    assert [row[0] for row in one["people"]] != [row[0] for row in two["people"]]
    assert [row[0] for row in one["initiatives"]] != [row[0] for row in two["initiatives"]]


def test_the_small_demo_has_the_counts_the_issue_asks_for(small_demo):
    levels = Counter(Person.objects.values_list("level__code", flat=True))
    assert levels["cpo"] == 1
    assert levels["director"] + levels["vp"] == 2
    assert levels["group-pm"] == 5
    assert 25 <= sum(levels[code] for code in IC_LEVELS) <= 35
    assert len([code for code in IC_LEVELS if levels[code]]) >= 3, "a mix of IC levels"
    assert 25 <= Team.objects.count() <= 35
    assert 350 <= Initiative.objects.count() <= 450
    assert User.objects.filter(kind=User.Kind.STAKEHOLDER).count() == 3
    assert set(Objective.objects.values_list("period", flat=True)) == set(PERIODS)


def test_objectives_cascade_from_company_to_product_org_to_team(small_demo):
    cpo = Person.objects.get(level__code="cpo")
    company = Objective.objects.filter(parent=None)
    assert company.exists()
    assert set(company.values_list("owner", flat=True)) == {cpo.pk}
    for objective in Objective.objects.exclude(parent=None).select_related("parent", "owner"):
        assert objective.period == objective.parent.period
        assert objective.owner.level.code in {"vp", "director", "group-pm"}
    assert Objective.objects.filter(owner__level__code="group-pm", parent__parent=None).count() == 0


def test_initiatives_spread_over_kinds_statuses_and_health(small_demo):
    categories = Counter(Initiative.objects.values_list("category", flat=True))
    statuses = Counter(Initiative.objects.values_list("status", flat=True))
    health = Counter(Initiative.objects.values_list("health", flat=True))
    assert categories.most_common(1)[0][0] == "feature"
    assert set(categories) == {"feature", "growth", "scaling", "pmf_expansion"}
    assert set(statuses) == {"idea", "discovery", "planned", "in_progress", "done", "dropped"}
    assert health["green"] > health["amber"] > 0 and health["red"] > 0
    links = Counter(Initiative.objects.annotate(n=Count("objectives")).values_list("n", flat=True))
    assert links[1] + links[2] > links[0] > 0
    assert not Initiative.objects.filter(title__icontains="initiative").exists()
    for initiative in Initiative.objects.select_related("team"):
        assert 2 <= initiative.effort_estimate <= 60
        assert initiative.value_estimate > 0
        assert initiative.description


def test_teams_are_led_by_their_product_managers_group_pm(small_demo):
    for team in Team.objects.select_related("product_manager__level", "leader__level"):
        assert team.product_manager.level.code in IC_LEVELS
        assert team.leader == team.product_manager.manager
        assert 52 <= team.capacity_per_quarter <= 117
        assert team.product_area and team.mission


def test_every_demo_person_has_a_login_with_the_demo_password(small_demo):
    people = Person.objects.select_related("user")
    assert all(person.user is not None for person in people)
    assert all(person.user.kind == User.Kind.MEMBER for person in people)
    usernames = [person.user.username for person in people]
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\d*", username) for username in usernames)
    # One check is enough: every user got the same hash, and hashing is slow by design.
    assert people.first().user.check_password(settings.DEMO_PASSWORD)
    assert demo_password() == settings.DEMO_PASSWORD
    assert len({user.password for user in User.objects.all()}) == 1


def test_the_demo_admin_is_a_superuser(small_demo):
    admin = User.objects.get(kind=User.Kind.ADMIN)
    assert admin.username == "admin"
    assert admin.is_staff and admin.is_superuser
    assert not Person.objects.filter(user=admin).exists()


def test_everyone_but_the_cpo_has_a_manager_and_nobody_manages_themselves(small_demo):
    lines = reporting_lines()
    cpo = Person.objects.get(level__code="cpo")
    assert [person for person, manager in lines.items() if manager is None] == [cpo.pk]
    for person in lines:
        chain = manager_chain_ids(person, lines)
        assert chain[-1] == cpo.pk, "every chain ends at the CPO, so there is no cycle"


def test_one_group_pm_has_too_wide_a_span_and_one_too_narrow(small_demo):
    spans = list(
        Person.objects.filter(level__code="group-pm")
        .annotate(n=Count("reports"))
        .values_list("n", flat=True)
    )
    assert len([span for span in spans if span > SPAN_OF_CONTROL_MAX]) == 1
    assert len([span for span in spans if span < SPAN_OF_CONTROL_MIN]) == 1
    assert all(4 <= span <= 8 for span in sorted(spans)[1:-1])


def test_demo_accounts_name_six_roles_that_fit_together(small_demo):
    accounts = demo_accounts()
    assert [account.role for account in accounts] == [
        "CPO",
        "Director",
        "Group PM",
        "PM",
        "Stakeholder",
        "Admin",
    ]
    people = {
        account.role: Person.objects.filter(user__username=account.username).first()
        for account in accounts
    }
    assert people["CPO"].level.code == "cpo"
    assert people["Director"].level.code in {"director", "vp"}
    assert people["Group PM"].manager == people["Director"]
    assert people["Group PM"].reports.count() >= 2
    assert people["PM"].manager == people["Group PM"]
    assert Initiative.objects.filter(team__product_manager=people["PM"]).exists()
    assert people["Stakeholder"] is None and people["Admin"] is None
    assert User.objects.get(username=accounts[4].username).kind == User.Kind.STAKEHOLDER
    assert all(account.name for account in accounts)


@pytest.mark.django_db
def test_demo_accounts_is_empty_without_a_demo(org):
    assert demo_accounts() == []


@pytest.mark.django_db
def test_database_is_empty_until_people_exist():
    assert database_is_empty()
    demo_organisation_create(size="small", seed=3)
    assert not database_is_empty()


@pytest.mark.django_db
def test_progress_rises_steadily_to_one():
    fractions: list[float] = []
    demo_organisation_create(size="small", seed=1, progress=fractions.append)
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)


@pytest.mark.django_db
def test_the_demo_loads_beside_an_existing_org_without_clashing(org):
    demo_organisation_create(size=SIZES["small"], seed=1)
    assert Person.objects.filter(email__endswith="@example.com").count() == 7
    assert [account.role for account in demo_accounts()][:4] == [
        "CPO",
        "Director",
        "Group PM",
        "PM",
    ]


@pytest.mark.django_db
def test_the_cli_loads_the_demo_once_when_asked_if_empty():
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--if-empty", "--seed", "1"])
    assert first.exit_code == 0, first.output
    counts = (Person.objects.count(), Initiative.objects.count(), User.objects.count())
    second = runner.invoke(app, ["demo", "--if-empty", "--seed", "1"])
    assert second.exit_code == 0, second.output
    assert "no demo loaded" in second.output
    assert (Person.objects.count(), Initiative.objects.count(), User.objects.count()) == counts
    assert "admin" in second.output and demo_password() in second.output


@pytest.mark.django_db
def test_the_demo_counts_its_dates_from_the_day_it_is_loaded():
    from datetime import date

    from productorg.people.models import Meeting

    loaded_on = date(2026, 11, 23)
    demo_organisation_create(size="small", seed=3, today=loaded_on)
    assert set(Objective.objects.values_list("period", flat=True)) == {"2026-H2", "2027-H1"}
    assert not Meeting.objects.filter(held=True, date__gt=loaded_on).exists()
    assert Meeting.objects.filter(held=True, date__gt=date(2026, 10, 1)).exists()
