"""The question log: every question asked through the chat page, the API and WeChat/WeCom, with its answer's
intent, whether the plans held one, the clause it rests on, its latency, and staff's 👍/👎.

Kept in a SQL database through SQLAlchemy Core: SQLite in the instance folder by default, PostgreSQL
(`postgresql+psycopg://…`) when several servers share one log. Writing it never slows or breaks an answer:
`record()` puts a row on a bounded queue and returns; one writer thread per process writes the rows in
batches. While the database fails, rows wait on the queue (and are dropped once it is full), the log says
so in `health()`, and the writer tries again every second until the database is back; a database that
takes a write and never answers shows in `health()` too, as a writer stalled for so many seconds.

The log is bounded: at most LOG_MAX_ROWS rows and about LOG_MAX_BYTES bytes (the oldest rows go first, and
the texts no row names any more with them), besides LOG_DAYS. Each text (a question, an answer, a clause's
title, a comment) is kept once however many rows name it, so a flood of one question costs a small row each.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
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

CHANNELS = ("web", "api", "wechat", "wecom", "dingtalk")  # the chat page, other API clients, the phone platforms
VIEWS = ("recent", "unanswered", "disliked")
VOTES = ("up", "down")
MAX_COMMENT = 500
LOG_SCHEMES = ("sqlite", "postgresql+psycopg")  # the databases the log runs on (psycopg: version 3)
ANSWER_ID_LENGTH = 40  # 12 characters of time, 12 random, 16 of signature
ANSWER_KEPT = 300  # characters of an answer the log keeps: enough to see what was said, not the whole list
BATCH = 500  # rows written in one transaction at most
INSERT_ROWS = 50  # rows in one INSERT statement (SQLite takes 32,766 parameters at most; a row has 12)
UPSERT_TEXTS = 100  # texts in one INSERT … ON CONFLICT statement
GATHER_SECONDS = 0.05  # the writer takes the queued rows this often: short bursts of work (see _run)
RETRY_SECONDS = 1.0  # while the database fails, the writer tries again this often
VOTE_WAIT_SECONDS = 30.0  # a vote for a row another worker has not written yet waits this long for it
PRUNE_EVERY_SECONDS = 3600.0
START_QUIET_SECONDS = 2.0  # a writer started with the server waits this long before its first prune
# What a row and a text take in the database beyond the text itself (their columns, row headers and index
# entries), as measured on SQLite and PostgreSQL with some room: the byte bound counts rows and texts so,
# the same way on both (PostgreSQL's files never shrink on a delete, so their size cannot say what is kept).
ROW_BYTES = 400
TEXT_BYTES = 200
TEXT_SHARE = 1.25  # a text's own bytes count a quarter more: long texts leave the rest of a page unused
EMPTY_BYTES = 64 * 1024  # the tables and indexes of an empty log
TRIM_TO = 0.9  # over a bound, the oldest rows go until the log holds this share of it (not one row a batch)
TRIM_GROWTH = 0.01  # the bounds are looked at after this share of either has been written by this process
TRIM_EVERY_SECONDS = 60.0  # and at least this often while rows are written (other processes write too)
DELETE_CHUNK = 5000  # rows deleted in one transaction: other writers wait for one chunk, never for all
STALL_SECONDS = 10.0  # a write the database has not answered for this long: the log is stalled (/healthz)
DROPPED_RECENTLY_SECONDS = 60.0  # rows dropped this recently (a full queue): the log is degraded
PROBE_WAIT_SECONDS = 1.0  # /healthz waits this long at most for its look at a failing database
MIGRATE_ROWS = 1000  # rows of the log of before read into the new tables in one transaction
TEXTS_LOCK = 0x7161_7465_7874  # PostgreSQL advisory lock: shared by writers naming texts, taken to drop them

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


@functools.lru_cache(maxsize=4096)  # the same questions come again and again
def digest(value: str) -> str:
    """The key of a text in the log's text table: BLAKE2b-128 of its UTF-8, in hex."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=16).hexdigest()


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
        max_rows: int = 1_000_000,
        max_bytes: int = 1 << 30,
        stall_seconds: float = STALL_SECONDS,
    ):
        if not isinstance(url, str) or "://" not in url:
            raise ValueError(f"LOG_URL must be a database URL such as sqlite:///log.sqlite3, got {url!r}")
        if not isinstance(secret, bytes) or len(secret) < 16:
            raise ValueError(f"the log's secret must be at least 16 bytes, got {len(secret or b'')}")
        if not isinstance(days, int) or days < 1:
            raise ValueError(f"LOG_DAYS must be a positive number of days, got {days!r}")
        if not isinstance(queue_size, int) or queue_size < 1:
            raise ValueError(f"LOG_QUEUE must be a positive number of rows, got {queue_size!r}")
        if not isinstance(max_rows, int) or isinstance(max_rows, bool) or max_rows < 1:
            raise ValueError(f"LOG_MAX_ROWS must be a positive number of rows, got {max_rows!r}")
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1024 * 1024:
            raise ValueError(f"LOG_MAX_BYTES must be a number of bytes of at least 1048576, got {max_bytes!r}")
        if not stall_seconds > 0:
            raise ValueError(f"stall_seconds must be positive, got {stall_seconds!r}")
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
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self.stall_seconds = float(stall_seconds)
        self.size = {"rows": 0, "bytes": 0}  # the log's size when the writer last measured it
        self._grown = [0, 0]  # rows and bytes this process wrote since (an estimate: repeated texts count again)
        self._measured_at = 0.0  # time.monotonic() of that measure; 0: never
        self._migrated = False  # the log of before (qa_questions) is read in, or there was none
        self._call_started = 0.0  # time.monotonic() when the writer's current database call began; 0: none
        self._dropped_at = 0.0  # time.monotonic() of the last row dropped on a full queue
        self._probe: threading.Thread | None = None  # /healthz's look at a failing database, when one runs
        self.dropped = 0
        self.problem = ""
        self._failed_at = 0.0
        self._schema_ready = False
        self._waiting: list[_Vote] = []  # votes whose row is not written yet
        self._pending: collections.deque[_Row | _Vote] = collections.deque()
        self._busy = False  # the writer holds a batch it took from the queue
        self._in_hand = 0  # the rows of that batch, not written yet
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
        self._waiting, self._busy, self._stopping, self._in_hand = [], False, False, 0
        self._thread, self._pid, self._owner = None, 0, os.getpid()
        self._call_started, self._probe = 0.0, None
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

    def _values(self, row: _Row, ids: dict[str, int], texts: tuple[str, str, dict] | None = None) -> dict:
        """The database row of a logged question; `ids`: the text table's id of each text's digest; `texts`:
        what _texts gave for the row, when the caller has it."""
        _, question_digest, answer = texts or self._texts(row)
        return {
            "answer_id": row.answer_id,
            "asked_at": row.at,
            "day": local_day(row.at),
            "channel": row.channel,
            "user_hash": self.user_hash(row.channel, text(row.user, 200)),
            "question_text": ids[question_digest],
            "intent": answer["intent"],
            "found": answer["found"],
            "top_clause": answer["top_clause"],
            "title_text": ids[answer["title_digest"]] if answer["top_title"] else None,
            "answer_text": ids[answer["answer_digest"]] if answer["answer"] else None,
            "latency_ms": round(row.latency_ms, 3),
        }

    def _texts(self, row: _Row) -> tuple[str, str, dict]:
        """(question as kept, its digest, the answer's fields with their texts and digests) of a row."""
        question = text(row.question, 2000)
        return question, digest(question), self._of_answer(row.answer)

    def _texts_of(self, row: _Row) -> list[str]:
        """The texts a row names: its question, its answer and its clause's title (those it has)."""
        question, _, answer = self._texts(row)
        return [question, *(t for t in (answer["top_title"], answer["answer"]) if t)]

    def _of_answer(self, answer: Answer) -> dict:
        """The columns a row takes from its answer, and its texts' digests (the same answer object: made once)."""
        fields = self._answer_fields.get((answer,))
        if fields is None:
            top = answer.citations[0] if answer.citations else None
            title = text(f"{top.path} {top.title}".strip() if top else "", 200)
            kept = text(answer.answer, ANSWER_KEPT)
            fields = self._answer_fields.put((answer,), {
                "intent": str(answer.intent)[:24],
                "found": bool(answer.found),
                "top_clause": top.id[:64] if top else "",
                "top_title": title,
                "title_digest": digest(title),
                "answer": kept,
                "answer_digest": digest(kept),
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
            self._dropped_at = time.monotonic()
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
        with self._database_call():
            self._prune_if_due()
        with self._database_call():
            self._migrate()
        while True:
            if len(self._pending) < BATCH:
                # gather for a moment: one transaction per batch costs the answering threads far less CPU
                # (and GIL) than one per question. A moment, not longer: the batch's work is a burst on the
                # cores the answers share, and a burst of a quarter second's rows showed as 3-5 ms more on the
                # slowest answers under load (bench: p99 21-23 ms at 0.25 s, 18 ms at 0.02 s). At 0.05 s a
                # worker's batch of new questions (each with a text of its own) costs the writer 0.13 ms of CPU
                # a row, against 0.20-0.23 ms at 0.02 s (bench/profile_load.py, the writer thread's share).
                time.sleep(GATHER_SECONDS)
            stop = self._stopping
            self._busy = True  # before taking rows: flush() sees them either queued or in hand
            batch = []
            while len(batch) < BATCH:
                try:
                    batch.append(self._pending.popleft())
                except IndexError:
                    break
            self._in_hand = len(batch)
            if batch or self._waiting:
                while not self._written(batch):
                    time.sleep(RETRY_SECONDS)  # the database is down: hold the batch, the queue bounds the rest
            self._busy, self._in_hand = False, 0
            if stop and not self._pending:
                return
            with self._database_call():
                self._prune_if_due()
                self._trim_if_due()

    @contextlib.contextmanager
    def _database_call(self):
        """The writer inside the database: the fork lock held (see _forked), and the time it went in noted,
        so that health() can tell a database that does not answer from one that is slow."""
        with self._in_database:
            self._call_started = time.monotonic()
            try:
                yield
            finally:
                self._call_started = 0.0

    def _written(self, batch: list) -> bool:
        """Write one batch while holding the database lock (see _forked); False to retry."""
        with self._database_call():
            return self._write(batch)

    def _write(self, batch: list) -> bool:
        """Write one batch; False when the database failed in a way worth retrying."""
        from sqlalchemy import update

        from .log_schema import DBAPIError, SQLAlchemyError, is_outage, questions

        rows = [item for item in batch if isinstance(item, _Row)]
        votes = self._waiting + [item for item in batch if isinstance(item, _Vote)]
        try:
            self._ensure_schema()
            # each text of the batch once, by its digest, marked used as late as the newest row naming it
            # (see log_schema.texts: rows are in order of asking, so the last row naming a text is its newest)
            wanted: dict[str, tuple[str, datetime]] = {}
            prepared = [self._texts(row) for row in rows]
            for row, (question, question_digest, answer) in zip(rows, prepared):
                wanted[question_digest] = (question, row.at)
                if answer["top_title"]:
                    wanted[answer["title_digest"]] = (answer["top_title"], row.at)
                if answer["answer"]:
                    wanted[answer["answer_digest"]] = (answer["answer"], row.at)
            for vote in votes:  # marked used as late as the row voted on, below, once that row is known
                if vote.comment and digest(vote.comment) not in wanted:
                    wanted[digest(vote.comment)] = (vote.comment, vote.at)
            with self.engine.begin() as conn:
                self._share_texts(conn)
                ids = self._upsert_texts(conn, wanted)
                if rows:
                    self._insert(conn, [self._values(row, ids, texts) for row, texts in zip(rows, prepared)])
                waiting = []
                for vote in votes:
                    comment = ids[digest(vote.comment)] if vote.comment else None
                    done = conn.execute(
                        update(questions)
                        .where(questions.c.answer_id == vote.answer_id)
                        .values(vote=vote.vote, comment_text=comment, voted_at=vote.at)
                    ).rowcount
                    if not done and time.monotonic() < vote.until:
                        waiting.append(vote)  # another worker's row, still on its way
                    elif done and comment is not None:
                        self._used_by(conn, comment, vote.answer_id)
            self._waiting = waiting
            self._grown[0] += len(rows)
            self._grown[1] += len(rows) * ROW_BYTES + sum(TEXT_BYTES + int(len(v.encode()) * TEXT_SHARE)
                                                          for v, _ in wanted.values())
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

    def _insert(self, conn, values: list[dict], skip_known: bool = False) -> None:
        """Insert rows a few dozen at a time, each chunk in one multi-row INSERT: executemany would step (and
        hand the GIL to the answering thread and back) once per row. Between chunks the writer yields, so that
        it never holds an answer up for long. `skip_known`: rows whose answer_id is there already are left."""
        for start in range(0, len(values), INSERT_ROWS):
            chunk = values[start:start + INSERT_ROWS]
            sql, columns = self._insert_sql(len(chunk), tuple(chunk[0]), skip_known)
            conn.exec_driver_sql(sql, tuple(
                convert(row[name]) if convert else row[name] for row in chunk for name, convert in columns
            ))
            time.sleep(0)  # let a waiting request thread take the GIL

    @functools.lru_cache(maxsize=16)  # noqa: B019 — a few batch sizes per log, for the process's life
    def _insert_sql(self, count: int, names: tuple[str, ...],
                    skip_known: bool = False) -> tuple[str, list[tuple[str, Callable | None]]]:
        """The INSERT of `count` rows of these columns in this database's parameter style, and each column's
        converter (how SQLAlchemy would bind its type)."""
        from .log_schema import questions

        dialect = self.engine.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        one = "(" + ", ".join([mark] * len(names)) + ")"
        sql = f"INSERT INTO {questions.name} ({', '.join(names)}) VALUES " + ", ".join([one] * count)
        if skip_known:
            sql += " ON CONFLICT (answer_id) DO NOTHING"
        return sql, [(n, questions.c[n].type.bind_processor(dialect)) for n in names]

    def _upsert_texts(self, conn, wanted: dict[str, tuple[str, datetime]]) -> dict[str, int]:
        """The text table's id of each text (digest → (text, used at)), adding the texts it lacks and marking
        each as used at least as late as given, a hundred to a statement: INSERT … ON CONFLICT … RETURNING,
        the same SQL on SQLite and PostgreSQL. A text another process adds meanwhile is taken as it is (the
        conflict), never twice."""
        ids: dict[str, int] = {}
        items = list(wanted.items())
        for start in range(0, len(items), UPSERT_TEXTS):
            chunk = items[start:start + UPSERT_TEXTS]
            sql, when = self._upsert_sql(len(chunk))
            params = tuple(p for key, (value, used_at) in chunk
                           for p in (key, value, len(value.encode("utf-8")), when(used_at) if when else used_at))
            ids.update((key, int(id_)) for id_, key in conn.exec_driver_sql(sql, params).fetchall())
            time.sleep(0)
        return ids

    def _used_by(self, conn, text_id: int, answer_id: str) -> None:
        """Mark a text used at least as late as the row of `answer_id` was asked (a vote's comment, which
        may come from another server, whose clock is not this one's)."""
        from sqlalchemy import select, update

        from .log_schema import questions, texts

        asked = select(questions.c.asked_at).where(questions.c.answer_id == answer_id).scalar_subquery()
        conn.execute(update(texts).where(texts.c.id == text_id, texts.c.used_at < asked).values(used_at=asked))

    def _share_texts(self, conn) -> None:
        """In a transaction that names texts: no text is dropped as unused until it commits (PostgreSQL; on
        SQLite, one write transaction at a time is the rule anyway). See drop_unused_texts."""
        if self.backend == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock_shared(%s)", (TEXTS_LOCK,))

    @functools.lru_cache(maxsize=8)  # noqa: B019 — a few chunk sizes per log, for the process's life
    def _upsert_sql(self, count: int) -> tuple[str, Callable | None]:
        """The upsert of `count` texts, and the converter of their used_at."""
        from .log_schema import texts

        dialect = self.engine.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        one = f"({mark}, {mark}, {mark}, {mark})"
        name = texts.name
        # never back in time: a server whose clock is behind must not make a text look older than its rows
        sql = (f"INSERT INTO {name} (digest, text, size, used_at) VALUES {', '.join([one] * count)} "
               f"ON CONFLICT (digest) DO UPDATE SET used_at = CASE WHEN excluded.used_at > {name}.used_at "
               f"THEN excluded.used_at ELSE {name}.used_at END RETURNING id, digest")
        return sql, texts.c.used_at.type.bind_processor(dialect)

    def _ensure_schema(self) -> None:
        """Create the log's tables and indexes when they are missing (each worker tries; one wins)."""
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
        """Delete the rows older than LOG_DAYS, and the texts they alone named; how many rows went."""
        from sqlalchemy import delete, select

        from .log_schema import questions

        cutoff = (now or self.clock()) - timedelta(days=self.days)
        removed = 0
        while True:  # a chunk at a time: other processes' writers wait for one chunk, not the whole prune
            with self.engine.begin() as conn:
                ids = select(questions.c.id).where(questions.c.asked_at < cutoff).limit(DELETE_CHUNK)
                done = conn.execute(delete(questions).where(questions.c.id.in_(ids.scalar_subquery()))).rowcount
            removed += done or 0
            if not done or done < DELETE_CHUNK:
                break
            time.sleep(0)
        if removed:
            self.drop_unused_texts()
        return removed

    def drop_unused_texts(self) -> int:
        """Delete the texts no row names any more: those last used before the oldest row was asked (a text
        is marked used as late as the newest row that names it). How many went.

        The oldest row is read in the same statement as the delete, after every transaction naming texts has
        committed (PostgreSQL: their shared lock, this one's exclusive; SQLite: one writer at a time), so a
        row on its way can never lose its text."""
        from sqlalchemy import DateTime, delete, func, literal, select

        from .log_schema import questions, texts

        oldest = func.coalesce(select(func.min(questions.c.asked_at)).scalar_subquery(),
                               literal(datetime(9999, 1, 1), DateTime()))  # no rows: no text is named
        removed = 0
        while True:
            with self.engine.begin() as conn:
                if self.backend == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (TEXTS_LOCK,))
                ids = select(texts.c.id).where(texts.c.used_at < oldest).limit(DELETE_CHUNK)
                done = conn.execute(delete(texts).where(texts.c.id.in_(ids.scalar_subquery()))).rowcount or 0
            removed += done
            if done < DELETE_CHUNK:
                return removed
            time.sleep(0)

    def measure(self) -> dict:
        """{rows, bytes}: how many rows the log holds and about how many bytes it takes (rows and texts, see
        ROW_BYTES), counted from the indexes."""
        from sqlalchemy import func, select

        from .log_schema import questions, texts

        with self.engine.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(questions)).scalar() or 0
            count, size = conn.execute(
                select(func.count(), func.coalesce(func.sum(texts.c.size), 0)).select_from(texts)).one()
        self.size = {"rows": int(rows), "bytes": EMPTY_BYTES + int(rows) * ROW_BYTES + int(count) * TEXT_BYTES
                     + int(int(size) * TEXT_SHARE)}
        self._measured_at, self._grown = time.monotonic(), [0, 0]
        return self.size

    def trim(self) -> int:
        """Within LOG_MAX_ROWS and LOG_MAX_BYTES: the rows asked first deleted (and the texts only they named)
        until the log holds TRIM_TO of each bound; how many rows went."""
        from sqlalchemy import and_, delete, or_, select

        from .log_schema import questions

        q = questions.c
        removed = 0
        for _ in range(5):  # rows first; when texts outweigh what the rows' share freed, again
            size = self.measure()
            rows, used = size["rows"], size["bytes"]
            if rows <= self.max_rows and used <= self.max_bytes:
                break
            keep = max(min(int(self.max_rows * TRIM_TO), int(rows * self.max_bytes * TRIM_TO / max(used, 1))), 1)
            # The oldest row kept: the keep-th newest, in order of asking (several processes write, each a
            # little behind: ids are only nearly in that order), counted from the newest end so that processes
            # trimming at once keep the same rows rather than each dropping its share. Every row asked before
            # it goes, and with them every text last used before it: the texts only those rows named.
            with self.engine.connect() as conn:
                first = conn.execute(select(q.asked_at, q.id).order_by(q.asked_at.desc(), q.id.desc())
                                     .limit(1).offset(keep - 1)).first()
            if first is None:  # fewer rows than `keep` by now: another process trimmed
                continue
            before = or_(q.asked_at < first.asked_at, and_(q.asked_at == first.asked_at, q.id < first.id))
            while True:
                with self.engine.begin() as conn:
                    ids = select(q.id).where(before).limit(DELETE_CHUNK).scalar_subquery()
                    done = conn.execute(delete(questions).where(q.id.in_(ids))).rowcount or 0
                removed += done
                if done < DELETE_CHUNK:
                    break
                time.sleep(0)
            self.drop_unused_texts()
        if removed:
            log.warning("question log over its bound (LOG_MAX_ROWS %s, LOG_MAX_BYTES %s): dropped the %s oldest "
                        "rows", self.max_rows, self.max_bytes, removed)
            self.measure()
        return removed

    def _trim_if_due(self) -> None:
        """Trim when this process has written a hundredth of either bound since the last look, or a minute
        has passed with rows written (other processes write too), and at the writer's start."""
        grown_rows, grown_bytes = self._grown
        due = (not self._measured_at or grown_rows >= self.max_rows * TRIM_GROWTH
               or grown_bytes >= self.max_bytes * TRIM_GROWTH
               or (grown_rows and time.monotonic() - self._measured_at >= TRIM_EVERY_SECONDS))
        if not due:
            return
        from .log_schema import SQLAlchemyError

        try:
            self._ensure_schema()
            self.trim()
        except SQLAlchemyError as exc:
            self._fail(exc)
            self._measured_at = time.monotonic()  # tried: again after the next hundredth or minute

    def _migrate(self) -> None:
        """Read the log of before (one table, every text in every row) into the tables of now, a thousand
        rows a transaction, then drop it. Several processes may do it at once: a row already read in is left."""
        if self._migrated:
            return
        from sqlalchemy import delete, inspect, select

        from .log_schema import SQLAlchemyError, legacy_questions

        try:
            self._ensure_schema()
            if not inspect(self.engine).has_table(legacy_questions.name):
                self._migrated = True
                return
            moved = 0
            while True:
                with self.engine.begin() as conn:
                    old = [dict(r._mapping) for r in conn.execute(
                        select(legacy_questions).order_by(legacy_questions.c.id).limit(MIGRATE_ROWS))]
                    if not old:
                        break
                    moved += self._move(conn, old)
                    conn.execute(delete(legacy_questions).where(legacy_questions.c.id <= old[-1]["id"]))
                time.sleep(0)
            legacy_questions.drop(self.engine, checkfirst=True)
            self._migrated = True
            log.warning("question log: %s rows of the log of before read into its new tables", moved)
        except SQLAlchemyError as exc:
            self._fail(exc)  # tried again when the writer starts next

    def _move(self, conn, old: list[dict]) -> int:
        """Write rows of the log of before into the tables of now; how many."""
        from sqlalchemy import update

        from .log_schema import questions

        wanted: dict[str, str] = {}
        for row in old:
            for key in ("question", "top_title", "answer", "comment"):
                if row[key]:
                    wanted.setdefault(digest(row[key]), row[key])
        newest = max(row["asked_at"] for row in old)
        self._share_texts(conn)
        ids = self._upsert_texts(conn, {key: (value, newest) for key, value in wanted.items()})
        values = [{
            "answer_id": row["answer_id"], "asked_at": row["asked_at"], "day": row["day"],
            "channel": row["channel"], "user_hash": row["user_hash"] or "",
            "question_text": ids[digest(row["question"] or "")] if row["question"] else self._empty_text(conn),
            "intent": row["intent"], "found": row["found"], "top_clause": row["top_clause"] or "",
            "title_text": ids[digest(row["top_title"])] if row["top_title"] else None,
            "answer_text": ids[digest(row["answer"])] if row["answer"] else None,
            "latency_ms": row["latency_ms"],
        } for row in old]
        self._insert(conn, values, skip_known=True)
        for row in old:
            if row["vote"]:
                conn.execute(update(questions).where(questions.c.answer_id == row["answer_id"]).values(
                    vote=row["vote"], voted_at=row["voted_at"],
                    comment_text=ids[digest(row["comment"])] if row["comment"] else None))
        return len(values)

    def _empty_text(self, conn) -> int:
        """The id of the empty text (a question of before that was empty)."""
        return self._upsert_texts(conn, {digest(""): ("", datetime(9999, 1, 1))})[digest("")]

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written (or given up on), votes waiting for their row included;
        False on timeout."""
        deadline = time.monotonic() + timeout
        # the queue before the writer's hand: the writer raises _busy before it takes rows; and the writer out
        # of the database (its prune and trim after a batch done too)
        while self._pending or self._busy or self._waiting or self._call_started:
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
        """{status: ok | degraded | off, backend, problem, queued, dropped, stalled_seconds, rows, bytes,
        max_rows, max_bytes}: for /healthz and the admin. Degraded: the database fails, or has not answered
        the writer for STALL_SECONDS (a hung server: rows pile up on the queue), or rows were dropped lately."""
        bound = {"rows": self.size["rows"], "bytes": self.size["bytes"], "max_rows": self.max_rows,
                 "max_bytes": self.max_bytes}
        if not self.enabled:
            return {"status": "off", "backend": self.backend, "problem": "", "queued": 0, "dropped": 0,
                    "stalled_seconds": 0.0, **bound}
        now = time.monotonic()
        stalled = now - self._call_started if self._call_started else 0.0
        if stalled < self.stall_seconds and (
            (self._failed_at and now - self._failed_at >= RETRY_SECONDS) or not self._schema_ready
        ):
            # nothing written yet, or failing: look now, so that /healthz shows the state of the database
            # itself (a lost connection, a file that cannot be written) and its recovery at once; in a thread
            # of its own, waited for a moment only: a database that never answers must not hold /healthz
            if self._probe is None or not self._probe.is_alive():
                self._probe = threading.Thread(target=self._look, name="question-log-probe", daemon=True)
                self._probe.start()
            self._probe.join(PROBE_WAIT_SECONDS)
        queued = len(self._pending) + self._in_hand  # waiting, and in the writer's hand
        problems = [self.problem] if self._failed_at and self.problem else []
        if stalled >= self.stall_seconds:
            problems.append(f"the log database has not answered for {stalled:.0f} s; {queued} rows wait")
        if self._dropped_at and now - self._dropped_at < DROPPED_RECENTLY_SECONDS:
            problems.append(f"the queue is full ({self.queue_size} rows): {self.dropped} rows dropped")
        if queued and self._thread is not None and not self._thread.is_alive() and self._pid == os.getpid():
            problems.append("the log's writer is not running")
        return {
            "status": "degraded" if self._failed_at or problems else "ok",
            "backend": self.backend,
            "problem": "; ".join(problems)[:600],
            "queued": queued,
            "dropped": self.dropped,
            "stalled_seconds": round(stalled, 1),
            **bound,
        }

    def _look(self) -> None:
        """/healthz's look at a failing (or not yet reached) database: its failure noted, or its recovery."""
        from sqlalchemy import select

        from .log_schema import SQLAlchemyError, questions

        try:
            self._ensure_schema()
            with self.engine.connect() as conn:
                conn.execute(select(questions.c.id).where(questions.c.id < 0))
            if self._failed_at and not self._busy:  # the writer holds no failed batch
                self._failed_at, self.problem = 0.0, ""
        except SQLAlchemyError as exc:
            self._fail(exc)

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

    @staticmethod
    def _with_texts():
        """A SELECT of log rows with their texts, the columns named as the admin pages read them."""
        from sqlalchemy import func, select

        from .log_schema import questions, texts

        q = questions.c
        asked, title, kept, said = (texts.alias(n) for n in ("q_text", "t_text", "a_text", "c_text"))
        joined = (questions.outerjoin(asked, asked.c.id == q.question_text)
                  .outerjoin(title, title.c.id == q.title_text)
                  .outerjoin(kept, kept.c.id == q.answer_text)
                  .outerjoin(said, said.c.id == q.comment_text))
        return select(
            q.id, q.answer_id, q.asked_at, q.day, q.channel, q.user_hash,
            func.coalesce(asked.c.text, "").label("question"), q.intent, q.found, q.top_clause,
            func.coalesce(title.c.text, "").label("top_title"), func.coalesce(kept.c.text, "").label("answer"),
            q.latency_ms, q.vote, said.c.text.label("comment"), q.voted_at,
        ).select_from(joined)

    def questions(
        self, view: str = "recent", days: int = 30, channel: str = "", limit: int = 200
    ) -> list[dict]:
        """The newest questions of a view: recent (all), unanswered (found=false), disliked (👎)."""
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        from .log_schema import questions

        q = questions.c
        statement = self._with_texts().where(q.asked_at >= self._since(days))
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

        from .log_schema import questions, texts

        q = questions.c
        counted = (
            select(
                q.question_text,
                func.count().label("asked"),
                func.sum(case((q.found.is_(False), 1), else_=0)).label("unanswered"),
                func.sum(case((q.vote == "up", 1), else_=0)).label("up"),
                func.sum(case((q.vote == "down", 1), else_=0)).label("down"),
                func.max(q.asked_at).label("last"),
            )
            .where(q.asked_at >= self._since(days))
            .group_by(q.question_text)  # one text per question: grouping by its id groups by the question
            .order_by(func.count().desc(), func.max(q.asked_at).desc())
            .limit(limit)
        )
        if channel:
            counted = counted.where(q.channel == channel)
        top = counted.subquery()
        return self._read(
            select(func.coalesce(texts.c.text, "").label("question"), top.c.asked, top.c.unanswered, top.c.up,
                   top.c.down, top.c.last)
            .select_from(top.outerjoin(texts, texts.c.id == top.c.question_text))
            .order_by(top.c.asked.desc(), top.c.last.desc())
        )

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
        from sqlalchemy import bindparam

        from .log_schema import questions

        rows = self._read(self._with_texts().where(questions.c.answer_id == bindparam("a", answer_id)))
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
