"""Every dashboard page under Streamlit's AppTest: it runs, a filter changes it, and exports hold exactly the rows."""

import ast
import base64
import csv
import gc
import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import config
from dashboard.auth.passwords import hash_password
from dashboard.web import cache, context
from loaders.service import build
from tests.conftest import DATA, ROOT, bundled_copy, downloads

pytestmark = pytest.mark.slow  # seconds of work: handed out before the quick files (tests/conftest.py)

APP = str(ROOT / "dashboard" / "app.py")
PAGES_DIR = ROOT / "dashboard" / "app_pages"
EDITOR_PAGES = ("upload",)


@pytest.fixture(scope="module")
def plans_db(bundled_db, tmp_path_factory):
    return bundled_copy(bundled_db, tmp_path_factory.mktemp("dash"))


@pytest.fixture
def app(plans_db, monkeypatch):
    monkeypatch.setenv("PLANS_DB", str(plans_db))
    at = AppTest.from_file(APP, default_timeout=60)
    return at


EDITOR_HASH = hash_password("test")


@pytest.fixture(autouse=True)
def editor_account(monkeypatch):
    """One local editor account; pages for editors are opened signed in as it."""
    monkeypatch.setenv("PLANS_EDITORS", f"tester:{EDITOR_HASH}")
    monkeypatch.setattr(config, "_secrets", lambda: {})


