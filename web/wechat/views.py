"""WeChat Official Account (/wechat) and WeCom (/wecom) callbacks: staff ask from the phone,
get a passive reply."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState

from qa.state import StateUnavailable

from .. import current_assistant
from ..question_log import log_answer

from .crypto import CryptoError, MessageCrypto, WrongReceiver, decode_aes_key, signature_matches
from .once import ReplyOnce
from .reply import PhoneReply, help_text, welcome_text
from .message import BadXML, parse, render

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)

MAX_BODY_BYTES = 16 * 1024  # an encrypted text message is a few KB; a bigger body is not from the platforms
MAX_CLOCK_SKEW = 300  # seconds a callback's timestamp may differ from now; older ones are replays
TIMESTAMP = re.compile(r"[0-9]{1,12}")
PUBLIC_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")
MAX_BASE_URL_CHARS = 200
clock = time.time  # the replay check's clock (tests set it to a published sample's time)
_refusals_logged_at = -3600.0  # when a refusal for a store that is down was last logged


@dataclass(frozen=True)
class Platform:
    """What differs between the two platforms: settings, whether messages are always encrypted,
    the empty reply."""

    name: str
    title: str
    token_setting: str
    key_setting: str
    id_setting: str
    always_encrypted: bool
    empty_reply: str  # "no reply, do not resend": WeChat documents "success", WeCom an empty body


PLATFORMS = (
    Platform(
        "wechat",
        "WeChat Official Account",
        "WECHAT_TOKEN",
        "WECHAT_AES_KEY",
        "WECHAT_APP_ID",
        False,
        "success",
    ),
    Platform("wecom", "WeCom", "WECOM_TOKEN", "WECOM_AES_KEY", "WECOM_CORP_ID", True, ""),
)


@dataclass(frozen=True)
class Channel:
    """A platform's endpoint as configured: its token, and its crypto when an EncodingAESKey is set."""

    platform: Platform
    token: str
    crypto: MessageCrypto | None


def build_channel(platform: Platform, config: dict) -> Channel | None:
    """The platform's channel from the settings, None when its token is empty;
    ValueError names a bad setting."""
    token, key, receive_id = (
        str(config.get(name) or "").strip()
        for name in (platform.token_setting, platform.key_setting, platform.id_setting)
    )
    if key:
        decode_aes_key(key, platform.key_setting)  # a wrong key fails start-up, not the first message
    if not token:
        return None
    if platform.always_encrypted and not key:
        raise ValueError(
            f"{platform.key_setting} must be set when {platform.token_setting} is: "
            f"{platform.title} messages are always encrypted"
        )
    if key and not receive_id:
        raise ValueError(
            f"{platform.id_setting} must be set when {platform.key_setting} is: "
            "decrypted messages are checked against it"
        )
    return Channel(
        platform, token, MessageCrypto(token, key, receive_id, platform.key_setting) if key else None
    )


def startup_note(platform: Platform, channel: Channel | None) -> str:
    """One line for the start-up banner: whether the endpoint is on, and in which modes."""
    head = f"{platform.title} endpoint /{platform.name}:"
    if channel is None:
        return f"{head} off ({platform.token_setting} is empty)"
    if channel.crypto is None:
        return (
            f"{head} on, plain mode only (set {platform.key_setting} and {platform.id_setting} for safe mode)"
        )
    modes = "encrypted" if platform.always_encrypted else "plain, compatible and safe modes"
    return f"{head} on, {modes}, receive id {channel.crypto.receive_id.decode()}"


@bp.record_once
def configure(state: BlueprintSetupState) -> None:
    """At start-up: build the configured channels, say which endpoints are on, refuse bad settings."""
    app = state.app
    base = str(app.config.get("PUBLIC_BASE_URL") or "").strip()
    if base and not PUBLIC_URL.fullmatch(base):
        raise ValueError(
            f"PUBLIC_BASE_URL must be an http(s) address such as https://qa.example.org, got {base[:80]!r}"
        )
    if len(base) > MAX_BASE_URL_CHARS:  # every reply carries it in its links, within 2048 bytes
        raise ValueError(f"PUBLIC_BASE_URL must be at most {MAX_BASE_URL_CHARS} characters, got {len(base)}")
    notes = app.extensions.setdefault("startup_notes", [])
    channels = {}
    for platform in PLATFORMS:
        channel = build_channel(platform, app.config)
        notes.append(startup_note(platform, channel))
        if channel is not None:
            channels[platform.name] = channel
    if channels and not base:
        notes.append("WeChat/WeCom replies carry no links to clauses: PUBLIC_BASE_URL is empty")
    app.extensions["wechat"] = {"channels": channels, "once": ReplyOnce(app.extensions["state"])}


