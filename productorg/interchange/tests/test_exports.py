"""Exports: every format of every export, formula neutralisation, permissions and the CLI."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from productorg.cli import app
from productorg.factories import InitiativeFactory, ObjectiveFactory, ScenarioFactory
from productorg.interchange import exports, selectors
from productorg.planning import services as planning_services
from productorg.planning.models import PlanRun
from productorg.strategy.models import (
    Dependency,
    Initiative,
    InitiativeEffort,
    KeyResult,
    Objective,
    Tag,
)

KINDS = ["initiatives", "objectives", "roadmap"]


@pytest.fixture
def big_csv_fields():
    """csv's reader refuses fields over 131,072 characters unless told otherwise."""
    previous = csv.field_size_limit()
    csv.field_size_limit(10_000_000)
    yield
    csv.field_size_limit(previous)


@pytest.fixture
def portfolio(org):
    """The org's portfolio with objectives, key results, a dependency and placed work."""
    parent = ObjectiveFactory(title="Grow revenue", period="2027", owner=org.cora)
    objective = ObjectiveFactory(
        title="Faster checkout", period="2027-Q1", owner=org.gabe, parent=parent
    )
    KeyResult.objects.create(
        objective=objective, metric="Conversion", unit="%", baseline=2, target=3, current=2.5
    )
    reorder = Initiative.objects.get(title="One-click reorder")
    search = Initiative.objects.get(title="Typo-tolerant search")
    reorder.objectives.add(objective, parent)
    reorder.start_quarter, reorder.duration_quarters = "2027-Q1", 2
    reorder.value_estimate, reorder.effort_estimate = Decimal("12.5"), Decimal(8)
    reorder.save()
    search.start_quarter = "2027-Q2"
    search.save()
    Dependency.objects.create(initiative=reorder, depends_on=search)
    return org


