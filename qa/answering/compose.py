"""Composing replies a person can act on: units by role, where they come from, the quoted clause."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Clause
from ..vocabulary import FACT_PATTERNS, RESPONSIBLE_NAME, ROLE_NAMES

SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")


def sentences(text: str) -> list[str]:
    """The sentences of a clause's text, punctuation kept."""
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def place(clause: Clause) -> str:
    """Where a clause stands in its plan: 二、(一)5“完善市场主体退出机制”."""
    marker = clause.path or {"letter": "来函", "title": "标题", "preamble": "序言", "appendix": "附件"}.get(clause.kind, "")
    title = f"“{clause.title}”" if clause.title and clause.title not in ("标题", "序言", "附件") else ""
    return f"{marker}{title}"


def document_name(doc: str) -> str:
    """A plan's title as a person cites it: 《doc》 (inner 《》 become 〈〉)."""
    return "《" + doc.replace("《", "〈").replace("》", "〉") + "》"


def where(clause: Clause) -> str:
    """Where a clause stands, as a person cites it: 《doc》二、(一)5“title”."""
    return f"{document_name(clause.doc)}{place(clause)}"


def duty_line(clause: Clause) -> str:
    """A clause's units in one line: 牵头单位：…；配合单位：…。"""
    if not (clause.lead or clause.cooperate):
        return f"未列明{RESPONSIBLE_NAME}。"
    if not clause.cooperate:  # units named with no role split lead (the answer contract)
        return f"{ROLE_NAMES['lead']}：{unit_list(clause.lead)}。"
    lead, cooperate = ROLE_NAMES["lead"], ROLE_NAMES["cooperate"]
    return f"{lead}：{unit_list(clause.lead)}；{cooperate}：{unit_list(clause.cooperate)}。"


def related_lines(related: Sequence[Clause], with_units: bool) -> list[str]:
    """The related clauses, one a line, with their units where asked."""
    if not related:
        return []
    lines = ["相关条款："]
    for clause in related:
        lines.append(
            f"· {place(clause)}：{quote(clause.body, 40)}" + (f" {duty_line(clause)}" if with_units else "")
        )
    return lines


def quote(text: str, limit: int = 160) -> str:
    """A clause's text cut to a readable length on a sentence boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = ""
    for sentence in sentences(text):
        if len(cut) + len(sentence) > limit:
            break
        cut += sentence
    return (cut or text[:limit]) + "……"


def unit_list(units: Sequence[str]) -> str:
    """Units joined as a Chinese list."""
    return "、".join(units) if units else "（未列明）"


def roles_line(clause: Clause, first: str = "lead") -> str:
    """A clause's units by role, in words, the asked role first: 牵头单位：A；配合单位：B、C。 (未列明 for none)."""
    if not (clause.lead or clause.cooperate):
        return f"该条款未列明{RESPONSIBLE_NAME}。"
    said = {role: f"{ROLE_NAMES[role]}：{'、'.join(getattr(clause, role)) or '未列明'}" for role in ROLE_NAMES}
    order = ("cooperate", "lead") if first == "cooperate" else ("lead", "cooperate")
    return "；".join(said[role] for role in order) + "。"


def duty_reply(
    intent: str, clause: Clause, related: Sequence[Clause], count: bool = False
) -> tuple[str, tuple[str, ...]]:
    """The reply to who leads / cooperates / is responsible, and the units it names: each role in words, the
    asked one first (with how many there are when the question asks a count)."""
    if intent == "lead":
        units = clause.lead
    elif intent == "cooperate":
        units = clause.cooperate
    else:
        units = clause.lead + clause.cooperate
    head = roles_line(clause, first=intent)
    if count and units:
        name = ROLE_NAMES.get(intent, RESPONSIBLE_NAME)
        head = f"{name}共{len(units)}个。{head}"
    lines = [head, f"出处：{where(clause)}", f"原文：“{quote(clause.body)}”"]
    if clause.duty_text:
        lines.append(clause.duty_text.strip())
    if clause.deadline:
        lines.append(f"完成时限：{clause.deadline}")
    lines += related_lines(related, with_units=True)
    return "\n".join(lines), units


def _sections(clauses: Sequence[Clause], mark) -> list[str]:
    """Task lines grouped under their top sections (【二、重点任务】), each with what `mark` says of it."""
    lines, section = [], None
    for clause in clauses:
        top = clause.section[0] if clause.section else ""
        if top != section:
            section = top
            lines.append(f"【{_top_marker(clause)}{top}】" if top else "【其他】")
        lines.append(f"· {clause.path}“{clause.title}”{mark(clause)}")
    return lines