def open_page(at: AppTest, page: str) -> AppTest:
    if page in EDITOR_PAGES:
        at.session_state["auth_editor"] = "tester"
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.label + " " + m.value for m in at.metric]
    )
    parts += [h.value for h in at.subheader] + [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    """The first metric with this label (the key figures come before the plan cards)."""
    return next(m.value for m in at.metric if m.label == label)


def set_filter(at: AppTest, key: str, value) -> AppTest:
    widget = next(w for w in at.sidebar.multiselect if w.key == key) if key != "f_years" else at.sidebar.slider[0]
    widget.set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# ---------------------------------------------------------------------------- one test (at least) per page


def test_overview(app):
    at = open_page(app, "overview")
    assert metric(at, "Aktiviteter") == "69"
    set_filter(at, "f_plans", ["mobilitet-2016-2018"])
    assert metric(at, "Aktiviteter") == "27"
    assert metric(at, "Utan år") == "1\u00a0560,5\u00a0tkr"


def test_a_page_run_takes_what_the_process_holds_out_of_the_collectors_sight(app):
    """After each page's first run a process freezes its heap (cache.settle_heap), so that Python's full
    collections stop scanning the libraries' and the app's objects again and again; once per page."""
    cache.settle_heap.clear()  # as in a new process, whatever ran before in this one
    before = gc.get_freeze_count()
    alive = [[i] for i in range(5000)]  # objects the collector tracks, made before the run
    open_page(app, "overview")
    assert gc.get_freeze_count() >= before + len(alive)
    frozen = gc.get_freeze_count()
    more = [[i] for i in range(5000)]
    open_page(app, "overview")  # the same page again: nothing more (frozen objects freed since only lower it)
    assert gc.get_freeze_count() < frozen + len(more)
    open_page(app, "budget")  # another page's first run: what was made since is frozen too
    assert gc.get_freeze_count() >= frozen + len(more)


def _values(v) -> list:
    """A trace's array from the figure's JSON: plotly packs numeric arrays as base64 ("bdata")."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _bar_totals(chart) -> dict[str, float]:
    """Each bar's length in a horizontal stacked bar chart (its label → the sum of its segments)."""
    totals: dict[str, float] = {}
    for trace in json.loads(chart.proto.spec)["data"]:
        for label, n in zip(_values(trace["y"]), _values(trace["x"]), strict=True):
            totals[label] = totals.get(label, 0) + n
    return totals


def test_overview_has_a_chart_that_agrees_with_its_key_figures(app):
    at = open_page(app, "overview")
    (chart,) = at.get("plotly_chart")  # activities by status, per plan
    totals = _bar_totals(chart)
    assert sum(totals.values()) == int(metric(at, "Aktiviteter")) == 69
    assert len(totals) == 4  # every plan with activities (internationalisering lists none)
    done = sum(n for t in json.loads(chart.proto.spec)["data"] if t["name"] == "Genomförd" for n in _values(t["x"]))
    assert done == int(metric(at, "Genomförd"))
    set_filter(at, "f_plans", ["mobilitet-2016-2018"])
    assert sum(_bar_totals(at.get("plotly_chart")[0]).values()) == 27


def test_budget(app):
    at = open_page(app, "budget")
    assert len(at.get("plotly_chart")) == 4  # year × unit, funding, plan, goal
    year_table = at.dataframe[0].value
    assert "Inget år angivet" in list(year_table.index)
    # The opening balance stands in its own column and is never part of the year's total.
    assert year_table.loc["2012", "Budget"] == "7\u00a0261\u00a0tkr"
    assert year_table.loc["2012", "Ingående balans (IB)"] == "1\u00a0506\u00a0tkr"
    set_filter(at, "f_units", ["RUN"])
    year_table = at.dataframe[0].value
    assert list(year_table.columns) == ["RUN", "Budget"]
    # RUN: 100 tkr, plus "Samordnare: 1700 tkr", which states no unit and is shown under its activity's (RUN).
    assert year_table.loc["2016", "Budget"] == "1\u00a0800\u00a0tkr"


def test_budget_by_goal_is_labelled_overlapping_and_shown_beside_the_plans_total(app):
    at = open_page(app, "budget")
    heading = next(h.value for h in at.subheader if h.value.startswith("Budget per mål"))
    assert "överlappande" in heading and "summera inte" in heading
    (chart,) = [c for c in at.get("plotly_chart") if "Planens hela budget" in c.proto.spec]
    traces = json.loads(chart.proto.spec)["data"]
    rows = dict(zip(_values(traces[0]["y"]), _values(traces[0]["x"]), strict=True))
    totals = dict(zip(_values(traces[1]["y"]), _values(traces[1]["x"]), strict=True))
    school = [label for label in rows if label.startswith(("Regional skolsamverkan", "Skolsamverkan"))]
    assert len(school) == 8  # goals A–G and the plan's amounts without a goal
    assert sum(rows[label] for label in school) > 7650  # the goals overlap ...
    assert {totals[label] for label in school} == {7650}  # ... so each is shown against the real total
    table = next(d.value for d in at.dataframe if "Andel av planen" in d.value.columns)
    assert set(table.loc[table["Mål"].str.startswith("D "), "Andel av planen"]) == {"94\u00a0%"}


def test_budget_no_year_attribution_is_labelled(app):
    at = open_page(app, "budget")
    before = at.dataframe[0].value.loc["Inget år angivet", "Budget"]
    at.toggle(key="budget_attribute").set_value(True).run()
    assert "tillskrivet" in at.warning[0].value
    # The mobility plan's undated amounts move to their activities' start years; lines whose activity
    # has no dates (and the plan-level ones) stay without a year.
    after = at.dataframe[0].value.loc["Inget år angivet", "Budget"]
    assert (before, after) == ("6\u00a0810,5\u00a0tkr", "5\u00a0450\u00a0tkr")


def test_budget_click_filters(app):
    at = open_page(app, "budget")
    # What a click on a bar does: a pending change that the sidebar applies before its widgets.
    at.session_state["pending_filters"] = {"units": ["SAM"], "years": (2012, 2012)}
    at.run()
    assert next(w for w in at.sidebar.multiselect if w.key == "f_units").value == ["SAM"]
    assert list(at.dataframe[0].value.index) == ["2012", "Inget år angivet"]


def test_targets(app):
    at = open_page(app, "targets")
    assert "Basvärdet för 2015 saknas" in "\n".join(w.value for w in at.warning)
    assert "Utresande studenter" in [s.value for s in at.subheader]  # the mobility plan's target, by name
    n = len(at.get("plotly_chart"))
    set_filter(at, "f_plans", ["skolsamverkan-2016-2017"])
    assert 0 < len(at.get("plotly_chart")) != n
    assert not at.warning  # the 2016–2017 plan states its baselines


def test_mentors(app):
    at = open_page(app, "mentors")
    body = texts(at)
    assert "Mentorpar" in body
    assert "Aktiva kompetenskontrakt" in body
    charts_all = len(at.get("plotly_chart"))
    set_filter(at, "f_plans", ["arbetslivsanknytning-2011-2013"])
    assert len(at.get("plotly_chart")) < charts_all


def test_status(app):
    at = open_page(app, "status")
    overdue = at.dataframe[0].value
    assert set(overdue["Status"]) > {"Pågår"}  # late activities of more statuses than one ...
    set_filter(at, "f_statuses", ["ongoing"])
    assert set(at.dataframe[0].value["Status"]) == {"Pågår"}  # ... of which the ongoing ones stay, and only they
    assert len(at.dataframe[0].value) < len(overdue)


def test_structure(app):
    at = open_page(app, "structure")
    assert not at.get("plotly_chart")  # no treemap: its boxes cut the goals' wording to nothing
    at.selectbox(key="structure_plan").set_value("internationalisering-2020-2023").run()
    lines = [line for m in at.markdown for line in m.value.splitlines()]
    assert sum(1 for line in lines if line.startswith("- **H")) == 40  # every sub-goal
    # A goal is a sentence, read whole: the outline never cuts one (a treemap box cut them to a few words).
    long_goal = "Säkerställa att lärosätets sammantagna partnerportfölj bidrar till god"
    assert any(long_goal in line and "…" not in line for line in lines)
    set_filter(at, "f_plans", ["kommunikation-kvalitet"])
    assert at.selectbox(key="structure_plan").options == ["Kommunikationsplan för kvalitetsarbetet"]


def test_activities_export_holds_exactly_the_filtered_rows(app, storages):
    at = open_page(app, "activities")
    set_filter(at, "f_plans", ["mobilitet-2016-2018"])
    set_filter(at, "f_statuses", ["unknown"])
    at.text_input(key="activities_search").set_value("checklist").run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < 27
    files = downloads(at, storages)
    wb = openpyxl.load_workbook(io.BytesIO(files["activities_export_xlsx"]))
    sheet = wb.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0])[: len(shown.columns)] == list(shown.columns)
    assert [r[1] for r in rows[1:]] == list(shown["Nr"])  # the same activities, in the same order
    assert sheet.freeze_panes == "A2"
    about = dict(wb.worksheets[1].iter_rows(values_only=True))
    assert about["Sök"] == "checklist" and "Okänd" in about["Status"]
    csv = files["activities_export_csv"]
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = csv.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == len(shown) + 1


