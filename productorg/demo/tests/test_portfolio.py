"""The demo portfolio: placed work, team efforts, scores, mix targets and the findings the
alignment check is there to make. One small demo, loaded once and rolled back at the end."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Sum

from productorg.demo import generator
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    BalanceDimension,
    Classification,
    Dependency,
    DimensionValue,
    Initiative,
    InitiativeEffort,
    Milestone,
    MixTarget,
    Objective,
    Risk,
    ScoringModel,
    StatusUpdate,
    WorkCategory,
)
from productorg.strategy.periods import quarter_add, quarter_of, quarters_of_period
from productorg.strategy.selectors.load import placed_effort

TODAY = generator.REFERENCE_DATE
CURRENT = quarter_of(TODAY)
STATUS = Initiative.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.demo_organisation_create(size="small", seed=1)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def initiatives(demo, db) -> list[Initiative]:
    return list(Initiative.objects.select_related("team").order_by("pk"))


def test_each_initiatives_effort_is_the_sum_of_its_team_efforts(initiatives):
    sums = dict(
        InitiativeEffort.objects.values("initiative")
        .annotate(total=Sum("effort"))
        .values_list("initiative", "total")
    )
    assert all(sums[initiative.pk] == initiative.effort_estimate for initiative in initiatives)


def test_most_work_is_one_teams_and_some_is_shared_within_a_product_area(initiatives):
    efforts = defaultdict(list)
    for initiative_id, team_id, area in InitiativeEffort.objects.values_list(
        "initiative", "team", "team__product_area"
    ):
        efforts[initiative_id].append((team_id, area))
    shared = [initiative for initiative in initiatives if len(efforts[initiative.pk]) > 1]
    assert 0.08 <= len(shared) / len(initiatives) <= 0.22
    assert {len(efforts[initiative.pk]) for initiative in shared} == {2, 3}
    for initiative in initiatives:
        teams = {team_id for team_id, _ in efforts[initiative.pk]}
        assert initiative.team_id in teams
        assert {area for _, area in efforts[initiative.pk]} == {initiative.team.product_area}


def test_work_sits_in_quarters_that_fit_its_status(initiatives):
    placed = Counter()
    for initiative in initiatives:
        quarters = initiative.quarters
        placed[initiative.status, bool(quarters)] += 1
        if not quarters:
            continue
        assert 1 <= initiative.duration_quarters <= 8
        if initiative.status == STATUS.DONE:
            assert quarters[-1] < CURRENT
        elif initiative.status == STATUS.IN_PROGRESS:
            assert quarters[0] <= CURRENT <= quarters[-1]
        elif initiative.status in {STATUS.PLANNED, STATUS.DISCOVERY, STATUS.IDEA}:
            assert quarters[0] >= CURRENT
    for status in (STATUS.DONE, STATUS.IN_PROGRESS, STATUS.PLANNED):
        assert placed[status, False] == 0, f"every {status} initiative is placed"
    for status in (STATUS.IDEA, STATUS.DISCOVERY):
        assert placed[status, False] > 2 * placed[status, True], f"most {status} is unplaced"


def test_most_teams_fit_their_capacity_but_a_few_are_over_in_the_coming_quarters(demo, db):
    coming = [quarter_add(CURRENT, ahead) for ahead in range(4)]
    load: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in placed_effort(quarters=coming):
        load[row.team_id, row.quarter] += row.effort
    capacity = dict(Team.objects.values_list("pk", "capacity_per_quarter"))
    over = {team for (team, _), effort in load.items() if effort > capacity[team]}
    assert 2 <= len(over) <= len(capacity) // 5


def test_most_initiatives_have_a_bucket_and_scores_and_some_miss_an_input(initiatives):
    assert sum(bool(initiative.bucket) for initiative in initiatives) > 0.75 * len(initiatives)
    rice = ("reach", "impact", "confidence")
    complete = [i for i in initiatives if all(getattr(i, name) is not None for name in rice)]
    missing_one = [i for i in initiatives if sum(getattr(i, name) is None for name in rice) == 1]
    assert len(complete) > 0.6 * len(initiatives)
    assert missing_one, "the ranking has someone who 'needs' one input"
    for initiative in complete:
        assert Decimal("0.25") <= initiative.impact <= 3
        assert 0 < initiative.confidence <= 100
    assert all(1 <= i.job_size <= 20 for i in initiatives if i.job_size is not None)
    assert all(1 <= i.ease <= 10 for i in initiatives if i.ease is not None)


def test_some_work_has_dates_and_a_few_started_initiatives_are_late(initiatives):
    assert any(initiative.earliest_start for initiative in initiatives)
    late = [
        initiative
        for initiative in initiatives
        if initiative.status == STATUS.IN_PROGRESS
        and initiative.deadline
        and initiative.deadline < TODAY
    ]
    assert 2 <= len(late) <= 10
    assert all(initiative.health != "green" for initiative in late)


def test_milestones_fall_within_their_initiatives_quarters(demo, db):
    milestones = list(Milestone.objects.select_related("initiative"))
    assert len(milestones) > 20
    for milestone in milestones:
        quarters = milestone.initiative.quarters
        assert quarters[0] <= quarter_of(milestone.due) <= quarters[-1]
        assert not milestone.done or milestone.due < TODAY
    assert Risk.objects.filter(initiative__health="red").exists()
    assert Risk.objects.filter(closed=True).exists()


def test_work_waits_for_work_that_ends_before_it_starts_bar_a_few_findings(demo, db):
    dependencies = list(Dependency.objects.select_related("initiative", "depends_on"))
    assert len(dependencies) > 10
    findings = 0
    for dependency in dependencies:
        waiting, depends_on = dependency.initiative, dependency.depends_on
        assert waiting.team_id != depends_on.team_id
        late = depends_on.deadline is not None and depends_on.deadline < TODAY
        if depends_on.status == STATUS.DROPPED or (late and depends_on.status != STATUS.DONE):
            findings += 1
            continue
        assert depends_on.quarters, "what work waits for is on the roadmap"
        assert not waiting.quarters or depends_on.quarters[-1] < waiting.quarters[0]
    assert 2 <= findings <= 4


def test_dependencies_never_form_a_cycle(demo, db):
    after = defaultdict(set)
    for initiative_id, depends_on_id in Dependency.objects.values_list("initiative", "depends_on"):
        after[initiative_id].add(depends_on_id)
    # Peel off work that waits for nothing still waiting; a cycle would be left over.
    remaining = dict(after)
    while True:
        free = [node for node, needs in remaining.items() if not needs & remaining.keys()]
        if not free:
            break
        for node in free:
            del remaining[node]
    assert remaining == {}


def test_the_alignment_check_has_one_finding_of_every_kind(demo, db):
    dependencies = Dependency.objects.filter(initiative__status=STATUS.PLANNED)
    assert dependencies.filter(depends_on__status=STATUS.DROPPED).exists()
    assert dependencies.filter(
        depends_on__status=STATUS.IN_PROGRESS, depends_on__deadline__lt=TODAY
    ).exists()
    assert Objective.objects.filter(
        period=generator.PERIODS[1], initiatives=None, children=None
    ).exists()
    active = [STATUS.PLANNED, STATUS.IN_PROGRESS]
    assert Initiative.objects.filter(status__in=active, objectives=None).exists()
    leaders = Person.objects.annotate(reports_count=Count("reports")).filter(reports_count__gt=0)
    leader_owned = Initiative.objects.filter(status__in=active, owner__in=leaders).exclude(
        owner=F("team__product_manager")
    )
    assert leader_owned.exists()
    in_progress = Initiative.objects.filter(status=STATUS.IN_PROGRESS)
    latest = {
        initiative: max(dates)
        for initiative, dates in _dates_by_initiative(
            StatusUpdate.objects.filter(initiative__in=in_progress)
        ).items()
    }
    stale = [day for day in latest.values() if (TODAY - day).days > 14]
    assert len(latest) == in_progress.count()
    assert 1 <= len(stale) < len(latest) / 4


def _dates_by_initiative(updates) -> dict[int, list]:
    dates = defaultdict(list)
    for initiative_id, day in updates.values_list("initiative", "date"):
        dates[initiative_id].append(day)
    return dates


def test_mix_targets_add_up_to_a_hundred_per_dimension_team_and_period(demo, db):
    totals = MixTarget.objects.values("dimension__slug", "team", "period").annotate(
        total=Sum("share")
    )
    assert {row["total"] for row in totals} == {100}
    org = {(row["dimension__slug"], row["period"]) for row in totals if row["team"] is None}
    dimensions = {"work-category", "bucket", "demand-source"}
    assert org == {(slug, period) for slug in dimensions for period in generator.PERIODS}


def test_some_teams_meet_their_own_category_targets_and_some_clearly_miss_them(demo, db):
    category = BalanceDimension.objects.get(initiative_field="category")
    for period in generator.PERIODS:
        effort: dict[int, Counter] = defaultdict(Counter)
        for row in placed_effort(quarters=quarters_of_period(period)):
            effort[row.team_id][row.category] += row.effort
        targets = MixTarget.objects.filter(dimension=category, period=period, team__isnull=False)
        deviation: dict[int, Decimal] = defaultdict(Decimal)
        for team_id, key, share in targets.values_list("team", "value__key", "share"):
            actual = 100 * effort[team_id][key] / sum(effort[team_id].values())
            deviation[team_id] = max(deviation[team_id], abs(actual - share))
        within = [team for team, worst in deviation.items() if worst <= 5]
        clearly_out = [team for team, worst in deviation.items() if worst >= 10]
        assert len(within) > len(clearly_out) >= 2
        assert len(within) + len(clearly_out) == len(deviation)
        assert set(WorkCategory.values) == set(
            targets.values_list("value__key", flat=True).distinct()
        )


def test_most_initiatives_are_classified_by_demand_source(initiatives):
    demand = BalanceDimension.objects.get(slug="demand-source")
    assert not demand.is_builtin
    assert set(demand.values.values_list("key", flat=True)) == {
        "customer-demand",
        "business-demand",
    }
    classified = Counter(
        Classification.objects.filter(dimension=demand).values_list("value__key", flat=True)
    )
    assert 0.75 * len(initiatives) < sum(classified.values()) < len(initiatives)
    assert min(classified.values()) > 0.2 * sum(classified.values())


def test_the_leader_has_a_scoring_model_of_their_own(demo, db):
    model = ScoringModel.objects.get()
    assert model.formula == "value / effort * confidence / 100"
    assert model.author.level.code == "cpo"


@pytest.mark.django_db
def test_a_flushed_database_gets_its_built_in_dimensions_back():
    BalanceDimension.objects.all().delete()
    generator.demo_organisation_create(size="small", seed=2)
    assert set(
        BalanceDimension.objects.exclude(initiative_field=None).values_list(
            "initiative_field", flat=True
        )
    ) == {"category", "bucket"}
    assert DimensionValue.objects.filter(dimension__initiative_field="bucket").count() == 3
    assert MixTarget.objects.filter(dimension__initiative_field="category", team=None).exists()


def test_a_key_result_measures_one_objective_of_its_period(demo, db):
    # Two objectives of a half measuring "Uptime of the storefront" with different values
    # read as one key result shown twice, disagreeing with itself.
    from productorg.strategy.models import KeyResult

    metrics = Counter(KeyResult.objects.values_list("objective__period", "metric"))
    assert [pair for pair, count in metrics.items() if count > 1] == []
    assert not Objective.objects.filter(key_results__isnull=True).exists()
