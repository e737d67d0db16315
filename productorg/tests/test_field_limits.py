"""One limit per text field, held by the services, so every path refuses the same text.

An import once stored a 200,000-character description that the page and the API cap at
20,000: the limit lived in the forms and schemas only. Now each field's limit is its model
field's `max_length` (productorg.limits), and the services refuse a longer text naming the
field and the limit; imports report it as a row error naming the line, the column and the
limit, and the API answers 422 naming the field.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from typer.testing import CliRunner

from productorg.accounts.services import api_token_create
from productorg.cli import app
from productorg.factories import MeetingFactory, OneOnOneFactory
from productorg.function import services as function
from productorg.function.models import FunctionDocumentVersion, Improvement, Process
from productorg.function.surveys import services as surveys
from productorg.function.surveys.models import Answer, Question
from productorg.function.surveys.tests.conftest import answer, make_open_survey
from productorg.interchange.importers import mapped
from productorg.interchange.importers.initiatives import InitiativeRecord, initiatives_apply
from productorg.interchange.importers.report import ImportReport
from productorg.limits import limit
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    GrowthGoal,
    GrowthPlan,
    Person,
    PrivateNote,
    SharedNote,
    Team,
)
from productorg.people.services import growth, one_on_ones
from productorg.people.services.org import team_create
from productorg.planning import services as planning
from productorg.planning.models import Scenario
from productorg.strategy.models import (
    BalanceDimension,
    Initiative,
    KeyResult,
    Milestone,
    Objective,
    Risk,
    ScoringModel,
    StatusUpdate,
)
from productorg.strategy.services import editing, mix, portfolio, scoring

TODAY = datetime.date(2026, 12, 1)


@dataclass(frozen=True)
class Limited:
    """A service write of one text field: `write(org, text)` calls the service."""

    model: type
    field: str
    write: Callable[[Any, str], Any]


def _initiative(org, **texts: str) -> Initiative:
    data = editing.InitiativeData(**{"title": "Limits", "team": org.checkout, **texts})
    return editing.initiative_create(user=org.gabe.user, data=data)


def _objective(org, **texts: str) -> Objective:
    data = editing.ObjectiveData(**{"title": "Limits", "period": "2027", **texts})
    return editing.objective_create(user=org.gabe.user, data=data)


def _key_result(org, **texts: str) -> Objective:
    row = editing.KeyResultInput(
        **{"metric": "Rate", "unit": "%", "baseline": 1, "target": 2, **texts}
    )
    data = editing.ObjectiveData(title="Limits", period="2027", key_results=[row])
    return editing.objective_create(user=org.gabe.user, data=data)


def _status_update(org, **texts: str) -> StatusUpdate:
    fields = {"summary": "On track", **texts}
    return portfolio.status_update_post(
        initiative=org.checkout.initiatives.get(),
        author=org.gabe,
        date=TODAY,
        health="green",
        progress=10,
        **fields,
    )


def _meeting(org):
    return MeetingFactory(one_on_one=OneOnOneFactory(manager=org.gabe, report=org.pia), date=TODAY)


def _plan(org, summary: str = "") -> GrowthPlan:
    return growth.growth_plan_create(
        user=org.gabe.user, person=org.pia, target_level=org.pia.level, summary=summary
    )


def _goal(org, description: str) -> GrowthGoal:
    plan = _plan(org)
    return growth.growth_goal_add(
        user=org.gabe.user, plan=plan, version=plan.version, title="Goal", description=description
    )


def _question(org, text: str) -> Question:
    survey = surveys.survey_create(
        title="Pulse", anonymous=True, closes_on=TODAY.max, created_by=org.gabe.user
    )
    return surveys.question_add(survey=survey, text=text, kind=Question.Kind.COMMENT)


LIMITED = {
    "initiative title": Limited(Initiative, "title", lambda org, t: _initiative(org, title=t)),
    "initiative description": Limited(
        Initiative, "description", lambda org, t: _initiative(org, description=t)
    ),
    "objective title": Limited(Objective, "title", lambda org, t: _objective(org, title=t)),
    "objective description": Limited(
        Objective, "description", lambda org, t: _objective(org, description=t)
    ),
    "key result metric": Limited(KeyResult, "metric", lambda org, t: _key_result(org, metric=t)),
    "key result unit": Limited(KeyResult, "unit", lambda org, t: _key_result(org, unit=t)),
    "status summary": Limited(
        StatusUpdate, "summary", lambda org, t: _status_update(org, summary=t)
    ),
    "status risks": Limited(StatusUpdate, "risks", lambda org, t: _status_update(org, risks=t)),
    "status decisions": Limited(
        StatusUpdate, "decisions_needed", lambda org, t: _status_update(org, decisions_needed=t)
    ),
    "milestone title": Limited(
        Milestone,
        "title",
        lambda org, t: editing.milestone_add(
            user=org.gabe.user, initiative=org.checkout.initiatives.get(), title=t, due=TODAY
        ),
    ),
    "risk description": Limited(
        Risk,
        "description",
        lambda org, t: editing.risk_add(
            user=org.gabe.user,
            initiative=org.checkout.initiatives.get(),
            description=t,
            severity="low",
        ),
    ),
    "risk mitigation": Limited(
        Risk,
        "mitigation",
        lambda org, t: editing.risk_add(
            user=org.gabe.user,
            initiative=org.checkout.initiatives.get(),
            description="Risky",
            severity="low",
            mitigation=t,
        ),
    ),
    "agenda item": Limited(
        AgendaItem,
        "text",
        lambda org, t: one_on_ones.agenda_item_add(
            user=org.gabe.user, meeting=_meeting(org), text=t
        ),
    ),
    "shared note": Limited(
        SharedNote,
        "text",
        lambda org, t: one_on_ones.shared_note_add(
            user=org.gabe.user, meeting=_meeting(org), text=t
        ),
    ),
    "private note": Limited(
        PrivateNote,
        "text",
        lambda org, t: one_on_ones.private_note_save(
            user=org.gabe.user, meeting=_meeting(org), text=t
        ),
    ),
    "action item": Limited(
        ActionItem,
        "text",
        lambda org, t: one_on_ones.action_item_add(
            user=org.gabe.user, meeting=_meeting(org), text=t, owner=org.pia
        ),
    ),
    "growth plan summary": Limited(GrowthPlan, "summary", lambda org, t: _plan(org, t)),
    "growth goal description": Limited(GrowthGoal, "description", _goal),
    "team mission": Limited(Team, "mission", lambda org, t: team_create(name="New", mission=t)),
    "charter": Limited(
        FunctionDocumentVersion,
        "body",
        lambda org, t: function.document_save(
            user=org.gabe.user, kind="charter", body=t, based_on=0
        ),
    ),
    "process purpose": Limited(
        Process,
        "purpose",
        lambda org, t: function.process_create(user=org.gabe.user, name="Intake", purpose=t),
    ),
    "process notes": Limited(
        Process,
        "notes",
        lambda org, t: function.process_create(user=org.gabe.user, name="Intake", notes=t),
    ),
    "improvement description": Limited(
        Improvement,
        "description",
        lambda org, t: function.improvement_create(
            user=org.gabe.user, title="Better", description=t
        ),
    ),
    "survey question": Limited(Question, "text", _question),
    "survey comment": Limited(
        Answer, "comment", lambda org, t: answer(make_open_survey(org), 0, 4, comment=t)
    ),
    "balance dimension description": Limited(
        BalanceDimension,
        "description",
        lambda org, t: mix.dimension_create(name="Demand", description=t, values=["A", "B"]),
    ),
    "scoring model description": Limited(
        ScoringModel,
        "description",
        lambda org, t: scoring.scoring_model_create(
            name="Mine", formula="value * confidence / 100 / effort", description=t, author=None
        ),
    ),
    "scenario description": Limited(
        Scenario,
        "description",
        lambda org, t: planning.scenario_create(
            name="What if",
            description=t,
            first_quarter="2027-Q1",
            quarters=4,
            discount_rate=0,
            time_limit_s=30,
            created_by=None,
        ),
    ),
}
REFUSALS = (
    ValidationError,
    editing.EditingError,
    growth.GrowthError,
    function.FunctionError,
    surveys.SurveyError,
    planning.PlanningError,
)


def _refusal(error: Exception) -> tuple[str | None, str]:
    """The field and message of a service's refusal, whichever domain error it raised."""
    if isinstance(error, ValidationError):
        field, messages = next(iter(error.message_dict.items()))
        return field, messages[0]
    return error.field, error.message


