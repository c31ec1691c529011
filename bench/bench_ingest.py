"""Ingest benchmark: our parse+validate+load vs pandas+openpyxl+DuckDB vs a raw fastexcel parse."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

# Each method runs in a fresh interpreter so its peak memory is its own; the child times only
# the work (imports excluded) and reports its peak RSS.
CHILD = r"""
import json, logging, os, resource, sys, threading, time
from pathlib import Path
logging.disable(logging.WARNING)  # fastexcel logs every column whose type it has to guess
method, path, db = sys.argv[1], sys.argv[2], sys.argv[3]

def tree_rss_mb(pid):
    # This process and all its descendants (the parse worker), summed: what the machine holds.
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            total = next(int(l.split()[1]) for l in fh if l.startswith("VmRSS")) / 1024
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                total += sum(tree_rss_mb(int(c)) for c in fh.read().split())
    except (OSError, StopIteration):
        pass
    return total

peak = [0.0]
def sample():
    while True:
        peak[0] = max(peak[0], tree_rss_mb(os.getpid()))
        time.sleep(0.01)
threading.Thread(target=sample, daemon=True).start()
from loaders.template import SHEETS
names = [s.name for s in SHEETS]
if method in ("ours", "ours-validate"):
    from loaders import sandbox
    sandbox.prestart()  # as the CLI does: the parse worker starts with the imports
    from loaders.service import load_file
    time.sleep(0.5)  # let the worker finish importing: imports are outside every method's timing
    from loaders.service import check_file
    t = time.perf_counter()
    if method == "ours":
        load_file(Path(path), Path(db), "bench")
    else:  # parse and validate only, no database: the part the raw parse compares with directly
        check_file(Path(path))
    seconds = time.perf_counter() - t
    import duckdb
    rows = None
    if method == "ours":
        rows = duckdb.connect(db, read_only=True).execute("select count(*) from budget_line_rev").fetchall()[0][0]
elif method == "pandas":
    import duckdb, pandas as pd
    t = time.perf_counter()
    frames = pd.read_excel(path, sheet_name=names, engine="openpyxl")
    con = duckdb.connect(db)
    for i, (name, df) in enumerate(frames.items()):
        # Mixed columns (numbers and "729 tkr") must become text before DuckDB takes them.
        df = df.astype({c: "string" for c in df.columns if df[c].dtype == object})
        con.register("df", df)
        con.execute(f"create table t{i} as select * from df")
        con.unregister("df")
    con.close()
    seconds = time.perf_counter() - t
    rows = len(frames["Budget"])
elif method == "fastexcel":
    import fastexcel
    t = time.perf_counter()
    reader = fastexcel.read_excel(open(path, "rb").read())
    batches = [reader.load_sheet(n).to_arrow() for n in names]
    seconds = time.perf_counter() - t
    rows = batches[names.index("Budget")].num_rows
time.sleep(0.05)
print(json.dumps({"seconds": seconds, "peak_mb": peak[0], "rows": rows}))
"""


def run(method: str, path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, method, str(path), str(Path(tmp) / "bench.duckdb")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        mem_kb = next(int(x.split()[1]) for x in meminfo if x.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        mem = "?"
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--reps", type=int, default=5, help="repetitions for sizes up to 100 000")
    parser.add_argument("--pandas-max", type=int, default=100_000, help="largest size to run the slow pandas path on")
    parser.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = parser.parse_args()

    from bench.generate import generate

    lines = [
        f"### Ingest, {date.today().isoformat()}",
        "",
        f"Machine: {machine()}. Medians of fresh-process runs, methods interleaved; imports (and the start of our "
        "parse worker, which the CLI starts with its imports) are outside the timings. Peak = the largest sum of "
        "resident memory of our process and its parse worker, sampled every 10 ms.",
        "",
        "| budget lines | ours: parse+validate+load (s) | ours: parse+validate (s) | pandas+openpyxl+DuckDB (s) "
        "| raw fastexcel parse (s) | speed-up vs pandas | ours / raw parse | parse+validate / raw parse "
        "| ours peak, parent+worker (MB) | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in args.sizes:
        path = OUT / f"synthetic_{n}.xlsx"
        if not path.exists():
            print(f"generating {path} …", file=sys.stderr)
            generate(n, path)
        reps = args.reps if n <= 100_000 else 1
        results: dict[str, list[dict]] = {"ours": [], "ours-validate": [], "pandas": [], "fastexcel": []}
        for _ in range(reps):  # interleaved, so drift on a noisy machine hits every method alike
            for method in results:
                if method == "pandas" and n > args.pandas_max:
                    continue
                results[method].append(run(method, path))
        med = {m: statistics.median(r["seconds"] for r in rs) if rs else None for m, rs in results.items()}
        peak = max(r["peak_mb"] for r in results["ours"])
        assert all(r["rows"] in (n, None) for rs in results.values() for r in rs), "a method read a different row count"
        speedup = f"{med['pandas'] / med['ours']:.1f}×" if med["pandas"] else "not run"
        pandas = f"{med['pandas']:.2f}" if med["pandas"] else "not run"
        raw = med["fastexcel"]
        cells = [
            f"{n:,}".replace(",", " "),
            f"{med['ours']:.2f}",
            f"{med['ours-validate']:.2f}",
            pandas,
            f"{raw:.2f}",
            speedup,
            f"{med['ours'] / raw:.2f}×",
            f"{med['ours-validate'] / raw:.2f}×",
            f"{peak:.0f}",
            str(reps),
        ]
        row = "| " + " | ".join(cells) + " |"
        lines.append(row)
        print(row, flush=True)
    text = "\n".join(lines) + "\n"
    publish_results(text, args.results)


def publish_results(text: str, results: Path | None) -> None:
    """Print a benchmark's dated section and, given a file (bench/RESULTS.md), append it there."""
    print(text)
    if results:
        with results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
