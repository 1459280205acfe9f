"""The signature DingTalk puts on each robot callback, checked as DingTalk publishes it.

DingTalk's description of the enterprise robot's HTTP callback (接收消息, "Receive messages",
https://help.dingtalk.io/open/development/receive-message, the same text as open.dingtalk.com's
企业内部机器人 接收消息): the request carries the headers `timestamp` (milliseconds) and `sign`;
"timestamp 与系统当前时间戳如果相差1小时以上，则认为是非法的请求"; "header中的timestamp + "\\n" +
机器人的appSecret当做签名字符串，使用HmacSHA256算法计算签名，然后进行Base64 encode，得到最终的签名值";
only when both hold is the request DingTalk's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

MAX_SKEW_MS = 3600 * 1000  # DingTalk's window: a timestamp more than one hour from now is refused
TIMESTAMP = re.compile(r"[0-9]{1,16}")  # milliseconds since 1970; 16 digits reach the year 318857
MAX_SIGN_CHARS = 128  # a SHA-256 HMAC in base64 is 44 characters; a longer header is not one


class BadSignature(ValueError):
    """A callback whose signature is missing, stale or wrong; its message says which, for the 403."""


def signature(secret: str, timestamp: str) -> str:
    """base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret)), as DingTalk computes `sign`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def check(secret: str, timestamp: str | None, sign: str | None, now_ms: int) -> None:
    """Nothing when `sign` is DingTalk's signature of a `timestamp` within an hour of now_ms; else BadSignature."""
    if not timestamp or not sign:
        raise BadSignature("缺少钉钉签名：请求头须带 timestamp 和 sign")
    if not TIMESTAMP.fullmatch(timestamp):
        raise BadSignature("签名时间戳无效：timestamp 须为毫秒数")
    if abs(now_ms - int(timestamp)) > MAX_SKEW_MS:
        raise BadSignature("签名已过期：timestamp 与服务器时间相差超过1小时")
    # compared in constant time, as bytes: a header with any character must not raise (compare_digest
    # refuses non-ASCII str), and a wrong one must not tell by its timing how much of it was right
    expected = signature(secret, timestamp).encode("ascii")
    if len(sign) > MAX_SIGN_CHARS or not hmac.compare_digest(expected, sign.encode("utf-8", "replace")):
        raise BadSignature("签名不正确")