@pytest.mark.parametrize("name", LIMITED.keys())
def test_the_service_takes_a_text_of_exactly_the_limit(org, name):
    case = LIMITED[name]
    max_length = limit(case.model, case.field)
    case.write(org, "x" * max_length)
    assert case.model.objects.filter(**{case.field: "x" * max_length}).exists()


@pytest.mark.parametrize("name", LIMITED.keys())
def test_the_service_refuses_a_text_one_over_the_limit_naming_field_and_limit(org, name):
    case = LIMITED[name]
    max_length = limit(case.model, case.field)
    too_long = "x" * (max_length + 1)

    with pytest.raises(REFUSALS) as refused:
        case.write(org, too_long)

    field, message = _refusal(refused.value)
    assert field in {case.field, "key_results"}
    assert f"{max_length:,}" in message and f"{max_length + 1:,}" in message
    assert not case.model.objects.filter(**{case.field: too_long}).exists()


# The import path.


def _csv(text: str) -> Any:
    return io.BytesIO(text.encode())


def test_an_imported_200000_character_description_is_a_row_error_and_nothing_is_written(org):
    long = "d" * 200_000
    file = _csv(f"ID,Name,Feature description\nA-1,Fine,short\nA-2,Too long,{long}\n")

    report = mapped.mapped_import(
        file=file,
        name="features.csv",
        source="csv",
        target="initiatives",
        options={"columns": {"key": "ID", "title": "Name", "description": "Feature description"}},
        dry_run=False,
        user=None,
    )

    (error,) = report.errors
    assert error.line == 3
    assert "Feature description" in error.reason
    assert "200,000" in error.reason and "20,000" in error.reason
    assert not report.applied
    assert not Initiative.objects.filter(source="csv").exists()


