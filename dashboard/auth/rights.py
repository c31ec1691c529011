"""Who may edit in this session: current_editor, and require_editor, which every editor action calls first."""

from __future__ import annotations

import streamlit as st

from dashboard.auth import config

SESSION_KEY = "auth_editor"


class NotAuthorized(Exception):
    """Raised by require_editor when the session has no signed-in editor."""


def oidc_user_email() -> str | None:
    """The lower-cased e-mail of the user signed in through OIDC in this session, or None."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    # A provider that says the address is unverified must not grant rights tied to that address.
    if user.get("email_verified") is False:
        return None
    email = user.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    return email.strip().lower()


def current_editor() -> str | None:
    """The editor signed in to this session (an account name, or an e-mail for OIDC), or None for a viewer."""
    if config.oidc_configured():
        email = oidc_user_email()
        return email if email is not None and email in config.oidc_editor_emails() else None
    # Session state is per browser session; a module global here would sign in every user at once.
    name = st.session_state.get(SESSION_KEY)
    if not isinstance(name, str):
        return None
    # Checked on every call, so removing an account from the config ends its sessions at their next action.
    return name if name in config.local_accounts() else None


def require_editor() -> str:
    """The current editor's name; raises NotAuthorized otherwise. Every editor action calls this first."""
    editor = current_editor()
    if editor is None:
        raise NotAuthorized("editor sign-in required")
    return editor
