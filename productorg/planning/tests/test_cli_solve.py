"""`productorg plan solve`: a JSON problem in, a JSON result out, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from productorg.cli import app
from productorg.planning.engine.model import Result

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "plan-small.json"
runner = CliRunner()


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _fake_result(**fields) -> Result:
    defaults = {
        "status": "optimal",
        "objective": 0.0,
        "bound": 0.0,
        "gap": 0.0,
        "starts": {},
        "left_out": {},
        "load": {},
        "mix": {},
        "capacity_values": [],
        "greedy_objective": 0.0,
        "history": [],
    }
    return Result(**(defaults | fields))


def test_plan_without_a_command_shows_its_help():
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 0
    assert "solve" in result.output


def test_solving_the_example_writes_a_plan_and_exits_0(tmp_path):
    output = tmp_path / "result.json"
    result = runner.invoke(
        app, ["plan", "solve", str(EXAMPLE), "--output", str(output), "--time-limit", "2"]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written["status"] in {"optimal", "feasible"}
    ids = {"payments-api", "one-click", "gdpr-export", "referrals", "onboarding", "dark-mode"}
    assert set(written["starts"]) | set(written["left_out"]) == ids
    assert " planned, " in result.stderr
    assert " gap " in result.stderr


def test_without_output_the_result_goes_to_stdout_and_progress_to_stderr():
    result = runner.invoke(app, ["plan", "solve", str(EXAMPLE), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) >= {"status", "starts", "left_out", "load"}
    assert "value" in result.stderr


def test_quiet_prints_only_the_result():
    result = runner.invoke(app, ["plan", "solve", str(EXAMPLE), "--time-limit", "2", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout)["status"] in {"optimal", "feasible"}


def test_a_dash_reads_the_problem_from_stdin():
    result = runner.invoke(
        app,
        ["plan", "solve", "-", "--time-limit", "2", "--quiet"],
        input=EXAMPLE.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert "one-click" in written["starts"] | written["left_out"]


def test_a_bad_file_exits_2_naming_every_error_by_path(tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["initiatives"][1]["effort"]["ux"] = 5
    data["initiatives"][0]["depends_on"] = ["one-click"]
    output = tmp_path / "result.json"
    result = runner.invoke(
        app, ["plan", "solve", str(_write(tmp_path, data)), "--output", str(output)]
    )
    assert result.exit_code == 2
    assert "initiatives[1].effort.ux: unknown team 'ux'" in result.stderr
    assert "payments-api -> one-click -> payments-api" in result.stderr
    assert "2 error(s)" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize("limit", ["0", "-1", "nan"])
def test_a_time_limit_that_is_not_above_zero_exits_2(limit):
    result = runner.invoke(app, ["plan", "solve", str(EXAMPLE), f"--time-limit={limit}"])
    assert result.exit_code == 2
    assert "--time-limit" in result.stderr


def test_invalid_json_exits_2_with_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"quarters": ["Q1"],\n "teams": [}', encoding="utf-8")
    result = runner.invoke(app, ["plan", "solve", str(path)])
    assert result.exit_code == 2
    assert "line 2, column" in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["plan", "solve", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_a_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"quarters": ["Q1"], "teams": [{"id": "caf\xe9"}]}'.encode("latin-1"))
    result = runner.invoke(app, ["plan", "solve", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr


def test_an_infeasible_problem_exits_1_listing_the_conflicts(monkeypatch, tmp_path):
    conflicts = ["gdpr-export must finish by 2027-Q2 but platform is full"]
    monkeypatch.setattr(
        "productorg.planning.engine.solve.solve",
        lambda problem, **options: _fake_result(status="infeasible", conflicts=conflicts),
    )
    output = tmp_path / "result.json"
    result = runner.invoke(app, ["plan", "solve", str(EXAMPLE), "--output", str(output)])
    assert result.exit_code == 1
    assert conflicts[0] in result.stderr
    assert json.loads(output.read_text(encoding="utf-8"))["conflicts"] == conflicts


@pytest.mark.parametrize(
    ("options", "expected"),
    [([], 5.0), (["--time-limit", "1.5"], 1.5)],
    ids=["the file's time limit", "the option over the file's"],
)
def test_the_time_limit_comes_from_the_option_then_the_file(monkeypatch, options, expected):
    seen = {}

    def fake_solve(problem, *, time_limit_s, on_progress):
        seen["time_limit_s"] = time_limit_s
        return _fake_result()

    monkeypatch.setattr("productorg.planning.engine.solve.solve", fake_solve)
    result = runner.invoke(app, ["plan", "solve", str(EXAMPLE), "--quiet", *options])
    assert result.exit_code == 0, result.output
    assert seen["time_limit_s"] == expected


def test_without_any_time_limit_the_search_gets_ten_seconds(monkeypatch, tmp_path):
    seen = {}

    def fake_solve(problem, *, time_limit_s, on_progress):
        seen["time_limit_s"] = time_limit_s
        return _fake_result()

    monkeypatch.setattr("productorg.planning.engine.solve.solve", fake_solve)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["time_limit_s"]
    result = runner.invoke(app, ["plan", "solve", str(_write(tmp_path, data)), "--quiet"])
    assert result.exit_code == 0, result.output
    assert seen["time_limit_s"] == 10.0
