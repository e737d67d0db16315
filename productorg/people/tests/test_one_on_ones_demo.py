"""The demo's 1:1s: every pair meets, about three months of it, the same from the same seed."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count, F, Q

from productorg.accounts.models import User
from productorg.demo.generator import REFERENCE_DATE, demo_accounts, demo_organisation_create
from productorg.demo.one_on_ones import one_on_ones_demo_create
from productorg.people import selectors
from productorg.people.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    Person,
    PrivateNote,
    SharedNote,
)


def by_content(rows) -> list[tuple]:
    # By repr, so that rows holding None sort too.
    return sorted(rows, key=repr)


def one_on_ones_snapshot() -> dict[str, list[tuple]]:
    """The demo's 1:1 rows by content, not by primary key."""
    pair = ("one_on_one__manager__email", "one_on_one__report__email")
    meeting = ("meeting__one_on_one__report__email", "meeting__date")
    return {
        "series": by_content(
            OneOnOne.objects.values_list("manager__email", "report__email", "cadence")
        ),
        "meetings": by_content(Meeting.objects.values_list(*pair, "date", "held")),
        "agenda": by_content(
            AgendaItem.objects.values_list(
                *meeting, "author__email", "text", "recurring", "discussed", "position"
            )
        ),
        "shared": by_content(SharedNote.objects.values_list(*meeting, "author__email", "text")),
        "private": by_content(PrivateNote.objects.values_list(*meeting, "author__email", "text")),
        "actions": by_content(
            ActionItem.objects.values_list(
                *pair, "raised_in__date", "owner__email", "text", "due_date", "done", "done_at"
            )
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Built once for the module and rolled back at the end; each test runs in a savepoint.
    with django_db_blocker.unblock(), transaction.atomic():
        demo_organisation_create(size="small", seed=11)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def small_demo(demo, db) -> None:
    return None


def test_every_manager_and_direct_report_has_a_series(small_demo):
    pairs = set(Person.objects.filter(manager__isnull=False).values_list("manager", "pk"))
    assert set(OneOnOne.objects.values_list("manager", "report")) == pairs
    cadences = Counter(OneOnOne.objects.values_list("cadence", flat=True))
    assert set(cadences) == {"weekly", "biweekly", "monthly"}


def test_the_demo_has_about_three_months_of_meetings_before_its_today(small_demo):
    held = Meeting.objects.filter(held=True)
    first = min(held.values_list("date", flat=True))
    assert REFERENCE_DATE - datetime.timedelta(days=95) <= first
    assert not held.filter(date__gte=REFERENCE_DATE).exists()
    assert not Meeting.objects.filter(held=False, date__lt=REFERENCE_DATE).exists()
    assert all(day.weekday() < 5 for day in Meeting.objects.values_list("date", flat=True))
    per_series = OneOnOne.objects.annotate(held=Count("meetings", filter=Q(meetings__held=True)))
    assert max(series.held for series in per_series) >= 10


def test_the_demo_has_content_of_every_kind(small_demo):
    assert AgendaItem.objects.filter(recurring=True).exists()
    assert SharedNote.objects.count() > 100
    assert PrivateNote.objects.filter(author=F("meeting__one_on_one__manager")).exists()
    assert (
        ActionItem.objects.filter(done=True).count() > ActionItem.objects.filter(done=False).count()
    )
    assert "lorem" not in " ".join(SharedNote.objects.values_list("text", flat=True)).lower()


def test_a_few_pairs_are_overdue_and_the_rest_have_their_next_meeting_scheduled(small_demo):
    cpo = User.objects.get(username=demo_accounts()[0].username)
    rows = selectors.one_on_one_cadence_for_leader(user=cpo, today=REFERENCE_DATE)
    overdue = [row for row in rows if row.overdue]
    assert 1 <= len(overdue) <= len(rows) // 4
    scheduled = OneOnOne.objects.filter(meetings__held=False).distinct().count()
    assert scheduled == len(rows) - len(overdue)


def test_the_demo_accounts_have_lived_in_1_1s(small_demo):
    accounts = {account.role: account.username for account in demo_accounts()}
    pm = User.objects.get(username=accounts["PM"])
    group_pm = User.objects.get(username=accounts["Group PM"])
    (as_report,) = selectors.one_on_ones_for(user=pm, today=REFERENCE_DATE).as_report
    assert not as_report.overdue and as_report.next_meeting_id is not None
    mine = selectors.one_on_ones_for(user=group_pm, today=REFERENCE_DATE)
    assert len(mine.as_manager) >= 2
    assert any(summary.overdue for summary in mine.as_manager)
    upcoming = selectors.meeting_detail(user=group_pm, meeting_id=as_report.next_meeting_id)
    assert upcoming.agenda_items
    series = selectors.one_on_one_detail(
        user=pm, one_on_one_id=as_report.one_on_one.pk, today=REFERENCE_DATE
    )
    assert sum(meeting.held for meeting in series.meetings) >= 3


def test_carried_over_action_items_show_on_the_next_meetings(small_demo):
    open_items = ActionItem.objects.filter(done=False).select_related("one_on_one__report")
    item = next(item for item in open_items if item.one_on_one.meetings.filter(held=False).exists())
    upcoming = item.one_on_one.meetings.get(held=False)
    detail = selectors.meeting_detail(user=item.one_on_one.report.user, meeting_id=upcoming.pk)
    assert item in detail.carried_over


def test_the_same_seed_makes_the_same_1_1s(db):
    made = []
    for _ in range(2):
        with transaction.atomic():
            demo_organisation_create(size="small", seed=5)
            made.append(one_on_ones_snapshot())
            transaction.set_rollback(True)
    assert made[0] == made[1]
    assert made[0]["meetings"]


def test_writing_the_demo_1_1s_again_leaves_existing_pairs_alone(small_demo):
    before = one_on_ones_snapshot()
    one_on_ones_demo_create(seed=11, today=REFERENCE_DATE)
    assert one_on_ones_snapshot() == before


def test_the_1_1s_add_little_time_to_the_small_demo(db, django_assert_max_num_queries):
    # Written in bulk: a fixed number of queries however many series, meetings and notes (a
    # wall-clock bound here failed whenever the machine was busy; timings live in bench/).
    with transaction.atomic():
        demo_organisation_create(size="small", seed=3)
        OneOnOne.objects.all().delete()
        with django_assert_max_num_queries(40):
            one_on_ones_demo_create(seed=3, today=REFERENCE_DATE)
        assert OneOnOne.objects.count() > 30
        transaction.set_rollback(True)
