"""The career ladder of DESIGN.md: the IC track, then the manager track, lowest rank first."""

from __future__ import annotations

# (code, name, rank, track)
LADDER = [
    ("apm", "Associate PM", 1, "ic"),
    ("pm", "PM", 2, "ic"),
    ("senior-pm", "Senior PM", 3, "ic"),
    ("principal-pm", "Principal PM", 4, "ic"),
    ("group-pm", "Group PM", 5, "manager"),
    ("manager-of-pm", "Manager of PM", 6, "manager"),
    ("director", "Director", 7, "manager"),
    ("vp", "VP", 8, "manager"),
    ("cpo", "CPO", 9, "manager"),
]
