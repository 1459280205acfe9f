"""The state store under faults: an app restart, a worker killed mid-write, 100,000 distinct users."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa.state import StateStore
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]
TOKEN = "state-test-token"

# A worker that writes as the app does: conversations (put) and WeChat message claims (claim, put), forever.
WRITER = """
import sys, time
from qa.state import StateStore
store = StateStore(sys.argv[1], max_entries=int(sys.argv[2]))
n = 0
while True:
    store.put(f"session:killed-{n}", {"terms": ["简易注销"] * 20, "n": n})
    if store.claim(f"wxmsg:{n}", {"state": "pending"}, ttl=20):
        store.put(f"wxmsg:{n}", {"state": "done", "reply": "<xml>" + "答" * 500 + "</xml>"}, ttl=600)
    n += 1
    if n == 50:
        print("writing", flush=True)
"""


def wechat_post(client, user: str, msg_id: int, question: str):
    """A signed plain-mode text message through the test client."""
    from bench.client import wechat_message, wechat_query

    return client.post(
        f"/wechat?{wechat_query(TOKEN)}", data=wechat_message(user, question, msg_id), content_type="text/xml"
    )


def test_conversations_and_wechat_replies_survive_an_app_restart(tmp_path):
    config = {"STATE_DB": str(tmp_path / "state.sqlite3"), "WECHAT_TOKEN": TOKEN, "TESTING": True}
    first = create_app(config).test_client()
    assert (
        first.post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "r"}).status_code
        == 200
    )
    reply = wechat_post(first, "u-restart", 42, "简易注销由哪个单位牵头？")
    assert reply.status_code == 200 and "盟工商局" in reply.get_data(as_text=True)

    restarted = create_app(config)
    follow = restarted.test_client().post("/api/ask", json={"question": "那配合单位呢？", "session_id": "r"})
    assert follow.get_json()["units"] == SIX
    # WeChat resends the same MsgId to the restarted app: the stored reply, not a second answer
    restarted.extensions["qa"].ask = lambda *args: pytest.fail("a resent message was answered again")
    resent = wechat_post(restarted.test_client(), "u-restart", 42, "简易注销由哪个单位牵头？")
    assert resent.get_data() == reply.get_data()


def test_a_worker_killed_while_writing_leaves_the_store_intact(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = StateStore(path, max_entries=300)
    for n in range(100):  # expiring after the writer's keys: the bound drops those first
        store.put(f"session:kept-{n}", {"n": n}, ttl=7200)
    for kill in range(4):  # killed at different points: inside a write, a commit, a clean-up of old keys
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), "300"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        try:
            assert writer.stdout.readline().strip() == "writing"
            time.sleep(0.05 + 0.07 * kill)
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(10)
        assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reopened = StateStore(path, max_entries=300)
    assert all(reopened.get(f"session:kept-{n}") == {"n": n} for n in range(100))
    reopened.put("after", {"ok": True})
    assert reopened.get("after") == {"ok": True}


def test_bounded_over_100000_distinct_users(tmp_path):
    path = tmp_path / "state.sqlite3"
    app = create_app({"STATE_DB": str(path), "MAX_SESSIONS": 500, "TESTING": True})
    assistant, once, store = app.extensions["qa"], app.extensions["wechat"]["once"], app.extensions["state"]

    def size() -> int:  # the database with its write-ahead log, as the app leaves them
        return sum(p.stat().st_size for p in tmp_path.glob("state.sqlite3*"))

    sizes = []
    for n in range(100_000):
        # each user asks once, as from the chat page or from WeChat (a conversation and a message key)
        assistant.ask("简易注销由哪个单位牵头？", f"user-{n}")
        if n % 4 == 0:
            once.reply(once.key("wechat", "gh", str(n)), lambda: "<xml>reply</xml>")
        if n in (49_999, 99_999):
            sizes.append(size())
    assert store.count("session") <= 500 + 200  # clean-up runs every 200 writes
    assert store.count("wxmsg") == 25_000  # conversations never evict a message's once-only record
    assert path.stat().st_size < 8 * 1024 * 1024
    assert sizes[1] < 12 * 1024 * 1024, f"{sizes[1]} bytes for 700 conversations and 25,000 message records"
    # the file grows only with the message records, which expire after ten minutes (their own bound)
    assert assistant.ask("那配合单位呢？", "user-99999").units == tuple(SIX)  # the newest users are kept


def test_put_json_stores_text_that_get_reads_as_a_dict(tmp_path):
    store = StateStore(tmp_path / "s.db")
    store.put_json("session:j", '{"terms": ["简易注销"], "units": []}')
    assert store.get("session:j") == {"terms": ["简易注销"], "units": []}
    store.put_json("session:j", '{"replaced": true}')
    assert store.get("session:j") == {"replaced": True}


def test_put_json_honours_the_ttl(tmp_path):
    store = StateStore(tmp_path / "s.db", ttl_seconds=60)
    store.put_json("session:short", '{"x": 1}', ttl=0.05)
    time.sleep(0.08)
    assert store.get("session:short") is None


def test_put_json_keeps_its_space_bounded(tmp_path):
    store = StateStore(tmp_path / "s.db", max_entries=100)
    for n in range(1000):
        store.put_json(f"session:user{n}", f'{{"n": {n}}}')
    assert store.count("session") <= 300 and store.get("session:user999") == {"n": 999}


FORK_OK, FORK_FAILED = 17, 18  # the child's exit codes (not 0/1: a crash cannot pass for either)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(tmp_path):
    """gunicorn --preload forks after the app opened the store: the child must neither use nor close the
    parent's connection (closing it could checkpoint and delete the -wal and -shm the parent relies on)."""
    from test_log import wait_for_child

    path = tmp_path / "s.db"
    store = StateStore(path)
    store.put("parent", {"by": "parent"})
    sidecars = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    assert len(sidecars) == 2  # WAL mode: both exist while the parent's connection is open
    parents = store.backend._local.conn
    pid = os.fork()
    if pid == 0:  # the child: nothing here may return into pytest
        code = FORK_FAILED
        try:
            store.put("child", {"by": "child"})
            ok = store.get("parent") == {"by": "parent"} and store.get("child") == {"by": "child"}
            ok = ok and store.backend._local.conn is not parents and store.healthy
            store.close()  # a worker shutting down closes its own connection only
            code = FORK_OK if ok else FORK_FAILED
        finally:
            os._exit(code)
    assert wait_for_child(pid) == FORK_OK
    assert all(p.exists() for p in sidecars)  # the child's exit left the parent's files in place
    assert store.backend._local.conn is parents  # and the parent's connection still serves it
    assert store.get("child") == {"by": "child"} and store.get("parent") == {"by": "parent"}
    store.put("after", {"ok": True})
    assert store.get("after") == {"ok": True} and store.healthy
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_expired_counters_are_pruned(tmp_path):
    """Login counters (incr) from thousands of addresses go once their window has passed (#23, 7)."""
    store = StateStore(tmp_path / "s.db")
    for n in range(1000):
        store.incr(f"login:10.0.{n // 256}.{n % 256}", ttl=0.2)
    time.sleep(0.3)
    for n in range(400):
        assert store.incr(f"login:10.1.{n // 256}.{n % 256}", ttl=60) == 1
    assert store.count("login") <= 400
    assert store.incr("login:10.1.0.0", ttl=60) == 2  # a live window is never pruned


