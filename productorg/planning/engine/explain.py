"""Why each initiative was left out of a plan, in the leader's words.

Asked of the final plan: which constraint keeps each left-out initiative out — it can never be
planned (and why), a dependency is left out or finishes too late, its teams are full in every
quarter it could start, or it would break a mix bound.
"""

from __future__ import annotations

from productorg.planning.engine.greedy import LEFT_OUT, Plan
from productorg.planning.engine.prep import EPS, Compiled, name_of, weeks

# Work that needs many teams names the first few that are full, not a paragraph of them.
MAX_TEAMS_NAMED = 3


def left_out_reasons(plan: Plan) -> dict[str, str]:
    """Initiative id -> the constraint that keeps it out of the plan."""
    c = plan.compiled
    return {c.ids[i]: _reason(plan, i) for i, s in enumerate(plan.start) if s == LEFT_OUT}


def _reason(plan: Plan, i: int) -> str:
    c = plan.compiled
    if i in c.impossible:
        return _sentence(c.impossible[i])
    if c.value[i] <= 0:
        return "Its value is 0: planning it adds nothing"
    missing = [p for p in c.preds[i] if plan.start[p] == LEFT_OUT]
    if missing:
        names = ", ".join(name_of(c, p) for p in missing)
        return f"It depends on {names}, left out of this plan"
    ready = plan.ready_from(i) or 0
    candidates = [s for s in c.starts[i] if s >= ready]
    if not candidates:
        last = max(c.preds[i], key=lambda p: plan.start[p] + c.duration[p])
        finish = c.quarters[plan.start[last] + c.duration[last] - 1]
        return f"Its dependency {name_of(c, last)} finishes in {finish}, too late for it to " + (
            "finish by its deadline" if c.problem.initiatives[i].deadline else "fit the horizon"
        )
    blocked = {s: _full_teams(plan, i, s) for s in candidates}
    if all(blocked.values()):
        return _capacity_reason(c, i, candidates, blocked)
    return _mix_reason(plan, i) or "The search ended before it was placed"


def _full_teams(plan: Plan, i: int, s: int) -> list[tuple[int, int, float]]:
    """(team, quarter, person-weeks left) for each team without room for i when started at s."""
    c = plan.compiled
    full = []
    for t, e in c.efforts[i]:
        for q in range(s, s + c.duration[i]):
            left = c.capacity[t][q] - plan.load[t][q]
            if e > left + EPS:
                full.append((t, q, max(0.0, left)))
    return full


def _capacity_reason(
    c: Compiled, i: int, candidates: list[int], blocked: dict[int, list[tuple[int, int, float]]]
) -> str:
    teams_always = set.intersection(*({t for t, _, _ in rows} for rows in blocked.values()))
    span = c.quarter_range(candidates[0], candidates[-1])
    if teams_always:
        parts = []
        for t in sorted(teams_always, key=lambda t: c.team_names[t]):
            need = dict(c.efforts[i])[t]
            most_left = max(left for rows in blocked.values() for u, _, left in rows if u == t)
            parts.append(
                f"{c.team_names[t]} is full in every quarter it could start ({span}): it needs "
                f"{weeks(need)} person-weeks a quarter, at most {weeks(most_left)} left"
            )
        if len(parts) > MAX_TEAMS_NAMED:
            more = len(parts) - MAX_TEAMS_NAMED
            parts = [*parts[:MAX_TEAMS_NAMED], f"and {more} more team{'s' if more > 1 else ''}"]
        return "; ".join(parts)
    by_start = [
        f"{c.quarters[s]}: {', '.join(sorted({c.team_names[t] for t, _, _ in rows}))} full"
        for s, rows in blocked.items()
    ]
    return "No quarter it could start in has room — " + "; ".join(by_start)


def _mix_reason(plan: Plan, i: int) -> str | None:
    c = plan.compiled
    total = plan.total_effort + c.total_effort[i]
    for category, (lo, hi) in c.mix.items():
        effort = plan.category_effort.get(category, 0.0)
        if category == c.category[i]:
            effort += c.total_effort[i]
        share = effort / total if total else 0.0
        if share > hi + EPS:
            return (
                f"The mix cap on {category or 'uncategorised'} ({hi:.0%} of planned effort) "
                f"would be exceeded ({share:.2%} with it)"
            )
        if share < lo - EPS:
            return (
                f"The mix floor on {category or 'uncategorised'} ({lo:.0%} of planned effort) "
                f"would be broken ({share:.2%} with it)"
            )
    return None


def _sentence(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower-case names and quarters)."""
    return text[:1].upper() + text[1:]
