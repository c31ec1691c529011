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
from typing import Any

MEMORY_LIMIT_MB = int(os.environ.get("PLANS_PARSE_MEMORY_MB", "3072"))
CPU_LIMIT_S = int(os.environ.get("PLANS_PARSE_CPU_S", "120"))
WALL_LIMIT_S = float(os.environ.get("PLANS_PARSE_WALL_S", str(CPU_LIMIT_S + 30)))
MB = 1024 * 1024
# The limits a child is to set on itself, "memory bytes,cpu seconds" (see _BOOTSTRAP).
LIMITS_ENV = "PLANS_CHILD_LIMITS"
EXIT_NO_LIMITS = 3  # the child could not set its limits and did no work


@dataclass(frozen=True)
class ChildLimits:
    """The memory (bytes) and CPU time (s) a worker runs under."""

    memory: int
    cpu_s: int

    @property
    def memory_mb(self) -> int:
        return self.memory // MB

    def env(self) -> dict[str, str]:
        return {LIMITS_ENV: f"{self.memory},{self.cpu_s}"}


def fitted_limits(memory_mb: int | None = None, cpu_s: int | None = None) -> ChildLimits:
    """The worker's limits, lowered to those this process already has (the lower of the two wins).

    A child inherits its parent's limits and may not raise them: asking for 3 GB under
    `ulimit -v 2500000` would fail, so the worker gets what the process has instead.
    """
    memory = (memory_mb if memory_mb is not None else MEMORY_LIMIT_MB) * MB
    cpu = cpu_s if cpu_s is not None else CPU_LIMIT_S
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX: nothing is inherited to fit into
        return ChildLimits(memory, cpu)
    for which, wanted in ((resource.RLIMIT_AS, "memory"), (resource.RLIMIT_CPU, "cpu")):
        soft, _hard = resource.getrlimit(which)
        if soft != resource.RLIM_INFINITY:
            if wanted == "memory":
                memory = min(memory, soft)
            else:
                cpu = min(cpu, soft)
    return ChildLimits(memory, cpu)


