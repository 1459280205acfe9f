"""The state store on a real Redis: the same behaviour as SQLite, shared by two app servers; Redis stopped
mid-run loses no answer and the store recovers when it returns."""

from __future__ import annotations

import multiprocessing
import time

from qa.state import StateStore
from web import create_app

SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]


def test_values_expire_and_claims_are_once(redis_server):
    store = StateStore(redis_server.url, ttl_seconds=0.2)
    store.put("session:a", {"x": 1})
    assert store.get("session:a") == {"x": 1}
    time.sleep(0.3)
    assert store.get("session:a") is None
    assert store.claim("wxmsg:m", {"state": "pending"}, ttl=5)
    assert not store.claim("wxmsg:m", {"state": "pending"}, ttl=5)
    store.delete("wxmsg:m")
    assert store.claim("wxmsg:m", {"state": "pending"}, ttl=5)
    assert [store.incr("limit:1.2.3.4", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert store.health() == {"status": "ok", "backend": "redis", "problem": ""}


def _claim(url: str, queue) -> None:
    queue.put(StateStore(url).claim("wxmsg:shared", {"by": "child"}, ttl=30))


def test_one_claim_wins_across_processes(redis_server):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_claim, args=(redis_server.url, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(queue.get(timeout=5) for _ in workers) == [False, False, False, True]


def test_two_servers_share_a_conversation(redis_server, tmp_path):
    config = {"STATE_URL": redis_server.url, "STATE_DB": str(tmp_path / "unused.db"), "TESTING": True}
    first, second = create_app(config).test_client(), create_app(config).test_client()
    first.post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "shared"})
    follow = second.post("/api/ask", json={"question": "那配合单位呢？", "session_id": "shared"})
    assert follow.get_json()["units"] == SIX
    assert not (tmp_path / "unused.db").exists()


def test_redis_stopped_mid_run_loses_no_answer_and_recovers(redis_server, tmp_path):
    app = create_app({"STATE_URL": redis_server.url, "STATE_DB": str(tmp_path / "x.db"), "TESTING": True})
    client = app.test_client()
    redis_server.stop()
    started = time.monotonic()
    answers = [client.post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": f"s{n}"})
               for n in range(20)]
    assert all(a.status_code == 200 and a.get_json()["units"] == ["盟工商局"] for a in answers)
    assert time.monotonic() - started < 10  # a dead Redis costs a short timeout now and then, not each time
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["state"]["status"] == "degraded"
    redis_server.start()
    time.sleep(1.1)
    assert client.get("/healthz").get_json()["state"]["status"] == "ok"
    client.post("/api/ask", json={"question": "简易注销由哪个单位牵头？", "session_id": "back"})
    assert client.post("/api/ask", json={"question": "那配合单位呢？", "session_id": "back"}).get_json()["units"] == SIX
