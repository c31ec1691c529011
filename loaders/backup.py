"""Backups of the database and the file store: consistent, verified by a manifest, restored only when whole."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .database import Database, default_db_path
from .filestore import FileStore

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
DB_FILE = "plans.duckdb"
FILES_DIR = "files"
# A finished backup's folder; one still being written (or killed half way) has the .partial suffix and is
# never listed, kept or restored.
_NAME = re.compile(r"^backup-\d{8}-\d{6}(-\d+)?$")
_PARTIAL = ".partial"
_CHUNK = 1 << 20


def default_dir(db_path: str | Path | None = None) -> Path:
    """$PLANS_BACKUPS, else a backups/ folder beside the database."""
    env = os.environ.get("PLANS_BACKUPS")
    return Path(env) if env else Path(db_path or default_db_path()).parent / "backups"


@dataclass(frozen=True)
class Settings:
    """Where backups go, how many are kept, and how often the dashboard takes one (0: only when asked)."""

    folder: Path
    keep: int = 7
    interval_hours: float = 24.0


def settings(section: Mapping[str, Any], db_path: str | Path) -> Settings:
    """From secrets.toml's [backup] (dir, keep, interval_hours); PLANS_BACKUPS, PLANS_BACKUP_KEEP and
    PLANS_BACKUP_INTERVAL_HOURS win. A value that is no number is left out (and logged)."""
    folder = os.environ.get("PLANS_BACKUPS") or section.get("dir")

    def number(field: str, env: str, default: float) -> float:
        # The environment, else secrets.toml, else the default: the first of them that is a number.
        for raw in (os.environ.get(env), section.get(field)):
            if raw is None:
                continue
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = -1.0
            if value >= 0:
                return value
            log.warning("backup setting %s is not a number of 0 or more; it is left out", field)
        return default

    return Settings(
        Path(str(folder)) if folder else default_dir(db_path),
        keep=int(number("keep", "PLANS_BACKUP_KEEP", 7)),
        interval_hours=number("interval_hours", "PLANS_BACKUP_INTERVAL_HOURS", 24.0),
    )


class BackupInvalid(Exception):
    """A backup that cannot be restored: missing, partial, or a part that does not match its manifest."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Backup:
    path: Path
    created_at: datetime
    data_version: int
    parts: int  # files in it, the database included
    size: int  # bytes


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(
    db: Database,
    store: FileStore,
    target: Path,
    *,
    keep: int = 7,
    now: datetime | None = None,
    after_copy: Callable[[], None] = lambda: None,
) -> Backup:
    """Write a backup of the database and every stored workbook into a new folder under `target`, then keep
    the newest `keep` backups.

    Runs in the process that holds the database (the dashboard, or the CLI when it is stopped). The copy is
    taken under the write lock, so no publish is half in it: it holds exactly the versions published before
    it. It is written under a .partial name and renamed when complete and synced, so a backup killed half way
    is never taken for one. after_copy: called once the database is copied (the crash test kills the process
    there)."""
    now = now or datetime.now()
    target.mkdir(parents=True, exist_ok=True)
    name = f"backup-{now:%Y%m%d-%H%M%S}"
    n = 1
    while (target / name).exists():  # two backups in one second: both kept
        n += 1
        name = f"backup-{now:%Y%m%d-%H%M%S}-{n}"
    work = target / (name + _PARTIAL)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    copied = work / DB_FILE
    version = db.copy_to(copied)
    after_copy()
    parts = {DB_FILE: _sha256(copied)}
    # Stored workbooks never change (each is named by its digest): copied after the lock, each checked.
    if store.root.is_dir():
        for src in sorted(store.root.glob("??/*.xlsx")):
            sha = src.stem
            if _sha256(src) != sha:
                raise OSError(f"stored file {src.name} does not match its digest")
            rel = f"{FILES_DIR}/{src.parent.name}/{src.name}"
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, work / rel)
            parts[rel] = sha
    manifest = {"created_at": now.isoformat(timespec="seconds"), "data_version": version, "parts": parts}
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for path in work.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    final = target / name
    os.replace(work, final)
    _fsync_dir(target)
    _prune(target, keep)
    return _describe(final, manifest)


