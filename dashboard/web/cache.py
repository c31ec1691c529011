"""The database connection and cached results: queries and figures shared by all users, keyed on the data version."""

from __future__ import annotations

import atexit
import gc
import hashlib
import logging
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from types import FunctionType

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.auth import config
from dashboard.domain.filters import Filters
from dashboard.i18n import t
from dashboard.reports import display
from dashboard.web import errors
from dashboard.web.context import Context
from loaders import backup, replica
from loaders.database import ROOT, Database, default_db_path
from loaders.filestore import FileStore

log = logging.getLogger(__name__)
_build_lock = threading.Lock()  # one build at a time, whichever session starts it (no user data)


def ensure_database(lang: str) -> None:
    """On a fresh checkout there is no database: build it from data/, showing progress."""
    path = default_db_path()
    if path.exists() or replica.role() == replica.READER:  # a reader opens the writer's copy, never builds
        return
    from loaders.service import build

    with _build_lock:
        if path.exists():
            return
        # Workbooks in data/ with problems: the status box turns red, and the message lists them below it.
        with errors.user_errors(lang, "build"), st.status(t("building_db", lang), expanded=True) as status:
            build(ROOT / "data", path, progress=lambda m: status.write(step_text(m, lang)))
            status.update(label=t("built_db", lang), state="complete", expanded=False)


def step_text(step, lang: str) -> str:
    """A loader's progress line in the UI's language (shown as text: it holds file and sheet names)."""
    return display.md(step.text(lang) if hasattr(step, "text") else step)


@st.cache_resource(show_spinner=False)
def connection(path: str) -> Database:
    # One connection for all sessions, and the only one this process opens: DuckDB lets one
    # process write a file, so readers and the editors' publishes share it. Every query opens its
    # own cursor; publishes are serialised in loaders.publish.
    db = Database(path)
    stop = threading.Event()
    threads = []
    # The scheduled backups run here, beside the only connection (loaders.backup.run_scheduled); turned off
    # (interval 0) when the server starts, none is scheduled until it is restarted.
    if backup.settings(config.backup_section(), path).interval_hours > 0:
        threads.append(
            threading.Thread(
                target=backup.run_scheduled,
                args=(db, FileStore.beside(path), lambda: backup.settings(config.backup_section(), path), stop),
                name="plans-backup",
                daemon=True,
            )
        )
    if replica.role() == replica.WRITER:
        # Reader processes open a copy of the database (DuckDB lets no other process open a file one writes):
        # made now and after every commit, beside the only connection.
        threads.append(
            threading.Thread(target=replica.keep_published, args=(db, stop), name="plans-replica", daemon=True)
        )
    for thread in threads:
        thread.start()
    if threads:  # (they hold the connection to the end in any case; without them it goes with the cache)
        atexit.register(close_at_exit, db, stop, threads)
    return db


STOP_WAIT_S = 20.0  # how long the server's exit waits for a backup or copy under way (systemd allows 90 s)


def close_at_exit(db: Database, stop: threading.Event, threads: list[threading.Thread]) -> bool:
    """When the server stops: end the backup and copy threads, waiting for one that is writing, then close the
    connection, so DuckDB writes its last changes into the file itself. Left to the interpreter, the threads kept
    the connection alive to the end, and DuckDB's bindings then reported dozens of "leaked" objects in the log at
    every stop. A thread still busy after STOP_WAIT_S keeps the connection open (closing it under a backup is not
    safe); what it was writing is abandoned as a kill would abandon it, which leaves earlier backups intact."""
    stop.set()
    deadline = time.monotonic() + STOP_WAIT_S  # one wait for all of them, not one each
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        log.warning("a backup or copy was still under way at exit: the database was left to the interpreter")
        return False
    db.close()
    return True


@st.cache_resource(show_spinner=False)
def settle_heap(page: str) -> bool:
    """Once per page and process, after the page's first run: what is alive then (Streamlit, pandas, plotly, DuckDB,
    the modules the page imported) lives as long as the process, so it is taken out of the collector's sight.

    Python's full collections otherwise scan all of it again and again as the shared caches grow, each one
    stopping every session's run (bench/RESULTS.md has the figures). At most one freeze per page: the sessions
    alive at that moment are frozen too and not collected if they end in a cycle, a bounded cost. Not collected
    first: that would cost the page's first visitor a quarter of a second, for the little garbage left over from
    imports.
    """
    gc.freeze()
    return True


