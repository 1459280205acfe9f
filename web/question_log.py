"""The question log: every question asked through the chat page, the API and WeChat/WeCom, with its answer's
intent, whether the plans held one, the clause it rests on, its latency, and staff's 👍/👎.

Kept in a SQL database through SQLAlchemy Core: SQLite in the instance folder by default, PostgreSQL
(`postgresql+psycopg://…`) when several servers share one log. Writing it never slows or breaks an answer:
`record()` puts a row on a bounded queue and returns; one writer thread per process writes the rows in
batches. While the database fails, rows wait on the queue (and are dropped once it is full), the log says
so in `health()`, and the writer tries again every second until the database is back.
"""

from __future__ import annotations

import atexit
import collections
import functools
import hashlib
import hmac
import logging
import os
import random
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qa import Answer
from qa.memo import IdentityMemo

__all__ = ["CHANNELS", "VIEWS", "LogUnavailable", "QuestionLog"]
log = logging.getLogger(__name__)

CHANNELS = ("web", "api", "wechat", "wecom")  # the chat page, other API clients, the two phone platforms
VIEWS = ("recent", "unanswered", "disliked")
VOTES = ("up", "down")
MAX_COMMENT = 500
LOG_SCHEMES = ("sqlite", "postgresql+psycopg")  # the databases the log runs on (psycopg: version 3)
ANSWER_ID_LENGTH = 40  # 12 characters of time, 12 random, 16 of signature
ANSWER_KEPT = 300  # characters of an answer the log keeps: enough to see what was said, not the whole list
BATCH = 500  # rows written in one transaction at most
INSERT_ROWS = 50  # rows in one INSERT statement (SQLite takes 32,766 parameters at most; a row has 12)
GATHER_SECONDS = 0.02  # the writer takes the queued rows this often: short bursts of work (see _run)
RETRY_SECONDS = 1.0  # while the database fails, the writer tries again this often
VOTE_WAIT_SECONDS = 30.0  # a vote for a row another worker has not written yet waits this long for it
PRUNE_EVERY_SECONDS = 3600.0
START_QUIET_SECONDS = 2.0  # a writer started with the server waits this long before its first prune

class LogUnavailable(RuntimeError):
    """The log database cannot be read now; the message says why."""


@dataclass
class _Row:
    """A question waiting for the writer, as the answer left it: the writer makes its row, off the request."""

    answer_id: str
    at: datetime
    channel: str
    user: str
    question: str
    answer: Answer
    latency_ms: float


@dataclass
class _Vote:
    """Feedback waiting for the writer (and, across workers, for its question's row)."""

    answer_id: str
    vote: str
    comment: str
    at: datetime
    until: float  # time.monotonic() after which a vote whose row never came is dropped


def utcnow() -> datetime:
    """Now in UTC, without a zone (how the log stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_day(moment: datetime) -> str:
    """The server's local date of a UTC time, as YYYY-MM-DD."""
    # Every time zone's offset is a multiple of 15 minutes: one date serves each quarter hour.
    return _local_day_of_quarter(moment.replace(minute=moment.minute - moment.minute % 15, second=0,
                                                microsecond=0))


@functools.lru_cache(maxsize=64)
def _local_day_of_quarter(quarter: datetime) -> str:
    """The local date of a UTC quarter hour."""
    return quarter.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d")


def text(value: str, limit: int) -> str:
    """Text every database takes: at most `limit` characters, lone surrogates (from JSON "\\udfff") replaced,
    NUL removed (PostgreSQL refuses it in text)."""
    return value[:limit].replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def sqlite_url_for(folder: Path) -> str:
    """The default LOG_URL: a SQLite file in the instance folder."""
    return f"sqlite:///{Path(folder) / 'log.sqlite3'}"


