from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

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


def radar(axes: list[str], *values: list[float | None]):
    from productorg.reports.charts import RadarSeries, radar_chart

    series = [RadarSeries(f"Series {i}", list(v)) for i, v in enumerate(values)]
    series.append(RadarSeries("Expected (meets)", [2] * len(axes), reference=True))
    return str(radar_chart(axes, series, scale_labels=["below", "meets", "exceeds", "next"]))


def test_the_radar_chart_is_well_formed_svg_with_one_axis_per_competency():
    axes = ["Discovery", "Delivery", "Coaching", "Hiring", "Strategy"]
    svg = radar(axes, [1, 2, 3, 4, 2], [2, 2, 2, 2, 2])
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img" and "5 competencies" in root.get("aria-label")
    assert root.find(f"{ns}title").text
    axis_lines = [line for line in root.iter(f"{ns}line") if line.get("class") == "radar-axis"]
    assert len(axis_lines) == len(axes)
    series = [g for g in root.iter(f"{ns}g") if g.get("class") == "radar-series"]
    assert len(series) == 3
    legend = [g for g in root.iter(f"{ns}g") if g.get("class") == "radar-legend"]
    assert [g.find(f"{ns}text").text for g in legend] == [
        "Series 0",
        "Series 1",
        "Expected (meets)",
    ]


def test_radar_values_sit_at_their_distance_from_the_centre():
    svg = radar(["A", "B", "C", "D"], [4, 2, 4, 2])
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    ns = "{http://www.w3.org/2000/svg}"
    dots = [
        (float(c.get("cx")), float(c.get("cy")))
        for g in root.iter(f"{ns}g")
        if g.get("class") == "radar-series"
        for c in g.iter(f"{ns}circle")
    ][:4]
    top, right, bottom, left = dots
    centre_x, centre_y = top[0], (top[1] + bottom[1]) / 2
    radius = centre_y - top[1]
    # 4 is the outer ring, 2 half way: "meets" sits half way out on every axis.
    assert right == pytest.approx((centre_x + radius / 2, centre_y))
    assert left == pytest.approx((centre_x - radius / 2, centre_y))
    assert bottom == pytest.approx((centre_x, centre_y + radius))


def test_radar_labels_and_series_names_are_escaped():
    svg = radar(['<script>alert("x")</script> & co'], [3])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg
    ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML


def test_a_missing_rating_draws_at_the_centre_without_a_point():
    svg = radar(["A", "B", "C"], [3, None, 2])
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    ns = "{http://www.w3.org/2000/svg}"
    series = next(g for g in root.iter(f"{ns}g") if g.get("class") == "radar-series")
    assert len(series.findall(f"{ns}circle")) == 2
    assert "B —" in series.find(f"{ns}polygon").find(f"{ns}title").text


def test_long_competency_names_wrap_onto_more_lines():
    svg = radar(["Raising the bar of the product-management function", "B", "C"], [2, 2, 2])
    # Three lines for the long name, one each for "B" and "C".
    assert svg.count("<tspan") == 5
