"""Meeting pack: one PDF and the same content as an Excel workbook, for a prorector's follow-up meeting.

Built on the server and offline: charts with matplotlib (Agg, no pyplot, so no global figure state between
Streamlit's threads), layout with reportlab platypus, the workbook with xlsxwriter. The app fills a Pack;
this module only renders it. Every fixed text comes from the catalogue (dashboard/i18n.py) in the pack's language.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
import textwrap
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
import xlsxwriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image as PILImage  # matplotlib needs Pillow; reportlab reads PNGs with it
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import HRFlowable

from dashboard import i18n
from dashboard.domain.targets import progress
from dashboard.formats import fmt_number


def _t(key: str, lang: str, **params) -> str:
    # The pack's fixed texts are in the one catalogue (dashboard/i18n.py), keys prefixed pack_.
    return i18n.t("pack_" + key, lang, **params)


class Section(NamedTuple):
    """One table of the pack: its heading, its rows (localized columns, text cells) and its sheet's name."""

    heading: str
    frame: pd.DataFrame
    # The workbook's sheet: a short name of its own (Excel allows 31 characters); "" uses the heading,
    # cut after a whole word if it is longer.
    sheet: str = ""


@dataclass
class Pack:
    """What a meeting pack shows, filled by the app (dashboard/domain/followup.py); build_pdf and build_excel render it.
    Frames may be empty; section frames hold localized column names and text cells."""

    lang: str  # "sv" or "en"
    title: str
    generated_at: datetime
    data_version: int
    scope: list[tuple[str, str]]  # cover lines (label, value)
    key_figures: list[tuple[str, str]]  # (label, formatted value)
    budget: pd.DataFrame  # year_label, kind ("budget" | "opening_balance"), tkr
    status: pd.DataFrame  # plan, status (localized label), n
    status_colors: dict[str, str]  # status label → hex colour, in display order
    # name, baseline, target, latest, on_path; optional missing: why a target has no path ("" when it has one)
    targets: pd.DataFrame
    sections: list[Section]  # a plain (heading, frame) pair works too


# ---------------------------------------------------------------------------- shared helpers

