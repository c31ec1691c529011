"""Editor sign-in: OIDC through st.login when configured, else local accounts with scrypt-hashed passwords."""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import importlib.util
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import streamlit as st

from dashboard import i18n

log = logging.getLogger(__name__)

ENV_VAR = "PLANS_EDITORS"
SESSION_KEY = "auth_editor"
_ERROR_KEY = "auth_error"

# scrypt cost for new hashes: the parameters Python's docs and OWASP suggest for interactive logins (16 MiB, ~50 ms).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# Limits on what a stored hash may ask for, so a typo or a hostile config cannot make each sign-in attempt
# take seconds or gigabytes: n at most 2**20 and 128·n·r·p (scrypt's work, in bytes) at most 256 MiB.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16
MAX_WORK = 2**28


def t(key: str, lang: str, **params: str) -> str:
    """One sentence of this module's UI text (its keys start auth_ in the catalogue, dashboard/i18n.py)."""
    return i18n.t(key, lang, **params)


# ---------------------------------------------------------------------------------------------- password hashes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A storable scrypt hash of password: scrypt$n$r$p$<salt base64>$<hash base64>."""
    if not password:
        raise ValueError("an editor password must not be empty")
    if salt is None:
        salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


_DIGITS = re.compile(r"[0-9]{1,8}")


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    """(n, r, p, salt, digest) of a stored hash, or None when it is malformed or asks for too much work."""
    if not isinstance(stored, str):
        return None
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    if not all(_DIGITS.fullmatch(part) for part in parts[1:4]):
        return None
    n, r, p = (int(part) for part in parts[1:4])
    # n must be a power of two above 1 for scrypt; the other bounds keep one attempt cheap.
    if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= MAX_R or not 1 <= p <= MAX_P:
        return None
    if 128 * n * r * p > MAX_WORK:
        return None
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not 8 <= len(salt) <= 64 or not 16 <= len(digest) <= 64:
        return None
    return n, r, p, salt, digest


def verify_password(stored: str, password: str) -> bool:
    """Whether password matches the stored hash; False (never an exception) for anything malformed."""
    parsed = _parse_hash(stored)
    if parsed is None or not isinstance(password, str):
        return False
    n, r, p, salt, digest = parsed
    try:
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=n,
            r=r,
            p=p,
            dklen=len(digest),
            # OpenSSL needs 128·r·(n + p + 2) bytes; its default ceiling (32 MiB) would refuse costs we accept.
            maxmem=128 * r * (n + p + 2) + 2**20,
        )
    except (ValueError, MemoryError, OverflowError):
        return False
    return hmac.compare_digest(candidate, digest)


# Verified against when a name is unknown (or its hash is broken), so such an attempt costs the same scrypt work
# as a real one. It is the hash of a random string nobody kept; matching it grants nothing anyway.
_DUMMY_HASH = "scrypt$16384$8$1$+VmpMmvR3j6ZveLFf76sbw==$RnmfpR2RwgWLP+8+M4wmBiLCPD+8UUhVOPybMnweY9A="


# ---------------------------------------------------------------------------------------------- local accounts


def parse_env_accounts(text: str) -> dict[str, str]:
    """Accounts from PLANS_EDITORS text "name:hash;name2:hash2"; blank and malformed entries are skipped."""
    accounts: dict[str, str] = {}
    for i, entry in enumerate((text or "").split(";"), start=1):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, stored = entry.partition(":")
        name, stored = name.strip(), stored.strip()
        if not sep or not name or not stored:
            # Say which entry, never its content: it holds a password hash.
            log.warning("%s: entry %d is not name:hash and is ignored", ENV_VAR, i)
            continue
        accounts[name] = stored
    return accounts


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


def _find_account(name: str, accounts: Mapping[str, str]) -> tuple[str, str] | None:
    """(canonical name, hash) for a typed name: surrounding space and letter case do not matter."""
    wanted = name.strip().casefold()
    found = None
    for canonical, stored in accounts.items():
        if canonical.casefold() == wanted:
            found = (canonical, stored)  # the last one wins, as env entries come after secrets entries
    return found


