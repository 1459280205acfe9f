"""The JSON API: /api/ask, /api/clauses, /api/units, /healthz, /openapi.json."""

from __future__ import annotations

import io
import json
import logging
import time

import orjson
from flask import Blueprint, Flask, current_app, jsonify, request

from . import INTERNAL_ERROR, SECURITY_HEADERS, too_large
from . import current_assistant as assistant
from .openapi import openapi_spec
from .question_log import MAX_COMMENT, VOTES, record_answer
from .serialize import clause_json, response_body

bp = Blueprint("api", __name__)
log = logging.getLogger("qa.app")


def error(status: int, message: str):
    """A JSON error with a reason."""
    response = jsonify({"error": message})
    response.status_code = status
    return response


def read_question(payload: object, limit: int) -> tuple[str, str]:
    """(question, session_id) from a request body, the question at most `limit` characters; ValueError
    says what is wrong."""
    if not isinstance(payload, dict):
        raise ValueError('the body must be a JSON object such as {"question": "…"}')
    question = payload.get("question")
    if question is None:
        raise ValueError("missing field: question")
    if not isinstance(question, str):
        raise ValueError("question must be a string")
    question = question.strip()
    if not question:
        raise ValueError("question is empty")
    if len(question) > limit:
        raise ValueError(f"question is too long ({len(question)} characters; at most {limit})")
    session = payload.get("session_id", "")
    if session is None:
        session = ""
    if not isinstance(session, str) or len(session) > 200:  # 4242 and "4242" must not be the same session
        raise ValueError("session_id must be a string of at most 200 characters")
    try:
        str(session).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON "\udfff"
        raise ValueError("session_id is not valid Unicode text") from None
    return question, str(session)


def read_plan(payload: object) -> str | None:
    """The optional `plan` of a request body (an id or a name; "all" or "" for every plan); ValueError says
    what is wrong."""
    plan = payload.get("plan") if isinstance(payload, dict) else None
    if plan is None:
        return None
    if not isinstance(plan, str) or len(plan) > 200:
        raise ValueError("plan must be a string of at most 200 characters: a plan's id or name")
    return plan.strip()


def json_payload() -> object:
    """The request's JSON body; ValueError says what is wrong with it."""
    if not request.is_json:
        raise ValueError("send JSON with Content-Type: application/json")
    data = request.get_data(cache=True)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass  # orjson refuses some JSON the standard reader takes (a lone surrogate "\udfff"): asked again
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the body is not valid JSON") from None


@bp.post("/api/ask")
def ask():
    """Answer a question: {question, session_id} → the answer contract."""
    try:
        payload = json_payload()
        question, session = read_question(payload, current_app.config["MAX_QUESTION_LENGTH"])
        plan = read_plan(payload)
    except ValueError as exc:
        return error(400, str(exc))
    try:
        assistant().plan_scope(plan)
    except ValueError as exc:  # a plan no loaded plan answers to: not found, as an unknown unit is
        return error(404, str(exc))
    channel = channel_of(request.headers.get("Sec-Fetch-Site"))
    body = answer_body(current_app, question, session, channel, request.script_root, plan)
    return current_app.response_class(body, mimetype="application/json")


def answer_body(app: Flask, question: str, session: str, channel: str, root: str, plan: str | None = None) -> bytes:
    """The JSON body of /api/ask's answer to a valid question: asked, logged, serialised (once per answer);
    `plan` (checked by the caller) asks it of that plan alone."""
    started = time.perf_counter()
    qa = app.extensions["qa"]
    # "api:" keeps API sessions apart from WeChat's ("wechat:<openid>"): no client can name another's
    answer = qa.ask(question, f"api:{session}" if session else None, plan=plan)
    elapsed_ms = (time.perf_counter() - started) * 1000
    answer_id = record_answer(app.extensions.get("log"), question, answer, channel, elapsed_ms)
    return response_body(app.extensions["answer_bodies"].open_body(qa, answer, root), elapsed_ms, answer_id)


def script_root(environ: dict) -> str:
    """The prefix the app is mounted under, as Flask's request.script_root reads it: WSGI gives it as
    latin-1 text of the UTF-8 bytes."""
    return environ.get("SCRIPT_NAME", "").encode("latin-1", "replace").decode("utf-8", "replace").rstrip("/")


def channel_of(fetch_site: str | None) -> str:
    """'web' for the chat page (browsers mark its fetch same-origin), else 'api': a label for the log only."""
    return "web" if fetch_site == "same-origin" else "api"