@bp.before_request
def limit_body() -> None:
    """413 for a body declared bigger than MAX_BODY_BYTES, before reading it."""
    # one byte over the limit may be read, so that read_body() can tell a streamed (chunked) body that is
    # too big from one that just fits: the stream is cut there silently
    request.max_content_length = MAX_BODY_BYTES + 1
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        abort(413)


@bp.errorhandler(StateUnavailable)
def store_down(exc: StateUnavailable):
    """503 while the once-only store is down: a message whose replay cannot be told apart is refused, not
    answered (the platform sends it again; the answer waits for the store to come back)."""
    global _refusals_logged_at
    if time.monotonic() - _refusals_logged_at > 60:  # once a minute: an outage under load is one line, not many
        _refusals_logged_at = time.monotonic()
        log.warning("refusing %s callbacks (503) while the state store is down: %s", request.path, exc)
    response = jsonify({"error": "消息去重服务暂时不可用，请稍后重试"})
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


def read_body() -> bytes:
    """The request body, or 413 when a streamed one turns out bigger than MAX_BODY_BYTES."""
    body = request.get_data()
    if len(body) > MAX_BODY_BYTES:
        abort(413)
    return body


def channel_for(name: str) -> Channel:
    """The platform's channel, or 404 while its token is not configured."""
    channel = current_app.extensions.get("wechat", {}).get("channels", {}).get(name)
    if channel is None:
        abort(404)
    return channel


def check_fresh(timestamp: str) -> None:
    """403 unless the callback's timestamp is within MAX_CLOCK_SKEW of now: a replayed request is refused."""
    if not TIMESTAMP.fullmatch(timestamp) or abs(clock() - int(timestamp)) > MAX_CLOCK_SKEW:
        abort(403)


def read_xml(body: bytes | str) -> dict[str, str]:
    """The callback XML's fields, or 400 (malformed, a DOCTYPE, entities: nothing is expanded)."""
    try:
        return parse(body)
    except BadXML as exc:
        abort(400, description=str(exc))


def unseal(channel: Channel, encrypted: str) -> str:
    """The plaintext of an encrypted body or echostr: the signature checked first, the AppID/CorpID after."""
    if channel.crypto is None:
        abort(400, description=f"encrypted messages need {channel.platform.key_setting}")
    if not encrypted:
        abort(400, description="no Encrypt element")
    args = request.args
    if not channel.crypto.verify(
        args.get("msg_signature", ""), args.get("timestamp", ""), args.get("nonce", ""), encrypted
    ):
        abort(403)
    try:
        return channel.crypto.decrypt(encrypted)
    except WrongReceiver:
        abort(403)
    except CryptoError as exc:
        abort(400, description=str(exc))


def plain(text: str) -> Response:
    """A text/plain response."""
    return Response(text, mimetype="text/plain")


@bp.route("/wechat", methods=["GET", "POST"])
def wechat():
    """Official Account: URL verification (GET); messages in plain, compatible or safe mode (POST)."""
    channel = channel_for("wechat")
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    check_fresh(timestamp)
    sealed = request.method == "POST" and args.get("encrypt_type", "").lower() == "aes"
    # plain requests (and the URL verification in every mode) are signed over token, timestamp and nonce;
    # encrypted ones by msg_signature over the ciphertext too, checked in unseal()
    if not sealed and not signature_matches(args.get("signature", ""), channel.token, timestamp, nonce):
        abort(403)
    if request.method == "GET":
        return plain(args.get("echostr", ""))
    body = read_body()
    if not sealed:
        check_not_replayed(channel, args.get("signature", ""), timestamp, nonce, body)
    fields = read_xml(body)
    if sealed:  # compatible mode sends the plain fields too; only the signed ciphertext is trusted
        fields = read_xml(unseal(channel, fields.get("Encrypt", "")))
    return respond(channel, fields, sealed, nonce)


def check_not_replayed(channel: Channel, signature: str, timestamp: str, nonce: str, body: bytes) -> None:
    """403 for a signed plain-mode URL used again with another body.

    A plain-mode signature covers token, timestamp and nonce but not the body, so within the clock skew a
    captured URL could carry any message. The first body seen with a signature is kept for as long as the
    timestamp is fresh; the platform's own resend (the same body) passes, and is answered once. While the
    store is down, no body can be checked: StateUnavailable (503), never a message let through unchecked.
    """
    store = current_app.extensions["state"]
    key = f"wxnonce:{channel.platform.name}:{timestamp}:{nonce}:{signature}"
    digest = hashlib.sha256(body).hexdigest()
    if not store.claim(key, {"body": digest}, ttl=2 * MAX_CLOCK_SKEW, fail_closed=True):
        seen = store.get(key, fail_closed=True)
        if seen is not None and seen.get("body") != digest:
            abort(403)


