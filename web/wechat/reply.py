"""Answers as a phone shows them: units by role, where the clause stands, a short quote, a link;
in 2048 bytes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from qa import Answer, Clause
from qa.answering.compose import quote, where
from qa.vocabulary import ROLE_NAMES

MAX_REPLY_BYTES = 2048  # a text reply's Content, in bytes of UTF-8; the platforms cut longer ones anywhere
QUOTE_CHARS = 80  # a phone screen's worth of the clause
READ_MORE = "请在内网页面查看完整内容"
DUTY_INTENTS = ("lead", "cooperate", "who")
LIST_INTENTS = ("unit_tasks", "set", "compare")  # a list of tasks: its head line, then one line per task
READ_AS = re.compile(r"^按(?:“[^”]*”)+理解：")  # how the engine read a question's words, opening its answer

Link = Callable[[Clause], str]  # a clause → its page's public address, "" when there is none


def welcome_text(examples: Sequence[str]) -> str:
    """The reply to a new follower: what can be asked, with examples."""
    return (
        "欢迎使用方案问答助手！直接发送文字问题，可以查询实施方案中各项工作的牵头单位、配合单位、"
        "完成时限和原文。例如：\n" + "\n".join(f"· {q}" for q in examples)
    )


def help_text(examples: Sequence[str]) -> str:
    """The reply to a picture, a voice message or anything else that is not text."""
    return "目前只能回答文字问题，请直接输入问题，例如：" + examples[0]


def utf8_size(text: str) -> int:
    """Bytes of text in UTF-8, the unit of the platforms' limit."""
    return len(text.encode("utf-8"))


def cut_to(text: str, limit: int) -> str:
    """The leading whole lines of text within limit bytes; whole characters when not even one line fits."""
    kept = ""
    for line in text.split("\n"):
        candidate = f"{kept}\n{line}" if kept else line
        if utf8_size(candidate) > limit:
            break
        kept = candidate
    # decoding with "ignore" drops the partial character a byte cut leaves at the end
    return kept or text.encode("utf-8")[: max(limit, 0)].decode("utf-8", "ignore")


def fit(blocks: Sequence[str], limit: int, more: str, join: Callable[[Sequence[str]], str] = "\n".join,
        separator: str = "\n") -> str:
    """The blocks joined (one per line), as many whole ones as fit in limit bytes, then where to read the rest."""
    text = join(blocks)
    if utf8_size(text) <= limit:
        return text
    for kept in range(len(blocks) - 1, 0, -1):
        candidate = join(blocks[:kept]) + separator + f"……另有{len(blocks) - kept}条未列出，{more}"
        if utf8_size(candidate) <= limit:
            return candidate
    tail = f"……{more}"
    return cut_to(blocks[0], limit - utf8_size(separator + tail)) + separator + tail


