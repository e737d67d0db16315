"""Writes of leadership reports: a report is saved once, with its snapshot, and never edited."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.utils import timezone

from productorg import once
from productorg.reports import selectors
from productorg.reports.models import LeadershipReport
from productorg.reports.selectors import ReportError, ReportScope

if TYPE_CHECKING:
    from productorg.accounts.models import User


def snapshot_with_changes(*, snapshot: dict, created_at: datetime.datetime) -> dict:
    """The snapshot with what moved since the previous report of the same scope, so the
    report keeps showing the same changes whatever reports come or go later."""
    previous = selectors.previous_report(scope_key=snapshot["scope"]["key"], before=created_at)
    changes = None
    if previous is not None:
        changes = selectors.snapshot_diff(before=previous.snapshot, after=snapshot)
        changes["before"]["report_id"] = previous.pk
    return {**snapshot, "changes": changes}


def leadership_report_create(
    *,
    period: str,
    scope: ReportScope | None = None,
    created_by: User | None,
    today: datetime.date | None = None,
    created_at: datetime.datetime | None = None,
    snapshot: dict | None = None,
    form_token: uuid.UUID | str | None = None,
) -> LeadershipReport:
    """Gather the report's data (or take the given snapshot) and save it as a dated report;
    the same form token twice gives back the report the first saved.

    ReportError when the period is not one, or nothing in the portfolio is in scope."""
    user_id = created_by.pk if created_by else None
    earlier = once.created_before(LeadershipReport, user_id=user_id, token=form_token)
    if earlier is not None:
        return earlier
    scope = scope or ReportScope()
    if snapshot is None:
        snapshot = selectors.leadership_report_data(period=period, scope=scope, today=today)
    if not snapshot["initiatives"]:
        raise ReportError(
            f"No initiative is in scope ({snapshot['scope']['description'].lower()}) in "
            f"{snapshot['period']}: there is nothing to report. Pick another period or scope.",
            field="period",
        )
    created_at = created_at or timezone.now()
    snapshot = snapshot_with_changes(snapshot=snapshot, created_at=created_at)
    return LeadershipReport.objects.create(
        period=snapshot["period"],
        scope_kind=snapshot["scope"]["kind"],
        scope_key=snapshot["scope"]["key"],
        scope_description=snapshot["scope"]["description"],
        as_of=datetime.date.fromisoformat(snapshot["as_of"]),
        snapshot=snapshot,
        created_by=created_by,
        form_token=once.scoped_token(user_id=user_id, token=form_token),
        created_at=created_at,
    )
