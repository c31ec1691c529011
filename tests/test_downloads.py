"""Every download button goes through render.download: each page still offers its files, with the right type."""

from __future__ import annotations

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard.web import media, render
from loaders.filestore import default_root
from tests.conftest import EDITOR, ROOT

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a file of each kind starts with: an .xlsx is a zip, CSV has a UTF-8 BOM.
MAGIC = {"xlsx": b"PK\x03\x04", "pdf": b"%PDF", "csv": b"\xef\xbb\xbf"}


def files(at: AppTest, managers) -> dict[str, tuple[str, str, bytes]]:
    """Click every download button as the browser does: {key: (file name, MIME type, content)}."""
    out = {}
    for button in at.get("download_button"):
        file_id = button.proto.deferred_file_id
        if file_id:  # made when clicked
            manager = next(m for m in managers if file_id in m._deferred_callables)
            url = manager.execute_deferred(file_id)
        else:  # made with the page
            url = button.proto.url
            manager = next(m for m in managers if m._storage._files_by_id.get(url.rsplit("/", 1)[-1].split(".")[0]))
        stored = manager._storage.get_file(url.rsplit("/", 1)[-1])
        out[button.key] = (stored.filename, stored.mimetype, stored.content)
    return out


def test_one_mime_type_per_kind():
    assert render.MIME == {"xlsx": XLSX, "csv": "text/csv", "pdf": "application/pdf"}


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("activities", {"activities_export_xlsx": "xlsx", "activities_export_csv": "csv"}),
        ("meetings", {"meetings_pack_pdf": "pdf", "meetings_pack_xlsx": "xlsx"}),
        ("history", {"history_file": "xlsx"}),
        (
            "upload",
            {"upload_template_empty": "xlsx", "upload_template_prefilled": "xlsx", "upload_template_update": "xlsx"},
        ),
    ],
)
def test_pages_offer_their_downloads(bundled_db, editor_db, storages, monkeypatch, page, expected):
    monkeypatch.setenv("PLANS_FILES", str(default_root(bundled_db)))  # the build kept each version's file there
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["auth_editor"] = EDITOR
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    got = files(at, storages)
    assert set(got) == set(expected)
    for key, kind in expected.items():
        name, mime, content = got[key]
        assert name.endswith(f".{kind}") and mime == render.MIME[kind] and content.startswith(MAGIC[kind]), key
    # A click makes no run of the page: a run meanwhile replaced the button's file and the click got nothing.
    assert all(b.proto.ignore_rerun for b in at.get("download_button"))
    icons = {b.key: b.proto.icon for b in at.get("download_button")}
    assert all(
        icon == (":material/picture_as_pdf:" if expected[k] == "pdf" else ":material/download:")
        for k, icon in icons.items()
    )


def _made_file_after(execute_deferred, other_runs: int) -> tuple[MediaFileManager, str, bool]:
    """A deferred download clicked, then `other_runs` script runs of other sessions end: is its file still there?"""
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    placeholder = manager.add_deferred(lambda: b"a;b\n", "text/csv", "0.1.2", "export.csv")
    url = execute_deferred(manager, placeholder)
    for _ in range(other_runs):
        manager.remove_orphaned_files()  # what every session's script run ends with
    name = url.rsplit("/", 1)[-1]
    try:
        storage.get_file(name)
    except MediaFileStorageError:
        return manager, name, False
    return manager, name, True


def test_a_file_made_on_a_click_outlives_other_sessions_runs_until_its_page_runs_again():
    media.install()
    media.install()  # idempotent: one wrapper however often a page imports it
    assert MediaFileManager.execute_deferred.keeps_made_file
    assert not getattr(MediaFileManager.execute_deferred.__wrapped__, "keeps_made_file", False)
    # Streamlit's own: two other runs end before the browser fetches the file, and it is gone (a cancelled
    # download in the browser; 3 in 25 exports with fifteen people on the server).
    assert _made_file_after(MediaFileManager.execute_deferred.__wrapped__, 2)[2] is False
    manager, name, kept = _made_file_after(MediaFileManager.execute_deferred, 20)
    assert kept
    # Freed as an ordinary download's file is: when the clicking session's page runs again.
    manager.clear_session_refs("dontcare")  # the session id outside a script run
    manager.remove_orphaned_files()
    manager.remove_orphaned_files()
    with pytest.raises(MediaFileStorageError):
        manager._storage.get_file(name)
