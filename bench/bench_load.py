"""Load benchmark: simulated people against the real server over Streamlit's own websocket protocol, beside an
empty Streamlit app under the same load (the floor), at several crowd sizes.

Each simulated person opens a session (a new websocket, as a browser tab does), opens a link with filters,
then switches pages with 0.5–2 s pauses (sending back the state of every widget, as a browser does), and now
and then starts a new visit. A page view is timed
from sending the rerun to Streamlit's "script finished"; errors are script exceptions, the app's error messages
and dropped sockets.

Meanwhile an editor, in Debian's Chromium (Playwright), publishes twice during each crowd's run (a budget
amount of one plan changed each time). Every overview a person sees shows its data version and the budget
total; a view whose total is not the one every other view of that link and version shows saw a mix of two
versions.

    python -m bench.bench_load [--people 1 5 10 20 40] [--seconds 60] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.bench_ingest import machine, publish_results

ROOT = Path(__file__).resolve().parent.parent
# The pages a person visits, by url path, with links as people share them (filters in the query string).
# (Within a session an empty name keeps the page it is on, so the overview is asked for by its own address.)
PAGES = ("oversikt", "budget", "mal", "mentorpar", "status", "struktur", "aktiviteter", "uppfoljningsmote", "versioner")
LINKS = ("", "plan=mobilitet-2016-2018", "plan=skolsamverkan-2016-2017&years=2016-2017", "unit=SAM", "lang=en")
FLOOR_APP = 'import streamlit as st\nst.write("hej")\n'  # Streamlit's own round trip, nothing of ours


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app: Path, env: dict) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, port
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{app} did not start")
        time.sleep(0.3)


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Tally:
    first: list[float] = field(default_factory=list)  # a visit's first view: a new session opening a link
    switch: list[float] = field(default_factory=list)  # a page or filter change within a session
    errors: int = 0
    by_page: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))  # every view
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # an overview: (link, data version, budget)
    ended: list[tuple[float, float]] = field(default_factory=list)  # every view: (when it ended, perf_counter; s)


WIDGETS = {"checkbox", "slider", "multiselect", "date_input", "button", "selectbox", "radio", "text_input"}
# What the overview shows of its version: the caption "Dataversion N" and the key figure of the budget in the
# years in view ("Budget 2011–2023").
VERSION_LABELS = ("Dataversion ", "Data version ")
BUDGET_LABEL = "Budget "


@dataclass
class View:
    seconds: float
    failed: bool
    version: str = ""
    budget: str = ""


def widget_state(element, before: dict[str, WidgetState]) -> WidgetState | None:
    """The state a browser sends back for a widget the server drew, as Streamlit's frontend keeps it: the value
    the server set, else the value the widget already had (`before`), else its default. None for a button (a
    trigger) and kinds no page of ours uses."""
    which = element.WhichOneof("type")
    w = getattr(element, which)
    if not getattr(w, "set_value", False) and w.id in before:
        return before[w.id]
    state = WidgetState(id=w.id)
    if which == "checkbox":
        state.bool_value = w.value if w.set_value else w.default
    elif which == "slider":
        state.double_array_value.data[:] = list(w.value if w.set_value else w.default)
    elif which == "multiselect":
        state.string_array_value.data[:] = list(w.raw_values) if w.set_value else [w.options[i] for i in w.default]
    elif which == "date_input":
        state.string_array_value.data[:] = list(w.value if w.set_value else w.default)
    else:
        return None
    return state


async def view(ws, page: str, query: str, widgets: dict[str, WidgetState]) -> View:
    """One page view: ask for a run of `page` with `query` and, as a browser does, the state of every widget the
    last run drew (`widgets`, updated from this run); wait until it has finished (a run that restarts, as ours
    does when a publish lands during it, is waited for to its end). A script exception or an error message of
    the app is a failed view."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    msg.rerun_script.widget_states.widgets.extend(widgets.values())
    started = time.perf_counter()
    await ws.send(msg.SerializeToString())
    out = View(0.0, False)
    drawn: dict[str, WidgetState] = {}
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=120)
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if kind == "delta":
            element = fwd.delta.new_element
            which = element.WhichOneof("type")
            if which in WIDGETS and (state := widget_state(element, widgets)) is not None:
                drawn[state.id] = state
            if which == "exception" or (which == "alert" and element.alert.format == Alert.ERROR):
                out.failed = True
            elif which == "metric" and element.metric.label.startswith(BUDGET_LABEL):
                out.budget = element.metric.body
            elif which == "markdown" and element.markdown.body.startswith(VERSION_LABELS):
                out.version = element.markdown.body.split()[-1]
        if kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            out.seconds = time.perf_counter() - started
            widgets.clear()
            widgets.update(drawn)
            return out