# Frozen objects given back at exit, so that the interpreter's last collection frees DuckDB's objects (its bindings
# report any still alive then as leaks).
atexit.register(gc.unfreeze)


# A reader process opens each new copy once, for all sessions; the previous copies stay open for the runs that
# began on them, and are closed when they drop out of this cache and out of use.
@st.cache_resource(show_spinner=False, max_entries=3)
def reader_connection(path: str) -> Database:
    return Database(path, read_only=True)


def _open(path: str) -> Database:
    return reader_connection(path) if replica.role() == replica.READER else connection(path)


# The cached reads most recently asked for, and how long a reader may spend computing them for a new copy.
WARM_KEYS = 150
WARM_SECONDS = 5.0
# How often a reader looks for a new copy when no page run does.
WATCH_SECONDS = 1.0


class Copies:
    """A reader process's choice of copy: the one page runs open, while the newer one is warmed.

    When the writer makes a new copy, a thread computes the cached reads asked for most recently (the links and
    pages people are on) for it, and only then do page runs move to it: the first views after a publish are
    answered from the cache, not each computed by its own session at once. The move waits at most WARM_SECONDS
    after the copy was made."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self.serving: str | None = None
        self._warming: str | None = None
        self._asked: OrderedDict[tuple[str, str], tuple[Callable, tuple]] = OrderedDict()
        # A reader nobody is using also warms each new copy as it comes, so that its next visitor need not.
        watcher = threading.Thread(target=Copies._watch, args=(weakref.ref(self),), name="plans-copies", daemon=True)
        _watchers.append(watcher)
        watcher.start()

    @staticmethod
    def _watch(ref: weakref.ref[Copies]) -> None:
        # Holds this object only while it looks: the thread ends once nothing else does (a cleared cache), or
        # when the process exits.
        while not _exiting.wait(WATCH_SECONDS):
            self = ref()
            if self is None:
                return
            found = replica.current(self.db_path)
            if found is not None and self.serving is not None:
                with self._lock:
                    self._choose(found)
            del self

    def asked(self, fn: Callable, args: tuple) -> None:
        key = (_function_key(fn), repr(args))  # type: ignore[arg-type]
        with self._lock:
            self._asked[key] = (fn, args)
            self._asked.move_to_end(key)
            while len(self._asked) > WARM_KEYS:
                self._asked.popitem(last=False)

    def path(self) -> str:
        """The copy this page run opens (read once, at the start of the run)."""
        found = replica.current(self.db_path)
        with self._lock:
            if found is None:
                if self.serving is not None and Path(self.serving).exists():
                    return self.serving
                raise replica.NoReplica(str(self.db_path))
            self._choose(found)
            assert self.serving is not None  # _choose always sets it
            return self.serving

    def _choose(self, found: Path) -> None:
        # Called with the lock held.
        newest = str(found)
        if (
            self.serving is None
            or self.serving == newest
            or not Path(self.serving).exists()
            or replica.older_than(found, WARM_SECONDS)
        ):
            # Nothing to serve meanwhile, or the new copy is older than a warming may take: a view never shows a
            # version more than WARM_SECONDS after the next was made.
            self.serving = newest
        elif self._warming != newest:
            self._warming = newest
            threading.Thread(target=self._warm, args=(newest,), name=_WARM_THREAD, daemon=True).start()

    def _warm(self, path: str) -> None:
        deadline = time.monotonic() + WARM_SECONDS
        try:
            version = queries.data_version(reader_connection(path))
            with self._lock:
                wanted = list(reversed(self._asked.values()))  # the most recent first
            for fn, args in wanted:
                if time.monotonic() > deadline or self._warming != path:  # out of time, or a newer copy came
                    break
                try:
                    cached(fn, path, version, *args)
                except Exception:  # a page run computes it, and says what went wrong, as without warming
                    log.warning("warming %s for %s failed", _function_key(fn), path, exc_info=True)  # type: ignore[arg-type]
        except Exception:
            log.warning("could not warm the copy %s", path, exc_info=True)
        finally:
            with self._lock:
                if self._warming == path:
                    self.serving, self._warming = path, None


_WARM_THREAD = "plans-warm"
_exiting = threading.Event()
_watchers: list[threading.Thread] = []


@atexit.register
def _stop_watching() -> None:
    # A thread still running when the interpreter finalises keeps DuckDB's objects alive past its module's end
    # (nanobind then reports them as leaked): the watchers end first.
    _exiting.set()
    for watcher in _watchers:
        watcher.join(timeout=5)


class _NotFromWarming(logging.Filter):
    # Streamlit warns once per cached call made outside a page run ("missing ScriptRunContext"); from the
    # warming thread that is expected, and would fill the log at every publish.
    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != _WARM_THREAD


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NotFromWarming())


@st.cache_resource(show_spinner=False)
def copies(db_path: str) -> Copies:
    """The reader's choice of copy of the database at db_path (one per process: the path is PLANS_DB)."""
    return Copies(Path(db_path))


