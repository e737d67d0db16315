"""Checks of a planning problem's meaning (ids, references, cycles, numbers, labels, shares).

Works on the dataclasses, so the file interface and the database side report the same errors.
Each error names where it is as a path into the problem written as JSON, without a leading
`$.`: `initiatives[3].depends_on[0]`, `teams[1].capacity[2]`, `mix.growth[1]`. Structural
infeasibility (a deadline before the earliest start, must-do work that cannot fit) is not an
input error: the engine reports it as infeasible, naming the conflicting items.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Iterable, Sequence

from productorg.planning.engine.model import Problem

# A key that reads unambiguously after a dot; any other is written as ["key"].
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


class InputError(Exception):
    """One thing wrong with a planning problem: where (a JSON path) and what."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __repr__(self) -> str:
        return f"InputError({self.path!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InputError):
            return NotImplemented
        return (self.path, self.message) == (other.path, other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class InputErrors(Exception):
    """Every error found in a planning problem, in the order found."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(errors)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def key_path(path: str, key: str) -> str:
    """`path.key`, or `path["key"]` when the key holds characters a dot cannot carry."""
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def index_path(path: str, index: int) -> str:
    """`path[index]`."""
    return f"{path}[{index}]"


def shown(number: object) -> str:
    """A number as a person would write it in the file: -5 rather than -5.0."""
    if isinstance(number, float):
        return f"{number:g}"
    return repr(number)


def problem_errors(problem: Problem) -> list[InputError]:
    """Everything wrong with the problem's meaning; an empty list when it can be planned."""
    errors: list[InputError] = []
    errors += _quarter_errors(problem.quarters)
    if not (math.isfinite(problem.discount_rate) and 0 <= problem.discount_rate < 1):
        errors.append(
            InputError(
                "discount_rate",
                f"must be at least 0 and below 1, not {shown(problem.discount_rate)}",
            )
        )
    errors += _team_errors(problem)
    errors += _initiative_errors(problem)
    errors += _cycle_errors(problem)
    errors += _mix_errors(problem.mix)
    return errors


def _amount_error(path: str, amount: float) -> InputError | None:
    """Values, efforts and capacities are finite and never negative."""
    if not math.isfinite(amount):
        return InputError(path, f"must be a finite number, not {shown(amount)}")
    if amount < 0:
        return InputError(path, f"must not be negative, not {shown(amount)}")
    return None


def _quarter_errors(quarters: Sequence[str]) -> list[InputError]:
    if not quarters:
        return [InputError("quarters", "the horizon is empty: list at least one quarter")]
    errors = []
    first_at: dict[str, int] = {}
    for index, label in enumerate(quarters):
        path = index_path("quarters", index)
        if not label:
            errors.append(InputError(path, "a quarter label must not be empty"))
        elif label in first_at:
            errors.append(
                InputError(
                    path, f"quarter {label!r} is listed twice (also quarters[{first_at[label]}])"
                )
            )
        else:
            first_at[label] = index
    return errors


def _duplicate_id_errors(kind: str, collection: str, ids: Iterable[str]) -> list[InputError]:
    errors = []
    first_at: dict[str, int] = {}
    for index, id_ in enumerate(ids):
        path = key_path(index_path(collection, index), "id")
        if not id_:
            errors.append(InputError(path, f"a {kind} id must not be empty"))
        elif id_ in first_at:
            errors.append(
                InputError(
                    path, f"duplicate {kind} id {id_!r} (also {collection}[{first_at[id_]}])"
                )
            )
        else:
            first_at[id_] = index
    return errors


def _team_errors(problem: Problem) -> list[InputError]:
    errors = _duplicate_id_errors("team", "teams", (team.id for team in problem.teams))
    for index, team in enumerate(problem.teams):
        path = key_path(index_path("teams", index), "capacity")
        if len(team.capacity) != len(problem.quarters):
            errors.append(
                InputError(
                    path,
                    f"has {len(team.capacity)} number(s) for {len(problem.quarters)} quarters: "
                    "give one per quarter",
                )
            )
        for quarter, amount in enumerate(team.capacity):
            error = _amount_error(index_path(path, quarter), amount)
            if error:
                errors.append(error)
    return errors


def _initiative_errors(problem: Problem) -> list[InputError]:
    errors = _duplicate_id_errors(
        "initiative", "initiatives", (initiative.id for initiative in problem.initiatives)
    )
    team_ids = {team.id for team in problem.teams}
    initiative_ids = {initiative.id for initiative in problem.initiatives}
    quarters = set(problem.quarters)
    horizon = ", ".join(problem.quarters)
    for index, initiative in enumerate(problem.initiatives):
        path = index_path("initiatives", index)
        error = _amount_error(key_path(path, "value"), initiative.value)
        if error:
            errors.append(error)
        for team_id, amount in initiative.effort.items():
            effort_path = key_path(key_path(path, "effort"), team_id)
            if team_id not in team_ids:
                errors.append(InputError(effort_path, f"unknown team {team_id!r}"))
            error = _amount_error(effort_path, amount)
            if error:
                errors.append(error)
        if (
            isinstance(initiative.duration, bool)
            or not isinstance(initiative.duration, int)
            or initiative.duration < 1
        ):
            errors.append(
                InputError(
                    key_path(path, "duration"),
                    "must be a whole number of quarters, at least 1, "
                    f"not {shown(initiative.duration)}",
                )
            )
        for position, dependency in enumerate(initiative.depends_on):
            dependency_path = index_path(key_path(path, "depends_on"), position)
            if dependency == initiative.id:
                errors.append(InputError(dependency_path, f"{dependency!r} depends on itself"))
            elif dependency not in initiative_ids:
                errors.append(InputError(dependency_path, f"unknown initiative {dependency!r}"))
        for field in ("earliest", "deadline", "fixed_start"):
            label = getattr(initiative, field)
            if label is not None and label not in quarters:
                errors.append(
                    InputError(
                        key_path(path, field),
                        f"unknown quarter {label!r} (the horizon is {horizon or 'empty'})",
                    )
                )
        if initiative.must and initiative.never:
            errors.append(InputError(key_path(path, "never"), "must and never cannot both be true"))
    return errors


def _cycle_errors(problem: Problem) -> list[InputError]:
    """One error per knot of dependencies, naming one cycle in it (self-dependencies aside)."""
    initiatives = problem.initiatives
    first_index: dict[str, int] = {}
    for index, initiative in enumerate(initiatives):
        first_index.setdefault(initiative.id, index)
    # successors[i]: (position in depends_on, index of the dependency)
    successors: list[list[tuple[int, int]]] = [[] for _ in initiatives]
    for index, initiative in enumerate(initiatives):
        if first_index[initiative.id] != index:
            continue  # a duplicate id, reported on its own
        for position, dependency in enumerate(initiative.depends_on):
            target = first_index.get(dependency)
            if target is not None and target != index:
                successors[index].append((position, target))
    errors = []
    for component in _strongly_connected(successors):
        if len(component) < 2:
            continue
        members = set(component)
        start = min(component)
        cycle = _shortest_cycle(start, members, successors)
        names = " -> ".join(initiatives[i].id for i in [*cycle, start])
        position = next(p for p, target in successors[start] if target == cycle[1])
        path = index_path(key_path(index_path("initiatives", start), "depends_on"), position)
        errors.append(InputError(path, f"dependency cycle {names} (each depends on the next)"))
    return errors


def _strongly_connected(successors: list[list[tuple[int, int]]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative so that a long chain of dependencies cannot overflow."""
    count = len(successors)
    order = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            node, next_edge = work[-1]
            if next_edge < len(successors[node]):
                work[-1] = (node, next_edge + 1)
                target = successors[node][next_edge][1]
                if order[target] == -1:
                    order[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack[target] = True
                    work.append((target, 0))
                elif on_stack[target]:
                    low[node] = min(low[node], order[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _shortest_cycle(
    start: int, members: set[int], successors: list[list[tuple[int, int]]]
) -> list[int]:
    """The nodes of a shortest cycle through `start` inside its component, from `start` on."""
    parent = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for _, target in successors[node]:
            if target == start:
                cycle = [node]
                while cycle[-1] != start:
                    cycle.append(parent[cycle[-1]])
                return cycle[::-1]
            if target in members and target not in parent:
                parent[target] = node
                queue.append(target)
    raise AssertionError("a strongly connected component has a cycle through every member")


def _mix_errors(mix: dict[str, tuple[float, float]]) -> list[InputError]:
    errors = []
    for category, bounds in mix.items():
        path = key_path("mix", category)
        fine = True
        for position, share in enumerate(bounds):
            if not (math.isfinite(share) and 0 <= share <= 1):
                errors.append(
                    InputError(
                        index_path(path, position),
                        f"a share must be between 0 and 1, not {shown(share)}",
                    )
                )
                fine = False
        if fine and bounds[0] > bounds[1]:
            errors.append(
                InputError(
                    path,
                    f"the minimum share {shown(bounds[0])} is above the maximum {shown(bounds[1])}",
                )
            )
    return errors
