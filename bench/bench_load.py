"""Load benchmark: simulated people against the real server over Streamlit's own websocket protocol, beside an
empty Streamlit app under the same load (the floor), at several crowd sizes.

Each simulated person opens a session (a new websocket, as a browser tab does), opens a link with filters,
then switches pages and filters with 0.5–2 s pauses, and now and then starts a new visit. A page view is timed
from sending the rerun to Streamlit's "script finished"; errors are script exceptions and dropped sockets.

    python -m bench.bench_load [--people 1 5 10 20] [--seconds 30] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.bench_ingest import machine, publish_results

ROOT = Path(__file__).resolve().parent.parent
# The pages a person visits, by url path, with links as people share them (filters in the query string).
PAGES = ("", "budget", "mal", "mentorpar", "status", "struktur", "aktiviteter", "uppfoljningsmote", "versioner")
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


async def view(ws, page: str, query: str) -> tuple[float, bool]:
    """One page view: ask for a run of `page` with `query`, wait for its end; (seconds, had an exception)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    started = time.perf_counter()
    await ws.send(msg.SerializeToString())
    failed = False
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=120)
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
            failed = True
        if kind == "script_finished":
            return time.perf_counter() - started, failed


async def person(port: int, until: float, tally: Tally, rng: random.Random, floor: bool) -> None:
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    origin = f"http://127.0.0.1:{port}"
    while time.perf_counter() < until:
        try:
            async with websockets.connect(
                url, subprotocols=["streamlit"], origin=origin, max_size=None, open_timeout=60
            ) as ws:
                first = True
                for _ in range(rng.randint(3, 8)):  # a visit: a link, then a few pages and filters
                    page = "" if floor else rng.choice(PAGES)
                    query = "" if floor else rng.choice(LINKS)
                    seconds, failed = await view(ws, page, query)
                    (tally.first if first else tally.switch).append(seconds)
                    tally.errors += failed
                    first = False
                    if time.perf_counter() >= until:
                        break
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
        except (TimeoutError, OSError, websockets.WebSocketException):
            tally.errors += 1


async def crowd(port: int, people: int, seconds: float, floor: bool) -> Tally:
    tally = Tally()
    until = time.perf_counter() + seconds
    rngs = [random.Random(i) for i in range(people)]  # the same visits at every run, for both servers
    await asyncio.gather(*(person(port, until, tally, rngs[i], floor) for i in range(people)))
    return tally


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", nargs="*", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()

    from loaders.service import build

    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    rows = []
    try:
        build(ROOT / "data", tmp / "plans.duckdb")
        (tmp / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        ours_proc, ours_port = start(ROOT / "dashboard" / "app.py", {"PLANS_DB": str(tmp / "plans.duckdb")})
        floor_proc, floor_port = start(tmp / "floor.py", {})
        try:
            # Untimed: each server's first runs import plotly, open the database and fill the caches once.
            asyncio.run(crowd(ours_port, 2, 10, floor=False))
            asyncio.run(crowd(floor_port, 2, 5, floor=True))
            for n in args.people:
                ours = asyncio.run(crowd(ours_port, n, args.seconds, floor=False))
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
                    "median": statistics.median(views) if views else float("nan"),
                }
                rows.append(row)
                print(
                    f"{n} people: {len(views)} views, first p50 {row['first_p50']:.2f} s p95 {row['first_p95']:.2f} s,"
                    f" switch p50 {row['switch_p50']:.2f} s p95 {row['switch_p95']:.2f} s; floor p50"
                    f" {row['floor_p50']:.3f} s; errors {row['errors']}",
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
        " filters, then 2–7 page or filter changes, 0.5–2 s apart. First = a visit's first view; switch = a"
        " change within a session, after an untimed warm-up of each server. Ratio = our worse p95 (first or switch)"
        " / the floor's p95.",
        "",
        "| people | views/s | first p50 (s) | first p95 (s) | switch p50 (s) | switch p95 (s) | floor p50 (s) |"
        " floor p95 (s) | p95 ratio | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        worst = max(r["first_p95"], r["switch_p95"])
        lines.append(
            f"| {r['people']} | {r['views_s']:.1f} | {r['first_p50']:.2f} | {r['first_p95']:.2f} |"
            f" {r['switch_p50']:.2f} | {r['switch_p95']:.2f} | {r['floor_p50']:.3f} | {r['floor_p95']:.3f} |"
            f" {worst / r['floor_p95']:.0f}× | {r['errors']} |"
        )
    lines += ["", f"Server peak memory (VmHWM): {memory:.0f} MB."]
    text = "\n".join(lines) + "\n"
    publish_results(text, args.results)


if __name__ == "__main__":
    main()
