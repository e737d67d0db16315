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


def faders(*readings: tuple) -> list:
    from productorg.strategy.selectors.mix import Fader

    return [
        Fader(
            key=label.lower(),
            label=label,
            effort=Decimal(10),
            actual=None if actual is None else Decimal(actual),
            target=None if target is None else Decimal(target),
            tolerance=None if target is None else Decimal(tolerance),
        )
        for label, actual, target, tolerance in readings
    ]


def test_mix_faders_are_well_formed_svg_with_a_titled_link_per_fader():
    from productorg.reports.charts import mix_faders

    row = faders(("Feature", 55, 50, 5), ("Growth", 45, 50, 5))
    svg = str(mix_faders(row, hrefs=["/a?x=1&y=2", "/b"], hx_target="#drill", title="Checkout"))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f"{ns}a")
    assert [link.get("href") for link in links] == ["/a?x=1&y=2", "/b"]
    assert all(link.get("hx-target") == "#drill" for link in links)
    assert [link.find(f"{ns}title").text for link in links] == [
        "Feature: 55 % of planned effort (10 person-weeks), target 50 ± 5 — ✓ in tolerance."
        " Show the initiatives.",
        "Growth: 45 % of planned effort (10 person-weeks), target 50 ± 5 — ✓ in tolerance."
        " Show the initiatives.",
    ]
    assert root.get("aria-label") == "Checkout: all in tolerance"


def test_a_fader_out_of_tolerance_is_coloured_and_says_so_in_words():
    from productorg.reports.charts import FADER_OUT_COLOUR, mix_faders

    svg = str(mix_faders(faders(("Feature", 70, 50, 5), ("Growth", 20, 40, 5))))
    assert svg.count(f'fill="{FADER_OUT_COLOUR}" class="fader-verdict">⚠') == 2
    assert "⚠ 20 pp over" in svg and "⚠ 20 pp under" in svg
    assert svg.count('class="fader fader-out"') == 2
    assert "2 of 2 out of tolerance" in svg


def test_knob_target_and_band_sit_at_their_percentages_on_the_track():
    from productorg.reports.charts import FADER_TOP, FADER_TRACK_HEIGHT, mix_faders

    svg = str(mix_faders(faders(("Feature", 25, 50, 10))))
    bottom = FADER_TOP + FADER_TRACK_HEIGHT
    knob_y = float(re.search(r'y="([\d.]+)" width="32" height="14"', svg).group(1))
    assert knob_y + 7 == bottom - FADER_TRACK_HEIGHT * 0.25
    target_y = float(re.search(r'y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+" stroke="#000"', svg)[1])
    assert target_y == bottom - FADER_TRACK_HEIGHT * 0.5
    band = re.search(r'y="([\d.]+)" width="36" height="([\d.]+)"', svg)
    assert float(band[1]) == bottom - FADER_TRACK_HEIGHT * 0.6
    assert float(band[2]) == FADER_TRACK_HEIGHT * 0.2


def test_a_fader_without_effort_or_target_draws_no_knob_and_says_why():
    from productorg.reports.charts import mix_faders

    svg = str(mix_faders(faders(("Customer", None, 50, 5), ("Business", 30, None, None))))
    assert svg.count('class="fader-knob"') == 1
    assert svg.count('class="fader-target"') == 1
    assert "no effort" in svg and "no target" in svg
    assert "<a " not in svg  # no links without hrefs


def test_long_value_labels_wrap_onto_two_lines_and_escape():
    from productorg.reports.charts import mix_faders

    svg = str(mix_faders(faders(("Product-market-fit expansion <b>", 10, None, None))))
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML


def test_the_health_by_team_chart_is_well_formed_and_escapes_team_names():
    from productorg.reports.charts import health_by_team_chart

    rows = [
        {"team": "<b>Checkout</b>", "green": 2, "amber": 1, "red": 0, "none": 1},
        {"team": "Search", "green": 0, "amber": 0, "red": 3, "none": 0},
    ]
    svg = str(health_by_team_chart(rows))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    assert root.tag.endswith("svg")
    assert "<b>" not in svg and "&lt;b&gt;Checkout" in svg
    assert "2 green, 1 amber, 1 no update" in svg and "3 red" in svg
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 4


def test_the_key_results_chart_draws_each_key_results_progress():
    from productorg.reports.charts import key_results_chart

    rows = [
        {
            "objective": "Grow",
            "metric": "Repeat rate",
            "baseline": "10",
            "target": "20",
            "current": "15",
            "unit": "%",
            "progress": 0.5,
        }
    ]
    svg = str(key_results_chart(rows))
    ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not untrusted XML
    assert "50 % · 15 of 20%" in svg
    assert str(key_results_chart([])) == ""


def test_the_mix_chart_draws_effort_with_no_category_as_its_own_grey_bar():
    bars = [*shares(feature=60), CategoryShare(None, Decimal(40), 0.4, 2)]
    svg = str(category_share_bars(bars))
    assert "No category: 40% (40 person-weeks)" in svg
    assert 'fill="#8C8C8C"' in svg
