"""Faults injected into the state store while questions arrive: a truncated file, garbage, a read-only file,
the state folder deleted, the file locked for 10 s. Every answer on /api/ask is a 200 (without context while
the store is down); /wechat is a 200, or a 503 while the store cannot tell a replay (it fails closed);
/healthz says the store is degraded, and it comes back on its own."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from qa.state import StateStore
from web import create_app

TOKEN = "fault-test-token"
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]
message_ids = itertools.count(10_000)


class Load:
    """Threads asking through /api/ask (a question and its follow-up) and /wechat until stopped."""

    def __init__(self, app, threads: int = 3):
        self.app, self.statuses, self.wechat, self.stop = app, [], [], threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def _run(self, n: int) -> None:
        from bench.client import wechat_message, wechat_query

        client = self.app.test_client()
        for turn in itertools.count():
            if self.stop.is_set():
                return
            session = f"load-{n}-{turn}"
            for question in ("简易注销由哪个单位牵头？", "那配合单位呢？"):
                response = client.post("/api/ask", json={"question": question, "session_id": session})
                self.statuses.append(response.status_code)
            body = wechat_message(f"user-{n}", "简易注销由哪个单位牵头？", next(message_ids))
            response = client.post(f"/wechat?{wechat_query(TOKEN)}", data=body, content_type="text/xml")
            self.wechat.append(response.status_code)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def wait_for(app, status: str, seconds: float = 15.0) -> dict:
    """Poll /healthz until the store reports `status`; the last health seen."""
    client, deadline = app.test_client(), time.monotonic() + seconds
    while True:
        health = client.get("/healthz").get_json()
        if health["state"]["status"] == status or time.monotonic() > deadline:
            return health
        time.sleep(0.1)


@pytest.fixture()
def app(tmp_path):
    state = tmp_path / "state" / "state.sqlite3"
    return create_app({"STATE_DB": str(state), "WECHAT_TOKEN": TOKEN, "TESTING": True})


def state_path(app) -> Path:
    return Path(app.config["STATE_DB"])


def wechat_works(app) -> bool:
    """A new WeChat message is answered (200 with a reply)."""
    from bench.client import wechat_message, wechat_query

    body = wechat_message("after", "简易注销由哪个单位牵头？", next(message_ids))
    response = app.test_client().post(f"/wechat?{wechat_query(TOKEN)}", data=body, content_type="text/xml")
    return response.status_code == 200 and "盟工商局" in response.get_data(as_text=True)


def follow_up_works(app) -> bool:
    client = app.test_client()
    client.post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "after"})
    return client.post("/api/ask", json={"question": "那配合单位呢？", "session_id": "after"}).get_json()["units"] == SIX


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_file_is_moved_aside_and_replaced(app, damage):
    path = state_path(app)
    with Load(app) as load:
        if damage == "truncate":
            os.truncate(path, 100)
        else:
            path.write_bytes(os.urandom(8192))
        time.sleep(1.5)
    assert load.statuses and set(load.statuses) == {200} and set(load.wechat) <= {200, 503}
    assert wait_for(app, "ok")["state"]["status"] == "ok"
    assert follow_up_works(app) and wechat_works(app)
    # Where a read met the damage the file was moved aside (state.sqlite3.damaged-…); SQLite's write-ahead
    # log may also write the pages back first, and then nothing needs moving.


def test_a_garbage_file_at_start_up_is_replaced(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    app = create_app({"STATE_DB": str(path), "WECHAT_TOKEN": TOKEN, "TESTING": True})
    assert app.test_client().get("/healthz").get_json()["state"]["status"] == "ok"
    assert follow_up_works(app)


@pytest.mark.skipif(shutil.which("chattr") is None or os.geteuid() != 0, reason="chattr +i needs root")
def test_a_read_only_file_degrades_then_recovers(app):
    # The state file made immutable, as an operator might (SQLite's own -shm memory map cannot be guarded
    # against a file made immutable under it: writing to such a mapping is a SIGBUS, whatever the program)
    path = state_path(app)
    files = [str(path)]
    try:
        with Load(app) as load:
            subprocess.run(["chattr", "+i", *files], check=True)
            degraded = wait_for(app, "degraded")
            # the store stays unwritable until a WeChat message has met it (one turn of the load, or a little more)
            deadline = time.monotonic() + 15
            while 503 not in load.wechat and time.monotonic() < deadline:
                time.sleep(0.05)
            subprocess.run(["chattr", "-i", *files], check=True)
            healthy = wait_for(app, "ok")
    finally:
        subprocess.run(["chattr", "-i", *files], check=False)
    assert degraded["state"]["status"] == "degraded" and degraded["status"] == "degraded"
    assert healthy["state"]["status"] == "ok"
    assert load.statuses and set(load.statuses) == {200}
    assert set(load.wechat) <= {200, 503} and 503 in load.wechat  # refused, never answered unchecked
    assert follow_up_works(app) and wechat_works(app)


def test_a_lock_held_for_10_seconds_degrades_then_recovers(app):
    path = state_path(app)
    holder = sqlite3.connect(path, isolation_level=None)
    with Load(app) as load:
        holder.execute("BEGIN EXCLUSIVE")
        degraded = wait_for(app, "degraded")
        started = time.monotonic()
        answer = app.test_client().post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "x"})
        slowest = time.monotonic() - started
        time.sleep(max(0.0, 10 - 1))
        holder.execute("ROLLBACK")
        healthy = wait_for(app, "ok")
    holder.close()
    assert degraded["state"]["status"] == "degraded" and answer.status_code == 200
    assert slowest < 2.0  # a locked store costs at most its short busy timeout, never the lock's 10 s
    assert healthy["state"]["status"] == "ok"
    assert load.statuses and set(load.statuses) == {200}
    assert set(load.wechat) <= {200, 503} and 503 in load.wechat  # refused, never answered unchecked
    assert wechat_works(app)


def test_the_state_folder_deleted_under_two_workers_keeps_them_on_one_file(tmp_path):
    """Two apps on one path (as gunicorn's workers): after the folder is deleted, both reopen the same new file."""
    config = {"STATE_DB": str(tmp_path / "state" / "state.sqlite3"), "WECHAT_TOKEN": TOKEN, "TESTING": True}
    first, second = create_app(config), create_app(config)
    with Load(first) as load:
        shutil.rmtree(tmp_path / "state")
        time.sleep(1.5)
    assert set(load.statuses) == {200} and set(load.wechat) <= {200, 503}
    time.sleep(1.1)  # each worker checks the file's identity once a second
    asked = first.test_client().post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "s"})
    follow = second.test_client().post("/api/ask", json={"question": "那配合单位呢？", "session_id": "s"})
    assert asked.status_code == 200 and follow.get_json()["units"] == SIX
    assert (tmp_path / "state" / "state.sqlite3").exists()


def test_sessions_never_evict_message_records(tmp_path):
    store = StateStore(tmp_path / "s.db", max_entries=50)
    store.claim("wxmsg:first", {"state": "done", "reply": "答"}, ttl=600)
    for n in range(400):
        store.put(f"session:u{n}", {"n": n}, ttl=5)  # sessions that expire sooner than the record
    assert store.get("wxmsg:first") == {"state": "done", "reply": "答"}
    assert store.count("session") <= 50 + 200


def test_an_api_session_cannot_reach_a_wechat_conversation(app):
    from bench.client import wechat_message, wechat_query

    client = app.test_client()
    body = wechat_message("openid-1", "简易注销由哪个单位牵头？", next(message_ids))
    assert client.post(f"/wechat?{wechat_query(TOKEN)}", data=body, content_type="text/xml").status_code == 200
    steered = client.post("/api/ask", json={"question": "那配合单位呢？", "session_id": "wechat:openid-1"})
    assert steered.get_json()["units"] != SIX  # no context crossed from the WeChat user
    assert client.post("/api/ask", json={"question": "那配合单位呢？", "session_id": 4242}).status_code == 400
