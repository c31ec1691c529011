"""Chart margins fitted to their labels (dashboard/reports/margins.py), so plotly draws each chart once.

Whether the fitted margins hold what plotly's automargin would ask for is checked in Chromium, on every page
with charts, in tests/test_browser.py; here, what the estimate does with the labels it is given."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.domain.targets import Bullet
from dashboard.reports import margins
from dashboard.reports.charts import budget_bars, budget_by_year_unit, status_bars, target_bullet, timeline


def test_streamlits_font_is_found_and_measured_in_its_regular_weight():
    """The estimate rests on the font file Streamlit ships; a Streamlit that moves it fails here, not silently
    in the browser. Source Sans Regular at 14 px: in Chromium, the tick label "International Office" is 113.0 px
    wide, "SAM" 25.3 px (SVG bounding boxes of a chart's labels)."""
    assert margins.font_file() is not None
    assert margins.text_width("International Office", 14) == pytest.approx(113.0, abs=0.5)
    assert margins.text_width("SAM", 14) == pytest.approx(25.3, abs=0.5)
    assert margins.text_width("SAM", 28) == pytest.approx(2 * margins.text_width("SAM", 14), rel=0.03)
    # An entity plotly draws as one character is measured as that character; <br> breaks a line, an escaped one
    # (a name's own "<br>", made plain) does not.
    assert margins.text_width("a &lt; b", 14) == pytest.approx(margins.text_width("a < b", 14))
    assert margins.text_width("SAM<br>KOM", 14) == pytest.approx(margins.text_width("KOM", 14))
    assert margins.text_width("SAM&lt;br&gt;KOM", 14) > margins.text_width("SAM", 14) + margins.text_width("KOM", 14)


def _horizontal(labels: list[str], title: str | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=[1] * len(labels), y=labels, orientation="h"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 20, "b": 10})
    fig.update_xaxes(title=title, tickfont={"size": 14})
    fig.update_yaxes(tickfont={"size": 14})
    return fig


def test_the_left_margin_holds_the_longest_label_and_never_shrinks_the_layouts_own():
    short = margins.fit(_horizontal(["SAM"])).layout.margin.l
    long_label = "International Office och fakulteterna"
    long = margins.fit(_horizontal(["SAM", long_label])).layout.margin.l
    assert long - short == pytest.approx(margins.text_width(long_label, 14) - margins.text_width("SAM", 14), abs=1.5)
    assert long >= margins.text_width(long_label, 14) + margins.GAP + margins.AUTOPAD
    wide = _horizontal(["SAM"])
    wide.update_layout(margin_l=300)
    assert margins.fit(wide).layout.margin.l == 300  # a layout's own wider margin stays


def test_a_label_longer_than_any_chart_can_give_room_to_is_left_to_plotly():
    fig = margins.fit(_horizontal(["ett mycket långt namn på ett mål " * 6]))
    assert fig.layout.margin.l == margins.LONGEST


def test_the_bottom_margin_holds_a_row_of_ticks_and_the_axis_title():
    plain = margins.fit(_horizontal(["SAM"])).layout.margin.b
    titled = margins.fit(_horizontal(["SAM"], title="Antal aktiviteter")).layout.margin.b
    assert titled - plain == margins.X_TITLE
    assert plain == margins.X_TICKS + margins.AUTOPAD + margins.SLACK


def test_stacked_bars_are_measured_at_their_stacks_height():
    """Two units of 6 000 tkr in one year stack to 12 000: the axis's labels have five digits, not four."""
    df = pd.DataFrame({"year_label": ["2016", "2016"], "unit": ["SAM", "KOM"], "series": ["budget", "budget"],
                       "amount_sek": [6_000_000, 6_000_000]})  # fmt: skip
    stacked = budget_by_year_unit(df, "sv", {"SAM": "#000", "KOM": "#111"})
    alone = budget_by_year_unit(df.iloc[:1], "sv", {"SAM": "#000"})
    digit = margins.text_width("0", 14)
    assert stacked.layout.margin.l - alone.layout.margin.l == pytest.approx(digit, abs=1.0)


def test_every_builder_draws_in_streamlits_font_with_fitted_margins():
    """The UI's font in the charts too (it was "Source Sans Pro, Arial", which no browser here has: charts
    fell back to Arial, wider than what the page around them used)."""
    units = pd.DataFrame({"label": ["SAM", "International Office"], "amount_sek": [1_000_000, 2_000_000]})
    status = pd.DataFrame({"label": ["Mobilitet 2016–2018"], "status": ["done"], "n": [3]})
    rows = pd.DataFrame({"label": ["Mobilitet · 1 Öka utresande studenter"], "status": ["ongoing"],
                         "start_date": [pd.Timestamp("2016-01-01")], "end_date": [pd.Timestamp("2018-12-31")],
                         "period_end": [pd.Timestamp("2018-12-31")]})  # fmt: skip
    figures = [
        budget_bars(units, "label", "sv"),
        status_bars(status, "en"),
        timeline(rows, "sv", pd.Timestamp("2017-06-01").date()),
        target_bullet(Bullet(target=130.0, baseline=110.0), [], "sv"),
    ]
    for fig in figures:
        assert fig.layout.font.family == margins.FAMILY
        assert fig.layout.margin.l >= margins.left(fig) and fig.layout.margin.b >= margins.bottom(fig)
        assert fig.layout.margin.r >= margins.right(fig)
    assert figures[0].layout.margin.l > margins.text_width("International Office", 14)
