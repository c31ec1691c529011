"""Editor sign-in: password hashes, account config, throttling, and the sidebar form under AppTest."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import accounts, cli, config, passwords, rights, widgets
from dashboard.auth.throttle import Throttle

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    """Every test starts with no recorded failures: THROTTLE is process-wide, and AppTest runs in this process."""
    monkeypatch.setattr(accounts, "THROTTLE", Throttle())
    monkeypatch.delenv(accounts.ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def anna_hash() -> str:
    return passwords.hash_password("rätt lösen")


def _scrypt_string(n: int, r: int, p: int, password: str = "pw") -> str:
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**29)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


# ---------------------------------------------------------------------------------------------- hashes


def test_hash_round_trip_and_format(anna_hash):
    assert passwords.verify_password(anna_hash, "rätt lösen")
    scheme, n, r, p, salt, digest = anna_hash.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    # The env format splits on ':' and ';', so a hash must never contain them.
    assert ":" not in anna_hash and ";" not in anna_hash


def test_wrong_password_is_refused(anna_hash):
    assert not passwords.verify_password(anna_hash, "fel lösen")
    assert not passwords.verify_password(anna_hash, "")
    assert not passwords.verify_password(anna_hash, "rätt lösen ")


def test_same_password_hashes_differently():
    first, second = passwords.hash_password("samma"), passwords.hash_password("samma")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert passwords.verify_password(first, "samma") and passwords.verify_password(second, "samma")


def test_given_salt_is_deterministic():
    salt = b"s" * 16
    assert passwords.hash_password("x", salt=salt) == passwords.hash_password("x", salt=salt)


def test_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        passwords.hash_password("")


def test_parameters_are_read_from_the_stored_string():
    # A hash made with other (allowed) parameters still verifies: the stored string, not the defaults, decides.
    stored = _scrypt_string(2**10, 4, 2)
    assert passwords.verify_password(stored, "pw")
    assert not passwords.verify_password(stored, "pW")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "scrypt",
        "plaintext-password",
        "scrypt$16384$8$1$c2FsdA==",  # no hash part
        "scrypt$16384$8$1$!!!$AAAA",  # salt is not base64
        "scrypt$16384$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$***",  # hash is not base64
        "scrypt$16384$8$1$$",  # empty salt and hash
        "scrypt$-1$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "scrypt$1000$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,  # n not a power of two
        "scrypt$16384$0$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "scrypt$16384$8$0$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "scrypt$1e4$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "bcrypt$16384$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44,
        "scrypt$16384$8$1$MDEyMzQ1Njc4OWFiY2RlZg==$" + "A" * 44 + "$extra",
        None,
        12345,
    ],
)
def test_malformed_stored_hash_is_false_without_raising(stored):
    assert passwords.verify_password(stored, "pw") is False


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [
        (2**21, 1, 1),  # n above 2**20
        (2**40, 1, 1),  # absurd n: must be refused before scrypt is even tried
        (2**20, 8, 1),  # n allowed, but 1 GiB of work in total
        (2**14, 8, 10**6),  # p out of range
        (2**14, 10**6, 1),  # r out of range
    ],
)
def test_oversized_cost_is_refused_quickly(n, r, p, monkeypatch):
    calls = []
    monkeypatch.setattr(passwords.hashlib, "scrypt", lambda *a, **k: calls.append(k) or b"")
    stored = f"scrypt${n}${r}${p}$MDEyMzQ1Njc4OWFiY2RlZg==${'A' * 44}"
    assert passwords.verify_password(stored, "pw") is False
    assert calls == []  # rejected by the cap, never handed to scrypt


def test_largest_allowed_cost_still_verifies():
    # The cap must not refuse what it promises to accept: n = 2**20 at r = 2 is exactly 256 MiB of work.
    stored = _scrypt_string(2**20, 2, 1)
    assert passwords.verify_password(stored, "pw")


# ---------------------------------------------------------------------------------------------- accounts


def test_parse_env_accounts():
    text = " anna : scrypt$a ;; bo:scrypt$b;\n ; cecilia:scrypt$c$with=padding== "
    assert accounts.parse_env_accounts(text) == {
        "anna": "scrypt$a",
        "bo": "scrypt$b",
        "cecilia": "scrypt$c$with=padding==",
    }


def test_parse_env_accounts_skips_malformed_entries():
    assert accounts.parse_env_accounts("no-colon;:hashwithoutname;name-without-hash:;ok:h") == {"ok": "h"}
    assert accounts.parse_env_accounts("") == {}
    assert accounts.parse_env_accounts("  ;  ") == {}
    assert accounts.parse_env_accounts("anna:old;anna:new") == {"anna": "new"}  # the later entry wins


def test_local_accounts_merge_secrets_and_env(monkeypatch):
    monkeypatch.setattr(config, "_secrets", lambda: {"editors": {"anna": "from-secrets", "bo": "bo-secrets"}})
    monkeypatch.setenv(accounts.ENV_VAR, "bo:bo-env;cecilia:c-env")
    assert config.local_accounts() == {"anna": "from-secrets", "bo": "bo-env", "cecilia": "c-env"}


def test_local_accounts_without_secrets_or_env(monkeypatch):
    monkeypatch.setattr(config, "_secrets", lambda: {})
    assert config.local_accounts() == {}
    monkeypatch.setattr(config, "_secrets", lambda: {"editors": "not a table", "other": 1})
    assert config.local_accounts() == {}


def test_secrets_file_missing_reads_as_empty(monkeypatch):
    class Missing:
        def __len__(self):
            raise FileNotFoundError("no secrets.toml")

    monkeypatch.setattr(config.st, "secrets", Missing())
    assert config._secrets() == {}
    assert config.local_accounts() == {}
    assert not config.oidc_configured()


def test_check_local(monkeypatch, anna_hash):
    editors = {"Anna": anna_hash}
    assert accounts.check_local("Anna", "rätt lösen", editors) == "Anna"
    # The typed name may differ in case and surrounding space; the configured spelling is returned.
    assert accounts.check_local(" anna ", "rätt lösen", editors) == "Anna"
    assert accounts.check_local("Anna", "fel", editors) is None
    assert accounts.check_local("okänd", "rätt lösen", editors) is None
    assert accounts.check_local("", "", editors) is None


def test_unknown_name_spends_scrypt_time(monkeypatch):
    editors = {}
    verified = []
    real = passwords.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda stored, pw: verified.append(stored) or real(stored, pw))
    assert accounts.check_local("ingen", "gissning", editors) is None
    assert verified and verified[0].startswith("scrypt$16384$8$1$")
    assert passwords.parse_hash(passwords.DUMMY_HASH) is not None  # a dummy hash scrypt refused would give no cover


def test_known_name_with_empty_password_still_spends_scrypt_time(monkeypatch, anna_hash):
    # Skipping scrypt for an empty password would answer known names faster than unknown ones.
    editors = {"anna": anna_hash}
    calls = []
    real = passwords.hashlib.scrypt
    monkeypatch.setattr(passwords.hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert accounts.check_local("anna", "", editors) is None
    assert accounts.check_local("okänd", "", editors) is None
    assert len(calls) == 2


def test_known_name_with_a_broken_hash_is_refused_like_an_unknown_one(monkeypatch, caplog):
    editors = {"anna": "scrypt$99$x"}
    verified = []
    real = passwords.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda stored, pw: verified.append(stored) or real(stored, pw))
    assert accounts.check_local("anna", "x", editors) is None
    assert verified == [passwords.DUMMY_HASH]
    assert "anna" in caplog.text  # the operator learns which account is misconfigured


def test_oidc_settings(monkeypatch):
    monkeypatch.setattr(config, "_secrets", lambda: {})
    assert not config.oidc_configured() and config.oidc_editor_emails() == set()
    monkeypatch.setattr(
        config,
        "_secrets",
        lambda: {
            "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "c"},
            "editor_access": {"emails": ["Anna.Svensson@Example.SE ", "bo@example.se", 3]},
        },
    )
    assert config.oidc_configured()
    assert config.oidc_editor_emails() == {"anna.svensson@example.se", "bo@example.se"}
    assert config.oidc_providers() == [None]


def test_oidc_named_providers(monkeypatch):
    secrets = {
        "auth": {"redirect_uri": "u", "cookie_secret": "s", "microsoft": {"client_id": "m"}, "client_kwargs": {}}
    }
    monkeypatch.setattr(config, "_secrets", lambda: secrets)
    assert config.oidc_providers() == ["microsoft"]


# ---------------------------------------------------------------------------------------------- throttle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_locks_after_five_failures_and_unlocks():
    clock = FakeClock()
    throttle = Throttle(max_failures=5, window_s=300, lockout_s=60, clock=clock)
    for _ in range(4):
        assert throttle.allowed("anna")
        throttle.failed("anna")
    assert throttle.allowed("anna")
    throttle.failed("anna")
    assert not throttle.allowed("anna")
    assert not throttle.allowed(" ANNA ")  # the same name, however typed
    assert throttle.allowed("bo")  # other names are unaffected
    clock.now += 59
    assert not throttle.allowed("anna")
    clock.now += 1
    assert throttle.allowed("anna")
    # After the lockout, counting starts afresh: one failure does not lock again.
    throttle.failed("anna")
    assert throttle.allowed("anna")


def test_throttle_failures_outside_the_window_do_not_count():
    clock = FakeClock()
    throttle = Throttle(max_failures=5, window_s=300, lockout_s=60, clock=clock)
    for _ in range(4):
        throttle.failed("anna")
    clock.now += 301
    throttle.failed("anna")
    assert throttle.allowed("anna")


def test_throttle_success_resets():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.failed("anna")
    throttle.succeeded("anna")
    for _ in range(4):
        throttle.failed("anna")
    assert throttle.allowed("anna")


def test_throttle_memory_is_bounded(monkeypatch):
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    monkeypatch.setattr(Throttle, "MAX_TRACKED", 100)
    for i in range(1000):
        throttle.failed(f"name{i}")
    assert len(throttle._failures) + len(throttle._locked_until) <= 101


def test_check_local_success_clears_failures(monkeypatch, anna_hash):
    editors = {"anna": anna_hash}
    for _ in range(4):
        accounts.check_local("anna", "fel", editors)
    assert accounts.check_local("anna", "rätt lösen", editors) == "anna"
    for _ in range(4):
        accounts.check_local("anna", "fel", editors)
    assert accounts.check_local("anna", "rätt lösen", editors) == "anna"  # 8 failures in all, but never 5 in a row


def test_check_local_is_throttled_even_with_the_right_password(monkeypatch, anna_hash):
    editors = {"anna": anna_hash}
    for _ in range(5):
        assert accounts.check_local("anna", "fel", editors) is None
    with pytest.raises(accounts.TooManyAttempts):
        accounts.check_local("anna", "rätt lösen", editors)
    # Unknown names are throttled too, so a lockout does not reveal whether a name exists.
    for _ in range(5):
        accounts.check_local("okänd", "fel", editors)
    with pytest.raises(accounts.TooManyAttempts):
        accounts.check_local("okänd", "fel", editors)


# ---------------------------------------------------------------------------------------------- the sidebar form


def _app(root: str) -> None:
    import sys

    if root not in sys.path:
        sys.path.insert(0, root)

    import streamlit as st

    from dashboard.auth import rights, widgets

    widgets.sign_in_box("sv")
    st.markdown(f"editor={rights.current_editor()}")
    try:
        rights.require_editor()
        st.markdown("action=allowed")
    except rights.NotAuthorized:
        st.markdown("action=refused")


def _new_app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_function(_app, args=(str(ROOT),), default_timeout=30)
    # AppTest replaces st.secrets only when given some, so always give some: a developer's own
    # ~/.streamlit/secrets.toml must not leak accounts into these tests.
    at.secrets = {"test_marker": "1", **(secrets or {})}
    return at


def _run_app(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = _new_app(secrets)
    if user is not None:
        at.user = user
    return at.run()


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button(key="auth_submit").click().run()


def test_fresh_session_is_a_viewer(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _run_app()
    assert not at.exception
    assert "editor=None" in _markdown(at) and "action=refused" in _markdown(at)
    assert at.sidebar.expander[0].label == "Logga in för att rapportera eller redigera"


def test_sign_in_and_out(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _sign_in(_run_app(), "anna", "rätt lösen")
    assert not at.exception
    assert "editor=anna" in _markdown(at) and "action=allowed" in _markdown(at)
    assert at.session_state["auth_editor"] == "anna"
    assert any("Inloggad som anna (redaktör)" in c.value for c in at.sidebar.caption)
    assert not at.text_input  # the form is gone once signed in
    at.button(key="auth_sign_out").click().run()
    assert "editor=None" in _markdown(at) and "action=refused" in _markdown(at)
    assert "auth_editor" not in at.session_state


def test_wrong_password_shows_one_generic_error(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _sign_in(_run_app(), "anna", "fel lösen")
    assert [e.value for e in at.error] == ["Fel användarnamn eller lösenord"]
    assert "editor=None" in _markdown(at) and "action=refused" in _markdown(at)
    assert "auth_editor" not in at.session_state
    # The typed password does not linger in the form or in session state; the name stays for a retry.
    assert at.text_input(key="auth_password").value == "" and at.session_state["auth_password"] == ""
    assert at.text_input(key="auth_name").value == "anna"
    # An unknown name gets exactly the same message.
    at = _sign_in(at, "okänd", "fel lösen")
    assert [e.value for e in at.error] == ["Fel användarnamn eller lösenord"]


def test_form_says_wait_after_too_many_attempts(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _run_app()
    for _ in range(5):
        at = _sign_in(at, "anna", "fel lösen")
    at = _sign_in(at, "anna", "rätt lösen")
    assert [e.value for e in at.error] == ["För många försök, vänta en minut"]
    assert "editor=None" in _markdown(at)


def test_removed_account_loses_editor_right(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _sign_in(_run_app(), "anna", "rätt lösen")
    assert "action=allowed" in _markdown(at)
    monkeypatch.setenv(accounts.ENV_VAR, "")
    at.run()
    assert "action=refused" in _markdown(at)


def test_session_state_cannot_be_forged_with_an_unknown_name(monkeypatch, anna_hash):
    monkeypatch.setenv(accounts.ENV_VAR, f"anna:{anna_hash}")
    at = _new_app()
    at.session_state["auth_editor"] = "mallory"
    at.run()
    assert "action=refused" in _markdown(at)


def test_nothing_rendered_without_any_configuration():
    at = _run_app()
    assert not at.exception
    assert not at.sidebar.expander and not at.sidebar.button and not at.sidebar.caption
    assert "action=refused" in _markdown(at)


def test_require_editor_outside_a_session_refuses(monkeypatch):
    # Bare mode (no script run): session state is empty, so nobody is an editor.
    monkeypatch.setattr(config, "_secrets", lambda: {})
    with pytest.raises(rights.NotAuthorized):
        rights.require_editor()


# ---------------------------------------------------------------------------------------------- OIDC editor rule


class FakeUser(dict):
    """Stands in for st.user: a mapping with .get."""


OIDC_SECRETS = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "c"},
    "editor_access": {"emails": ["anna@example.se"]},
}


@pytest.mark.parametrize(
    ("user", "editor"),
    [
        ({"is_logged_in": True, "email": "Anna@Example.se"}, "anna@example.se"),
        ({"is_logged_in": True, "email": "bo@example.se"}, None),  # signed in, but a viewer
        ({"is_logged_in": True, "email": "anna@example.se", "email_verified": False}, None),
        ({"is_logged_in": False, "email": "anna@example.se"}, None),
        ({"is_logged_in": True}, None),
        ({}, None),
    ],
)
def test_oidc_editor_is_a_signed_in_listed_email(monkeypatch, user, editor):
    monkeypatch.setattr(config, "_secrets", lambda: OIDC_SECRETS)
    monkeypatch.setattr(rights.st, "user", FakeUser(user))
    assert rights.current_editor() == editor


def test_oidc_box_tells_a_signed_in_viewer(monkeypatch):
    at = _run_app(OIDC_SECRETS, {"is_logged_in": True, "email": "bo@example.se"})
    assert not at.exception
    assert "action=refused" in _markdown(at)
    assert any("inte redaktörsbehörighet" in c.value for c in at.sidebar.caption)
    assert at.button(key="auth_sign_out")


def test_oidc_box_signs_an_editor_in_and_out():
    at = _run_app(OIDC_SECRETS, {"is_logged_in": True, "email": "anna@example.se"})
    assert "editor=anna@example.se" in _markdown(at) and "action=allowed" in _markdown(at)
    assert any("Inloggad som anna@example.se (redaktör)" in c.value for c in at.sidebar.caption)
    at.button(key="auth_sign_out").click().run()
    assert "editor=None" in _markdown(at) and "action=refused" in _markdown(at)


def test_oidc_box_offers_login_or_explains_missing_authlib(monkeypatch):
    monkeypatch.setattr(widgets, "_authlib_installed", lambda: True)
    at = _run_app(OIDC_SECRETS, {"is_logged_in": False})
    assert [b.label for b in at.sidebar.button] == ["Logga in"]
    assert not at.sidebar.expander  # no local form next to OIDC
    monkeypatch.setattr(widgets, "_authlib_installed", lambda: False)
    at = _run_app(OIDC_SECRETS, {"is_logged_in": False})
    assert not at.sidebar.button
    assert any("Authlib" in c.value for c in at.sidebar.caption)


def test_oidc_ignores_a_local_session(monkeypatch, anna_hash):
    # With OIDC configured, local accounts are not a way in, even if the session holds a name.
    monkeypatch.setattr(config, "_secrets", lambda: {**OIDC_SECRETS, "editors": {"anna": anna_hash}})
    monkeypatch.setattr(rights.st, "user", FakeUser())
    monkeypatch.setattr(rights.st, "session_state", {"auth_editor": "anna"})
    assert rights.current_editor() is None


# ---------------------------------------------------------------------------------------------- command line


def test_cli_prints_config_that_verifies(monkeypatch, capsys):
    answers = iter(["lösen 1", "lösen 1"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["hash", "--name", "anna"]) == 0
    out = capsys.readouterr().out
    toml_line = next(line for line in out.splitlines() if line.startswith("anna = "))
    stored = toml_line.split(" = ", 1)[1].strip('"')
    assert passwords.verify_password(stored, "lösen 1")
    env_line = next(line for line in out.splitlines() if line.startswith(f"{accounts.ENV_VAR}="))
    assert accounts.parse_env_accounts(env_line.split("=", 1)[1].strip("'")) == {"anna": stored}
    assert "[editors]" in out


def test_cli_refuses_mismatched_or_empty_password(monkeypatch, capsys):
    answers = iter(["ett", "två"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["hash", "--name", "anna"]) == 1
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": "")
    assert cli.main(["hash", "--name", "anna"]) == 2
    assert "scrypt$" not in capsys.readouterr().out


def test_cli_refuses_names_the_env_format_cannot_hold(monkeypatch):
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": "lösen")
    assert cli.main(["hash", "--name", "an:na"]) == 2
    assert cli.main(["hash", "--name", "o'brien"]) == 2  # would break the single-quoted env line
    assert cli.main(["hash", "--name", "  "]) == 2


def test_cli_quotes_names_that_are_not_bare_toml_keys():
    assert 'anna.svensson = "' not in cli.config_lines("anna.svensson", "h")
    assert '"anna.svensson" = "h"' in cli.config_lines("anna.svensson", "h")


def test_module_runs_from_the_repo_root():
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.auth", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "hash" in result.stdout


def test_password_accounts_throttle_and_cli_import_no_streamlit():
    # Hashing a password (the CLI, a script) must not pull in the web framework.
    code = (
        "import sys\n"
        "import dashboard.auth.passwords, dashboard.auth.accounts, dashboard.auth.throttle, dashboard.auth.cli\n"
        "assert 'streamlit' not in sys.modules, 'streamlit imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


TENANT = "https://login.microsoftonline.com/3f1c0000-aaaa-bbbb-cccc-000000000001/v2.0"


@pytest.mark.parametrize(
    ("sign_in", "user", "identity"),
    [
        # The tenant pinned: the same address from another tenant grants nothing (the "nOAuth" flaw).
        ({"issuers": [TENANT]}, {"iss": TENANT + "/", "email": "anna@example.se"}, "anna@example.se"),
        ({"issuers": [TENANT]}, {"iss": "https://login.microsoftonline.com/other/v2.0", "email": "anna@example.se"},
         None),
        ({"issuers": TENANT}, {"email": "anna@example.se"}, None),  # no issuer in the token: not trusted
        # Another claim names the user: the address is then no key at all.
        ({"claim": "oid"}, {"oid": "5B1C-77", "email": "anna@example.se"}, "5b1c-77"),
        ({"claim": "oid"}, {"email": "anna@example.se"}, None),
        ({"issuers": 5}, {"iss": TENANT, "email": "anna@example.se"}, None),  # a broken setting fails closed
    ],
)  # fmt: skip
def test_the_identity_is_the_configured_claim_from_a_pinned_issuer(monkeypatch, sign_in, user, identity):
    secrets = {**OIDC_SECRETS, "sign_in": sign_in}
    monkeypatch.setattr(config, "_secrets", lambda: secrets)
    monkeypatch.setattr(rights.st, "user", FakeUser({"is_logged_in": True, **user}))
    assert rights.oidc_user_email() == identity