@bp.route("/wecom", methods=["GET", "POST"])
def wecom():
    """WeCom app: URL verification with an encrypted echostr (GET); encrypted messages (POST)."""
    channel = channel_for("wecom")
    args = request.args
    check_fresh(args.get("timestamp", ""))
    if request.method == "GET":
        return plain(unseal(channel, args.get("echostr", "")))
    fields = read_xml(read_body())
    return respond(channel, read_xml(unseal(channel, fields.get("Encrypt", ""))), True, args.get("nonce", ""))


def respond(channel: Channel, fields: dict[str, str], sealed: bool, nonce: str) -> Response:
    """The passive reply to a message, computed once however often the platform resends it."""
    sender, account = fields.get("FromUserName", ""), fields.get("ToUserName", "")
    if not sender or not account:
        abort(400, description="FromUserName and ToUserName are required")
    # the platforms' advice: de-duplicate by MsgId, events (which have none) by FromUserName + CreateTime
    message = fields.get("MsgId") or f"{sender}|{fields.get('CreateTime', '')}|{fields.get('Event', '')}"
    once: ReplyOnce = current_app.extensions["wechat"]["once"]
    reply = once.reply(
        once.key(channel.platform.name, account, message), lambda: reply_xml(channel, fields, sender, account)
    )
    if not reply:
        return plain(channel.platform.empty_reply)
    if sealed:
        reply = render(channel.crypto.seal(reply, int(time.time()), nonce))
    return Response(reply, mimetype="text/xml")


def reply_xml(channel: Channel, fields: dict[str, str], sender: str, account: str) -> str:
    """The reply XML to a message (to and from swapped), or "" when it gets no reply."""
    content = reply_text(channel, fields, sender)
    if content is None:
        return ""
    return render(
        {
            "ToUserName": sender,
            "FromUserName": account,
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": content,
        }
    )


def reply_text(channel: Channel, fields: dict[str, str], sender: str) -> str | None:
    """What to say: an answer to text, a welcome to a new follower, help for anything else;
    None for no reply."""
    kind = fields.get("MsgType", "").lower()
    examples = current_assistant().examples
    if kind == "event":  # unsubscribe, menu clicks, location reports...: nothing to say
        return welcome_text(examples) if fields.get("Event", "").lower() == "subscribe" else None
    if kind != "text":
        return help_text(examples)
    question = fields.get("Content", "").strip()
    if not question:
        return help_text(examples)
    limit = int(current_app.config["MAX_QUESTION_LENGTH"])
    if len(question) > limit:
        return f"问题太长（{len(question)}字），请控制在{limit}字以内。"
    session = f"{channel.platform.name}:{sender}"
    switched = current_assistant().switch_plan(question, session)  # "切换到锡盟方案", "全部方案"
    if switched is not None:
        return switched
    started = time.perf_counter()
    try:  # each user's conversation is their own: follow-ups continue it, never another user's
        qa = current_assistant()
        chosen = qa.chosen_plan(session)  # the plan this user chose by message, if any
        answer = qa.ask(question, session, plan=chosen) if chosen else qa.ask(question, session)
    except Exception:  # the platform would tell the user "service unavailable"; say it plainly instead
        log.exception("answering a %s message failed", channel.platform.name)
        return "暂时无法回答这个问题，请稍后再试。"
    # logged once however often the platform resends (the reply is computed once); the user id hashed
    log_answer(question, answer, channel.platform.name, (time.perf_counter() - started) * 1000, user=sender)
    return phone_reply().text(answer)


def phone_reply() -> PhoneReply:
    """The formatter, with links to clause pages when PUBLIC_BASE_URL is set."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    plans = current_assistant().catalogue.by_id
    shorts = lambda plan: plans[plan].short if plan in plans else plan  # each plan's heading
    if not base:
        return PhoneReply(lambda clause: "", shorts=shorts)
    return PhoneReply(
        lambda clause: base + url_for("pages.clause", clause_id=clause.id),
        more=f"完整内容请在网页查看：{base}{url_for('pages.chat')}",
        shorts=shorts,
    )