def test_activities_export_names_the_status_comment_and_writes_csv_numbers(app, storages):
    at = open_page(app, "activities")
    set_filter(at, "f_plans", ["arbetslivsanknytning-2011-2013"])
    files = downloads(at, storages)
    rows = list(openpyxl.load_workbook(io.BytesIO(files["activities_export_xlsx"])).worksheets[0].values)
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    # The column holds what the document says about the status: named so, not "Anteckning".
    assert "Statuskommentar" in header and "Anteckning" not in header
    assert first["Nr"] == "3.1.1" and first["Statuskommentar"].startswith("Under 2012 arbetar referensgruppen")
    table = list(csv.reader(io.StringIO(files["activities_export_csv"].decode("utf-8-sig")), delimiter=";"))
    budget = table[0].index("Budget (tkr)")
    amounts = [r[budget] for r in table[1:] if r[budget]]
    # Whole thousands as whole numbers, parts with a decimal comma: "890.0" is text to Swedish Excel.
    assert amounts and not [a for a in amounts if "." in a or a.endswith(",0")]
    assert [a for a in amounts if a.isdigit()]


def test_the_plan_filter_offers_short_names_with_the_full_titles_in_its_tooltip(app):
    at = open_page(app, "overview")
    plans = next(w for w in at.sidebar.multiselect if w.key == "f_plans")
    assert "Skolsamverkan 2016–2017" in plans.options and "Mobilitet 2016–2018" in plans.options
    assert not any("Handlingsplan" in o for o in plans.options)
    shown = re.sub(r"\\(.)", r"\1", plans.help)  # (the tooltip is Markdown: the titles in it are escaped)
    assert "Regional skolsamverkan, arbetslivsanknytning och alumnverksamhet – Handlingsplan 2016–2017" in shown


