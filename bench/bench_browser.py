"""End-to-end timings in a real browser (Playwright driving Debian's Chromium), beside Streamlit's own floor.

What a person waits for, from their click to what they came for on the screen, against the real server on the
bundled data: a page switch (to the page's chart), a filter change (to the changed figure), an upload (to the
preview of its changes), a publish (to the confirmation), the meeting pack (to the finished PDF download), and
a first start on a fresh checkout (from starting the server with no database to the overview's chart). The
floor is an empty two-page Streamlit app measured in the same run and the same browser: a page switch, a
multiselect change and a first start that show one line of text.

    python -m bench.bench_browser [--runs 7] [--starts 3] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
from playwright.sync_api import expect, sync_playwright

from bench.bench_ingest import machine, publish_results
from bench.bench_load import start
from dashboard.auth.passwords import hash_password
from loaders.database import Database
from loaders.service import build, export_plan

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "!window.__running"  # no script run under way in this tab (RUN_HOOK)
LOADED = "window.__finished > 0 && !window.__running"  # the page's first run is over (RUN_HOOK)
EDITOR, PASSWORD = "bench", "en lång nog fras för bänken"
# A page of the sidebar → its heading and what its chart (for the outline, its content) looks like in the DOM.
PAGES = {
    "Budget": ("Budget", ".js-plotly-plot .barlayer .point"),
    "Mål mot basår": ("Mål mot basår", ".js-plotly-plot .scatterlayer .trace"),
    "Genomförande": ("Genomförande", ".js-plotly-plot .barlayer .point"),
    "Mentorpar och kontrakt": ("Mentorpar och kontrakt", ".js-plotly-plot .barlayer .point"),
    "Planernas struktur": ("Planernas struktur", "[data-testid='stMarkdownContainer'] strong"),
    "Aktiviteter": ("Aktiviteter", "[data-testid='stDataFrame']"),
    "Översikt": ("Uppföljning av handlingsplaner", ".js-plotly-plot .barlayer .point"),
}
# When a run is over. Streamlit's running indicator (stStatusWidget) is never drawn with this app's settings (the
# viewer toolbar), so waiting for it to be gone waited for nothing: a page counted as shown once its first chart
# was drawn, while the rest of the run's elements were still on their way (the budget page's last chart came
# 0.2 s later). The browser learns what Streamlit's own front end goes by: each ForwardMsg with a
# session_status_changed (field 9) says whether a script is running (its field 2). Each tab keeps that state and
# counts the runs that ended; `mark` notes the count before a timed action, and the action is done once a later
# run has ended and its view is there. Only the top level of each message is read (a field's bytes are skipped).
RUN_HOOK = """
window.__finished = 0; window.__since = 0; window.__running = false;
const __varint = (b, i) => { let v = 0, s = 0, x; do { x = b[i++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return [v, i]; };
const __fields = (b) => { const out = {}; let i = 0;
  while (i < b.length) { let tag, v; [tag, i] = __varint(b, i); const w = tag & 7;
    if (w === 0) { [v, i] = __varint(b, i); out[tag >> 3] = v; }
    else if (w === 2) { [v, i] = __varint(b, i); out[tag >> 3] = b.subarray(i, i + v); i += v; }
    else if (w === 1) i += 8; else if (w === 5) i += 4; else break; }
  return out; };
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (!(e.data instanceof ArrayBuffer)) return;
      const status = __fields(new Uint8Array(e.data))[9];
      if (status === undefined) return;
      const running = !!__fields(status)[2];
      if (window.__running && !running) window.__finished += 1;
      window.__running = running;
    });
  }
};
"""
_FINISHED_JS = "window.__finished > window.__since"
FINISHED = _FINISHED_JS + " && !window.__running"  # a run that ended after `mark`, and none under way
PAGE_DONE = (
    "([heading, chart]) => " + _FINISHED_JS + " && [...document.querySelectorAll('h1')].some("
    "h => h.textContent.includes(heading)) && !!document.querySelector(chart)"
)
# A page switch lasts until the run is over and every chart of the page is drawn (each shows its traces): the whole
# view. `charts` is how many the page has, counted once the page had all the time it needed (`chart_counts`): after
# the run's last message the browser still draws its last elements, so a count of what is there could be short.
_ALL_CHARTS_JS = (
    "((n) => { const c = [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')];"
    " return c.length >= n && c.every(p => !!p.querySelector('.trace')); })"
)
# The whole view, noting on the way (in the page's own clock) when its first chart was there. One wait, not one
# for each: a second wait_for_function after the first cost about 0.1 s of Playwright's own (0.23 against 0.13 s
# a switch, at rest), which no person waits for.
PAGE_TIMED = (
    "([heading, chart, charts]) => {"
    " const first = [...document.querySelectorAll('h1')].some(h => h.textContent.includes(heading))"
    " && !!document.querySelector(chart);"
    " if (first && window.__firstAt === undefined) window.__firstAt = performance.now();"
    " if (!first || !(" + _FINISHED_JS + ") || !" + _ALL_CHARTS_JS + "(charts)) return false;"
    " const t = {first: window.__firstAt, whole: performance.now()}; window.__firstAt = undefined; return t; }"
)
TEXT_DONE = (
    "(text) => " + _FINISHED_JS + " && document.querySelector('[data-testid=\"stMain\"]').textContent.includes(text)"
)
# The first key figure with this label (the page's own; until 2026-12-05 the overview's plan cards had metrics
# of the same name, and the mobility plan's card showed the value the filter change waits for all along).
METRIC_DONE = (
    "([label, value]) => { if (!(" + _FINISHED_JS + ")) return false;"
    " const m = [...document.querySelectorAll('[data-testid=\"stMetric\"]')].find(m => m.textContent.includes(label));"
    " return !!m && m.querySelector('[data-testid=\"stMetricValue\"]').textContent.trim() === value; }"
)
SUCCESS_DONE = (
    "(text) => " + _FINISHED_JS + " && [...document.querySelectorAll('[data-testid=\"stAlertContentSuccess\"]')]"
    ".some(a => a.textContent.includes(text))"
)
# Two pages, each with a multiselect in the sidebar and one line of text: Streamlit's own round trips.
FLOOR_APP = """
import streamlit as st

