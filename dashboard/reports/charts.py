"""Pure chart builders: a DataFrame in, a plotly Figure out. No Streamlit, no SQL."""

from __future__ import annotations

import zlib
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain.targets import Bullet, Path
from dashboard.formats import NBSP, fmt_int, fmt_number, fmt_percent, fmt_tkr
from dashboard.i18n import status_label, status_order, t
from dashboard.reports import margins
from dashboard.reports.display import plain_html

# Names from workbooks (units, plans, goals, activities) go into labels, ticks and hover texts through
# plain_html: plotly renders tags such as <a href> and <b> in them.

STATUS_COLORS = {
    "done": "#2E7D32",
    "ongoing": "#1565C0",
    "not_started": "#78909C",
    "postponed": "#EF6C00",
    "cancelled": "#C62828",
    "unknown": "#CFD8DC",
}
# Colour-blind-safe qualitative palette (Okabe–Ito plus tints), assigned to units in a fixed order
# so a unit has the same colour on every page.
PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#7F7F7F", "#8C564B", "#17BECF", "#BCBD22", "#9467BD", "#1F77B4",
]  # fmt: skip
NOT_STATED_COLOR = "#B0B0B0"
FONT = {"size": 16, "family": margins.FAMILY}  # Streamlit's own (its UI's); margins.py measures labels in it


def unit_colors(units: list[str], not_stated: str) -> dict[str, str]:
    colors = {u: PALETTE[i % len(PALETTE)] for i, u in enumerate(u for u in units if u != "—")}
    colors[not_stated] = NOT_STATED_COLOR
    return colors


def color_for(unit: str, colors: dict[str, str]) -> str:
    """A unit's colour; a compound one ("RUN/KOM") gets a stable colour of its own."""
    if unit in colors:
        return colors[unit]
    return PALETTE[zlib.crc32(unit.encode()) % len(PALETTE)]


def _layout(fig: go.Figure, title: str | None = None, height: int = 460, legend_title: str | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 20}} if title else None,
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        legend={
            "title": {"text": legend_title or ""},
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "traceorder": "normal",
        },
        plot_bgcolor="white",
        hoverlabel={"font_size": 15},
    )
    # Stated outright: Streamlit's chart theme would draw axis labels and legends at 12 px, too small
    # for a projector.
    fig.update_xaxes(gridcolor="#E0E0E0", zerolinecolor="#BDBDBD", tickfont={"size": 14}, title_font={"size": 15})
    fig.update_yaxes(gridcolor="#E0E0E0", zerolinecolor="#BDBDBD", tickfont={"size": 14}, title_font={"size": 15})
    fig.update_layout(legend_font={"size": 14})
    return fig


def _separators(lang: str) -> str:
    # Plotly's separators: decimal mark then thousands separator.
    return ".," if lang == "en" else "," + NBSP


# ---------------------------------------------------------------------------- budget


