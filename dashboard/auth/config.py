"""Who may sign in, with which role: secrets.toml [editors], [accounts.*], PLANS_EDITORS; OIDC [auth], [access]."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import streamlit as st

from dashboard.auth.accounts import ENV_VAR, parse_env_accounts
from loaders.roles import Role, User

log = logging.getLogger(__name__)


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


_warned: set[str] = set()


def _warn_once(message: str, *args: object) -> None:
    # The configuration is read on every script run: a bad entry is logged once, not on every click.
    text = message % args
    if text not in _warned:
        _warned.add(text)
        log.warning(text)


def _names(entry: Mapping[str, Any], field: str) -> list[str] | None:
    """An assignment's list (plans, units, responsible): absent → None (no limit); a string is a list of one.

    Raises ValueError for anything else, so a mistyped entry is refused rather than read as "no limit".
    """
    value = entry.get(field)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(field)
    return [v.strip() for v in value if v.strip()]


def _assigned(name: str, entry: Mapping[str, Any], where: str) -> User | None:
    """A User from a [accounts.<name>] or [access."<e-mail>"] table; None (logged) when it is not well formed."""
    role = Role.parse(entry.get("role"))
    if role is None:
        # Say where, never the entry itself: an account table holds a password hash.
        _warn_once("%s: %r has no valid role (reporter, editor or admin) and is ignored", where, name)
        return None
    try:
        plans, units, responsible = (_names(entry, f) for f in ("plans", "units", "responsible"))
    except ValueError as exc:
        _warn_once("%s: %r: %s must be a list of names; the entry is ignored", where, name, exc)
        return None
    return User.assigned(name, role, plans=plans, units=units, responsible=responsible)


def _account_tables() -> dict[str, tuple[str, User]]:
    """[accounts.<name>] tables with a password hash and a valid assignment: name → (hash, user)."""
    found: dict[str, tuple[str, User]] = {}
    for raw_name, entry in _section("accounts").items():
        name = str(raw_name).strip()
        if not name or not isinstance(entry, Mapping):
            continue
        password = entry.get("password")
        if not isinstance(password, str) or not password.strip():
            _warn_once("[accounts]: %r has no password hash and is ignored", name)
            continue
        user = _assigned(name, entry, "[accounts]")
        if user is not None:
            found[name] = (password.strip(), user)
    return found


def _local() -> dict[str, tuple[str, User]]:
    # [editors] first, then [accounts.*], then PLANS_EDITORS, each winning over the one before on a clash.
    found = {
        str(name).strip(): (value, User(str(name).strip(), Role.EDITOR))
        for name, value in _section("editors").items()
        if isinstance(value, str)
    }
    found.update(_account_tables())
    found.update({name: (value, User(name, Role.EDITOR)) for name, value in _env_accounts(os.environ.get(ENV_VAR, ""))})
    return {name: entry for name, entry in found.items() if name}


def local_accounts() -> dict[str, str]:
    """Local accounts {name: hash}: [editors], [accounts.<name>] and PLANS_EDITORS (which wins on a clash)."""
    return {name: password for name, (password, _user) in _local().items()}


def local_users() -> dict[str, User]:
    """What each local account may do: [editors] and PLANS_EDITORS are editors on every plan; an
    [accounts.<name>] table names its role and, optionally, its plans, units and responsible."""
    return {name: user for name, (_password, user) in _local().items()}


def oidc_configured() -> bool:
    """Whether secrets.toml has an [auth] section, i.e. editors sign in through st.login (OIDC)."""
    return bool(_section("auth"))


def oidc_providers() -> list[str | None]:
    """Arguments for st.login: None for a provider set directly in [auth], plus each [auth.<name>] provider."""
    auth = _section("auth")
    providers: list[str | None] = [None] if "client_id" in auth else []
    providers += [name for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value]
    return providers


@dataclass(frozen=True)
class IdentityRule:
    """Which claim of the ID token names a user after an OIDC sign-in, and which issuers are trusted."""

    claim: str = "email"
    issuers: frozenset[str] = frozenset()  # empty: any (the one provider configured in [auth])


def oidc_identity_rule() -> IdentityRule:
    """secrets.toml's [sign_in]: claim (default "email") and issuers (the provider's issuer URL(s), e.g. an
    Entra ID tenant's https://login.microsoftonline.com/<tenant-id>/v2.0), which pins the tenant."""
    section = _section("sign_in")
    claim = section.get("claim")
    issuers = section.get("issuers", [])
    if isinstance(issuers, str):
        issuers = [issuers]
    if not isinstance(issuers, list | tuple):
        _warn_once("[sign_in] issuers is not a list of addresses; nobody signs in with rights until it is")
        issuers = ["-"]  # fails closed: no issuer matches
    return IdentityRule(
        claim.strip() if isinstance(claim, str) and claim.strip() else "email",
        frozenset(str(i).strip().rstrip("/") for i in issuers if str(i).strip()),
    )


def oidc_editor_emails() -> set[str]:
    """The e-mail addresses allowed to edit after an OIDC sign-in: [editor_access] emails, lower-cased."""
    emails = _section("editor_access").get("emails", [])
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, list | tuple):
        return set()
    return {email.strip().lower() for email in emails if isinstance(email, str) and email.strip()}


def oidc_users() -> dict[str, User]:
    """What each OIDC e-mail address may do: [editor_access] emails are editors on every plan; an
    [access."<e-mail>"] table names a role and, optionally, plans, units and responsible (and wins)."""
    users = {email: User(email, Role.EDITOR) for email in oidc_editor_emails()}
    for raw, entry in _section("access").items():
        email = str(raw).strip().lower()
        if email and isinstance(entry, Mapping):
            user = _assigned(email, entry, "[access]")
            if user is not None:
                users[email] = user
    return users


def smtp_section() -> Mapping[str, Any]:
    """secrets.toml's [smtp] (host, port, user, password, from, starttls) for reminders; PLANS_SMTP_* win."""
    return _section("smtp")


def reminders_section() -> Mapping[str, Any]:
    """secrets.toml's [reminders] (base_url, interval_hours); PLANS_BASE_URL and PLANS_REMIND_INTERVAL_HOURS win."""
    return _section("reminders")


def backup_section() -> Mapping[str, Any]:
    """secrets.toml's [backup] (dir, keep, interval_hours); PLANS_BACKUPS, PLANS_BACKUP_KEEP and
    PLANS_BACKUP_INTERVAL_HOURS win (loaders.backup.settings)."""
    return _section("backup")


def editor_url() -> str | None:
    """$PLANS_EDITOR_URL: where a reader process (loaders.replica) sends those who sign in; an http(s) address only,
    since it is shown as a link."""
    url = os.environ.get("PLANS_EDITOR_URL", "").strip()
    if re.fullmatch(r"https?://[^\s()<>\[\]]+", url):
        return url
    # Only a reader process asks: there, an address missing or mistyped leaves those who came to report or edit
    # with no way on, which the operator should hear of (once) rather than find out from them.
    if url:
        _warn_once("PLANS_EDITOR_URL is not an http(s) address without spaces or brackets: readers do not show it")
    else:
        _warn_once("PLANS_EDITOR_URL is not set: readers cannot send those who come to edit to the editors' address")
    return None
