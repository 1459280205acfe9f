"""The shared state store: expiry, bounds, processes, damage."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest

from qa.state import StateStore


def test_put_get_and_expiry(tmp_path):
    store = StateStore(tmp_path / "s.db", ttl_seconds=0.05)
    store.put("a", {"x": 1})
    assert store.get("a") == {"x": 1}
    time.sleep(0.08)
    assert store.get("a") is None


def test_claim_is_granted_once(tmp_path):
    store = StateStore(tmp_path / "s.db")
    assert store.claim("msg", {"state": "working"})
    assert not store.claim("msg", {"state": "working"})
    store.delete("msg")
    assert store.claim("msg", {"state": "working"})


def test_bounded_in_size(tmp_path):
    store = StateStore(tmp_path / "s.db", max_entries=100)
    for n in range(1000):
        store.put(f"session:user{n}", {"n": n})
    assert len(store) <= 300
    assert store.get("session:user999") == {"n": 999}


def _claim(path: str, queue) -> None:
    queue.put(StateStore(path).claim("shared", {"by": "child"}))


def test_claims_across_processes(tmp_path):
    path = str(tmp_path / "s.db")
    StateStore(path)
    queue = multiprocessing.get_context("spawn").Queue()
    workers = [
        multiprocessing.get_context("spawn").Process(target=_claim, args=(path, queue)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(queue.get(timeout=5) for _ in workers) == [False, False, False, True]


def test_damaged_value_loses_only_itself(tmp_path):
    path = tmp_path / "s.db"
    store = StateStore(path)
    store.put("good", {"ok": True})
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO state (key, value, expires) VALUES ('bad', '{not json', ?)", (time.time() + 60,))
    assert store.get("bad") is None and store.get("good") == {"ok": True}


def test_survives_reopening(tmp_path):
    StateStore(tmp_path / "s.db").put("k", {"v": 1})
    assert StateStore(tmp_path / "s.db").get("k") == {"v": 1}


@pytest.mark.parametrize(
    "kwargs, name", [({"ttl_seconds": 0}, "ttl_seconds"), ({"max_entries": 0}, "max_entries")]
)
def test_parameters_are_checked(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        StateStore(tmp_path / "s.db", **kwargs)
