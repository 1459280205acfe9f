"""Finding responsibility blocks in a paragraph: labelled "(责任单位:…)", brackets of units with role words
"(市发改委牵头,市财政局配合)", bare brackets of units under a plan's convention "〔A，B、C〕", the plan's own
division "(市分工方案:…负责)", and lines of labels ("牵头单位：…" / "责任单位：…" / "完成时限：…")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..vocabulary import (
    ALL_LABELS,
    BLOCK_ROLE_WORDS,
    BLOCK_UNIT_ENDINGS,
    CLOSERS,
    CONVENTION_REMARKS,
    COOPERATE_LABELS,
    DEADLINE_LABELS,
    DEADLINE_WORDS,
    DIVISION_LABELS,
    FACT_PATTERNS,
    GROUP_MARKS,
    OPENERS,
    OPENING_LABELS,
    PHONE_NUMBER,
    PREFIX_CHARS,
    ROLE_ENDINGS,
    ROLE_LINKS,
    UNIT_ENDINGS,
    UNIT_JOINERS,
    alternation,
    unit_ending_pattern,
)
from .units import split_joined

# A label that opens a block, after its bracket: "(责任单位:…", "（牵头单位：…".
OPENING_LABEL = re.compile(rf"\s*(?:{alternation(OPENING_LABELS + COOPERATE_LABELS)})\s*[:：]")
# "责任单位:盟工商局" / "完成时限：2023 年6 月" at the start of a line of its own.
BARE_START = re.compile(rf"^\s*(?:{alternation(ALL_LABELS)})\s*[:：]")
# "市分工方案：…": the plan's own division of work, after a higher level's assignment.
DIVISION_START = re.compile(rf"^\s*[\u4e00-\u9fff]{{0,4}}(?:{alternation(DIVISION_LABELS)})\s*[:：]")
UNIT_END = unit_ending_pattern(UNIT_ENDINGS + BLOCK_UNIT_ENDINGS)
ROLE_WORD = re.compile(alternation(BLOCK_ROLE_WORDS))
ROLE_TAIL = re.compile(rf"(?:{alternation([w for w, _ in ROLE_ENDINGS] + list(ROLE_LINKS))})+$")
REMARK = re.compile(alternation(CONVENTION_REMARKS))
SENTENCE_END = "。；;！？!?"
LIST_END = "。！？!?"  # what ends a list of units in a bracket (its role groups are cut at "；")
# A deadline beside the units of a block: a date, a deadline word, or a deadline label.
DEADLINE = re.compile(
    rf"{FACT_PATTERNS['date'].pattern}|{alternation(DEADLINE_WORDS)}|^\s*(?:{alternation(DEADLINE_LABELS)})\s*[:：]"
)
# A district named bare beside units with a role word ("市直相关单位及娄星区按职责分工负责").
DISTRICT = re.compile(rf"^(?:.*(?:{alternation(UNIT_JOINERS)}))?[\u4e00-\u9fff]{{2,4}}[区县旗]$")
UNIT_OPENING = re.compile(rf"^(?:[{PREFIX_CHARS}]|{alternation(GROUP_MARKS)})[\u4e00-\u9fff]")
# Brackets and quotes whose content a unit check skips ("各县（市、区）", "“双随机、一公开”").
NESTED = re.compile(r"[(（〔\[【［“‘][^(（〔\[【［“‘)）〕\]】］”’]*[)）〕\]】］”’]")
SHORT_NAME = 4  # "广州、深圳、珠海市政府": bare place names of this length share the next unit's ending
PHONE = re.compile(PHONE_NUMBER)


def brackets(text: str) -> Iterator[tuple[int, int]]:
    """Top-level bracket pairs (start, end), the closer included; an opener never closed runs to the end."""
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in OPENERS:
            if depth == 0:
                start = i
            depth += 1
        elif ch in CLOSERS and depth:
            depth -= 1
            if depth == 0:
                yield start, i + 1
    if depth:
        yield start, len(text)


def _unit_like(piece: str) -> bool:
    """Whether a piece of a list names a unit (or a group of them): 市发改委, 各区县, 市级有关部门, or units
    joined by 及/和 ("中省直各相关部门及各市")."""
    piece = ROLE_TAIL.sub("", piece.strip(" 　\t"))
    joined = split_joined(piece)  # at a 及/和 with a unit on each side only (not 住房和城乡建设局)
    return all(_one_unit(p) for p in joined)


def _one_unit(piece: str) -> bool:
    """Whether a piece names one unit or group (东莞等市人民政府: places sharing the ending after 等)."""
    if "等" in piece[1:]:
        head, _, tail = piece.partition("等")
        if len(head) <= SHORT_NAME and UNIT_END.search(tail):
            return True
        piece = head
    return bool(piece) and (
        bool(UNIT_END.search(piece)) or piece.startswith(GROUP_MARKS) and len(piece) <= 12
    )


def _unit_opening(text: str) -> bool:
    """Whether a cut bracket's text opens as a unit name does ("（省市场监" / "管局牵头负责）")."""
    return bool(UNIT_OPENING.match(text)) and not re.search(rf"[{SENTENCE_END}：:]", text)


