"""Chart builders: what a chart draws and writes from the values it is given."""

import pandas as pd

from dashboard.domain.targets import Bullet, path


def test_an_of_which_part_has_a_row_of_its_own_named_on_the_axis():
    """ "varav Jämtland 15" is drawn on its own row, named by the axis and its value written legibly
    beside the bar, not squeezed inside a thin bar overlaid on the whole."""
    from dashboard.reports.charts import target_bullet

    whole, part = Bullet(target=80.0), Bullet(target=15.0, region="Jämtland")
    fig = target_bullet(whole, [part], "sv")
    bars = [trace for trace in fig.data if trace.type == "bar"]
    rows = {b.y[0] for b in bars}
    assert len(rows) == 2 and "varav Jämtland" in rows  # the part's own row, named
    (part_bar,) = [b for b in bars if tuple(b.y) == ("varav Jämtland",)]
    assert tuple(part_bar.x) == (15.0,)
    assert part_bar.text == ("15",) and part_bar.textposition == "outside"
    assert part_bar.textfont.size >= 14
    assert fig.layout.yaxis.tickfont.size >= 14
    assert fig.layout.height >= 190  # room for two rows
    english = target_bullet(whole, [part], "en")
    assert "of which Jämtland" in {b.y[0] for b in english.data if b.type == "bar"}
    alone = target_bullet(whole, [], "sv")  # no part: one row, no axis label needed
    assert {b.y[0] for b in alone.data if b.type == "bar"} == {""}


def test_goal_budget_overlaps_are_drawn_against_the_plans_whole_budget_never_stacked():
    """7 goals of a 7 650 tkr plan whose activities serve several goals each: the bars add up to
    30 000 tkr. Each is drawn on its own beside the plan's whole budget and labelled as a share of it."""
    from dashboard.reports.charts import goal_budget

    amounts = [7_200_000, 5_200_000, 5_000_000, 4_950_000, 3_850_000, 3_200_000, 600_000]
    df = pd.DataFrame({"label": [f"Skolsamverkan · {g}" for g in "DABECGF"], "amount_sek": amounts,
                       "plan_sek": [7_650_000] * 7})  # fmt: skip
    fig = goal_budget(df, "sv")
    bars = [trace for trace in fig.data if trace.type == "bar"]
    assert len(bars) == 1  # one series: nothing stacks one goal on another
    assert fig.layout.barmode not in ("stack", "relative")
    assert sum(bars[0].x) == 30_000 > 7_650  # the overlap is real ...
    (total,) = [trace for trace in fig.data if trace.type == "scatter"]
    assert list(total.x) == [7_650] * 7  # ... and every bar stands beside the plan's real total
    assert total.name == "Planens hela budget"
    assert total.text[0] == "7\u00a0200\u00a0tkr (94\u00a0%)"  # written after the plan's tick, as a share
    assert "bidrar till målet" in bars[0].name


def test_a_percentage_target_is_written_in_each_languages_style():
    """ "+25%" in English, "+25 %" with a non-breaking space in Swedish (never "+25 %" in English)."""
    from dashboard.reports.charts import target_path

    target = pd.Series({"baseline_year": 2015, "baseline_value": None, "target_year": 2018, "target_value": None,
                        "target_change_pct": 25.0})  # fmt: skip
    outcomes = pd.DataFrame({"year": [], "value": []})
    texts = {
        lang: [x for tr in target_path(path(target), outcomes, lang).data for x in (tr.text or ())]
        for lang in ("sv", "en")
    }
    assert "Target 2018: 125 (+25%)" in texts["en"]
    assert "Mål 2018: 125 (+25\u00a0%)" in texts["sv"]


def test_a_count_in_a_thin_status_segment_stays_legible():
    """A unit with one postponed activity beside 26 unknown ones: the "1" is not shrunk below 12 px."""
    from dashboard.reports.charts import status_bars

    df = pd.DataFrame({"label": ["HUM", "International Office"], "status": ["postponed", "unknown"], "n": [1, 26]})
    fig = status_bars(df, "sv")
    assert fig.layout.uniformtext.minsize >= 12 and fig.layout.uniformtext.mode == "show"
