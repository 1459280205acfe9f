"""The SQLite backend of the state store: one file shared by the worker processes of one host."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
# Errors that mean the file itself is damaged (truncated, overwritten): it is moved aside and made anew.
DAMAGED = ("malformed", "not a database", "file is encrypted", "disk image")
BUSY_SECONDS = 0.5  # how long a write waits for another process's lock before the store counts as down
# Connections a forked child inherited: referenced for the child's life, so that it never closes them.
_INHERITED: list[sqlite3.Connection] = []
# An upsert changes a row in place: a third cheaper than INSERT OR REPLACE's delete and insert (and indexes).
UPSERT = ("INSERT INTO state (key, value, expires, space) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
          "value = excluded.value, expires = excluded.expires, space = excluded.space")
STAT_EVERY_SECONDS = 1.0  # how often the file is checked to be the one opened (deleted folders, new files)
# Waits while another process holds the lock: 20 µs doubling to 1 ms. SQLite's own busy handler first sleeps
# 1 ms, thirty times what a write takes: with two workers answering, that sleep was most of a write's cost.
FIRST_WAIT_SECONDS = 0.00002
LONGEST_WAIT_SECONDS = 0.001
SQLITE_BUSY = 5  # the primary result code of "database is locked" (extended codes keep it in the low byte)


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether an error says another connection holds the lock (so the statement may be tried again)."""
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_BUSY


def execute(conn: sqlite3.Connection, sql: str, args: tuple = ()) -> sqlite3.Cursor:
    """One statement, tried again while another process holds the lock, for BUSY_SECONDS at most.

    Each statement is its own transaction (autocommit): one refused as busy changed nothing.
    """
    try:
        return conn.execute(sql, args)
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
    deadline, wait = time.monotonic() + BUSY_SECONDS, FIRST_WAIT_SECONDS
    while True:
        time.sleep(wait)
        try:
            return conn.execute(sql, args)
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        wait = min(wait * 2, LONGEST_WAIT_SECONDS)