async def person(port: int, until: float, tally: Tally, rng: random.Random, floor: bool) -> None:
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    origin = f"http://127.0.0.1:{port}"
    while time.perf_counter() < until:
        try:
            async with websockets.connect(
                url, subprotocols=["streamlit"], origin=origin, max_size=None, open_timeout=60
            ) as ws:
                first = True
                link = "" if floor else rng.choice(LINKS)  # its filters hold for the visit, and stay in the URL
                widgets: dict[str, WidgetState] = {}
                for _ in range(rng.randint(3, 8)):  # a visit: a link, then a few pages
                    page = "" if floor else rng.choice(PAGES)
                    got = await view(ws, page, link, widgets)
                    (tally.first if first else tally.switch).append(got.seconds)
                    tally.by_page[page].append(got.seconds)
                    tally.ended.append((time.perf_counter(), got.seconds))
                    tally.errors += got.failed
                    if got.version and got.budget:
                        tally.seen.append((link, got.version, got.budget))
                    first = False
                    if time.perf_counter() >= until:
                        break
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
        except (TimeoutError, OSError, websockets.WebSocketException):
            tally.errors += 1


async def crowd(port: int | list[int], people: int, seconds: float, floor: bool) -> Tally:
    """`people` people for `seconds`; with several ports, person i on ports[i % len(ports)] (as nginx's ip_hash)."""
    ports = [port] if isinstance(port, int) else port
    tally = Tally()
    until = time.perf_counter() + seconds
    rngs = [random.Random(i) for i in range(people)]  # the same visits at every run, for both servers
    await asyncio.gather(*(person(ports[i % len(ports)], until, tally, rngs[i], floor) for i in range(people)))
    return tally


def mixed_views(seen: list[tuple[str, str, str]]) -> int:
    """Overviews whose budget is not the one most views of the same link and data version show."""
    by_key: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for query, version, budget in seen:
        by_key[(query, version)][budget] += 1
    for key, c in by_key.items():
        if len(c) > 1:
            print(f"mixed? link {key[0]!r}, data version {key[1]}: {dict(c)}", file=sys.stderr, flush=True)
    return sum(sum(c.values()) - c.most_common(1)[0][1] for c in by_key.values())