def page(n):
    def show():
        chosen = st.sidebar.multiselect("Val", ["a", "b", "c"], key=f"val{n}")
        st.write(f"sida {n}: {len(chosen)} valda")
    return show

pages = [st.Page(page(1), title="Sida 1", url_path="ett"), st.Page(page(2), title="Sida 2", url_path="tva")]
st.navigation(pages).run()
"""


def mark(page) -> None:
    """Once no run is under way in this tab, note the runs finished so far: what follows waits for a later one
    (`RUN_HOOK`), never for the end of a run that was already going."""
    idle(page)
    page.evaluate("window.__since = window.__finished")


def _timed(page, action: Callable[[], None], done: Callable[[], None]) -> float:
    mark(page)
    t = time.perf_counter()
    action()
    done()
    return time.perf_counter() - t


def idle(page) -> None:
    page.wait_for_function(IDLE, timeout=60_000, polling="raf")


def nav(page, name: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(name, exact=True).click()


def until(page, js: str, arg) -> None:
    page.wait_for_function(js, arg=arg, timeout=60_000, polling="raf")


def shown(page, name: str) -> None:
    until(page, PAGE_DONE, list(PAGES[name]))


def text_shown(page, text: str) -> None:
    until(page, TEXT_DONE, text)


def sign_in(page) -> None:
    """Sign in as the benchmark's editor (the server runs with PLANS_EDITORS=editor_account())."""
    page.get_by_text("Logga in för att rapportera eller redigera").click()
    page.get_by_label("Användarnamn").fill(EDITOR)
    page.get_by_label("Lösenord").fill(PASSWORD)
    idle(page)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text(f"Inloggad som {EDITOR}")).to_be_visible(timeout=30_000)


def editor_account() -> str:
    return f"{EDITOR}:{hash_password(PASSWORD)}"


