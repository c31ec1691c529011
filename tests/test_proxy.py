"""Behind Debian's nginx under a path prefix: the README's configuration, every page, an upload and a download."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.bench_browser import RUN_HOOK
from dashboard.auth.passwords import hash_password
from tests.test_browser import (
    CHROMIUM,
    FLAGS,
    IDLE,
    PAGES,
    _export,
    _free_port,
    _open,
    _serve,
    _sign_in,
    _wait_until_up,
)
from tests.test_cli import cli

from .conftest import DATA, ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "uppfoljning"
EDITOR, PASSWORD = "anna", "genom proxyn"

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

if not Path(NGINX).exists() or not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's nginx and chromium")
    pytest.skip("Debian's nginx or chromium is not installed here", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def readme_nginx(index: int = 0) -> str:
    """An nginx block the README documents, verbatim: the first (one process) or the second (readers and writer)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```nginx\n(.+?)```", text, re.S)[index]


@contextlib.contextmanager
def nginx(folder: Path, site: str, health: str, port: int | None = None) -> Iterator[str]:
    """Debian's nginx serving `site` (its `listen 80;` moved to `port`, default a free one, on 127.0.0.1), until the
    block ends; yields its address once `health` (a path) answers through it."""
    port = port or _free_port()
    (folder / "uppfoljning.conf").write_text(site.replace("listen 80;", f"listen 127.0.0.1:{port};"), encoding="utf-8")
    # A main configuration of the test's own (Debian's /etc/nginx/nginx.conf includes conf.d/ the same way).
    # Run as root (as CI does), nginx's workers would be "nobody", who may not enter the test's private folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"""
{user}
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/uppfoljning.conf;
}}
""",
        encoding="utf-8",
    )
    proxy = subprocess.Popen(
        [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}{health}", proxy, "nginx", 30)
        yield url
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The app on its own port with the README's base path, and nginx on another in front of it."""
    folder = tmp_path_factory.mktemp("proxy")
    env = {"PLANS_EDITORS": f"{EDITOR}:{hash_password(PASSWORD)}"}
    served = _serve(folder / "plans.duckdb", env, args=("--server.baseUrlPath", PREFIX))
    app_port = int(next(served).rsplit(":", 1)[1])
    site = readme_nginx().replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")
    try:
        with nginx(folder, site, f"/{PREFIX}/_stcore/health") as url:
            yield url, folder
    finally:
        served.close()  # the app stops


@contextlib.contextmanager
def laptop_chromium():
    """Debian's Chromium at a laptop's 1366 × 768, with a fresh profile, accepting downloads."""
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="chromium-"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1366, "height": 768}, accept_downloads=True,
        )  # fmt: skip
        context.add_init_script(RUN_HOOK)  # every tab follows its script runs (IDLE, LOADED)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser():
    with laptop_chromium() as context:
        yield context


def test_the_root_sends_to_the_app_and_every_page_renders_through_the_proxy(proxied, browser):
    url, folder = proxied
    page = browser.new_page()
    page.goto(url)
    assert page.url.startswith(f"{url}/{PREFIX}/")
    for path, chart in PAGES.items():
        _open(page, f"{url}/{PREFIX}/{path}")
        expect(page.locator(chart).first).to_be_visible(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
    # Every request of the visit went through nginx, the page's websocket included.
    log = (folder / "access.log").read_text(encoding="utf-8")
    assert f"GET /{PREFIX}/_stcore/stream" in log and " 101 " in log
    page.close()


def test_an_upload_and_a_download_go_through_the_proxy(proxied, browser, tmp_path):
    url, _folder = proxied
    page = browser.new_page()
    download = _export(page, f"{url}/{PREFIX}/aktiviteter", re.compile(r"\d+ aktiviteter"), re.compile("Excel"))
    assert Path(download.path()).read_bytes()[:2] == b"PK"  # an .xlsx came back through nginx

    _sign_in(page, EDITOR, PASSWORD)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Ladda upp", exact=True).click()
    page.wait_for_function(IDLE, timeout=60_000)
    workbook = tmp_path / "skolsamverkan.xlsx"
    built = tmp_path / "export.duckdb"
    assert cli("build", "--data", DATA, "--db", built).returncode == 0
    assert cli("export", "skolsamverkan-2016-2017", workbook, "--db", built).returncode == 0
    page.locator("input[type='file']").set_input_files(str(workbook))
    # The file went up through the proxy (within client_max_body_size) and was checked: no changes.
    expect(page.get_by_text("Inga ändringar").first).to_be_visible(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