def editor(url: str, files: list, when: list[float], done: list, failed: list) -> None:
    """The editor in Chromium: signs in, then publishes each file at its time (perf_counter)."""
    from playwright.sync_api import sync_playwright

    from bench import bench_browser as b

    step = "start"
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="editor-"), executable_path=b.CHROMIUM, headless=True, args=b.FLAGS
        )
        browser.add_init_script(b.RUN_HOOK)  # each wait below is for a run that ends after its action
        page = browser.new_page()
        try:
            page.goto(url)
            b.shown(page, "Översikt")
            step = "signing in"
            b.sign_in(page)
            for n, (path, at) in enumerate(zip(files, when, strict=True), start=1):
                page.wait_for_timeout(max(0.0, at - time.perf_counter()) * 1000)
                step = f"publish {n}: opening the upload page"
                b.mark(page)
                b.nav(page, "Ladda upp")
                page.locator("input[type='file']").wait_for(state="attached", timeout=60_000)
                step = f"publish {n}: waiting for the preview"
                b.mark(page)
                page.locator("input[type='file']").set_input_files(str(path))
                b.text_shown(page, "Ändringar i budgetposter: 1")
                step = f"publish {n}: waiting for the confirmation"
                b.mark(page)
                t = time.perf_counter()
                page.get_by_role("button", name="Publicera").click()
                b.until(page, b.SUCCESS_DONE, "publicerad som version")
                done.append((time.perf_counter() - t, time.perf_counter()))  # how long, and when it landed
                step = f"publish {n}: back to the overview"
                b.mark(page)
                b.nav(page, "Översikt")
                b.shown(page, "Översikt")
        except Exception as exc:  # reported as the run's editor error, not a crash of the benchmark
            failed.append(f"{step}: {type(exc).__name__}")
            shot = Path(tempfile.gettempdir()) / f"editor-failed-{len(files)}-{time.time():.0f}.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shot), full_page=True)
                failed[-1] += f" (screenshot {shot})"
        finally:
            browser.close()


