"""Which text each responsibility block covers: its sentence, its sub-task, its item, a section it closes, or
every task under its heading; and a duty stated once inside a task's sentence."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..records import Clause, Duty
from ..vocabulary import (
    BLOCK_ROLE_WORDS, IN_SENTENCE_LEAD, LEAD_LABELS, SENTENCE_DUTY, SENTENCE_DUTY_OPENING, STANDING_UNITS, alternation,
)
from .blocks import names_units
from .structure import ARTICLE, LEAD_IN

IN_SENTENCE = re.compile(IN_SENTENCE_LEAD)
SENTENCE_DUTIES = re.compile(SENTENCE_DUTY)
# Words that mark a lead in a block: a task whose block has none takes the lead of a heading that does.
LEAD_WORD = re.compile(alternation(LEAD_LABELS + ("牵头", "主责", "负总责", "主办")))
STANDING = [re.compile(pattern) for pattern in STANDING_UNITS]
# A block marking any role: units carried into its task take part beside those it names. A block marking none
# ("（责任单位：A、B）") is one list of units that lead: the carried units are of that list.
ROLE_WORD = re.compile(alternation(BLOCK_ROLE_WORDS + ("主责", "会同", "协同", "协办")))
BRACKETS = re.compile(r"[()（）〔〕〈〉\[\]【】［］]")


def cover(clauses: list[Clause], items: list[tuple[int, bool]], closed_by_line: set[int],
          parse: Callable[[str], Duty]) -> list[Clause]:
    """Which text each block covers: an item's parts merged where they are one task; a heading with nothing
    under it a task of its own ("18．打造…窗口，实现…。"); a block after a section's last item closing the
    section; paragraphs without a duty of their own inheriting their heading's; a heading's lead leading the
    tasks under it that name none; a duty stated once inside a task's sentence."""
    if _runs_in(items):
        clauses = _merge_items(_merge_closed(clauses))
    parents = {c.parent for c in clauses}
    clauses = [
        replace(c, kind="paragraph")
        if c.kind == "heading" and c.id not in parents and not LEAD_IN.match(c.text)
        else c
        for c in clauses
    ]
    clauses = _close_sections(clauses, closed_by_line)
    # a heading holding numbered items: its unnumbered paragraphs introduce them, they are no measures
    numbered = {c.parent for c in clauses if c.level > 0}
    by_id = {c.id: c for c in clauses}
    result = []
    for clause in clauses:
        if (
            clause.kind == "paragraph"
            and not clause.duty_text
            and not (clause.level == 0 and clause.parent in numbered)
        ):
            parent = by_id.get(clause.parent)
            while parent is not None and not parent.duty_text:
                parent = by_id.get(parent.parent)
            if parent is not None and parent.kind == "heading":
                clause = replace(
                    clause,
                    lead=parent.lead,
                    cooperate=parent.cooperate,
                    deadline=parent.deadline,
                    duty_text=parent.duty_text,
                )
        elif clause.kind == "paragraph" and clause.duty_text and not LEAD_WORD.search(clause.duty_text):
            clause = _under_heading_lead(clause, by_id)
        if clause.kind == "paragraph" and not clause.lead and clause.path:
            clause = in_sentence(clause, parse)
        result.append(clause)
    return result


def in_sentence(clause: Clause, parse: Callable[[str], Duty]) -> Clause:
    """A task whose duty stands in its sentence, once ("由A、B牵头负责，C配合": A and B lead, C takes part; "第五条 A负责…",
    "由A负责…" at its opening, no other unit charged beside it: A leads)."""
    found = list(IN_SENTENCE.finditer(clause.body))
    if len(found) != 1 or not found[0]["lead"] and (
        found[0].start() > SENTENCE_DUTY_OPENING or len(SENTENCE_DUTIES.findall(clause.body)) > 1
    ):
        return clause
    lead = found[0]["lead"] or found[0]["held"] or found[0]["subject"]
    if not lead or not names_units(lead, need_role=False):
        return clause
    match = found[0]
    cooperate = match["cooperate"] if match["cooperate"] and names_units(match["cooperate"], False) else ""
    block = f"（{lead}牵头" + (f"，{cooperate}配合）" if cooperate else "）")
    duty = parse(block)
    if not duty.lead:
        return clause
    own = tuple(u for u in clause.cooperate if u not in duty.lead)
    return replace(clause, lead=duty.lead, cooperate=tuple(dict.fromkeys(duty.cooperate + own)),
                   duty_text=clause.duty_text or match.group(0))


