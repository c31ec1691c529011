"""Exports of the table a user is looking at: Excel (formatted, with a filters sheet) and CSV (UTF-8 with BOM)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import xlsxwriter

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV/formula injection).
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; leave the rest."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens Swedish characters correctly; semicolons, as Swedish Excel expects."""
    return _safe_frame(df).to_csv(index=False, sep=";").encode("utf-8-sig")


def to_excel(
    df: pd.DataFrame,
    sheet_name: str,
    about: list[tuple[str, str]],
    about_sheet: str,
    number_formats: dict[str, str] | None = None,
) -> bytes:
    """One formatted sheet of rows (bold header, widths, number formats, frozen header, autofilter)
    and one sheet stating the filters, the time and the data version."""
    safe = _safe_frame(df)
    number_formats = {neutralise(k): v for k, v in (number_formats or {}).items()}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = wb.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    formats = {c: wb.add_format({"num_format": f}) for c, f in number_formats.items()}
    ws = wb.add_worksheet(sheet_name[:31])
    for j, col in enumerate(safe.columns):
        ws.write_string(0, j, str(col), header)
        values = safe[col]
        width = max([len(str(col))] + [len(str(v)) for v in values.head(200) if v is not None])
        ws.set_column(j, j, min(max(width + 2, 8), 60))
        for i, v in enumerate(values, start=1):
            _write(ws, i, j, v, formats.get(col), date_fmt)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 32)
    if len(safe.columns):
        ws.autofilter(0, 0, max(len(safe), 1), len(safe.columns) - 1)
    info = wb.add_worksheet(about_sheet[:31])
    info.set_column(0, 0, 28)
    info.set_column(1, 1, 90)
    for i, (k, v) in enumerate(about):
        info.write_string(i, 0, str(neutralise(k)), header)
        info.write_string(i, 1, str(neutralise(v)))
    wb.close()
    return buf.getvalue()


def _write(ws, r: int, c: int, v, fmt, date_fmt) -> None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return
    if isinstance(v, pd.Timestamp | datetime):
        ws.write_datetime(r, c, v.to_pydatetime() if isinstance(v, pd.Timestamp) else v, date_fmt)
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), date_fmt)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    else:
        # write_string, never write(): text stays text however it begins.
        ws.write_string(r, c, str(v))
