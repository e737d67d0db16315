"""The demo's leadership reports: last quarter's and this quarter's, so the Reports pages
have a history and the newer report shows what moved since the older one.

The older report is gathered as of the last day of the previous quarter, so it reads the
status updates posted by then (health and progress differ), counts the milestones overdue by
then, and covers the initiatives of that quarter. Risks carry no dates, so one open risk is
left out of the older snapshot, as if it was raised since: the newer report lists it as new.
"""

from __future__ import annotations

from datetime import date, datetime

from productorg.demo import clock
from productorg.reports import selectors, services
from productorg.reports.models import LeadershipReport
from productorg.strategy.periods import quarter_add, quarter_dates, quarter_of


def _without_newest_risk(older: dict, newer: dict) -> dict:
    """The older snapshot minus the newest open risk (highest id) of an initiative that the
    newer snapshot covers too, so the newer report shows it as a new risk."""
    in_both = {entry["id"] for entry in newer["initiatives"]}
    risky = [entry for entry in older["initiatives"] if entry["risks"] and entry["id"] in in_both]
    if not risky:
        return older
    newest = max(risk["id"] for entry in risky for risk in entry["risks"])
    for entry in risky:
        entry["risks"] = [risk for risk in entry["risks"] if risk["id"] != newest]
    older["summary"]["open_risks"] -= 1
    return older


def reports_demo_create(*, today: date, now: datetime | None = None) -> list[LeadershipReport]:
    """Last quarter's report (made on its last day) and this quarter's (made today), of the
    default scope; none when the demo has reports already or nothing is in scope."""
    if LeadershipReport.objects.exists():
        return []
    current = quarter_of(today)
    previous = quarter_add(current, -1)
    last_day = quarter_dates(previous)[1]
    newer = selectors.leadership_report_data(period=current, today=today)
    older = selectors.leadership_report_data(period=previous, today=last_day)
    older = _without_newest_risk(older, newer)
    made = []
    # The older first: the newer one's "what moved" is counted from it.
    for snapshot, day in ((older, last_day), (newer, today)):
        try:
            report = services.leadership_report_create(
                period=snapshot["period"],
                created_by=None,
                snapshot=snapshot,
                created_at=clock.moment(day, 16, now=now or clock.end_of_day(today)),
            )
        except selectors.ReportError:
            continue
        made.append(report)
    return made