def names_units(inner: str, need_role: bool) -> bool:
    """Whether a bracket's content is a list of units (with role words when `need_role`), as duty blocks are.

    The first sentence must be the list; later sentences may only remark on the plan's convention.
    """
    flat = inner
    while True:  # nested brackets and quotes hold no separators of the list
        deeper = NESTED.sub("", flat)
        if deeper == flat:
            break
        flat = deeper
    # "；" separates role groups of one list ("A牵头；B、C配合"), "。" a remark from the list
    sentences = [s for s in re.split(rf"[{LIST_END}]", flat) if s.strip()]
    if not sentences or len(inner) > 400 or (need_role and not ROLE_WORD.search(flat)):
        return False
    if any(not REMARK.search(s) for s in sentences[1:]):
        return False
    pieces = [p for p in re.split(r"[,，、;；]", sentences[0]) if p.strip()]
    named = 0
    for i, piece in enumerate(pieces):
        if REMARK.search(piece) or DEADLINE.search(piece) and not UNIT_END.search(piece.split("前")[0]):
            continue  # a remark, or the deadline beside the units ("2023 年9 月底前完成", "完成时限：…")
        if named and PHONE.fullmatch(piece):
            continue  # the contact's number after the unit and its person
        if _unit_like(piece) or need_role and DISTRICT.match(ROLE_TAIL.sub("", piece.strip())):
            named += 1
        elif not (len(piece.strip()) <= SHORT_NAME and i + 1 < len(pieces) or named >= 2 and _name_like(piece)):
            return False
    return named > 0


def _name_like(piece: str) -> bool:
    """A short name the unit endings do not know, among units (东航物流, 中远海运集运): no sentence, no verb."""
    piece = piece.strip()
    return len(piece) <= 2 * SHORT_NAME and not re.search(r"[\d０-９]|的|为|在|对|将|要|和|及", piece)


def _is_block(text: str, start: int, end: int, convention: str) -> bool:
    """Whether the bracket text[start:end] is a responsibility block."""
    inner = text[start + 1 : end - (1 if text[end - 1] in CLOSERS else 0)]
    if OPENING_LABEL.match(inner):
        return True
    division = DIVISION_START.match(inner)
    if division:
        return names_units(inner[division.end() :], need_role=False)
    if names_units(inner, need_role=True):
        return True
    # a bare bracket of units after a sentence's end closes it ("…合作。（国际合作处）"): under a convention
    # stated once, or not ("（责任单位…）" with the label left out names the units that lead)
    before = text[:start].rstrip()
    closes = not before or before[-1] in SENTENCE_END + "".join(CLOSERS)
    return closes and names_units(inner, need_role=False)


def find_duty_blocks(text: str, convention: str = "") -> list[tuple[int, int]]:
    """Spans (start, end) of responsibility blocks in a paragraph, brackets included, in order."""
    if BARE_START.match(text):
        return [(0, len(text))]
    return [(s, e) for s, e in brackets(text) if _is_block(text, s, e, convention)]


def block_at_end(text: str, convention: str = "") -> tuple[int, int] | None:
    """The block that closes `text` (only punctuation after it), found without scanning the whole text."""
    end = len(text.rstrip("。.；; \t"))
    if end == 0 or text[end - 1] not in CLOSERS:
        return None
    depth = 0
    for start in range(end - 1, max(-1, end - 700), -1):
        if text[start] in CLOSERS:
            depth += 1
        elif text[start] in OPENERS:
            depth -= 1
            if depth == 0:
                return (start, end) if _is_block(text, start, end, convention) else None
    return None


def opens_duty_block(line: str, convention: str = "") -> bool:
    """Whether a line opens with a duty block, perhaps one the line break cuts: "（省发展改革委牵头负责，省"."""
    if not line or line[0] not in OPENERS:
        return False
    start, end = next(brackets(line))
    inner = line[1:end] if end < len(line) or line[-1] in CLOSERS else line[1:]
    inner = inner.rstrip("".join(CLOSERS))
    if OPENING_LABEL.match(inner) or DIVISION_START.match(inner):
        return True
    if end == len(line) and line[-1] not in CLOSERS:  # cut by the line break: its units so far
        head = inner.rstrip("，,、")
        return bool(ROLE_WORD.search(inner)) or names_units(head, need_role=False) or _unit_opening(head)
    return _is_block(line, start, end, convention)


def is_label_line(text: str) -> bool:
    """Whether a line opens with a duty label ("牵头单位：", "责任单位：", "完成时限：")."""
    return bool(BARE_START.match(text))


def is_division(block: str) -> bool:
    """Whether a block gives the plan's own division of work ("（市分工方案：…负责）")."""
    return bool(DIVISION_START.match(block.lstrip(OPENERS)))


def division_labels(duty_text: str) -> list[str]:
    """The labels of the plan's own divisions in a duty text ("（市分工方案：…负责）" → 市分工方案): staff name the
    division they ask about ("按市分工方案谁负责"), so the label is searchable with the task."""
    labels = []
    for start, end in brackets(duty_text):
        division = DIVISION_START.match(duty_text[start + 1 : end])
        if division:
            labels.append(division.group(0).strip().rstrip(":：").strip())
    return labels


def group_blocks(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Blocks standing next to each other (nothing but punctuation between) cover the same sentences."""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and not text[groups[-1][-1][1] : span[0]].strip(" 。.，,；;\n"):
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups
