"""State shared by worker processes and servers: conversation context, WeChat's once-only replies, login
counters, the corpus version stamp. In SQLite (one host) or Redis (several servers).

The state is a cache: when its backend fails (a damaged or read-only file, a lock held too long, Redis
down), the store answers as if it were empty, logs once, moves a damaged file aside, and retries now and
then, so that questions are always answered and everything comes back on its own.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from .redis import RedisBackend
from .sqlite import SQLiteBackend

__all__ = ["StateStore", "StateUnavailable", "open_backend"]
log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0  # while the backend is down, one call a second tries it; the others do without
PRUNE_EVERY = 200  # writes between two prunes of a space
UNBOUNDED = 2**62  # the bound of a space pruned of its expired keys only (login counters, admin sessions)


class StateUnavailable(RuntimeError):
    """The store cannot answer now, raised only to a caller that must not go on without it (fail_closed)."""


_DOWN = object()  # what a guarded call gives back, for a fail_closed caller, while the backend is down


def open_backend(location: str):
    """The backend a location names: redis://… or rediss://…, sqlite:///path, a path, or ':memory:'."""
    if not isinstance(location, str) or not location:
        raise ValueError(f"state location must be a path or a URL, got {location!r}")
    if location.startswith(("redis://", "rediss://", "unix://")):
        return RedisBackend(location)
    if location.startswith("sqlite:///"):
        return SQLiteBackend(location[len("sqlite:///"):] or ":memory:")
    if "://" in location:
        raise ValueError(f"state location must be sqlite:///… or redis://…, got {location!r}")
    return SQLiteBackend(location)


class StateStore:
    """Key → JSON value with a time-to-live, each key in a space named by its prefix ("session:…").

    Each space has its own bound, so conversation traffic never evicts WeChat's message records.
    """

    def __init__(self, location: str = ":memory:", ttl_seconds: float = 1800, max_entries: int = 20000,
                 max_messages: int = 100000):
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, got {max_messages}")
        self.backend = open_backend(str(location))
        self.ttl = float(ttl_seconds)
        # the spaces that grow with traffic, each bounded on its own (the others hold a few keys)
        self.bounds = {"session": int(max_entries), "wxmsg": int(max_messages), "wxnonce": int(max_messages)}
        self.path = str(location)
        self._writes: dict[str, int] = {}
        self._lock = threading.Lock()
        self._failed_at = 0.0  # when the backend last failed (0: it is up)
        self.problem = ""  # what went wrong, for /healthz
        self._guard(self.backend.ping, None)

    # -- the guard ---------------------------------------------------------------------------
    @property
    def healthy(self) -> bool:
        """Whether the backend answered its last call."""
        return not self._failed_at

    def health(self) -> dict:
        """{status: ok | degraded, backend, problem} for /healthz; a degraded store is tried again now."""
        if self._failed_at:
            self._guard(self.backend.ping, None, retry_now=True)
        return {"status": "ok" if self.healthy else "degraded", "backend": self.backend.name,
                "problem": self.problem}

    def _guard(self, call, default, *args, retry_now: bool = False, reads: bool = False):
        """`call(*args)`, or `default` when the backend fails or is resting after a failure. A read that
        succeeds (`reads`) does not end an outage: a read-only file still answers reads."""
        if self._failed_at and not retry_now and time.monotonic() - self._failed_at < RETRY_SECONDS:
            return default
        try:
            result = call(*args)
        except Exception as exc:  # sqlite3, OS and Redis errors alike: the state is a cache
            self._fail(exc)
            if self.backend.damaged(exc):
                try:
                    return call(*args)  # on the new file
                except Exception as again:
                    self._fail(again)
            return default
        if self._failed_at and not reads:
            log.warning("state store (%s) is working again", self.backend.name)
            self._failed_at, self.problem = 0.0, ""
        return result

    def _fail(self, exc: Exception) -> None:
        """Note a failure, log it once per outage, and move a damaged file aside."""
        with self._lock:
            first = not self._failed_at
            self._failed_at, self.problem = time.monotonic(), f"{type(exc).__name__}: {exc}"[:300]
            if self.backend.damaged(exc):
                aside = self.backend.reset()
                log.error("state store file was damaged (%s); moved it to %s and started a new one", exc, aside)
            elif first:
                log.error("state store (%s) failed; answering without it until it works again: %s",
                          self.backend.name, self.problem)

    # -- the operations ----------------------------------------------------------------------
    @staticmethod
    def space(key: str) -> str:
        """The space of a key: its prefix before the first colon."""
        return key.split(":", 1)[0] if ":" in key else ""

    def get(self, key: str, *, fail_closed: bool = False) -> dict | None:
        """The live value stored under key, or None (also when the store is down, unless `fail_closed`:
        then StateUnavailable)."""
        # a caller that refuses without the store asks the store itself, even while others rest after a failure
        raw = self._guard(self.backend.get, _DOWN if fail_closed else None, key, time.time(),
                          retry_now=fail_closed, reads=True)
        if raw is _DOWN:
            raise StateUnavailable(self.problem or "the state store is down")
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:  # a damaged row loses that one key, nothing else
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict, ttl: float | None = None) -> None:
        """Store value under key, replacing what was there."""
        self.put_json(key, json.dumps(value, ensure_ascii=False), ttl)

    def put_json(self, key: str, text: str, ttl: float | None = None) -> None:
        """Store a value already written as JSON text (a JSON object) under key, replacing what was there."""
        now = time.time()
        space = self.space(key)
        self._guard(self.backend.put, None, key, text, now + (ttl or self.ttl), space, now)
        self._after_write(space, now)

    def claim(self, key: str, value: dict, ttl: float | None = None, *, fail_closed: bool = False) -> bool:
        """Store value under key only if no live value is there; True when this call stored it.

        With the store down every claim succeeds (answering twice beats not answering), unless `fail_closed`:
        then StateUnavailable, for a caller to whom a claim that cannot be checked is a replay let through.
        """
        now = time.time()
        space = self.space(key)
        claimed = self._guard(self.backend.claim, _DOWN if fail_closed else True, key,
                              json.dumps(value, ensure_ascii=False), now + (ttl or self.ttl), space, now,
                              retry_now=fail_closed)
        if claimed is _DOWN:
            raise StateUnavailable(self.problem or "the state store is down")
        self._after_write(space, now)
        return claimed

    def incr(self, key: str, ttl: float) -> int:
        """Count one more under key within a window of ttl seconds from its first count (0 when down)."""
        now = time.time()
        space = self.space(key)
        count = self._guard(self.backend.incr, 0, key, now + ttl, space, now)
        self._after_write(space, now)  # counters from ever new addresses would otherwise stay for good
        return count

    def delete(self, key: str) -> None:
        """Forget key."""
        self._guard(self.backend.delete, None, key)

    def count(self, space: str | None = None) -> int:
        """How many keys the store holds (in one space), 0 when it is down."""
        return self._guard(self.backend.count, 0, space, reads=True)

    def __len__(self) -> int:
        return self.count()

    def _after_write(self, space: str, now: float) -> None:
        """Every so often, prune the space just written to: its expired keys, and a bounded space's oldest."""
        self._writes[space] = self._writes.get(space, 0) + 1
        if self._writes[space] % PRUNE_EVERY == 0:
            self._guard(self.backend.prune, None, space, self.bounds.get(space, UNBOUNDED), now)

    def close(self) -> None:
        """Close this thread's connection."""
        self._guard(self.backend.close, None)
