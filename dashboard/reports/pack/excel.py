"""The meeting pack as an Excel workbook (xlsxwriter): the same content as the PDF, with native charts."""

from __future__ import annotations

import io
import re
from collections.abc import Set as AbstractSet

import pandas as pd
import xlsxwriter

from dashboard.domain.targets import progress
from dashboard.reports.pack.model import (
    BLUE,
    BUDGET_COLOR,
    GREY,
    IB_COLOR,
    Pack,
    Section,
    _frame,
    _missing,
    _number,
    _t,
    _text,
    _year_order,
)

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

    def grid(self, ws, header: list[str], rows: list[list], numeric: AbstractSet[int] = frozenset()) -> None:
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
