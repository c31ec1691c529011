"""Every published workbook kept by its sha256, so any version can be traced to the exact file."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from .database import default_db_path

_SHA = re.compile(r"^[0-9a-f]{64}$")


def default_root(db_path: str | Path | None = None) -> Path:
    """$PLANS_FILES, else a files/ folder beside the database."""
    env = os.environ.get("PLANS_FILES")
    return Path(env) if env else Path(db_path or default_db_path()).parent / "files"


class FileStore:
    """Content-addressed: a file's name is its sha256, so storing the same file twice changes nothing."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root else default_root()

    @classmethod
    def beside(cls, db_path: str | Path) -> FileStore:
        return cls(default_root(db_path))

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256 or ""):
            raise KeyError(sha256)  # never build a path from anything but a hex digest
        return self.root / sha256[:2] / f"{sha256}.xlsx"

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader (or a crash) never meets half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        data = self.path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"stored file {sha256} does not match its digest")
        return data

    def has(self, sha256: str) -> bool:
        try:
            return self.path(sha256).exists()
        except KeyError:
            return False
