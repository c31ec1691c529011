"""The rounds page's reminders section: who would be e-mailed, the send button (or the messages to copy), contacts."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard.auth.rights import current_user
from dashboard.formats import fmt_datetime
from dashboard.i18n import t
from dashboard.reports.display import md
from dashboard.web import actions, errors, render
from dashboard.web.context import Context
from loaders import rounds
from loaders.contacts import stored_contacts
from loaders.problems import WorkbookInvalid
from loaders.remind import SmtpUnavailable

_RESULT = "reminders_result_{round_id}"
_LOADED = "reminders_contacts_loaded"  # (the uploader's file id, how many contacts it held)


def render_reminders(ctx: Context, round_id: int, missing: Mapping[str, list] | None = None) -> None:
    """The section for one round; nothing for anyone but an admin (the actions check that again on the server).

    missing: loaders.rounds.missing_by_responsible(db, round_id), when the page has it already.
    """
    user = current_user()
    if user is None or not user.is_admin:
        return
    lang = ctx.lang
    st.subheader(t("rem_title", lang))
    with errors.user_errors(lang):
        if missing is None:
            missing = rounds.missing_by_responsible(ctx.db, round_id)
        view = actions.reminder_batch(ctx.db, round_id, missing, ctx.now)
    batch, hours = view.batch, f"{view.interval_h:g}"
    st.caption(t("rem_intro", lang, hours=hours))
    _result(round_id, lang)

    if not (batch.to_send or batch.recent or batch.no_contact):
        render.empty(t("rem_nothing", lang))
    if batch.no_contact:
        names = ", ".join(f"{md(name)} ({n})" for name, n in batch.no_contact.items())
        st.warning(t("rem_no_contact", lang, names=names), icon=":material/person_off:")
    if batch.recent:
        st.markdown(t("rem_recent", lang, hours=hours))
        render.table(_rows(batch.recent, lang), lang, key=f"reminders_recent_{round_id}")
    if batch.to_send:
        st.markdown(f"**{t('rem_to_send', lang, n=len(batch.to_send))}**")
        render.table(_rows(batch.to_send, lang), lang, key=f"reminders_due_{round_id}")
    elif batch.recent:
        st.caption(t("rem_none_due", lang))

    if batch.to_send and view.configured:
        label = t("rem_send", lang, n=len(batch.to_send))
        if st.button(label, key=f"reminders_send_{round_id}", type="primary", icon=":material/send:"):
            try:
                _, sent = actions.send_reminders(ctx.db, view.round.round_id, missing)
            except SmtpUnavailable as exc:  # said here, and the rest of the page stays
                errors.show(errors.message(exc, lang), lang)
            else:
                st.session_state[_RESULT.format(round_id=round_id)] = [(s.reminder.recipient, s.error) for s in sent]
                st.rerun()  # the lists above now count the reminders just logged
    elif batch.to_send:
        st.info(t("rem_no_smtp", lang), icon=":material/content_copy:")
        for reminder in batch.to_send:
            # st.code has a copy button, and text from workbooks stays plain text in it.
            st.code(reminder.text(), language=None, wrap_lines=True)
    _contacts(ctx)


def _rows(reminders: list, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "recipient": [r.recipient for r in reminders],
            "responsible": [r.responsible for r in reminders],
            "items": [len(r.items) for r in reminders],
            "last_sent": [fmt_datetime(r.last_sent, lang) if r.last_sent else None for r in reminders],
        }
    )


def _result(round_id: int, lang: str) -> None:
    """What the last click sent (kept across the rerun that follows it)."""
    sent = st.session_state.pop(_RESULT.format(round_id=round_id), None)
    if sent is None:
        return
    ok = sum(error is None for _, error in sent)
    st.success(t("rem_sent", lang, n=ok), icon=":material/mark_email_read:")
    for to, error in sent:
        if error is not None:
            st.error(t("rem_failed", lang, to=md(to), error=md(error)))


def _contacts(ctx: Context) -> None:
    """The contacts: how many, the workbook to download (filled in) and to upload again."""
    lang = ctx.lang
    with st.expander(t("rem_contacts", lang), icon=":material/contact_mail:"):
        contacts = stored_contacts(ctx.db)
        if contacts:
            at, by = ctx.db.rows("select max(loaded_at), any_value(loaded_by) from contacts")[0]
            st.caption(t("rem_contacts_count", lang, n=len(contacts), at=fmt_datetime(at, lang), by=md(by)))
            render.table(
                pd.DataFrame(
                    {
                        "responsible": [c.responsible for c in contacts],
                        "email": [c.email for c in contacts],
                        "note": [c.note for c in contacts],
                    }
                ),
                lang,
                key="reminders_contacts",
            )
        else:
            st.caption(t("rem_contacts_none", lang))
        with errors.user_errors(lang):
            render.download(
                t("rem_contacts_download", lang),
                actions.contacts_download(ctx.db),
                "kontakter.xlsx",
                "xlsx",
                "reminders_contacts_download",
            )
        upload = st.file_uploader(t("rem_contacts_upload", lang), type=["xlsx"], key="reminders_contacts_upload")
        # The uploader keeps its file across reruns: a valid file is loaded once (its result shown while it
        # stays); an invalid one is checked again on each run, so its problems stay in view until it is removed.
        if upload is None:
            st.session_state.pop(_LOADED, None)
        elif st.session_state.get(_LOADED, (None,))[0] != upload.file_id:
            try:
                n = actions.load_contacts(ctx.db, upload.name, upload.getvalue())
            except WorkbookInvalid as exc:
                errors.show(errors.message(exc, lang, "contacts"), lang, key="reminders_contacts_problems")
            else:
                st.session_state[_LOADED] = (upload.file_id, n)
                st.rerun()  # the table above shows the new contacts
        else:
            st.success(t("rem_contacts_loaded", lang, n=st.session_state[_LOADED][1]))
