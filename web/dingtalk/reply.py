"""Answers as DingTalk shows them: a markdown message with the units by role in words, where the clause
stands (linked to it), a short quote; within DingTalk's size.

The reply is the HTTP response's body, a message as DingTalk's robots send them ("机器人发送消息的类型",
https://help.dingtalk.io/open/development/robot-message-type): {"msgtype": "markdown", "markdown": {"title",
"text"}} or {"msgtype": "text", "text": {"content"}}. DingTalk's markdown (the same page): headings, > quotes,
**bold**, [links](url), - lists; a line break is "  \\n", a paragraph "\\n\\n".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from qa import Answer, Clause
from qa.answering.compose import quote, where

from ..wechat.reply import DUTY_INTENTS, LIST_INTENTS, READ_AS, PhoneReply, fit

# DingTalk takes a robot message's parameters up to 15,000 bytes ("The length must not exceed 15,000 bytes",
# https://help.dingtalk.io/open/development/the-robot-sends-a-group-message); the text is kept to a few
# phone screens, far within that however its JSON escapes it.
MAX_TEXT_BYTES = 4096
MAX_TITLE_CHARS = 40  # the title is what the chat list and the notification show
QUOTE_CHARS = 120
READ_MORE = "请在内网页面查看完整内容"
BREAK, PARAGRAPH = "  \n", "\n\n"
# Characters DingTalk's markdown would read as markup, in plan text, unit names and answers: written as their
# full-width forms, which read the same to a person and mean nothing to the renderer.
MARKUP = str.maketrans({"*": "＊", "_": "＿", "`": "｀", "[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃",
                        "|": "｜", "~": "～", "\\": "＼", "!": "！"})
LIST_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)")  # a line the renderer would turn into a list item

Link = Callable[[Clause], str]  # a clause → its page's public address, "" when there is none


def plain(text: str) -> str:
    """Text shown as written: markup characters neutralised, a leading "- " or "1. " kept from becoming a list."""
    lines = []
    for line in text.translate(MARKUP).split("\n"):
        lines.append(LIST_START.sub(lambda m: m.group(1) + m.group(2).replace("-", "－").replace("+", "＋")
                                    .replace(".", "．") + m.group(3), line))
    return BREAK.join(lines)


def href(url: str) -> str:
    """A URL safe inside (…) of a markdown link: its brackets and spaces percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def message(text: str) -> str:
    """A plain text message's JSON (help, refusals): DingTalk's text type."""
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)


def join(blocks: Sequence[str]) -> str:
    """Blocks as paragraphs; list items ("- …") one a line, as one list."""
    text = ""
    for n, block in enumerate(blocks):
        if n:
            text += "\n" if block.startswith("- ") and blocks[n - 1].startswith("- ") else PARAGRAPH
        text += block
    return text


class MarkdownReply(PhoneReply):
    """Formats an Answer as DingTalk markdown and fits it within MAX_TEXT_BYTES, cutting between clauses."""

    def __init__(self, link: Link, more: str = READ_MORE, limit: int = MAX_TEXT_BYTES,
                 shorts: Callable[[str], str] | None = None):
        super().__init__(link, more, limit, shorts)

    def message(self, answer: Answer) -> str:
        """The reply's JSON: a markdown message titled by the answer's first line."""
        blocks = self.blocks(answer)
        first = next((line for line in answer.answer.splitlines() if line.strip()), "") or "方案问答助手"
        title = first if len(first) <= MAX_TITLE_CHARS else first[: MAX_TITLE_CHARS - 1] + "…"
        body = {"title": title, "text": fit(blocks, self.limit, self.more, join, PARAGRAPH)}
        return json.dumps({"msgtype": "markdown", "markdown": body}, ensure_ascii=False)

    def blocks(self, answer: Answer) -> list[str]:
        """The reply in paragraphs that may be dropped from the end: the answer, the clause, related ones."""
        if not answer.found or not answer.citations:
            return [plain(line) for line in answer.answer.splitlines() if line.strip()] or [plain(answer.answer)]
        if answer.intent in LIST_INTENTS:  # a list of tasks: its head line, then one item per task
            head = answer.answer.splitlines()[0] if answer.answer else ""
            return [plain(head), *(self.item(c, "- ") for c in answer.citations)]
        if self.of_several(answer):
            return self.several(answer)
        best, related = answer.citations[0], list(answer.related or answer.citations[1:])
        head: list[str] = []
        if answer.intent in DUTY_INTENTS:
            head = PhoneReply.roles(answer, best)
        elif answer.intent == "yes_no":  # 是 or 不是 first, then the task's units by role
            head = [answer.answer.splitlines()[0], *PhoneReply.roles(answer, best)]
        elif answer.intent == "fact":  # the engine's sentences; the clause is cited below
            head = [line for line in answer.answer.splitlines() if line.strip() and not line.startswith("出处")]
        read_as = READ_AS.match(answer.answer)
        if read_as and not (head and head[0].startswith(read_as.group(0))):
            head.insert(0, read_as.group(0))  # how the question was read, as the page and WeChat show it
        lines = [f"出处：{self.place(best)}"]
        if answer.intent != "fact":  # a quote of its own paragraph: "> " starts one only at a paragraph's start
            lines.append("> “" + plain(quote(best.body, QUOTE_CHARS)).replace(BREAK, " ") + "”")
        tail: list[str] = []
        if answer.intent not in (*DUTY_INTENTS, "yes_no") and (best.lead or best.cooperate):
            tail += PhoneReply.roles(answer, best)
        if best.deadline:
            tail.append(f"完成时限：{best.deadline}")
        blocks = [BREAK.join(plain(line) for line in head)] if head else []
        blocks.append(PARAGRAPH.join([*lines, *([BREAK.join(plain(t) for t in tail)] if tail else [])]))
        return [*blocks, *(self.item(c, "相关：") for c in related)]

    def several(self, answer: Answer) -> list[str]:
        """The head naming every plan, then each plan's own units by role and where its clause stands, linked,
        one paragraph a plan."""
        head, parts = self.plan_parts(answer)
        blocks = [plain(head)]
        for short, clause, roles in parts:
            lines = [f"**{plain(f'【{short}】')}**", *(plain(r) for r in roles), f"出处：{self.place(clause)}"]
            if clause.deadline:
                lines.append(plain(f"完成时限：{clause.deadline}"))
            blocks.append(BREAK.join(lines))
        return blocks

    def place(self, clause: Clause) -> str:
        """Where a clause stands (its document, path and title), as a link to it when there is one."""
        text, link = plain(where(clause)), self.link(clause)
        return f"[{text}]({href(link)})" if link else text

    def item(self, clause: Clause, prefix: str) -> str:
        """One line for a clause: its path and title, linked."""
        text = plain(f"{clause.path}“{clause.title}”" if clause.path else where(clause))
        link = self.link(clause)
        return prefix + (f"[{text}]({href(link)})" if link else text)