def _under_heading_lead(clause: Clause, by_id: dict[str, Clause]) -> Clause:
    """A task naming no lead of its own ("（责任单位：A、B）", "（A负责）") under a heading that names one
    ("（一）…（牵头单位：X）"): X leads it, and its own units take part."""
    parent = by_id.get(clause.parent)
    while parent is not None and not (parent.kind == "heading" and parent.lead and LEAD_WORD.search(parent.duty_text)):
        parent = by_id.get(parent.parent)
    if parent is None:
        return clause
    own = [u for u in clause.lead + clause.cooperate if u not in parent.lead]
    return replace(clause, lead=parent.lead, cooperate=tuple(dict.fromkeys(own)))


def _close_sections(clauses: list[Clause], closed_by_line: set[int]) -> list[Clause]:
    """A block on lines of its own after a section's last item, none of whose items has units, closes the
    section: it covers every item of it ("5.…。6.…。7.…。" then "〔市行政审批局牵头，…〕", then "（四）")."""
    items: dict[str, list[int]] = {}
    for i, clause in enumerate(clauses):
        if clause.kind == "paragraph" and clause.level >= 3 and clause.parent:
            items.setdefault(clause.parent, []).append(i)
    for parent, indexes in items.items():
        last = clauses[indexes[-1]]
        earlier = [clauses[i] for i in indexes[:-1]]
        if not earlier or last.lines[1] not in closed_by_line or any(c.duty_text for c in earlier):
            continue
        following = indexes[-1] + 1
        if following < len(clauses) and clauses[following].parent == parent:
            continue  # text after the item in the same section: the block is the item's own
        for i in indexes[:-1]:
            clauses[i] = replace(clauses[i], lead=last.lead, cooperate=last.cooperate, deadline=last.deadline,
                                 duty_text=last.duty_text)
    return clauses


def _runs_in(items: list[tuple[int, bool]]) -> bool:
    """Whether the plan writes its measures run in ("3. 提升…效率。依托…"): most items of the numbering most
    items have hold their text in their own paragraph. Then an item's title standing alone is a PDF's line
    break, and the item with the paragraphs that one block closes is one task; where titles stand alone as a
    rule ("5.完善市场主体退出机制" / its paragraphs, each closed by a block of its own) they stay headings."""
    counts = Counter(level for level, _ in items)
    if not counts:
        return False
    measure = max(counts, key=lambda level: (counts[level], level))  # the numbering most items have
    measures = [run_in for level, run_in in items if level == measure]
    return sum(measures) >= len(measures) / 2


def _merge_closed(clauses: list[Clause]) -> list[Clause]:
    """Paragraphs that one block closes are one task: a paragraph whose block stands below it joins the
    paragraphs that follow it up to the block (a PDF's short line is no paragraph's end)."""
    out: list[Clause] = []
    for clause in clauses:
        before = out[-1] if out else None
        if (
            before is not None
            and before.kind == clause.kind == "paragraph"
            and before.level == clause.level == 0
            and before.parent == clause.parent
            and before.duty_text
            and before.duty_text == clause.duty_text
            and before.duty_text not in before.text
        ):
            out[-1] = replace(
                before, text=before.text + "\n" + clause.text, lines=(before.lines[0], clause.lines[1])
            )
        else:
            out.append(clause)
    return out


def _merge_items(clauses: list[Clause]) -> list[Clause]:
    """A numbered measure whose title stands on a line of its own, with paragraphs that one block closes (or
    none), is one task: "3. 提升重大项目投资审批效率。" / its paragraphs / "牵头单位：…" make one clause."""
    kids: dict[str, list[int]] = {}
    for i, clause in enumerate(clauses):
        kids.setdefault(clause.parent, []).append(i)
    out: list[Clause] = []
    skip: set[int] = set()
    for i, clause in enumerate(clauses):
        if i in skip:
            continue
        under = kids.get(clause.id, []) if clause.level >= 3 or ARTICLE.search(clause.path) else []
        parts = [clauses[k] for k in under]
        if (
            parts
            and under == list(range(i + 1, i + 1 + len(under)))
            and all(p.kind == "paragraph" and p.level == 0 for p in parts)
            and _one_task(clause, parts)
        ):
            merged = "\n".join([clause.text, *(p.text for p in parts)])
            last = parts[-1]
            out.append(
                replace(
                    clause,
                    kind="paragraph",
                    text=merged,
                    lead=last.lead,
                    cooperate=last.cooperate,
                    deadline=last.deadline,
                    duty_text=last.duty_text,
                    lines=(clause.lines[0], last.lines[1]),
                )
            )
            skip.update(under)
            continue
        out.append(clause)
    return out