BLUE = "#1F4E79"
GREY = "#5F6B76"
ZEBRA = "#F2F6FA"
BUDGET_COLOR = BLUE
IB_COLOR = "#E69F00"
PATH_COLORS = {True: "#2E7D32", False: "#D55E00", None: "#1565C0"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _frame(df: pd.DataFrame | None) -> pd.DataFrame:
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value) -> str:
    """A cell as plain text: missing → "", no control characters (a PDF font has no glyph for them)."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub(" ", text)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def _year_order(labels) -> list[str]:
    """Years in numeric order, then anything else ("Inget år") in the order it came."""
    seen = list(dict.fromkeys(str(v) for v in labels))
    years = sorted((v for v in seen if v.strip().isdigit()), key=lambda v: int(v))
    return years + [v for v in seen if not v.strip().isdigit()]


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
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
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


def _target_rows(df: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """Targets that have a path (a baseline and a target value, nothing missing), and the others as
    "name (what is missing)"."""
    shown, left_out = [], []
    for row in _frame(df).itertuples(index=False):
        baseline, target = _number(row.baseline), _number(row.target)
        name, missing = _text(row.name), _text(getattr(row, "missing", ""))
        if baseline is None or target is None or missing:
            left_out.append(f"{name} ({missing})" if missing else name)
            continue
        latest = _number(row.latest)
        on_path = None if _missing(row.on_path) else bool(row.on_path)
        shown.append({
            "name": name, "baseline": baseline, "target": target, "latest": latest, "on_path": on_path,
            "progress": progress(baseline, target, latest),
        })  # fmt: skip
    return shown, left_out


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
        handles = []
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


# ---------------------------------------------------------------------------- PDF (reportlab platypus)

FONT, FONT_BOLD = "PackDejaVuSans", "PackDejaVuSans-Bold"
_font_lock = threading.Lock()
_fonts_ready = False


def _register_fonts() -> None:
    """DejaVu Sans from matplotlib's own data, so å ä ö – → … render on any machine."""
    global _fonts_ready
    with _font_lock:
        if _fonts_ready:
            return
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont(FONT, str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
        _fonts_ready = True


PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 17 * mm, 15 * mm, 18 * mm
CELL_PAD_X, CELL_PAD_Y, CELL_LEADING = 3.5, 2.5, 10
MAX_WORD = 90  # a longer word (a URL, a chemical name) breaks rather than widening its column


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5, textColor=colors.HexColor("#222222"))
    return {
        "body": base,
        "note": ParagraphStyle("note", base, fontSize=9, textColor=colors.HexColor(GREY), spaceAfter=4),
        "nothing": ParagraphStyle("nothing", base, textColor=colors.HexColor(GREY), spaceBefore=2, spaceAfter=6),
        "kind": ParagraphStyle("kind", base, fontSize=11, textColor=colors.HexColor(GREY), spaceAfter=4),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=22, leading=27, textColor=colors.HexColor(BLUE), spaceAfter=6
        ),
        "meta": ParagraphStyle("meta", base, fontSize=10, textColor=colors.HexColor(GREY), spaceAfter=10),
        "h1": ParagraphStyle(
            "h1", base, fontName=FONT_BOLD, fontSize=14, leading=18, textColor=colors.HexColor(BLUE), spaceAfter=2
        ),
        "section": ParagraphStyle(
            "section",
            base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            textColor=colors.HexColor(BLUE),
            spaceBefore=7 * mm,
            spaceAfter=2,
        ),
        "label": ParagraphStyle("label", base, fontName=FONT_BOLD, fontSize=9.5, leading=12.5),
        "figure": ParagraphStyle(
            "figure", base, fontName=FONT_BOLD, fontSize=15, leading=18, textColor=colors.HexColor(BLUE)
        ),
        "figure_label": ParagraphStyle(
            "figure_label", base, fontSize=8.5, leading=10.5, textColor=colors.HexColor(GREY)
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=CELL_LEADING),
        "head": ParagraphStyle(
            "head", base, fontName=FONT_BOLD, fontSize=8, leading=CELL_LEADING, textColor=colors.white
        ),
    }


