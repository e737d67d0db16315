"""Background jobs of the import page, run by django-tasks' worker (`productorg worker`)."""

from __future__ import annotations

from django_tasks import task

from productorg.interchange import services


@task()
def import_run_execute_task(import_run_id: int) -> str:
    """Check or apply a queued import; returns the run's final status."""
    return services.import_run_execute(import_run_id=import_run_id).status