class PhoneReply:
    """Formats an Answer for a phone and fits it within the platforms' byte limit, cutting between clauses."""

    def __init__(self, link: Link, more: str = READ_MORE, limit: int = MAX_REPLY_BYTES,
                 shorts: Callable[[str], str] | None = None):
        """`shorts`: a plan's short title by its id, to head each plan's part of an answer several plans give."""
        self.shorts = shorts or (lambda plan: plan)
        if not callable(link):
            raise ValueError(f"link must be a function of a clause, got {link!r}")
        if not more:
            raise ValueError(f"more must say where to read the rest, got {more!r}")
        if limit < utf8_size(more) + 64:
            raise ValueError(f"limit must leave room for more than the read-more line, got {limit}")
        self.link, self.more, self.limit = link, more, limit

    def text(self, answer: Answer) -> str:
        """The reply's Content."""
        return fit(self.blocks(answer), self.limit, self.more)

    def blocks(self, answer: Answer) -> list[str]:
        """The reply in blocks that may be dropped from the end: a head, then one block per clause."""
        if not answer.found or not answer.citations:
            return [line for line in answer.answer.splitlines() if line.strip()] or [answer.answer]
        if answer.intent in LIST_INTENTS:
            head = answer.answer.splitlines()[0] if answer.answer else ""
            if len(answer.plans) < 2:
                return [head, *(self.item(c, "· ") for c in answer.citations)]
            # a unit's tasks in several plans, in the plans' order: each plan's first task under its short title
            shorts, doc, items = iter(answer.plans), None, []
            for clause in answer.citations:
                opens = clause.doc != doc
                doc = clause.doc
                items.append(self.item(clause, f"【{self.shorts(next(shorts, ''))}】\n· " if opens else "· "))
            return [head, *items]
        if self.of_several(answer):
            return self.several(answer)
        best, related = answer.citations[0], list(answer.related or answer.citations[1:])
        head: list[str] = []
        if answer.intent in DUTY_INTENTS:
            head = self.roles(answer, best)
        elif answer.intent == "yes_no":  # 是 or 不是 first, then the task's units by role
            head = [answer.answer.splitlines()[0], *self.roles(answer, best)]
        elif answer.intent == "fact":  # the engine's sentences are the answer; its source line is shown below
            head = [
                line for line in answer.answer.splitlines() if line.strip() and not line.startswith("出处")
            ]
        lines = [f"出处：{where(best)}"]
        if answer.intent != "fact":
            lines.append(f"原文：“{quote(best.body, QUOTE_CHARS)}”")
        if answer.intent not in (*DUTY_INTENTS, "yes_no") and (best.lead or best.cooperate):
            lines += self.roles(answer, best)
        if best.deadline:
            lines.append(f"完成时限：{best.deadline}")
        if self.link(best):
            lines.append(f"详见：{self.link(best)}")
        read_as = READ_AS.match(answer.answer)
        if read_as and not (head and head[0].startswith(read_as.group(0))):
            head.insert(0, read_as.group(0))  # the phone shows how the question was read, as the page does
        blocks = ["\n".join(head)] if head else []
        return [*blocks, "\n".join(lines), *(self.item(c, "相关：") for c in related)]

    @staticmethod
    def of_several(answer: Answer) -> bool:
        """Whether several plans give the answer, each with its own clause."""
        return len(answer.plans) > 1 and len(answer.citations) >= len(answer.plans)

    def plan_parts(self, answer: Answer) -> tuple[str, list[tuple[str, Clause, list[str]]]]:
        """An answer several plans give: the head line naming every plan (so that none is lost when the reply
        is cut), and each plan's short title, clause and own units by role (never the first plan's)."""
        shorts = [self.shorts(plan) for plan in answer.plans]
        own = replace(answer, unit_roles=())
        head = f"{len(shorts)}个方案都涉及这个问题：{'、'.join(shorts)}。"
        return head, [(short, clause, self.roles(own, clause)) for short, clause in zip(shorts, answer.citations)]

    def several(self, answer: Answer) -> list[str]:
        """The head line, then each plan's units, where its clause stands and its link, one block a plan."""
        head, parts = self.plan_parts(answer)
        blocks = [head]
        for short, clause, roles in parts:
            lines = [f"【{short}】", *roles, f"出处：{where(clause)}"]
            if clause.deadline:
                lines.append(f"完成时限：{clause.deadline}")
            if self.link(clause):
                lines.append(f"详见：{self.link(clause)}")
            blocks.append("\n".join(lines))
        return blocks

    def item(self, clause: Clause, prefix: str) -> str:
        """One line for a clause (its path and title), with its link below when there is one."""
        place = f"{clause.path}“{clause.title}”" if clause.path else where(clause)
        link = self.link(clause)
        return f"{prefix}{place}" + (f"\n{link}" if link else "")

    @staticmethod
    def roles(answer: Answer, clause: Clause) -> list[str]:
        """Units by role in words, the asked role first, each role said even when it has none (未列明): a phone
        shows no colours to tell them apart."""
        pairs = answer.unit_roles or tuple((u, "lead") for u in clause.lead) + tuple(
            (u, "cooperate") for u in clause.cooperate
        )
        by_role = {role: [u for u, r in pairs if r == role] for role in ROLE_NAMES}
        if not any(by_role.values()):
            return ["该条款未列明责任单位"]
        order = ("cooperate", "lead") if answer.intent == "cooperate" else ("lead", "cooperate")
        return [f"{ROLE_NAMES[r]}：{'、'.join(by_role[r]) or '未列明'}" for r in order]
