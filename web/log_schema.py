"""The question log's database: its tables, and engines for SQLite and PostgreSQL, through SQLAlchemy Core.

Imported by web.question_log when the log first reaches its database (its writer, a page, /healthz), not at
start-up: SQLAlchemy takes a third of a second to import, and a server answers without it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy import text as text_clause
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

__all__ = ["DBAPIError", "SQLAlchemyError", "is_outage", "legacy_questions", "make_engine", "metadata",
           "questions", "texts"]

metadata = MetaData()
# BigInteger ids on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
ROW_ID = BigInteger().with_variant(Integer, "sqlite")
# Every text of the log (questions, answers, clause titles, comments) once, however many rows name it: a
# flood of one question costs a row each, not its text each. A text no row names any more goes when the rows
# are pruned: `used_at` is the time of the newest row written with it, so a text used before the oldest row
# left is used by none.
texts = Table(
    "qa_texts",
    metadata,
    Column("id", ROW_ID, primary_key=True, autoincrement=True),
    Column("digest", String(32), nullable=False, unique=True),  # BLAKE2b-128 of the text, in hex
    Column("text", Text, nullable=False),
    Column("size", Integer, nullable=False),  # its bytes in UTF-8: the log's byte bound counts them
    Column("used_at", DateTime(), nullable=False),  # UTC, as asked_at
    # the prune reads a range of used_at; the byte count sums size from the index alone
    Index("ix_qa_texts_used_at", "used_at", "size"),
)
questions = Table(
    "qa_log",
    metadata,
    Column("id", ROW_ID, primary_key=True, autoincrement=True),  # in the order written: the oldest go first
    Column("answer_id", String(40), nullable=False, unique=True),
    Column("asked_at", DateTime(), nullable=False),  # UTC, without a zone: the same in SQLite and PostgreSQL
    Column("day", String(10), nullable=False),  # the server's local date, so that the chart counts local days
    Column("channel", String(16), nullable=False),
    Column("user_hash", String(32), nullable=False, default=""),  # keyed hash of a WeChat/WeCom user id
    Column("question_text", ROW_ID, nullable=False),  # qa_texts.id of the question
    Column("intent", String(24), nullable=False),
    Column("found", Boolean, nullable=False),
    Column("top_clause", String(64), nullable=False, default=""),
    Column("title_text", ROW_ID),  # qa_texts.id of the top clause's path and title; NULL: no clause
    Column("answer_text", ROW_ID),  # qa_texts.id of the answer's first characters
    Column("latency_ms", Float, nullable=False),
    Column("vote", String(4)),  # up | down | NULL
    Column("comment_text", ROW_ID),  # qa_texts.id of the vote's comment; NULL: none
    Column("voted_at", DateTime()),
    # Every view reads a time range (asked_at). The unanswered and disliked views also read only the few rows
    # refused or voted on: partial indexes hold those rows alone, so logging a question answered and not
    # voted on writes two indexes, not four.
    Index("ix_qa_log_asked_at", "asked_at"),
    Index("ix_qa_log_found", "found", "asked_at",
          sqlite_where=text_clause("found IS 0"), postgresql_where=text_clause("found IS false")),
    Index("ix_qa_log_vote", "vote", "asked_at",
          sqlite_where=text_clause("vote IS NOT NULL"), postgresql_where=text_clause("vote IS NOT NULL")),
)
# The log as it was before its texts had a table of their own (every text in every row): read once, by the
# writer that finds it, into the tables above, then dropped. Never created.
legacy_questions = Table(
    "qa_questions",
    MetaData(),
    Column("id", ROW_ID, primary_key=True),
    Column("answer_id", String(40)),
    Column("asked_at", DateTime()),
    Column("day", String(10)),
    Column("channel", String(16)),
    Column("user_hash", String(32)),
    Column("question", Text),
    Column("intent", String(24)),
    Column("found", Boolean),
    Column("top_clause", String(64)),
    Column("top_title", String(200)),
    Column("answer", Text),
    Column("latency_ms", Float),
    Column("vote", String(4)),
    Column("comment", Text),
    Column("voted_at", DateTime()),
)


def make_engine(url: str) -> Engine:
    """An engine for a log URL: SQLite (WAL, waits for locks) or a server database (checked connections)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or path == ":memory:":  # one shared connection, or each thread would see its own database
            engine = create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers (admin pages) never block the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA mmap_size=268435456")  # the workers share the file: pages re-read cheaply
            cursor.close()

        return engine
    # A server that stops answering mid-query (hung, or cut off by the network) holds the writer: keepalives
    # and tcp_user_timeout end such a connection within a minute, where the system's defaults wait ~15 min.
    connect_args = {"connect_timeout": 3, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                    "keepalives_count": 3, "tcp_user_timeout": 30000} if url.startswith("postgresql") else {}
    # pre_ping: a connection the server dropped (restart, failover) is replaced instead of failing a write
    return create_engine(
        url, pool_pre_ping=True, pool_size=3, max_overflow=2, pool_recycle=1800, connect_args=connect_args
    )


def is_outage(exc: DBAPIError) -> bool:
    """Whether a database error is the database being away (worth retrying), not a refused row."""
    return isinstance(exc, (OperationalError, InterfaceError))


