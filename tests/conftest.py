"""Shared test helpers: tiny plan workbooks built in code, written into tmp_path."""

from __future__ import annotations

import atexit
import collections
import copy
import functools
import gc
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

# Streamlit, openpyxl and the app's own modules are imported where a helper or fixture needs them, not here: under
# pytest-xdist the main process loads this file before it starts the workers, and it runs no test. Importing them
# here (1.3 s) held every worker back by that much; the workers import them with the test files anyway.

# The dashboard's scheduled backups stay off in tests (each test's database would get a backups/ folder and a
# thread copying it); tests/test_backup.py turns them on where it tests them. Servers the tests start inherit it.
os.environ.setdefault("PLANS_BACKUP_INTERVAL_HOURS", "0")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
EDITOR, EDITOR_PASSWORD = "anna", "rätt häst batteri häftklammer"

BASE_PLAN = {
    "plan_id": "testplan",
    "title": "Testplan 2016–2017",
    "period_start": date(2016, 1, 1),
    "period_end": date(2017, 12, 31),
    "period_text": "2016–2017",
    "owner": "SAM",
}
BASE_ROWS = {
    "goals": [
        {"goal_id": "A", "title": "Mål A"},
        {"goal_id": "A.1", "parent_goal_id": "A", "title": "Delmål A.1"},
    ],
    "activities": [
        {
            "activity_id": "1",
            "title": "Aktivitet ett",
            "unit": "SAM",
            "goal_ids": ["A"],
            "period_text": "feb-16/feb-17",
        },
        {"activity_id": "2", "title": "Aktivitet två", "unit": "RUN", "goal_ids": ["A", "A.1"]},
    ],
    "budget": [
        {
            "activity_id": "1",
            "year": 2016,
            "unit": "SAM",
            "kind": "budget",
            "amount_sek": 100000,
            "source_text": "100 tkr",
        },
        {"activity_id": "1", "year": 2016, "kind": "opening_balance", "amount_sek": 5000},
        {"activity_id": None, "kind": "budget", "amount_sek": 450000, "source_text": "450 tkr"},
    ],
    "targets": [
        {"target_id": "T1", "activity_id": "1", "name": "Kontrakt", "target_year": 2017, "target_value": 80},
        {"target_id": "T1J", "activity_id": "1", "name": "varav Jämtland", "region": "Jämtland", "part_of": "T1"},
    ],
    "target_values": [],
    "status": [{"activity_id": "1", "status": "ongoing", "source_text": "Pågår"}],
}


def base_rows() -> dict:
    return copy.deepcopy(BASE_ROWS)


def write_plan(tmp_path: Path, rows: dict | None = None, plan: dict | None = None, name: str = "plan.xlsx") -> Path:
    from loaders.writer import write_workbook

    path = tmp_path / name
    write_workbook(path, {**BASE_PLAN, **(plan or {})}, rows if rows is not None else base_rows())
    return path


def edit(path: Path, sheet: str, cell: str, value) -> Path:
    """Put a raw value (text, number, formula) into one cell with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    return path


def problems_of(path: Path) -> list:
    from loaders.problems import WorkbookInvalid
    from loaders.workbook import read_plan

    with pytest.raises(WorkbookInvalid) as info:
        read_plan(path.read_bytes(), path.name)
    return info.value.problems


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def downloads(at: AppTest, managers, *keys: str) -> dict[str, bytes]:
    """Click the download buttons named (every one if none is) the way the browser does: run its deferred
    file and read it. A button named but not on the page is a KeyError."""
    out = {}
    buttons = {b.key: b for b in at.get("download_button")}
    for key in keys:
        if key not in buttons:
            raise KeyError(key)
    for button in (buttons[k] for k in keys) if keys else buttons.values():
        file_id = button.proto.deferred_file_id
        manager = next(m for m in managers if file_id in m._deferred_callables)
        url = manager.execute_deferred(file_id)
        out[button.key] = manager._storage.get_file(url.rsplit("/", 1)[-1]).content
    return out


def download(at: AppTest, managers, key: str) -> bytes:
    """Click one download button (by its key) and read the file it gives."""
    return downloads(at, managers, key)[key]


@pytest.fixture
def storages(monkeypatch):
    """AppTest keeps download files in a media manager it throws away after each run: keep a handle on it."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = []

    class Keeping(MediaFileManager):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Keeping)
    return made


