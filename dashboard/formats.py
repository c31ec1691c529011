"""Numbers, amounts and dates as the UI shows them: Swedish (1 100 tkr, 1,5) or English (1,100 kSEK, 1.5)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

NBSP = "\u00a0"
MISSING = "—"  # how every table and figure shows a missing value


def fmt_int(value, lang: str) -> str:
    """1 100 (Swedish, no-break space) or 1,100 (English)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    text = f"{round(value):,}"
    return text if lang == "en" else text.replace(",", NBSP)


def fmt_tkr(sek, lang: str) -> str:
    """Whole SEK → "1 100 tkr" (or "1,100 kSEK"); fractions of a thousand keep one decimal."""
    if sek is None or (isinstance(sek, float) and pd.isna(sek)):
        return MISSING
    tkr = sek / 1000
    if abs(tkr - round(tkr)) < 1e-9:
        number = fmt_int(tkr, lang)
    else:
        number = f"{tkr:,.1f}"
        number = number if lang == "en" else number.replace(",", NBSP).replace(".", ",")
    return f"{number}{NBSP}{'kSEK' if lang == 'en' else 'tkr'}"


def fmt_number(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    if float(value).is_integer():
        return fmt_int(value, lang)
    text = f"{value:,.1f}"
    return text if lang == "en" else text.replace(",", NBSP).replace(".", ",")


def fmt_percent(share: float, lang: str) -> str:
    """A share 0..1 as a whole percentage: "6 %" in Swedish (with a space, as Swedish writes it), "6%" in English."""
    text = f"{share:.0%}"
    return text if lang == "en" else text.replace("%", f"{NBSP}%")


def fmt_date(value, lang: str) -> str:
    """ISO dates are the Swedish standard and unambiguous in English too."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return MISSING
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def fmt_datetime(value, lang: str) -> str:
    if value is None or value is pd.NaT:
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
