"""Who is signed in and with which role: current_user, and require, which every action calls first."""

from __future__ import annotations

import streamlit as st

from dashboard.auth import config
from loaders import replica
from loaders.roles import Role, User

SESSION_KEY = "auth_editor"


class NotAuthorized(Exception):
    """Raised by require when the session's user lacks the role an action needs."""


class AdminOnly(NotAuthorized):
    """The action needs an admin (rounds, reminders, contacts, the access page)."""


class PlanNotAssigned(NotAuthorized):
    """The user has the role but not the plan: an editor of other plans uploading this one."""

    def __init__(self, plan_id: str, title: str | None = None):
        super().__init__(f"plan {plan_id!r} is not assigned")
        self.plan_id = plan_id
        self.title = title  # the plan's title, for the message (never its id, if the caller knows it)


def oidc_user_email() -> str | None:
    """The identity of the user signed in through OIDC in this session, lower-cased, or None.

    By default the e-mail claim; [sign_in] claim names another (e.g. "sub", or "oid" for Entra ID). With
    [sign_in] issuers set, a token from any other issuer (another tenant of a multi-tenant provider) grants
    nothing: an e-mail address alone is no identity where users of other tenants can set their own."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    rule = config.oidc_identity_rule()
    if rule.issuers and str(user.get("iss") or "").rstrip("/") not in rule.issuers:
        return None
    # A provider that says the address is unverified must not grant rights tied to that address.
    if rule.claim == "email" and user.get("email_verified") is False:
        return None
    value = user.get(rule.claim)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def current_user() -> User | None:
    """The user signed in to this session with their role and assignment, or None when nobody is signed in.

    Read from the configuration on every call, so removing an account (or changing its role) takes effect at
    its next action. Someone signed in through OIDC who is not listed reads only (a viewer). On a reader process
    (loaders.replica) nobody is signed in, whatever the session or the sign-in cookie says: it cannot write."""
    if replica.role() == replica.READER:
        return None
    if config.oidc_configured():
        email = oidc_user_email()
        if email is None:
            return None
        return config.oidc_users().get(email) or User(email, Role.VIEWER)
    # Session state is per browser session; a module global here would sign in every user at once.
    name = st.session_state.get(SESSION_KEY)
    if not isinstance(name, str):
        return None
    return config.local_users().get(name)


def require(role: Role, plan_id: str | None = None, plan_title: str | None = None) -> User:
    """The current user when they have at least `role` (and, given plan_id, that plan); NotAuthorized otherwise.

    Every action calls this first: hiding a button is never the check."""
    user = current_user()
    if user is None or user.role < role:
        raise (AdminOnly if role >= Role.ADMIN else NotAuthorized)(f"{role.name.lower()} sign-in required")
    if plan_id is not None and not user.has_plan(plan_id):
        raise PlanNotAssigned(plan_id, plan_title)
    return user


def current_editor() -> str | None:
    """The signed-in editor's (or admin's) name — an account name, or an e-mail for OIDC — else None."""
    user = current_user()
    return user.name if user is not None and user.role >= Role.EDITOR else None


def require_editor() -> str:
    """The current editor's name; raises NotAuthorized otherwise (actions that need no particular plan)."""
    return require(Role.EDITOR).name