def test_meeting_pack_names_plans_by_their_short_names(app, storages):
    """Where space is short (the pack's status chart and tables) a plan goes by its Kortnamn, not a cut title."""
    at = open_page(app, "meetings")
    files = downloads(at, storages)
    pdf = subprocess.run(["pdftotext", "-", "-"], input=files["meetings_pack_pdf"], capture_output=True, check=True)
    text = " ".join(pdf.stdout.decode().split())
    assert "Skolsamverkan 2016–2017" in text and "Arbetslivsanknytning 2011–2013" in text
    assert "Regional skolsamverkan" not in text and "…" not in text
    wb = openpyxl.load_workbook(io.BytesIO(files["meetings_pack_xlsx"]))
    cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    assert "Mobilitet 2016–2018" in cells
    assert not any("Regional skolsamverkan" in c or "…" in c for c in cells)


def test_activities_detail(app):
    at = open_page(app, "activities")
    at.selectbox(key="activities_detail").set_value(("arbetslivsanknytning-2011-2013", "3.1.1")).run()
    assert not at.exception
    body = texts(at)
    assert "Processledning" in body
    budget = next(d.value for d in at.dataframe if "Originaltext" in d.value.columns)
    assert "225 tkr + 265 tkr" in set(budget["Originaltext"])


def test_activities_detail_in_english_never_reads_none(app):
    # An empty list said "None.", which reads as a raw missing value on a page that must show none.
    app.query_params["lang"] = "en"
    at = open_page(app, "activities")
    at.selectbox(key="activities_detail").set_value(("arbetslivsanknytning-2011-2013", "3.1.1")).run()
    assert not at.exception
    assert "Goals" in texts(at)  # the detail is shown, in English
    assert not re.search(r"\bNone\b", texts(at))


def _pages_opened_by_name(source: str) -> set[str]:
    """Pages that a test function opens by name (open_page(at, "budget") or at.switch_page("app_pages/budget.py"))
    and then asserts something about. A test's name proves nothing; nor does a test looping over every page."""
    opened = set()
    for fn in ast.walk(ast.parse(source)):
        if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
            continue
        if not any(isinstance(node, ast.Assert) for node in ast.walk(fn)):
            continue
        for call in (node for node in ast.walk(fn) if isinstance(node, ast.Call)):
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            literal = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "open_page" and literal:
                opened.add(literal[0])
            elif name == "switch_page" and literal and (m := re.fullmatch(r"app_pages/(\w+)\.py", literal[0])):
                opened.add(m.group(1))
    return opened


def test_every_page_has_a_test():
    pages = {p.stem for p in PAGES_DIR.glob("*.py") if not p.name.startswith("_")}
    # Page tests live here, in test_upload.py (the editors' pages) and in test_meetings.py.
    tested = set().union(*(_pages_opened_by_name(p.read_text()) for p in (ROOT / "tests").glob("test_*.py")))
    assert pages <= tested, f"pages without a test: {sorted(pages - tested)}"
    # (the check itself: a test named after a page, or one that opens it without asserting, does not count)
    assert _pages_opened_by_name('def test_budget_x(app):\n    open_page(app, "budget")\n') == set()
    assert _pages_opened_by_name('def test_x(app):\n    assert open_page(app, "budget")\n') == {"budget"}


def _toast_calls(source: str) -> int:
    """How many toast calls a source makes."""
    calls = (node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call))
    return sum(1 for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "toast")


