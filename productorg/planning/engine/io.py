"""The planner's file interface: a planning problem read from JSON data and written back.

`read_problem(data)` takes what `json.load` returned and gives a `ProblemFile` (the problem and
the file's own time limit), or raises `InputErrors` listing everything wrong, each error naming
its place as a JSON path without a leading `$.` (`initiatives[3].effort.ux`; `$` alone is the
whole document). It checks the JSON's shape first (types, required and unknown keys, the forms
capacity may take), then the meaning with `validation.problem_errors`, which the database side
shares. The schema is documented in docs/planning.md.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from typing import Any, NamedTuple

from productorg.planning.engine.model import Initiative, Problem, Team
from productorg.planning.engine.validation import (
    InputError,
    InputErrors,
    index_path,
    key_path,
    problem_errors,
    shown,
)

__all__ = [
    "InputError",
    "InputErrors",
    "ProblemFile",
    "problem_as_dict",
    "problem_from_dict",
    "read_problem",
    "read_problem_json",
]

_TOP_KEYS = ("quarters", "discount_rate", "teams", "initiatives", "mix", "time_limit_s")
_TEAM_KEYS = ("id", "capacity", "name")
_INITIATIVE_KEYS = (
    "id",
    "title",
    "value",
    "effort",
    "duration",
    "category",
    "depends_on",
    "earliest",
    "deadline",
    "fixed_start",
    "must",
    "never",
)
_CAPACITY_INDEX = re.compile(r"(teams\[\d+\]\.capacity)\[(\d+)\]")
_MISSING = object()


class ProblemFile(NamedTuple):
    """A problem read from a file, and the time limit the file asks for (None: not given)."""

    problem: Problem
    time_limit_s: float | None


def read_problem_json(text: str) -> ProblemFile:
    """The problem in a JSON text; a syntax error is an `InputErrors` naming line and column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputErrors(
            [
                InputError(
                    "$",
                    f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                )
            ]
        ) from error
    except RecursionError as error:
        raise InputErrors(
            [InputError("$", "cannot be read: the JSON is nested too deeply")]
        ) from error
    return read_problem(data)


def problem_from_dict(data: object) -> Problem:
    """The problem in JSON data, without the file's time limit; raises `InputErrors`."""
    return read_problem(data).problem


def read_problem(data: object) -> ProblemFile:
    """The problem and time limit in JSON data (as `json.load` returns it); raises `InputErrors`."""
    reader = _Reader()
    problem_file = reader.problem_file(data)
    errors = reader.errors
    if problem_file is not None:
        errors += [reader.file_path(error) for error in problem_errors(problem_file.problem)]
    if errors or problem_file is None:
        raise InputErrors(list(dict.fromkeys(errors)))
    return problem_file


def problem_as_dict(problem: Problem, *, time_limit_s: float | None = None) -> dict[str, Any]:
    """The problem as JSON-ready data that `read_problem` reads back; defaults are left out."""
    data: dict[str, Any] = {"quarters": list(problem.quarters)}
    if problem.discount_rate:
        data["discount_rate"] = problem.discount_rate
    data["teams"] = [
        {"id": team.id, "capacity": list(team.capacity)}
        | ({"name": team.name} if team.name else {})
        for team in problem.teams
    ]
    data["initiatives"] = [_initiative_as_dict(initiative) for initiative in problem.initiatives]
    if problem.mix:
        data["mix"] = {category: list(bounds) for category, bounds in problem.mix.items()}
    if time_limit_s is not None:
        data["time_limit_s"] = time_limit_s
    return data


def _initiative_as_dict(initiative: Initiative) -> dict[str, Any]:
    data: dict[str, Any] = {"id": initiative.id}
    if initiative.title:
        data["title"] = initiative.title
    data["value"] = initiative.value
    data["effort"] = dict(initiative.effort)
    if initiative.duration != 1:
        data["duration"] = initiative.duration
    if initiative.category:
        data["category"] = initiative.category
    if initiative.depends_on:
        data["depends_on"] = list(initiative.depends_on)
    for field in ("earliest", "deadline", "fixed_start"):
        if getattr(initiative, field) is not None:
            data[field] = getattr(initiative, field)
    for flag in ("must", "never"):
        if getattr(initiative, flag):
            data[flag] = True
    return data


