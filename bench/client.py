"""A small HTTP client for the bench: ask /api/ask,
sign and send a plain-mode WeChat message (stdlib only)."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

WECHAT_ACCOUNT = "gh_bench"


def post(url: str, body: bytes, content_type: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """POST a body; (status, response body), with HTTP errors returned rather than raised."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def ask(base: str, question: str, session_id: str = "", timeout: float = 5.0) -> tuple[int, dict]:
    """POST /api/ask; (status, JSON body)."""
    payload = {"question": question, "session_id": session_id} if session_id else {"question": question}
    status, body = post(
        f"{base}/api/ask",
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        "application/json",
        timeout,
    )
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def get_json(url: str, timeout: float = 5.0) -> dict:
    """GET a JSON document ({} when it is not one)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        try:
            return json.loads(response.read())
        except ValueError:
            return {}


def wechat_query(token: str, now: float | None = None) -> str:
    """The query string WeChat puts on a plain-mode callback: signature = SHA-1 of sorted token, timestamp, nonce.

    Written from the protocol, not shared with the server's code; the timestamp is fresh, so the
    server's replay window (300 s) holds for a run started right after.
    """
    timestamp, nonce = str(int(now if now is not None else time.time())), secrets.token_hex(8)
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()
    return urllib.parse.urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce})


def wechat_message(user: str, question: str, msg_id: int) -> bytes:
    """A text message as WeChat's servers send it."""
    return (
        f"<xml><ToUserName><![CDATA[{WECHAT_ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{question}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    ).encode("utf-8")


def wechat_problem(base: str, token: str, question: str) -> str:
    """Why /wechat cannot be benchmarked ('' when a signed text message gets a text reply)."""
    status, body = post(
        f"{base}/wechat?{wechat_query(token)}",
        wechat_message("probe", question, 1),
        "text/xml; charset=utf-8",
    )
    if status == 404:
        return "/wechat answers 404: the endpoint is not implemented or WECHAT_TOKEN is not applied"
    if status != 200:
        return f"/wechat answers {status} to a signed text message: {body[:200]!r}"
    if b"<MsgType><![CDATA[text]]></MsgType>" not in body or b"<Content>" not in body:
        return f"/wechat replied without a text message: {body[:200]!r}"
    return ""
