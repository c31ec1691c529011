"""Would more server processes help? One against several read-only processes of the dashboard, same crowd.

The README's Scaling section names "several read processes on one machine" as the path past one process. This
measures what it would give before anyone builds it: N copies of the real server (`streamlit run
dashboard/app.py`), each opening the same built database read-only (DuckDB lets several processes read a file
no process writes), the simulated people of `bench_load` split over them as nginx's `ip_hash` would (person i
on process i mod N), against one such process with the same people, in the same run. Nothing publishes: a
read-only process cannot, and the app has no read-only mode yet (a start-up hook given only to these servers
opens the database read-only), so these are the readers' figures of a design not built.

    python -m bench.bench_readers [--people 20 40] [--processes 2] [--seconds 60] [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench.bench_ingest import machine
from bench.bench_load import ROOT, Tally, crowd, pct, peak_memory_mb, start

# Given only to the benchmark's servers (PYTHONPATH): every Database the process opens is read-only.
READ_ONLY_HOOK = """\
import loaders.database as _database

_open = _database.Database.__init__


def _read_only(self, path=None, read_only=False):
    _open(self, path, read_only=True)


_database.Database.__init__ = _read_only
"""


def row(people: int, processes: int, tally: Tally, seconds: float) -> dict:
    views = tally.first + tally.switch
    return {
        "people": people,
        "processes": processes,
        "views_s": len(views) / seconds,
        "first_p50": pct(tally.first, 0.5),
        "first_p95": pct(tally.first, 0.95),
        "switch_p50": pct(tally.switch, 0.5),
        "switch_p95": pct(tally.switch, 0.95),
        "errors": tally.errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", nargs="*", type=int, default=[20, 40])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()

    from loaders.service import build

    tmp = Path(tempfile.mkdtemp(prefix="readers-"))
    rows = []
    procs: list = []
    memory: list[float] = []
    try:
        build(ROOT / "data", tmp / "plans.duckdb")
        hook = tmp / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(READ_ONLY_HOOK, encoding="utf-8")
        env = {
            "PLANS_DB": str(tmp / "plans.duckdb"),
            "PLANS_BACKUP_INTERVAL_HOURS": "0",
            "PYTHONPATH": f"{hook}:{ROOT}",
        }
        for _ in range(args.processes):
            procs.append(start(ROOT / "dashboard" / "app.py", env))
        ports = [port for _, port in procs]
        # Untimed: each server's first runs import plotly, open the database and fill the caches once.
        for port in ports:
            asyncio.run(crowd(port, 2, 10, floor=False))
        for n in args.people:
            for used in (ports[:1], ports):
                tally = asyncio.run(crowd(used, n, args.seconds, floor=False))
                r = row(n, len(used), tally, args.seconds)
                rows.append(r)
                print(
                    f"{n} people on {len(used)} process(es): {r['views_s']:.1f} views/s, first p50 {r['first_p50']:.2f}"
                    f" p95 {r['first_p95']:.2f} s, switch p50 {r['switch_p50']:.2f} p95 {r['switch_p95']:.2f} s,"
                    f" errors {r['errors']}",
                    file=sys.stderr,
                    flush=True,
                )
        memory = [peak_memory_mb(proc.pid) for proc, _ in procs]
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)

    lines = [
        f"### Read processes, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. `python -m bench.bench_readers`: the people of `bench_load` ({args.seconds:.0f} s"
        f" each, nothing published) on one read-only server process, then split over {args.processes} (person i on"
        " process i mod N, as nginx's `ip_hash` would), in the same run; the load generator shares the machine."
        f" Peak memory (VmHWM) per process at the end: {', '.join(f'{m:.0f}' for m in memory)} MB.",
        "",
        "| people | processes | views/s | first p50 (s) | first p95 (s) | switch p50 (s) | switch p95 (s) | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['people']} | {r['processes']} | {r['views_s']:.1f} | {r['first_p50']:.2f} | {r['first_p95']:.2f} |"
            f" {r['switch_p50']:.2f} | {r['switch_p95']:.2f} | {r['errors']} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.results:
        with args.results.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
