"""A report snapshot made ready to show: dates as dates, charts drawn, status texts cut for
the summary. The page and the PDF render the same context through the same template."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from productorg.reports import charts
from productorg.reports.selectors import HEALTH_LABELS, HEALTHS
from productorg.strategy.selectors.mix import Fader

# A status text in the one-page summary: about two lines; the detail shows all of it.
SUMMARY_EXCERPT_CHARS = 240
# A decision needed, in the summary.
DECISION_EXCERPT_CHARS = 300
# Rows of one chart drawing: a longer chart is drawn in pieces, so each fits a printed page.
CHART_ROWS = 30


def excerpt(text: str, limit: int = SUMMARY_EXCERPT_CHARS) -> str:
    """The text on one line, cut at a word near `limit` with an ellipsis when longer."""
    # A summary line is plain text: links and images keep their words, emphasis its text.
    plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    plain = re.sub(r"\*\*|__|`", "", plain)
    flat = re.sub(r"\s+", " ", plain).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return f"{cut.rstrip()}…"


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def mix_chart(mix: dict):
    faders = [
        Fader(
            key=fader["key"],
            label=fader["label"],
            effort=Decimal(fader["effort"]),
            actual=_decimal(fader["actual"]),
            target=_decimal(fader["target"]),
            tolerance=_decimal(fader["tolerance"]),
        )
        for fader in mix["faders"]
    ]
    if not any(fader.actual is not None or fader.target is not None for fader in faders):
        return ""
    return charts.mix_faders(faders, title=f"Effort by work category ({mix['scope']})")


def _initiative(entry: dict) -> dict:
    return {
        **entry,
        "health_label": HEALTH_LABELS[entry["health"]],
        "status_date": _date(entry["status_date"]),
        "excerpt": excerpt(entry["status_text"]),
        "milestones": [
            {**milestone, "due": _date(milestone["due"])} for milestone in entry["milestones"]
        ],
    }


def changes_context(changes: dict | None) -> dict | None:
    """A diff of two snapshots with health words and dates for display."""
    if changes is None:
        return None
    return {
        **changes,
        "before_as_of": _date(changes["before"].get("as_of")),
        "health_changed": [
            {
                **row,
                "before_label": HEALTH_LABELS[row["before"]],
                "after_label": HEALTH_LABELS[row["after"]],
            }
            for row in changes["health_changed"]
        ],
        "slipped_milestones": [
            {**row, "due_before": _date(row["due_before"]), "due_after": _date(row["due_after"])}
            for row in changes["slipped_milestones"]
        ],
        "empty": not any(
            changes[key]
            for key in (
                "health_changed",
                "new_risks",
                "slipped_milestones",
                "new_initiatives",
                "removed_initiatives",
            )
        ),
    }


def _in_pieces(rows: list, size: int = CHART_ROWS) -> list[list]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def document_context(snapshot: dict) -> dict:
    """Everything the report template shows, from the snapshot alone."""
    summary = snapshot["summary"]
    initiatives = [_initiative(entry) for entry in snapshot["initiatives"]]
    return {
        "period": snapshot["period"],
        "as_of": _date(snapshot["as_of"]),
        "scope_description": snapshot["scope"]["description"],
        "total": summary["total"],
        "health_counts": [
            {"key": key, "label": HEALTH_LABELS[key], "count": summary["health"][key]}
            for key in HEALTHS
        ],
        "decisions": [
            {**decision, "excerpt": excerpt(decision["text"], DECISION_EXCERPT_CHARS)}
            for decision in summary["decisions"]
        ],
        "overdue_milestones": summary["overdue_milestones"],
        "open_risks": summary["open_risks"],
        "initiatives": initiatives,
        "health_charts": [
            charts.health_by_team_chart(rows)
            for rows in _in_pieces(snapshot["charts"]["health_by_team"])
        ],
        "mix_chart": mix_chart(snapshot["charts"]["mix"]),
        "key_results_charts": [
            charts.key_results_chart(rows) for rows in _in_pieces(snapshot["charts"]["key_results"])
        ],
        "changes": changes_context(snapshot.get("changes")),
        "has_previous": snapshot.get("changes") is not None,
        # Every part of the report (a long PDF is laid out in parts, see reports/pdf.py).
        "show_head": True,
        "glance_rows": initiatives,
        "show_charts": True,
        "show_key_results": True,
        "detail_initiatives": initiatives,
        "show_details_heading": True,
        "glance_links": True,
    }