def set_reply(
    description: str, members: Sequence[tuple[Sequence[str], str, bool]], clauses: Sequence[Clause]
) -> str:
    """The reply to a set question: the set in words, its size, then each task with the units' roles in it."""
    if not clauses:
        return f"方案中没有{description}的任务。"
    units = list(dict.fromkeys(u for names, _, _ in members for u in names))

    def roles(clause: Clause) -> str:
        said = [f"{u}{'牵头' if u in clause.lead else '配合'}" for u in units if u in clause.units]
        return f"（{'，'.join(said)}）" if said else ""

    return "\n".join([f"{description}的任务共{len(clauses)}项：", *_sections(clauses, roles)])


def compare_reply(rows: Sequence[tuple[str, str, int]], fewer: bool, named: bool) -> str:
    """The reply to which unit has more (fewer) tasks: the answer first, then each unit's count."""
    words = {"lead": "牵头", "cooperate": "配合", "any": "承担"}
    counts = "，".join(f"{name}{words[role]}{n}项" for name, role, n in rows[:5])
    top = [name for name, _, n in rows if n == rows[0][2]]
    role = words[rows[0][1]]
    more = "少" if fewer else "多"
    if named:
        if len(top) == len(rows):
            return f"{'和'.join(top)}一样多：{counts}。"
        return f"{top[0] if len(top) == 1 else '和'.join(top)}{role}的{more}：{counts}。"
    return f"{'、'.join(top)}{role}的任务最{more}（{rows[0][2]}项）。依次为：{counts}。"


def yes_no_reply(
    clause: Clause, members: Sequence[tuple[Sequence[str], str, bool]], asked_role: bool = False, only: bool = False
) -> str:
    """The reply to whether units have a role in a task: 是 or 不是 first (not when `asked_role`: which role they
    have), what each unit does there, then the task's units by role and where it stands. `only` ("是不是光工商局一家
    负责"): 是 only when no other unit has the role too."""
    names = {"lead": "牵头单位", "cooperate": "配合单位"}
    holds, said = True, []
    for units, role, denied in members:
        roles = {unit: "lead" if unit in clause.lead else "cooperate" if unit in clause.cooperate else "" for unit in units}
        found = any(bool(actual) if role == "any" else actual == role for actual in roles.values())
        # a name standing for several units (市场监管局: each plan's, a renamed one's): those in the task, if any
        present = [unit for unit, actual in roles.items() if actual]
        said += [f"{unit}是这项工作的{names[roles[unit]]}" for unit in present]
        if not present:
            said.append(f"{'、'.join(units)}没有参与这项工作")
        holds = holds and found != denied
    if only:
        asked = {unit for units, _, _ in members for unit in units}
        role = next((r for _, r, denied in members if not denied), "any")
        having = {"lead": clause.lead, "cooperate": clause.cooperate}.get(role, clause.lead + clause.cooperate)
        others = [unit for unit in having if unit not in asked]
        if others:
            holds = False
            said.append(f"还有{'、'.join(others)}")
    lines = [
        f"{'' if asked_role else '是。' if holds else '不是。'}{'；'.join(said)}。",
        roles_line(clause),
        f"出处：{where(clause)}",
        f"原文：“{quote(clause.body)}”",
    ]
    if clause.deadline:
        lines.append(f"完成时限：{clause.deadline}")
    return "\n".join(lines)


def tasks_reply(units: Sequence[str], role: str, clauses: Sequence[Clause], other_role_count: int) -> str:
    """The reply listing a unit's tasks, grouped by section."""
    name = "、".join(units)
    role_word = {"lead": "牵头", "cooperate": "配合", "any": "承担"}[role]
    if not clauses:
        tail = (
            f"（另有{other_role_count}项{'配合' if role == 'lead' else '牵头'}任务）"
            if other_role_count
            else ""
        )
        return f"方案中{name}没有{role_word}的任务{tail}。"
    counts = ""
    if role == "any":  # how many it leads, how many it takes part in, where it does both
        led = sum(1 for c in clauses if any(u in c.lead for u in units))
        helped = sum(1 for c in clauses if any(u in c.cooperate for u in units))
        counts = f"（牵头{led}项，配合{helped}项）" if led and helped else ""
    lines = [f"{name}{role_word}的任务共{len(clauses)}项{counts}："]
    section = None
    for clause in clauses:
        top = clause.section[0] if clause.section else ""
        if top != section:
            section = top
            lines.append(f"【{_top_marker(clause)}{top}】" if top else "【其他】")
        mark = ""
        if role == "any":  # which role each task gives the unit(s): only a list of both roles says it
            roles = ["牵头" if u in clause.lead else "配合" for u in units if u in clause.lead or u in clause.cooperate]
            mark = f"（{'/'.join(dict.fromkeys(roles))}）" if roles else ""
        lines.append(f"· {clause.path}“{clause.title}”{mark}")
    return "\n".join(lines)


