"""Each chart builder's traces for a small frame built in code: types, x/y values, names, colours, hover texts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.domain.targets import Bullet, Path
from dashboard.formats import NBSP
from dashboard.reports import charts
from dashboard.reports.charts import NOT_STATED_COLOR, PALETTE, STATUS_COLORS

DAY_MS = 86_400_000


def tkr(text: str) -> str:
    """A Swedish amount as the charts write it: spaces that never wrap."""
    return text.replace(" ", NBSP)


# ---------------------------------------------------------------------------- colours


def test_units_get_palette_colours_in_their_order_and_not_stated_grey():
    colors = charts.unit_colors(["KOM", "RUN", "—", "SAM"], "Ej angiven")
    assert colors == {"KOM": PALETTE[0], "RUN": PALETTE[1], "SAM": PALETTE[2], "Ej angiven": NOT_STATED_COLOR}
    many = charts.unit_colors([f"U{i:02}" for i in range(len(PALETTE) + 1)], "Not stated")
    assert many[f"U{len(PALETTE):02}"] == PALETTE[0]  # more units than colours: the palette starts over


def test_a_unit_without_a_colour_of_its_own_gets_a_stable_palette_colour():
    colors = charts.unit_colors(["RUN", "KOM"], "Ej angiven")
    assert charts.color_for("RUN", colors) == PALETTE[0]
    compound = charts.color_for("RUN/KOM", colors)
    assert compound in PALETTE
    assert charts.color_for("RUN/KOM", {}) == compound  # the same on every page, whatever the other units
    assert len({charts.color_for(f"X{i}", {}) for i in range(40)}) > 1  # not one colour for all


# ---------------------------------------------------------------------------- budget


@pytest.fixture
def year_unit():
    rows = [
        ("2016", "RUN", "budget", 100_000),
        ("2016", "SAM", "budget", 50_000),
        ("2017", "RUN", "budget", 200_000),
        ("2017", "Ej angiven", "budget", 30_000),
        ("Inget år angivet", "<b>X</b>", "budget", 40_000),
        ("2016", "RUN", "attributed", 10_000),
        ("2016", "SAM", "opening_balance", 5_000),
        ("2016", "RUN", "opening_balance", 1_500),
        ("2017", "RUN", "opening_balance", 7_000),
    ]
    return pd.DataFrame(rows, columns=["year_label", "unit", "series", "amount_sek"])


def test_budget_by_year_and_unit_stacks_units_with_the_opening_balance_beside(year_unit):
    colors = charts.unit_colors(["RUN", "SAM", "—"], "Ej angiven")
    fig = charts.budget_by_year_unit(year_unit, "sv", colors)
    assert [tr.type for tr in fig.data] == ["bar"] * 6
    # Units by name, "not stated" last; attributed amounts after them; the opening balance apart.
    names = [tr.name for tr in fig.data]
    assert names == ["&lt;b&gt;X&lt;/b&gt;", "RUN", "SAM", "Ej angiven", "RUN (tillskrivet)", "Ingående balans (IB)"]
    by = {tr.name: tr for tr in fig.data}
    assert (list(by["RUN"].x), list(by["RUN"].y)) == (["2016", "2017"], [100, 200])
    assert (list(by["SAM"].x), list(by["SAM"].y)) == (["2016"], [50])
    assert (list(by["RUN (tillskrivet)"].x), list(by["RUN (tillskrivet)"].y)) == (["2016"], [10])
    ib = by["Ingående balans (IB)"]
    assert (list(ib.x), list(ib.y)) == (["2016", "2017"], [6.5, 7])  # summed per year, over units
    # IB in a group of its own beside the budget (never stacked into a year); attributed amounts are budget.
    assert [tr.offsetgroup for tr in fig.data] == ["budget"] * 5 + ["ib"]
    assert fig.layout.barmode == "relative"
    # A unit keeps its colour; attributed amounts are hatched; IB is white with a dark outline.
    assert by["RUN"].marker.color == by["RUN (tillskrivet)"].marker.color == PALETTE[0]
    assert by["SAM"].marker.color == PALETTE[1] and by["Ej angiven"].marker.color == NOT_STATED_COLOR
    assert by["&lt;b&gt;X&lt;/b&gt;"].marker.color == charts.color_for("<b>X</b>", colors)
    assert (by["RUN"].marker.pattern.shape, by["RUN (tillskrivet)"].marker.pattern.shape) == ("", "/")
    assert (ib.marker.color, ib.marker.line.color, ib.marker.pattern.shape) == ("#FFFFFF", "#424242", "x")
    assert [tr.legendgroup for tr in fig.data[:5]] == ["<b>X</b>", "RUN", "SAM", "Ej angiven", "RUN"]
    # Hover: the amount in tkr and the unit as text; the unit as it is stays in customdata for a click.
    assert [list(c) for c in by["RUN"].customdata] == [[tkr("100 tkr"), "RUN", "RUN"], [tkr("200 tkr"), "RUN", "RUN"]]
    assert list(by["&lt;b&gt;X&lt;/b&gt;"].customdata[0]) == [tkr("40 tkr"), "<b>X</b>", "&lt;b&gt;X&lt;/b&gt;"]
    assert by["RUN"].hovertemplate == "%{x}<br>%{customdata[2]}: %{customdata[0]}<extra></extra>"
    assert list(ib.customdata) == [tkr("6,5 tkr"), tkr("7 tkr")]
    assert ib.hovertemplate == "%{x}<br>Ingående balans (IB): %{customdata}<extra></extra>"
    # Years in the frame's order, "no year" last, as categories (never a numeric axis from 2016 to 2017.5).
    assert fig.layout.xaxis.type == "category"
    assert list(fig.layout.xaxis.categoryarray) == ["2016", "2017", "Inget år angivet"]
    assert fig.layout.xaxis.title.text == "År" and fig.layout.yaxis.title.text == "Belopp (tkr)"
    assert fig.layout.separators == "," + NBSP


def test_budget_by_year_and_unit_in_english(year_unit):
    year_unit["unit"] = year_unit["unit"].replace("Ej angiven", "Not stated")
    fig = charts.budget_by_year_unit(year_unit, "en", {})
    assert [tr.name for tr in fig.data][-3:] == ["Not stated", "RUN (attributed)", "Opening balance (IB)"]
    assert fig.data[-1].customdata[0] == "6.5\u00a0kSEK"
    assert fig.layout.separators == ".,"


def test_budget_bars_largest_on_top_labelled_in_tkr():
    df = pd.DataFrame({"key": ["ram", "utb. strat.", "<i>x</i>"], "amount_sek": [300_000, 1_000_000, 500]})
    fig = charts.budget_bars(df, "key", "sv", {"ram": "#111111"})
    (bar,) = fig.data
    assert (bar.type, bar.orientation) == ("bar", "h")
    # Plotly draws the first row at the bottom: smallest first puts the largest on top.
    assert list(bar.y) == ["&lt;i&gt;x&lt;/i&gt;", "ram", "utb. strat."]
    assert list(bar.x) == [0.5, 300, 1000]
    assert list(bar.text) == [tkr("0,5 tkr"), tkr("300 tkr"), tkr("1 000 tkr")]
    assert list(bar.marker.color) == [PALETTE[0], "#111111", PALETTE[0]]
    assert bar.hovertemplate == "%{y}: %{text}<extra></extra>"
    assert fig.layout.showlegend is False
    assert charts.budget_bars(df, "key", "sv").data[0].marker.color == PALETTE[0]  # no colours: one for all
    assert fig.layout.height == 260 and charts.budget_bars(pd.concat([df] * 3), "key", "sv").layout.height == 438


def test_goal_budget_bars_and_the_plans_total_with_shares():
    df = pd.DataFrame({"label": ["Plan · A <u>mål</u>", "Plan · B"], "amount_sek": [500_000, 250_000],
                       "plan_sek": [1_000_000, 0]})  # fmt: skip
    fig = charts.goal_budget(df, "en")
    bar, total = fig.data
    assert (bar.type, bar.orientation, total.type, total.mode) == ("bar", "h", "scatter", "markers+text")
    labels = ["Plan · A &lt;u&gt;mål&lt;/u&gt;", "Plan · B"]
    assert (list(bar.y), list(bar.x)) == (labels, [500, 250])
    assert (list(total.y), list(total.x)) == (labels, [1000, 0])
    # A share of the plan's budget where it has one; the amount alone where it has none.
    assert list(bar.customdata) == list(total.text) == ["500\u00a0kSEK (50%)", "250\u00a0kSEK"]
    assert list(total.customdata) == ["1,000\u00a0kSEK", "0\u00a0kSEK"]
    assert (bar.name, total.name) == ("Budget of activities serving the goal", "The plan's whole budget")
    assert bar.hovertemplate == "%{y}<br>%{customdata}<extra></extra>"
    assert total.hovertemplate == "The plan's whole budget: %{customdata}<extra></extra>"
    assert list(fig.layout.yaxis.categoryarray) == labels[::-1]  # the first goal on top
    assert fig.layout.barmode == "overlay" and list(fig.layout.xaxis.range) == [0, 1600]


# ---------------------------------------------------------------------------- status


STATUS_FRAME = pd.DataFrame(
    {
        "label": ["Plan A", "Plan A", "<b>Plan B</b>", "Plan A", "<b>Plan B</b>"],
        "status": ["ongoing", "done", "ongoing", "unknown", "cancelled"],
        "n": [3, 2, 1, 4, 5],
    }
)


@pytest.mark.parametrize("builder", [charts.status_bars, charts.status_over_time])
def test_status_bars_one_trace_per_status_in_status_order(builder):
    fig = builder(STATUS_FRAME, "sv")
    assert [tr.type for tr in fig.data] == ["bar"] * 4
    assert [tr.name for tr in fig.data] == ["Pågår", "Genomförd", "Inställd", "Okänd"]  # in status order, none empty
    assert [tr.marker.color for tr in fig.data] == [
        STATUS_COLORS[s] for s in ("ongoing", "done", "cancelled", "unknown")
    ]
    by = {tr.name: tr for tr in fig.data}
    assert (list(by["Pågår"].y), list(by["Pågår"].x)) == (["Plan A", "&lt;b&gt;Plan B&lt;/b&gt;"], [3, 1])
    assert (list(by["Genomförd"].y), list(by["Genomförd"].x)) == (["Plan A"], [2])
    assert list(by["Inställd"].text) == [5]
    assert {tr.orientation for tr in fig.data} == {"h"} and fig.layout.barmode == "stack"
    assert by["Pågår"].hovertemplate == "%{y}<br>Pågår: %{x}<extra></extra>"
    assert list(fig.layout.yaxis.categoryarray) == ["&lt;b&gt;Plan B&lt;/b&gt;", "Plan A"]  # first label on top
    assert fig.layout.xaxis.title.text == "Antal aktiviteter"
    english = builder(STATUS_FRAME, "en")
    assert [tr.name for tr in english.data] == ["Ongoing", "Done", "Cancelled", "Unknown"]
    assert english.data[0].hovertemplate == "%{y}<br>Ongoing: %{x}<extra></extra>"


def test_status_bars_height_follows_the_number_of_groups():
    assert charts.status_bars(STATUS_FRAME, "sv").layout.height == 300
    many = pd.DataFrame({"label": [f"U{i}" for i in range(10)], "status": ["done"] * 10, "n": [1] * 10})
    assert charts.status_bars(many, "sv").layout.height == 130 + 44 * 10
    assert charts.status_bars(many, "sv", height=222).layout.height == 222


# ---------------------------------------------------------------------------- timeline


def _ts(day: str | None):
    return pd.Timestamp(day) if day else pd.NaT


@pytest.fixture
def timeline_frame():
    rows = [  # label, status, start, end, plan's end
        ("1 Klar", "done", "2016-01-01", "2016-12-31", "2017-12-31"),
        ("2 Öppet slut", "ongoing", "2016-06-01", None, "2017-12-31"),
        ("3 <i>Bara slut</i>", "ongoing", None, "2017-03-01", "2017-12-31"),
        ("4 Börjar sent", "not_started", "2018-01-01", None, None),
    ]
    df = pd.DataFrame(rows, columns=["label", "status", "start_date", "end_date", "period_end"])
    for col in ("start_date", "end_date", "period_end"):
        df[col] = pd.to_datetime(df[col])
    return df


def test_timeline_bars_run_from_start_to_end_and_open_ends_are_paler(timeline_frame):
    fig = charts.timeline(timeline_frame, "sv", date(2017, 6, 1))
    assert [tr.type for tr in fig.data] == ["bar"] * 3
    assert [tr.name for tr in fig.data] == ["Ej påbörjad", "Pågår", "Genomförd"]
    assert [tr.marker.color for tr in fig.data] == [STATUS_COLORS[s] for s in ("not_started", "ongoing", "done")]
    later, ongoing, done = fig.data
    assert list(done.y) == ["1 Klar"]
    assert list(pd.to_datetime(done.base)) == [_ts("2016-01-01")] and list(done.x) == [365 * DAY_MS]
    assert list(done.marker.opacity) == [1.0]
    # No end: drawn to the plan's end, paler. No start: a month before its end.
    assert list(ongoing.y) == ["2 Öppet slut", "3 &lt;i&gt;Bara slut&lt;/i&gt;"]
    assert list(pd.to_datetime(ongoing.base)) == [_ts("2016-06-01"), _ts("2017-01-30")]
    assert list(ongoing.x) == [578 * DAY_MS, 30 * DAY_MS]
    assert list(ongoing.marker.opacity) == [0.45, 1.0]
    # No end and no plan end, starting after today: a stub of 60 days, never a bar running backwards.
    assert list(pd.to_datetime(later.base)) == [_ts("2018-01-01")] and list(later.x) == [60 * DAY_MS]
    # Hover: the dates as stated; a missing start as a dash, a missing end in words.
    assert [list(c) for c in ongoing.customdata] == [["2016-06-01", "(inget slut angivet)"], ["–", "2017-03-01"]]
    assert done.hovertemplate == "%{y}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>"
    assert list(fig.layout.yaxis.categoryarray) == [
        "4 Börjar sent", "3 &lt;i&gt;Bara slut&lt;/i&gt;", "2 Öppet slut", "1 Klar"
    ]  # fmt: skip
    assert fig.layout.xaxis.type == "date" and fig.layout.barmode == "overlay"


def test_timeline_marks_today_or_the_as_of_day(timeline_frame):
    day = date(2017, 6, 1)
    ms = pd.Timestamp(day).timestamp() * 1000
    today = charts.timeline(timeline_frame, "sv", day)
    (line,) = today.layout.shapes
    assert (line.type, line.x0, line.x1, line.line.color) == ("line", ms, ms, "#C62828")
    (label,) = today.layout.annotations
    assert (label.x, label.text) == (ms, "idag")
    assert charts.timeline(timeline_frame, "en", day).layout.annotations[0].text == "today"
    assert charts.timeline(timeline_frame, "sv", day, as_of=True).layout.annotations[0].text == "per 2017-06-01"
    assert charts.timeline(timeline_frame, "en", day, as_of=True).layout.annotations[0].text == "as of 2017-06-01"
    assert (
        today.layout.height == 300 and charts.timeline(pd.concat([timeline_frame] * 3), "sv", day).layout.height == 416
    )


# ---------------------------------------------------------------------------- targets (kept light: see the targets module)


def test_target_path_draws_the_path_baseline_target_and_outcomes():
    fig = charts.target_path(Path(2015, 110.0, 2017, 130.0), pd.DataFrame({"year": [2016], "value": [120.0]}), "sv")
    assert [(tr.type, tr.name) for tr in fig.data] == [
        ("scatter", "Rak väg bas → mål"), ("scatter", "Basvärde"), ("scatter", "Mål"), ("scatter", "Utfall")
    ]  # fmt: skip
    line, base, goal, outcome = fig.data
    assert (list(line.x), list(line.y)) == ([2015, 2017], [110, 130])
    assert (list(base.x), list(base.y), list(base.text)) == ([2015], [110], ["Basvärde 2015: 110"])
    assert (list(goal.x), list(goal.y), list(goal.text)) == ([2017], [130], ["Mål 2017: 130"])
    assert (list(outcome.x), list(outcome.y)) == ([2016], [120])
    index = Path(2015, 100.0, 2018, 125.0, index=True, change_pct=25.0)
    fig = charts.target_path(index, pd.DataFrame({"year": [2016], "value": [120.0]}), "sv")
    assert [tr.name for tr in fig.data] == ["Rak väg bas → mål", "Basvärde", "Mål"]  # an index has no outcomes
    assert list(fig.data[0].y) == [100, 125] and fig.layout.yaxis.title.text == "Index"


def test_target_bullet_draws_the_target_baseline_outcome_and_parts():
    whole = Bullet(target=80.0, baseline=50.0, outcome=60.0)
    part = Bullet(target=15.0, outcome=10.0, region="Jämtland")
    fig = charts.target_bullet(whole, [part], "sv")
    assert [(tr.type, tr.name, tuple(tr.y), tuple(tr.x)) for tr in fig.data] == [
        ("bar", "Mål", ("Totalt",), (80.0,)),
        ("bar", "varav Jämtland", ("varav Jämtland",), (15.0,)),
        ("scatter", "Utfall", ("varav Jämtland",), (10.0,)),
        ("scatter", "Basvärde", ("Totalt",), (50.0,)),
        ("scatter", "Utfall", ("Totalt",), (60.0,)),
    ]
    assert fig.data[0].hovertemplate == "Mål: %{x}<extra></extra>"
    # The baseline is a tick, an outcome a diamond; the whole's outcome a little larger than a part's.
    assert [(tr.marker.symbol, tr.marker.size) for tr in fig.data[2:]] == [
        ("diamond", 18),
        ("line-ns", 44),
        ("diamond", 20),
    ]
    assert fig.data[3].hovertemplate == "Basvärde: %{x}<extra></extra>"
