"""The question log's database: its table, and engines for SQLite and PostgreSQL, through SQLAlchemy Core.

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

__all__ = ["DBAPIError", "SQLAlchemyError", "is_outage", "make_engine", "metadata", "questions"]

metadata = MetaData()
# BigInteger ids on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
ROW_ID = BigInteger().with_variant(Integer, "sqlite")
questions = Table(
    "qa_questions",
    metadata,
    Column("id", ROW_ID, primary_key=True, autoincrement=True),
    Column("answer_id", String(40), nullable=False, unique=True),
    Column("asked_at", DateTime(), nullable=False),  # UTC, without a zone: the same in SQLite and PostgreSQL
    Column("day", String(10), nullable=False),  # the server's local date, so that the chart counts local days
    Column("channel", String(16), nullable=False),
    Column("user_hash", String(32), nullable=False, default=""),  # keyed hash of a WeChat/WeCom user id
    Column("question", Text, nullable=False),
    Column("intent", String(24), nullable=False),
    Column("found", Boolean, nullable=False),
    Column("top_clause", String(64), nullable=False, default=""),
    Column("top_title", String(200), nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Column("latency_ms", Float, nullable=False),
    Column("vote", String(4)),  # up | down | NULL
    Column("comment", Text),
    Column("voted_at", DateTime()),
    # Every view reads a time range (asked_at). The unanswered and disliked views also read only the few rows
    # refused or voted on: partial indexes hold those rows alone, so logging a question answered and not
    # voted on writes two indexes, not four.
    Index("ix_qa_questions_asked_at", "asked_at"),
    Index("ix_qa_questions_found", "found", "asked_at",
          sqlite_where=text_clause("found IS 0"), postgresql_where=text_clause("found IS false")),
    Index("ix_qa_questions_vote", "vote", "asked_at",
          sqlite_where=text_clause("vote IS NOT NULL"), postgresql_where=text_clause("vote IS NOT NULL")),
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
    connect_args = {"connect_timeout": 3} if url.startswith("postgresql") else {}
    # pre_ping: a connection the server dropped (restart, failover) is replaced instead of failing a write
    return create_engine(
        url, pool_pre_ping=True, pool_size=3, max_overflow=2, pool_recycle=1800, connect_args=connect_args
    )


def is_outage(exc: DBAPIError) -> bool:
    """Whether a database error is the database being away (worth retrying), not a refused row."""
    return isinstance(exc, (OperationalError, InterfaceError))


