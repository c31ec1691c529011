"""Render helpers shared by the pages: every table, chart, empty state and download button."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.reports import display
from dashboard.web import media
from dashboard.web.context import Context

media.install()


def as_list(value) -> list:
    """A DuckDB list cell as a plain list: None, NA and empty arrays all become []."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(value)


def table(df: pd.DataFrame, lang: str, key: str | None = None, plain: tuple[str, ...] = (), **kwargs) -> None:
    """Every table on every page: labelled columns, labels for codes, "—" for missing, numbers in the UI's
    format (display.table)."""
    st.dataframe(display.table(df, lang, plain), hide_index=kwargs.pop("hide_index", True), key=key, **kwargs)


def no_activities(ctx: Context, cards: pd.DataFrame) -> str:
    """Why no activity is in view: the plans chosen list none (say which), or the filters leave none."""
    if not cards.empty and not cards["activities_stated"].any():
        plans = ", ".join(display.quote(display.md(p), ctx.lang) for p in cards["title"])
        return t("plans_without_activities", ctx.lang, plans=plans)
    return t("no_match", ctx.lang)


# The confirmation of the last finished action, shown on the run after it (`confirm`, `show_confirmation`).
_CONFIRMATION = "render_confirmation"


def confirm(message: str) -> None:
    """Say that an action is done, on the next run: every action that changes data reruns the page at once.
    A toast sent just before st.rerun() can go with the interrupted run (Streamlit 1.67: 4 clicks of 16 in a
    two-button app; on the meeting page, 2 saves of about 25 in the browser tests, one in CI): the person is
    not told that what they saved was saved, and may save it twice. Sent from the new run, where nothing
    interrupts it, it arrived 16 times of 16 in the same two-button app."""
    st.session_state[_CONFIRMATION] = message


def show_confirmation() -> None:
    """Show (once) the confirmation left by the run before; the app calls this on every run."""
    message = st.session_state.pop(_CONFIRMATION, None)
    if message:
        st.toast(message, icon=":material/check_circle:")


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def chart(fig, key: str, selectable: bool = False):
    """Render a figure; with selectable=True a click returns the selected points."""
    config = {"displaylogo": False}
    if selectable:
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode=("points",), config=config)
        if isinstance(event, dict):
            return (event.get("selection") or {}).get("points", [])
        return event.selection.points
    st.plotly_chart(fig, key=key, config=config)
    return []


# The MIME type of every file the app offers, by the file's kind (its extension).
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
}
_ICONS = {"pdf": ":material/picture_as_pdf:"}


def download(
    label: str,
    data,
    file_name: str,
    kind: str,
    key: str,
    *,
    where=st,
    help: str | None = None,
    primary: bool = False,
) -> None:
    """Every download button: data is the file's bytes, or a function that makes them when clicked; where is
    st or a column. A click does not run the page again: a run during a click replaced the button's file, and
    the click then got no download (8 in 25 clicks with a busy CPU)."""
    where.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=MIME[kind],
        key=key,
        icon=_ICONS.get(kind, ":material/download:"),
        help=help,
        type="primary" if primary else "secondary",
        on_click="ignore",
    )
