"""The DingTalk enterprise robot (/dingtalk): staff @ the robot in a group or write to it, and get the answer in
the HTTP response, as the chat page gives it.

How DingTalk calls it, and what it accepts back, as DingTalk publishes it:
- 接收消息 / "Receive messages" (https://help.dingtalk.io/open/development/receive-message; the same text as
  open.dingtalk.com's 企业内部机器人 接收消息): a POST with headers `timestamp` (ms) and `sign` (see sign.py)
  and a JSON body (see message.py).
- The robot's 消息接收地址 in the developer console: "通过@群机器人，将消息发送到指定外部服务，还可以将外部服务的
  响应结果返回到群组": the response body, a robot message (see reply.py), is posted to the chat.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from qa.state import StateUnavailable

from .. import current_assistant
from ..question_log import log_answer
from ..wechat.once import ReplyOnce
from ..wechat.reply import help_text
from .message import BadMessage, Message, parse
from .reply import MarkdownReply, href, message
from .sign import MAX_SKEW_MS, BadSignature, check

log = logging.getLogger(__name__)
bp = Blueprint("dingtalk", __name__)

CHANNEL = "dingtalk"  # the question log's channel, and the name space of conversations and message records
MAX_BODY_BYTES = 64 * 1024  # a text message's JSON is a few KB; room for a question pasted many times too long
JSON = "application/json; charset=utf-8"
clock = time.time  # the signature window's clock
_refusals_logged_at = -3600.0  # when a refusal for a store that is down was last logged


@dataclass(frozen=True)
class Robot:
    """The robot as configured: its AppSecret (signs callbacks) and AppKey (names its records)."""

    app_key: str
    secret: str


def build_robot(config: dict) -> Robot | None:
    """The robot from the settings, None while DINGTALK_APP_SECRET is empty."""
    secret = str(config.get("DINGTALK_APP_SECRET") or "").strip()
    if not secret:
        return None
    return Robot(str(config.get("DINGTALK_APP_KEY") or "").strip(), secret)


@bp.record_once
def configure(state: BlueprintSetupState) -> None:
    """At start-up: the robot from the settings, one line saying whether /dingtalk is on."""
    app = state.app
    robot = build_robot(app.config)
    notes = app.extensions.setdefault("startup_notes", [])
    if robot is None:
        notes.append("DingTalk robot endpoint /dingtalk: off (DINGTALK_APP_SECRET is empty)")
    else:
        key = f", AppKey {robot.app_key}" if robot.app_key else " (DINGTALK_APP_KEY is empty)"
        notes.append(f"DingTalk robot endpoint /dingtalk: on{key}")
        if not str(app.config.get("PUBLIC_BASE_URL") or "").strip():
            notes.append("DingTalk replies carry no links to clauses: PUBLIC_BASE_URL is empty")
    app.extensions["dingtalk"] = {"robot": robot, "once": ReplyOnce(app.extensions["state"])}


@bp.before_request
def limit_body() -> None:
    """413 for a body declared bigger than MAX_BODY_BYTES, before reading it; a streamed one is cut there."""
    request.max_content_length = MAX_BODY_BYTES
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        abort(413, description=f"请求体超过{MAX_BODY_BYTES}字节")


@bp.errorhandler(HTTPException)
def refused(exc: HTTPException):
    """Every refusal as {"error": "…"}: DingTalk's console and logs show the body."""
    description = exc.description or exc.name
    if exc.code == 413 and not description.startswith("请求体"):  # a streamed body cut at the limit
        description = f"请求体超过{MAX_BODY_BYTES}字节"
    response = jsonify({"error": description})
    response.status_code = exc.code or 400
    for name, value in exc.get_headers():  # the Allow header of a 405
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@bp.errorhandler(StateUnavailable)
def store_down(exc: StateUnavailable):
    """503 while the state store is down: neither a replayed signature nor a resent message can be told apart,
    so the message is refused rather than answered unchecked (DingTalk may send it again)."""
    global _refusals_logged_at
    if time.monotonic() - _refusals_logged_at > 60:  # once a minute: an outage under load is one line
        _refusals_logged_at = time.monotonic()
        log.warning("refusing /dingtalk callbacks (503) while the state store is down: %s", exc)
    response = jsonify({"error": "消息去重服务暂时不可用，请稍后重试"})
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


