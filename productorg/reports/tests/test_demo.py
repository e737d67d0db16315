from __future__ import annotations

import pytest
from django.db import transaction

from productorg.demo import generator
from productorg.reports.markdown import report_markdown
from productorg.reports.models import LeadershipReport
from productorg.reports.selectors import diff_is_empty


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.demo_organisation_create(size="small", seed=1)
        yield
        transaction.set_rollback(True)


def test_the_demo_has_last_quarters_and_this_quarters_report(demo, db):
    older, newer = LeadershipReport.objects.order_by("created_at")
    assert (older.period, newer.period) == ("2026-Q4", "2027-Q1")
    assert older.as_of.isoformat() == "2026-12-31"
    assert older.snapshot["changes"] is None
    assert newer.snapshot["changes"]["before"]["report_id"] == older.pk


def test_the_newer_demo_report_shows_what_moved(demo, db):
    newer = LeadershipReport.objects.order_by("created_at").last()
    changes = newer.snapshot["changes"]
    assert not diff_is_empty(changes)
    assert changes["health_changed"] and changes["new_risks"]


def test_the_demo_is_deterministic(demo, db):
    newer = LeadershipReport.objects.order_by("created_at").last()
    text = report_markdown(newer.snapshot)
    assert "# Leadership report 2027-Q1" in text
    assert report_markdown(LeadershipReport.objects.get(pk=newer.pk).snapshot) == text
