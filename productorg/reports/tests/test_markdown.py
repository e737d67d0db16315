from __future__ import annotations

import copy

from productorg.reports.document import SUMMARY_EXCERPT_CHARS, excerpt
from productorg.reports.markdown import md_escape, report_markdown
from productorg.reports.selectors import leadership_report_data
from productorg.reports.tests.portfolio import portfolio_create
from productorg.strategy.models import StatusUpdate
from productorg.tests.test_text import LINK_ATTACKS, _unsafe_targets

EVIL_TITLE = "**Bold** [link](http://x) <script>alert(1)</script> | pipe #1"


def test_the_same_snapshot_gives_byte_identical_markdown(org):
    work = portfolio_create(org)
    snapshot = leadership_report_data(period=work.quarter, today=work.today)
    first = report_markdown(snapshot)
    again = leadership_report_data(period=work.quarter, today=work.today)
    assert report_markdown(copy.deepcopy(again)).encode() == first.encode()
    assert first.endswith("\n") and not first.endswith("\n\n")


def test_the_markdown_has_the_summary_and_every_initiative_with_its_status(org):
    work = portfolio_create(org)
    text = report_markdown(leadership_report_data(period=work.quarter, today=work.today))
    assert text.startswith(f"# Leadership report {work.quarter}\n")
    assert "| Amber | 1 |" in text
    assert "### Checkout revamp" in text and "### Search relevance" in text
    assert "> The **payment provider** slipped two weeks." in text
    assert "Cut the admin screens or move the date?" in text
    assert "  - [ ] Beta (due" in text and "overdue" in text


def test_titles_with_markdown_or_html_are_escaped(org):
    work = portfolio_create(org)
    work.revamp.title = EVIL_TITLE
    work.revamp.save()
    text = report_markdown(leadership_report_data(period=work.quarter, today=work.today))
    assert EVIL_TITLE not in text
    assert "<script>" not in text
    escaped = md_escape(EVIL_TITLE)
    assert f"### {escaped}" in text
    assert escaped == (
        r"\*\*Bold\*\* \[link\]\(http://x\) &lt;script&gt;alert\(1\)&lt;/script&gt; \| pipe \#1"
    )


def test_html_in_a_status_text_is_shown_as_text_not_markup(org):
    work = portfolio_create(org)
    StatusUpdate.objects.create(
        initiative=work.revamp,
        date=work.today,
        health="red",
        progress=1,
        summary='Fine <img src=x onerror="alert(1)"> really',
    )
    text = report_markdown(leadership_report_data(period=work.quarter, today=work.today))
    assert "<img" not in text
    assert "&lt;img src=x" in text


def test_a_huge_status_text_is_cut_in_the_summary_and_whole_in_the_detail(org):
    work = portfolio_create(org)
    huge = "word " * 2000 + "THE-END"
    StatusUpdate.objects.create(
        initiative=work.revamp, date=work.today, health="red", progress=1, summary=huge
    )
    text = report_markdown(leadership_report_data(period=work.quarter, today=work.today))
    glance_row = next(line for line in text.splitlines() if line.startswith("| Checkout revamp"))
    assert len(glance_row) < SUMMARY_EXCERPT_CHARS + 80
    assert glance_row.count("word") < 60 and "…" in glance_row
    assert text.count("THE-END") == 1
    assert "> " + huge.strip() in text


def test_an_excerpt_cuts_at_a_word_and_keeps_short_texts_whole():
    assert excerpt("short\n\ntext") == "short text"
    cut = excerpt("alpha " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("alpha…")


def test_links_in_status_texts_lead_nowhere_dangerous_in_the_markdown(org):
    work = portfolio_create(org)
    attacks = "\n\n".join(LINK_ATTACKS)
    StatusUpdate.objects.create(
        initiative=work.revamp,
        date=work.today,
        health="red",
        progress=1,
        summary=attacks[:4000],
        risks="[risk](JaVaScRiPt:alert(1)) and [ok](https://example.com/risk)",
        decisions_needed="[d]: javascript:alert(1)\n\n[d]",
    )
    text = report_markdown(leadership_report_data(period=work.quarter, today=work.today))
    assert _unsafe_targets(text) == []
    assert "[ok](https://example.com/risk)" in text
