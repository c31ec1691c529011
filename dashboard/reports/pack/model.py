"""The meeting pack's content: what a pack shows (Pack, Section), filled by dashboard/domain/followup.py.

Also the reading of that content every renderer shares (plain text of a cell, numbers, years in order, which
targets have a path) and the pack's palette; names with an underscore are shared inside this package only.
Every fixed text comes from the catalogue (dashboard/i18n.py) in the pack's language. No matplotlib, no
reportlab: the app builds a Pack without loading either.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import pandas as pd

from dashboard import i18n
from dashboard.domain.targets import progress


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
    """What a meeting pack shows, filled by the app (dashboard/domain/followup.py); pdf.build_pdf and
    excel.build_excel render it. Frames may be empty; section frames hold localized column names and text cells."""

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