def crowd_while_publishing(
    url: str, files: list, port: int | list[int], people: int, seconds: float
) -> tuple[Tally, list[tuple[float, float]], list[str], float]:
    """`people` for `seconds` while the editor publishes the two `files` at `url`, at a third and two thirds of the
    run: the tally, each publish (how long it took, when it landed), the editor's failures, and the start."""
    t0 = time.perf_counter()
    when = [t0 + seconds / 3, t0 + 2 * seconds / 3]
    published: list[tuple[float, float]] = []
    failed: list[str] = []
    thread = threading.Thread(target=editor, args=(url, files, when, published, failed))
    thread.start()
    tally = asyncio.run(crowd(port, people, seconds, floor=False))
    thread.join(timeout=180)
    return tally, published, failed, t0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", nargs="*", type=int, default=[1, 5, 10, 20, 40])
    parser.add_argument("--seconds", type=float, default=60)  # a minute per crowd, as issue #13 asks
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()

    from bench.bench_browser import editor_account, workbooks
    from loaders.service import build

    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    rows = []
    try:
        build(ROOT / "data", tmp / "plans.duckdb")
        files = workbooks(tmp, 2 * len(args.people))
        (tmp / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        env = {"PLANS_DB": str(tmp / "plans.duckdb"), "PLANS_EDITORS": editor_account()}
        ours_proc, ours_port = start(ROOT / "dashboard" / "app.py", {**env, "PLANS_BACKUP_INTERVAL_HOURS": "0"})
        floor_proc, floor_port = start(tmp / "floor.py", {})
        try:
            # Untimed: each server's first runs import plotly, open the database and fill the caches once.
            asyncio.run(crowd(ours_port, 2, 10, floor=False))
            asyncio.run(crowd(floor_port, 2, 5, floor=True))
            for k, n in enumerate(args.people):
                ours, published, editor_failed, t0 = crowd_while_publishing(
                    f"http://127.0.0.1:{ours_port}", files[2 * k : 2 * k + 2], ours_port, n, args.seconds
                )
                base = asyncio.run(crowd(floor_port, n, args.seconds, floor=True))
                views = ours.first + ours.switch
                floor_views = base.first + base.switch
                row = {
                    "people": n,
                    "views_s": len(views) / args.seconds,
                    "first_p50": pct(ours.first, 0.5),
                    "first_p95": pct(ours.first, 0.95),
                    "switch_p50": pct(ours.switch, 0.5),
                    "switch_p95": pct(ours.switch, 0.95),
                    "floor_p50": pct(floor_views, 0.5),
                    "floor_p95": pct(floor_views, 0.95),
                    "errors": ours.errors,
                    "floor_errors": base.errors,
                    # each publish: how long the editor waited, and when it landed (s after the crowd's start)
                    "published": [(seconds, at - t0) for seconds, at in published],
                    "editor_failed": editor_failed,
                    "checked": len(ours.seen),
                    "versions": len({v for _, v, _ in ours.seen}),
                    "mixed": mixed_views(ours.seen),
                    "median": statistics.median(views) if views else float("nan"),
                    "by_page": {page: (pct(s, 0.5), pct(s, 0.95), len(s)) for page, s in ours.by_page.items()},
                }
                rows.append(row)
                print(
                    f"{n} people: {len(views)} views, first p50 {row['first_p50']:.2f} s p95 {row['first_p95']:.2f} s,"
                    f" switch p50 {row['switch_p50']:.2f} s p95 {row['switch_p95']:.2f} s; floor p50"
                    f" {row['floor_p50']:.3f} s; errors {row['errors']}; published {row['published']} {editor_failed};"
                    f" overviews checked {row['checked']} over {row['versions']} versions, mixed {row['mixed']}",
                    file=sys.stderr,
                    flush=True,
                )
            memory = peak_memory_mb(ours_proc.pid)
        finally:
            for proc in (ours_proc, floor_proc):
                proc.terminate()
                proc.wait(timeout=20)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = [
        f"### Load, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. The real server (`streamlit run dashboard/app.py`, bundled data) and, in the same run,"
        " an empty Streamlit app (the floor: Streamlit's own round trip) under the same simulated people, each"
        f" {args.seconds:.0f} s: Streamlit's websocket protocol, each visit a new session opening a link with"
        " filters, then 2–7 page changes, 0.5–2 s apart, each sending back the state of every widget as a browser"
        " does. First = a visit's first view; switch = a page change within a session, after an untimed warm-up of"
        " each server. Errors = script exceptions, the app's error messages and dropped sockets. Ratio = our"
        " worse p95 (first or switch) / the floor's p95. During each of our runs an editor in Debian's Chromium"
        " (on the same 2 cores) signs in and publishes twice, at a third and two thirds of the run (or as soon after"
        " as its own pages let it), one budget amount changed each time; publishes = the editor's click to the"
        f" confirmation, and when it landed, in s from the crowd's start (a run lasts {args.seconds:.0f} s: one"
        " that landed later found the crowd gone). Overviews checked = the"
        " overviews the people saw, each with its data version and budget total; mixed = those whose total"
        " differs from the one the other views of"
        " the same link and version show (a view of two versions at once).",
        "",
        "| people | views/s | first p50 (s) | first p95 (s) | switch p50 (s) | switch p95 (s) | floor p50 (s) |"
        " floor p95 (s) | p95 ratio | errors | publishes (s) | overviews checked | versions seen | mixed |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        worst = max(r["first_p95"], r["switch_p95"])
        lines.append(
            f"| {r['people']} | {r['views_s']:.1f} | {r['first_p50']:.2f} | {r['first_p95']:.2f} |"
            f" {r['switch_p50']:.2f} | {r['switch_p95']:.2f} | {r['floor_p50']:.3f} | {r['floor_p95']:.3f} |"
            f" {worst / r['floor_p95']:.0f}× | {r['errors']} |"
            f" {', '.join(f'{x:.2f} (at {at:.0f} s)' for x, at in r['published']) or 'none'}"
            f"{' (editor: ' + '; '.join(r['editor_failed']) + ')' if r['editor_failed'] else ''} |"
            f" {r['checked']} | {r['versions']} | {r['mixed']} |"
        )
    lines += [
        "",
        "Per page (a visit's first view and page changes together): p50 / p95 in s, and the number of views.",
        "",
        "| page | " + " | ".join(f"{r['people']} people" for r in rows) + " |",
        "|---|" + "---:|" * len(rows),
    ]
    for page in PAGES:
        cells = []
        for r in rows:
            p50, p95, count = r["by_page"].get(page, (float("nan"), float("nan"), 0))
            cells.append(f"{p50:.2f} / {p95:.2f} ({count})" if count else "–")
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines += ["", f"Server peak memory (VmHWM): {memory:.0f} MB."]
    text = "\n".join(lines) + "\n"
    publish_results(text, args.results)


if __name__ == "__main__":
    main()
