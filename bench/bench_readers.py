"""Reader processes (PLANS_REPLICAS): one against several, the same crowd, while an editor publishes on the writer.

The README's Scaling section runs one writer process (PLANS_REPLICAS=writer: editors sign in there, and it keeps
a read-only copy of the database up to date) and several reader processes (PLANS_REPLICAS=reader: everyone else,
behind nginx with `ip_hash`). This measures that setup with the real servers (`streamlit run dashboard/app.py`):
the simulated people of `bench_load` on one reader process, then split over N (person i on process i mod N, as
`ip_hash` would), in the same run, while bench_load's editor publishes twice on the writer during each crowd's
run; every overview a person sees is checked for a mix of two versions, as bench_load does.

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
from bench.bench_load import ROOT, Tally, crowd, crowd_while_publishing, mixed_views, pct, peak_memory_mb, start


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

    from bench.bench_browser import editor_account, workbooks
    from loaders import replica
    from loaders.database import Database
    from loaders.service import build

    tmp = Path(tempfile.mkdtemp(prefix="readers-"))
    rows = []
    procs: list = []
    memory: list[float] = []
    try:
        db_path = tmp / "plans.duckdb"
        build(ROOT / "data", db_path)
        files = workbooks(tmp, 4 * len(args.people))
        with Database(db_path) as db:  # python -m loaders replicate, before the servers start
            replica.publish(db)
        env = {"PLANS_DB": str(db_path), "PLANS_BACKUP_INTERVAL_HOURS": "0"}
        writer_proc, writer_port = start(
            ROOT / "dashboard" / "app.py", {**env, "PLANS_REPLICAS": "writer", "PLANS_EDITORS": editor_account()}
        )
        procs.append((writer_proc, writer_port))
        readers = [
            start(ROOT / "dashboard" / "app.py", {**env, "PLANS_REPLICAS": "reader"}) for _ in range(args.processes)
        ]
        procs += readers
        ports = [port for _, port in readers]
        # Untimed: each server's first runs import plotly, open the database and fill the caches once.
        for port in [writer_port, *ports]:
            asyncio.run(crowd(port, 2, 10, floor=False))
        k = 0
        for n in args.people:
            for used in (ports[:1], ports):
                tally, published, failed, t0 = crowd_while_publishing(
                    f"http://127.0.0.1:{writer_port}", files[2 * k : 2 * k + 2], used, n, args.seconds
                )
                k += 1
                r = row(n, len(used), tally, args.seconds)
                r["published"] = [round(at - t0) for _, at in published]
                r["editor_failed"] = failed
                r["versions"] = len({v for _, v, _ in tally.seen})
                r["checked"] = len(tally.seen)
                r["mixed"] = mixed_views(tally.seen)
                # The views that ended within 5 s after a publish landed (when every process computes the new
                # version's figures once), and the others.
                landed = [at for _, at in published]
                after = [s for end, s in tally.ended if any(0 <= end - at < 5 for at in landed)]
                rest = [s for end, s in tally.ended if not any(0 <= end - at < 5 for at in landed)]
                r["after_publish"] = (len(after), pct(after, 0.95))
                r["rest_p95"] = pct(rest, 0.95)
                rows.append(r)
                print(
                    f"{n} people on {len(used)} reader(s): {r['views_s']:.1f} views/s, first p50 {r['first_p50']:.2f}"
                    f" p95 {r['first_p95']:.2f} s, switch p50 {r['switch_p50']:.2f} p95 {r['switch_p95']:.2f} s,"
                    f" errors {r['errors']}, published at {r['published']} s {failed}, overviews {r['checked']}"
                    f" over {r['versions']} versions, mixed {r['mixed']}; p95 of the {r['after_publish'][0]} views"
                    f" within 5 s after a publish {r['after_publish'][1]:.2f} s, of the others {r['rest_p95']:.2f} s",
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
        f"### Reader processes, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. `python -m bench.bench_readers`: the people of `bench_load` ({args.seconds:.0f} s"
        " each) on one reader process (PLANS_REPLICAS=reader), then split over"
        f" {args.processes} (person i on process i mod N, as nginx's `ip_hash` would), in the same run, while"
        " bench_load's editor (Chromium) publishes twice on the writer process (PLANS_REPLICAS=writer) during each"
        " crowd's run; the load generator shares the machine. Published = seconds after the crowd's start; mixed ="
        " overviews whose budget total is not the one every other view of that link and data version shows;"
        " after a publish = the views that ended within 5 s after one landed (p95 over them), the others' p95 beside."
        f" Peak memory (VmHWM) at the end, writer first: {', '.join(f'{m:.0f}' for m in memory)} MB.",
        "",
        "| people | readers | views/s | first p50 (s) | first p95 (s) | switch p50 (s) | switch p95 (s) | errors |"
        " published (s) | overviews checked | versions seen | mixed | after a publish: views, p95 (s) |"
        " others p95 (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        published = ", ".join(map(str, r["published"])) or "none"
        if r["editor_failed"]:
            published += " " + "; ".join(r["editor_failed"])
        lines.append(
            f"| {r['people']} | {r['processes']} | {r['views_s']:.1f} | {r['first_p50']:.2f} | {r['first_p95']:.2f} |"
            f" {r['switch_p50']:.2f} | {r['switch_p95']:.2f} | {r['errors']} |"
            f" {published} |"
            f" {r['checked']} | {r['versions']} | {r['mixed']} | {r['after_publish'][0]}, {r['after_publish'][1]:.2f} |"
            f" {r['rest_p95']:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.results:
        with args.results.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
