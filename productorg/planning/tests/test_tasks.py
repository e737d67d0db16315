from __future__ import annotations

import signal

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from productorg.cli import app
from productorg.factories import ScenarioFactory
from productorg.planning import services
from productorg.planning.models import PlanRun
from productorg.planning.tasks import plan_run_execute_task


def _scenario():
    return ScenarioFactory(
        name="Base plan",
        first_quarter="2027-Q1",
        quarters=2,
        discount_rate=0,
        time_limit_s=2,
    )


def test_the_task_plans_the_run_it_is_given(org):
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    job = plan_run_execute_task.enqueue(run.pk)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE
    assert job.return_value == "done"
    assert run.result is not None


def test_the_task_leaves_a_run_stopped_before_it_began_as_it_is(org):
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)
    services.plan_run_stop(plan_run=run)

    job = plan_run_execute_task.enqueue(run.pk)

    run.refresh_from_db()
    assert job.return_value == "stopped"
    assert run.result is None and run.started_at is None


def test_with_the_database_backend_a_started_plan_waits_for_the_worker_which_runs_it(
    org, settings, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker closes connections it thinks stale; inside the test's transaction that is
    # every connection (PostgreSQL would lose the test's data with it).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    with django_capture_on_commit_callbacks(execute=True):
        run = services.plan_run_start(scenario=_scenario(), requested_by=None)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.QUEUED
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [run.pk], "kwargs": {}}

    # The worker takes over Ctrl-C and SIGTERM for its graceful shutdown; give them back.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.DONE
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"


def test_the_worker_command_refuses_a_backend_that_needs_no_worker(db):
    # This folder's tests run jobs at once (conftest.py): there is nothing for a worker to do.
    result = CliRunner().invoke(app, ["worker"])

    assert result.exit_code == 1
    assert "not a database backend" in result.stderr


def test_an_error_storing_the_result_marks_the_run_failed_not_running_forever(org, monkeypatch):
    # Outside the solve, which records its own failures: here saving the result fails (as a
    # value PostgreSQL refuses would), and the task wrapper still ends the run.
    def unstorable(result):
        raise ValueError("the result could not be stored")

    monkeypatch.setattr(services, "result_as_dict", unstorable)
    run = services.plan_run_create(scenario=_scenario(), requested_by=None)

    job = plan_run_execute_task.enqueue(run.pk)

    run.refresh_from_db()
    assert job.status.name == "FAILED"
    assert run.status == PlanRun.Status.FAILED
    assert run.error == "ValueError: the result could not be stored"
    assert run.finished_at is not None
