"""The planner's tests run background jobs at once, in the test's own thread: no worker."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    # The database backend needs `productorg worker`; the immediate one runs a job on enqueue.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