def _choose_and_remove(
    page, typed: str, chosen: Callable[[], None], removed: Callable[[], None], reading: float = 0.0
) -> list[float]:
    """A filter change and back: the first multiselect of the sidebar, a choice typed in and taken (timed from the
    Enter that takes it), then removed (timed from the Backspace); each followed by `reading` seconds of rest.

    The typing is the person's own time, not a wait, and the two apps' choices differ in length (nine letters
    here, one in the floor): typing "mobilitet" alone took about 70 ms of the timed change.
    """
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.keyboard.type(typed)
    page.get_by_role("option").first.wait_for()
    add = _timed(page, lambda: page.keyboard.press("Enter"), chosen)
    time.sleep(reading)
    remove = _timed(page, lambda: page.keyboard.press("Backspace"), removed)
    page.keyboard.press("Escape")
    time.sleep(reading)
    return [add, remove]


SETTLE = 0.5  # seconds for a tab brought to the front to draw itself again, before its round is timed


def floor_round(page, reading: float = 0.0) -> dict[str, list[float]]:
    """One round of the floor: both pages in turn, then a choice made and removed in the filter."""
    page.bring_to_front()
    time.sleep(SETTLE)
    switch = []
    for n in (2, 1):
        switch.append(
            _timed(page, lambda n=n: nav(page, f"Sida {n}"), lambda n=n: text_shown(page, f"sida {n}: 0 valda"))
        )
        time.sleep(reading)
    filters = _choose_and_remove(
        page, "a", lambda: text_shown(page, "sida 1: 1 valda"), lambda: text_shown(page, "sida 1: 0 valda"), reading
    )
    return {"switch": switch, "first": switch, "filter": filters, "choose": filters[:1], "remove": filters[1:]}


def chart_counts(page) -> dict[str, int]:
    """How many charts each page shows, each page given a second and a half after its run to draw all of them."""
    counts = {}
    for name in PAGES:
        mark(page)
        nav(page, name)
        shown(page, name)
        time.sleep(1.5)
        counts[name] = page.locator("[data-testid='stPlotlyChart']").count()
    return counts


def our_round(page, charts: dict[str, int], reading: float = 0.0) -> dict[str, list[float]]:
    """One round of ours: the seven pages in turn, each until every chart of it is drawn (also timed to its first
    chart), then a plan chosen and removed in the filter."""
    page.bring_to_front()
    time.sleep(SETTLE)
    out: dict[str, list[float]] = {"switch": [], "first": [], "choose": [], "remove": []}
    for name in PAGES:
        mark(page)
        t = time.perf_counter()
        nav(page, name)
        handle = page.wait_for_function(PAGE_TIMED, arg=[*PAGES[name], charts[name]], timeout=60_000, polling="raf")
        whole = time.perf_counter() - t
        drawn = handle.json_value()
        out["switch"].append(whole)
        out["first"].append(whole - (drawn["whole"] - drawn["first"]) / 1000)
        out.setdefault(name, []).append(whole)
        time.sleep(reading)
    filters = _choose_and_remove(
        page,
        "mobilitet",
        lambda: until(page, METRIC_DONE, ["Aktiviteter", "27"]),
        lambda: until(page, METRIC_DONE, ["Aktiviteter", "69"]),
        reading,
    )
    return {**out, "filter": filters, "choose": filters[:1], "remove": filters[1:]}


def views(browser, ours_url: str, floor_url: str, runs: int, reading: float = 0.0):
    """Page switches and filter changes, ours and the floor's, round by round in turn in two tabs of one browser:
    this machine's speed drifts over minutes, and a floor measured before ours would not be its floor."""
    ours_page, floor_page = browser.new_page(), browser.new_page()
    ours_page.goto(ours_url)
    shown(ours_page, "Översikt")
    floor_page.goto(f"{floor_url}/")
    text_shown(floor_page, "sida 1: 0 valda")
    charts = chart_counts(ours_page)  # also a warm-up: each page's first run fills the shared caches
    print(f"charts per page: {charts}", file=sys.stderr, flush=True)
    ours: dict[str, list[float]] = {}
    floor: dict[str, list[float]] = {}
    for i in range(runs + 1):  # the first round is a warm-up too
        for tally, one in ((floor, floor_round(floor_page, reading)), (ours, our_round(ours_page, charts, reading))):
            if i:
                for key, seconds in one.items():
                    tally.setdefault(key, []).extend(seconds)
    ours_page.close()
    floor_page.close()
    return ours, floor