class QuestionLog:
    """The log of questions asked: written from a queue by a background thread, read by the admin pages."""

    def __init__(
        self,
        url: str,
        secret: bytes,
        days: int = 180,
        queue_size: int = 10000,
        enabled: bool = True,
        clock: Callable[[], datetime] = utcnow,
    ):
        if not isinstance(url, str) or "://" not in url:
            raise ValueError(f"LOG_URL must be a database URL such as sqlite:///log.sqlite3, got {url!r}")
        if not isinstance(secret, bytes) or len(secret) < 16:
            raise ValueError(f"the log's secret must be at least 16 bytes, got {len(secret or b'')}")
        if not isinstance(days, int) or days < 1:
            raise ValueError(f"LOG_DAYS must be a positive number of days, got {days!r}")
        if not isinstance(queue_size, int) or queue_size < 1:
            raise ValueError(f"LOG_QUEUE must be a positive number of rows, got {queue_size!r}")
        self.backend = url.split("://", 1)[0].split("+", 1)[0]
        if url.split("://", 1)[0] not in LOG_SCHEMES:
            raise ValueError(f"LOG_URL {url!r} cannot be used: it must begin with "
                             f"{' or '.join(s + '://' for s in LOG_SCHEMES)}")
        self.url = url
        self._engine = None  # made on first use (see engine)
        self._engine_lock = threading.Lock()
        self.secret = secret
        self._id_key = hashlib.sha256(b"answer-id:" + secret).digest()  # BLAKE2b takes keys of 64 bytes at most
        # What a row takes from its answer (intent, found, top clause, text), made once per answer
        self._answer_fields: IdentityMemo[dict] = IdentityMemo(4096)
        self.days = days
        self.enabled = bool(enabled)
        self.clock = clock
        self.queue_size = queue_size
        self.dropped = 0
        self.problem = ""
        self._failed_at = 0.0
        self._schema_ready = False
        self._waiting: list[_Vote] = []  # votes whose row is not written yet
        self._pending: collections.deque[_Row | _Vote] = collections.deque()
        self._busy = False  # the writer holds a batch it took from the queue
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pid = 0  # the process whose writer runs
        self._owner = os.getpid()  # the process that made the engine
        self._last_prune = 0.0
        self._start_lock = threading.Lock()
        atexit.register(self.close, 2.0)
        # Held by the writer while it is inside the database driver, and by a fork for its moment: a child
        # forked while the writer was inside SQLite would inherit SQLite's own locks held, and hang at its
        # first database call (the state store's included).
        self._in_database = threading.Lock()
        this = weakref.ref(self)
        os.register_at_fork(
            before=lambda: (kept := this()) is not None and kept._in_database.acquire(),
            after_in_parent=lambda: (kept := this()) is not None and kept._in_database.release(),
            after_in_child=lambda: (kept := this()) is not None and kept._forked(),
        )

    @property
    def engine(self):
        """The SQLAlchemy engine, made (and SQLAlchemy imported, see web.log_schema) on first use."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    from .log_schema import make_engine

                    self._engine = make_engine(self.url)
        return self._engine

    def _forked(self) -> None:
        """In a child just forked (gunicorn --preload): the parent's writer thread, queue, locks and database
        connections are not this process's, and may have been held mid-use at the fork. Start afresh."""
        if self._engine is not None:
            self._engine.dispose(close=False)
        self._engine_lock = threading.Lock()
        self._pending = collections.deque()
        self._waiting, self._busy, self._stopping = [], False, False
        self._thread, self._pid, self._owner = None, 0, os.getpid()
        self._start_lock, self._in_database = threading.Lock(), threading.Lock()
        self._answer_fields = IdentityMemo(self._answer_fields.size)

    # -- ids ----------------------------------------------------------------------------------
    def new_answer_id(self) -> str:
        """A fresh answer id: the time in milliseconds, a random part, and their signature, so that any
        worker can tell a real one. Ids that grow with time land at the end of the log's index: a batch of
        rows changes a few pages of it, where random ids would change one page each."""
        # The random part only keeps ids of the same millisecond apart (the signature is what no one can
        # forge): Python's generator, reseeded in every forked worker, spares each answer a getrandom call
        # (tens of microseconds on some virtual machines).
        token = f"{time.time_ns() // 1_000_000:012x}{random.getrandbits(48):012x}"
        return token + self._sign(token)

    def valid_answer_id(self, answer_id: object) -> bool:
        """Whether `answer_id` is one this installation handed out (its signature matches); the ids of
        before (a random part of 16 characters) are still taken."""
        if not isinstance(answer_id, str) or len(answer_id) not in (ANSWER_ID_LENGTH, 32):
            return False
        token, signature = answer_id[:-16], answer_id[-16:]
        return hmac.compare_digest(self._sign(token), signature)

    def _sign(self, token: str) -> str:
        """The signature of an id's random part: keyed BLAKE2b (a MAC in one call, cheaper than HMAC)."""
        return hashlib.blake2b(b"answer:" + token.encode(), key=self._id_key, digest_size=8).hexdigest()

    def user_hash(self, channel: str, user: str) -> str:
        """A WeChat/WeCom user id as the log keeps it: a keyed hash, the same user the same hash."""
        if not user:
            return ""
        return hmac.new(self.secret, f"user:{channel}:{user}".encode(), hashlib.sha256).hexdigest()[:24]

    # -- writing ------------------------------------------------------------------------------
    def record(self, question: str, answer: Answer, channel: str, latency_ms: float, user: str = "") -> str:
        """Log one answered question (without waiting) and return its answer id."""
        answer_id = self.new_answer_id()
        if not self.enabled:
            return answer_id
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}, got {channel!r}")
        self._put(_Row(answer_id, self.clock(), channel, user, question, answer, float(latency_ms)))
        return answer_id

    def _values(self, row: _Row) -> dict:
        """The database row of a logged question."""
        return {
            "answer_id": row.answer_id,
            "asked_at": row.at,
            "day": local_day(row.at),
            "channel": row.channel,
            "user_hash": self.user_hash(row.channel, text(row.user, 200)),
            "question": text(row.question, 2000),
            **self._of_answer(row.answer),
            "latency_ms": round(row.latency_ms, 3),
        }

    def _of_answer(self, answer: Answer) -> dict:
        """The columns a row takes from its answer (the same answer object: made once)."""
        fields = self._answer_fields.get((answer,))
        if fields is None:
            top = answer.citations[0] if answer.citations else None
            fields = self._answer_fields.put((answer,), {
                "intent": str(answer.intent)[:24],
                "found": bool(answer.found),
                "top_clause": top.id[:64] if top else "",
                "top_title": text(f"{top.path} {top.title}".strip() if top else "", 200),
                "answer": text(answer.answer, ANSWER_KEPT),
            })
        return fields

    def feedback(self, answer_id: str, vote: str, comment: str = "") -> bool:
        """Attach 👍/👎 (and a comment) to an answer; False for an id this installation never handed out."""
        if vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, got {vote!r}")
        if not self.valid_answer_id(answer_id):
            return False
        if self.enabled:
            self._put(
                _Vote(
                    answer_id,
                    vote,
                    text(comment, MAX_COMMENT),
                    self.clock(),
                    time.monotonic() + VOTE_WAIT_SECONDS,
                )
            )
        return True

    def _put(self, item: _Row | _Vote) -> None:
        """Queue an item for the writer, or drop it when the queue is full: an answer never waits.

        The queue is a deque: an append takes no lock and wakes no thread (the writer looks every
        GATHER_SECONDS), which is most of what logging costs an answer."""
        self._ensure_writer()
        if len(self._pending) < self.queue_size:
            self._pending.append(item)
        else:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning(
                    "question log queue is full (%s rows): %s rows dropped so far",
                    self.queue_size,
                    self.dropped,
                )

    def _ensure_writer(self) -> None:
        """Start this process's writer thread (again in a forked child, which _forked has set afresh)."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._pid, self._stopping = os.getpid(), False
            self._thread = threading.Thread(target=self._run, name="question-log", daemon=True)
            self._thread.start()

    def start(self) -> None:
        """Start the writer now: it creates the schema and prunes old rows without waiting for a question."""
        if self.enabled:
            self._ensure_writer()

    def _run(self) -> None:
        """The writer: batches off the queue into the database, retrying while it fails."""
        # Start-up and its first answers go first: the first prune (importing SQLAlchemy, reading the
        # database: a third of a second of CPU) waits a moment, or until there is a row to write.
        quiet_until = time.monotonic() + START_QUIET_SECONDS
        while time.monotonic() < quiet_until and not self._pending and not self._stopping:
            time.sleep(0.05)
        with self._in_database:
            self._prune_if_due()
        while True:
            if len(self._pending) < BATCH:
                # gather for a moment: one transaction per batch costs the answering threads far less CPU
                # (and GIL) than one per question. A moment, not longer: the batch's work is a burst on the
                # cores the answers share, and a burst of a quarter second's rows showed as 3-5 ms more on the
                # slowest answers under load (bench: p99 21-23 ms at 0.25 s, 18 ms at 0.02 s)
                time.sleep(GATHER_SECONDS)
            stop = self._stopping
            self._busy = True  # before taking rows: flush() sees them either queued or in hand
            batch = []
            while len(batch) < BATCH:
                try:
                    batch.append(self._pending.popleft())
                except IndexError:
                    break
            if batch or self._waiting:
                while not self._written(batch):
                    time.sleep(RETRY_SECONDS)  # the database is down: hold the batch, the queue bounds the rest
            self._busy = False
            if stop and not self._pending:
                return
            with self._in_database:
                self._prune_if_due()

    def _written(self, batch: list) -> bool:
        """Write one batch while holding the database lock (see _forked); False to retry."""
        with self._in_database:
            return self._write(batch)

    def _write(self, batch: list) -> bool:
        """Write one batch; False when the database failed in a way worth retrying."""
        from sqlalchemy import update

        from .log_schema import DBAPIError, SQLAlchemyError, is_outage, questions

        rows = [item for item in batch if isinstance(item, _Row)]
        votes = self._waiting + [item for item in batch if isinstance(item, _Vote)]
        try:
            self._ensure_schema()
            with self.engine.begin() as conn:
                if rows:
                    self._insert(conn, rows)
                waiting = []
                for vote in votes:
                    done = conn.execute(
                        update(questions)
                        .where(questions.c.answer_id == vote.answer_id)
                        .values(vote=vote.vote, comment=vote.comment or None, voted_at=vote.at)
                    ).rowcount
                    if not done and time.monotonic() < vote.until:
                        waiting.append(vote)  # another worker's row, still on its way
            self._waiting = waiting
        except DBAPIError as exc:
            if exc.connection_invalidated or is_outage(exc):
                self._fail(exc)
                return False
            self._fail(exc)  # a row the database refuses: drop this batch, keep the writer going
            log.error("question log dropped %s rows the database refused: %s", len(rows), exc)
            self._waiting = []
            return True
        except SQLAlchemyError as exc:
            self._fail(exc)
            return False
        except Exception as exc:  # a bug or a value no driver takes: drop the batch, never the writer
            log.exception("question log dropped %s rows it could not write", len(rows))
            self._fail(exc)
            self._waiting = []
            return True
        if self._failed_at:
            log.warning("question log (%s) is working again", self.backend)
        self._failed_at, self.problem = 0.0, ""
        return True

    def _insert(self, conn, rows: list[_Row]) -> None:
        """Insert rows a few dozen at a time, each chunk in one multi-row INSERT: executemany would step (and
        hand the GIL to the answering thread and back) once per row. Between chunks the writer yields, so that
        it never holds an answer up for long."""
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = [self._values(row) for row in rows[start:start + INSERT_ROWS]]
            sql, columns = self._insert_sql(len(chunk), tuple(chunk[0]))
            conn.exec_driver_sql(sql, tuple(
                convert(row[name]) if convert else row[name] for row in chunk for name, convert in columns
            ))
            time.sleep(0)  # let a waiting request thread take the GIL

    @functools.lru_cache(maxsize=8)  # noqa: B019 — a few batch sizes per log, for the process's life
    def _insert_sql(self, count: int, names: tuple[str, ...]) -> tuple[str, list[tuple[str, Callable | None]]]:
        """The INSERT of `count` rows of these columns in this database's parameter style, and each column's
        converter (how SQLAlchemy would bind its type)."""
        from .log_schema import questions

        dialect = self.engine.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        one = "(" + ", ".join([mark] * len(names)) + ")"
        sql = f"INSERT INTO {questions.name} ({', '.join(names)}) VALUES " + ", ".join([one] * count)
        return sql, [(n, questions.c[n].type.bind_processor(dialect)) for n in names]

    def _ensure_schema(self) -> None:
        """Create the log's table and indexes when they are missing (each worker tries; one wins)."""
        if self._schema_ready:
            return
        from .log_schema import SQLAlchemyError, metadata

        try:
            metadata.create_all(self.engine, checkfirst=True)
        except SQLAlchemyError:
            # two workers creating the table at once: the loser sees it exists on a second look
            metadata.create_all(self.engine, checkfirst=True)
        self._schema_ready = True

    def _fail(self, exc: Exception) -> None:
        """Note a failure, logged once per outage."""
        from .log_schema import (
            DBAPIError,  # an error of the database: SQLAlchemy is imported
        )

        first = not self._failed_at
        self._failed_at = time.monotonic()
        self.problem = f"{type(exc.orig if isinstance(exc, DBAPIError) else exc).__name__}: {exc}"
        self.problem = self.problem.splitlines()[0][:300]
        if first:
            log.error(
                "question log (%s) failed; answers go on without logging until it works: %s",
                self.backend,
                self.problem,
            )

    def _prune_if_due(self) -> None:
        """Prune once an hour (and when the writer starts)."""
        if time.monotonic() - self._last_prune < PRUNE_EVERY_SECONDS and self._last_prune:
            return
        self._last_prune = time.monotonic()
        from .log_schema import SQLAlchemyError

        try:
            self._ensure_schema()
            removed = self.prune()
        except SQLAlchemyError as exc:
            self._fail(exc)
            return
        if removed:
            log.info("question log: pruned %s rows older than %s days", removed, self.days)

    def prune(self, now: datetime | None = None) -> int:
        """Delete the rows older than LOG_DAYS; how many went."""
        from sqlalchemy import delete

        from .log_schema import questions

        cutoff = (now or self.clock()) - timedelta(days=self.days)
        with self.engine.begin() as conn:
            return conn.execute(delete(questions).where(questions.c.asked_at < cutoff)).rowcount or 0

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written (or given up on), votes waiting for their row included;
        False on timeout."""
        deadline = time.monotonic() + timeout
        # the queue before the writer's hand: the writer raises _busy before it takes rows
        while self._pending or self._busy or self._waiting:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting at most `timeout`), stop the writer, close the connections."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self.flush(timeout)
            self._stopping = True
            thread.join(timeout)
        self._thread = None
        # a forked worker that never wrote holds its parent's connections: let go of them without closing
        if self._engine is not None:
            self._engine.dispose(close=os.getpid() in (self._owner, self._pid))

    def health(self) -> dict:
        """{status: ok | degraded | off, backend, problem, queued, dropped}: for /healthz and the admin."""
        if not self.enabled:
            return {"status": "off", "backend": self.backend, "problem": "", "queued": 0, "dropped": 0}
        if (
            self._failed_at and time.monotonic() - self._failed_at >= RETRY_SECONDS
        ) or not self._schema_ready:
            # nothing written yet, or failing: look now, so that /healthz shows the state of the database
            # itself (a lost connection, a file that cannot be written) and its recovery at once
            from sqlalchemy import func, select

            from .log_schema import SQLAlchemyError, questions

            try:
                self._ensure_schema()
                with self.engine.connect() as conn:
                    conn.execute(select(func.count()).select_from(questions).where(questions.c.id < 0))
                if self._failed_at and not self._busy:  # the writer holds no failed batch
                    self._failed_at, self.problem = 0.0, ""
            except SQLAlchemyError as exc:
                self._fail(exc)
        return {
            "status": "degraded" if self._failed_at else "ok",
            "backend": self.backend,
            "problem": self.problem,
            "queued": len(self._pending),
            "dropped": self.dropped,
        }

    # -- reading (the admin pages) -------------------------------------------------------------
    def _read(self, statement) -> list[dict]:
        """Rows of a query as dicts; LogUnavailable says why when the database cannot be read."""
        from .log_schema import SQLAlchemyError

        try:
            self._ensure_schema()
            with self.engine.connect() as conn:
                return [dict(row._mapping) for row in conn.execute(statement)]
        except SQLAlchemyError as exc:
            self._fail(exc)
            raise LogUnavailable(self.problem) from None

    def _since(self, days: int) -> datetime:
        """The start of a window of `days` days ending now."""
        return self.clock() - timedelta(days=days)

    def questions(
        self, view: str = "recent", days: int = 30, channel: str = "", limit: int = 200
    ) -> list[dict]:
        """The newest questions of a view: recent (all), unanswered (found=false), disliked (👎)."""
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        from sqlalchemy import select

        from .log_schema import questions

        q = questions.c
        statement = select(questions).where(q.asked_at >= self._since(days))
        if view == "unanswered":
            statement = statement.where(q.found.is_(False))
        elif view == "disliked":
            statement = statement.where(q.vote == "down")
        if channel:
            statement = statement.where(q.channel == channel)
        return self._read(statement.order_by(q.asked_at.desc(), q.id.desc()).limit(limit))

    def most_asked(self, days: int = 30, channel: str = "", limit: int = 100) -> list[dict]:
        """Questions by how often they were asked: {question, asked, unanswered, up, down, last}."""
        from sqlalchemy import case, func, select

        from .log_schema import questions

        q = questions.c
        statement = (
            select(
                q.question,
                func.count().label("asked"),
                func.sum(case((q.found.is_(False), 1), else_=0)).label("unanswered"),
                func.sum(case((q.vote == "up", 1), else_=0)).label("up"),
                func.sum(case((q.vote == "down", 1), else_=0)).label("down"),
                func.max(q.asked_at).label("last"),
            )
            .where(q.asked_at >= self._since(days))
            .group_by(q.question)
            .order_by(func.count().desc(), func.max(q.asked_at).desc())
            .limit(limit)
        )
        if channel:
            statement = statement.where(q.channel == channel)
        return self._read(statement)

    def per_day(self, days: int = 30) -> list[dict]:
        """{day, channel, asked} for each local day and channel with questions in the window."""
        from sqlalchemy import func, select

        from .log_schema import questions

        q = questions.c
        return self._read(
            select(q.day, q.channel, func.count().label("asked"))
            .where(q.asked_at >= self._since(days))
            .group_by(q.day, q.channel)
            .order_by(q.day)
        )

    def totals(self, days: int = 30) -> dict:
        """{asked, unanswered, up, down, latency_ms (mean)} over the window."""
        from sqlalchemy import case, func, select

        from .log_schema import questions

        q = questions.c
        rows = self._read(
            select(
                func.count().label("asked"),
                func.sum(case((q.found.is_(False), 1), else_=0)).label("unanswered"),
                func.sum(case((q.vote == "up", 1), else_=0)).label("up"),
                func.sum(case((q.vote == "down", 1), else_=0)).label("down"),
                func.avg(q.latency_ms).label("latency_ms"),
            ).where(q.asked_at >= self._since(days))
        )
        row = rows[0] if rows else {}
        return {key: row.get(key) or 0 for key in ("asked", "unanswered", "up", "down", "latency_ms")}

    def row(self, answer_id: str) -> dict | None:
        """One logged question by its answer id, or None."""
        from sqlalchemy import bindparam, select

        from .log_schema import questions

        rows = self._read(select(questions).where(questions.c.answer_id == bindparam("a", answer_id)))
        return rows[0] if rows else None


def log_answer(question: str, answer: Answer, channel: str, latency_ms: float, user: str = "") -> str:
    """Log an answer through the current app's question log; its answer id. Never raises."""
    from flask import current_app

    return record_answer(current_app.extensions.get("log"), question, answer, channel, latency_ms, user)


def record_answer(question_log: QuestionLog | None, question: str, answer: Answer, channel: str,
                  latency_ms: float, user: str = "") -> str:
    """Log an answer (None: an app built without a log); its answer id. Never raises: an answer goes out
    whatever happens to its log row."""
    if question_log is None:
        return secrets.token_hex(16)
    try:
        return question_log.record(question, answer, channel, latency_ms, user)
    except Exception:
        log.exception("logging a %s question failed; answered without logging it", channel)
        return secrets.token_hex(16)
