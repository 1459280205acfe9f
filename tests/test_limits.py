"""A question of 10,000 characters: refused by the endpoints, answered by the library, in under 50 ms."""

from __future__ import annotations

import time
from pathlib import Path

from web import create_app
from bench.client import wechat_message, wechat_query

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 1.0  # a bound on blow-ups (a loaded CI machine is slow); the speed itself is bench/run.py's
TOKEN = "limits-test-token"


def pasted(n: int) -> str:
    """The n-th 10,000 characters pasted from the plan itself: full of terms, unit names and duties."""
    text = (ROOT / "corpus" / "plan.txt").read_text(encoding="utf-8").replace("\n", "") * 8
    return text[n * 3001 : n * 3001 + 10_000]


def timed(call):
    """(result, seconds) of one call."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_api_refuses_a_10000_character_question_quickly(client):
    for n in range(5):
        response, seconds = timed(
            lambda: client.post("/api/ask", json={"question": pasted(n), "session_id": "long"})
        )
        assert response.status_code == 400 and "too long" in response.get_json()["error"]
        assert seconds < LIMIT_S, f"{seconds * 1000:.1f} ms"


def test_library_answers_a_10000_character_question_quickly(assistant):
    for n in range(5):  # each one new: no cached reading or answer helps
        question = pasted(n)
        assert len(question) == 10_000
        answer, seconds = timed(lambda: assistant.ask(question, f"long-{n}"))
        assert answer.answer and (answer.found or not answer.citations)
        assert seconds < LIMIT_S, f"{seconds * 1000:.1f} ms"


def test_wechat_refuses_a_10000_character_message_quickly(tmp_path):
    client = create_app(
        {"STATE_DB": str(tmp_path / "s.sqlite3"), "WECHAT_TOKEN": TOKEN, "TESTING": True}
    ).test_client()
    for msg_id, question in enumerate([pasted(0), "a" * 10_000]):  # 30 KB of Chinese, 10 KB of ASCII
        response, seconds = timed(
            lambda: client.post(
                f"/wechat?{wechat_query(TOKEN)}",
                content_type="text/xml",
                data=wechat_message("long", question, msg_id),
            )
        )
        if response.status_code == 200:  # small enough a body: a reply saying the question is too long
            assert "太长" in response.get_data(as_text=True)
        else:
            assert response.status_code == 413
        assert seconds < LIMIT_S, f"{seconds * 1000:.1f} ms"
