"""The planner's file interface: reading a problem from JSON, every bad input named by its path."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from productorg.planning.engine.io import (
    InputError,
    InputErrors,
    problem_as_dict,
    problem_from_dict,
    read_problem,
    read_problem_json,
)
from productorg.planning.engine.model import Initiative, Problem, Team
from productorg.planning.engine.validation import problem_errors

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "plan-small.json"


def _valid() -> dict:
    return {
        "quarters": ["Q1", "Q2", "Q3"],
        "teams": [{"id": "web", "capacity": 10}, {"id": "data", "capacity": [5, 5, 5]}],
        "initiatives": [
            {"id": "a", "value": 10, "effort": {"web": 4}},
            {"id": "b", "value": 5, "effort": {"data": 2}, "depends_on": ["a"]},
            {"id": "c", "value": 3, "effort": {"web": 1, "data": 1}, "duration": 2},
        ],
    }


def _errors(data: object) -> list[InputError]:
    with pytest.raises(InputErrors) as caught:
        read_problem(data)
    return caught.value.errors


def test_the_documented_example_reads_as_a_problem_with_its_time_limit():
    problem, time_limit_s = read_problem_json(EXAMPLE.read_text(encoding="utf-8"))
    assert len(problem.teams) == 3
    assert len(problem.initiatives) == 6
    assert time_limit_s == 5
    one_click = next(i for i in problem.initiatives if i.id == "one-click")
    assert one_click.depends_on == ("payments-api",)
    assert one_click.deadline == "2027-Q4"
    assert any(i.must for i in problem.initiatives)
    assert problem.mix["growth"] == (0.2, 0.5)


def test_the_example_shown_in_the_docs_is_the_example_file():
    guide = (EXAMPLE.parents[1] / "planning.md").read_text(encoding="utf-8")
    shown = re.search(r"```json\n(.*?)```", guide, re.DOTALL)
    assert shown is not None
    assert json.loads(shown.group(1)) == json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_a_small_file_reads_with_every_default_filled_in():
    problem = problem_from_dict(_valid())
    a = problem.initiatives[0]
    assert a == Initiative(id="a", value=10.0, effort={"web": 4.0})
    assert problem.discount_rate == 0.0
    assert problem.mix == {}
    assert read_problem(_valid()).time_limit_s is None


def test_capacity_as_one_number_a_list_or_a_mapping_means_the_same():
    data = _valid()
    data["teams"] = [
        {"id": "one", "capacity": 8},
        {"id": "list", "capacity": [8, 8, 8]},
        {"id": "mapping", "capacity": {"Q3": 8, "Q1": 8, "Q2": 8}},
    ]
    data["initiatives"] = []
    problem = problem_from_dict(data)
    assert {team.capacity for team in problem.teams} == {(8.0, 8.0, 8.0)}


def test_integer_ids_become_strings_everywhere():
    data = _valid()
    data["initiatives"] = [
        {"id": 1, "value": 1, "effort": {}},
        {"id": 2, "value": 1, "effort": {}, "depends_on": [1]},
    ]
    problem = problem_from_dict(data)
    assert [i.id for i in problem.initiatives] == ["1", "2"]
    assert problem.initiatives[1].depends_on == ("1",)


def test_problem_as_dict_reads_back_as_the_same_problem():
    problem, time_limit_s = read_problem_json(EXAMPLE.read_text(encoding="utf-8"))
    written = json.dumps(problem_as_dict(problem, time_limit_s=time_limit_s), allow_nan=False)
    assert read_problem_json(written) == (problem, time_limit_s)


def test_problem_as_dict_keeps_every_field_that_is_not_a_default():
    problem = Problem(
        quarters=("Q1", "Q2"),
        teams=(Team(id="web", capacity=(3.0, 4.0)),),
        initiatives=(
            Initiative(id="x", value=1.0, effort={"web": 1.0}, never=True, title="X"),
            Initiative(
                id="y",
                value=2.0,
                effort={"web": 2.0},
                duration=2,
                category="growth",
                depends_on=("x",),
                earliest="Q1",
                deadline="Q2",
                must=True,
                fixed_start="Q1",
            ),
        ),
        discount_rate=0.1,
        mix={"growth": (0.0, 0.5)},
    )
    assert problem_from_dict(problem_as_dict(problem)) == problem


def test_an_input_error_reads_as_its_path_and_message():
    error = InputError("initiatives[3].effort.ux", "unknown team 'ux'")
    assert str(error) == "initiatives[3].effort.ux: unknown team 'ux'"


def _set(*keys, value):
    """A change to the valid file: the item at keys set to value."""

    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def _delete(*keys):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


NAN = float("nan")
INF = float("inf")

BAD_INPUT = [
    # wrong types
    (
        "value as a string",
        _set("initiatives", 0, "value", value="10"),
        "initiatives[0].value",
        "must be a number",
    ),
    (
        "value as a boolean",
        _set("initiatives", 0, "value", value=True),
        "initiatives[0].value",
        "not true",
    ),
    (
        "effort as a boolean",
        _set("initiatives", 0, "effort", "web", value=False),
        "initiatives[0].effort.web",
        "not false",
    ),
    (
        "effort not an object",
        _set("initiatives", 0, "effort", value=[4]),
        "initiatives[0].effort",
        "must be an object",
    ),
    (
        "id as a float",
        _set("initiatives", 0, "id", value=1.5),
        "initiatives[0].id",
        "string or an integer",
    ),
    (
        "must as a string",
        _set("initiatives", 0, "must", value="yes"),
        "initiatives[0].must",
        "true or false",
    ),
    (
        "depends_on not a list",
        _set("initiatives", 1, "depends_on", value="a"),
        "initiatives[1].depends_on",
        "must be a list",
    ),
    ("teams not a list", _set("teams", value={"web": 10}), "teams", "must be a list"),
    (
        "an initiative not an object",
        _set("initiatives", 0, value="a"),
        "initiatives[0]",
        "must be an object",
    ),
    (
        "deadline not a label",
        _set("initiatives", 0, "deadline", value=3),
        "initiatives[0].deadline",
        "quarter label",
    ),
    # missing required keys
    ("missing id", _delete("initiatives", 0, "id"), "initiatives[0].id", "missing"),
    ("missing value", _delete("initiatives", 0, "value"), "initiatives[0].value", "missing"),
    ("missing effort", _delete("initiatives", 0, "effort"), "initiatives[0].effort", "missing"),
    ("missing quarters", _delete("quarters"), "quarters", "missing"),
    ("missing team capacity", _delete("teams", 0, "capacity"), "teams[0].capacity", "missing"),
    ("missing team id", _delete("teams", 1, "id"), "teams[1].id", "missing"),
    # numbers out of range
    ("NaN value", _set("initiatives", 0, "value", value=NAN), "initiatives[0].value", "finite"),
    (
        "infinite effort",
        _set("initiatives", 0, "effort", "web", value=INF),
        "initiatives[0].effort.web",
        "finite",
    ),
    (
        "negative value",
        _set("initiatives", 0, "value", value=-1),
        "initiatives[0].value",
        "negative",
    ),
    (
        "negative effort",
        _set("initiatives", 2, "effort", "data", value=-2),
        "initiatives[2].effort.data",
        "negative",
    ),
    (
        "negative capacity for every quarter",
        _set("teams", 0, "capacity", value=-5),
        "teams[0].capacity",
        "negative",
    ),
    (
        "NaN capacity in one quarter",
        _set("teams", 1, "capacity", 2, value=NAN),
        "teams[1].capacity[2]",
        "finite",
    ),
    (
        "negative capacity in a mapping",
        _set("teams", 0, "capacity", value={"Q1": 1, "Q2": -1, "Q3": 1}),
        "teams[0].capacity.Q2",
        "negative",
    ),
    (
        "capacity list too short",
        _set("teams", 1, "capacity", value=[5, 5]),
        "teams[1].capacity",
        "2 number(s) for 3 quarters",
    ),
    (
        "capacity mapping with an unknown quarter",
        _set("teams", 0, "capacity", value={"Q1": 1, "Q2": 1, "Q3": 1, "Q9": 1}),
        "teams[0].capacity.Q9",
        "unknown quarter",
    ),
    (
        "capacity mapping without a quarter",
        _set("teams", 0, "capacity", value={"Q1": 1, "Q2": 1}),
        "teams[0].capacity",
        "no capacity for 'Q3'",
    ),
    (
        "capacity of the wrong type",
        _set("teams", 0, "capacity", value="ten"),
        "teams[0].capacity",
        "must be a number, a list",
    ),
    (
        "duration zero",
        _set("initiatives", 2, "duration", value=0),
        "initiatives[2].duration",
        "at least 1",
    ),
    (
        "duration not whole",
        _set("initiatives", 2, "duration", value=1.5),
        "initiatives[2].duration",
        "whole number",
    ),
    (
        "duration as a string",
        _set("initiatives", 2, "duration", value="2"),
        "initiatives[2].duration",
        "whole number",
    ),
    ("discount rate of one", _set("discount_rate", value=1), "discount_rate", "below 1"),
    ("negative discount rate", _set("discount_rate", value=-0.1), "discount_rate", "at least 0"),
    ("time limit zero", _set("time_limit_s", value=0), "time_limit_s", "above 0"),
    ("negative time limit", _set("time_limit_s", value=-3), "time_limit_s", "above 0"),
    ("time limit not a number", _set("time_limit_s", value="10"), "time_limit_s", "above 0"),
    # the horizon
    ("empty horizon", _set("quarters", value=[]), "quarters", "horizon is empty"),
    ("quarters not a list", _set("quarters", value="Q1"), "quarters", "must be a list"),
    ("a quarter twice", _set("quarters", value=["Q1", "Q1", "Q3"]), "quarters[1]", "listed twice"),
    ("a quarter not a string", _set("quarters", 0, value=2027), "quarters[0]", "must be a string"),
    # ids and references
    (
        "duplicate team id",
        _set("teams", 1, "id", value="web"),
        "teams[1].id",
        "duplicate team id 'web'",
    ),
    (
        "duplicate initiative id",
        _set("initiatives", 2, "id", value="a"),
        "initiatives[2].id",
        "duplicate initiative id 'a'",
    ),
    (
        "duplicate id as integer and string",
        lambda data: [data["initiatives"][0].update(id="7"), data["initiatives"][2].update(id=7)],
        "initiatives[2].id",
        "duplicate initiative id '7'",
    ),
    (
        "unknown team in effort",
        _set("initiatives", 0, "effort", "ux", value=1),
        "initiatives[0].effort.ux",
        "unknown team 'ux'",
    ),
    (
        "dependency on an unknown initiative",
        _set("initiatives", 1, "depends_on", value=["zz"]),
        "initiatives[1].depends_on[0]",
        "unknown initiative 'zz'",
    ),
    (
        "dependency on itself",
        _set("initiatives", 1, "depends_on", value=["a", "b"]),
        "initiatives[1].depends_on[1]",
        "'b' depends on itself",
    ),
    (
        "dependency cycle",
        _set("initiatives", 0, "depends_on", value=["b"]),
        "initiatives[0].depends_on[0]",
        "cycle a -> b -> a",
    ),
    (
        "unknown earliest quarter",
        _set("initiatives", 0, "earliest", value="Q9"),
        "initiatives[0].earliest",
        "unknown quarter 'Q9'",
    ),
    (
        "unknown deadline quarter",
        _set("initiatives", 0, "deadline", value="2027-Q1"),
        "initiatives[0].deadline",
        "unknown quarter '2027-Q1'",
    ),
    (
        "unknown fixed start quarter",
        _set("initiatives", 0, "fixed_start", value="q1"),
        "initiatives[0].fixed_start",
        "unknown quarter 'q1'",
    ),
    (
        "must and never",
        lambda data: data["initiatives"][0].update(must=True, never=True),
        "initiatives[0].never",
        "both be true",
    ),
    # mix bounds
    (
        "share above one",
        _set("mix", value={"growth": [0.2, 1.5]}),
        "mix.growth[1]",
        "between 0 and 1",
    ),
    (
        "negative share",
        _set("mix", value={"growth": [-0.1, 0.5]}),
        "mix.growth[0]",
        "between 0 and 1",
    ),
    ("NaN share", _set("mix", value={"growth": [NAN, 0.5]}), "mix.growth[0]", "between 0 and 1"),
    (
        "min share above max",
        _set("mix", value={"growth": [0.6, 0.4]}),
        "mix.growth",
        "above the maximum",
    ),
    (
        "share bounds not a pair",
        _set("mix", value={"growth": 0.5}),
        "mix.growth",
        "[min share, max share]",
    ),
    (
        "a category with a space",
        _set("mix", value={"tech debt": [0.5, 0.1]}),
        'mix["tech debt"]',
        "above the maximum",
    ),
    # typos
    (
        "unknown top-level key",
        lambda data: data.update(initiative=[]),
        "initiative",
        "did you mean 'initiatives'?",
    ),
    (
        "unknown initiative key",
        _set("initiatives", 0, "dependson", value=[]),
        "initiatives[0].dependson",
        "did you mean 'depends_on'?",
    ),
    (
        "unknown team key",
        _set("teams", 0, "capacty", value=3),
        "teams[0].capacty",
        "did you mean 'capacity'?",
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [pytest.param(change, path, fragment, id=name) for name, change, path, fragment in BAD_INPUT],
)
def test_bad_input_is_an_error_naming_its_path(change, path, fragment):
    data = _valid()
    change(data)
    errors = _errors(data)
    assert any(e.path == path and fragment in e.message for e in errors), "\n".join(
        map(str, errors)
    )


def test_a_file_that_is_not_an_object_is_an_error_at_the_root():
    assert [str(e) for e in _errors(["Q1"])] == [
        "$: the file must hold a JSON object, not a list of 1"
    ]


def test_every_error_is_reported_not_only_the_first():
    data = _valid()
    data["initiatives"][0]["value"] = -1
    data["initiatives"][1]["effort"] = {"ux": 1}
    data["initiatives"][2]["duration"] = "long"
    data["mix"] = {"growth": [0.9, 0.1]}
    paths = {e.path for e in _errors(data)}
    assert paths == {
        "initiatives[0].value",
        "initiatives[1].effort.ux",
        "initiatives[2].duration",
        "mix.growth",
    }


def test_an_item_of_the_wrong_kind_is_one_error_not_a_cascade():
    data = _valid()
    data["initiatives"][0] = "a"
    data["initiatives"][1]["depends_on"] = []
    assert [e.path for e in _errors(data)] == ["initiatives[0]"]


def test_a_cycle_of_three_is_named_in_order():
    data = _valid()
    data["initiatives"][0]["depends_on"] = ["c"]
    data["initiatives"][2]["depends_on"] = ["b"]
    messages = [e.message for e in _errors(data)]
    assert messages == ["dependency cycle a -> c -> b -> a (each depends on the next)"]


def test_a_long_chain_of_dependencies_is_no_cycle():
    data = _valid()
    data["initiatives"] = [{"id": "0", "value": 1, "effort": {}}] + [
        {"id": str(n), "value": 1, "effort": {}, "depends_on": [str(n - 1)]} for n in range(1, 5000)
    ]
    assert len(problem_from_dict(data).initiatives) == 5000


def test_json_nan_and_infinity_literals_are_rejected_with_their_paths():
    text = json.dumps(_valid()).replace('"value": 10', '"value": NaN')
    text = text.replace('"capacity": 10', '"capacity": Infinity')
    with pytest.raises(InputErrors) as caught:
        read_problem_json(text)
    assert [str(e) for e in caught.value.errors] == [
        "teams[0].capacity: must be a finite number, not inf",
        "initiatives[0].value: must be a finite number, not nan",
    ]


def test_invalid_json_names_its_line_and_column():
    with pytest.raises(InputErrors) as caught:
        read_problem_json('{\n  "quarters": ["Q1",]\n}')
    [error] = caught.value.errors
    assert error.path == "$"
    assert "line 2, column 21" in error.message


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"earliest": "Q3", "deadline": "Q1"}, id="deadline before earliest start"),
        pytest.param({"fixed_start": "Q3", "deadline": "Q1"}, id="fixed start after deadline"),
        pytest.param({"duration": 5}, id="longer than the horizon"),
        pytest.param({"must": True, "effort": {"web": 1000}}, id="must-do work that cannot fit"),
    ],
)
def test_structural_infeasibility_is_left_to_the_engine(change):
    data = _valid()
    data["initiatives"][0].update(change)
    assert problem_from_dict(data).initiatives[0].id == "a"


def test_problem_errors_checks_a_problem_built_without_a_file():
    problem = Problem(
        quarters=("2027-Q1",),
        teams=(Team(id="web", capacity=(math.nan,)),),
        initiatives=(
            Initiative(id="x", value=-1.0, effort={"ux": 1.0}, duration=0, depends_on=("x",)),
        ),
        mix={"growth": (0.5, 0.2)},
    )
    assert [str(e) for e in problem_errors(problem)] == [
        "teams[0].capacity[0]: must be a finite number, not nan",
        "initiatives[0].value: must not be negative, not -1",
        "initiatives[0].effort.ux: unknown team 'ux'",
        "initiatives[0].duration: must be a whole number of quarters, at least 1, not 0",
        "initiatives[0].depends_on[0]: 'x' depends on itself",
        "mix.growth: the minimum share 0.5 is above the maximum 0.2",
    ]


def test_a_sound_problem_has_no_errors():
    assert problem_errors(problem_from_dict(_valid())) == []
