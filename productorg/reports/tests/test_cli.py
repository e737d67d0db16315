from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from productorg.cli import app
from productorg.reports.models import LeadershipReport
from productorg.reports.tests.portfolio import portfolio_create

runner = CliRunner()


@pytest.fixture
def work(org):
    return portfolio_create(org)


def test_markdown_goes_to_stdout_and_the_snapshot_is_saved(work):
    result = runner.invoke(app, ["report", "--period", work.quarter, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# Leadership report {work.quarter}")
    assert "### Checkout revamp" in result.stdout
    report = LeadershipReport.objects.get()
    assert f"saved the snapshot as report {report.pk}" in result.stderr
    assert "Collecting" in result.stderr


def test_the_period_defaults_to_the_current_quarter_and_html_to_stdout(work):
    result = runner.invoke(app, ["report", "--no-save"])
    assert result.exit_code == 0, result.output
    assert f"Leadership report {work.quarter}" in result.stdout
    assert "<html" in result.stdout and "Checkout revamp" in result.stdout
    assert "not saved" in result.stderr
    assert not LeadershipReport.objects.exists()


def test_a_pdf_is_written_to_the_output_file(work, tmp_path):
    target = tmp_path / "report.pdf"
    result = runner.invoke(
        app, ["report", "--format", "pdf", "--output", str(target), "--paper", "letter"]
    )
    assert result.exit_code == 0, result.output
    assert "Rendering PDF" in result.stderr
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "Checkout revamp" in text and "Search relevance" in text


def test_a_pdf_without_an_output_file_is_refused(work):
    result = runner.invoke(app, ["report", "--format", "pdf"])
    assert result.exit_code == 2
    assert "--output" in result.output


@pytest.mark.parametrize("period", ["2027-Q7", "", "last quarter"])
def test_a_bad_period_exits_2_with_a_message(work, period):
    result = runner.invoke(app, ["report", "--period", period])
    assert result.exit_code == 2
    assert "period" in result.output
    assert not LeadershipReport.objects.exists()


def test_a_period_with_nothing_in_scope_exits_1_and_saves_nothing(work):
    result = runner.invoke(app, ["report", "--period", "1999-Q1"])
    assert result.exit_code == 1
    assert "nothing to report" in result.stderr
    assert not LeadershipReport.objects.exists()


def test_a_group_report_names_its_leader_by_email(org, work):
    result = runner.invoke(
        app, ["report", "--scope", "group", "--leader", org.greta.email, "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert "Group of Greta" in result.stdout
    unknown = runner.invoke(app, ["report", "--scope", "group", "--leader", "nobody@x.org"])
    assert unknown.exit_code == 2
