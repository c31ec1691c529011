"""Display tables and safe text (pure): labelled columns, labels for codes, "—" for missing, escaped user text."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from dashboard.formats import MISSING, fmt_date, fmt_datetime, fmt_number, fmt_tkr
from dashboard.i18n import COLUMNS, status_label, t
from loaders.roles import Role
from loaders.template import STATUS_CODES

# Columns whose numbers are years or version numbers: 2016, not "2 016".
_PLAIN_NUMBERS = {"year", "baseline_year", "target_year", "outcome_year", "version"}
# Columns holding whole SEK, shown in tkr.
_SEK = {"amount_sek", "budget_sek"}

# The roles a version records (loaders/roles.py, lower-cased); anything else is shown as the name alone.
ROLES = tuple(role.name.lower() for role in Role)


def missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return False


def kind_label(kind: str, lang: str) -> str:
    """A budget line's kind: budget or opening balance."""
    return t(f"kind_{kind}", lang) if kind in ("budget", "opening_balance") else kind


def who(name, lang: str, role=None) -> str:
    """Who loaded a version: a person (with their role then, when recorded), or the build from data/ ("build")."""
    if missing(name) or name == "":
        return MISSING
    if name == "build":
        return t("who_system", lang)
    if isinstance(role, str) and role in ROLES:
        return f"{name} ({t(f'role_{role}', lang)})"
    return str(name)


def cell(value, lang: str, column: str = "") -> str:
    """One value as the UI shows it in a table."""
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(cell(v, lang) for v in value) or MISSING
    if missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return t("yes" if value else "no", lang)
    if column == "status" and value in STATUS_CODES:
        return status_label(value, lang)
    if column == "kind":
        return kind_label(value, lang)
    if column == "loaded_by":
        return who(value, lang)
    if column == "action" and isinstance(value, str):
        return t(f"action_{value}", lang)
    if isinstance(value, int | float | np.integer | np.floating):
        if column in _PLAIN_NUMBERS and float(value).is_integer():
            return str(int(value))
        if column in _SEK:
            return fmt_tkr(float(value), lang)
        return fmt_number(float(value), lang)
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        return fmt_datetime(stamp, lang) if (stamp.hour or stamp.minute) else fmt_date(stamp, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    return str(value)


def table(df: pd.DataFrame, lang: str, plain: tuple[str, ...] = ()) -> pd.DataFrame:
    """A query result (or a frame already labelled) as the UI shows it: every column by its label from
    i18n.COLUMNS, codes by their labels, missing values as "—", numbers in the UI language's format.

    plain: labelled columns whose whole numbers are years or counts of versions (no thousands separator).
    """
    # Built as plain lists and made a frame once: adding columns one by one to a frame rebuilt its column index
    # (and its lookup table) on every column, a fifth of a page's run where a page has several tables.
    columns: dict[str, list[str]] = {}
    for name, values in df.items():
        column = str(name)
        kind = "year" if column in plain else column
        label = t(COLUMNS[column], lang) if column in COLUMNS else column
        while label in columns:  # plan_id and plan_title both read "Plan": keep the first
            label += " "
        columns[label] = [cell(v, lang, kind) for v in values.tolist()]
    out = pd.DataFrame(columns, index=df.index) if columns else pd.DataFrame(index=df.index)
    if df.index.name in COLUMNS:
        out.index.name = t(COLUMNS[df.index.name], lang)
    return out


# ---------------------------------------------------------------------------- user text

# Every ASCII punctuation character can be backslash-escaped in Markdown (CommonMark); escaping all of
# them turns off links, images, emphasis, HTML, lists, headings, <autolinks>, and Streamlit's $math$,
# :colour[…] and :emoji: directives alike.
_MD_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


# Streamlit's Markdown (GFM) turns any "https://…", "www.…" or "name@host.tld" in the text into a link,
# escaped or not. An invisible word joiner breaks the pattern and leaves the text as it reads.
_WJ = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?(?=\\:)|www(?=\\\.)|@(?=[\w-]))")


def md(text) -> str:
    """Text from a workbook or a form, for st.markdown and everything else that renders Markdown."""
    if missing(text):
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return _AUTOLINK.sub(lambda m: m.group(1) + _WJ, escaped)


def quote(text: str, lang: str) -> str:
    """Quotation marks as each language writes them: ”…” in Swedish, “…” in English."""
    return f"”{text}”" if lang != "en" else f"“{text}”"


def plain_html(text) -> str:
    """Text from a workbook or a form, for plotly labels, hover texts and ticks (which render some HTML)."""
    if missing(text):
        return ""
    return html.escape(str(text), quote=False)