# ---------------------------------------------------------------------------------------------- throttling


class Throttle:
    """Counts failed sign-ins per name; max_failures within window_s locks that name for lockout_s."""

    # Beyond this many tracked names, stale ones are dropped, so guessing random names cannot grow memory forever.
    MAX_TRACKED = 10_000

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 300,
        lockout_s: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    @staticmethod
    def _key(name: str) -> str:
        # The same normalisation as account lookup, so "Anna" and "anna " share one counter.
        return (name or "").strip().casefold()

    def allowed(self, name: str) -> bool:
        """Whether a sign-in attempt for name may be checked now."""
        key = self._key(name)
        now = self.clock()
        with self._lock:
            until = self._locked_until.get(key)
            if until is None:
                return True
            if now < until:
                return False
            # The lockout is over: start counting afresh.
            del self._locked_until[key]
            self._failures.pop(key, None)
            return True

    def failed(self, name: str) -> None:
        """Record a failed attempt for name; the max_failures-th within the window starts a lockout."""
        key = self._key(name)
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window_s]
            recent.append(now)
            if len(recent) >= self.max_failures:
                self._locked_until[key] = now + self.lockout_s
                self._failures.pop(key, None)
            else:
                self._failures[key] = recent
            if len(self._failures) + len(self._locked_until) > self.MAX_TRACKED:
                self._prune(now)

    def succeeded(self, name: str) -> None:
        """Forget the failures of name after a successful sign-in."""
        key = self._key(name)
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def _prune(self, now: float) -> None:
        self._locked_until = {k: until for k, until in self._locked_until.items() if until > now}
        self._failures = {k: ts for k, ts in self._failures.items() if now - ts[-1] < self.window_s}
        if len(self._failures) > self.MAX_TRACKED:
            # Still too many live names (a flood): keep the most recently failed half.
            newest = sorted(self._failures.items(), key=lambda item: item[1][-1])[-self.MAX_TRACKED // 2 :]
            self._failures = dict(newest)


# Security state shared by every session on purpose: a lockout must hold across browser tabs and sessions.
THROTTLE = Throttle()


class TooManyAttempts(Exception):
    """Raised by check_local while a name is locked out after repeated failures."""


def check_local(name: str, password: str) -> str | None:
    """The canonical editor name when name and password match a local account, else None.

    Raises TooManyAttempts while the name is locked out; the password is then not checked at all.
    """
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    throttle = THROTTLE  # looked up at call time, so tests can swap in a fresh one
    if not throttle.allowed(name):
        raise TooManyAttempts(name)
    found = _find_account(name, local_accounts()) if name.strip() else None
    if found is not None and _parse_hash(found[1]) is None:
        log.warning("editor account %r has a malformed or too costly password hash; it cannot sign in", found[0])
        found = None
    if found is None:
        # Spend the same scrypt time as for a real account, so response time does not reveal which names exist.
        verify_password(_DUMMY_HASH, password)
        throttle.failed(name)
        return None
    canonical, stored = found
    # scrypt runs even for an empty password, for the same timing reason; an empty password never signs in.
    if verify_password(stored, password) and password:
        throttle.succeeded(name)
        return canonical
    throttle.failed(name)
    return None


# ---------------------------------------------------------------------------------------------- OIDC (st.login)


def oidc_configured() -> bool:
    """Whether secrets.toml has an [auth] section, i.e. editors sign in through st.login (OIDC)."""
    return bool(_section("auth"))


def _oidc_providers() -> list[str | None]:
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


def _oidc_user_email() -> str | None:
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


# ---------------------------------------------------------------------------------------------- this session


class NotAuthorized(Exception):
    """Raised by require_editor when the session has no signed-in editor."""


def current_editor() -> str | None:
    """The editor signed in to this session (an account name, or an e-mail for OIDC), or None for a viewer."""
    if oidc_configured():
        email = _oidc_user_email()
        return email if email is not None and email in oidc_editor_emails() else None
    # Session state is per browser session; a module global here would sign in every user at once.
    name = st.session_state.get(SESSION_KEY)
    if not isinstance(name, str):
        return None
    # Checked on every call, so removing an account from the config ends its sessions at their next action.
    return name if name in local_accounts() else None


def require_editor() -> str:
    """The current editor's name; raises NotAuthorized otherwise. Every editor action calls this first."""
    editor = current_editor()
    if editor is None:
        raise NotAuthorized("editor sign-in required")
    return editor


def _sign_out_local() -> None:
    st.session_state.pop(SESSION_KEY, None)


def sign_in_box(lang: str) -> None:
    """The sidebar's sign-in/sign-out control.

    With neither OIDC nor local accounts configured it renders nothing: most readers never edit, and a caption
    saying "editing is not configured" would only puzzle them (the README tells operators how to enable it).
    """
    with st.sidebar:
        editor = current_editor()
        if oidc_configured():
            _oidc_box(editor, lang)
        elif editor is not None:
            st.caption(t("auth_signed_in_as", lang, name=editor))
            # A callback, so the whole run that follows the click (not just what comes after this box) is signed out.
            st.button(t("auth_sign_out", lang), key="auth_sign_out", on_click=_sign_out_local)
        elif local_accounts():
            _local_form(lang)


def _authlib_installed() -> bool:
    # Only looked for, never imported: a server without [auth] must not need Authlib at all.
    return importlib.util.find_spec("authlib") is not None


def _oidc_box(editor: str | None, lang: str) -> None:
    email = _oidc_user_email()
    if email is not None:
        key = "auth_signed_in_as" if editor is not None else "auth_signed_in_viewer"
        st.caption(t(key, lang, name=email))
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
    providers = _oidc_providers() or [None]
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
        editor = check_local(name, password)
    except TooManyAttempts:
        st.session_state[_ERROR_KEY] = "auth_too_many"
        return
    if editor is None:
        # One message for both cases: saying which part was wrong would confirm that a name exists.
        st.session_state[_ERROR_KEY] = "auth_bad_credentials"
        return
    st.session_state[SESSION_KEY] = editor


# ---------------------------------------------------------------------------------------------- command line

_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _valid_name(name: str) -> bool:
    # ':' and ';' separate entries in PLANS_EDITORS; quotes, backslashes and control characters would need escaping.
    return bool(name) and not any(c in ":;\"'\\" or ord(c) < 32 or c == "\x7f" for c in name)


def config_lines(name: str, stored: str) -> str:
    """What to paste into .streamlit/secrets.toml or the environment for one account."""
    key = name if _TOML_BARE_KEY.fullmatch(name) else f'"{name}"'
    return (
        "# .streamlit/secrets.toml\n"
        "[editors]\n"
        f'{key} = "{stored}"\n'
        "\n"
        f"# or the environment variable (single quotes: the hash holds $); separate several accounts with ;\n"
        f"{ENV_VAR}='{name}:{stored}'\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m dashboard.auth", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    hash_cmd = commands.add_parser("hash", help="hash an editor password for secrets.toml or PLANS_EDITORS")
    hash_cmd.add_argument("--name", help="the editor's user name (asked for when left out)")
    args = parser.parse_args(argv)

    name = (args.name if args.name is not None else input("Editor name: ")).strip()
    if not _valid_name(name):
        print("The name must be non-empty, without : ; ' \" \\ or control characters.", file=sys.stderr)
        return 2
    password = getpass.getpass("Password: ")
    if not password:
        print("The password must not be empty.", file=sys.stderr)
        return 2
    if getpass.getpass("Password again: ") != password:
        print("The passwords differ; nothing was hashed.", file=sys.stderr)
        return 1
    print(config_lines(name, hash_password(password)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
