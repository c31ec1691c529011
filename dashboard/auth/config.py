"""Where editors are configured: local accounts from secrets.toml [editors] and PLANS_EDITORS, OIDC from [auth]."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import streamlit as st

from dashboard.auth.accounts import ENV_VAR, parse_env_accounts


def _secrets() -> Mapping[str, Any]:
    """st.secrets, or an empty mapping when there is no secrets.toml (the usual case for a viewer-only server)."""
    try:
        # Read st.secrets at call time: AppTest swaps the module attribute for its own secrets.
        loaded = st.secrets
        len(loaded)  # parses the file now, so a missing or broken file raises here and not at a later .get
    except FileNotFoundError:
        # StreamlitSecretNotFoundError is a FileNotFoundError, raised for a missing file and for a TOML error
        # (which Streamlit logs at startup). Either way: no accounts, so nobody can edit, which fails safe.
        return {}
    return loaded


def _section(name: str) -> Mapping[str, Any]:
    section = _secrets().get(name)
    return section if isinstance(section, Mapping) else {}


@lru_cache(maxsize=4)
def _env_accounts(text: str) -> tuple[tuple[str, str], ...]:
    # Parsed once per distinct value, so a malformed entry is logged once and not on every script run.
    return tuple(parse_env_accounts(text).items())


def local_accounts() -> dict[str, str]:
    """Local editor accounts {name: hash}: [editors] in secrets.toml, then PLANS_EDITORS (which wins on a clash)."""
    accounts = {str(name).strip(): value for name, value in _section("editors").items() if isinstance(value, str)}
    accounts.update(_env_accounts(os.environ.get(ENV_VAR, "")))
    return {name: value for name, value in accounts.items() if name}


def oidc_configured() -> bool:
    """Whether secrets.toml has an [auth] section, i.e. editors sign in through st.login (OIDC)."""
    return bool(_section("auth"))


def oidc_providers() -> list[str | None]:
    """Arguments for st.login: None for a provider set directly in [auth], plus each [auth.<name>] provider."""
    auth = _section("auth")
    providers: list[str | None] = [None] if "client_id" in auth else []
    providers += [name for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value]
    return providers


def oidc_editor_emails() -> set[str]:
    """The e-mail addresses allowed to edit after an OIDC sign-in: [editor_access] emails, lower-cased."""
    emails = _section("editor_access").get("emails", [])
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, list | tuple):
        return set()
    return {email.strip().lower() for email in emails if isinstance(email, str) and email.strip()}


def smtp_section() -> Mapping[str, Any]:
    """secrets.toml's [smtp] (host, port, user, password, from, starttls) for reminders; PLANS_SMTP_* win."""
    return _section("smtp")


def reminders_section() -> Mapping[str, Any]:
    """secrets.toml's [reminders] (base_url, interval_hours); PLANS_BASE_URL and PLANS_REMIND_INTERVAL_HOURS win."""
    return _section("reminders")