def _one_task(item: Clause, parts: list[Clause]) -> bool:
    """Whether an item and the paragraphs under it are one task: a title with one paragraph, or with
    paragraphs that name no units; an item whose block stands in the one paragraph below it."""
    if item.kind == "heading":
        return not item.duty_text and (len(parts) == 1 or not any(p.duty_text for p in parts))
    return (
        len(parts) == 1
        and bool(item.duty_text)
        and item.duty_text == parts[0].duty_text
        and item.duty_text not in item.text
    )


def titled_first_paragraphs(clauses: list[Clause]) -> list[Clause]:
    """An item's title standing on a line of its own ("1.坚持应进必进原则要求。", "（一）全面落实减负降税费工作要求",
    a task list's "十六、建立破产企业涉税问题司法协作机制", an article's "第六条加快重要工程技术资料数字化。") opens the
    text of its first paragraph too, where that paragraph is a task (it names units): the task is asked by its
    title's words, and the clause cited holds them. The title keeps its heading clause; no paragraph is merged."""
    by_id = {c.id: c for c in clauses}
    done: set[str] = set()
    result = []
    for clause in clauses:
        head = by_id.get(clause.parent)
        if (
            head is not None
            and head.id not in done
            and head.kind == "heading"
            and head.level >= 1
            and not (head.lead or head.cooperate)
            and "\t" not in head.text
            and "\n" not in head.text
            and len(head.text) <= 40
            and clause.kind == "paragraph"
            and clause.level == 0
            and (clause.lead or clause.cooperate)
            and head.lines[1] < clause.lines[0]
        ):
            clause = replace(clause, text=f"{head.text}\n{clause.text}")
        if head is not None:
            done.add(head.id)
        result.append(clause)
    return result


def carry_standing(clauses: list[Clause], read_units: Callable[[str], list[str]], convention: str) -> list[Clause]:
    """Units a block's remark says take part in every task below it, not listed again ("以下任务均需各县区人民政府
    （管委会）落实，不再列出"): a stated convention, read in full, so each later task of the document naming units of
    its own names them too, as the remark's own block writes them. They take part beside the units the block marks
    (a lead, a convention), or lead with a list that marks no role ("以下责任单位中均包含…": one of its 责任单位)."""
    carried: tuple[str, ...] = ()
    result = []
    for clause in clauses:
        if carried and (clause.lead or clause.cooperate):
            extra = tuple(u for u in carried if u not in clause.lead and u not in clause.cooperate)
            if extra and not convention and not clause.cooperate and not ROLE_WORD.search(clause.duty_text):
                clause = replace(clause, lead=clause.lead + extra)
            elif extra:
                clause = replace(clause, cooperate=clause.cooperate + extra)
        named = standing_units(clause.duty_text, read_units)
        if named:
            own = {_bare(u): u for u in clause.lead + clause.cooperate}
            carried = tuple(dict.fromkeys(own.get(_bare(u), u) for u in named))
        result.append(clause)
    return result


def standing_units(block: str, read_units: Callable[[str], list[str]]) -> list[str]:
    """The units a block's remark says take part in every task below it ([] for a block with no such remark)."""
    if "以下" not in block:
        return []
    flat = re.sub(r"\s+", "", block)
    for pattern in STANDING:
        match = pattern.search(flat)
        if match:
            return read_units(match["units"])
    return []


def _bare(unit: str) -> str:
    """A unit's name without brackets or a group's 各: the remark's 各县区人民政府（管委会） is its block's
    各县（区）人民政府（管委会）, its 市 the block's 各市."""
    return BRACKETS.sub("", unit).removeprefix("各")
