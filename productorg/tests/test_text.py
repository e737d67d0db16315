from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pyromark
import pytest
from django.core.cache import caches
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from productorg.text import (
    _PARSER,
    MARKDOWN_CACHE,
    _render,
    _with_hard_breaks,
    inert_markdown,
    quoted,
    render_markdown,
)


def test_markdown_renders_the_usual_formatting():
    html = render_markdown("**Ship** the _beta_\n\n- one\n- two\n\n[docs](https://example.com)")
    assert "<strong>Ship</strong>" in html and "<em>beta</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_scripts_handlers_and_javascript_links_render_inert(hostile):
    html = str(render_markdown(hostile)).lower()
    for danger in ["<script", "onerror", "onclick", "javascript:", "<iframe", "style="]:
        assert danger not in html


def test_the_filter_is_available_in_every_template_without_loading():
    rendered = Template("{{ text|markdown }}").render(Context({"text": "*hi*"}))
    assert "<em>hi</em>" in rendered


def test_lines_typed_one_under_another_stay_lines_whatever_the_line_ending():
    html = str(render_markdown("first\r\nsecond\rthird\nfourth"))
    assert html.count("<br>") == 3
    assert "<p>first<br>\nsecond<br>\nthird<br>\nfourth</p>" in html


def test_code_blocks_and_tables_render_as_before():
    html = str(render_markdown("```\nx = 1\ny = 2\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |"))
    assert "<pre><code>x = 1\ny = 2\n</code></pre>" in html
    assert "<th>a</th>" in html and "<td>2</td>" in html


SYNTAX = ["a", "b", " ", "*", "_", "`", "[", "]", "(", ")", "!", "<", ">", "#", "-", "+", "="]
SYNTAX += ["|", "\\", ":", "~", "&", ";", "1.", "\n", "\n\n", "  ", "    ", "> ", "- ", "```"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SYNTAX), max_size=40).map("".join))
def test_a_soft_line_break_becomes_hard_and_nothing_else_changes(source):
    def hard(events):
        return ["HardBreak" if event == "SoftBreak" else event for event in events]

    assert list(_PARSER.events(_with_hard_breaks(source))) == hard(_PARSER.events(source))


# 50 kB each of the inputs that made Python-Markdown (and some other parsers) quadratic.
PATHOLOGICAL = [
    "[a](", "*a", "_a", "**a", "[", "![", "[[", "](", "`", "`a", "> ", "- ", "1. ", "  - ",
    "_", "*_", "<", "<a ", "&#", "\\", "a\n", "[x]: /u\n", "|a|\n|-|\n", "*a **b ",
]  # fmt: skip


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_rendering_time_grows_linearly_on_pathological_input(unit):
    small, large = unit * (6_250 // len(unit)), unit * (50_000 // len(unit))
    # CPU time of this process (not wall time: other processes on a shared machine only add
    # wall time), the fastest of alternating runs.
    times = {small: float("inf"), large: float("inf")}
    for _ in range(5):
        for source in times:
            started = time.process_time()
            _render(source)
            times[source] = min(times[source], time.process_time() - started)
    # Eight times the text takes eight times the time when rendering is linear and 64 times
    # when it is quadratic; 20 leaves room for noise, the floor for the timer's resolution.
    assert times[large] <= 20 * times[small] + 0.01, f"{unit!r}: {sorted(times.values())} s"


def test_a_text_is_rendered_once_and_then_kept(monkeypatch):
    caches[MARKDOWN_CACHE].clear()
    calls = []
    monkeypatch.setattr("productorg.text._render", lambda source: calls.append(source) or source)
    first = render_markdown("kept *once*")
    assert render_markdown("kept *once*") == first
    assert calls == ["kept *once*"]
    # A new renderer renders every text afresh.
    monkeypatch.setattr("productorg.text.RENDERER_VERSION", "next")
    render_markdown("kept *once*")
    assert len(calls) == 2


class _Dangers(HTMLParser):
    """What in a page would run script or follow a link of another scheme than http, https or
    mailto, read as a browser reads the HTML (attributes decoded, tabs and newlines dropped)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "svg", "img", "style"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name == "style" and "url(" in (value or "")):
                self.found.append(f"{name}=")
            elif name in {"href", "src", "action", "formaction", "xlink:href"}:
                target = re.sub(r"[\t\n\r]", "", value or "").lstrip(CONTROL_AND_SPACE).lower()
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", target)
                if scheme and scheme[1] not in {"http", "https", "mailto"}:
                    self.found.append(target)


CONTROL_AND_SPACE = "".join(map(chr, range(33)))


def _unsafe_targets(markdown: str) -> list[str]:
    """What two permissive renderers (raw HTML on, every scheme allowed, as a wiki or a chat may
    be) would make of the Markdown that runs script or links to a dangerous scheme."""
    permissive = MarkdownIt("commonmark", {"html": True}).enable("table")
    permissive.validateLink = lambda url: True
    found = []
    for html in (pyromark.html(markdown), permissive.render(markdown)):
        dangers = _Dangers()
        dangers.feed(html)
        found += dangers.found
    return found


LINK_ATTACKS = [
    "[a](javascript:alert(1))",
    "[a](JAVASCRIPT:alert(1))",
    "[a]( javascript:alert(1))",
    "[a](\njavascript:alert(1))",
    "[a](java&#115;cript:alert(1))",
    "[a](javascript&colon;alert(1))",
    "[a](javascript\\:alert(1))",
    "[a](<javascript:alert(1)>)",
    "[a](data:text/html,<script>alert(1)</script>)",
    "[a](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[a]\n\n[a]: javascript:alert(1)",
    "[a][x]\n\n[x]:\n  javascript:alert(1)",
    '<a href="javascript:alert(1)">a</a>',
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<svg onload=alert(1)>",
    "![x](javascript:alert(1))",
    "**[a](javascript:alert(1))** and [b](https://example.com)",
]


@pytest.mark.parametrize("attack", LINK_ATTACKS)
def test_markdown_going_out_links_nowhere_dangerous_in_any_renderer(attack):
    assert _unsafe_targets(attack), "the attack table must hold real attacks"
    assert _unsafe_targets(inert_markdown(attack)) == []
    assert _unsafe_targets(quoted(attack)) == []


@pytest.mark.parametrize(
    "link",
    [
        "[docs](https://example.com/a_(b))",
        "[mail](mailto:pm@example.com)",
        "[here](/initiatives/12/)",
        "[part](#risks)",
        "![chart](https://example.com/c.png)",
        "[ref]\n\n[ref]: http://example.com",
    ],
)
def test_markdown_going_out_keeps_safe_and_relative_links(link):
    assert inert_markdown(link) == link
    assert pyromark.html(inert_markdown(link)) == pyromark.html(link)


def test_making_markdown_inert_is_linear():
    unit = "](javascript:" + "a" * 10
    started = time.process_time()
    inert_markdown(unit * (20_000 // len(unit)))
    half = time.process_time() - started
    started = time.process_time()
    inert_markdown(unit * (40_000 // len(unit)))
    assert time.process_time() - started <= 4 * half + 0.005


def test_a_text_nested_deeper_than_anyone_writes_is_shown_as_plain_text():
    html = str(render_markdown("> " * 50 + "deep <b>\n\nnext"))
    assert html == f"<p>{'&gt; ' * 50}deep &lt;b&gt;</p>\n<p>next</p>"
    # Nesting a person writes is rendered as usual.
    assert "<blockquote>" in render_markdown("> " * 5 + "quoted")
