"""Background jobs of the import page, run by django-tasks' worker (`productorg worker`)."""

from __future__ import annotations

from django_tasks import task

from productorg.interchange import services


@task()
def import_run_execute_task(import_run_id: int) -> str:
    """Check or apply a queued import; returns the run's final status. Whatever stops it,
    the run is marked failed with the reason (never left "running" for its page to poll)."""
    try:
        return services.import_run_execute(import_run_id=import_run_id).status
    except BaseException as error:
        services.import_run_fail(import_run_id=import_run_id, error=error)
        raise