def test_every_confirmation_goes_through_render_confirm():
    # Each action that changes data reruns the page at once; a toast sent just before st.rerun() can be lost (a
    # failed CI run; 4 clicks of 16 in a two-button app). render.confirm sends it from the next run instead.
    # AppTest cannot show the loss (it keeps the toast across the rerun), so this holds the rule.
    sources = [p for p in (ROOT / "dashboard").rglob("*.py") if p != ROOT / "dashboard" / "web" / "render.py"]
    assert {str(p.relative_to(ROOT)) for p in sources if _toast_calls(p.read_text())} == set()
    assert _toast_calls('st.toast("Sparat")\nst.rerun()\n') == 1  # (the check itself)


# ---------------------------------------------------------------------------- app-wide behaviour


def test_filters_come_from_and_go_to_the_url(app):
    app.query_params["plan"] = ["skolsamverkan-2016-2017"]
    app.query_params["lang"] = "en"
    at = open_page(app, "overview")
    assert metric(at, "Activities") == "12"
    set_filter(at, "f_units", ["SAM"])
    as_list = lambda v: [v] if isinstance(v, str) else list(v)  # noqa: E731 - one value comes back as a string
    assert as_list(at.query_params["unit"]) == ["SAM"]
    assert as_list(at.query_params["plan"]) == ["skolsamverkan-2016-2017"]


def test_unknown_url_values_are_ignored(app):
    app.query_params["plan"] = ["no-such-plan"]
    app.query_params["y0"] = "abc"
    at = open_page(app, "overview")
    assert metric(at, "Aktiviteter") == "69"


def test_english_toggle(app):
    at = open_page(app, "budget")
    at.sidebar.toggle(key="f_lang_en").set_value(True).run()
    assert at.title[0].value == "Budget"
    assert "No year given" in list(at.dataframe[0].value.index)


@pytest.mark.parametrize(
    ("page", "title"),
    [("upload", "Upload"), ("history", "Versions"), ("meetings", "Follow-up meeting")],
)
def test_the_editors_and_meeting_pages_speak_english(app, page, title):
    at = open_page(app, page)
    at.sidebar.toggle(key="f_lang_en").set_value(True).run()
    assert not at.exception
    assert at.title[0].value == title
    swedish = {"Ladda upp arbetsböcker", "Ändringar sedan förra mötet", "Visa version", "Föregående möte"}
    labels = [w.label for w in at.main.get("selectbox")] + [tab.label for tab in at.main.get("tab")]
    assert not swedish & set(labels), labels


# The access page (admins) lists accounts, not plans: it stays open without plans (tests/test_access.py).
@pytest.mark.parametrize("page", sorted(p.stem for p in PAGES_DIR.glob("*.py") if p.stem != "access"))
def test_every_page_explains_an_empty_database(tmp_path, monkeypatch, page):
    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty, tmp_path / "empty.duckdb")
    monkeypatch.setenv("PLANS_DB", str(tmp_path / "empty.duckdb"))
    at = open_page(AppTest.from_file(APP, default_timeout=60), page)
    assert not at.get("plotly_chart") and not at.dataframe, page
    # It says that no plan is loaded (not "nothing matches the filters": none are set); an editor's upload
    # page invites the first upload.
    wanted = "Inga planer är publicerade ännu" if page in EDITOR_PAGES else "Det finns inga planer i databasen"
    assert [i.value for i in at.info if i.value.startswith(wanted)], (page, [i.value for i in at.info])


# Uploading and the version history are per plan, the access page lists accounts and a round has its own scope:
# not views of the filtered data.
@pytest.mark.parametrize(
    "page",
    sorted(p.stem for p in PAGES_DIR.glob("*.py") if p.stem not in ("upload", "history", "access", "rounds")),
)
def test_every_page_explains_filters_that_match_nothing(app, page):
    at = open_page(app, page)
    set_filter(at, "f_plans", ["kommunikation-kvalitet"])
    set_filter(at, "f_statuses", ["done"])
    assert not at.exception
    assert not at.get("plotly_chart"), page  # no chart of nothing
    if page == "meetings":
        # The meeting's lists of activities (late, status unknown after its end, no update) each say "none".
        assert [c.value for c in at.caption].count("Inga.") == 3, [c.value for c in at.caption]
    else:
        assert [i.value for i in at.info if "matchar filtren" in i.value], (page, [i.value for i in at.info])