def _para(text, style: ParagraphStyle) -> Paragraph:
    """Data text is escaped: reportlab paragraphs parse markup."""
    return Paragraph(escape(_text(text)).replace("\n", "<br/>"), style)


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, then stamps "Page N of M" and the footer on each."""

    def __init__(self, *args, footer_left: str = "", page_text: str = "{n} / {m}", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer_left = footer_left
        self._page_text = page_text
        self._held_pages: list[dict] = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width = self._pagesize[0]
        y = MARGIN_BOTTOM - 9 * mm
        right = self._page_text.format(n=self._pageNumber, m=total)
        self.saveState()
        self.setStrokeColor(colors.HexColor("#BDBDBD"))
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 3.6 * mm, width - MARGIN_X, y + 3.6 * mm)
        self.setFillColor(colors.HexColor("#757575"))
        self.setFont(FONT, 7.5)
        self.drawRightString(width - MARGIN_X, y, right)
        room = width - 2 * MARGIN_X - pdfmetrics.stringWidth(right, FONT, 7.5) - 8 * mm
        left = self._footer_left
        while left and pdfmetrics.stringWidth(left, FONT, 7.5) > room:
            left = left[:-2] + "…"
        self.drawString(MARGIN_X, y, left)
        self.restoreState()


@dataclass
class _Layout:
    widths: list[float]
    need: float  # the width the columns need at the least (their longest words)
    height: float  # estimated height of the whole table


def _col_widths(header: list[str], rows: list[list[str]], avail: float) -> _Layout:
    """Column widths that keep the table short, the width the columns need at the least, and the table's height.

    Each column starts at its longest word (up to a limit, beyond which words break). The rest of the width
    goes, step by step, to the column where it saves the most lines of the table (each row as tall as its
    tallest cell, header included), so a long comment gets room while a date column stays narrow; the
    rest goes where text still wraps, so the table fills the page."""
    pad = 2 * CELL_PAD_X + 1
    n_rows, n_cols = len(rows) + 1, len(header)
    text_w, segments, waste = np.zeros((n_rows, n_cols)), np.ones((n_rows, n_cols)), np.zeros((n_rows, n_cols))
    minimum = np.full(n_cols, 14.0)
    measure = functools.cache(lambda s, font: pdfmetrics.stringWidth(s, font, 8))
    for i, (row, font) in enumerate(zip([header, *rows], [FONT_BOLD] + [FONT] * len(rows), strict=True)):
        for j, cell in enumerate(row):
            parts = cell.split("\n")
            words = cell.split()
            text_w[i, j] = sum(measure(p, font) for p in parts)
            segments[i, j] = len(parts)
            if len(words) > 1:  # wrapping at word boundaries leaves about half a word free at each line's end
                waste[i, j] = 0.5 * (text_w[i, j] / len(words) + measure(" ", font))
            minimum[j] = max(minimum[j], min(max((measure(w, font) for w in words), default=0), MAX_WORD))
    need = minimum + pad

    def lines(j: int, width: float) -> np.ndarray:
        usable = np.maximum(width - pad - waste[:, j], 0.5 * (width - pad))
        return np.maximum(segments[:, j], np.ceil(text_w[:, j] / usable - 1e-9))

    row_pad = 2 * CELL_PAD_Y + 0.5

    def height(matrix: np.ndarray) -> float:
        return float((matrix.max(axis=1) * CELL_LEADING + row_pad).sum())

    if need.sum() >= avail:
        widths = need * avail / need.sum()
        matrix = np.stack([lines(j, widths[j]) for j in range(n_cols)], axis=1)
        return _Layout(list(widths), float(need.sum()), height(matrix))

    def fraction(j: int, width: float) -> np.ndarray:  # lines as a smooth measure, for the search
        usable = np.maximum(width - pad - waste[:, j], 0.5 * (width - pad))
        return np.maximum(segments[:, j], text_w[:, j] / usable)

    width = need.copy()
    current = np.stack([fraction(j, width[j]) for j in range(n_cols)], axis=1)
    step = max(0.5, (avail - width.sum()) / 150)
    while avail - width.sum() >= step:
        total, best = current.max(axis=1).sum(), None
        for j in range(n_cols):
            trial = current.copy()
            trial[:, j] = fraction(j, width[j] + step)
            gain = total - trial.max(axis=1).sum()
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, j, trial)
        if best is None:
            break
        _, j, current = best
        width[j] += step
    # What is left goes to the columns furthest from holding their text on one line, at most that far;
    # anything beyond in proportion to the widths.
    deficit = np.maximum((text_w + pad).max(axis=0) - width, 0.0)
    room = avail - width.sum()
    if deficit.sum() > 0:
        width += deficit * min(1.0, room / deficit.sum())
    width *= avail / width.sum()
    current = np.stack([lines(j, width[j]) for j in range(n_cols)], axis=1)
    return _Layout(list(width), float(need.sum()), height(current))


def _table(section: _Section, styles: dict, in_row: bool) -> LongTable:
    """Cells are Paragraphs, so text wraps; the header repeats on every page. Rows split between pages only
    when asked (in_row): reportlab then also fills a page's last few lines with the header and a sliver of a row."""
    data = [[_para(h, styles["head"]) for h in section.header]]
    data += [[_para(v, styles["cell"]) for v in row] for row in section.rows]
    look = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(BLUE)),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B0BEC5")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(BLUE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y + 0.5),
    ]
    # Zebra by data row: the continuation of a very tall row keeps its row's shade.
    look += [("BACKGROUND", (0, r), (-1, r), colors.HexColor(ZEBRA)) for r, on in enumerate(section.shade, 1) if on]
    table = LongTable(data, colWidths=section.widths, repeatRows=1, splitByRow=1, splitInRow=int(in_row), hAlign="LEFT")
    table.setStyle(TableStyle(look))
    return table