def workbooks(tmp: Path, runs: int) -> list[Path]:
    """The skolsamverkan plan as published, one budget amount changed, a different amount in each file."""
    build(ROOT / "data", tmp / "export.duckdb")
    with Database(tmp / "export.duckdb") as db:
        export_plan(db, "skolsamverkan-2016-2017", tmp / "plan.xlsx")
    files = []
    for i in range(runs + 1):
        wb = openpyxl.load_workbook(tmp / "plan.xlsx")
        ws = wb["Budget"]
        amount = [c.value for c in ws[1]].index("Belopp (kr)")
        row = next(r for r in ws.iter_rows(min_row=2) if r[amount].value == 1700000)
        row[amount].value = 1800000 + 1000 * i
        wb.save(tmp / f"plan-{i}.xlsx")
        files.append(tmp / f"plan-{i}.xlsx")
    return files


def editor_actions(browser, url: str, files: list[Path]) -> dict[str, list[float]]:
    page = browser.new_page()
    page.goto(url)
    shown(page, "Översikt")
    sign_in(page)
    out: dict[str, list[float]] = {"preview": [], "publish": [], "pack": []}
    for i, path in enumerate(files):  # the first file is a warm-up
        nav(page, "Ladda upp")
        expect(page.locator("input[type='file']")).to_be_attached(timeout=60_000)
        preview = _timed(  # (after the page's run: `_timed` marks once no run is under way)
            page,
            lambda path=path: page.locator("input[type='file']").set_input_files(str(path)),
            lambda: text_shown(page, "Ändringar i budgetposter: 1"),
        )
        publish = _timed(
            page,
            lambda: page.get_by_role("button", name="Publicera").click(),
            lambda: until(page, SUCCESS_DONE, "publicerad som version"),
        )
        nav(page, "Uppföljningsmöte")
        button = page.get_by_role("button", name="Mötespaket (PDF)")
        expect(button).to_be_visible(timeout=60_000)
        idle(page)
        t = time.perf_counter()
        with page.expect_download(timeout=120_000) as info:
            button.click()
        assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
        pack = time.perf_counter() - t
        if i:
            out["preview"].append(preview)
            out["publish"].append(publish)
            out["pack"].append(pack)
    page.close()
    return out


