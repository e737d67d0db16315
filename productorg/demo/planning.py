"""The demo's planning: a "Base plan" scenario over the next four quarters, planned once so the
Plan pages have a plan to show, and a copy with one more engineer where capacity pays most.

Runs after the demo's portfolio is committed; a database that has the scenarios already (a
demo loaded beside another) is left as it is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from productorg.people.models import Team
from productorg.planning import services
from productorg.planning.models import PlanRun, Scenario
from productorg.strategy.periods import quarter_add, quarter_of, quarter_span

BASE_SCENARIO = "Base plan"
LOOSER_MIX_SCENARIO = "Looser mix"
HORIZON_QUARTERS = 4
# Short, so that loading the demo stays quick: enough for a good plan of the small demo.
DEMO_PLAN_TIME_LIMIT_S = 3.0
# What the scenarios' own Plan button gives the search.
SCENARIO_TIME_LIMIT_S = 10
# One engineer's person-weeks in a quarter (13 weeks).
ENGINEER_PERSON_WEEKS = Decimal(13)


def planning_demo_create(*, today: date) -> PlanRun | None:
    """The demo's scenarios, and a plan of the base one made with a short time limit."""
    if Scenario.objects.filter(name=BASE_SCENARIO).exists() or not Team.objects.exists():
        return None
    first_quarter = quarter_add(quarter_of(today), 1)
    base = services.scenario_create(
        name=BASE_SCENARIO,
        description="Every team at its usual capacity over the next four quarters.",
        first_quarter=first_quarter,
        quarters=HORIZON_QUARTERS,
        discount_rate=Decimal("0.05"),
        time_limit_s=SCENARIO_TIME_LIMIT_S,
        created_by=None,
    )
    run = services.plan_run_create(scenario=base, requested_by=None)
    run = services.plan_run_execute(plan_run_id=run.pk, time_limit_s=DEMO_PLAN_TIME_LIMIT_S)
    team = Team.objects.get(pk=int(_team_to_grow(run)))
    bigger = services.scenario_copy(
        scenario=base, name=f"One more engineer in {team.name}", created_by=None
    )
    services.scenario_update(
        scenario=bigger,
        description=f"The base plan with one more engineer ({ENGINEER_PERSON_WEEKS} "
        f"person-weeks a quarter) in {team.name}.",
    )
    for quarter in quarter_span(first_quarter, HORIZON_QUARTERS):
        services.scenario_capacity_set(
            scenario=bigger,
            team=team,
            quarter=quarter,
            capacity=team.capacity_per_quarter + ENGINEER_PERSON_WEEKS,
        )
    _looser_mix_create(base)
    return run


def _looser_mix_create(base: Scenario) -> PlanRun:
    """A planned what-if against the base plan: the demo's mix bounds bind (the Feature cap
    leaves capacity idle), so widening them moves work, and the compare page has a story."""
    looser = services.scenario_copy(scenario=base, name=LOOSER_MIX_SCENARIO, created_by=None)
    services.scenario_update(
        scenario=looser,
        description="The base plan with every mix bound ten points wider: what do the "
        "targets cost?",
    )
    widen = Decimal("0.1")
    for bound in looser.mix_bounds.all():
        services.scenario_mix_bound_set(
            scenario=looser,
            category=bound.category,
            min_share=max(Decimal(0), bound.min_share - widen),
            max_share=min(Decimal(1), bound.max_share + widen),
        )
    run = services.plan_run_create(scenario=looser, requested_by=None)
    return services.plan_run_execute(plan_run_id=run.pk, time_limit_s=DEMO_PLAN_TIME_LIMIT_S)


def _team_to_grow(run: PlanRun) -> str:
    """The team where the plan says one more person-week adds most (measured by planning
    again where it was, else the LP's figure), over the horizon; without capacity values, the
    team whose candidate work most exceeds its capacity."""
    values = (run.result or {}).get("capacity_values", [])
    for figure in ("resolved_gain", "dual"):
        worth: dict[str, float] = defaultdict(float)
        for row in values:
            worth[row["team"]] += row.get(figure) or 0.0
        if worth and max(worth.values()) > 0:
            return max(sorted(worth), key=worth.__getitem__)
    demand: dict[str, float] = defaultdict(float)
    for initiative in run.problem["initiatives"]:
        for team_id, effort in initiative["effort"].items():
            demand[team_id] += effort * initiative.get("duration", 1)
    capacity = {team["id"]: sum(team["capacity"]) or 1.0 for team in run.problem["teams"]}
    return max(sorted(capacity), key=lambda team_id: demand[team_id] / capacity[team_id])
