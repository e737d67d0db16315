"""Schemathesis against the API's own OpenAPI schema: generated requests to every operation,
as a leader with a read-write token (so writes run too). No answer may be a 5xx, and every
answer must match the schema it documents."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from productorg.accounts import services
from productorg.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AssessmentFactory,
    GrowthActionFactory,
    GrowthGoalFactory,
    GrowthPlanFactory,
    MeetingFactory,
    ObjectiveFactory,
    OneOnOneFactory,
    PrivateNoteFactory,
    ScenarioFactory,
)
from productorg.planning.models import PlanRun
from productorg.strategy.models import KeyResult
from productorg.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Few objects exist, so generated ids rarely name one: an even id is folded onto 1..10, which
# exercises the found path, while an odd one keeps testing the 404.
SMALL_IDS = 10


# The fuzzing phase (valid and invalid input, NUL characters included) within the suite's time
# budget; the coverage phase's thousand boundary cases take longer than the rest together, and
# test_errors.py pins the boundaries that matter.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
# Loaded once, at collection: the schema is public and reading it touches no database.
# (schemathesis.pytest.from_fixture would load it per test, but does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """Each test runs in one database transaction; a WSGI request would close the connection
    at its end (Django's test client unhooks this too), so keep it while schemathesis calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def leader_token(org) -> str:
    """Dana (a Director) with things to read and change in every area of the API."""
    today = datetime.date(2027, 1, 4)
    objective = ObjectiveFactory(title="Grow checkout", period="2027-H1", owner=org.dana)
    KeyResult.objects.create(objective=objective, metric="Conversion", baseline=2, target=3)
    scenario = ScenarioFactory(name="Base", time_limit_s=1)
    PlanRun.objects.create(scenario=scenario)
    one_on_one = OneOnOneFactory(manager=org.dana, report=org.gabe)
    meeting = MeetingFactory(one_on_one=one_on_one, date=today)
    AgendaItemFactory(meeting=meeting, author=org.gabe)
    PrivateNoteFactory(meeting=meeting, author=org.dana, text="PRIVATE-SCHEMATHESIS")
    ActionItemFactory(raised_in=meeting, owner=org.gabe)
    AssessmentFactory(person=org.gabe, author=org.dana, kind="manager")
    GrowthActionFactory(goal=GrowthGoalFactory(plan=GrowthPlanFactory(person=org.gabe)))
    return services.api_token_create(user=org.dana.user, name="fuzz", scope="write").secret


def _fold(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value % 2 == 0:
        return value % SMALL_IDS + 1
    return value


def _fold_ids(case) -> None:
    for name, value in (case.path_parameters or {}).items():
        case.path_parameters[name] = _fold(value)
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if name.endswith("_id"):
                case.body[name] = _fold(value)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_request_is_a_server_error(case, leader_token):
    _fold_ids(case)
    response = case.call(headers={"Authorization": f"Bearer {leader_token}"})
    case.validate_response(response, checks=CHECKS)
    assert "PRIVATE-SCHEMATHESIS" not in response.text
