"""Conversation state shared by worker processes: a small SQLite key-value store with expiry."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path


class StateStore:
    """Key → JSON value with a time-to-live and a bound on the number of keys.

    SQLite in WAL mode lets several worker processes (gunicorn, waitress threads) share follow-up
    context and WeChat message de-duplication; writes are small, so contention stays low.
    """

    def __init__(self, path: str | os.PathLike, ttl_seconds: float = 1800, max_entries: int = 20000):
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.path = str(path)
        self.ttl = float(ttl_seconds)
        self.max_entries = int(max_entries)
        self._local = threading.local()
        self._writes = 0
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections must not cross threads)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                "expires REAL NOT NULL)"
            )
            conn.execute("CREATE INDEX IF NOT EXISTS state_expires ON state (expires)")
            self._local.conn = conn
        return conn

    def get(self, key: str) -> dict | None:
        """The live value stored under key, or None."""
        row = self._connect().execute("SELECT value, expires FROM state WHERE key = ?", (key,)).fetchone()
        if row is None or row[1] < time.time():
            return None
        try:
            return json.loads(row[0])
        except ValueError:  # a damaged row loses that one conversation, nothing else
            return None

    def put(self, key: str, value: dict, ttl: float | None = None) -> None:
        """Store value under key, replacing what was there."""
        expires = time.time() + (ttl or self.ttl)
        self._connect().execute(
            "INSERT OR REPLACE INTO state (key, value, expires) VALUES (?, ?, ?)",
            (key, json.dumps(value, ensure_ascii=False), expires),
        )
        self._after_write()

    def claim(self, key: str, value: dict, ttl: float | None = None) -> bool:
        """Store value under key only if no live value is there; True when this call stored it."""
        conn = self._connect()
        now = time.time()
        conn.execute("DELETE FROM state WHERE key = ? AND expires < ?", (key, now))
        cursor = conn.execute(
            "INSERT OR IGNORE INTO state (key, value, expires) VALUES (?, ?, ?)",
            (key, json.dumps(value, ensure_ascii=False), now + (ttl or self.ttl)),
        )
        self._after_write()
        return cursor.rowcount == 1

    def delete(self, key: str) -> None:
        """Forget key."""
        self._connect().execute("DELETE FROM state WHERE key = ?", (key,))

    def __len__(self) -> int:
        return self._connect().execute("SELECT COUNT(*) FROM state").fetchone()[0]

    def _after_write(self) -> None:
        """Every so often, drop expired keys and the oldest beyond the bound."""
        self._writes += 1
        if self._writes % 200:
            return
        conn = self._connect()
        conn.execute("DELETE FROM state WHERE expires < ?", (time.time(),))
        excess = conn.execute("SELECT COUNT(*) FROM state").fetchone()[0] - self.max_entries
        if excess > 0:
            conn.execute(
                "DELETE FROM state WHERE key IN (SELECT key FROM state ORDER BY expires LIMIT ?)", (excess,)
            )

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