def test_an_importer_that_names_no_column_still_gets_the_limit_said(org):
    report = ImportReport(source="jira", dry_run=False)
    record = InitiativeRecord(line=7, key="J-1", title="Big", description="d" * 20_001)

    initiatives_apply(
        source="jira", records=[record], report=report, team_field="", dry_run=False, user=None
    )

    (error,) = report.errors
    assert error.line == 7 and "Description" in error.reason and "20,000" in error.reason
    assert not Initiative.objects.filter(source="jira").exists()


@pytest.mark.parametrize(
    ("model", "field", "header", "row"),
    [
        (Person, "name", "Name", lambda v: f"{v},new@example.com,PM"),
        (Person, "email", "Email", lambda v: f"New Person,{v},PM"),
    ],
)
def test_a_people_import_refuses_a_name_or_email_too_long_for_its_field(
    org, model, field, header, row
):
    max_length = limit(model, field)
    value = "n" * (max_length + 1) if field == "name" else "e" * max_length + "@example.com"
    before = Person.objects.count()

    report = mapped.mapped_import(
        file=_csv(f"Name,Email,Level\n{row(value)}\n"),
        name="people.csv",
        source="csv",
        target="people",
        options={"columns": {"name": "Name", "email": "Email", "level": "Level"}},
        dry_run=False,
        user=None,
    )

    (error,) = report.errors
    assert error.line == 2 and header in error.reason and f"{max_length:,}" in error.reason
    assert Person.objects.count() == before


def test_a_teams_import_refuses_a_name_too_long_for_its_field(org):
    max_length = limit(Team, "name")
    before = Team.objects.count()
    report = mapped.mapped_import(
        file=_csv(f"Team\n{'t' * (max_length + 1)}\n"),
        name="teams.csv",
        source="csv",
        target="teams",
        options={"columns": {"name": "Team"}},
        dry_run=False,
        user=None,
    )
    (error,) = report.errors
    assert error.line == 2 and "Team" in error.reason and f"{max_length:,}" in error.reason
    assert Team.objects.count() == before


# The API path: the schema reads the same limit.


def _api(client, who, method: str, path: str, body: dict[str, Any]):
    secret = api_token_create(user=who.user, name="test", scope="write").secret
    return getattr(client, method)(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _names_field(response, field: str) -> bool:
    body = response.json()
    detail = body["detail"]
    text = json.dumps(detail) if isinstance(detail, list) else detail
    return field in text or body.get("field") == field


@pytest.mark.parametrize(
    ("model", "field", "body"),
    [
        (Initiative, "description", {"title": "Limits", "team_id": None}),
        (Initiative, "title", {}),
    ],
)
def test_the_api_refuses_an_initiative_text_over_the_limit(org, client, model, field, body):
    body = {"title": "Limits", "team_id": org.checkout.pk, **body}
    over = {**body, field: "x" * (limit(model, field) + 1)}
    at = {**body, field: "x" * limit(model, field)}

    refused = _api(client, org.gabe, "post", "/initiatives", over)
    assert refused.status_code in {400, 422}
    assert _names_field(refused, field)
    assert not Initiative.objects.filter(**{field: over[field]}).exists()
    assert _api(client, org.gabe, "post", "/initiatives", at).status_code == 201


def test_the_api_refuses_a_status_summary_over_the_limit(org, client):
    initiative = org.checkout.initiatives.get()
    body = {"date": TODAY.isoformat(), "health": "green", "progress": 5}
    max_length = limit(StatusUpdate, "summary")
    path = f"/initiatives/{initiative.pk}/status-updates"

    refused = _api(client, org.gabe, "post", path, {**body, "summary": "s" * (max_length + 1)})

    assert refused.status_code in {400, 422} and _names_field(refused, "summary")
    assert not StatusUpdate.objects.filter(initiative=initiative).exists()
    ok = _api(client, org.gabe, "post", path, {**body, "summary": "s" * max_length})
    assert ok.status_code == 201


def test_a_survey_comment_too_long_leaves_the_link_usable(org):
    open_survey = make_open_survey(org)
    too_long = "c" * (limit(Answer, "comment") + 1)
    with pytest.raises(surveys.SurveyError):
        answer(open_survey, 0, 4, comment=too_long)
    assert answer(open_survey, 0, 4, comment="Shorter").pk


def test_the_cli_import_reports_a_too_long_description_on_its_line_and_exits_1(org, tmp_path):
    path = tmp_path / "features.csv"
    path.write_text(f"ID,Name,Notes\nA-1,Fine,short\nA-2,Too long,{'d' * 200_000}\n")
    columns = ["--column", "key=ID", "--column", "title=Name", "--column", "description=Notes"]

    result = CliRunner().invoke(app, ["import", "csv", str(path), *columns, "--quiet"])

    assert result.exit_code == 1, result.output
    assert "line 3" in result.output
    assert "Notes is 200,000 characters long; at most 20,000 fit" in result.output
    assert not Initiative.objects.filter(source="csv").exists()