class SQLiteBackend:
    """Key → JSON text with an expiry time and a space (session, wxmsg, limit …), in a SQLite file.

    WAL mode lets several worker processes share it; every thread has its own connection. When the file
    is deleted or replaced under a running process, the next operation reopens it by path, so all the
    workers keep sharing one file.
    """

    name = "sqlite"

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self.memory = self.path == ":memory:"
        self._local = threading.local()
        self._generation = 0  # bumped on reset: every thread's connection is then reopened
        self._writable_at = 0.0  # when the files were last found writable or not
        self._unwritable: sqlite3.OperationalError | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection to the file the path names now."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid != os.getpid():
            # A forked child (gunicorn --preload) inherits its parent's connection: never use or close it
            # (closing could delete the -wal and -shm the others use); it is kept, unused, and a new one opened.
            _INHERITED.append(conn)
            conn = None
        if conn is not None and self._local.generation == self._generation and self._same_file():
            return conn
        if conn is not None:
            self._retire(conn)
        # Opening is serialised with reset(): a connection opened while the files are being moved could
        # pair a new database with the old shared-memory file and truncate it under the others (SIGBUS).
        with self._lock:
            conn = self._open()
        self._local.conn, self._local.generation, self._local.pid = conn, self._generation, os.getpid()
        self._local.inode, self._local.checked = self._inode(), time.monotonic()
        return conn

    def _check_writable(self) -> None:
        """Raise when a file of the store was made read-only (chattr +i, a read-only mount); checked with
        the file's identity, once a second. (SQLite maps the -shm file into memory: writing to a mapping of
        an immutable file is a SIGBUS, which no check can fully prevent; the database file itself is safe.)"""
        if self.memory:
            return
        for name in (self.path, self.path + "-shm", self.path + "-wal"):
            if not os.access(name, os.W_OK) and os.path.exists(name):
                raise sqlite3.OperationalError(f"attempt to write a readonly database ({name} is read-only)")

    def _retire(self, conn: sqlite3.Connection) -> None:
        """Close a connection to a file that was replaced, keeping the new file's -wal and -shm.

        SQLite's last connection to a database deletes its -wal and -shm BY NAME when it closes; for a
        replaced file those names are the new database's, used by the other workers. Hard links keep them.
        """
        kept = []
        with self._lock:
            for name in (self.path + "-wal", self.path + "-shm"):
                keep = f"{name}.keep-{os.getpid()}-{threading.get_ident()}"
                try:
                    os.link(name, keep)
                    kept.append((keep, name))
                except OSError:
                    pass  # no such file, or no hard links here: nothing to keep
            try:
                conn.close()
            finally:
                for keep, name in kept:
                    os.replace(keep, name)

    def _open(self) -> sqlite3.Connection:
        """A new connection, with the table made if the file is new."""
        if not self.memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=True)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # The state is a cache (30-minute conversations, WeChat's once-only marks): a write need not reach
            # the disk before the answer goes out. An OS crash may lose the last writes or damage the file;
            # a damaged file is moved aside and made anew on its own (StateStore._fail).
            conn.execute("PRAGMA synchronous=OFF")
            # no memory map of the database: a file cut short under a mapping is a SIGBUS on the next read,
            # which kills the worker (the -shm map is SQLite's own and cannot be avoided in WAL mode)
            conn.execute("PRAGMA mmap_size=0")
            conn.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                         "expires REAL NOT NULL, space TEXT NOT NULL DEFAULT '')")
            if "space" not in {row[1] for row in conn.execute("PRAGMA table_info(state)")}:
                # a file written before spaces existed: its rows are conversations and message records
                conn.execute("ALTER TABLE state ADD COLUMN space TEXT NOT NULL DEFAULT ''")
            conn.execute("CREATE INDEX IF NOT EXISTS state_space_expires ON state (space, expires)")
            conn.execute("PRAGMA busy_timeout=0")  # from here on, `execute` waits for the lock (see there)
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _inode(self) -> int | None:
        """The inode of the file at the path (None for memory or a missing file)."""
        if self.memory:
            return None
        try:
            return os.stat(self.path).st_ino
        except OSError:
            return None

    def _same_file(self) -> bool:
        """Whether the path still names the file this thread opened (checked at most once a second)."""
        if self.memory:
            return True
        if time.monotonic() - self._local.checked < STAT_EVERY_SECONDS:
            self._writable()
            return True
        self._local.checked = time.monotonic()
        current = self._inode()
        if current is None or current != self._local.inode:
            return False
        self._check_header()
        self._writable()
        return True

    def _writable(self) -> None:
        """Raise while the store's files are read-only, for every thread alike (looked at once a second):
        a connection opened before goes on writing its -wal, so a per-connection answer would flicker."""
        now = time.monotonic()
        # found read-only, looked at again each time: the store works again as soon as its files do (a failure
        # kept for a second outlived the files' recovery, and the first follow-up after it lost its context)
        if self._unwritable is not None or now - self._writable_at >= STAT_EVERY_SECONDS:
            self._writable_at = now
            try:
                self._check_writable()
                self._unwritable = None
            except sqlite3.OperationalError as exc:
                self._unwritable = exc
        if self._unwritable is not None:
            raise self._unwritable

    def _check_header(self) -> None:
        """Raise when the file was overwritten or cut short under the open connections (which would go on
        reading their caches and the write-ahead log, and never notice)."""
        with open(self.path, "rb") as file:
            header = file.read(100)
            size = file.seek(0, os.SEEK_END)
        if size == 0:
            return  # a new file, not written yet
        page = int.from_bytes(header[16:18], "big") if len(header) >= 18 else 0
        page = 65536 if page == 1 else page
        if not header.startswith(b"SQLite format 3\0") or page < 512 or size < page or size % page:
            raise sqlite3.DatabaseError("file is not a database (overwritten or truncated)")

    @staticmethod
    def damaged(exc: BaseException) -> bool:
        """Whether an error says the file is damaged (so it should be moved aside and made anew)."""
        return isinstance(exc, sqlite3.DatabaseError) and any(word in str(exc).lower() for word in DAMAGED)

    def reset(self) -> str:
        """Move a damaged file aside (kept for inspection) and start a new one; returns where it went."""
        with self._lock:
            self._generation += 1
            if self.memory:
                return ""
            aside = f"{self.path}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
            for suffix in ("-shm", "-wal", ""):  # the database last: see _connect
                try:
                    os.replace(self.path + suffix, aside + suffix)
                except FileNotFoundError:
                    pass
            return aside

    def get(self, key: str, now: float) -> str | None:
        row = execute(self._connect(), "SELECT value, expires FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row is not None and row[1] >= now else None

    def put(self, key: str, value: str, expires: float, space: str, now: float) -> None:
        execute(self._connect(), UPSERT, (key, value, expires, space))

    def claim(self, key: str, value: str, expires: float, space: str, now: float) -> bool:
        conn = self._connect()
        execute(conn, "DELETE FROM state WHERE key = ? AND expires < ?", (key, now))
        cursor = execute(conn, "INSERT OR IGNORE INTO state (key, value, expires, space) VALUES (?, ?, ?, ?)",
                         (key, value, expires, space))
        return cursor.rowcount == 1

    def delete(self, key: str) -> None:
        execute(self._connect(), "DELETE FROM state WHERE key = ?", (key,))

    def incr(self, key: str, expires: float, space: str, now: float) -> int:
        conn = self._connect()
        execute(conn, "DELETE FROM state WHERE key = ? AND expires < ?", (key, now))
        execute(conn, "INSERT INTO state (key, value, expires, space) VALUES (?, '1', ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1", (key, expires, space))
        return int(execute(conn, "SELECT value FROM state WHERE key = ?", (key,)).fetchone()[0])

    def prune(self, space: str, keep: int, now: float) -> None:
        """Drop the space's expired keys, then its soonest-expiring beyond `keep` (other spaces untouched)."""
        conn = self._connect()
        execute(conn, "DELETE FROM state WHERE space = ? AND expires < ?", (space, now))
        excess = execute(conn, "SELECT COUNT(*) FROM state WHERE space = ?", (space,)).fetchone()[0] - keep
        if excess > 0:
            execute(conn, "DELETE FROM state WHERE key IN (SELECT key FROM state WHERE space = ? "
                "ORDER BY expires LIMIT ?)", (space, excess))

    def count(self, space: str | None = None) -> int:
        sql, args = ("SELECT COUNT(*) FROM state", ()) if space is None else \
            ("SELECT COUNT(*) FROM state WHERE space = ?", (space,))
        return execute(self._connect(), sql, args).fetchone()[0]

    def ping(self) -> None:
        """Raise when the file cannot be written (read-only, locked, damaged)."""
        execute(self._connect(), "INSERT OR REPLACE INTO state (key, value, expires, space) "
                "VALUES ('health:ping', '1', 0, 'health')")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        elif conn is not None:  # a parent's connection is left alone
            _INHERITED.append(conn)
        self._local.conn = None