def test_a_write_waits_for_another_connections_lock_in_short_steps(tmp_path):
    """A write while another process briefly holds the lock goes through soon after it is let go; SQLite's own
    busy handler would first sleep a whole millisecond, thirty writes' time."""
    from qa.state import sqlite as backend

    path = tmp_path / "state.sqlite3"
    store = StateStore(str(path))
    store.put("session:a", {"n": 1})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waits: list[float] = []
    real_sleep = time.sleep

    writer = threading.get_ident()

    def sleep(seconds: float) -> None:
        if threading.get_ident() != writer:  # time.sleep is the module's: another test's thread may sleep meanwhile
            real_sleep(seconds)
            return
        waits.append(seconds)
        if len(waits) == 3:
            holder.execute("COMMIT")  # the other process lets go while the write waits
        real_sleep(seconds)

    try:
        backend.time.sleep = sleep
        store.put("session:a", {"n": 2})
    finally:
        backend.time.sleep = real_sleep
        holder.close()
    assert store.get("session:a") == {"n": 2}
    assert waits == [backend.FIRST_WAIT_SECONDS * 2**i for i in range(3)]  # 20, 40, 80 µs: then it went through
    assert store.problem == ""


def test_a_lock_held_past_the_busy_time_fails_the_write_and_other_errors_are_not_retried(tmp_path):
    """A lock held longer than BUSY_SECONDS is an error (the store then counts as down), after waits that never
    exceed LONGEST_WAIT_SECONDS; an error other than busy is raised at once."""
    from qa.state import sqlite as backend

    path = tmp_path / "state.sqlite3"
    StateStore(str(path)).put("session:a", {"n": 1})
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=0")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as busy:
            backend.execute(conn, "DELETE FROM state WHERE key = ?", ("session:a",))
        took = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert backend.is_busy(busy.value) and "locked" in str(busy.value)
    assert backend.BUSY_SECONDS <= took < backend.BUSY_SECONDS + 0.25
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError) as wrong:
        backend.execute(conn, "DELETE FROM no_such_table")
    assert not backend.is_busy(wrong.value) and time.monotonic() - started < 0.05
    assert backend.execute(conn, "SELECT key FROM state WHERE key = 'session:a'").fetchone()  # it survived it all
    conn.close()