@bp.route("/dingtalk", methods=["GET", "POST"])
def dingtalk():
    """A robot callback: the signature checked, then the reply to the message, computed once."""
    robot = current_app.extensions.get("dingtalk", {}).get("robot")
    if robot is None:
        abort(404, description="未找到")
    if request.method != "POST":
        abort(405, valid_methods=["POST"], description="钉钉机器人回调只接受 POST")
    timestamp, sign = request.headers.get("timestamp"), request.headers.get("sign")
    try:
        check(robot.secret, timestamp, sign, int(clock() * 1000))
    except BadSignature as exc:
        abort(403, description=str(exc))
    body = request.get_data()
    check_not_replayed(robot, timestamp, sign, body)
    try:
        msg = parse(body)
    except BadMessage as exc:
        abort(400, description=str(exc))
    once: ReplyOnce = current_app.extensions["dingtalk"]["once"]
    reply = once.reply(once.key(CHANNEL, robot.app_key, msg.conversation, msg.msg_id), lambda: reply_json(msg))
    # None: another worker is still answering this very message; its reply is the one DingTalk shows
    return Response(reply or "", status=200, content_type=JSON)


def check_not_replayed(robot: Robot, timestamp: str, sign: str, body: bytes) -> None:
    """403 for a signature used again with another body.

    DingTalk's signature covers the timestamp and the secret, not the body: for the hour it is fresh, a captured
    one could carry any message. The first body seen with a signature is kept while the timestamp is fresh; the
    same request again (DingTalk's retry) passes, and gets the stored reply. While the store is down nothing
    can be checked: StateUnavailable (503), never a message let through unchecked.
    """
    store = current_app.extensions["state"]
    robot_id = hashlib.sha256(robot.app_key.encode("utf-8")).hexdigest()[:16]
    key = f"wxnonce:{CHANNEL}:{robot_id}:{timestamp}:{sign}"
    digest = hashlib.sha256(body).hexdigest()
    # kept until the timestamp is stale whichever side of now it was: the window is an hour either way
    if not store.claim(key, {"body": digest}, ttl=2 * MAX_SKEW_MS / 1000, fail_closed=True):
        seen = store.get(key, fail_closed=True)
        if seen is not None and seen.get("body") != digest:
            abort(403, description="签名已被另一条消息使用（重放），请求被拒绝")


def reply_json(msg: Message) -> str:
    """The reply to a message as JSON: the answer as markdown, or a short text; never an error."""
    try:
        return compose(msg)
    except Exception:  # DingTalk would show nothing (and a 500 says nothing to the sender): say it plainly
        log.exception("answering a DingTalk message failed")
        return message("暂时无法回答这个问题，请稍后再试。")


def compose(msg: Message) -> str:
    """What to say to a message: an answer to a question, a help text for anything else."""
    examples = current_assistant().examples
    if msg.kind != "text":  # pictures, voice, files, rich text: only text can be answered
        return message(help_text(examples))
    question = msg.question
    if not question:
        return message(help_text(examples))
    limit = int(current_app.config["MAX_QUESTION_LENGTH"])
    if len(question) > limit:
        return message(f"问题太长（{len(question)}字），请控制在{limit}字以内。")
    # each sender's conversation is their own, and in a group their own within that group: follow-ups continue
    # it, never another's. Hashed: no id, however written, can name another sender's (or an API client's) session
    where = msg.conversation if msg.group else ""
    session = f"{CHANNEL}:" + hashlib.sha256(f"{where}\x1f{msg.sender}".encode()).hexdigest()[:32]
    qa = current_assistant()
    switched = qa.switch_plan(question, session)  # "切换到锡盟方案", "全部方案": as on WeChat
    if switched is not None:
        return message(switched)
    started = time.perf_counter()
    chosen = qa.chosen_plan(session)  # the plan this sender chose by message, if any
    answer = qa.ask(question, session, plan=chosen) if chosen else qa.ask(question, session)
    # logged once however often DingTalk resends (the reply is computed once); the sender's id hashed by the log
    log_answer(question, answer, CHANNEL, (time.perf_counter() - started) * 1000, user=msg.sender)
    return markdown_reply().message(answer)


def markdown_reply() -> MarkdownReply:
    """The formatter, with links to clause pages when PUBLIC_BASE_URL is set."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    plans = current_assistant().catalogue.by_id
    shorts = lambda plan: plans[plan].short if plan in plans else plan  # noqa: E731 — each plan's heading
    if not base:
        return MarkdownReply(lambda clause: "", shorts=shorts)
    return MarkdownReply(
        lambda clause: base + url_for("pages.clause", clause_id=clause.id),
        more=f"完整内容请在网页查看：[{base}]({href(base + url_for('pages.chat'))})",
        shorts=shorts,
    )