def _key_figures(figures: list[tuple[str, str]], styles: dict[str, ParagraphStyle], avail: float) -> Table:
    """Key figures as a grid of boxes: value large, label small beneath."""
    n = len(figures)
    per_row = n if n <= 4 else (3 if n in (5, 6, 9) else 4)
    gap = 5 * mm
    box = (avail - gap * (per_row - 1)) / per_row
    widths = [w for i in range(per_row) for w in ([box] if i == 0 else [gap, box])]
    data, style = [], [("VALIGN", (0, 0), (-1, -1), "TOP")]
    for r, start in enumerate(range(0, n, per_row)):
        if r:
            data.append([""] * len(widths))
        row_index = len(data)
        cells = []
        for i, (label, value) in enumerate(figures[start : start + per_row]):
            if i:
                cells.append("")
            cells.append([_para(value, styles["figure"]), Spacer(1, 2), _para(label, styles["figure_label"])])
            col = 2 * i
            style += [
                ("BACKGROUND", (col, row_index), (col, row_index), colors.HexColor("#EEF3F8")),
                ("LINEABOVE", (col, row_index), (col, row_index), 2.5, colors.HexColor(BLUE)),
                ("LEFTPADDING", (col, row_index), (col, row_index), 8),
                ("RIGHTPADDING", (col, row_index), (col, row_index), 8),
                ("TOPPADDING", (col, row_index), (col, row_index), 8),
                ("BOTTOMPADDING", (col, row_index), (col, row_index), 9),
            ]
        data.append(cells + [""] * (len(widths) - len(cells)))
    heights = [None if i % 2 == 0 else gap for i in range(len(data))]
    return Table(data, colWidths=widths, rowHeights=heights, style=TableStyle(style), hAlign="LEFT")


def _image(png: bytes, width: float, max_height: float) -> Image:
    with PILImage.open(io.BytesIO(png)) as im:
        px_w, px_h = im.size
    w, h = width, width * px_h / px_w
    if h > max_height:
        w, h = w * max_height / h, max_height
    return Image(io.BytesIO(png), width=w, height=h)


@dataclass
class _Section:
    heading: str
    header: list[str]
    rows: list[list[str]]  # as printed: a row taller than about half a page goes on in rows of its own
    shade: list[bool]  # zebra, per printed row
    count: int  # rows in the data
    widths: list[float]
    wide: bool  # on landscape pages


def _sections(pack: Pack, portrait: tuple[float, float], wide: tuple[float, float]) -> list[_Section]:
    """Each section's cells as text and its column widths. A table goes on landscape pages when its columns'
    longest words do not fit across portrait, or when landscape saves a quarter of its pages."""
    out = []
    for heading, df, _sheet in (Section(*s) for s in pack.sections):
        df = _frame(df)
        if df.empty or df.columns.empty:
            out.append(_Section(_text(heading), [], [], [], 0, [], False))
            continue
        header = [_text(c) for c in df.columns]
        rows = [[_text(v) for v in row] for row in df.itertuples(index=False, name=None)]
        upright = _col_widths(header, rows, portrait[0])
        layout, frame, on_wide = upright, portrait, False
        if upright.need > portrait[0] or upright.height > portrait[1]:
            side = _col_widths(header, rows, wide[0])
            if upright.need > portrait[0] or side.height / wide[1] < 0.75 * upright.height / portrait[1]:
                layout, frame, on_wide = side, wide, True
        printed, shade = _continued(rows, layout.widths, int(0.45 * frame[1] / CELL_LEADING))
        out.append(_Section(_text(heading), header, printed, shade, len(rows), layout.widths, on_wide))
    return out


def _continued(rows: list[list[str]], widths: list[float], max_lines: int) -> tuple[list[list[str]], list[bool]]:
    """Rows as printed: a cell of more than max_lines lines is cut at word boundaries into pieces ("… "),
    each on a row of its own, so that no row is taller than a page and rows still never split."""
    printed, shade = [], []
    for i, row in enumerate(rows):
        parts = [_pieces(cell, width, max_lines) for cell, width in zip(row, widths, strict=True)]
        for k in range(max(len(p) for p in parts)):
            printed.append([p[k] if k < len(p) else "" for p in parts])
            shade.append(i % 2 == 1)
    return printed, shade