def first_start(browser, app: Path, env: dict, done: Callable, tmp: Path) -> float:
    """From starting the server (a new process) to what the first view shows, in a new tab."""
    t = time.perf_counter()
    proc, port = start(app, env)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        done(page)
        seconds = time.perf_counter() - t
        page.close()
        return seconds
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _row(what: str, ours: list[float], floor: list[float] | None, target: str, met: bool) -> str:
    med = statistics.median(ours)
    base = f"{statistics.median(floor):.2f}" if floor else "–"
    ratio = f"{med / statistics.median(floor):.1f}×" if floor else "–"
    verdict = "yes" if met else "**no**"
    return f"| {what} | {med:.2f} | {max(ours):.2f} | {base} | {ratio} | {target} | {verdict} | {len(ours)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="measured rounds of each action (after one warm-up)")
    parser.add_argument("--starts", type=int, default=3, help="first starts of each server")
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    parser.add_argument(
        "--reading",
        type=float,
        default=0.0,
        help="seconds of rest after each page switch and filter change, as a person reading the view (default 0:"
        " the next click as soon as the view is whole)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="browser-bench-"))
    env_base = {"PLANS_BACKUP_INTERVAL_HOURS": "0"}
    try:
        (tmp / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        build(ROOT / "data", tmp / "plans.duckdb")
        files = workbooks(tmp, args.runs)
        editors = editor_account()
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                str(tmp / "profile"),
                executable_path=CHROMIUM,
                headless=True,
                args=FLAGS,
                viewport={"width": 1366, "height": 768},
                accept_downloads=True,
            )
            browser.add_init_script(RUN_HOOK)  # every tab counts its finished runs
            try:
                ours_proc, ours_port = start(
                    ROOT / "dashboard" / "app.py",
                    {**env_base, "PLANS_DB": str(tmp / "plans.duckdb"), "PLANS_EDITORS": editors},
                )
                floor_proc, floor_port = start(tmp / "floor.py", {})
                try:
                    ours_url, floor_url = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{floor_port}"
                    ours, floor = views(browser, ours_url, floor_url, args.runs, args.reading)
                    print("views done", file=sys.stderr, flush=True)
                    edits = editor_actions(browser, f"http://127.0.0.1:{ours_port}", files)
                    print("edits done", file=sys.stderr, flush=True)
                finally:
                    for proc in (ours_proc, floor_proc):
                        proc.terminate()
                        proc.wait(timeout=20)
                starts, floor_starts = [], []
                for i in range(args.starts):
                    fresh = tmp / f"fresh-{i}" / "plans.duckdb"  # no database yet: the app builds it from data/
                    starts.append(
                        first_start(
                            browser,
                            ROOT / "dashboard" / "app.py",
                            {**env_base, "PLANS_DB": str(fresh)},
                            lambda page: shown(page, "Översikt"),
                            tmp,
                        )
                    )
                    floor_starts.append(
                        first_start(
                            browser,
                            tmp / "floor.py",
                            {},
                            lambda page: text_shown(page, "sida 1: 0 valda"),
                            tmp,
                        )
                    )
                    print(f"start {i}: {starts[-1]:.2f} s, floor {floor_starts[-1]:.2f} s", file=sys.stderr, flush=True)
            finally:
                browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median

    def twice(key: str) -> bool:
        return med(ours[key]) <= 2 * med(floor[key])

    lines = [
        f"### Browser, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. Debian's Chromium (headless, 1366 × 768) driven by Playwright, against the real"
        " server (`streamlit run dashboard/app.py`, bundled data) and, in the same run and browser, an empty"
        " two-page Streamlit app (the floor). Each time runs from the click (or the file chosen, or the server"
        " started) until what the person came for is on the screen and the page is idle. Median and worst of"
        f" {args.runs} measured rounds after one warm-up round; first start: {args.starts} starts of each, each"
        " a new server process, ours on a new path with no database (as on a fresh checkout, it builds it from"
        " data/). Ours and the floor take turns, a round each, in two tabs of the browser. Page switch: the seven"
        " pages of the sidebar in turn, each until every chart of it is drawn; filter change: a plan"
        " chosen and removed in the sidebar, each from the key that does it (the name typed beforehand) to the"
        " changed key figure; upload: the skolsamverkan plan (a"
        " bundled-size plan) with one amount changed, to the preview of its change; publish: to the"
        " confirmation; pack: the meeting pack's PDF, from the click to the finished download."
        + (
            f" Here each page switch and filter change is followed by {args.reading:g} s of rest before the next"
            " click."
            if args.reading
            else ""
        ),
        "",
        "| action | ours median (s) | ours worst (s) | floor median (s) | ours / floor | target | met? | runs |",
        "|---|---:|---:|---:|---:|---|---|---:|",
        _row("page switch", ours["switch"], floor["switch"], "≤ 2× floor", twice("switch")),
        _row("filter change", ours["filter"], floor["filter"], "≤ 2× floor", twice("filter")),
        _row("upload → preview", edits["preview"], None, "≤ 1.5 s", med(edits["preview"]) <= 1.5),
        _row("publish", edits["publish"], None, "≤ 1 s", med(edits["publish"]) <= 1.0),
        _row("meeting pack (PDF)", edits["pack"], None, "≤ 1.5 s", med(edits["pack"]) <= 1.5),
        _row("first start → first chart", starts, floor_starts, "≤ 6 s", med(starts) <= 6.0),
    ]  # fmt: skip
    per_page = ", ".join(f"{name} {med(ours[name]):.2f}" for name in PAGES)
    lines += [
        "",
        f"Page switch, median per page (s): {per_page}; the floor's {med(floor['switch']):.2f}. To a page's first"
        f" chart (the view still drawing its others): {med(ours['first']):.2f} s. Filter change, the"
        f" plan chosen: {med(ours['choose']):.2f} s (the floor's {med(floor['choose']):.2f}); removed again, back to"
        f" every plan: {med(ours['remove']):.2f} s (the floor's {med(floor['remove']):.2f}).",
    ]
    text = "\n".join(lines) + "\n"
    publish_results(text, args.results)


if __name__ == "__main__":
    main()
