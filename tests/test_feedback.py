"""POST /api/feedback: the contract the chat page's 👍/👎 relies on, and the vote reaching its answer's row."""

from __future__ import annotations

import pytest

from web import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app with its own state and instance folder."""
    folder = tmp_path_factory.mktemp("feedback")
    app = create_app({"STATE_DB": str(folder / "state.sqlite3"), "TESTING": True})
    yield app
    app.extensions["log"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def answer_id(client) -> str:
    """The answer_id of a fresh answer."""
    body = client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()
    assert isinstance(body["answer_id"], str) and body["answer_id"]
    return body["answer_id"]


def test_ask_gives_each_answer_its_own_id(client):
    ids = {
        client.post("/api/ask", json={"question": "简易注销有哪些配合单位？"}).get_json()["answer_id"]
        for _ in range(3)
    }
    assert len(ids) == 3


def test_a_vote_is_ok_and_attaches_to_its_answer(app, client, answer_id):
    response = client.post(
        "/api/feedback", json={"answer_id": answer_id, "vote": "down", "comment": "漏了盟住建局"}
    )
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    question_log = app.extensions["log"]
    assert question_log.flush()
    row = question_log.row(answer_id)
    assert (row["vote"], row["comment"], row["question"]) == (
        "down",
        "漏了盟住建局",
        "简易注销有哪些配合单位？",
    )


def test_a_second_vote_replaces_the_first(app, client, answer_id):
    assert client.post("/api/feedback", json={"answer_id": answer_id, "vote": "down"}).status_code == 200
    assert (
        client.post("/api/feedback", json={"answer_id": answer_id, "vote": "up", "comment": None}).status_code
        == 200
    )
    assert app.extensions["log"].flush()
    assert app.extensions["log"].row(answer_id)["vote"] == "up"


def test_a_vote_reaching_another_worker_attaches_too(app, tmp_path_factory, answer_id):
    """Another worker process of the same server (same instance folder: same secret, same log)."""
    other = create_app({"STATE_DB": app.config["STATE_DB"], "TESTING": True})
    response = other.test_client().post("/api/feedback", json={"answer_id": answer_id, "vote": "up"})
    assert response.status_code == 200
    assert app.extensions["log"].flush() and other.extensions["log"].flush()
    assert app.extensions["log"].row(answer_id)["vote"] == "up"
    other.extensions["log"].close()


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"vote": "up"}, "answer_id"),
        ({"answer_id": 42, "vote": "up"}, "answer_id"),
        ({"answer_id": "", "vote": "up"}, "answer_id"),
        ({"answer_id": "   ", "vote": "up"}, "answer_id"),
        ({"answer_id": "a" * 65, "vote": "up"}, "answer_id"),
        ({"answer_id": "ANSWER", "vote": "meh"}, "vote"),
        ({"answer_id": "ANSWER"}, "vote"),
        ({"answer_id": "ANSWER", "vote": "UP"}, "vote"),
        ({"answer_id": "ANSWER", "vote": True}, "vote"),
        ({"answer_id": "ANSWER", "vote": "up", "comment": 5}, "comment"),
        ({"answer_id": "ANSWER", "vote": "up", "comment": ["a"]}, "comment"),
        ({"answer_id": "ANSWER", "vote": "up", "comment": "长" * 501}, "comment"),
        ([], "JSON object"),
        ("up", "JSON object"),
    ],
)
def test_bad_input_is_400_with_a_reason(client, answer_id, body, reason):
    if isinstance(body, dict) and body.get("answer_id") == "ANSWER":
        body = {**body, "answer_id": answer_id}
    response = client.post("/api/feedback", json=body)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]


def test_a_comment_of_500_characters_is_taken(client, answer_id):
    response = client.post(
        "/api/feedback", json={"answer_id": answer_id, "vote": "down", "comment": "长" * 500}
    )
    assert response.status_code == 200


def test_not_json_is_400(client):
    assert client.post("/api/feedback", data="answer_id=x&vote=up").status_code == 400
    broken = client.post("/api/feedback", data="{", content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]
    surrogate = client.post(
        "/api/feedback",
        data='{"answer_id": "x", "vote": "up", "comment": "\\udfff"}',
        content_type="application/json",
    )
    assert surrogate.status_code == 400 and "Unicode" in surrogate.get_json()["error"]


def test_an_unknown_answer_id_is_404(client, answer_id):
    for unknown in ("0" * 32, answer_id[:-1] + ("0" if answer_id[-1] != "0" else "1"), "not-an-answer"):
        response = client.post("/api/feedback", json={"answer_id": unknown, "vote": "up"})
        assert response.status_code == 404 and response.get_json()["error"]


def test_get_is_405_with_a_reason(client):
    response = client.get("/api/feedback")
    assert (
        response.status_code == 405 and response.get_json()["error"] and "POST" in response.headers["Allow"]
    )


def test_feedback_needs_no_login_and_no_csrf_token(client, answer_id):
    """The chat page is public: its vote is an API call, as /api/ask is."""
    response = client.post(
        "/api/feedback",
        json={"answer_id": answer_id, "vote": "up"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
