"""Local editor accounts: the PLANS_EDITORS format, and a name and password checked against the accounts."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from dashboard.auth.passwords import DUMMY_HASH, parse_hash, verify_password
from dashboard.auth.throttle import Throttle

log = logging.getLogger(__name__)

ENV_VAR = "PLANS_EDITORS"


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


def _find_account(name: str, accounts: Mapping[str, str]) -> tuple[str, str] | None:
    """(canonical name, hash) for a typed name: surrounding space and letter case do not matter."""
    wanted = name.strip().casefold()
    found = None
    for canonical, stored in accounts.items():
        if canonical.casefold() == wanted:
            found = (canonical, stored)  # the last one wins, as env entries come after secrets entries
    return found


# Security state shared by every session on purpose: a lockout must hold across browser tabs and sessions.
THROTTLE = Throttle()


class TooManyAttempts(Exception):
    """Raised by check_local while a name is locked out after repeated failures."""


def check_local(name: str, password: str, accounts: Mapping[str, str]) -> str | None:
    """The canonical editor name when name and password match one of accounts {name: hash}, else None.

    Raises TooManyAttempts while the name is locked out; the password is then not checked at all.
    """
    name = name if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    throttle = THROTTLE  # looked up at call time, so tests can swap in a fresh one
    if not throttle.allowed(name):
        raise TooManyAttempts(name)
    found = _find_account(name, accounts) if name.strip() else None
    if found is not None and parse_hash(found[1]) is None:
        log.warning("editor account %r has a malformed or too costly password hash; it cannot sign in", found[0])
        found = None
    if found is None:
        # Spend the same scrypt time as for a real account, so response time does not reveal which names exist.
        verify_password(DUMMY_HASH, password)
        throttle.failed(name)
        return None
    canonical, stored = found
    # scrypt runs even for an empty password, for the same timing reason; an empty password never signs in.
    if verify_password(stored, password) and password:
        throttle.succeeded(name)
        return canonical
    throttle.failed(name)
    return None