def _pieces(text: str, width: float, max_lines: int) -> list[str]:
    usable = width - 2 * CELL_PAD_X - 1
    if usable <= 0 or pdfmetrics.stringWidth(text, FONT, 8) * 1.25 / usable + text.count("\n") <= max_lines:
        return [text]
    budget = usable * max_lines * 0.8  # word wrapping leaves part of each line empty
    pieces, current, used = [], [], 0.0
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        size = usable * token.count("\n") if "\n" in token else pdfmetrics.stringWidth(token, FONT, 8)
        if current and used + size > budget:
            pieces.append("".join(current).strip())
            current, used = [], 0.0
            if token.isspace():
                continue
        current.append(token)
        used += size
    if current:
        pieces.append("".join(current).strip())
    if len(pieces) < 2:
        return [text]
    return [("… " if k else "") + piece + (" …" if k < len(pieces) - 1 else "") for k, piece in enumerate(pieces)]


def build_pdf(pack: Pack) -> bytes:
    """The meeting pack as an A4 PDF: cover with key figures, charts, then one table per section."""
    _register_fonts()
    lang = "en" if pack.lang == "en" else "sv"
    pad = 12  # a frame's own padding, 6 pt a side
    portrait = (PAGE_W - 2 * MARGIN_X - pad, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - pad)
    wide = (PAGE_H - 2 * MARGIN_X - pad, PAGE_W - MARGIN_TOP - MARGIN_BOTTOM - pad)
    chart_w_in = portrait[0] / 72
    charts = {
        "budget": budget_chart(pack.budget, lang, chart_w_in),
        "status": status_charts(pack.status, pack.status_colors or {}, lang, chart_w_in),
        "targets": target_charts(pack.targets, lang, chart_w_in),
    }
    sections = _sections(pack, portrait, wide)

    def build(in_row: bool) -> bytes:
        buf = io.BytesIO()
        doc = BaseDocTemplate(
            buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=pack.title, subject=_t("kind", lang), creator="dashboard/reports/pack.py",
            initialFontName=FONT, lang=lang,
        )  # fmt: skip
        upright = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE_W - 2 * MARGIN_X, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM)
        side = Frame(MARGIN_X, MARGIN_BOTTOM, PAGE_H - 2 * MARGIN_X, PAGE_W - MARGIN_TOP - MARGIN_BOTTOM)
        doc.addPageTemplates([
            PageTemplate(id="portrait", frames=[upright], pagesize=A4),
            PageTemplate(id="landscape", frames=[side], pagesize=landscape(A4)),
        ])  # fmt: skip
        canvasmaker = functools.partial(
            _NumberedCanvas,
            footer_left=f"{_text(pack.title)}  ·  {_t('generated', lang)} {_stamp(pack.generated_at)}",
            page_text=_t("page", lang, n="{n}", m="{m}"),
        )
        doc.build(_story(pack, lang, charts, sections, portrait, in_row), canvasmaker=canvasmaker)
        return buf.getvalue()

    try:
        return build(in_row=False)
    except LayoutError:
        # A row taller than a page (a very long comment): build again letting rows split between pages.
        return build(in_row=True)


