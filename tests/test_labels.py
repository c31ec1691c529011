"""What users read: labelled tables in the UI's language, names instead of ids, and workbook text shown as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.auth.passwords import hash_password
from dashboard.formats import MISSING
from dashboard.reports import display
from loaders.service import build
from tests.conftest import DATA, EVIL, ROOT, base_rows, bundled_copy, hostile_db, write_plan

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
PAGES = sorted(p.stem for p in (ROOT / "dashboard" / "app_pages").glob("*.py"))
SCHEMA = (ROOT / "loaders" / "schema.sql").read_text()
# Every column name in the database (the first word of each column line in the DDL).
DB_COLUMNS = set(
    re.findall(r"^\s+([a-z_][a-z0-9_]*)\s+(?:varchar|integer|bigint|date|double|timestamp|boolean)", SCHEMA, re.M)
)
DB_COLUMNS |= set(
    re.findall(r"(?:,|\()\s*([a-z_][a-z0-9_]*)\s+(?:varchar|integer|bigint|date|double|timestamp)", SCHEMA)
)
RAW_CELLS = {"opening_balance", "ongoing", "not_started", "postponed", "cancelled", "done", "unknown", "budget",
             "None", "nan", "NaN", "NaT", "<NA>", "null", "build", "load", "upload", "rollback", "update"}  # fmt: skip


@pytest.fixture(scope="module")
def admin_hash() -> str:
    return hash_password("test")  # once: hashing is slow on purpose


@pytest.fixture(autouse=True)
def editor_account(monkeypatch, admin_hash):
    """One local account, an admin, so every page (the editors' and the admins' too) is opened and read."""
    monkeypatch.delenv("PLANS_EDITORS", raising=False)
    account = {"password": admin_hash, "role": "admin"}
    monkeypatch.setattr(config, "_secrets", lambda: {"accounts": {"tester": account}})


@pytest.fixture(scope="module")
def bundled(bundled_db, tmp_path_factory) -> Path:
    return bundled_copy(bundled_db, tmp_path_factory.mktemp("labels"))


def run_page(db: Path, page: str, lang: str, monkeypatch, **state) -> AppTest:
    monkeypatch.setenv("PLANS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.session_state["auth_editor"] = "tester"
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def raw_names(df: pd.DataFrame) -> list[str]:
    names = [str(c) for c in df.columns] + ([str(df.index.name)] if df.index.name else [])
    return [n for n in names if n in DB_COLUMNS or re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", n)]


def bad_cells(df: pd.DataFrame) -> list[str]:
    """Codes, NULL spellings and numbers without thousands separators (years stay 2016)."""
    out = []
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col]) and df[col].abs().max() >= 1000:
            out.append(f"{col}: a number column shown without thousands separators")
        for v in df[col]:
            s = str(v)
            raw = v is None or s in RAW_CELLS or (isinstance(v, float) and pd.isna(v))
            unseparated = re.fullmatch(r"-?\d{5,}([.,]\d+)?", s) or (
                re.fullmatch(r"\d{4}", s) and not 1900 <= int(s) <= 2100
            )
            if raw or unseparated:
                out.append(f"{col}: {s}")
    return out


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe] + [t.value for t in at.get("table")]


# ---------------------------------------------------------------------------- tables


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_table_shows_a_database_name_or_code(bundled, monkeypatch, page, lang):
    state = {}
    if page == "activities":  # an activity with budget lines (one an opening balance), a note and history
        state["activities_detail"] = ("arbetslivsanknytning-2011-2013", "3.1.1")
    at = run_page(bundled, page, lang, monkeypatch, **state)
    problems = {}
    for i, df in enumerate(frames(at)):
        found = raw_names(df) + bad_cells(df)
        if found:
            problems[f"table {i} {list(df.columns)[:4]}"] = found[:5]
    assert not problems, problems


def test_display_table_labels_codes_missing_values_and_numbers():
    df = pd.DataFrame(
        {
            "year": [2016, None],
            "kind": ["opening_balance", "budget"],
            "amount_sek": [5_084_000, None],
            "status": ["ongoing", None],
            "value": [5084.0, 12.5],
        }
    )
    sv = display.table(df, "sv")
    assert list(sv.columns) == ["År", "Typ", "Belopp", "Status", "Värde"]
    assert sv.iloc[0].tolist() == ["2016", "Ingående balans", "5\u00a0084\u00a0tkr", "Pågår", "5\u00a0084"]
    assert sv.iloc[1].tolist() == [MISSING, "Budget", MISSING, MISSING, "12,5"]
    en = display.table(df, "en")
    assert en.iloc[0].tolist() == ["2016", "Opening balance", "5,084\u00a0kSEK", "Ongoing", "5,084"]


# ---------------------------------------------------------------------------- language


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_first_start_progress_is_in_the_ui_language(tmp_path, monkeypatch, lang):
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / sorted(p.name for p in DATA.glob("*.xlsx"))[0], data)
    monkeypatch.setattr("loaders.database.ROOT", tmp_path)
    monkeypatch.setattr("dashboard.web.cache.ROOT", tmp_path)
    monkeypatch.setenv("PLANS_DB", str(tmp_path / "fresh.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    lines = [m.value for m in at.markdown]
    progress = [x for x in lines if ".xlsx" in x]
    assert progress, lines
    english = ("reading and validating", "valid (", "publishing")
    swedish = ("läser och kontrollerar", "godkänd (", "publicerar")
    wanted, unwanted = (swedish, english) if lang == "sv" else (english, swedish)
    body = re.sub(r"\\(.)", r"\1", "\n".join(lines))  # as shown: the lines are Markdown, escaped
    assert all(w in body for w in wanted), body  # every step, in the UI language
    assert not any(u in body for u in unwanted), body
    assert "goals " not in body or lang == "en", body  # the table names are labelled too


def test_the_home_page_opens_at_its_own_address(bundled, monkeypatch):
    """/oversikt is the overview's address: it must not answer "Page not found"."""
    monkeypatch.setenv("PLANS_DB", str(bundled))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    pages = at._registered_pages  # what st.navigation registered, by script hash
    paths = {info.get("url_pathname") for info in pages.values()}
    assert "oversikt" in paths, paths
    target = next(h for h, info in pages.items() if info.get("url_pathname") == "oversikt")
    assert Path(pages[target]["script_path"]).name == "overview.py"