class _Reader:
    """One pass over the JSON data collecting every shape error, building what it can.

    A field of the wrong type is reported and replaced by a harmless stand-in (an item that is
    not an object by an empty one with a unique id), so positions stay as in the file and the
    meaning checks still run on the rest without echoing the same mistake.
    """

    def __init__(self) -> None:
        self.errors: list[InputError] = []
        # teams[i].capacity -> how the file wrote it: "list", "number" or "mapping"
        self.capacity_forms: dict[str, str] = {}
        self.quarters: tuple[str, ...] = ()

    def error(self, path: str, message: str) -> None:
        self.errors.append(InputError(path, message))

    def file_path(self, error: InputError) -> InputError:
        """A meaning error's path as the file wrote it: capacity may be one number or a mapping."""
        match = _CAPACITY_INDEX.match(error.path)
        if not match:
            return error
        capacity_path, quarter = match.group(1), int(match.group(2))
        form = self.capacity_forms.get(capacity_path, "list")
        if form == "number":
            return InputError(capacity_path, error.message)
        if form == "mapping" and quarter < len(self.quarters):
            return InputError(key_path(capacity_path, self.quarters[quarter]), error.message)
        return error

    def problem_file(self, data: object) -> ProblemFile | None:
        if not isinstance(data, dict):
            self.error("$", f"the file must hold a JSON object, not {_kind(data)}")
            return None
        self.unknown_keys("", data, _TOP_KEYS)
        quarters = self.quarter_labels(data.get("quarters", _MISSING))
        discount_rate = self.number("discount_rate", data.get("discount_rate"), default=0.0)
        time_limit_s = self.time_limit(data.get("time_limit_s"))
        teams = [
            self.team(index_path("teams", index), item, quarters)
            for index, item in enumerate(self.items("teams", data.get("teams")))
        ]
        initiatives = [
            self.initiative(index_path("initiatives", index), item)
            for index, item in enumerate(self.items("initiatives", data.get("initiatives")))
        ]
        mix = self.mix(data.get("mix"))
        if quarters is None:
            # Without a horizon every label and capacity would be reported again as unknown.
            return None
        problem = Problem(
            quarters=quarters,
            teams=tuple(teams),
            initiatives=tuple(initiatives),
            discount_rate=discount_rate,
            mix=mix,
        )
        return ProblemFile(problem, time_limit_s)

    def unknown_keys(self, path: str, data: dict, known: tuple[str, ...]) -> None:
        for key in data:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            self.error(key_path(path, str(key)), f"unknown key {key!r}; {hint}")

    def quarter_labels(self, value: object) -> tuple[str, ...] | None:
        if value is _MISSING:
            self.error("quarters", "missing: list the quarter labels of the horizon")
            return None
        if not isinstance(value, list):
            self.error("quarters", f"must be a list of quarter labels, not {_kind(value)}")
            return None
        labels = []
        for index, label in enumerate(value):
            if isinstance(label, str):
                labels.append(label)
            else:
                self.error(index_path("quarters", index), f"must be a string, not {_kind(label)}")
        if len(labels) != len(value):
            return None
        self.quarters = tuple(labels)
        return self.quarters

    def items(self, path: str, value: object) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"must be a list, not {_kind(value)}")
            return []
        return value

    def team(self, path: str, data: object, quarters: tuple[str, ...] | None) -> Team:
        if not isinstance(data, dict):
            self.error(path, f"a team must be an object with id and capacity, not {_kind(data)}")
            return Team(id=_stand_in_id(path), capacity=(0.0,) * len(quarters or ()))
        self.unknown_keys(path, data, _TEAM_KEYS)
        return Team(
            id=self.identifier(key_path(path, "id"), data.get("id", _MISSING), path),
            capacity=self.capacity(key_path(path, "capacity"), data.get("capacity"), quarters),
            name=self.text(key_path(path, "name"), data.get("name")),
        )

    def capacity(self, path: str, value: object, quarters: tuple[str, ...] | None) -> tuple:
        count = len(quarters or ())
        if value is None:
            self.error(path, "missing: person-weeks per quarter, as one number or one per quarter")
            return (0.0,) * count
        if _is_number(value):
            self.capacity_forms[path] = "number"
            return (self.number(path, value),) * count
        if isinstance(value, list):
            # The count is checked with the meaning, as for a problem built from the database.
            return tuple(self.number(index_path(path, i), item) for i, item in enumerate(value))
        if isinstance(value, dict):
            self.capacity_forms[path] = "mapping"
            if quarters is None:
                return ()
            for label in value:
                if label not in quarters:
                    self.error(key_path(path, label), f"unknown quarter {label!r}")
            missing = [label for label in quarters if label not in value]
            if missing:
                self.error(path, f"no capacity for {', '.join(map(repr, missing))}")
            return tuple(
                self.number(key_path(path, label), value[label]) if label in value else 0.0
                for label in quarters
            )
        self.error(
            path,
            "must be a number, a list with one number per quarter or an object "
            f"{{quarter: number}}, not {_kind(value)}",
        )
        return (0.0,) * count

    def initiative(self, path: str, data: object) -> Initiative:
        if not isinstance(data, dict):
            self.error(path, f"an initiative must be an object, not {_kind(data)}")
            return Initiative(id=_stand_in_id(path), value=0.0, effort={})
        self.unknown_keys(path, data, _INITIATIVE_KEYS)
        return Initiative(
            id=self.identifier(key_path(path, "id"), data.get("id", _MISSING), path),
            value=self.number(key_path(path, "value"), data.get("value", _MISSING)),
            effort=self.effort(key_path(path, "effort"), data.get("effort", _MISSING)),
            duration=self.duration(key_path(path, "duration"), data.get("duration")),
            category=self.text(key_path(path, "category"), data.get("category")),
            depends_on=self.dependencies(key_path(path, "depends_on"), data.get("depends_on")),
            earliest=self.label(key_path(path, "earliest"), data.get("earliest")),
            deadline=self.label(key_path(path, "deadline"), data.get("deadline")),
            fixed_start=self.label(key_path(path, "fixed_start"), data.get("fixed_start")),
            must=self.flag(key_path(path, "must"), data.get("must")),
            never=self.flag(key_path(path, "never"), data.get("never")),
            title=self.text(key_path(path, "title"), data.get("title")),
        )

    def identifier(self, path: str, value: object, owner: str) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is _MISSING:
            self.error(path, "missing: every item needs an id")
        else:
            self.error(path, f"must be a string or an integer, not {_kind(value)}")
        return _stand_in_id(owner)

    def number(self, path: str, value: object, *, default: float | None = None) -> float:
        """A number as float; NaN and infinities pass through for the meaning checks to name."""
        if value is None and default is not None:
            return default
        if value is _MISSING:
            self.error(path, "missing: a number is required")
            return 0.0
        if not _is_number(value):
            self.error(path, f"must be a number, not {_kind(value)}")
            return 0.0
        try:
            return float(value)
        except OverflowError:
            self.error(path, "is too large")
            return 0.0

    def time_limit(self, value: object) -> float | None:
        if value is None:
            return None
        try:
            seconds = float(value) if _is_number(value) else math.nan
        except OverflowError:
            seconds = math.inf
        if not (math.isfinite(seconds) and seconds > 0):
            self.error("time_limit_s", f"must be a number of seconds above 0, not {_kind(value)}")
            return None
        return seconds

    def effort(self, path: str, value: object) -> dict[str, float]:
        if value is _MISSING or value is None:
            self.error(path, "missing: person-weeks per quarter for each team, {team id: number}")
            return {}
        if not isinstance(value, dict):
            self.error(path, f"must be an object {{team id: person-weeks}}, not {_kind(value)}")
            return {}
        return {
            str(team): self.number(key_path(path, str(team)), amount)
            for team, amount in value.items()
        }

    def duration(self, path: str, value: object) -> int:
        if value is None:
            return 1
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.error(path, f"must be a whole number of quarters, not {_kind(value)}")
        return 1

    def text(self, path: str, value: object) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(path, f"must be a string, not {_kind(value)}")
            return ""
        return value

    def label(self, path: str, value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        self.error(path, f"must be a quarter label (a string), not {_kind(value)}")
        return None

    def flag(self, path: str, value: object) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {_kind(value)}")
            return False
        return value

    def dependencies(self, path: str, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(path, f"must be a list of initiative ids, not {_kind(value)}")
            return ()
        ids = []
        for index, item in enumerate(value):
            if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
                ids.append(str(item))
            else:
                self.error(
                    index_path(path, index),
                    f"must be an initiative id (a string or an integer), not {_kind(item)}",
                )
        # Listing a dependency twice means the same as once.
        return tuple(dict.fromkeys(ids))

    def mix(self, value: object) -> dict[str, tuple[float, float]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(
                "mix", f"must be an object {{category: [min share, max share]}}, not {_kind(value)}"
            )
            return {}
        mix = {}
        for key, bounds in value.items():
            category = str(key)
            path = key_path("mix", category)
            if not (isinstance(bounds, list) and len(bounds) == 2):
                self.error(path, f"must be [min share, max share], not {_kind(bounds)}")
                continue
            low = self.number(index_path(path, 0), bounds[0])
            high = self.number(index_path(path, 1), bounds[1])
            mix[category] = (low, high)
        return mix


def _is_number(value: object) -> bool:
    # JSON true and false arrive as bool, which Python counts as int: they are not numbers here.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _stand_in_id(path: str) -> str:
    """An id no file can mean, for an item whose own id is unusable (already reported)."""
    return f"\0{path}"


def _kind(value: object) -> str:
    """The JSON kind of a value, with the value itself when short, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {shown(value)}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