def pytest_collection_finish(session):
    """Everything imported by now (Streamlit, pandas, plotly, DuckDB, the app, the tests) lives to the end: moved out
    of the collector's sight (gc.freeze), so each full collection scans the tests' own objects, about a tenth of
    the heap, instead of all of it. Full collections had cost each worker 2.3-2.7 s, and pytest's five at the end.
    Back in sight at exit, so that the interpreter's last collection frees them (DuckDB's bindings report each
    object still alive then as a leak).
    """
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)


def _worker_exit() -> None:
    """A worker's last act: its results are with the main process by now, and tearing down the interpreter (freeing
    every object of a large heap, one by one) took 0.7-1.2 s that the whole run waited for. The operating system
    frees a process's memory at once."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # this process is a pytest-xdist worker (not a process a test started)
        # Registered before the tests register their own exit handlers (a spare parse worker's reaping, a
        # server's stop): those run first, this one last.
        atexit.register(_worker_exit)


@pytest.fixture(scope="session", autouse=True)
def app_runs_awaited_not_polled():
    """AppTest waits for a script run by waking every millisecond to look; each wake takes the GIL from the script
    thread it waits for. The run's thread ends with the run, so waiting to join it is the same wait, asleep.
    """
    from streamlit.testing.v1 import local_script_runner

    polled = local_script_runner.require_widgets_deltas

    def awaited(runner, timeout: float = 3) -> None:
        start = time.monotonic()
        if runner._script_thread is not None:
            runner._script_thread.join(timeout)
        # Streamlit's own check (and its message if the run timed out), in whatever time is left.
        polled(runner, max(0.0, timeout - (time.monotonic() - start)))

    local_script_runner.require_widgets_deltas = awaited
    yield
    local_script_runner.require_widgets_deltas = polled


@pytest.fixture(scope="session", autouse=True)
def installed_components_scanned_once():
    """Every new AppTest scans all installed packages' metadata for Streamlit components (about 0.1 s each).

    The installed packages do not change during a test session, so the first scan's answer serves every
    AppTest; the server does the same, scanning once at start. This was a third of the AppTest suite's time.
    """
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    once = functools.cache(scan)
    manifest_scanner.scan_component_manifests = once
    yield
    manifest_scanner.scan_component_manifests = scan


@pytest.fixture(scope="session", autouse=True)
def page_scripts_compiled_once():
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    class _CompiledOnce(ScriptCache):
        """Streamlit's cache of compiled page scripts, kept across AppTests while a file is unchanged.

        AppTest starts each test with an empty cache, so every page was parsed and compiled again (a tenth
        of the AppTest suite's time); the server keeps one cache for its whole life, as this does.
        """

        _shared: ClassVar[dict[tuple[str, int, int], Any]] = {}
        _lock = threading.Lock()

        def get_bytecode(self, script_path: str) -> Any:
            stat = os.stat(script_path)
            key = (os.path.abspath(script_path), stat.st_mtime_ns, stat.st_size)
            with _CompiledOnce._lock:
                code = _CompiledOnce._shared.get(key)
            if code is None:
                code = ScriptCache().get_bytecode(script_path)
                with _CompiledOnce._lock:
                    _CompiledOnce._shared[key] = code
            return code

    before = app_test.ScriptCache
    app_test.ScriptCache = _CompiledOnce
    yield
    app_test.ScriptCache = before


@pytest.fixture(scope="session", autouse=True)
def error_details():
    """Pages run as in development: an unexpected error reaches AppTest's exception list, so a test sees it.

    The shipped .streamlit/config.toml ("none") turns it into a generic message (dashboard/web/errors.py),
    which a test could not tell from a page that works; tests/test_errors.py checks that mode itself.
    """
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The bundled plans built once per session; tests that write take their own copy (editor_db)."""
    from loaders.service import build

    path = tmp_path_factory.mktemp("bundled") / "plans.duckdb"
    build(DATA, path)
    return path


def bundled_copy(bundled_db: Path, folder: Path) -> Path:
    """A private, writable copy of the bundled database in folder, with the file store beside it."""
    path = folder / bundled_db.name
    shutil.copy(bundled_db, path)
    if (bundled_db.parent / "files").is_dir():
        shutil.copytree(bundled_db.parent / "files", folder / "files")
    return path


@pytest.fixture(scope="session")
def editor_hash() -> str:
    from dashboard.auth.passwords import hash_password

    return hash_password(EDITOR_PASSWORD)


@pytest.fixture
def editor_db(bundled_db, tmp_path, monkeypatch, editor_hash) -> Path:
    """A private copy of the bundled database for the app, with one local editor account (EDITOR)."""
    from dashboard.auth import config

    path = tmp_path / "plans.duckdb"
    shutil.copy(bundled_db, path)
    monkeypatch.setenv("PLANS_DB", str(path))
    monkeypatch.setenv("PLANS_EDITORS", f"{EDITOR}:{editor_hash}")
    monkeypatch.setattr(config, "_secrets", lambda: {})  # a developer's own secrets.toml must not leak in
    return path


_MACRO_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<dimension ref="A1:A2"/><sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f><v>0</v></c></row>'
    '<row r="2"><c r="A2"><f>HALT()</f><v>0</v></c></row></sheetData></xm:macrosheet>'
)


