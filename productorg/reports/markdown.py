"""A report as Markdown for a chat or a wiki, made from its snapshot alone: the same snapshot
gives the same bytes. Titles and other short texts are escaped for Markdown and HTML; a status
text keeps its Markdown but loses its power to inject HTML or to link anywhere but http, https,
mailto or a relative address (`productorg.text.quoted`)."""

from __future__ import annotations

import datetime

from productorg.reports.document import DECISION_EXCERPT_CHARS, excerpt
from productorg.reports.selectors import HEALTH_LABELS, HEALTHS
from productorg.text import md_escape, quoted


def _day(value: str | None) -> str:
    if not value:
        return "—"
    day = datetime.date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


def _changes(changes: dict) -> list[str]:
    before = changes["before"]
    lines = [
        f"### What moved since the previous report ({md_escape(before.get('period') or '')}, "
        f"as of {_day(before.get('as_of'))})",
        "",
    ]
    for row in changes["health_changed"]:
        lines.append(
            f"- Health changed: **{md_escape(row['title'])}** "
            f"{HEALTH_LABELS[row['before']]} → {HEALTH_LABELS[row['after']]}"
        )
    for row in changes["new_risks"]:
        lines.append(
            f"- New risk on **{md_escape(row['title'])}** ({row['severity']}): "
            f"{md_escape(row['description'])}"
        )
    for row in changes["slipped_milestones"]:
        overdue = ", now overdue" if row["overdue"] else ""
        lines.append(
            f"- Milestone slipped on **{md_escape(row['title'])}**: "
            f"{md_escape(row['milestone'])}, due {_day(row['due_before'])} → "
            f"{_day(row['due_after'])}{overdue}"
        )
    for row in changes["new_initiatives"]:
        lines.append(f"- New in this report: **{md_escape(row['title'])}**")
    for row in changes["removed_initiatives"]:
        lines.append(f"- No longer in this report: **{md_escape(row['title'])}**")
    if len(lines) == 2:
        lines.append("Nothing moved.")
    return [*lines, ""]


def _charts(charts: dict) -> list[str]:
    lines = ["## Charts", "", "### Health by team", ""]
    lines += ["| Team | Green | Amber | Red | No update |", "| --- | ---: | ---: | ---: | ---: |"]
    for row in charts["health_by_team"]:
        counts = " | ".join(str(row[key]) for key in HEALTHS)
        lines.append(f"| {md_escape(row['team'])} | {counts} |")
    mix = charts["mix"]
    lines += ["", f"### Effort by work category ({md_escape(mix['scope'])})", ""]
    lines += [
        "| Work category | Planned effort (pw) | Share | Target |",
        "| --- | ---: | ---: | ---: |",
    ]
    for fader in mix["faders"]:
        share = "—" if fader["actual"] is None else f"{fader['actual']} %"
        target = "—" if fader["target"] is None else f"{fader['target']} % ± {fader['tolerance']}"
        lines.append(f"| {fader['label']} | {fader['effort']} | {share} | {target} |")
    lines += ["", "### Key results", ""]
    if charts["key_results"]:
        lines += ["| Key result | Objective | Progress | Current | Target |"]
        lines += ["| --- | --- | ---: | ---: | ---: |"]
        for row in charts["key_results"]:
            lines.append(
                f"| {md_escape(row['metric'])} | {md_escape(row['objective'])} | "
                f"{round(100 * float(row['progress']))} % | {md_escape(row['current'] or '—')} | "
                f"{md_escape(row['target'] + row['unit'])} |"
            )
    else:
        lines.append("No key results of the period's objectives.")
    return [*lines, ""]


