"""Parse workbooks in a separate process with memory and CPU limits, so a hostile file cannot take the caller down."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT_MB = int(os.environ.get("PLANS_PARSE_MEMORY_MB", "3072"))
CPU_LIMIT_S = int(os.environ.get("PLANS_PARSE_CPU_S", "120"))
WALL_LIMIT_S = float(os.environ.get("PLANS_PARSE_WALL_S", str(CPU_LIMIT_S + 30)))


@dataclass
class ParsedSheet:
    batch: object  # pyarrow.Table of strings
    columns: list[dict]  # name, index, absolute_index of each column fastexcel found


class SandboxFailed(Exception):
    """The worker died (memory or time limit, or a parser crash) or could not read the file."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason  # "limits" or "unreadable"
        self.detail = detail


class Worker:
    """One fresh worker process per workbook; it is started early so its imports overlap the caller's."""

    def __init__(self) -> None:
        # stderr goes to a file: a chatty worker must never block on a full pipe.
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in kill(), after the worker ends
        self.timed_out = False
        self.ready = False  # the worker got its imports done and could start work
        self._timer: threading.Timer | None = None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loaders.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.err,
            cwd=Path(__file__).resolve().parent.parent,
            preexec_fn=_limit,  # runs in the child before exec: no threads involved
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )

    def start(self, path: Path, sheets: list[str], out_dir: Path) -> None:
        job = json.dumps({"path": str(path), "sheets": sheets, "out": str(out_dir)})
        self.proc.stdin.write(job.encode() + b"\n")
        self.proc.stdin.close()
        self._timer = threading.Timer(WALL_LIMIT_S, self._time_up)
        self._timer.daemon = True
        self._timer.start()

    def _time_up(self) -> None:
        self.timed_out = True
        if self.proc.poll() is None:
            self.proc.kill()

    def sheets(self, out_dir: Path) -> Iterator[tuple[str, ParsedSheet | None]]:
        """Each sheet as soon as the worker has written it (None for a sheet the file lacks)."""
        import pyarrow as pa

        for line in self.proc.stdout:
            msg = json.loads(line)
            if msg.get("ready"):
                self.ready = True
                continue
            if msg.get("done"):
                return
            if msg.get("missing"):
                yield msg["name"], None
                continue
            # Memory-mapped: the rows are not copied again on their way into this process.
            table = pa.ipc.open_file(pa.memory_map(str(out_dir / f"{msg['i']}.arrow"))).read_all()
            yield msg["name"], ParsedSheet(table, msg["columns"])
        self.proc.wait()
        self.err.seek(0)
        text = self.err.read().decode(errors="replace")
        # A worker that died before it was ready could not even start within its limits (its
        # imports fail in many ways when memory is short): never blame the file for that.
        limits = not self.ready or self.timed_out or self.proc.returncode < 0
        if limits or "MemoryError" in text or "memory allocation" in text:
            raise SandboxFailed("limits", "time" if self.timed_out else text[-300:])
        last = text.strip().splitlines()[-1][:200] if text.strip() else f"exit {self.proc.returncode}"
        raise SandboxFailed("unreadable", last)

    def kill(self) -> None:
        if self._timer:
            self._timer.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.err):
            if stream and not stream.closed:
                stream.close()


def _limit() -> None:
    import resource

    mem = MEMORY_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))


class _Spare:
    """A worker started ahead of need, so the next parse does not wait for Python to start."""

    lock = threading.Lock()
    worker: Worker | None = None


def prestart() -> None:
    with _Spare.lock:
        if _Spare.worker is None:
            _Spare.worker = Worker()
            atexit.register(_reap_spare)


def _reap_spare() -> None:
    with _Spare.lock:
        worker, _Spare.worker = _Spare.worker, None
    if worker is not None:
        worker.kill()


def take_worker() -> Worker:
    with _Spare.lock:
        worker, _Spare.worker = _Spare.worker, None
    return worker if worker is not None and worker.proc.poll() is None else Worker()


def new_out_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="plans-parse-"))


def remove_out_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _child_main() -> None:
    """Worker: read one job; write each sheet as an Arrow IPC file and announce it on stdout."""
    import logging

    logging.disable(logging.WARNING)  # fastexcel logs every column it reads as text
    import fastexcel
    import pyarrow as pa

    def say(**msg) -> None:
        sys.stdout.write(json.dumps(msg) + "\n")
        sys.stdout.flush()

    say(ready=True)
    job = json.loads(sys.stdin.readline())
    out = Path(job["out"])
    reader = fastexcel.read_excel(job["path"])
    present = set(reader.sheet_names)
    for i, name in enumerate(job["sheets"]):
        if name not in present:
            say(i=i, name=name, missing=True)
            continue
        try:
            sheet = reader.load_sheet(name, header_row=0, dtypes="string")
            batch = sheet.to_arrow()
            columns = [
                {"name": c.name, "index": c.index, "absolute_index": c.absolute_index}
                for c in sheet.available_columns()
            ]
        except fastexcel.FastExcelError:
            # An entirely empty sheet has no header for fastexcel to find.
            sheet, batch, columns = None, pa.record_batch([], schema=pa.schema([])), []
        with pa.OSFile(str(out / f"{i}.arrow"), "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
            writer.write(batch)
        # Free the parsed sheet before announcing it: the caller starts converting at once, and
        # the two must not hold a large sheet at the same time.
        del sheet, batch
        say(i=i, name=name, columns=columns)
    say(done=True)


if __name__ == "__main__":
    _child_main()
