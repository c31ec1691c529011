"""The margins a chart's axis labels need, measured in the browser's own font, so that plotly draws it once.

Plotly's automargin draws a chart, measures its tick labels and axis titles, and when they need more room
than the layout's margins it draws the whole chart again: every chart here did, which was half the time a
page spent drawing its charts (the budget page's four: 78 against 37 ms in Chromium). Margins that already
hold the labels are kept as they are, so the chart is drawn once. Automargin stays on: a label this
estimate misses (x labels turned on their side in a narrow chart, say) still gets its room, at the cost of
the second drawing. The charts use Streamlit's own font, Source Sans, which every browser showing the app
has loaded; its file comes with Streamlit, and Pillow measures a label in it to within a pixel of Chromium.
"""

from __future__ import annotations

import html
import importlib.util
import math
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
from PIL import ImageFont

FAMILY = '"Source Sans", sans-serif'
# Found once in Streamlit's static files (the name carries a content hash that changes between releases).
_SPEC = importlib.util.find_spec("streamlit")
_MEDIA = Path(_SPEC.origin).parent / "static" / "static" / "media" if _SPEC and _SPEC.origin else None

# Measured in Chromium with Streamlit's chart theme (margin.pad 8, title standoffs 24 on y and 20 on x), at
# the tick (14 px) and title (15 px) sizes of charts.py, against plotly's own automargin (tests/test_margins.py
# and, on every page, tests/test_browser.py):
GAP = 9  # between a y tick label and the plot: the theme's pad (8) and plotly's one pixel
Y_TITLE = 34  # a y-axis title beside its tick labels: its line and the theme's standoff
X_TICKS = 28  # a row of x tick labels below the plot: its line (19 at 14 px) and the gap
X_TITLE = 31  # an x-axis title below them: its line and the theme's standoff
AUTOPAD = 12  # plotly adds to every push the least of 12 px and the four margins (so at most 12)
SLACK = 2  # a few pixels over what is measured cost nothing; a pixel short costs a second drawing
# No wider a fitted left margin than this; a longer label gets the rest from automargin (a second drawing).
# Automargin also keeps a plot at least 64 px wide on a screen too narrow for its labels, a fitted margin
# does not: on a phone, a chart of long goal names keeps less than that (it kept little more before).
LONGEST = 520


@cache
def font_file() -> Path | None:
    """Streamlit's Source Sans (the variable font of its UI), or None where this Streamlit has none."""
    if _MEDIA is None:
        return None
    found = sorted(_MEDIA.glob("SourceSansVF-Upright*.woff2"))
    return found[0] if found else None


@cache
def _font(size: float) -> ImageFont.FreeTypeFont | None:
    path = font_file()
    if path is None:
        return None
    font = ImageFont.truetype(str(path), size)
    font.set_variation_by_name("Regular")  # the file's default instance is its lightest weight
    return font


def text_width(text: str, size: float) -> float:
    """The width in CSS pixels of one line of a label as the browser draws it in Source Sans (entities, such
    as the &lt; of a name made plain for plotly, measured as the character they stand for)."""
    font = _font(size)
    lines = [html.unescape(line) for line in text.split("<br>")]  # (an escaped "&lt;br&gt;" stays one line)
    if font is None:  # no Streamlit font file: a generous average (Source Sans runs about 0.5 em a letter)
        return max(0.6 * size * len(line) for line in lines)
    return max(font.getlength(line) for line in lines)


def _size(axis_font, default: float) -> float:
    return axis_font.size if axis_font is not None and axis_font.size else default


def _number_width(value: float, size: float, separators: str, decimals: bool) -> float:
    """The widest tick label a number up to `value` in magnitude can have: its digits each the widest digit."""
    widest = max("0123456789", key=lambda d: text_width(d, size))
    digits = max(1, len(str(math.ceil(abs(value)))))
    groups, rest = divmod(digits, 3)
    thousands = separators[1] if len(separators) > 1 else ","
    parts = ([widest * rest] if rest else []) + [widest * 3] * groups
    text = thousands.join(parts) + (separators[0] + widest if decimals else "")
    return text_width(("\u2212" if value < 0 else "") + text, size)


def _categories(fig: go.Figure, axis, letter: str) -> list[str]:
    if axis.categoryorder == "array" and axis.categoryarray is not None:
        return [str(c) for c in axis.categoryarray]
    values: list[str] = []
    for trace in fig.data:
        data = getattr(trace, letter, None)
        if data is not None:
            values += [str(v) for v in data]
    return values


