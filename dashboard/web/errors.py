"""Typed errors turned into the user's message in the user's language: the one place that does so."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import streamlit as st
from streamlit import config

from dashboard.auth.accounts import TooManyAttempts
from dashboard.auth.rights import AdminOnly, NotAuthorized, PlanNotAssigned
from dashboard.formats import fmt_datetime
from dashboard.i18n import t
from dashboard.reports.display import md
from dashboard.web.actions import NothingToPublish, WholePlanRefused
from loaders.identity import ReplaceRefused
from loaders.problems import FormInvalid, Problem, WorkbookInvalid
from loaders.publish import PlanChanged
from loaders.remind import RoundsUnavailable, RoundUnknown, SmtpUnavailable
from loaders.replica import NoReplica

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What the user is told: how (error, warning, info), the text (Markdown), and a workbook's problems."""

    level: str
    text: str
    icon: str | None = None
    problems: tuple[Problem, ...] = ()
    # The problems come from several files (the workbooks in data/): each line names its file.
    files: bool = False
    # False: the page goes on after the message (e.g. a form keeps what was typed, to be corrected).
    stop: bool = True


# (error, what the user was doing) → (level, text key, icon). None: whatever they were doing.
# The doings: "publish" (an upload), "rollback" (an older version again), "build" (the database from data/),
# "contacts" (the contacts workbook for reminders).
_KEYS: dict[tuple[type[Exception], str | None], tuple[str, str, str | None]] = {
    (NotAuthorized, None): ("error", "editors_only", None),
    (AdminOnly, None): ("error", "admins_only", None),
    (WholePlanRefused, None): ("error", "reporter_whole_plan", None),
    (PlanNotAssigned, None): ("error", "plan_not_assigned", None),
    (TooManyAttempts, None): ("error", "auth_too_many", None),
    (NothingToPublish, None): ("error", "diff_none", None),
    (NothingToPublish, "rollback"): ("info", "h_same_as_current", None),
    (ReplaceRefused, None): ("error", "replace_unconfirmed", None),
    # Someone else published first: said as news, not as the user's mistake.
    (PlanChanged, None): ("warning", "plan_changed", ":material/sync_problem:"),
    (PlanChanged, "rollback"): ("warning", "plan_changed_rollback", None),
    (WorkbookInvalid, None): ("error", "upload_invalid", ":material/error:"),
    (WorkbookInvalid, "build"): ("error", "db_invalid", None),
    # DuckDB lets one process write a file: another program (e.g. the loader) has it open.
    (duckdb.IOException, None): ("error", "db_unavailable", None),
    # A reader process started before the writer made its first copy of the database.
    (NoReplica, None): ("info", "replica_missing", ":material/hourglass_empty:"),
    # Reminders (dashboard/web/reminders.py): the mail server's own answer is for the admin who sent them.
    (SmtpUnavailable, None): ("error", "rem_smtp_failed", ":material/mail:"),
    (WorkbookInvalid, "contacts"): ("error", "rem_contacts_invalid", ":material/error:"),
    (RoundUnknown, None): ("error", "rem_no_round", None),
    (RoundsUnavailable, None): ("error", "rem_no_round", None),
    # A backup the server could not write (a full disk, a folder it may not write to): said, never a traceback.
    (OSError, "backup"): ("error", "backup_failed", None),
    (duckdb.Error, "backup"): ("error", "backup_failed", None),
}


def _params(exc: Exception, lang: str) -> dict:
    """What an error's message names, from the error itself (shown as text, never as Markdown)."""
    if isinstance(exc, PlanChanged):
        return {"version": exc.current, "by": md(exc.by) or "—", "at": fmt_datetime(exc.at, lang)}
    if isinstance(exc, WorkbookInvalid):
        return {"n": len(exc.problems)}
    if isinstance(exc, PlanNotAssigned):
        return {"plan": md(exc.title) if exc.title else t("plan_this", lang)}
    if isinstance(exc, SmtpUnavailable):
        return {"error": md(str(exc)) or "—"}
    return {}


def message(exc: Exception, lang: str, doing: str | None = None, **params) -> Message:
    """The message for exc in lang; params: what the page knows that the error does not (e.g. the plan's title).

    An error without a message of its own gets a generic one: never its text, which may hold a server path.
    """
    if isinstance(exc, FormInvalid):
        # The loader's own catalogue says why; the form stays filled in, to be corrected.
        return Message("error", exc.message(lang), stop=False)
    for kind in type(exc).__mro__:
        found = _KEYS.get((kind, doing)) or _KEYS.get((kind, None))
        if found:
            level, key, icon = found
            problems = tuple(exc.problems) if isinstance(exc, WorkbookInvalid) else ()
            text = t(key, lang, **{**_params(exc, lang), **params})
            return Message(level, text, icon, problems, files=doing == "build")
    return Message("error", t("error_unexpected", lang), ":material/error:")


def known(exc: Exception) -> bool:
    """Whether exc has a message of its own (else it is a fault, logged with its traceback)."""
    return isinstance(exc, FormInvalid) or any((kind, None) in _KEYS for kind in type(exc).__mro__)


def problem_lines(problems: Sequence[Problem], lang: str, files: bool = False) -> str:
    """A workbook's problems as a Markdown list: where (cell, else sheet), the value found, the message in full."""
    lines = []
    for problem in problems:
        where = " · ".join(w for w in (problem.file if files else "", problem.cell or problem.sheet) if w)
        head = f"**{md(where)}** · " if where else ""
        value = f"{t('p_value', lang)}: {md(problem.value)} · " if problem.value else ""
        lines.append(f"- {head}{value}{md(problem.message(lang))}")
    return "\n".join(lines)


def show(msg: Message, lang: str, key: str = "errors_problems") -> None:
    """Put a message on the page where the caller is (a tab, a form, a status box)."""
    getattr(st, msg.level)(msg.text, icon=msg.icon)
    if msg.problems:
        # A list, not a table: a grid cuts long messages at 1366 px; a line wraps and reads in full.
        many = len(msg.problems) > 8
        with st.container(height=420 if many else "content", border=many, key=key):
            st.markdown(problem_lines(msg.problems, lang, msg.files))


def _details_shown() -> bool:
    # client.showErrorDetails is the operator's choice: "none" (the shipped .streamlit/config.toml) keeps
    # every detail off the page; any other value is for developers, who want Streamlit's own report.
    return config.get_option("client.showErrorDetails") != config.ShowErrorDetailsConfigOptions.NONE


@contextmanager
def user_errors(
    lang: str,
    doing: str | None = None,
    *,
    on: dict[type[Exception], Callable[[Exception, Message], None]] | None = None,
    **params,
) -> Iterator[None]:
    """Run a block; an error in it becomes its message on the page, and the run stops there (unless the
    message says the page goes on).

    on: error type → what to do instead of showing its message (e.g. check an upload again).
    st.stop and st.rerun pass through: they are not Exceptions but BaseExceptions.
    """
    try:
        yield
    except Exception as exc:
        if not known(exc):
            if _details_shown():
                raise
            log.error("unexpected error while serving a page", exc_info=exc)
        msg = message(exc, lang, doing, **params)
        handler = next((fn for kind, fn in (on or {}).items() if isinstance(exc, kind)), None)
        if handler is not None:
            handler(exc, msg)
        else:
            show(msg, lang)
        if msg.stop:
            st.stop()