def test_filter_dropdowns_offer_no_english_select_all(bundled, monkeypatch):
    at = run_page(bundled, "overview", "sv", monkeypatch)
    for widget in at.sidebar.multiselect:
        assert widget.proto.select_all == 0, widget.key


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_file_names_are_in_the_ui_language(bundled, monkeypatch, storages, lang):
    names = {}
    for page in ("meetings", "activities", "upload"):
        at = run_page(bundled, page, lang, monkeypatch)
        for button in at.get("download_button"):
            file_id = button.proto.deferred_file_id
            if file_id:  # made when clicked
                entry = next(m._deferred_callables[file_id] for m in storages if file_id in m._deferred_callables)
                names[button.key] = entry["filename"]
            else:
                stored = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
                names[button.key] = next(m._storage.get_file(stored).filename for m in storages if _has(m, stored))
    pdf, xlsx = names["meetings_pack_pdf"], names["activities_export_xlsx"]
    template, update = names["upload_template_empty"], names["upload_template_update"]
    if lang == "en":
        assert pdf.startswith("follow-up-") and xlsx.startswith("activities-"), names
        assert template == "action-plan-template.xlsx" and update.endswith("-update.xlsx"), names
    else:
        assert pdf.startswith("uppfoljning-") and xlsx.startswith("aktiviteter-"), names
        assert template == "mall-handlingsplan.xlsx" and update.endswith("-uppdatering.xlsx"), names


def _has(manager, file_id: str) -> bool:
    try:
        manager._storage.get_file(file_id)
    except Exception:
        return False
    return True


def test_plans_without_budget_are_named(bundled, monkeypatch):
    at = run_page(bundled, "budget", "sv", monkeypatch)
    at.sidebar.multiselect(key="f_plans").set_value(["kommunikation-kvalitet"]).run()
    message = at.info[0].value
    assert "000" not in message and "003" not in message, message
    assert "Kommunikationsplan för kvalitetsarbetet" in message, message


