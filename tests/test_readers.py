"""A writer and a reader process on one database, in the browser: a publish on the writer is seen whole on the reader."""

from __future__ import annotations

import re
import time

import openpyxl
import pytest

from dashboard.auth.passwords import hash_password
from loaders import replica
from loaders.database import Database
from loaders.service import export_plan
from tests.test_browser import (
    _YEAR_TOTAL,
    EDITOR,
    EDITOR_PASSWORD,
    PAGES,
    _free_port,
    _nav,
    _open,
    _serve,
    _sign_in,
    _year_total,
)
from tests.test_cli import cli
from tests.test_proxy import laptop_chromium, nginx, readme_nginx

from .conftest import bundled_copy

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def site(bundled_db, tmp_path_factory):
    """The README's setup on one machine: the first copy made before the servers start (the writer unit's
    ExecStartPre), a writer at /redigera/ with an editor account, two readers at /uppfoljning/ sending editors
    to it, and the README's second nginx block in front, its ports changed."""
    folder = tmp_path_factory.mktemp("readers")
    db = bundled_copy(bundled_db, folder)
    assert cli("replicate", "--db", db).returncode == 0
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    editors = {"PLANS_EDITORS": f"{EDITOR}:{hash_password(EDITOR_PASSWORD)}", "PLANS_REPLICAS": "writer"}
    readers = {"PLANS_REPLICAS": "reader", "PLANS_EDITOR_URL": f"{url}/redigera/"}
    servers = [
        _serve(db, editors, built=True, args=("--server.baseUrlPath", "redigera")),
        _serve(db, readers, built=True, args=("--server.baseUrlPath", "uppfoljning")),
        _serve(db, readers, built=True, args=("--server.baseUrlPath", "uppfoljning")),
    ]
    try:
        conf = readme_nginx(1)
        for documented, served in zip(("8501", "8502", "8503"), servers, strict=True):
            conf = conf.replace(f"server 127.0.0.1:{documented};", f"server 127.0.0.1:{next(served).rsplit(':')[-1]};")
        with nginx(folder, conf, "/uppfoljning/_stcore/health", port) as proxied:
            yield proxied, db
    finally:
        for served in servers:
            served.close()


@pytest.fixture(scope="module")
def browser():
    with laptop_chromium() as context:
        yield context


def test_a_publish_on_the_writer_is_seen_on_the_readers_within_seconds(site, browser, tmp_path):
    url, db = site
    writer, reader = f"{url}/redigera", f"{url}/uppfoljning"
    page = browser.new_page()
    _open(page, f"{reader}/budget?plan=skolsamverkan-2016-2017")
    expect(page.locator(PAGES["budget"]).first).to_be_visible(timeout=60_000)
    assert _year_total(page, "2016", 2400) == pytest.approx(2400)
    # The reader signs no one in: it sends editors to the writer's address.
    sign_in = "Logga in för att rapportera eller redigera"  # the writer's sign-in box
    assert page.get_by_text(sign_in, exact=True).count() == 0
    expect(page.get_by_role("link", name="redigeringsadressen")).to_have_attribute("href", f"{writer}/")

    editor = browser.new_page()
    _open(editor, f"{writer}/budget?plan=skolsamverkan-2016-2017")
    assert editor.get_by_text(sign_in, exact=True).count() == 1
    _sign_in(editor)
    _nav(editor, "Ladda upp")
    with Database(replica.current(db), read_only=True) as copy:  # the plan as published, one amount changed
        export_plan(copy, "skolsamverkan-2016-2017", tmp_path / "skolsamverkan.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "skolsamverkan.xlsx")
    ws = wb["Budget"]
    amount = [c.value for c in ws[1]].index("Belopp (kr)")
    next(r for r in ws.iter_rows(min_row=2) if r[amount].value == 1700000)[amount].value = 1900000
    wb.save(tmp_path / "skolsamverkan.xlsx")
    editor.locator("input[type='file']").set_input_files(str(tmp_path / "skolsamverkan.xlsx"))
    expect(editor.get_by_text("Ändringar i budgetposter: 1")).to_be_visible(timeout=60_000)
    editor.get_by_role("button", name="Publicera").click()
    expect(editor.get_by_test_id("stAlertContentSuccess").get_by_text("publicerad som version 2")).to_be_visible(
        timeout=60_000
    )
    published = time.monotonic()

    # A reader's next page run opens the new copy: reloading shows the new total, never a part of the change.
    seen = None
    while time.monotonic() - published < 30:
        _open(page, f"{reader}/budget?plan=skolsamverkan-2016-2017")
        expect(page.locator(PAGES["budget"]).first).to_be_visible(timeout=60_000)
        page.wait_for_function(
            "() => { const p = document.querySelector('.js-plotly-plot'); return p && p._fullData; }"
        )
        total = page.evaluate(_YEAR_TOTAL, "2016")
        assert total in (2400, 2600), total
        if total == 2600:
            seen = time.monotonic() - published
            break
    assert seen is not None and seen < 10, seen
    _nav(page, "Versioner")
    expect(page.get_by_text(re.compile("Ändringar mot versionen före"))).to_be_visible(timeout=60_000)
