"""What the charts cost a page switch and a filter change, beside the same app drawing none and Streamlit's floor.

Ours, ours with every chart replaced by one line of text, and the floor, measured in turn in three tabs of one
browser. The question it answers: how near the "≤ 2× the floor" target the app could come by making its charts
cheaper. The second server runs the same app on the same data with `st.plotly_chart` replaced (for that process
only, by a wrapper script) by one line of Markdown, so each page keeps its elements, queries and tables and
loses only the charts' drawing. Its page switch is timed to the end of the run and the page's heading (there is
no chart to wait for); ours as in `bench_browser` (every chart drawn). A filter change is timed as in
`bench_browser`.

    python -m bench.bench_chart_cost [--runs 7] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import bench_browser as bb
from bench.bench_ingest import machine, publish_results
from bench.bench_load import start
from loaders.service import build

ROOT = Path(__file__).resolve().parent.parent
# Runs dashboard/app.py as it is, with each chart drawn as one line of text (the element stays, its drawing goes).
WITHOUT_CHARTS = f"""
import runpy
import streamlit as st

def _as_text(figure_or_data, *args, **kwargs):
    st.markdown("diagram")
    return {{}}

st.plotly_chart = _as_text
runpy.run_path({str(ROOT / "dashboard" / "app.py")!r}, run_name="__main__")
"""
HEADING_DONE = (
    "([heading]) => "
    + bb.FINISHED
    + " && [...document.querySelectorAll('h1')].some(h => h.textContent.includes(heading))"
)


def without_charts_round(page) -> dict[str, list[float]]:
    """`bench_browser.our_round` for the server without charts: each page until its run is over and its heading is
    there, then the same filter change."""
    page.bring_to_front()
    time.sleep(bb.SETTLE)
    out: dict[str, list[float]] = {"switch": []}
    for name in bb.PAGES:
        bb.mark(page)
        t = time.perf_counter()
        bb.nav(page, name)
        page.wait_for_function(HEADING_DONE, arg=[bb.PAGES[name][0]], timeout=60_000, polling="raf")
        out["switch"].append(time.perf_counter() - t)
        out.setdefault(name, []).append(out["switch"][-1])
    out["filter"] = bb._choose_and_remove(
        page,
        "mobilitet",
        lambda: bb.until(page, bb.METRIC_DONE, ["Aktiviteter", "27"]),
        lambda: bb.until(page, bb.METRIC_DONE, ["Aktiviteter", "69"]),
    )
    return out


def measure(runs: int, tmp: Path) -> dict[str, dict[str, list[float]]]:
    build(ROOT / "data", tmp / "ours.duckdb")
    shutil.copy(tmp / "ours.duckdb", tmp / "bare.duckdb")
    (tmp / "floor.py").write_text(bb.FLOOR_APP, encoding="utf-8")
    (tmp / "without_charts.py").write_text(WITHOUT_CHARTS, encoding="utf-8")
    env = {"PLANS_BACKUP_INTERVAL_HOURS": "0"}
    procs = []
    try:
        ours_proc, ours_port = start(ROOT / "dashboard" / "app.py", {**env, "PLANS_DB": str(tmp / "ours.duckdb")})
        procs.append(ours_proc)
        bare_proc, bare_port = start(tmp / "without_charts.py", {**env, "PLANS_DB": str(tmp / "bare.duckdb")})
        procs.append(bare_proc)
        floor_proc, floor_port = start(tmp / "floor.py", {})
        procs.append(floor_proc)
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                str(tmp / "profile"),
                executable_path=bb.CHROMIUM,
                headless=True,
                args=bb.FLAGS,
                viewport={"width": 1366, "height": 768},
            )
            browser.add_init_script(bb.RUN_HOOK)
            try:
                ours = browser.new_page()
                ours.goto(f"http://127.0.0.1:{ours_port}/")
                bb.shown(ours, "Översikt")
                charts = bb.chart_counts(ours)  # also a warm-up of each page
                bare = browser.new_page()
                bare.goto(f"http://127.0.0.1:{bare_port}/")
                bare.wait_for_function(bb.LOADED, timeout=60_000)
                if bare.locator("[data-testid='stPlotlyChart']").count():
                    raise RuntimeError("the server without charts drew a chart")
                without_charts_round(bare)  # a warm-up of each page
                floor = browser.new_page()
                floor.goto(f"http://127.0.0.1:{floor_port}/")
                bb.text_shown(floor, "sida 1: 0 valda")
                tally: dict[str, dict[str, list[float]]] = {"ours": {}, "without charts": {}, "floor": {}}
                for i in range(runs + 1):  # the first round is a warm-up
                    turns = [
                        ("floor", lambda: bb.floor_round(floor)),
                        ("ours", lambda: bb.our_round(ours, charts)),
                        ("without charts", lambda: without_charts_round(bare)),
                    ]
                    for who, one in turns if i % 2 else turns[::-1]:  # each goes first, and last, in turn
                        result = one()
                        if i:
                            for key, seconds in result.items():
                                tally[who].setdefault(key, []).extend(seconds)
                if bare.locator("[data-testid='stPlotlyChart']").count():
                    raise RuntimeError("the server without charts drew a chart")
            finally:
                browser.close()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="measured rounds (after one warm-up)")
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="chart-cost-"))
    try:
        tally = measure(args.runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median
    floor = tally["floor"]

    def row(what: str, key: str) -> str:
        ours, bare, base = med(tally["ours"][key]), med(tally["without charts"][key]), med(floor[key])
        return (
            f"| {what} | {ours:.3f} ({ours / base:.2f}×) | {bare:.3f} ({bare / base:.2f}×) | {base:.3f} |"
            f" {len(tally['ours'][key])} |"
        )

    per_page = ", ".join(
        f"{name} {med(tally['ours'][name]):.2f} / {med(tally['without charts'][name]):.2f}" for name in bb.PAGES
    )
    lines = [
        f"### What the charts cost, {date.today().isoformat()} (`bench_chart_cost`)",
        "",
        f"Machine: {machine()}. Debian's Chromium (headless, 1366 × 768), bundled data; three servers measured in"
        " turn, a round each, in three tabs of one browser: ours, ours with every chart replaced by one line of text"
        " (the same pages, queries and tables; `st.plotly_chart` swapped for that process by a wrapper script), and"
        f" Streamlit's floor. Median of {args.runs} rounds after a warm-up; in brackets, the ratio to the floor.",
        "",
        "| action | ours (s) | ours without charts (s) | floor (s) | runs |",
        "|---|---:|---:|---:|---:|",
        row("page switch", "switch"),
        row("filter change", "filter"),
        "",
        f"Page switch per page, ours / without charts (s): {per_page}.",
    ]
    publish_results("\n".join(lines), args.results)


if __name__ == "__main__":
    main()
