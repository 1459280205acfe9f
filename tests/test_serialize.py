"""AnswerBodies and response_body: an answer's JSON made once per answer object and root, closed per request."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from qa import Answer, Assistant
from web.serialize import AnswerBodies, answer_json, response_body

QUESTIONS = ["简易注销有哪些配合单位？", "盟质监局牵头哪些工作？", "明天天气怎么样？"]


@pytest.fixture()
def qa(app) -> Assistant:
    """The app's assistant."""
    return app.extensions["qa"]


@pytest.fixture()
def bodies(app) -> AnswerBodies:
    """A fresh set of kept bodies on the app's URL map."""
    return AnswerBodies(app.url_map, 16)


def expected(app, answer: Answer, root: str = "") -> dict:
    """The answer's JSON as the view makes it with url_for, under `root`."""
    with app.test_request_context("/api/ask", base_url=f"http://localhost{root}"):
        return answer_json(answer, catalogue=app.extensions["qa"].catalogue)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_closed_body_is_the_answer_json_with_the_requests_fields(app, qa, bodies, question: str):
    answer = qa.ask(question)
    body = response_body(bodies.open_body(qa, answer, ""), 12.34567, "a" * 32)
    assert orjson.loads(body) == {**expected(app, answer), "elapsed_ms": 12.346, "answer_id": "a" * 32}


def test_an_open_body_lacks_only_its_closing_brace(app, qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    opened = bodies.open_body(qa, answer, "")
    assert opened.startswith(b"{") and not opened.endswith(b"}")
    assert orjson.loads(opened + b"}") == expected(app, answer)


def test_links_are_made_under_the_root(app, qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    body = orjson.loads(bodies.open_body(qa, answer, "/qa") + b"}")
    assert body["citations"] and all(c["url"] == f"/qa/clause/{c['id']}" for c in body["citations"])
    assert body == expected(app, answer, "/qa")


def test_links_at_no_root_start_at_the_clause_view(qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    body = orjson.loads(bodies.open_body(qa, answer, "") + b"}")
    assert all(c["url"] == f"/clause/{c['id']}" for c in body["citations"])


def test_the_same_answer_object_gets_the_very_same_bytes(qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    first = bodies.open_body(qa, answer, "")
    assert bodies.open_body(qa, answer, "") is first
    assert len(bodies) == 1


def test_each_root_has_its_own_body(qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    plain, prefixed = bodies.open_body(qa, answer, ""), bodies.open_body(qa, answer, "/qa")
    assert plain != prefixed and b"/qa/clause/" in prefixed and b"/qa/clause/" not in plain
    assert bodies.open_body(qa, answer, "/qa") is prefixed and len(bodies) == 2


def test_an_equal_answer_that_is_another_object_is_made_anew(qa, bodies):
    answer = qa.ask(QUESTIONS[0])
    first = bodies.open_body(qa, answer, "")
    twin = replace(answer)
    again = bodies.open_body(qa, twin, "")
    assert again == first and again is not first


def test_another_assistant_clears_the_kept_bodies(qa, bodies, assistant):
    assert assistant is not qa  # the library-level assistant: as after a reload of the plans
    answer = qa.ask(QUESTIONS[0])
    first = bodies.open_body(qa, answer, "")
    bodies.open_body(assistant, assistant.ask(QUESTIONS[1]), "")
    assert len(bodies) == 1  # the first assistant's body went
    again = bodies.open_body(qa, answer, "")
    assert again == first and again is not first


def test_the_least_recently_used_body_goes_first(app, qa):
    bodies = AnswerBodies(app.url_map, 1)
    one, two = qa.ask(QUESTIONS[0]), qa.ask(QUESTIONS[1])
    first = bodies.open_body(qa, one, "")
    bodies.open_body(qa, two, "")
    assert len(bodies) == 1 and bodies.open_body(qa, one, "") is not first


def test_response_body_rounds_elapsed_and_escapes_the_id():
    body = response_body(b'{"answer":"x"', 0.0004, 'a"b')
    assert orjson.loads(body) == {"answer": "x", "elapsed_ms": 0.0, "answer_id": 'a"b'}


def test_a_bad_size_is_refused(app):
    with pytest.raises(ValueError, match="got 0"):
        AnswerBodies(app.url_map, 0)


def test_each_citation_names_its_plan_and_the_plans_that_answer_are_listed(app, qa, bodies):
    answer = qa.ask("简易注销有哪些配合单位？")
    body = orjson.loads(bodies.open_body(qa, answer, "") + b"}")
    assert [p["id"] for p in body["plans"]] == ["plan"] and body["plans"][0]["short"] == "锡林郭勒盟"
    assert body["plans"][0]["title"].startswith("锡林郭勒盟贯彻落实")
    assert {c["plan"] for c in body["citations"]} == {"plan"}
    bare = answer_json(answer, lambda clause_id: "")  # no catalogue: no plan named
    assert bare["plans"] == [] and bare["citations"][0]["plan"] == ""