def due(settings: Settings, newest: Backup | None, now: datetime) -> bool:
    """Whether the scheduled job takes a backup now: one every interval_hours (0: never), counted from the
    newest backup there is, so a restarted server neither skips one nor takes one twice."""
    if settings.interval_hours <= 0:
        return False
    return newest is None or (now - newest.created_at).total_seconds() >= settings.interval_hours * 3600


def run_scheduled(
    db: Database,
    store: FileStore,
    get_settings: Callable[[], Settings],
    stop: threading.Event,
    poll_s: float = 300.0,
) -> None:
    """The dashboard's backup job (a daemon thread: the dashboard holds the database's only connection, so it
    takes the backups itself). Checks every poll_s seconds whether one is due; a failure is logged and retried
    at the next check, never raised into the app."""
    while not stop.is_set():
        try:
            current = get_settings()
            listed = list_backups(current.folder)
            if due(current, listed[0] if listed else None, datetime.now()):
                made = backup(db, store, current.folder, keep=current.keep)
                log.info("scheduled backup written: %s", made.path)
        except Exception:  # a failed backup must not take the dashboard down
            log.exception("scheduled backup failed")
        stop.wait(poll_s)


def _describe(path: Path, manifest: dict) -> Backup:
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return Backup(
        path,
        datetime.fromisoformat(manifest["created_at"]),
        int(manifest["data_version"]),
        len(manifest["parts"]),
        size,
    )


def _prune(target: Path, keep: int) -> None:
    for old in [b.path for b in list_backups(target)][max(keep, 1) :]:
        shutil.rmtree(old, ignore_errors=True)
    for partial in target.glob("backup-*" + _PARTIAL):
        shutil.rmtree(partial, ignore_errors=True)  # left by a backup that was killed


def list_backups(target: Path) -> list[Backup]:
    """The finished backups under `target`, newest first (a folder without a readable manifest is left out)."""
    out: list[Backup] = []
    if not target.is_dir():
        return out
    for path in target.iterdir():
        if not (path.is_dir() and _NAME.match(path.name)):
            continue
        try:
            out.append(_describe(path, json.loads((path / MANIFEST).read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(out, key=lambda b: (b.created_at, b.path.name), reverse=True)


def verify(path: Path) -> dict:
    """The backup's manifest, once every part it names is there and matches its digest; else BackupInvalid."""
    if path.name.endswith(_PARTIAL) or not path.is_dir():
        raise BackupInvalid("backup_not_found", path=path.name)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        parts = dict(manifest["parts"])
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupInvalid("backup_no_manifest", path=path.name) from None
    if DB_FILE not in parts:
        raise BackupInvalid("backup_no_manifest", path=path.name)
    for rel, sha in parts.items():
        part = path / rel
        if ".." in Path(rel).parts or not part.is_file():
            raise BackupInvalid("backup_part_missing", part=rel)
        if _sha256(part) != sha:
            raise BackupInvalid("backup_part_damaged", part=rel)
    return manifest


def restore(path: Path, db_path: Path, store: FileStore, now: datetime | None = None) -> Path | None:
    """Put a verified backup in place of the database (with the application stopped) and its workbooks into
    the file store. The database it replaces is kept beside it, renamed; that name is returned (None when
    there was none). Nothing is changed when the backup does not verify."""
    manifest = verify(path)
    now = now or datetime.now()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    incoming = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(path / DB_FILE, incoming)
    with Database(incoming):  # opens (and brings its schema up to date) before it replaces anything
        pass
    kept = None
    if db_path.exists():
        kept = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        os.replace(db_path, kept)
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():  # the replaced database's log belongs with it
        os.replace(wal, kept.with_name(kept.name + ".wal") if kept else wal.with_name(wal.name + ".old"))
    os.replace(incoming, db_path)
    for rel in manifest["parts"]:
        if rel.startswith(FILES_DIR + "/"):
            store.put((path / rel).read_bytes())
    return kept
