from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

from productorg.reports.charts import category_share_bars
from productorg.strategy.models import WorkCategory
from productorg.strategy.selectors import CategoryShare


def shares(**efforts: int) -> list[CategoryShare]:
    total = sum(efforts.values())
    return [
        CategoryShare(
            category=category,
            effort=Decimal(efforts.get(category.value, 0)),
            share=efforts.get(category.value, 0) / total if total else 0.0,
            count=1,
        )
        for category in WorkCategory
    ]


def test_the_mix_chart_is_well_formed_svg_with_one_bar_per_category():
    svg = str(category_share_bars(shares(feature=60, growth=30, scaling=10)))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    assert root.tag.endswith("svg")
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == len(WorkCategory)


def test_bar_lengths_are_proportional_to_the_shares():
    svg = str(category_share_bars(shares(feature=60, growth=30, scaling=10)))
    widths = [float(width) for width in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1] == 6 * widths[2]
    assert widths[3] == 0


def test_an_empty_portfolio_draws_empty_bars_without_dividing_by_zero():
    svg = str(category_share_bars(shares()))
    assert "0% · 0 pw" in svg