def _story(pack: Pack, lang: str, charts: dict, sections: list[_Section], frame: tuple[float, float], in_row: bool):
    styles = _styles()
    avail_w, avail_h = frame
    story: list = [
        Spacer(1, 18 * mm),
        _para(_t("kind", lang), styles["kind"]),
        _para(pack.title, styles["title"]),
        _para(
            f"{_t('generated', lang)} {_stamp(pack.generated_at)}   ·   {_t('data_version', lang)} {pack.data_version}",
            styles["meta"],
        ),
        HRFlowable(width="100%", thickness=1.2, color=colors.HexColor(BLUE), spaceBefore=2, spaceAfter=10),
    ]
    if pack.scope:
        lines = [[_para(label, styles["label"]), _para(value, styles["body"])] for label, value in pack.scope]
        look = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D5DDE5")),
        ]
        story.append(Table(lines, colWidths=[0.28 * avail_w, 0.72 * avail_w], hAlign="LEFT", style=TableStyle(look)))
    if pack.key_figures:
        story += [
            Spacer(1, 12 * mm),
            _para(_t("key_figures", lang), styles["h1"]),
            Spacer(1, 3 * mm),
            _key_figures(pack.key_figures, styles, avail_w),
        ]

    story += [PageBreak(), _para(_t("overview", lang), styles["h1"]), Spacer(1, 3 * mm)]
    if charts["budget"]:
        story.append(_image(charts["budget"], avail_w, avail_h * 0.45))
    else:
        story.append(_para(_t("no_budget", lang), styles["note"]))
    story.append(Spacer(1, 4 * mm))
    story += [x for png in charts["status"] for x in (_image(png, avail_w, avail_h), Spacer(1, 4 * mm))]
    if not charts["status"]:
        story.append(_para(_t("no_status", lang), styles["note"]))
    story += [x for png in charts["targets"] for x in (_image(png, avail_w, avail_h), Spacer(1, 3 * mm))]
    _, left_out = _target_rows(pack.targets)
    if not charts["targets"]:
        key = "no_targets" if _frame(pack.targets).empty else "no_target_values"
        story.append(_para(_t(key, lang), styles["note"]))
    if left_out and "missing" in _frame(pack.targets).columns:
        # Every target in scope is named: those without a path each on a line, with what they lack.
        story.append(_para(_t("no_path", lang), styles["note"]))
        story += [_para(f"•\u00a0{name}", styles["note"]) for name in left_out]
    elif left_out and charts["targets"]:
        story.append(_para(_t("left_out", lang, names="; ".join(left_out)), styles["note"]))

    # Sections follow one another on the page; a change of orientation starts a new page.
    on_wide = False
    for i, section in enumerate(sections):
        if i == 0 or section.wide != on_wide:
            story += [NextPageTemplate("landscape" if section.wide else "portrait"), PageBreak()]
            on_wide = section.wide
        else:
            story.append(CondPageBreak(45 * mm))
        heading = _para(section.heading, styles["section"] if i else styles["h1"])
        if not section.header:
            story.append(KeepTogether([heading, _para(_t("nothing", lang), styles["nothing"])]))
            continue
        n = section.count
        count = _t("one_row", lang) if n == 1 else _t("rows", lang, n=n)
        story += [heading, _para(count, styles["note"]), _table(section, styles, in_row)]
    return story


# ---------------------------------------------------------------------------- Excel (xlsxwriter)

_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _sheet_name(name: str, used: set[str], fallback: str) -> str:
    """≤ 31 characters, none of []:*?/\\, not starting or ending with ', unique ignoring case (as Excel compares).
    A longer name keeps its whole words, never half of one (then the fallback)."""
    base = re.sub(r"\s+", " ", _SHEET_BAD.sub(" ", name)).strip().strip("'").strip()
    if not base or base.lower() == "history":  # Excel reserves "History"
        base = fallback
    k = 1
    while True:
        suffix = f" ({k})" if k > 1 else ""
        candidate = (_whole_words(base, 31 - len(suffix)) or _whole_words(fallback, 31 - len(suffix))) + suffix
        if candidate.lower() not in used:
            used.add(candidate.lower())
            return candidate
        k += 1


def _whole_words(text: str, most: int) -> str:
    """The text if it fits in most characters, else its longest run of whole words that does ("" if none)."""
    if len(text) <= most:
        return text.rstrip(" '")
    return text[: most + 1].rsplit(" ", 1)[0].rstrip(" '(,;–-") if " " in text[: most + 1] else ""