def test_export_filter_sheet_names_plans_units_and_goals(bundled, monkeypatch, storages):
    import io

    import openpyxl

    from tests.conftest import download

    at = run_page(bundled, "activities", "sv", monkeypatch)
    at.sidebar.multiselect(key="f_plans").set_value(["mobilitet-2016-2018"]).run()
    at.sidebar.multiselect(key="f_goals").set_value(["mobilitet-2016-2018:A"]).run()
    at.sidebar.multiselect(key="f_units").set_value(["International Office"]).run()
    wb = openpyxl.load_workbook(io.BytesIO(download(at, storages, "activities_export_xlsx")))
    about = dict(wb.worksheets[1].iter_rows(values_only=True))
    assert about["Planer"] == "Handlingsplan för mobilitet 2016-2018", about
    assert "mobilitet-2016-2018:A" not in about["Mål"] and about["Mål"].endswith(" · A Studentmobilitet"), about
    assert about["Enhet"] == "International Office", about


def test_plan_cards_say_what_is_missing(tmp_path, monkeypatch):
    rows = base_rows()
    rows["activities"] = []
    rows["budget"] = []
    rows["targets"] = []
    rows["status"] = []
    data = tmp_path / "data"
    data.mkdir()
    write_plan(data, rows, plan={"period_start": None, "period_end": None, "period_text": None})
    build(data, tmp_path / "p.duckdb")
    at = run_page(tmp_path / "p.duckdb", "overview", "sv", monkeypatch)
    body = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])
    assert "Planen har inga aktiviteter" in body, body
    assert "Ingen budget angiven" in body, body
    assert "Period ej angiven" in body, body
    assert "– – –" not in body and "Budget: 0" not in body and "Vidga filtren" not in body, body


# ---------------------------------------------------------------------------- workbook text is text


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the browser renders as Markdown."""
    out = [e.value for kind in ("markdown", "caption", "title", "header", "subheader") for e in at.get(kind)]
    out += [e.value for kind in ("info", "warning", "error", "success") for e in at.get(kind)]
    out += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    out += [e.label for e in at.get("expander")] + [tab.label for tab in at.get("tab")]
    out += [w.label for w in at.get("selectbox")] + [w.label for w in at.get("multiselect")]
    return out


def unescaped(text: str) -> str:
    """What Markdown shows: the escapes taken away (the word joiners that stop autolinks are invisible)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def plotly_strings(at: AppTest) -> list[str]:
    out = []

    def walk(x):
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return hostile_db(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("page", PAGES)
def test_workbook_text_is_shown_as_text(hostile, monkeypatch, page):
    at = run_page(hostile, page, "sv", monkeypatch)
    texts = markdown_texts(at)
    for text in texts:
        if "evil" in text:
            # Escaped: no link, image, HTML tag, autolink, colour directive or formula is left for Markdown
            # once the backslash-escaped characters are taken out.
            bare = re.sub(r"\\.", "", text)
            for raw in ("](", "![", "<img", "<b>", "https://", ":red[", "$x", "www."):
                assert raw not in bare, (page, raw, text)
    if page in ("activities", "structure", "meetings", "overview", "targets", "mentors"):
        # …and the text itself is there, word for word, once Markdown has taken the escapes away.
        assert any("[här](https://evil.example/login)" in unescaped(x) for x in texts), (page, texts)
    for s in plotly_strings(at):
        assert "<img" not in s and "<b>fet" not in s and "<a " not in s, (page, s)


def test_display_escapes_for_markdown_and_html():
    assert display.md("[a](b) <i>") == r"\[a\]\(b\) \<i\>"
    assert unescaped(display.md(EVIL)) == EVIL
    assert display.plain_html("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


def test_the_meeting_pack_prints_workbook_text_as_text(hostile, monkeypatch, storages, tmp_path):
    import subprocess

    from tests.conftest import download

    at = run_page(hostile, "meetings", "sv", monkeypatch)
    # (a target named "$\undefined{$ …" once stopped the pack: matplotlib read it as a formula)
    pdf = download(at, storages, "meetings_pack_pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    # The late activity's title and the open action item, word for word (reportlab would otherwise take
    # <b> and <img> for its own markup).
    assert "<img src=https://evil.example/x.png> <b>fet</b>" in flat, flat[:3000]
    assert "[här](https://evil.example/login)" in flat


def test_an_activity_without_dates_says_so(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    write_plan(data)  # activity 2 states no period
    build(data, tmp_path / "p.duckdb")
    at = run_page(tmp_path / "p.duckdb", "activities", "sv", monkeypatch, activities_detail=("testplan", "2"))
    body = "\n".join(m.value for m in at.markdown)
    assert "Period ej angiven" in body and "— – —" not in body, body