def budget_by_year_unit(df: pd.DataFrame, lang: str, colors: dict[str, str]) -> go.Figure:
    """Stacked bars per year by unit; IB beside them as its own series; "no year" as its own bar.

    df: year_label, unit, series ("budget", "attributed", "opening_balance"), amount_sek.
    """
    fig = go.Figure()
    order = list(dict.fromkeys(df["year_label"]))
    for series, group, pattern in (("budget", "budget", ""), ("attributed", "budget", "/")):
        part = df[df["series"] == series]
        for unit in sorted(part["unit"].unique(), key=lambda u: (u == t("not_stated", lang), u)):
            rows = part[part["unit"] == unit]
            name = plain_html(unit) if series == "budget" else f"{plain_html(unit)} ({t('attributed', lang)})"
            fig.add_bar(
                x=rows["year_label"],
                y=rows["amount_sek"] / 1000,
                name=name,
                legendgroup=unit,
                offsetgroup=group,
                marker={"color": color_for(unit, colors), "pattern": {"shape": pattern}},
                # customdata[1] is the unit as it is (a click filters on it); [2] is the one shown.
                customdata=[[fmt_tkr(v, lang), unit, plain_html(unit)] for v in rows["amount_sek"]],
                hovertemplate="%{x}<br>%{customdata[2]}: %{customdata[0]}<extra></extra>",
            )
    ib = df[df["series"] == "opening_balance"]
    if not ib.empty:
        ib = ib.groupby("year_label", as_index=False, sort=False)["amount_sek"].sum()
        fig.add_bar(
            x=ib["year_label"],
            y=ib["amount_sek"] / 1000,
            name=t("ib_series", lang),
            offsetgroup="ib",
            marker={"color": "#FFFFFF", "line": {"color": "#424242", "width": 2}, "pattern": {"shape": "x"}},
            customdata=[fmt_tkr(v, lang) for v in ib["amount_sek"]],
            hovertemplate="%{x}<br>" + t("ib_series", lang) + ": %{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="relative", separators=_separators(lang))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order, title=t("year", lang))
    fig.update_yaxes(title=t("amount_tkr", lang), tickformat=",d")
    _layout(fig, height=500)
    fig.update_layout(separators=_separators(lang))
    return margins.fit(fig)


SPENT_COLOR = "#D55E00"  # money spent: the palette's vermilion, apart from the budget's blue


def budget_vs_spent(df: pd.DataFrame, label_col: str, lang: str) -> go.Figure:
    """Budget and money spent side by side per label (a year, a unit), each bar labelled in tkr, a bar's hover
    with the share used. df: label_col, budget_sek, spent_sek (NaN: none stated), used (domain.budget.with_use)."""
    labels = [plain_html(str(v)) for v in df[label_col]]
    fig = go.Figure()
    for col, name, color in (
        ("budget_sek", t("budget", lang), PALETTE[0]),
        ("spent_sek", t("spent", lang), SPENT_COLOR),
    ):
        values = pd.to_numeric(df[col], errors="coerce")
        fig.add_bar(
            x=labels,
            y=values / 1000,
            name=name,
            marker={"color": color},
            text=[fmt_tkr(v, lang) if pd.notna(v) else "" for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                t("share_used", lang, pct=fmt_percent(u, lang)) if pd.notna(u) and col == "spent_sek" else ""
                for u in df["used"]
            ],
            hovertemplate="%{x}<br>" + name + ": %{text}<br>%{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="group", separators=_separators(lang))
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=t("amount_tkr", lang), tickformat=",d", rangemode="tozero")
    _layout(fig, height=420)
    fig.update_layout(separators=_separators(lang))
    return margins.fit(fig)


def budget_bars(df: pd.DataFrame, label_col: str, lang: str, colors: dict[str, str] | None = None) -> go.Figure:
    """Horizontal bars, largest on top, each labelled in tkr. df: label_col, amount_sek."""
    df = df.sort_values("amount_sek")
    fig = go.Figure(
        go.Bar(
            x=df["amount_sek"] / 1000,
            y=[plain_html(v) for v in df[label_col]],
            orientation="h",
            marker={"color": [colors.get(v, PALETTE[0]) for v in df[label_col]] if colors else PALETTE[0]},
            text=[fmt_tkr(v, lang) for v in df["amount_sek"]],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t("amount_tkr", lang), tickformat=",d")
    fig.update_yaxes(title=None, automargin=True)
    _layout(fig, height=max(260, 60 + 42 * len(df)))
    fig.update_layout(separators=_separators(lang), showlegend=False)
    return margins.fit(fig)


def goal_budget(df: pd.DataFrame, lang: str) -> go.Figure:
    """Per goal, the budget of the activities serving it, each row beside its plan's whole budget.

    The amounts overlap (an activity serving several goals counts under each), so they are drawn as
    separate bars against the plan's total (a tick), never stacked, and labelled as shares of it.
    A goal's amount never exceeds its plan's, so the label after the tick is clear of the bar.
    df (grouped by plan): label, amount_sek, plan_sek.
    """
    labels = [plain_html(v) for v in df["label"]]
    texts = [
        t("share_of_plan", lang, amount=fmt_tkr(a, lang), pct=fmt_int(100 * a / p, lang)) if p else fmt_tkr(a, lang)
        for a, p in zip(df["amount_sek"], df["plan_sek"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=df["amount_sek"] / 1000,
        orientation="h",
        name=t("goal_budget_series", lang),
        marker={"color": PALETTE[0]},
        customdata=texts,
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
    )
    fig.add_scatter(
        y=labels,
        x=df["plan_sek"] / 1000,
        mode="markers+text",
        name=t("plan_budget_series", lang),
        marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": "#424242"}},
        text=texts,
        textposition="middle right",
        textfont={"size": 15},
        cliponaxis=False,
        customdata=[fmt_tkr(p, lang) for p in df["plan_sek"]],
        hovertemplate=t("plan_budget_series", lang) + ": %{customdata}<extra></extra>",
    )
    fig.update_layout(barmode="overlay")
    top = float(df["plan_sek"].max() or 1) / 1000
    fig.update_xaxes(title=t("amount_tkr", lang), tickformat=",d", range=[0, top * 1.6])
    fig.update_yaxes(title=None, automargin=True, categoryorder="array", categoryarray=labels[::-1])
    _layout(fig, height=max(260, 90 + 42 * len(labels)))
    fig.update_layout(separators=_separators(lang))
    return margins.fit(fig)


# ---------------------------------------------------------------------------- status


def status_bars(df: pd.DataFrame, lang: str, height: int | None = None) -> go.Figure:
    """Horizontal stacked bars: activities per status for each group. df: label, status, n."""
    fig = go.Figure()
    labels = [plain_html(v) for v in dict.fromkeys(df["label"])]
    for status in status_order():
        part = df[df["status"] == status]
        if part.empty:
            continue
        fig.add_bar(
            y=[plain_html(v) for v in part["label"]],
            x=part["n"],
            name=status_label(status, lang),
            orientation="h",
            marker={"color": STATUS_COLORS[status]},
            text=part["n"],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,  # a count turned on its side in a thin bar is not read at a glance
            hovertemplate="%{y}<br>" + status_label(status, lang) + ": %{x}<extra></extra>",
        )
    # Plotly shrinks a count to fit its segment: a "1" in a one-activity segment became a 6 px speck.
    # Every count is drawn at one size, never below a legible one (a digit still fits a one-unit segment).
    fig.update_layout(barmode="stack", uniformtext={"minsize": 12, "mode": "show"})
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True, title=None)
    fig.update_xaxes(title=t("activities_count", lang), dtick=5)
    return margins.fit(_layout(fig, height=height or max(300, 130 + 44 * len(labels))))


def timeline(df: pd.DataFrame, lang: str, today: date, as_of: bool = False) -> go.Figure:
    """One bar per activity from start to end; open ends run to the plan's end (or today), paler.
    The line marks `today`; with as_of=True that day is an as-of day, labelled with its date.

    df: label, status, start_date, end_date, period_end.
    """
    fig = go.Figure()
    rows = df.copy()
    rows["open"] = rows["end_date"].isna()
    fallback = rows["period_end"].fillna(pd.Timestamp(today))
    rows["end_draw"] = rows["end_date"].fillna(fallback)
    rows["start_draw"] = rows["start_date"].fillna(rows["end_draw"] - pd.Timedelta(days=30))
    # An open end that the fallback would put before the start still gets a visible stub.
    too_short = rows["end_draw"] <= rows["start_draw"]
    rows.loc[too_short, "end_draw"] = rows.loc[too_short, "start_draw"] + pd.Timedelta(days=60)
    for status in status_order():
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        durations = (pd.to_datetime(part["end_draw"]) - pd.to_datetime(part["start_draw"])).dt.days * 86_400_000
        fig.add_bar(
            y=[plain_html(v) for v in part["label"]],
            x=durations,
            base=pd.to_datetime(part["start_draw"]),
            orientation="h",
            name=status_label(status, lang),
            marker={
                "color": STATUS_COLORS[status],
                "opacity": [0.45 if o else 1.0 for o in part["open"]],
                "line": {"color": "#424242", "width": 0.5},
            },
            customdata=[
                [str(s)[:10] if pd.notna(s) else "–", str(e)[:10] if pd.notna(e) else t("open_end", lang)]
                for s, e in zip(part["start_date"], part["end_date"], strict=True)
            ],
            hovertemplate="%{y}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>",
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(type="date", title=None)
    fig.update_yaxes(
        categoryorder="array", categoryarray=[plain_html(v) for v in rows["label"]][::-1], automargin=True, title=None
    )
    fig.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line={"color": "#C62828", "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=pd.Timestamp(today).timestamp() * 1000, y=1.0, yref="paper", showarrow=False,
        text=t("as_of_line", lang, day=pd.Timestamp(today).date().isoformat()) if as_of else t("today", lang),
        font={"color": "#C62828"}, yanchor="bottom",
    )  # fmt: skip
    return margins.fit(_layout(fig, height=max(300, 80 + 28 * len(rows))))


def status_over_time(df: pd.DataFrame, lang: str) -> go.Figure:
    """df: label (plan and version), status, n."""
    return status_bars(df, lang)


# ---------------------------------------------------------------------------- targets


def target_path(path: Path, outcomes: pd.DataFrame, lang: str) -> go.Figure:
    """Baseline, target, the straight path between them (domain.targets.path) and the outcomes.

    An index path (no baseline value, a % change) is drawn without the outcomes: they cannot be compared with it.
    """
    y0, y1, v0, v1, index = path.baseline_year, path.target_year, path.baseline, path.target, path.index
    fig = go.Figure()
    fig.add_scatter(
        x=[y0, y1],
        y=[v0, v1],
        mode="lines",
        name=t("path", lang),
        line={"dash": "dash", "color": "#616161", "width": 3},
    )
    fig.add_scatter(
        x=[y0],
        y=[v0],
        mode="markers+text",
        name=t("baseline", lang),
        marker={"size": 16, "color": "#424242"},
        text=[f"{t('baseline', lang)} {y0}: {fmt_number(v0, lang)}"],
        textposition="top right",
    )
    fig.add_scatter(
        x=[y1],
        y=[v1],
        mode="markers+text",
        name=t("target", lang),
        marker={"size": 18, "color": "#2E7D32", "symbol": "star"},
        text=[
            f"{t('target', lang)} {y1}: {fmt_number(v1, lang)}"
            + (
                # English writes 25%, Swedish 25 % with a space that never wraps (as share_of_plan).
                f" (+{fmt_number(path.change_pct, lang)}{'%' if lang == 'en' else NBSP + '%'})"
                if path.change_pct is not None
                else ""
            )
        ],
        textposition="top left",
    )
    if not outcomes.empty and not index:
        fig.add_scatter(
            x=outcomes["year"],
            y=outcomes["value"],
            mode="lines+markers",
            name=t("outcome", lang),
            marker={"size": 12, "color": "#1565C0"},
            line={"color": "#1565C0", "width": 3},
        )
    top = max([v0, v1, *(outcomes["value"].tolist() if not outcomes.empty else [])])
    fig.update_xaxes(dtick=1, title=t("year", lang), range=[y0 - 0.5, y1 + 0.5])
    fig.update_yaxes(title=t("index", lang) if index else None, range=[0, top * 1.25], tickformat=",d")
    _layout(fig, height=380)
    fig.update_layout(separators=_separators(lang))
    return margins.fit(fig)


def target_bullet(whole: Bullet, parts: list[Bullet], lang: str) -> go.Figure:
    """One target on its own scale: target bar, baseline tick, outcome marker; each "of which" part
    on a row of its own below it, on the same scale and named on the axis, so it reads at a glance."""
    fig = go.Figure()
    values = [whole.target, whole.baseline, whole.outcome] + [v for p in parts for v in (p.target, p.outcome)]
    top = max((v for v in values if v is not None), default=1.0)
    total = t("bullet_total", lang) if parts else ""
    rows = [total] + [f"{t('of_which', lang)} {plain_html(p.region)}".strip() for p in parts]

    def label(value) -> list[str]:
        return [fmt_number(value, lang) if parts and value is not None else ""]

    def marker(row: str, value: float, what: str, size: int) -> None:
        """The baseline's tick or an outcome's diamond (`what`) on `row`."""
        style = (
            {"symbol": "line-ns", "size": size, "line": {"width": 4, "color": "#424242"}}
            if what == "baseline"
            else {"symbol": "diamond", "size": size, "color": "#1565C0"}
        )
        fig.add_scatter(
            y=[row], x=[value], mode="markers", name=t(what, lang), marker=style,
            hovertemplate=t(what, lang) + ": %{x}<extra></extra>",
        )  # fmt: skip

    fig.add_bar(
        y=[total], x=[whole.target], orientation="h", name=t("target", lang), width=0.7,
        marker={"color": "#C8E6C9", "line": {"color": "#2E7D32", "width": 2}},
        text=label(whole.target), textposition="outside", cliponaxis=False,
        textfont={"size": 15, "color": "#1B5E20"},
        hovertemplate=t("target", lang) + ": %{x}<extra></extra>",
    )  # fmt: skip
    for part, row in zip(parts, rows[1:], strict=True):
        fig.add_bar(
            y=[row], x=[part.target], orientation="h", width=0.6, name=row,
            marker={"color": "#2E7D32"},
            text=label(part.target), textposition="outside", cliponaxis=False,
            textfont={"size": 15, "color": "#1B5E20"},
            hovertemplate=row + ": %{x}<extra></extra>",
        )  # fmt: skip
        if part.outcome is not None:
            marker(row, part.outcome, "outcome", 18)
    if whole.baseline is not None:
        marker(total, whole.baseline, "baseline", 44)
    if whole.outcome is not None:
        marker(total, whole.outcome, "outcome", 20)
    fig.update_layout(barmode="overlay", showlegend=False)
    # Room on the right for the value written after the longest bar.
    fig.update_xaxes(range=[0, top * (1.22 if parts else 1.08)], tickformat=",d")
    fig.update_yaxes(categoryorder="array", categoryarray=rows[::-1], automargin=True, tickfont={"size": 15})
    _layout(fig, height=150 + 50 * len(parts))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, separators=_separators(lang))
    return margins.fit(fig)
