"""Background jobs of the planner, run by django-tasks' worker (`productorg worker`)."""

from __future__ import annotations

from django_tasks import task

from productorg.planning import services


@task()
def plan_run_execute_task(plan_run_id: int) -> str:
    """Plan a queued run; returns the run's final status. Whatever stops it (storing the
    result included), the run is marked failed with the reason, never left "running"."""
    try:
        return services.plan_run_execute(plan_run_id=plan_run_id).status
    except BaseException as error:
        services.plan_run_fail(plan_run_id=plan_run_id, error=error)
        raise