# A child starts with this, so its limits hold before anything is imported or read: the parser's
# own imports count too, and a child that cannot set them says why and does no work. (Not a
# preexec_fn: that is unsafe in a threaded parent such as the app, and its failure is mute.)
_BOOTSTRAP = f"""
import json, os, sys
try:
    import resource
    memory, cpu = (int(x) for x in os.environ["{LIMITS_ENV}"].split(","))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
except Exception as exc:
    print(json.dumps({{"no_limits": type(exc).__name__ + ": " + str(exc)}}), flush=True)
    sys.exit({EXIT_NO_LIMITS})
import runpy
target = sys.argv[1]
sys.argv = [target, *sys.argv[2:]]
if target.endswith(".py"):
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""


def child_command(module: str, *args: str) -> list[str]:
    """The command that runs `python -m module args` (or a script, given its .py path) under limits it sets
    on itself first (ChildLimits.env)."""
    return [sys.executable, "-c", _BOOTSTRAP, module, *args]


@dataclass
class ParsedSheet:
    batch: Any  # a pyarrow.Table of strings (pyarrow has no type stubs)
    columns: list[dict]  # name, index, absolute_index of each column fastexcel found


class SandboxFailed(Exception):
    """The worker died (memory or time limit, or a parser crash), could not read the file, or could not start."""

    def __init__(self, reason: str, detail: str = "", limits: ChildLimits | None = None):
        super().__init__(reason)
        # "limits": the file took more than the limits; "unreadable": the parser refused the file;
        # "start": the worker could not start or set its limits (the server's fault, not the file's).
        self.reason = reason
        self.detail = detail  # for the server's log only: it may hold paths and parser internals
        self.limits = limits or fitted_limits()


class Worker:
    """One fresh worker process per workbook; it is started early so its imports overlap the caller's."""

    def __init__(self) -> None:
        # stderr goes to a file: a chatty worker must never block on a full pipe.
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in kill(), after the worker ends
        self.timed_out = False
        self.ready = False  # the worker got its imports done and could start work
        self.no_limits = ""  # why the worker could not set its limits ("" if it could)
        self._timer: threading.Timer | None = None
        self.limits = fitted_limits()
        try:
            self.proc = subprocess.Popen(
                # This file as a script, not `-m loaders.sandbox`: the loaders package imports openpyxl and
                # numpy (130 ms of a 190 ms start), which the parser never uses. It imports only the stdlib.
                child_command(str(Path(__file__).resolve())),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.err,
                cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ, "PYTHONWARNINGS": "ignore", **self.limits.env()},
            )
        except (OSError, subprocess.SubprocessError) as exc:
            self.err.close()
            raise SandboxFailed("start", f"{type(exc).__name__}: {exc}", self.limits) from exc

    def start(self, path: Path, sheets: list[str], out_dir: Path) -> None:
        job = json.dumps({"path": str(path), "sheets": sheets, "out": str(out_dir)})
        assert self.proc.stdin is not None  # opened with stdin=PIPE
        try:
            self.proc.stdin.write(job.encode() + b"\n")
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the worker is gone already; sheets() says why
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

        assert self.proc.stdout is not None  # opened with stdout=PIPE
        for line in self.proc.stdout:
            msg = json.loads(line)
            if "no_limits" in msg:
                self.no_limits = msg["no_limits"]
                continue
            if msg.get("ready"):
                self.ready = True
                continue
            if msg.get("done"):
                return
            if msg.get("missing"):
                yield msg["name"], None
                continue
            # Memory-mapped: the rows are not copied again on their way into this process.
            table = pa.ipc.open_stream(pa.memory_map(str(out_dir / f"{msg['i']}.arrows"))).read_all()
            yield msg["name"], ParsedSheet(table, msg["columns"])
        self.proc.wait()
        self.err.seek(0)
        text = self.err.read().decode(errors="replace")
        if self.timed_out:
            raise SandboxFailed("limits", "time", self.limits)
        if self.no_limits:
            raise SandboxFailed("start", self.no_limits, self.limits)
        # A worker that died before it was ready could not even start within its limits (its
        # imports fail in many ways when memory is short): never blame the file for that.
        if not self.ready:
            raise SandboxFailed("start", text[-300:] or f"exit {self.proc.returncode}", self.limits)
        if self.proc.returncode < 0 or "MemoryError" in text or "memory allocation" in text:
            raise SandboxFailed("limits", text[-300:], self.limits)
        last = text.strip().splitlines()[-1][:200] if text.strip() else f"exit {self.proc.returncode}"
        raise SandboxFailed("unreadable", last, self.limits)

    def kill(self) -> None:
        if self._timer:
            self._timer.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.err):
            if stream and not stream.closed:
                stream.close()


class _Spare:
    """A worker started ahead of need, so the next parse does not wait for Python to start."""

    lock = threading.Lock()
    worker: Worker | None = None


def prestart() -> None:
    with _Spare.lock:
        if _Spare.worker is None:
            try:
                _Spare.worker = Worker()
            except SandboxFailed:
                return  # only a head start was lost; take_worker() reports the failure when it matters
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
    """Worker: read one job; write each sheet as an Arrow IPC stream file and announce it on stdout."""
    import logging

    logging.disable(logging.WARNING)  # fastexcel logs every column it reads as text
    import fastexcel

    # nanoarrow, not pyarrow, writes the sheets: importing pyarrow cost each worker 140 ms of CPU (of a
    # 180 ms start), nanoarrow 5 ms. fastexcel hands its columns over through the Arrow C interface.
    import nanoarrow
    import nanoarrow.ipc

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
        sheet: Any
        try:
            sheet = reader.load_sheet(name, header_row=0, dtypes="string")
            columns = [
                {"name": c.name, "index": c.index, "absolute_index": c.absolute_index}
                for c in sheet.available_columns()
            ]
        except fastexcel.FastExcelError:
            # An entirely empty sheet has no header for fastexcel to find: no columns, no rows.
            sheet, columns = nanoarrow.ArrayStream([], nanoarrow.struct([])), []
        with nanoarrow.ipc.StreamWriter.from_path(str(out / f"{i}.arrows")) as writer:
            writer.write_stream(sheet)
        # Free the parsed sheet before announcing it: the caller starts converting at once, and
        # the two must not hold a large sheet at the same time.
        del sheet
        say(i=i, name=name, columns=columns)
    say(done=True)


if __name__ == "__main__":
    _child_main()
