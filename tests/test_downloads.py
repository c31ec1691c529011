"""Every download button goes through render.download: each page still offers its files, with the right type."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.web import render
from loaders.filestore import default_root
from tests.conftest import EDITOR, ROOT

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
    icons = {b.key: b.proto.icon for b in at.get("download_button")}
    assert all(
        icon == (":material/picture_as_pdf:" if expected[k] == "pdf" else ":material/download:")
        for k, icon in icons.items()
    )