def with_macro_sheet(good: bytes) -> bytes:
    """A workbook with an Excel 4 macro sheet, laid out as Excel writes one (part, content type, relationship)."""
    changes = {
        "[Content_Types].xml": (
            b"</Types>",
            b'<Override PartName="/xl/macrosheets/sheet1.xml" '
            b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>',
        ),
        "xl/workbook.xml": (
            b"</sheets>",
            b'<sheet name="Makro1" sheetId="99" state="hidden" r:id="rId99"/></sheets><definedNames>'
            b'<definedName name="_xlnm.Auto_Open" hidden="1">Makro1!$A$1</definedName></definedNames>',
        ),
        "xl/_rels/workbook.xml.rels": (
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" '
            b'Target="macrosheets/sheet1.xml"/></Relationships>',
        ),
    }
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in changes:
                data = data.replace(*changes[info.filename])
            dst.writestr(info.filename, data)
        dst.writestr("xl/macrosheets/sheet1.xml", _MACRO_SHEET)
    return out.getvalue()


def hostile_files(tmp_path) -> dict[str, bytes]:
    """The loader's list of hostile and wrong files, each renamed .xlsx."""
    from loaders import guard

    good = write_plan(tmp_path).read_bytes()
    docx, bomb, entity, dims, styles = io.BytesIO(), io.BytesIO(), io.BytesIO(), io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x20" * (50 * 1024 * 1024))
    src = zipfile.ZipFile(io.BytesIO(good))
    budget = guard._sheet_paths(src)["Budget"]
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    for out, part, change in (
        (entity, "xl/sharedStrings.xml", lambda old: lol + old.split(b"?>", 1)[-1]),
        (dims, budget, lambda old: old.replace(b'<dimension ref="A1:H4"/>', b'<dimension ref="A1:XFD1048576"/>')),
        # Cut off mid-part: the zip is whole, but the parser cannot read the workbook's styles.
        (styles, "xl/styles.xml", lambda old: b"<styleSheet"),
    ):
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                dst.writestr(info.filename, change(data) if info.filename == part else data)
    return {
        "file_xls": guard.OLE_MAGIC + bytes(2000),
        "file_encrypted": guard.OLE_MAGIC + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le") + bytes(500),
        "file_text": b"Aktivitet;Belopp\nA1;100 000 kr\n",
        "file_docx": docx.getvalue(),
        "file_empty": b"",
        "file_corrupt": good[: len(good) // 2],
        "zip_ratio": bomb.getvalue(),
        "xml_entities": entity.getvalue(),
        "sheet_too_large": dims.getvalue(),
        "file_unreadable": styles.getvalue(),
        "file_macrosheet": with_macro_sheet(good),
    }


# ---------------------------------------------------------------------------- workbook text that attacks

EVIL = (
    "Logga in igen [här](https://evil.example/login) ![x](https://evil.example/pixel.png) "
    "<img src=https://evil.example/x.png> <b>fet</b> :red[röd] $x^2$ www.evil.example"
)


def hostile_db(tmp_path: Path) -> Path:
    """A plan whose every user text (and a meeting's) is a Markdown/HTML attack."""
    from loaders import meetings
    from loaders.database import Database
    from loaders.service import build

    rows = base_rows()
    # Plotly renders <a href> in labels; short labels keep the start of a title.
    rows["goals"][0]["title"] = "<a href=https://evil.example/a>Mål</a> " + EVIL
    rows["goals"][1]["title"] = "Delmål " + EVIL
    a = rows["activities"][0]
    a.update(title=EVIL, description="Beskrivning " + EVIL, responsible="Ansvarig " + EVIL, note="Not " + EVIL)
    a.update(start_date=date(2016, 2, 1), end_date=date(2017, 2, 1))
    rows["activities"][1].update(section="Avsnitt " + EVIL, goal_ids=[], unit="<b>fet enhet</b>")
    rows["budget"][0].update(funding_source="Fond " + EVIL, note="Budgetnot " + EVIL)
    # (matplotlib would read "$…$" in a chart label as a formula, and stop at a broken one)
    rows["targets"][0].update(
        name=r"$\undefined{$ Kontrakt " + EVIL, measure="Mått " + EVIL, baseline_year=2015, baseline_value=50
    )
    rows["target_values"] = [{"target_id": "T1", "year": 2016, "value": 40, "source_text": EVIL}]
    rows["status"][0].update(status_note="Kommentar " + EVIL, as_of=date(2016, 6, 1))
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    write_plan(data, rows, plan={"title": "Plan " + EVIL, "owner": "Ägare " + EVIL})
    path = tmp_path / "hostile.duckdb"
    build(data, path)
    with Database(path) as db:
        m = meetings.record_meeting(db, date(2020, 1, 1), "Möte " + EVIL, "Deltagare " + EVIL, {}, "anna")
        meetings.add_item(db, m, "testplan", "action", "Åtgärd " + EVIL, "anna", activity_id="1", owner="Vem " + EVIL)
        meetings.add_item(db, m, "testplan", "note", "Not " + EVIL, "anna", activity_id="1")
    return path


# ---------------------------------------------------------------------------- LibreOffice Calc

# CSV import as a Swedish user's spreadsheet does it. Tokens: separator ; (59), text delimiter " (34),
# UTF-8 (76), from line 1, default column formats, language Swedish (LCID 1053: LibreOffice 7.4 takes
# no BCP 47 tag here), quoted fields not forced to text, detect special numbers (dates), no
# "save as shown", no formulas on export, no space trimming, all sheets, evaluate formulas (as Excel
# does with a CSV file, which is what neutralising is for).
SWEDISH_CSV = "CSV:59,34,76,1,,1053,false,true,false,false,false,-1,true"


@dataclass(frozen=True)
class Calc:
    """LibreOffice and the profile it runs with: made once per test process (the first start is the slow
    one), never shared between processes, so tests running at the same time do not lock one another's."""

    path: str
    profile: Path


@pytest.fixture(scope="session")
def soffice(tmp_path_factory) -> Calc:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice Calc (Debian package libreoffice-calc) is not installed")
    return Calc(path, tmp_path_factory.mktemp("lo-profile"))


def convert(soffice: Calc, src: Path, fmt: str, infilter: str | None = None) -> Path:
    """The file as LibreOffice reads it, saved as fmt (e.g. "xlsx", "csv") next to it in a folder of its own."""
    out = src.parent / f"lo-{src.stem}-{fmt}"
    cmd = [soffice.path, f"-env:UserInstallation={soffice.profile.as_uri()}", "--headless", "--norestore"]
    cmd += [f"--infilter={infilter}"] if infilter else []
    cmd += ["--convert-to", fmt, "--outdir", str(out), str(src)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    result = out / f"{src.stem}.{fmt.split(':')[0]}"
    assert result.exists(), f"LibreOffice made nothing: {done.stdout} {done.stderr}"
    return result


def pytest_collection_modifyitems(items):
    # The order pytest-xdist hands the files to its workers (pyproject.toml turns its own reordering off):
    # the longest single jobs first, while the other worker starts on the rest, instead of one worker ending
    # the run alone with one of them: the browser files (a minute or more each), then the type checker (one
    # process of about 15 s), then the files marked slow (seconds each), then the quick ones, so that the
    # workers end within a second or two of each other; within each, the files with the most tests first.
    count = collections.Counter(item.path for item in items)

    def rank(item) -> tuple:
        first = 0 if item.get_closest_marker("browser") else 1 if item.path.name == "test_types.py" else 2
        slow = 0 if item.get_closest_marker("slow") else 1
        return (first, slow, -count[item.path], str(item.path))

    items.sort(key=rank)
