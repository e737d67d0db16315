"""User text made inert: Markdown rendered to safe HTML (the one way user text becomes HTML),
Markdown copied into a Markdown download without live HTML or dangerous links, and
spreadsheet cells that would run as formulas.

Registered as a template builtin, so every template can say `{{ note.text|markdown }}`.
"""

from __future__ import annotations

import hashlib
import re
from itertools import accumulate
from typing import Any

import nh3
import pyromark
from django import template
from django.core.cache import caches
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# pulldown-cmark (Rust, through pyromark): CommonMark and GFM tables in time linear in the
# text, whatever its brackets, emphasis or backticks (bench/markdown.py measures it). The
# Python parsers are not: Python-Markdown took 56 s for 50 KB of "[a](", markdown-it-py some
# seconds for 50 KB of "![".
_PARSER = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)
# Part of every cache key: a new parser version, allowlist or option renders texts afresh.
RENDERER_VERSION = f"pyromark-{pyromark.__version__}-1"
MARKDOWN_CACHE = "markdown"
# Bigger HTML is rendered each time (a few milliseconds), so the cache stays small.
CACHED_HTML_MAX_CHARS = 50_000
# The sanitiser's HTML parser (html5ever) takes time growing with the square of the nesting:
# 50 kB of "> - " (12,500 nested quotes and lists) took 4 s. Nothing written by hand nests
# this deep, so such a text is shown as plain text.
MAX_NESTING = 40
_VOID_ELEMENTS = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr"
_TAG = re.compile(rf"<(/?)(?!(?:{_VOID_ELEMENTS})\b)[A-Za-z]")


def _with_hard_breaks(source: str) -> str:
    """The text with every soft line break made hard: a note typed line by line reads line by
    line (what Python-Markdown's nl2br did). Two spaces before a soft break's line ending make
    it hard and, being whitespace like the line ending, change no emphasis around it."""
    data = source.encode("utf-8")
    pieces, last = [], 0
    for event, span in _PARSER.events_with_range(source):
        if event == "SoftBreak":
            line_end = data.index(b"\n", span["start"])
            pieces += [data[last:line_end], b"  "]
            last = line_end
    if not pieces:
        return source
    pieces.append(data[last:])
    return b"".join(pieces).decode("utf-8")


def _nesting(html: str) -> int:
    """How deep the elements of the HTML nest, at most (an element left open counts as open)."""
    return max(accumulate(-1 if closing else 1 for closing in _TAG.findall(html)), default=0)


def _plain(source: str) -> str:
    """The text as paragraphs of plain text, its lines kept."""
    paragraphs = re.split(r"\n[ \t]*\n", source.strip())
    return "\n".join(
        f"<p>{escape(paragraph)}</p>".replace("\n", "<br>\n") for paragraph in paragraphs
    )


def _render(source: str) -> str:
    html = _PARSER.html(source)
    if _nesting(html) > MAX_NESTING:
        return _plain(source)
    if "\n" in source:
        html = _PARSER.html(_with_hard_breaks(source))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML with scripts, event handlers, styles and javascript: links removed;
    each text is rendered once per process and then kept by the hash of its text."""
    if not text:
        return mark_safe("")
    # One line ending (a textarea sends CRLF); a lone surrogate cannot reach the parser.
    source = text.replace("\r\n", "\n").replace("\r", "\n")
    source = source.encode("utf-8", "replace").decode("utf-8")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    key = f"markdown:{RENDERER_VERSION}:{digest}"
    cache = caches[MARKDOWN_CACHE]
    html = cache.get(key)
    if html is None:
        html = _render(source)
        if len(html) <= CACHED_HTML_MAX_CHARS:
            cache.set(key, html)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 (ammonia) in _render


# Markdown out: a download read in a chat, a wiki or a repository renders what it is given.

# Characters that would turn a title into emphasis, a link, a heading, a table cell break or
# code in Markdown.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#|~!])")

# Where a link destination starts: `](` of an inline link or image, `]:` of a reference
# definition, then optional whitespace (line endings too) and `<`, then a URL scheme. Tabs,
# line endings and backslashes inside the scheme count (browsers drop the first two, `\:` is
# an escaped colon). No part repeats `]`, so each match scans at most to the next `]`: linear.
_LINK_DESTINATION = re.compile(
    r"(?P<bracket>\][\x00-\x20]*)(?P<opener>[(:])"
    r"(?P<space>(?:[\x00-\x20]|&lt;)*)(?P<scheme>[A-Za-z][A-Za-z0-9+.\-\\\t\n\r]*):"
)
_SCHEME_NOISE = re.compile(r"[\\\t\n\r]")
SAFE_LINK_SCHEMES = ALLOWED_URL_SCHEMES


def _inert_link(match: re.Match[str]) -> str:
    scheme = _SCHEME_NOISE.sub("", match["scheme"]).lower()
    if scheme in SAFE_LINK_SCHEMES:
        return match[0]
    # `]\(` and `]\:` open no link and define no reference: the reader sees the text as typed.
    return f"{match['bracket']}\\{match['opener']}{match['space']}{match['scheme']}:"


def md_escape(text: str) -> str:
    """Plain text as inert Markdown on one line: HTML characters as entities, Markdown's own
    characters behind a backslash."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIALS.sub(r"\\\1", flat)


def inert_markdown(text: str) -> str:
    """A person's Markdown kept as Markdown, but inert in any renderer: raw HTML, autolinks
    and entities shown as text, links and images other than http, https, mailto or relative
    shown as the text they were typed as."""
    safe = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LINK_DESTINATION.sub(_inert_link, safe)


def quoted(text: str) -> str:
    """A person's Markdown as a block quote, made inert as `inert_markdown` says."""
    lines = inert_markdown(text).strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with a leading `'`; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
