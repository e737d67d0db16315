"""Markdown rendering on pathological input: does any text take long to render?

Each input repeats a short piece of Markdown syntax (brackets, emphasis, backticks, nested
quotes and lists, raw HTML…) to 20 kB and 50 kB, the sizes of a 1:1 note and a charter, and
renders it with `productorg.text`'s renderer (pulldown-cmark through pyromark, then nh3),
without its cache. Side by side, in the same run, when they are installed: the renderer used
before (Python-Markdown with the same extensions, then nh3) and markdown-it-py (pure Python,
"js-default" preset), each stopped after `--limit` seconds of CPU per document. Each figure is
the median of three runs for the renderer in use, one run for the others. The budget: every 50 kB
document under 50 ms with the renderer in use; the exit status says whether it held.
Times are wall-clock milliseconds (CPU time on these machines moves in steps of 4 ms).

`python -m bench markdown [--limit S]`.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from collections.abc import Callable

SIZES = (20_000, 50_000)
BUDGET_SECONDS = 0.050
REPEATS = 3

INPUTS = {
    "inline link openers `[a](`": "[a](",
    "emphasis `*a`": "*a",
    "emphasis `_a`": "_a",
    "strong `**a`": "**a",
    "emphasis pairs `*_`": "*_",
    "mixed emphasis `*a **b `": "*a **b ",
    "brackets `[`": "[",
    "nested brackets `[[`": "[[",
    "image openers `![`": "![",
    "closers `](`": "](",
    "backticks `` ` ``": "`",
    "code openers `` `a ``": "`a",
    "nested quotes `> `": "> ",
    "nested lists `1. `": "1. ",
    "quotes of lists `> - `": "> - ",
    "lists on lines `1. 1. 1.`": "1. 1. 1.\n",
    "raw HTML `<div>`": "<div>",
    "raw HTML `<ul><li>`": "<ul><li>",
    "tag openers `<a `": "<a ",
    "entities `&#`": "&#",
    "backslashes": "\\",
    "lines `a`": "a\n",
    "reference definitions": "[x]: /u\n",
    "table rows": "|a|\n|-|\n",
    "a typical note": (
        "Talked about **pricing**: the _beta_ slips a week.\n"
        "- ask [Ana](https://example.com/ana) about `checkout`\n- review the risks\n\n"
    ),
}


class TooLong(Exception):
    pass


def _stop(signum, frame):
    raise TooLong


def _engines() -> dict[str, Callable[[str], str] | None]:
    import nh3

    from productorg.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, _render

    def clean(html: str) -> str:
        return nh3.clean(
            html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES
        )

    engines: dict[str, Callable[[str], str] | None] = {"pulldown-cmark (now)": _render}
    try:
        import markdown

        engines["Python-Markdown (before)"] = lambda text: clean(
            markdown.markdown(text, extensions=["extra", "sane_lists", "nl2br"])
        )
    except ImportError:
        engines["Python-Markdown (before)"] = None
    try:
        from markdown_it import MarkdownIt

        parser = MarkdownIt("js-default", {"breaks": True})
        engines["markdown-it-py"] = lambda text: clean(parser.render(text))
    except ImportError:
        engines["markdown-it-py"] = None
    return engines


def _seconds(render: Callable[[str], str], text: str, repeats: int, limit: float) -> float | None:
    """Seconds to render, the median of `repeats`; None when one run passed `limit` of CPU."""
    times = []
    for _ in range(repeats):
        signal.setitimer(signal.ITIMER_PROF, limit)
        started = time.perf_counter()
        try:
            render(text)
        except TooLong:
            return None
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench markdown", description=__doc__)
    parser.add_argument(
        "--limit", type=float, default=3.0, help="seconds per document for the old renderers"
    )
    options = parser.parse_args(argv)
    signal.signal(signal.SIGPROF, _stop)
    engines = _engines()
    names = list(engines)
    print("Markdown rendering, ms per document (20 kB / 50 kB):")
    print(f"| input | {' | '.join(names)} |")
    print(f"| --- |{' ---: |' * len(names)}")
    over_budget = []
    for label, unit in INPUTS.items():
        cells = []
        for name in names:
            render = engines[name]
            if render is None:
                cells.append("not installed")
                continue
            figures = []
            for size in SIZES:
                text = unit * (size // len(unit))
                repeats = REPEATS if name == names[0] else 1
                seconds = _seconds(render, text, repeats, options.limit if name != names[0] else 60)
                figures.append(
                    f"> {options.limit * 1000:,.0f}"
                    if seconds is None
                    else f"{seconds * 1000:,.1f}"
                )
                if (
                    name == names[0]
                    and size == SIZES[-1]
                    and (seconds is None or seconds > BUDGET_SECONDS)
                ):
                    over_budget.append(label)
            cells.append(" / ".join(figures))
        print(f"| {label} | {' | '.join(cells)} |", flush=True)
    print(
        f"Budget: every 50 kB document under {BUDGET_SECONDS * 1000:.0f} ms with {names[0]}: "
        + ("held." if not over_budget else f"missed by {', '.join(over_budget)}.")
    )
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
