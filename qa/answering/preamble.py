"""Long questions: the question found after the context staff put before it ("我是盟市场监管局的，刚从会上回来，
领导让我问一下，简易注销到底哪些单位配合？" → "简易注销到底哪些单位配合").

The question is the last piece (between punctuation) that asks something; when it names no topic of its own
("…会上提到了规范执法行为这项工作，想问是谁牵头的"), the nearest piece before it that names one is kept with it, and
the pieces right before that one which go on telling the topic in the plans' words ("企业投标…押保证金，改成用保函…，
这事谁牵头").
The other pieces are the asker's context and are left out, among them a self-introduction ("我是盟环保局办公室
的"), whose unit stands for "我们单位/我们局/我们" in the question ("我们局配合哪些工作" → 盟环保局配合哪些工作).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..vocabulary import SELF_INTRODUCTIONS, SELF_REFERENCES, UNIT_ENDINGS, alternation

# pieces are cut at punctuation, not at spaces: "简易注销 谁牵头" is one piece of bare keywords
PIECES = re.compile(r"[,，。!！?？;；]+")
# what a piece that asks something holds: a question word, a role, what the plans state of a task
ASKING = re.compile(
    r"谁|哪|什么|啥|吗|么|几|多少|如何|怎么|怎样|是否|是不是|有没有|牵头|配合|负责|协助|参与|主管|归.{0,4}管"
    r"|时限|期限|截止|分工|任务|职责|联系人|电话|呢"
)
# How many of the plans' words a piece before the nearest topical one holds to tell the same topic on (企业 投标 工程
# 现金 保证金), not the asker's context (刚接到盟里的电话: 电话)
RUN_ON_WORDS = 3
GREETING = re.compile(r"^(?:你好呀?|您好|早上好|上午好|下午好|晚上好|领导好|老师好)")
INTRODUCTION = re.compile(rf"^(?:{alternation(SELF_INTRODUCTIONS)})(.{{2,24}}?)(?:的)?(?:工作人员|同志|同事|人|老师)?$")
# what an introduced unit name carries after it ("盟环保局办公室的"): its own office, not another unit
OFFICE = re.compile(r"(?:办公室|机关|这边|那边)$")
UNIT_END = re.compile(rf"(?:{alternation(UNIT_ENDINGS)}|所)$")
# "我们单位/我们局" (not 我们局长), and a bare "我们" only where a unit would stand ("我们要配合哪些工作")
SELF = re.compile(
    rf"(?:{alternation(w for w in SELF_REFERENCES if w != '我们')})(?![长里们的])"
    r"|我们(?=要|需要|需|牵头|配合|负责|参与|承担|有哪些|都)"
)


def focus(
    text: str,
    topical: Callable[[str], bool],
    names_unit: Callable[[str], bool] = lambda piece: False,
    names_task: Callable[[str], bool] | None = None,
    task_words: Callable[[str], int] | None = None,
) -> str:
    """The question in a long text (see the module's docstring); the text itself when it is one piece, or when
    no piece asks anything. `topical(piece)`: whether a piece names something the plans speak of; `names_unit`:
    whether it names one of their units; `names_task`: whether it names a topic other than a unit (the piece
    that asks, "工商局牵头吗", brings the topic before it along when it names none: "简易注销，工商局牵头吗");
    `task_words`: how much of a topic it names (a piece that asks with one short word of the plans, "兜底由哪个
    部门负责", brings the piece right before it that names a topic: "…办不成的疑难事项，兜底由哪个部门负责")."""
    pieces = [p for p in PIECES.split(text) if p]
    if len(pieces) < 2:
        return text
    asking = [n for n, p in enumerate(pieces) if ASKING.search(p) and not INTRODUCTION.match(GREETING.sub("", p))]
    if not asking:
        return text
    last = asking[-1]
    kept = [last]
    while kept[0] - 1 in asking and not _introduced(pieces[kept[0] - 1]):  # "简易注销，谁牵头，谁配合": both asked
        kept.insert(0, kept[0] - 1)
    if not any((names_task or topical)(pieces[n]) for n in kept):
        # the nearest piece before them that names a topic, else after them ("谁牵头，简易注销那项")
        order = [*range(kept[0] - 1, -1, -1), *range(last + 1, len(pieces))]
        other = next((n for n in order if topical(pieces[n]) and not _introduced(pieces[n])), None)
        if other is not None:
            kept = sorted([*kept, other])
            # a topic told over several pieces right before the question ("企业投标…押保证金，改成用保函…，这事谁牵头")
            while (task_words is not None and other < kept[-1] and other > 0 and not _introduced(pieces[other - 1])
                   and task_words(pieces[other - 1]) >= RUN_ON_WORDS):
                other -= 1
                kept.insert(0, other)
    elif task_words is not None and kept[0] > 0 and sum(task_words(pieces[n]) for n in kept) < 2:
        before = pieces[kept[0] - 1]
        if (names_task or topical)(before) and not _introduced(before):
            kept.insert(0, kept[0] - 1)
    # a piece before it naming a unit is part of the question ("除了质监局，工商局牵头的还有哪些"), unless it is
    # who asks ("我是盟市场监管局的")
    kept = sorted({*kept, *(n for n in range(last) if names_unit(pieces[n]) and not _introduced(pieces[n]))})
    me = next((unit for p in pieces if (unit := _introduced(p))), "")
    question = "，".join(pieces[n] for n in kept)
    if me:
        question = SELF.sub(me, question, count=1)
    return question


def _introduced(piece: str) -> str:
    """The unit a self-introduction names ("我是盟环保局办公室的" → 盟环保局), '' for none."""
    match = INTRODUCTION.match(GREETING.sub("", piece))
    if match is None:
        return ""
    name = OFFICE.sub("", match.group(1))
    return name if UNIT_END.search(name) else ""
