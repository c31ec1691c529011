"""The meeting pack's charts as PNG images: matplotlib with the Agg canvas and no pyplot, so no global
figure state is shared between Streamlit's threads.
"""

from __future__ import annotations

import io
import itertools
import math
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image as PILImage  # matplotlib needs Pillow; reportlab reads PNGs with it

from dashboard.formats import fmt_number
from dashboard.reports.pack.model import (
    BLUE,
    BUDGET_COLOR,
    GREY,
    IB_COLOR,
    PATH_COLORS,
    _frame,
    _t,
    _target_rows,
    _text,
    _year_order,
)

# ---------------------------------------------------------------------------- charts (matplotlib, Agg)

CHART_DPI = 200


def _figure(width_in: float, height_in: float) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=CHART_DPI, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """PNG without an alpha channel: in a PDF, alpha becomes a second image (a soft mask) for nothing."""
    # Names from workbooks are text: "$…$" in one is not a formula (and a broken one would stop the pack).
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    out = io.BytesIO()
    PILImage.fromarray(rgb).save(out, format="PNG")
    return out.getvalue()


def _style_axes(ax, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#9E9E9E")
    ax.spines["bottom"].set_color("#9E9E9E")
    ax.tick_params(labelsize=8.5, colors="#333333")
    ax.grid(axis=grid_axis, color="#E3E3E3", linewidth=0.7)
    ax.set_axisbelow(True)


def _title(fig: Figure, text: str) -> None:
    """The chart's title at the figure's left edge, over the axis labels too."""
    fig.suptitle(text, x=0.01, ha="left", fontsize=11.5, fontweight="bold", color=BLUE)


def budget_chart(df: pd.DataFrame, lang: str, width_in: float) -> bytes | None:
    """Bars of tkr per year; the opening balance as its own bars beside the year's budget, never stacked."""
    df = _frame(df)
    if df.empty:
        return None
    data = df.assign(
        year_label=df["year_label"].map(lambda v: _text(v) or "–"),
        tkr=pd.to_numeric(df["tkr"], errors="coerce").fillna(0.0),
    )
    sums = data.groupby(["year_label", "kind"], sort=False)["tkr"].sum()
    years = _year_order(data["year_label"])
    kinds = set(data["kind"])
    series = [("budget", _t("budget", lang), BUDGET_COLOR)]
    if "opening_balance" in kinds:
        series.append(("opening_balance", _t("ib", lang), IB_COLOR))
    if "budget" not in kinds:
        series = series[1:]
    if not series:
        return None
    width = 0.8 / len(series) if len(series) > 1 else 0.6
    fig = _figure(width_in, 3.0)
    ax = fig.add_subplot()
    n_bars = len(years) * len(series)
    label_size = 8 if n_bars <= 16 else 6.5
    rotate = 90 if n_bars > 14 else 0
    values_all = []
    # Bars of one year stand side by side; a year with one kind only gets its bar centred.
    present = {y: [kind for kind, _, _ in series if (y, kind) in sums.index] for y in years}
    for kind, name, color in series:
        xs, values = [], []
        for i, y in enumerate(years):
            if kind in present[y]:
                k, m = present[y].index(kind), len(present[y])
                xs.append(i + (k - (m - 1) / 2) * width)
                values.append(float(sums[(y, kind)]))
        values_all += values
        bars = ax.bar(xs, values, width=width * 0.92, color=color, label=name, zorder=2)
        labels = [fmt_number(v, lang) if v else "" for v in values]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=label_size, rotation=rotate, color="#222222")
    ax.set_xticks(range(len(years)), [textwrap.fill(y, 12 if len(years) <= 8 else 5) for y in years])
    ax.set_xlabel(_t("year", lang), fontsize=9)
    ax.set_ylabel(_t("tkr", lang), fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, lang)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    top, bottom = max([0.0, *values_all]), min([0.0, *values_all])
    room = 0.30 if rotate else 0.14
    span = (top - bottom) or 1.0
    ax.set_ylim(bottom - (span * room if bottom < 0 else 0), top + span * room)
    ax.axhline(0, color="#9E9E9E", linewidth=0.8)
    _style_axes(ax, "y")
    ax.tick_params(axis="x", labelsize=8.5 if len(years) <= 12 else 7.5)
    _title(fig, f"{_t('budget_title', lang)} ({_t('tkr', lang)})")
    if len(series) > 1:
        ax.legend(fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(0, 1.0), ncols=len(series))
        ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] + span * 0.12)
    return _png(fig)


def _ink(hex_color: str) -> str:
    """Black or white text, whichever reads better on the colour."""
    r, g, b = matplotlib.colors.to_rgb(hex_color)
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#FFFFFF"


STATUS_PER_CHART = 15


