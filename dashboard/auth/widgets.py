"""The sidebar's sign-in box: OIDC through st.login when configured, else the local accounts' form."""

from __future__ import annotations

import importlib.util

import streamlit as st

from dashboard import i18n
from dashboard.auth import config
from dashboard.auth.accounts import TooManyAttempts, check_local
from dashboard.auth.rights import SESSION_KEY, current_user, oidc_user_email
from loaders import replica
from loaders.roles import Role, User

_ERROR_KEY = "auth_error"


def t(key: str, lang: str, **params: str) -> str:
    """One sentence of this module's UI text (its keys start auth_ in the catalogue, dashboard/i18n.py)."""
    return i18n.t(key, lang, **params)


def _sign_out_local() -> None:
    st.session_state.pop(SESSION_KEY, None)


def sign_in_box(lang: str) -> None:
    """The sidebar's sign-in/sign-out control.

    With neither OIDC nor local accounts configured it renders nothing: most readers never edit, and a caption
    saying "editing is not configured" would only puzzle them (the README tells operators how to enable it).
    """
    with st.sidebar:
        if replica.role() == replica.READER:
            # A reader process writes nothing and signs no one in (rights.current_user): editors go to the writer.
            url = config.editor_url()
            if url:
                st.caption(t("auth_on_editor_address", lang, url=url))
            else:
                # Said without a link rather than not at all: someone who came to report is told this address
                # cannot take it.
                st.caption(t("auth_read_only_address", lang))
            return
        user = current_user()
        if config.oidc_configured():
            _oidc_box(user, lang)
        elif user is not None:
            st.caption(_signed_in(user, lang))
            # A callback, so the whole run that follows the click (not just what comes after this box) is signed out.
            st.button(t("auth_sign_out", lang), key="auth_sign_out", on_click=_sign_out_local)
        elif config.local_accounts():
            _local_form(lang)


def _authlib_installed() -> bool:
    # Only looked for, never imported: a server without [auth] must not need Authlib at all.
    return importlib.util.find_spec("authlib") is not None


def _signed_in(user: User, lang: str) -> str:
    """ "Signed in as anna (reporter)", or for someone who may only read, that they can read but not change."""
    if user.role <= Role.VIEWER:
        return t("auth_signed_in_viewer", lang, name=user.name)
    return t("auth_signed_in_as", lang, name=user.name, role=t(f"role_{user.role.name.lower()}", lang))


def _oidc_box(user: User | None, lang: str) -> None:
    email = oidc_user_email()
    if email is not None and user is not None:
        st.caption(_signed_in(user, lang))
        if st.button(t("auth_sign_out", lang), key="auth_sign_out"):
            st.logout()
        return
    if st.user.get("is_logged_in"):
        # Signed in, but without a (verified) e-mail: still only a reader; offer the way out.
        if st.button(t("auth_sign_out", lang), key="auth_sign_out"):
            st.logout()
        return
    if not _authlib_installed():
        # st.login would raise; say what the operator must fix instead of showing a traceback.
        st.caption(t("auth_no_authlib", lang))
        return
    providers = config.oidc_providers() or [None]
    for provider in providers:
        label = t("auth_sign_in", lang) if provider is None else t("auth_sign_in_with", lang, provider=provider)
        if st.button(label, key=f"auth_login_{provider or 'default'}"):
            st.login(provider)


def _local_form(lang: str) -> None:
    with st.expander(t("auth_sign_in_editor", lang)):
        with st.form("auth_form"):
            st.text_input(t("auth_name", lang), key="auth_name", autocomplete="username")
            st.text_input(
                t("auth_password", lang), type="password", key="auth_password", autocomplete="current-password"
            )
            # A callback, not `if submitted:` in the script: it runs before the script, so this very run already
            # shows the signed-in state (no st.rerun needed), and it may blank the password widget's state, which the
            # script may not do once the widget exists.
            st.form_submit_button(t("auth_sign_in", lang), key="auth_submit", on_click=_submit_local)
        error = st.session_state.pop(_ERROR_KEY, None)
        if error is not None:
            st.error(t(error, lang))


def _submit_local() -> None:
    name = st.session_state.get("auth_name") or ""
    password = st.session_state.get("auth_password") or ""
    # The typed password stays in server memory no longer than this callback; the name is kept for a retry.
    st.session_state["auth_password"] = ""
    try:
        editor = check_local(name, password, config.local_accounts())
    except TooManyAttempts:
        st.session_state[_ERROR_KEY] = "auth_too_many"
        return
    if editor is None:
        # One message for both cases: saying which part was wrong would confirm that a name exists.
        st.session_state[_ERROR_KEY] = "auth_bad_credentials"
        return
    st.session_state[SESSION_KEY] = editor
