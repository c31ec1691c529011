"""Keeps a file made by a download button's click until the browser has fetched it (a Streamlit race, worked around)."""

from __future__ import annotations

import functools
import os
from urllib.parse import urlsplit

from streamlit.runtime.media_file_manager import MediaFileManager

# Why: Streamlit (1.67) makes a deferred download's file on the click, answers the browser with its URL, and
# leaves the file referenced by no session. Every script run of any session ends by deleting unreferenced
# files (the first pass marks a download, the second deletes it). With other people using the server, two
# runs end between the answer and the browser's fetch often enough: measured, 3 of 25 exports cancelled
# with fifteen people on the server. Filing the made file under the session that clicked keeps it as long
# as the file of an ordinary download button: until that session's page runs again.
_MADE = "/made"  # suffix of the key the made file is filed under, beside its button's own key


def _keep_made_file(execute_deferred):
    @functools.wraps(execute_deferred)
    def wrapper(self: MediaFileManager, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
        url = execute_deferred(self, file_id)
        if entry is not None:
            made = os.path.splitext(urlsplit(url).path.rsplit("/", 1)[-1])[0]
            with self._lock:
                # Only a session that is still there: a file filed under an ended session would never be freed.
                files = self._files_by_session_and_coord.get(entry["session_id"])
                if files is not None and made in self._file_metadata:
                    files[entry["coordinates"] + _MADE] = made
        return url

    wrapper.keeps_made_file = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Once per process (idempotent): every deferred download keeps its made file for its session."""
    if not getattr(MediaFileManager.execute_deferred, "keeps_made_file", False):
        MediaFileManager.execute_deferred = _keep_made_file(MediaFileManager.execute_deferred)  # type: ignore[method-assign]