def status_charts(df: pd.DataFrame, status_colors: dict[str, str], lang: str, width_in: float) -> list[bytes]:
    """Horizontal stacked bars: one bar per plan, a segment per status; long plan lists in several charts."""
    df = _frame(df)
    if df.empty:
        return []
    data = df.assign(
        plan=df["plan"].map(_text),
        status=df["status"].map(_text),
        n=pd.to_numeric(df["n"], errors="coerce").fillna(0),
    )
    plans = list(dict.fromkeys(data["plan"]))
    order = list(status_colors) + [s for s in dict.fromkeys(data["status"]) if s not in status_colors]
    table = data.pivot_table(index="plan", columns="status", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(index=plans, columns=order, fill_value=0)
    table = table.loc[:, table.sum() > 0]
    if table.empty or not table.to_numpy().sum():
        return []
    fallback = iter(["#9E9E9E", "#BDBDBD", "#757575", "#E0E0E0", "#616161"] * 10)
    palette = {s: status_colors.get(s) or next(fallback) for s in table.columns}
    xmax = float(table.sum(axis=1).max())
    charts = []
    for start, stop in _chunks(len(plans), STATUS_PER_CHART):
        part = table.iloc[start:stop]
        names = [_wrap(p, 32, 3) for p in part.index]
        lines = sum(max(1, n.count("\n") + 1) for n in names)
        height = 1.05 + 0.30 * len(part) + 0.10 * lines + 0.22 * math.ceil(len(table.columns) / 4)
        fig = _figure(width_in, height)
        ax = fig.add_subplot()
        left = [0.0] * len(part)
        for status in table.columns:
            values = [float(v) for v in part[status]]
            bars = ax.barh(range(len(part)), values, left=left, color=palette[status], label=status, height=0.62)
            labels = [fmt_number(v, lang) if v and v >= xmax * 0.035 else "" for v in values]
            ax.bar_label(bars, labels=labels, label_type="center", fontsize=7.5, color=_ink(palette[status]))
            left = [a + b for a, b in zip(left, values, strict=True)]
        for i, total in enumerate(left):
            ax.text(total + xmax * 0.01, i, fmt_number(total, lang), va="center", ha="left", fontsize=7.5, color=GREY)
        ax.set_yticks(range(len(part)), names)
        ax.set_ylim(len(part) - 0.5, -0.5)
        ax.set_xlim(0, xmax * 1.08)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, lang)))
        ax.set_xlabel(_t("n_activities", lang), fontsize=9)
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        _title(fig, _t("status_title" if start == 0 else "status_more", lang))
        fig.legend(loc="outside lower center", ncols=min(4, len(table.columns)), fontsize=8, frameon=False, title=None)
        charts.append(_png(fig))
    return charts


def _chunks(n: int, most: int) -> list[tuple[int, int]]:
    """Split n items into as few charts as hold at most `most` each, all about the same size."""
    count = max(1, math.ceil(n / most))
    bounds = [round(k * n / count) for k in range(count + 1)]
    return list(itertools.pairwise(bounds))


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "\n".join(lines)


TARGETS_PER_CHART = 12


def target_charts(df: pd.DataFrame, lang: str, width_in: float) -> list[bytes]:
    """One row per target on a common 0–100 % scale (baseline → target); the latest outcome as a marker."""
    rows, _ = _target_rows(df)
    if not rows:
        return []
    progresses = [r["progress"] for r in rows if r["progress"] is not None]
    # The scale reaches a little past the outcomes, but at most to -25 % and 150 %: beyond, an arrow at the edge.
    lo = max(-25.0, min([-8.0, *[p - 8 for p in progresses]]))
    hi = min(150.0, max([112.0, *[p + 8 for p in progresses]]))
    pct = "\u00a0%" if lang != "en" else "%"
    charts = []
    for start, stop in _chunks(len(rows), TARGETS_PER_CHART):
        part = rows[start:stop]
        fig = _figure(width_in, 1.3 + 0.52 * len(part))
        ax = fig.add_subplot()
        for i, r in enumerate(part):
            ax.barh(i, 100, left=0, height=0.30, color="#DCE6F0", edgecolor="#8FA9C4", linewidth=0.8, zorder=1)
            note = f"{fmt_number(r['baseline'], lang)} → {fmt_number(r['target'], lang)}"
            if r["progress"] is None:
                note += f" · {_t('no_outcome', lang)}"
                ax.text(1.5, i, _t("no_outcome", lang), va="center", ha="left", fontsize=7.5, color=GREY,
                        style="italic", zorder=3)  # fmt: skip
            else:
                note += f" · {_t('outcome', lang)} {fmt_number(r['latest'], lang)}"
                # Far outside the range: drawn at the edge, pointing the way it went.
                x = min(max(r["progress"], lo + 2), hi - 2)
                marker = ">" if r["progress"] > hi - 2 else "<" if r["progress"] < lo + 2 else "D"
                ax.plot([x], [i], marker=marker, markersize=8, color=PATH_COLORS[r["on_path"]],
                        markeredgecolor="white", markeredgewidth=0.8, zorder=4, linestyle="none")  # fmt: skip
            ax.text(0, i - 0.24, note, va="bottom", ha="left", fontsize=7.5, color="#333333", zorder=3)
        ax.set_yticks(range(len(part)), [_wrap(r["name"], 34, 3) for r in part], fontsize=8)
        ax.set_ylim(len(part) - 0.5, -0.85)
        ax.set_xlim(lo, hi)
        ax.set_xticks([t for t in range(-25, 151, 25) if lo <= t <= hi])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}{pct}"))
        ax.axvline(0, color="#8FA9C4", linewidth=0.8, zorder=0)
        ax.axvline(100, color="#2E7D32", linewidth=0.8, linestyle="--", zorder=0)
        ax.set_xlabel(_t("progress_axis", lang), fontsize=8.5)
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, "x")
        _title(fig, _t("targets_title" if start == 0 else "targets_more", lang))
        handles: list[Artist] = []
        for key, label in ((True, "on_path"), (False, "off_path"), (None, "unknown_path")):
            if any(r["on_path"] is key and r["progress"] is not None for r in part):
                handles.append(
                    Line2D([], [], marker="D", linestyle="none", color=PATH_COLORS[key], label=_t(label, lang))
                )
        if any(r["progress"] is None for r in part):
            handles.append(Patch(facecolor="#DCE6F0", edgecolor="#8FA9C4", label=_t("no_outcome_legend", lang)))
        if handles:
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8, frameon=False)
        charts.append(_png(fig))
    return charts
