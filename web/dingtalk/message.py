"""The robot callback's JSON body, read and checked: what a message says, who sent it, where.

The fields, as DingTalk's 接收消息 page lists them (https://help.dingtalk.io/open/development/receive-message):
msgtype ("text"), text.content, msgId (the message's id), conversationType ("1" a one-to-one chat, "2" a
group), conversationId, senderId (encrypted) and senderStaffId (the sender's userid, "use senderStaffId as the
sender's user ID"), isInAtList, atUsers [{dingtalkId, staffId}], sessionWebhook. Only what the reply needs is
required; the rest may be absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

MAX_ID_CHARS = 256  # DingTalk's ids are a few dozen characters; a longer one is not DingTalk's
CONVERSATION_TYPES = {"1": "single", "2": "group"}
# An @-mention as DingTalk's clients write it into a group message: "@" and the name, then a space
# (U+0020, or U+2005 / U+00A0 / U+3000 in some clients) or the end. Only at the start or after a space,
# so an address such as a@b.cn inside a question stays.
MENTION = re.compile(r"(?:^|(?<=\s))@[^\s@]{1,40}(?:\s+|$)")


class BadMessage(ValueError):
    """A body that is not a robot callback; its message says what is wrong, for the 400."""


@dataclass(frozen=True)
class Message:
    """One robot callback: its id, kind, text (for text messages), sender and conversation."""

    msg_id: str
    kind: str  # msgtype: "text", or "picture", "richText", "audio", … which get a help text
    content: str  # text.content as sent ("" for other kinds)
    sender: str  # senderStaffId, else senderId
    conversation: str
    group: bool

    @property
    def question(self) -> str:
        """The question: the text without the @-mentions a group message carries, trimmed."""
        text = MENTION.sub(" ", self.content) if self.group else self.content
        return text.strip()


def _string(data: dict, name: str, required: bool = True) -> str:
    """A string field, "" when absent and optional; BadMessage for a wrong type or size."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise BadMessage(f"缺少字段 {name}")
        return ""
    if not isinstance(value, str):
        raise BadMessage(f"字段 {name} 须为字符串")
    if len(value) > MAX_ID_CHARS:
        raise BadMessage(f"字段 {name} 过长（超过{MAX_ID_CHARS}字符）")
    return value


def parse(body: bytes) -> Message:
    """The message of a callback body; BadMessage for anything that is not one."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise BadMessage("请求体嵌套过深，无法读取") from None
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("请求体不是有效的JSON") from None
    if not isinstance(data, dict):
        raise BadMessage("请求体须为JSON对象")
    kind = _string(data, "msgtype")
    msg_id = _string(data, "msgId")
    conversation = _string(data, "conversationId")
    kind_of_chat = data.get("conversationType")
    if isinstance(kind_of_chat, int) and not isinstance(kind_of_chat, bool):
        kind_of_chat = str(kind_of_chat)  # the samples write "2"; a number 2 means the same
    if kind_of_chat not in CONVERSATION_TYPES:
        raise BadMessage("字段 conversationType 须为 \"1\"（单聊）或 \"2\"（群聊）")
    sender = _string(data, "senderStaffId", required=False) or _string(data, "senderId", required=False)
    if not sender:
        raise BadMessage("缺少字段 senderStaffId 或 senderId")
    content = ""
    if kind == "text":
        text = data.get("text")
        if not isinstance(text, dict) or not isinstance(text.get("content"), str):
            raise BadMessage("文本消息缺少字段 text.content")
        content = text["content"]
    return Message(msg_id, kind, content, sender, conversation, kind_of_chat == "2")
