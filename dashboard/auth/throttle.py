"""Throttling of failed sign-ins: too many failures for one name within a window lock that name for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Throttle:
    """Counts failed sign-ins per name; max_failures within window_s locks that name for lockout_s."""

    # Beyond this many tracked names, stale ones are dropped, so guessing random names cannot grow memory forever.
    MAX_TRACKED = 10_000

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 300,
        lockout_s: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    @staticmethod
    def _key(name: str) -> str:
        # The same normalisation as account lookup, so "Anna" and "anna " share one counter.
        return (name or "").strip().casefold()

    def allowed(self, name: str) -> bool:
        """Whether a sign-in attempt for name may be checked now."""
        key = self._key(name)
        now = self.clock()
        with self._lock:
            until = self._locked_until.get(key)
            if until is None:
                return True
            if now < until:
                return False
            # The lockout is over: start counting afresh.
            del self._locked_until[key]
            self._failures.pop(key, None)
            return True

    def failed(self, name: str) -> None:
        """Record a failed attempt for name; the max_failures-th within the window starts a lockout."""
        key = self._key(name)
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window_s]
            recent.append(now)
            if len(recent) >= self.max_failures:
                self._locked_until[key] = now + self.lockout_s
                self._failures.pop(key, None)
            else:
                self._failures[key] = recent
            if len(self._failures) + len(self._locked_until) > self.MAX_TRACKED:
                self._prune(now)

    def succeeded(self, name: str) -> None:
        """Forget the failures of name after a successful sign-in."""
        key = self._key(name)
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def _prune(self, now: float) -> None:
        self._locked_until = {k: until for k, until in self._locked_until.items() if until > now}
        self._failures = {k: ts for k, ts in self._failures.items() if now - ts[-1] < self.window_s}
        if len(self._failures) > self.MAX_TRACKED:
            # Still too many live names (a flood): keep the most recently failed half.
            newest = sorted(self._failures.items(), key=lambda item: item[1][-1])[-self.MAX_TRACKED // 2 :]
            self._failures = dict(newest)