def _initiative(entry: dict) -> list[str]:
    lines = [f"### {md_escape(entry['title'])}", ""]
    if entry["health"] == "none":
        lines.append("- Health: no status update yet")
    else:
        lines.append(
            f"- Health: {HEALTH_LABELS[entry['health']]} ({entry['progress']} % done, "
            f"status of {_day(entry['status_date'])})"
        )
    teams = ", ".join(md_escape(team) for team in entry["teams"]) or "—"
    quarters = entry["quarters"]
    when = f" · {quarters[0]} – {quarters[-1]}" if quarters else ""
    lines.append(f"- Teams: {teams}")
    lines.append(f"- {entry['status_label']} · {entry['category_label']}{when}")
    milestones = entry["milestones"]
    if milestones:
        overdue = f", {entry['milestones_overdue']} overdue" if entry["milestones_overdue"] else ""
        lines.append(
            f"- Milestones: {entry['milestones_done']} of {entry['milestones_total']} done{overdue}"
        )
        for milestone in milestones:
            tick = "x" if milestone["done"] else " "
            late = ", overdue" if milestone["overdue"] else ""
            lines.append(
                f"  - [{tick}] {md_escape(milestone['title'])} (due {_day(milestone['due'])}{late})"
            )
    else:
        lines.append("- Milestones: none set")
    if entry["risks"]:
        lines.append("- Open risks:")
        for risk in entry["risks"]:
            mitigation = (
                f" — mitigation: {md_escape(risk['mitigation'])}" if risk["mitigation"] else ""
            )
            lines.append(
                f"  - {risk['severity'].capitalize()}: {md_escape(risk['description'])}{mitigation}"
            )
    else:
        lines.append("- Open risks: none")
    lines.append("")
    for label, key in (
        ("Status", "status_text"),
        ("Risks in the update", "risks_text"),
        ("Decisions needed", "decisions_needed"),
    ):
        if entry[key].strip():
            lines += [f"{label}:", "", quoted(entry[key]), ""]
    return lines


def report_markdown(snapshot: dict) -> str:
    """The whole report as Markdown: summary, what moved, charts as tables, each initiative."""
    summary = snapshot["summary"]
    lines = [
        f"# Leadership report {md_escape(snapshot['period'])}",
        "",
        f"{md_escape(snapshot['scope']['description'])} · status as of {_day(snapshot['as_of'])}"
        f" · {summary['total']} initiative{'' if summary['total'] == 1 else 's'}",
        "",
        "## Summary",
        "",
        "| Health | Initiatives |",
        "| --- | ---: |",
        *(f"| {HEALTH_LABELS[key]} | {summary['health'][key]} |" for key in HEALTHS),
        "",
        f"Overdue milestones: {summary['overdue_milestones']} · "
        f"Open risks: {summary['open_risks']}",
        "",
    ]
    if snapshot.get("changes"):
        lines += _changes(snapshot["changes"])
    lines += ["### Decisions needed", ""]
    if summary["decisions"]:
        lines += [
            f"- **{md_escape(decision['title'])}**: "
            f"{md_escape(excerpt(decision['text'], DECISION_EXCERPT_CHARS))}"
            for decision in summary["decisions"]
        ]
    else:
        lines.append("None in the latest status updates.")
    lines += ["", "### Initiatives at a glance", ""]
    if snapshot["initiatives"]:
        lines += ["| Initiative | Team | Health | Progress | Latest status |"]
        lines += ["| --- | --- | --- | ---: | --- |"]
        for entry in snapshot["initiatives"]:
            progress = "—" if entry["progress"] is None else f"{entry['progress']} %"
            lines.append(
                f"| {md_escape(entry['title'])} | {md_escape(entry['team'] or '—')} | "
                f"{HEALTH_LABELS[entry['health']]} | {progress} | "
                f"{md_escape(excerpt(entry['status_text'])) or '—'} |"
            )
    else:
        lines.append("No initiative is in scope in this period.")
    lines += ["", *_charts(snapshot["charts"]), "## Initiatives", ""]
    for entry in snapshot["initiatives"]:
        lines += _initiative(entry)
    return "\n".join(lines).rstrip() + "\n"