def _is_category(fig: go.Figure, axis, letter: str) -> bool:
    if axis.type:
        return axis.type == "category"
    for trace in fig.data:
        data = getattr(trace, letter, None)
        if data is not None and len(data):
            return isinstance(data[0], str)
    return False


def _extent(fig: go.Figure, axis, letter: str) -> tuple[float, float]:
    """The numbers an axis spans: its stated range, or its data (bars stacked where the figure stacks them)
    with the room plotly's autorange adds."""
    if axis.range is not None and axis.autorange is not True:
        return float(min(axis.range)), float(max(axis.range))
    stacked = fig.layout.barmode in ("stack", "relative")
    other = "y" if letter == "x" else "x"
    highs: dict[object, float] = {}
    lows: dict[object, float] = {}
    top = bottom = 0.0
    for trace in fig.data:
        values = getattr(trace, letter, None)
        if values is None:
            continue
        keys = getattr(trace, other, None)
        keys = list(keys) if keys is not None else list(range(len(values)))
        for key, v in zip(keys, values, strict=False):
            if v is None or (isinstance(v, float) and math.isnan(v)) or isinstance(v, str):
                continue
            v = float(v)
            if stacked and trace.type == "bar":
                highs[key] = highs.get(key, 0.0) + max(v, 0.0)
                lows[key] = lows.get(key, 0.0) + min(v, 0.0)
            else:
                top, bottom = max(top, v), min(bottom, v)
    top = max([top, *highs.values()])
    bottom = min([bottom, *lows.values()])
    return 1.1 * bottom, 1.1 * top


def left(fig: go.Figure) -> float:
    """The room the y axis's tick labels and title take left of the plot."""
    axis = fig.layout.yaxis
    size = _size(axis.tickfont, 14)
    if axis.showticklabels is False or axis.visible is False:
        widest = 0.0
    elif _is_category(fig, axis, "y"):
        widest = max((text_width(c, size) for c in _categories(fig, axis, "y")), default=0.0)
    else:
        low, high = _extent(fig, axis, "y")
        separators = fig.layout.separators or ".,"
        decimals = not (axis.tickformat or "").endswith("d")
        widest = max(_number_width(v, size, separators, decimals) for v in (low, high))
    room = widest + GAP if widest else 0.0
    if axis.title.text:
        room += Y_TITLE if widest else Y_TITLE + GAP
    return max(room + AUTOPAD if room else 0.0, _x_end(fig, low=True))


def bottom(fig: go.Figure) -> float:
    """The room the x axis's tick labels (one row, upright) and title take below the plot."""
    axis = fig.layout.xaxis
    room = 0.0 if axis.showticklabels is False or axis.visible is False else X_TICKS
    if axis.title.text:
        room += X_TITLE
    return room + AUTOPAD if room else 0.0


def right(fig: go.Figure) -> float:
    """The room the x axis's last tick label takes right of the plot."""
    return _x_end(fig, low=False)


def _x_end(fig: go.Figure, low: bool) -> float:
    """Half the x tick label at an end of a numeric or date axis, which may sit on the plot's very edge (a
    category's label sits in the middle of its band)."""
    axis = fig.layout.xaxis
    if axis.showticklabels is False or axis.visible is False or _is_category(fig, axis, "x"):
        return 0.0
    size = _size(axis.tickfont, 14)
    if axis.type == "date":
        widest = text_width("2000", size)
    else:
        start, end = _extent(fig, axis, "x")
        separators = fig.layout.separators or ".,"
        decimals = not (axis.tickformat or "").endswith("d") and max(abs(start), abs(end)) < 10
        widest = _number_width(start if low else end, size, separators, decimals)
    return widest / 2 + AUTOPAD


def fit(fig: go.Figure) -> go.Figure:
    """Left, bottom and right margins that hold the axes' labels (never less than the layout's own), for a figure
    drawn in FAMILY (charts.FONT): the chart is drawn once instead of twice."""
    margin = fig.layout.margin
    fig.update_layout(
        margin={
            "l": max(margin.l or 0, min(LONGEST, math.ceil(left(fig)) + SLACK)),
            "b": max(margin.b or 0, math.ceil(bottom(fig)) + SLACK),
            "r": max(margin.r or 0, math.ceil(right(fig)) + SLACK),
            "pad": 8,  # Streamlit's chart theme's, stated here so the fit does not rest on the theme alone
        }
    )
    return fig