def download(client, kind: str, fmt: str, **query) -> bytes:
    response = client.get(reverse("interchange:export", args=[kind, fmt]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="productorg-{kind}-')
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def xlsx_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def by_title(rows: list[dict], key: str = "title") -> dict:
    return {row[key]: row for row in rows}


# The formats, export by export.


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_initiatives_export_carries_every_column_in_each_format(portfolio, client_for, fmt):
    content = download(client_for(portfolio.cora), "initiatives", fmt)
    rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
    assert list(rows[0]) == selectors.INITIATIVE_COLUMNS
    reorder = by_title(rows)["One-click reorder"]
    assert reorder["team"] == "Checkout"
    assert reorder["owner"] == "Pia"
    assert reorder["start quarter"] == "2027-Q1"
    assert reorder["objectives"] == "Faster checkout; Grow revenue"
    assert reorder["dependencies"] == "Typo-tolerant search"
    assert reorder["status"] == "Idea"
    if fmt == "csv":
        assert reorder["value"] == "12.5"
        assert reorder["effort"] == "8"
    else:
        # Numbers stay numbers.
        assert reorder["value"] == 12.5
        assert reorder["effort"] == 8
    assert len(rows) == 3


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_initiative_with_no_category_exports_an_empty_category(portfolio, client_for, fmt):
    Initiative.objects.filter(title="Invoice dunning").update(category="")
    content = download(client_for(portfolio.cora), "initiatives", fmt)
    rows = by_title({"csv": csv_rows, "json": json.loads}[fmt](content))
    assert rows["Invoice dunning"]["category"] in ("", None)
    assert rows["Typo-tolerant search"]["category"] == "Growth"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_objectives_export_names_parent_owner_and_key_results(portfolio, client_for, fmt):
    content = download(client_for(portfolio.sam), "objectives", fmt)
    rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
    assert list(rows[0]) == selectors.OBJECTIVE_COLUMNS
    objective = by_title(rows)["Faster checkout"]
    assert objective["parent"] == "Grow revenue"
    assert objective["owner"] == "Gabe"
    assert objective["period"] == "2027-Q1"
    assert objective["key results"] == "Conversion: 2.5 of 3 % (from 2)"
    assert str(objective["initiatives"]) == "1"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_roadmap_export_lists_placed_work_with_its_end_quarter(portfolio, client_for, fmt):
    content = download(client_for(portfolio.pia), "roadmap", fmt)
    rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
    assert list(rows[0]) == selectors.ROADMAP_COLUMNS
    placed = by_title(rows, "initiative")
    # Invoice dunning has no start quarter: not on the roadmap.
    assert set(placed) == {"One-click reorder", "Typo-tolerant search"}
    assert placed["One-click reorder"]["start"] == "2027-Q1"
    assert placed["One-click reorder"]["end"] == "2027-Q2"
    assert placed["Typo-tolerant search"]["end"] == "2027-Q2"


def planned_scenario(org, name: str = "Base plan"):
    """A scenario whose run planned reorder and left search out (the engine is not called)."""
    scenario = ScenarioFactory(name=name)
    reorder, search = (
        str(Initiative.objects.get(title=title).pk)
        for title in ("One-click reorder", "Typo-tolerant search")
    )
    run = planning_services.plan_run_create(scenario=scenario, requested_by=None)
    run.status = PlanRun.Status.DONE
    run.result = {
        "starts": {reorder: "2027-Q2"},
        "left_out": {search: "Search is full in every quarter it could start"},
    }
    run.save()
    return scenario


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_plan_export_gives_starts_ends_and_reasons_for_left_out_work(
    portfolio, client_for, fmt
):
    scenario = planned_scenario(portfolio)
    content = download(client_for(portfolio.cora), "plan", fmt, scenario=scenario.pk)
    rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
    assert list(rows[0]) == selectors.PLAN_COLUMNS
    plan = by_title(rows, "initiative")
    assert plan["One-click reorder"]["team"] == "Checkout"
    assert plan["One-click reorder"]["start quarter"] == "2027-Q2"
    assert plan["One-click reorder"]["end quarter"] == "2027-Q3"
    left_out = plan["Typo-tolerant search"]
    assert left_out["left out because"] == "Search is full in every quarter it could start"
    assert left_out["start quarter"] in ("", None)


def test_a_plan_export_without_a_scenario_takes_the_base_plan(portfolio, client_for):
    planned_scenario(portfolio)
    rows = csv_rows(download(client_for(portfolio.cora), "plan", "csv"))
    assert {row["initiative"] for row in rows} == {"One-click reorder", "Typo-tolerant search"}


def test_a_scenario_never_planned_or_unknown_answers_404(portfolio, client_for):
    scenario = ScenarioFactory(name="Unplanned")
    client = client_for(portfolio.cora)
    url = reverse("interchange:export", args=["plan", "csv"])
    assert client.get(url, {"scenario": scenario.pk}).status_code == 404
    assert client.get(url, {"scenario": 999_999}).status_code == 404
    assert client.get(url, {"scenario": "x"}).status_code == 404


# Formula injection.


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(start):
    assert exports.neutralised(f"{start}1+1") == f"'{start}1+1"


def test_numbers_and_harmless_text_are_left_as_they_are():
    assert exports.neutralised(-3) == -3
    assert exports.neutralised(-2.5) == -2.5
    assert exports.neutralised("Plain title") == "Plain title"
    assert exports.neutralised("") == ""
    assert exports.neutralised(None) is None


FORMULA_TITLES = ["=SUM(A1)", "+1+1", "-2+3", "@cmd", "\tTabbed", "\rReturned"]


def formula_export() -> selectors.Export:
    rows = [[title, -5] for title in FORMULA_TITLES]
    return selectors.Export("test", ["title", "number"], rows)


def test_csv_neutralises_each_formula_start_and_keeps_negative_numbers():
    rows = list(csv.reader(io.StringIO("".join(exports.csv_chunks(formula_export())))))
    assert [row[0] for row in rows[1:]] == ["'" + title for title in FORMULA_TITLES]
    assert {row[1] for row in rows[1:]} == {"-5"}


def test_xlsx_stores_formula_like_titles_as_text_and_negative_numbers_as_numbers():
    buffer = io.BytesIO()
    exports.write_xlsx(formula_export(), buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    cells = list(sheet.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed; the leading quote is what matters.
    expected = ["'" + title.replace("\r", "\n") for title in FORMULA_TITLES]
    assert [row[0].value for row in cells] == expected
    assert {row[0].data_type for row in cells} == {"s"}
    assert {row[1].value for row in cells} == {-5}
    assert {row[1].data_type for row in cells} == {"n"}


def test_an_xlsx_text_cell_is_never_a_formula_even_unneutralised(monkeypatch):
    # The second line of defence: data_type "s" alone keeps `=` text out of formulas.
    monkeypatch.setattr(exports, "neutralised", lambda value: value)
    buffer = io.BytesIO()
    exports.write_xlsx(selectors.Export("t", ["title"], [["=SUM(A1)"]]), buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A2"]
    assert (cell.value, cell.data_type) == ("=SUM(A1)", "s")


def test_a_formula_title_comes_out_of_the_xlsx_download_as_text(portfolio, client_for):
    Initiative.objects.filter(title="Invoice dunning").update(title="=SUM(A1)")
    content = download(client_for(portfolio.cora), "initiatives", "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    titles = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert titles["'=SUM(A1)"] == "s"
    assert "=SUM(A1)" not in titles


def test_json_carries_text_as_typed(portfolio, client_for):
    Initiative.objects.filter(title="Invoice dunning").update(title="=SUM(A1)")
    rows = json.loads(download(client_for(portfolio.cora), "initiatives", "json"))
    assert "=SUM(A1)" in {row["title"] for row in rows}


# Byte-order mark and long fields.


def test_csv_has_no_byte_order_mark_unless_asked(portfolio, client_for):
    content = download(client_for(portfolio.cora), "initiatives", "csv")
    assert not content.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(content.decode("utf-8"))))[0] == "id"
    with_bom = "".join(
        exports.csv_chunks(selectors.initiatives_export(user=portfolio.ada), bom=True)
    )
    assert with_bom.startswith("\ufeff")
    # Read as Excel and Python read it (utf-8-sig), the first column is still `id`.
    first = next(csv.reader(io.StringIO(with_bom.encode().decode("utf-8-sig"))))[0]
    assert first == "id"


def test_a_200000_character_description_round_trips(portfolio, client_for, big_csv_fields):
    description = ('Long text, with commas\nand "quoted" lines. ' * 6_000)[:200_000]
    assert len(description) == 200_000
    Initiative.objects.filter(title="One-click reorder").update(description=description)
    client = client_for(portfolio.cora)
    rows = csv_rows(download(client, "initiatives", "csv"))
    assert by_title(rows)["One-click reorder"]["description"] == description
    rows = json.loads(download(client, "initiatives", "json"))
    assert by_title(rows)["One-click reorder"]["description"] == description


def test_xlsx_cuts_text_longer_than_excel_allows_and_says_so(portfolio, client_for):
    Initiative.objects.filter(title="One-click reorder").update(description="x" * 200_000)
    rows = xlsx_rows(download(client_for(portfolio.cora), "initiatives", "xlsx"))
    cell = by_title(rows)["One-click reorder"]["description"]
    assert len(cell) == exports.XLSX_MAX_CELL
    assert cell.endswith(exports.XLSX_TRUNCATED)


def test_control_characters_do_not_break_the_xlsx(portfolio, client_for):
    Initiative.objects.filter(title="Invoice dunning").update(title="Bell\x07 title")
    rows = xlsx_rows(download(client_for(portfolio.cora), "initiatives", "xlsx"))
    assert "Bell title" in {row["title"] for row in rows}


# Permissions.


@pytest.mark.parametrize("kind", KINDS)
def test_a_stakeholder_may_download_the_portfolio_exports(portfolio, client_for, kind):
    client = client_for(portfolio.sam)
    assert client.get(reverse("interchange:export", args=[kind, "csv"])).status_code == 200


@pytest.mark.parametrize("who", ["pia", "sam", "ada"])
def test_only_leaders_may_export_a_plan(portfolio, client_for, who):
    scenario = planned_scenario(portfolio)
    client = client_for(getattr(portfolio, who))
    for fmt in exports.FORMATS:
        url = reverse("interchange:export", args=["plan", fmt])
        assert client.get(url, {"scenario": scenario.pk}).status_code == 404


@pytest.mark.parametrize("kind", [*KINDS, "plan"])
def test_signed_out_visitors_get_no_export(portfolio, client, kind):
    for query in ({}, {"status": "idea", "period": "2027", "from": "2027-Q1"}):
        response = client.get(reverse("interchange:export", args=[kind, "csv"]), query)
        assert response.status_code in (302, 404)
        assert b"One-click reorder" not in response.content


def test_an_unknown_export_or_format_is_a_404(portfolio, client_for):
    client = client_for(portfolio.cora)
    assert client.get("/export/people.csv").status_code == 404
    assert client.get("/export/initiatives.pdf").status_code == 404


# Query counts.


def test_the_initiatives_export_reads_a_fixed_number_of_queries_as_the_portfolio_grows(
    portfolio, client_for
):
    client = client_for(portfolio.cora)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            download(client, "initiatives", "csv")
            download(client, "initiatives", "json")
            # Filters read through the page's form cost the same few queries at any size.
            download(client, "initiatives", "csv", status="idea", owner=portfolio.paul.pk)
            download(client, "roadmap", "csv", team=portfolio.checkout.pk, category="feature")
        return len(captured)

    small = queries()
    objective = ObjectiveFactory()
    for _ in range(20):
        initiative = InitiativeFactory(owner=portfolio.paul)
        initiative.objectives.add(objective)
        Dependency.objects.create(
            initiative=initiative, depends_on=Initiative.objects.get(title="Invoice dunning")
        )
    assert queries() == small


# The command line.


runner = CliRunner()


def test_the_cli_writes_initiatives_as_csv_to_stdout(portfolio, big_csv_fields):
    result = runner.invoke(app, ["export", "initiatives", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = csv_rows(result.stdout.encode())
    assert {row["title"] for row in rows} == {
        "One-click reorder",
        "Typo-tolerant search",
        "Invoice dunning",
    }


def test_the_cli_writes_each_format_to_a_file(portfolio, tmp_path):
    for fmt in exports.FORMATS:
        target = tmp_path / f"objectives.{fmt}"
        result = runner.invoke(
            app, ["export", "objectives", "--format", fmt, "--output", str(target)]
        )
        assert result.exit_code == 0, result.output
        content = target.read_bytes()
        rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
        assert "Faster checkout" in {row["title"] for row in rows}


def test_the_cli_adds_a_byte_order_mark_only_with_bom(portfolio, tmp_path):
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    runner.invoke(app, ["export", "roadmap", "--output", str(plain)])
    runner.invoke(app, ["export", "roadmap", "--bom", "--output", str(marked)])
    assert plain.read_bytes().startswith(b"id,")
    assert marked.read_bytes().startswith(b"\xef\xbb\xbfid,")


def test_the_cli_refuses_xlsx_to_stdout(portfolio):
    result = runner.invoke(app, ["export", "initiatives", "--format", "xlsx", "--output", "-"])
    assert result.exit_code == 2
    assert "--output" in result.output


def test_the_cli_exports_a_named_scenarios_plan(portfolio):
    planned_scenario(portfolio, name="Stretch")
    result = runner.invoke(app, ["export", "plan", "--scenario", "Stretch", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["initiative"] for row in rows} == {"One-click reorder", "Typo-tolerant search"}


def test_the_cli_says_when_there_is_no_such_scenario_or_plan(portfolio):
    result = runner.invoke(app, ["export", "plan", "--scenario", "Nope"])
    assert result.exit_code == 1
    assert "No scenario is named 'Nope'" in result.output
    ScenarioFactory(name="Base plan")
    result = runner.invoke(app, ["export", "plan"])
    assert result.exit_code == 1
    assert "has no plan yet" in result.output


def test_the_cli_exports_as_a_given_user_and_refuses_a_plan_to_a_non_leader(portfolio):
    planned_scenario(portfolio)
    result = runner.invoke(app, ["export", "initiatives", "--as", "sam"])
    assert result.exit_code == 0, result.output
    assert "One-click reorder" in result.stdout
    result = runner.invoke(app, ["export", "plan", "--as", "pia"])
    assert result.exit_code == 1
    assert "Only leaders" in result.output
    result = runner.invoke(app, ["export", "initiatives", "--as", "nobody"])
    assert result.exit_code == 1


# The download links.


@pytest.mark.parametrize(
    ("page", "kind"), [("strategy:initiative-list", "initiatives"), ("strategy:roadmap", "roadmap")]
)
def test_the_initiatives_and_roadmap_pages_link_to_their_downloads(org, client_for, page, kind):
    content = client_for(org.sam).get(reverse(page)).content.decode()
    for fmt in exports.FORMATS:
        assert reverse("interchange:export", args=[kind, fmt]) in content


# Downloads follow the page's filters.


def filters_portfolio(org):
    """The portfolio with something for every filter of the initiatives list to pick."""
    reorder = Initiative.objects.get(title="One-click reorder")
    search = Initiative.objects.get(title="Typo-tolerant search")
    dunning = Initiative.objects.get(title="Invoice dunning")
    objective = Objective.objects.get(title="Faster checkout")
    reorder.tags.add(Tag.objects.create(name="mobile"))
    search.status, search.health = Initiative.Status.IN_PROGRESS, Initiative.Health.RED
    search.save()
    dunning.source, dunning.source_key = "jira", "BIL-1"
    dunning.save()
    return {
        "status": ({"status": "in_progress"}, {"Typo-tolerant search"}),
        "team": ({"team": org.billing.pk}, {"Invoice dunning"}),
        "category": ({"category": "scaling"}, {"Invoice dunning"}),
        "health": ({"health": "red"}, {"Typo-tolerant search"}),
        "owner": ({"owner": org.pia.pk}, {"One-click reorder"}),
        "objective": ({"objective": objective.pk}, {"One-click reorder"}),
        "tag": ({"tag": "Mobile"}, {"One-click reorder"}),
        "source": ({"source": "jira"}, {"Invoice dunning"}),
        "q": ({"q": "search"}, {"Typo-tolerant search"}),
        "two at once": ({"team": org.search.pk, "status": "idea"}, set()),
    }


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_the_initiatives_download_holds_what_the_lists_filters_select(portfolio, client_for, fmt):
    client = client_for(portfolio.cora)
    for query, expected in filters_portfolio(portfolio).values():
        content = download(client, "initiatives", fmt, **query)
        rows = {"csv": csv_rows, "xlsx": xlsx_rows, "json": json.loads}[fmt](content)
        listed = client.get(reverse("strategy:initiative-list"), query).context["page"]
        assert {row["title"] for row in rows} == expected, query
        assert {initiative.title for initiative in listed.object_list} == expected, query


def test_a_filtered_download_says_so_in_its_file_name(portfolio, client_for):
    client = client_for(portfolio.sam)
    url = reverse("interchange:export", args=["initiatives", "csv"])
    assert "-filtered-" in client.get(url, {"status": "idea"})["Content-Disposition"]
    assert "-filtered-" not in client.get(url)["Content-Disposition"]


def test_a_filter_value_the_list_cannot_take_is_dropped_as_on_the_page(portfolio, client_for):
    client = client_for(portfolio.cora)
    query = {"team": "nonsense", "status": "sleeping", "objective": "999999"}
    rows = csv_rows(download(client, "initiatives", "csv", **query))
    assert len(rows) == 3
    assert len(client.get(reverse("strategy:initiative-list"), query).context["page"]) == 3


def roadmap_titles(response) -> set[str]:
    return {bar.title for band in response.context["roadmap"].bands for bar in band.bars}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "growth"}, {"Typo-tolerant search"}),
        ({"team": "checkout"}, {"One-click reorder"}),
        # Search puts effort into reorder: the Search band shows both, and so does its export.
        ({"team": "search"}, {"One-click reorder", "Typo-tolerant search"}),
        ({"from": "2027-Q1", "quarters": 1}, {"One-click reorder"}),
        ({"from": "2027-Q3"}, set()),
        ({"objective": "faster", "from": "2027-Q1"}, {"One-click reorder"}),
        ({"status": "idea", "team": "billing"}, set()),
    ],
)
def test_the_roadmap_download_holds_what_the_roadmap_shows(portfolio, client_for, query, expected):
    reorder = Initiative.objects.get(title="One-click reorder")
    InitiativeEffort.objects.create(initiative=reorder, team=portfolio.search, effort=2)
    teams = {
        "checkout": portfolio.checkout,
        "search": portfolio.search,
        "billing": portfolio.billing,
    }
    if "team" in query:
        query = {**query, "team": teams[query["team"]].pk}
    if "objective" in query:
        query = {**query, "objective": Objective.objects.get(title="Faster checkout").pk}
    client = client_for(portfolio.pia)
    rows = csv_rows(download(client, "roadmap", "csv", **query))
    assert {row["initiative"] for row in rows} == expected
    # The same filters on the page, over a window that holds both quarters when none is chosen.
    window = {"from": "2027-Q1"} if "from" not in query else {}
    assert roadmap_titles(client.get(reverse("strategy:roadmap"), {**window, **query})) == expected


def test_the_objectives_download_takes_the_strategy_pages_period(portfolio, client_for):
    rows = csv_rows(download(client_for(portfolio.sam), "objectives", "csv", period="2027-Q1"))
    assert [row["title"] for row in rows] == ["Faster checkout"]
    assert len(csv_rows(download(client_for(portfolio.sam), "objectives", "csv"))) == 2


def test_the_pages_download_links_carry_their_filters_even_after_an_htmx_swap(
    portfolio, client_for
):
    client = client_for(portfolio.sam)
    csv_url = reverse("interchange:export", args=["initiatives", "csv"])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.get(
            reverse("strategy:initiative-list"), {"status": "idea", "q": "re", "page": 1}, **headers
        ).content.decode()
        assert f'href="{csv_url}?status=idea&amp;q=re"' in html
    roadmap_url = reverse("interchange:export", args=["roadmap", "xlsx"])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.get(
            reverse("strategy:roadmap"), {"category": "growth", "team": "x"}, **headers
        ).content.decode()
        # The roadmap form drops the team it cannot take, and so does the link.
        assert f'href="{roadmap_url}?category=growth"' in html
    html = client.get(reverse("strategy:strategy"), {"period": "2027-Q1"}).content.decode()
    objectives_url = reverse("interchange:export", args=["objectives", "csv"])
    assert f'href="{objectives_url}?period=2027-Q1"' in html


# XLSX for a person.


def test_the_xlsx_has_a_bold_frozen_header_a_filter_fitted_widths_and_real_dates(
    portfolio, client_for
):
    description = "A long description that goes on. " * 20
    Initiative.objects.filter(title="One-click reorder").update(
        deadline=datetime.date(2027, 3, 31), description=description
    )
    content = download(client_for(portfolio.cora), "initiatives", "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    header = next(sheet.iter_rows(max_row=1))
    assert [cell.value for cell in header] == selectors.INITIATIVE_COLUMNS
    assert all(cell.font.b for cell in header)
    last = get_column_letter(len(selectors.INITIATIVE_COLUMNS))
    assert sheet.auto_filter.ref == f"A1:{last}4"
    column = {name: get_column_letter(index + 1) for index, name in enumerate(header_names(sheet))}
    widths = {name: sheet.column_dimensions[letter].width for name, letter in column.items()}
    assert all(
        exports.XLSX_MIN_WIDTH <= width <= exports.XLSX_MAX_WIDTH for width in widths.values()
    )
    assert widths["title"] == len("Typo-tolerant search") + 2
    assert widths["description"] == exports.XLSX_MAX_WIDTH
    assert widths["id"] == exports.XLSX_MIN_WIDTH
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    reorder = rows["One-click reorder"]
    deadline = reorder[selectors.INITIATIVE_COLUMNS.index("deadline")]
    assert deadline.is_date and deadline.number_format == exports.XLSX_DATE_FORMAT
    assert deadline.value.date() == datetime.date(2027, 3, 31)
    value = reorder[selectors.INITIATIVE_COLUMNS.index("value")]
    assert value.data_type == "n" and value.value == 12.5
    long_text = reorder[selectors.INITIATIVE_COLUMNS.index("description")]
    assert long_text.alignment.wrap_text
    assert not reorder[1].alignment.wrap_text


def header_names(sheet) -> list[str]:
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def test_dates_are_iso_text_in_csv_and_json(portfolio, client_for):
    Initiative.objects.filter(title="One-click reorder").update(deadline=datetime.date(2027, 3, 31))
    client = client_for(portfolio.cora)
    assert (
        by_title(csv_rows(download(client, "initiatives", "csv")))["One-click reorder"]["deadline"]
        == "2027-03-31"
    )
    rows = json.loads(download(client, "initiatives", "json"))
    assert by_title(rows)["One-click reorder"]["deadline"] == "2027-03-31"


def test_a_plan_whose_scenario_name_excel_refuses_as_a_sheet_name_still_downloads(
    portfolio, client_for
):
    scenario = planned_scenario(portfolio, name="[Q1/Q2]: what if?")
    content = download(client_for(portfolio.cora), "plan", "xlsx", scenario=scenario.pk)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "plan--Q1-Q2-- what if-"
    assert header_names(sheet) == selectors.PLAN_COLUMNS


# The command line takes the same filters.


def test_the_cli_filters_initiatives_as_the_list_does(portfolio, big_csv_fields):
    filters_portfolio(portfolio)
    result = runner.invoke(app, ["export", "initiatives", "--status", "in_progress"])
    assert result.exit_code == 0, result.output
    assert [row["title"] for row in csv_rows(result.stdout.encode())] == ["Typo-tolerant search"]
    result = runner.invoke(app, ["export", "initiatives", "--team", "billing", "--q", "dun"])
    assert [row["title"] for row in csv_rows(result.stdout.encode())] == ["Invoice dunning"]
    result = runner.invoke(
        app, ["export", "initiatives", "--tag", "mobile", "--category", "feature"]
    )
    assert [row["title"] for row in csv_rows(result.stdout.encode())] == ["One-click reorder"]


def test_the_cli_filters_the_roadmap_and_objectives(portfolio):
    result = runner.invoke(app, ["export", "roadmap", "--category", "growth", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [row["initiative"] for row in json.loads(result.stdout)] == ["Typo-tolerant search"]
    result = runner.invoke(app, ["export", "roadmap", "--from", "2027-Q1", "--quarters", "1"])
    assert [row["initiative"] for row in csv_rows(result.stdout.encode())] == ["One-click reorder"]
    result = runner.invoke(app, ["export", "objectives", "--period", "2027", "--format", "json"])
    assert [row["title"] for row in json.loads(result.stdout)] == ["Grow revenue"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["initiatives", "--team", "Nowhere"], "no team is named 'Nowhere'"),
        (["initiatives", "--status", "sleeping"], "Status"),
        (["roadmap", "--from", "someday"], "From quarter"),
        (["objectives", "--status", "idea"], "--status"),
        (["roadmap", "--tag", "mobile"], "--tag"),
    ],
)
def test_the_cli_refuses_a_filter_it_cannot_apply(portfolio, arguments, message):
    result = runner.invoke(app, ["export", *arguments])
    assert result.exit_code == 2
    assert message in result.output