class _Book:
    def __init__(self, buf: io.BytesIO):
        self.wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        add = self.wb.add_format
        self.head = add({"bold": True, "bg_color": BLUE, "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.top = add({"valign": "top"})
        self.title = add({"bold": True, "font_size": 16, "font_color": BLUE})
        self.bold = add({"bold": True, "valign": "top"})
        self.subhead = add({"bold": True, "font_size": 12, "font_color": BLUE})
        self.italic = add({"italic": True, "font_color": GREY})
        self.stamp = add({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
        self.left = add({"align": "left"})
        self.integer = add({"num_format": "#,##0", "valign": "top"})
        self.decimal = add({"num_format": "#,##0.0", "valign": "top"})

    def text(self, ws, r: int, c: int, value, fmt=None) -> None:
        # write_string, never write(): text stays text however it begins ("=1+1" too, without an
        # apostrophe: a string cell is never a formula).
        ws.write_string(r, c, _text(value), fmt)

    def number(self, ws, r: int, c: int, value) -> None:
        number = _number(value)
        if number is not None:
            ws.write_number(r, c, number, self.integer if number.is_integer() else self.decimal)

    def grid(self, ws, header: list[str], rows: list[list], numeric: set[int] = frozenset()) -> None:
        """A header row (bold, frozen, autofilter) over rows; widths from the content, long text wraps."""
        for j, name in enumerate(header):
            self.text(ws, 0, j, name, self.head)
            cells = [_text(r[j]) for r in rows[:500]]
            width = max([len(name) * 0.9 + 2] + [max(map(len, c.split("\n"))) + 2 for c in cells])
            width = min(max(width, 9), 60)
            ws.set_column(j, j, width)
            for i, row in enumerate(rows, start=1):
                value = row[j]
                if j in numeric:
                    self.number(ws, i, j, value)
                elif _text(value):
                    self.text(ws, i, j, value, self.wrap if width >= 60 or "\n" in _text(value) else self.top)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 0)
        if header:
            ws.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
        # Printed: A4 landscape, as wide as the page, the header on every page.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)


def build_excel(pack: Pack) -> bytes:
    """The meeting pack as a workbook: a meeting sheet, the chart data, and one sheet per section."""
    lang = "en" if pack.lang == "en" else "sv"
    buf = io.BytesIO()
    book = _Book(buf)
    wb = book.wb
    used: set[str] = set()
    names = {
        k: _sheet_name(_t(k, lang), used, k) for k in ("meeting_sheet", "budget_sheet", "status_sheet", "targets_sheet")
    }

    ws = wb.add_worksheet(names["meeting_sheet"])
    ws.set_column(0, 0, 32)
    ws.set_column(1, 1, 80)
    book.text(ws, 0, 0, pack.title, book.title)
    ws.set_row(0, 24)
    book.text(ws, 2, 0, _t("generated", lang), book.bold)
    generated = pack.generated_at.replace(tzinfo=None) if pack.generated_at.tzinfo else pack.generated_at
    ws.write_datetime(2, 1, generated, book.stamp)
    book.text(ws, 3, 0, _t("data_version", lang), book.bold)
    ws.write_number(3, 1, pack.data_version, book.left)
    r = 5
    for heading, lines in ((_t("scope", lang), pack.scope), (_t("key_figures", lang), pack.key_figures)):
        if not lines:
            continue
        book.text(ws, r, 0, heading, book.subhead)
        r += 1
        for label, value in lines:
            book.text(ws, r, 0, label, book.bold)
            book.text(ws, r, 1, value, book.wrap)
            r += 1
        r += 1

    _budget_sheet(book, wb.add_worksheet(names["budget_sheet"]), pack, lang)
    _status_sheet(book, wb.add_worksheet(names["status_sheet"]), pack, lang)
    _targets_sheet(book, wb.add_worksheet(names["targets_sheet"]), pack, lang)

    for i, (heading, df, sheet) in enumerate((Section(*s) for s in pack.sections), start=1):
        df = _frame(df)
        ws = wb.add_worksheet(_sheet_name(_text(sheet or heading), used, _t("section_sheet", lang, n=i)))
        if df.columns.empty:
            book.text(ws, 0, 0, _t("nothing", lang), book.italic)
            ws.set_column(0, 0, 30)
            continue
        book.grid(ws, [_text(c) for c in df.columns], [list(r) for r in df.itertuples(index=False, name=None)])
        if df.empty:
            book.text(ws, 1, 0, _t("nothing", lang), book.italic)
    wb.close()
    return buf.getvalue()


def _budget_sheet(book: _Book, ws, pack: Pack, lang: str) -> None:
    """Year, budget, opening balance (tkr): the numbers behind the budget chart, with the same chart."""
    header = [
        _t("year", lang),
        f"{_t('budget', lang)} ({_t('tkr', lang)})",
        f"{_t('ib_column', lang)} ({_t('tkr', lang)})",
    ]
    df = _frame(pack.budget)
    rows = []
    if not df.empty:
        data = df.assign(
            year_label=df["year_label"].map(lambda v: _text(v) or "–"), tkr=pd.to_numeric(df["tkr"], errors="coerce")
        )
        sums = data.groupby(["year_label", "kind"], sort=False)["tkr"].sum(min_count=1)
        rows = [[y, sums.get((y, "budget")), sums.get((y, "opening_balance"))] for y in _year_order(data["year_label"])]
    book.grid(ws, header, rows, numeric={1, 2})
    if not rows:
        book.text(ws, 1, 0, _t("nothing", lang), book.italic)
        return
    chart = book.wb.add_chart({"type": "column"})
    for col, color in ((1, BUDGET_COLOR), (2, IB_COLOR)):
        if any(_number(r[col]) is not None for r in rows):
            chart.add_series({
                "name": [ws.name, 0, col], "categories": [ws.name, 1, 0, len(rows), 0],
                "values": [ws.name, 1, col, len(rows), col], "fill": {"color": color}, "border": {"none": True},
            })  # fmt: skip
    chart.set_title({"name": f"{_t('budget_title', lang)} ({_t('tkr', lang)})", "name_font": {"size": 12}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(1, len(header) + 1, chart)


def _status_sheet(book: _Book, ws, pack: Pack, lang: str) -> None:
    """Plan × status counts, the statuses in the chart's order, and a total."""
    df = _frame(pack.status)
    if df.empty:
        book.grid(ws, [_t("plan", lang), _t("status", lang)], [])
        book.text(ws, 1, 0, _t("nothing", lang), book.italic)
        return
    data = df.assign(
        plan=df["plan"].map(_text), status=df["status"].map(_text), n=pd.to_numeric(df["n"], errors="coerce")
    )
    order = list(pack.status_colors or {}) + [
        s for s in dict.fromkeys(data["status"]) if s not in (pack.status_colors or {})
    ]
    table = data.pivot_table(index="plan", columns="status", values="n", aggfunc="sum", fill_value=0)
    table = table.reindex(index=list(dict.fromkeys(data["plan"])), columns=order, fill_value=0)
    table = table.loc[:, table.sum() > 0]
    statuses = list(table.columns)
    rows = [[plan, *(table.loc[plan, s] for s in statuses), table.loc[plan].sum()] for plan in table.index]
    header = [_t("plan", lang), *statuses, _t("total", lang)]
    book.grid(ws, header, rows, numeric=set(range(1, len(header))))
    chart = book.wb.add_chart({"type": "bar", "subtype": "stacked"})
    for j, status in enumerate(statuses, start=1):
        color = (pack.status_colors or {}).get(status)
        chart.add_series({
            "name": [ws.name, 0, j], "categories": [ws.name, 1, 0, len(rows), 0],
            "values": [ws.name, 1, j, len(rows), j], **({"fill": {"color": color}} if color else {}),
        })  # fmt: skip
    chart.set_title({"name": _t("status_title", lang), "name_font": {"size": 12}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": max(300, 120 + 28 * len(rows))})
    ws.insert_chart(1, len(header) + 1, chart)


def _targets_sheet(book: _Book, ws, pack: Pack, lang: str) -> None:
    header = [_t(k, lang) for k in ("name", "baseline", "target", "latest", "on_path", "progress", "missing")]
    rows = []
    for row in _frame(pack.targets).itertuples(index=False):
        baseline, target, latest = _number(row.baseline), _number(row.target), _number(row.latest)
        missing = _text(getattr(row, "missing", ""))
        on_path = None if _missing(row.on_path) else _t("yes" if row.on_path else "no", lang)
        share = (
            progress(baseline, target, latest) if baseline is not None and target is not None and not missing else None
        )
        share = None if share is None else round(share, 1)
        rows.append([row.name, baseline, target, latest, on_path, share, missing or None])
    book.grid(ws, header, rows, numeric={1, 2, 3, 5})
    if not rows:
        book.text(ws, 1, 0, _t("nothing", lang), book.italic)
