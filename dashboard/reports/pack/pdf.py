"""The meeting pack as an A4 PDF (reportlab platypus): cover with key figures, charts, then one table per section."""

from __future__ import annotations

import functools
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
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

from dashboard.reports.pack.charts import budget_chart, status_charts, target_charts
from dashboard.reports.pack.model import (
    BLUE,
    GREY,
    ZEBRA,
    Pack,
    Section,
    _frame,
    _stamp,
    _t,
    _target_rows,
    _text,
)

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
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own page reset; not in its type stubs

    def save(self):
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width = self._pagesize[0]  # type: ignore[attr-defined]  # reportlab's page state; not in its stubs
        y = MARGIN_BOTTOM - 9 * mm
        right = self._page_text.format(n=self._pageNumber, m=total)  # type: ignore[attr-defined]  # as above
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
    look: list[tuple] = [
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


def _fitting(style: ParagraphStyle, values: list[str], width: float, smallest: float = 9) -> ParagraphStyle:
    """The style, its font made just small enough (the same for every value) that no value's longest word is
    wider than `width`: a figure such as "13,556 kSEK" (joined by a no-break space) is never cut inside."""
    words = [w for v in values for w in str(v).split(" ") if w]
    size = style.fontSize
    while size > smallest and any(pdfmetrics.stringWidth(w, style.fontName, size) > width for w in words):
        size -= 0.5
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}_fit", style, fontSize=size, leading=size * style.leading / style.fontSize)


def _key_figures(figures: list[tuple[str, str]], styles: dict[str, ParagraphStyle], avail: float) -> Table:
    """Key figures as a grid of boxes: value large, label small beneath."""
    n = len(figures)
    per_row = n if n <= 4 else (3 if n in (5, 6, 9) else 4)
    gap = 5 * mm
    box = (avail - gap * (per_row - 1)) / per_row
    widths = [w for i in range(per_row) for w in ([box] if i == 0 else [gap, box])]
    figure = _fitting(styles["figure"], [value for _, value in figures], box - 16)
    data: list[list] = []
    style: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    for r, start in enumerate(range(0, n, per_row)):
        if r:
            data.append([""] * len(widths))
        row_index = len(data)
        cells: list = []
        for i, (label, value) in enumerate(figures[start : start + per_row]):
            if i:
                cells.append("")
            cells.append([_para(value, figure), Spacer(1, 2), _para(label, styles["figure_label"])])
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
    pieces: list[str] = []
    current: list[str] = []
    used = 0.0
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
            bottomMargin=MARGIN_BOTTOM, title=pack.title, subject=_t("kind", lang), creator="dashboard/reports/pack",
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
        look: list[tuple] = [
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