def database(lang: str) -> Database:
    """The app's database; when another program holds it, a message says so and the run stops.

    A reader process gets the copy of the database `Copies` chooses, at the start of each page run: the run
    reads that copy throughout, so it never shows a mix of two versions."""
    with errors.user_errors(lang):
        if replica.role() == replica.READER:
            return reader_connection(copies(str(default_db_path())).path())
        return connection(str(default_db_path()))


def read(fn: Callable, db_path: str, version: int, *args):
    """A cached read (`cached`), remembered on a reader so that the next copy is warmed with it."""
    if replica.role() == replica.READER:
        copies(str(default_db_path())).asked(fn, args)
    return cached(fn, db_path, version, *args)


class Stale(Exception):
    """The data changed after this run read its version; its results would mix two versions."""


def _function_key(fn: FunctionType) -> str:
    # Streamlit cannot hash a function; a query or a chart builder is known by its qualified name.
    return f"{fn.__module__}.{fn.__qualname__}"


# A Filters value is a frozen dataclass of texts, numbers and dates: its repr names every field and value, and
# hashes in 0.005 ms against Streamlit's 0.11 ms (about ten cached queries a page run).
@st.cache_data(show_spinner=False, max_entries=500, hash_funcs={FunctionType: _function_key, Filters: repr})
def cached(fn: Callable, db_path: str, version: int, *args):
    # fn is always a function of dashboard.queries named in a page, never user input. The query runs in
    # one snapshot that must still be `version`: a result is never cached under a version it does not
    # belong to.
    with _open(db_path).snapshot() as snap:
        if queries.data_version(snap) != version:
            raise Stale
        return fn(snap, *args)


def fresh(ctx: Context, fn: Callable, *args):
    """Uncached: meeting records change without a new data version, and their tables are small."""
    with ctx.db.snapshot() as snap:
        return fn(snap, *args)


def query(ctx: Context, fn: Callable, *args):
    try:
        return read(fn, str(ctx.db.path), ctx.version, *args)
    except Stale:
        # A publish landed during this run: start over, so the page shows the new version whole
        # rather than half of each.
        st.rerun()


def _frame_key(df: pd.DataFrame) -> bytes:
    # Streamlit's own DataFrame hash (pandas' hash_pandas_object per column) took 0.7-0.9 ms for a chart's
    # few dozen rows, 2-5 ms of every run of a page with charts; its pickle takes 0.05 ms. Equal bytes mean
    # equal frames (values, dtypes, index, columns), so a figure is never reused for other data; a frame
    # that pickles differently for the same content only builds its figure once more.
    return hashlib.blake2b(pickle.dumps(df, protocol=5), digest_size=16).digest()


@st.cache_resource(
    show_spinner=False, max_entries=300, hash_funcs={FunctionType: _function_key, pd.DataFrame: _frame_key}
)
def _built_figure(builder: Callable, *args):
    # Building a plotly figure validates every trace (tens of ms a chart). The built figure is
    # shared as it is, not copied: no figure is ever changed after it is built.
    fig = builder(*args)
    # st.plotly_chart asks the figure for its dict on every run, and plotly deep-copies it and encodes each array
    # again (2-3 ms a chart, a quarter of the mentor page's run). Made once here and handed out as it is: neither
    # Streamlit nor plotly.io changes it.
    spec = fig.to_dict()
    fig.to_dict = lambda: spec
    return fig


def figure(builder: Callable, *args):
    """A chart from a builder of dashboard.reports.charts, built once per distinct input."""
    return _built_figure(builder, *args)