def test_first_start_builds_the_database(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.duckdb*"))
    target = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("PLANS_DB", str(target))
    assert not target.exists()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert Path(target).exists()
    assert metric(at, "Aktiviteter") == "69"


# ---------------------------------------------------------------------------- outcomes and versions


@pytest.fixture(scope="module")
def two_versions_db(bundled_db, tmp_path_factory):
    """The bundled plans, then a second version of 2016–2017 with an outcome and a status change."""
    import openpyxl as xl

    from loaders.database import Database
    from loaders.service import export_plan, load_file

    tmp = tmp_path_factory.mktemp("versions")
    path = bundled_copy(bundled_db, tmp)
    wb_path = tmp / "skolsamverkan.xlsx"
    with Database(path, read_only=True) as db:
        export_plan(db, "skolsamverkan-2016-2017", wb_path)
        mentor = db.rows(
            "select target_id from targets where plan_id = 'skolsamverkan-2016-2017' and target_value = 130"
        )[0][0]
    wb = xl.load_workbook(wb_path)
    wb["Utfall"].append([mentor, 2016, None, 118, "Test: constructed outcome"])  # below the path 110 → 130
    wb["Status"].append(["5", None, "Pågår", "Test: constructed status"])
    wb.save(wb_path)
    load_file(wb_path, path, "test")
    return path


def test_status_over_versions_is_shown(two_versions_db, monkeypatch):
    monkeypatch.setenv("PLANS_DB", str(two_versions_db))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "status")
    assert "bara en version" not in texts(at)
    assert any("v2" in str(c.proto.spec) for c in at.get("plotly_chart"))


def test_outcome_is_judged_against_the_path(two_versions_db, monkeypatch):
    monkeypatch.setenv("PLANS_DB", str(two_versions_db))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "targets")
    # 118 pairs in 2016 lies below the straight path from 110 (2015) to 130 (2017), which passes 120.
    assert any("under vägen" in e.value for e in at.error)
    at.switch_page("app_pages/overview.py").run()
    assert metric(at, "Efter") == "1"
    at.switch_page("app_pages/mentors.py").run()
    assert "Utfall 2016: 118" in texts(at)