class FastAsk:
    """WSGI middleware: POST /api/ask with a JSON body that reads as a question is answered here, without
    Flask's request machinery (a third of what an answer from the cache costs). Everything else, every
    refusal of a bad request included, goes on to Flask, which answers it as the `ask` view above does."""

    PATH = "/api/ask"

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.question_limit = int(app.config["MAX_QUESTION_LENGTH"])
        self.body_limit = int(app.config["MAX_CONTENT_LENGTH"] or 0)
        self.response_limit = int(app.config["MAX_RESPONSE_BYTES"])

    def __call__(self, environ: dict, start_response):
        if (
            environ.get("PATH_INFO") != self.PATH
            or environ.get("REQUEST_METHOD") != "POST"
            or environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != "application/json"
        ):
            return self.wsgi_app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length < 0 or (self.body_limit and length > self.body_limit):
            return self.wsgi_app(environ, start_response)  # chunked, too long: Flask's rules
        data = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(data)  # Flask reads it again when this goes on to the view
        try:
            payload = orjson.loads(data)
            question, session = read_question(payload, self.question_limit)
            plan = read_plan(payload)
        except (orjson.JSONDecodeError, ValueError):
            return self.wsgi_app(environ, start_response)
        reloader = self.app.extensions.get("reloader")
        if reloader is not None:
            reloader.check()
        try:
            body = answer_body(self.app, question, session, channel_of(environ.get("HTTP_SEC_FETCH_SITE")),
                               script_root(environ), plan)
        except ValueError:
            return self.wsgi_app(environ, start_response)  # a plan no loaded plan answers to: Flask's 404
        except Exception:
            log.exception("unexpected error on %s", self.PATH)
            return self._send(start_response, "500 INTERNAL SERVER ERROR", INTERNAL_ERROR)
        if len(body) > self.response_limit:
            return self._send(start_response, "503 SERVICE UNAVAILABLE",
                              too_large(len(body), self.PATH, self.response_limit))
        return self._send(start_response, "200 OK", body)

    @staticmethod
    def _send(start_response, status: str, body: bytes) -> list[bytes]:
        """A JSON response with the headers every response of the app carries."""
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                *SECURITY_HEADERS])
        return [body]


def read_feedback(payload: object) -> tuple[str, str, str]:
    """(answer_id, vote, comment) from a request body; ValueError says what is wrong."""
    if not isinstance(payload, dict):
        raise ValueError('the body must be a JSON object such as {"answer_id": "…", "vote": "up"}')
    answer_id = payload.get("answer_id")
    if not isinstance(answer_id, str) or not answer_id.strip() or len(answer_id) > 64:
        raise ValueError("answer_id must be the answer_id string of an answer from /api/ask")
    vote = payload.get("vote")
    if vote not in VOTES:
        raise ValueError('vote must be "up" or "down"')
    comment = payload.get("comment")
    comment = "" if comment is None else comment
    if not isinstance(comment, str):
        raise ValueError("comment must be a string")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValueError(f"comment is too long ({len(comment)} characters; at most {MAX_COMMENT})")
    try:
        comment.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON "\udfff"
        raise ValueError("comment is not valid Unicode text") from None
    return answer_id.strip(), vote, comment


@bp.post("/api/feedback")
def feedback():
    """Attach a vote to an answer: {answer_id, vote: up | down, comment?} → {"ok": true}."""
    try:
        answer_id, vote, comment = read_feedback(json_payload())
    except ValueError as exc:
        return error(400, str(exc))
    if not current_app.extensions["log"].feedback(answer_id, vote, comment):
        return error(404, "no answer has this answer_id")
    return jsonify({"ok": True})


@bp.get("/api/clauses")
def clauses():
    """Every clause of every plan, in document order."""
    return jsonify([clause_json(c) for c in assistant().clauses])


@bp.get("/api/units")
def units():
    """Every unit with the number of tasks it leads and cooperates in."""
    return jsonify(
        [
            {"unit": unit, "lead": lead, "cooperate": cooperate}
            for unit, lead, cooperate in assistant().unit_counts()
        ]
    )


@bp.get("/api/units/<path:name>")
def unit(name: str):
    """One unit's tasks by role; an alias (工商局) answers for its unit."""
    qa = assistant()
    canonical = qa.unit_named(name)
    if canonical is None:
        return error(404, f"no unit named {name} in the plans")
    tasks = qa.tasks_of(canonical)
    return jsonify(
        {
            "unit": canonical,
            "lead": [clause_json(c) for c in tasks["lead"]],
            "cooperate": [clause_json(c) for c in tasks["cooperate"]],
        }
    )


@bp.get("/healthz")
def healthz():
    """Liveness, what is loaded, and which shared part is degraded (answers go on without it: still 200)."""
    qa = assistant()
    docs = sorted(qa.documents)
    state = current_app.extensions["state"].health()
    question_log = current_app.extensions.get("log")
    return jsonify(
        {
            "status": "ok" if state["status"] == "ok" else "degraded",
            "state": state,
            # the question log: answers never depend on it, so it changes no status here
            "log": question_log.health() if question_log else
            {"status": "off", "backend": "", "problem": "", "queued": 0, "dropped": 0, "stalled_seconds": 0.0,
             "rows": 0, "bytes": 0, "max_rows": 0, "max_bytes": 0},
            "documents": docs,
            "clauses": len(qa.clauses),
            "build_seconds": round(qa.build_seconds, 3),
            "warnings": list(qa.warnings),
        }
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_spec(request.script_root or "/", current_app.config["MAX_QUESTION_LENGTH"]))


# The admin area's JSON (login required) is part of this API and of its OpenAPI document.
from .admin.api import bp as admin_api  # noqa: E402 — after bp, which it nests in

bp.register_blueprint(admin_api)

# The conversation as a Word file (web/exports.py) is part of this API too.
from .exports import minutes as minutes_api  # noqa: E402

bp.register_blueprint(minutes_api)