def fact_reply(clause: Clause, answer_type: str, terms: Sequence[str]) -> str:
    """The reply stating a fact: the sentences of the clause that hold it, with the source."""
    chosen = best_sentences(clause.body, answer_type, terms)
    lines = []
    if answer_type == "date" and clause.deadline:
        lines.append(f"完成时限：{clause.deadline}。")
    lines.append("".join(chosen).strip())
    lines.append(f"出处：{where(clause)}")
    return "\n".join(lines)


def content_reply(clause: Clause, terms: Sequence[str], related: Sequence[Clause]) -> str:
    """The reply saying what a clause says: the sentences on the question's topic, its units, the source."""
    body = clause.body.strip()
    if len(body) > 240:
        body = "……".join(best_sentences(body, "", terms, most=3, need_entity=False)) + "……"
    lines = [f"{where(clause)}：", body]
    if clause.lead or clause.cooperate:
        lines.append(duty_line(clause))
    if clause.deadline:
        lines.append(f"完成时限：{clause.deadline}")
    lines += related_lines(related, with_units=False)
    return "\n".join(lines)


def best_sentences(
    text: str, answer_type: str, terms: Sequence[str], most: int = 2, need_entity: bool = True
) -> list[str]:
    """The sentences that best answer the question, in text order (the first holds the most)."""
    parts = sentences(text)
    if len(parts) <= 1:
        return parts
    pattern = FACT_PATTERNS.get(answer_type)

    def score(item: tuple[int, str]) -> tuple:
        i, sentence = item
        hits = sum(len(t) for t in terms if t in sentence)
        return (bool(pattern and pattern.search(sentence)), hits, -i)

    ranked = sorted(enumerate(parts), key=score, reverse=True)
    keep = [ranked[0]]
    for item in ranked[1:most]:
        if score(item)[1] > 0 and (not need_entity or (pattern and pattern.search(item[1]))):
            keep.append(item)
    return [s for _, s in sorted(keep)]


def _top_marker(clause: Clause) -> str:
    """The first-level marker of a clause's path (二、)."""
    match = re.match(r"^[一二三四五六七八九十]+、", clause.path)
    return match.group(0) if match else ""


def suggestions(clauses: Sequence[Clause], most: int = 3) -> tuple[str, ...]:
    """Questions the plans answer about these clauses (one each, titles of a readable length)."""
    found: list[str] = []
    for clause in clauses:
        title = clause.title.strip()
        if clause.kind != "paragraph" or not 2 <= len(title) <= 24:
            continue
        if clause.lead:
            question = f"{title}由谁牵头？"
        elif clause.cooperate:
            question = f"{title}有哪些配合单位？"
        else:
            question = f"{title}的内容是什么？"
        if question not in found:
            found.append(question)
        if len(found) >= most:
            break
    return tuple(found)


def several_reply(sections: Sequence[tuple[str, str]], more: Sequence[str] = ()) -> str:
    """The reply of several plans to one question: how many hold it, then each plan's own answer under its short
    title (without its related clauses: the first plan's are cited), and the plans not shown by name."""
    lines = [f"{len(sections) + len(more)}个方案都涉及这个问题，分别是：{'、'.join(s for s, _ in sections)}。"]
    for short, text in sections:
        lines += ["", f"【{short}】", text.split("\n相关条款：")[0]]
    if more:
        lines += ["", f"另有{len(more)}个方案也涉及：{'、'.join(more)}。"]
    return "\n".join(lines)


def read_as(reading: Sequence[tuple[str, str]]) -> str:
    """How a question's words were read, as the answer opens with it: 按“证照分离”理解："""
    words = "".join(f"“{right}”" for right in dict.fromkeys(right for _, right in reading))
    return f"按{words}理解：" if words else ""