def test_empty_database_says_how_to_add_plans(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    build(empty, tmp_path / "empty.duckdb")
    monkeypatch.setenv("PLANS_DB", str(tmp_path / "empty.duckdb"))
    at = open_page(AppTest.from_file(APP, default_timeout=60), "overview")
    assert "Det finns inga planer i databasen" in at.info[0].value


def test_url_follows_a_change_in_a_repeated_parameter(app):
    app.query_params["plan"] = ["kommunikation-kvalitet", "mobilitet-2016-2018"]
    at = open_page(app, "overview")
    set_filter(at, "f_plans", ["skolsamverkan-2016-2017", "mobilitet-2016-2018"])
    plans = at.query_params["plan"]
    assert sorted([plans] if isinstance(plans, str) else plans) == ["mobilitet-2016-2018", "skolsamverkan-2016-2017"]


# ---------------------------------------------------------------------------- as of a day


def _past_end(plans_db, as_of: date) -> tuple[set, set]:
    """An oracle in SQL, apart from the rule: (late, status unknown after its end) activities as of a day."""
    db = cache.connection(str(plans_db))
    past = "select plan_id, activity_id from activities where end_date < ? and status "
    late = set(db.rows(past + "in ('not_started', 'ongoing', 'postponed')", [as_of]))
    unknown = set(db.rows(past + "= 'unknown'", [as_of]))
    return late, unknown


@pytest.mark.parametrize("as_of", ["2012-06-30", "2013-06-30", None])
def test_status_page_as_of_a_day(app, plans_db, as_of):
    if as_of:
        app.query_params["asof"] = as_of
    at = open_page(app, "status")
    day = date.fromisoformat(as_of) if as_of else date.today()
    late, unknown = _past_end(plans_db, day)
    plan_of = {v: k for k, v in context.plan_short(at.session_state["ctx"]).items()}
    past = [df.value for df in at.dataframe if {"Dagar sen", "Dagar efter slut"} & set(df.value.columns)]
    rows = pd.concat(past) if past else pd.DataFrame(columns=["Plan", "ID", "Status"])

    def keys(df: pd.DataFrame) -> set:
        return {(plan_of[p], a) for p, a in zip(df["Plan"], df["ID"], strict=True)}

    assert keys(rows[rows["Status"] != "Okänd"]) == late
    assert keys(rows[rows["Status"] == "Okänd"]) == unknown
    assert len(past) == bool(late) + bool(unknown)  # late and status unknown are shown apart
    body = texts(at)
    assert "Status okänd efter slutdatum" in body
    if as_of == "2012-06-30":
        # The 2011–2013 plan is live: nothing of it has ended unfinished yet, and the line marks the day.
        assert "Inga försenade aktiviteter" in body and "Inga aktiviteter med okänd status" in body
    timeline = next(c for c in at.get("plotly_chart") if "status_timeline" in c.proto.id).proto.spec
    assert (f'"text":"per {as_of}"' if as_of else '"text":"idag"') in timeline
    assert at.sidebar.date_input(key="f_asof").value == day


def test_as_of_goes_to_and_comes_from_the_url(app):
    at = open_page(app, "status")
    assert "asof" not in at.query_params
    at.sidebar.date_input(key="f_asof").set_value(date(2012, 6, 30)).run()
    assert not at.exception
    assert at.query_params["asof"] in ("2012-06-30", ["2012-06-30"])
    at.sidebar.date_input(key="f_asof").set_value(date.today()).run()
    assert "asof" not in at.query_params  # today is the default: the URL stays short


@pytest.mark.parametrize("value", ["igår", "2999-01-01"])
def test_an_unreadable_or_future_as_of_in_the_url_is_today(app, value):
    app.query_params["asof"] = value
    at = open_page(app, "status")
    assert at.sidebar.date_input(key="f_asof").value == date.today()
    assert any("kunde inte läsas" in c.value for c in at.sidebar.caption)


def test_targets_without_a_path_are_listed_with_what_is_missing(app):
    at = open_page(app, "targets")
    table = next(df.value for df in at.dataframe if "Saknas" in df.value.columns)
    missing = dict(zip(table["Nr"], table["Saknas"], strict=True))
    assert missing["T3"] == "målår saknas"  # 33,3 % (2010) → 100 %, no target year
    assert missing["T1"] == "kvalitativ, inget mätbart värde"
    assert "TA" not in missing  # drawn as an index (2015 = 100 → 125)
    row = table[table["Nr"] == "T3"].iloc[0]
    assert (row["Basvärde"], row["Målvärde"]) == ("33,3 (2010)", "100")


@pytest.mark.parametrize("page", ["overview", "status"])
def test_a_plan_without_activities_is_named_not_blamed_on_the_filters(app, page):
    """Only internationalisering (which lists no activities) chosen: the page says so, it does not ask the
    user to widen filters that are not the reason."""
    at = open_page(app, page)
    set_filter(at, "f_plans", ["internationalisering-2020-2023"])
    shown = texts(at)
    assert "Valda planer listar inga aktiviteter: ”Handlingsplan för internationalisering 2020–2023”" in shown
    assert "Vidga filtren" not in shown


@pytest.mark.parametrize("page", ["targets", "mentors"])
def test_a_plan_without_targets_says_what_to_do(app, page):
    """The communication plan states no targets: the empty state says why and what to do next."""
    at = open_page(app, page)
    set_filter(at, "f_plans", ["kommunikation-kvalitet"])
    shown = texts(at)
    assert "matchar filtren. Välj en annan plan i sidopanelen eller rensa filtren." in shown
