"""Responsibility clauses: reading lead / cooperating units from "(责任单位:…)" blocks in the forms plans use."""

from __future__ import annotations

import re

from ..records import Duty
from ..vocabulary import (
    ALL_LABELS,
    BLOCK_CONTACT,
    BLOCK_REMARK,
    CLOSERS,
    CONVENTION_NO_LEAD,
    CONVENTION_OPENINGS,
    CONVENTION_POSITIONS,
    COOPERATE_LABELS,
    DEADLINE_LABELS,
    DEADLINE_WORDS,
    FACT_PATTERNS,
    LEAD_LABELS,
    LIST_SEPARATORS,
    NOT_UNITS,
    OPENERS,
    PLAN_WIDE_WORDS,
    PROSE_WORDS,
    ROLE_GROUP_SEPARATORS,
    STATEMENT_WORDS,
    Vocabulary,
    alternation,
)
from .units import NEST_CLOSE, NEST_OPEN, UNIT_END, UnitDirectory, split_outside

# Any label inside a block ("牵头单位:…;配合单位:…;完成时限:…"), captured to split on.
LABELLED = re.compile(rf"({alternation(ALL_LABELS)})\s*[:：]")
# A label of the plan's own at the start of a block ("（市分工方案：…负责）"): not a role, dropped.
OTHER_LABEL = re.compile(r"^\s*([^、,，;；:：()（）〔〕\s]{2,12})\s*[:：]")
MARKED_LEAD = re.compile(r"[(（]\s*牵头\s*[)）]")  # "旗农牧局(牵头)、旗财政局": the marked unit leads
MARKED_SPLIT = re.compile(rf"[{LIST_SEPARATORS}]")
# "逗号前为牵头单位", "排名第一位的为牵头责任单位", "列第一位者为牵头单位": where a bare list's lead stands.
CONVENTION = re.compile(
    rf"(?:{alternation(CONVENTION_OPENINGS)})?(?P<position>{alternation(CONVENTION_POSITIONS)})"
    rf"(?:的|者)?(?:单位|部门)?(?:为|是)(?:{alternation(LEAD_LABELS)})"
)
# A block's statement of the convention runs to the end of its sentence ("，下同", "，以下工作均涉及…").
STATEMENT = re.compile(rf"[,，;；]?\s*{CONVENTION.pattern}[^。]*")
PLAN_WIDE = re.compile(alternation(PLAN_WIDE_WORDS))
NO_LEAD = re.compile(alternation(CONVENTION_NO_LEAD))
GROUP_SPLIT = re.compile(rf"[{ROLE_GROUP_SEPARATORS}]")
REMARK = re.compile(BLOCK_REMARK)
CONTACT = re.compile(BLOCK_CONTACT)
# Verbs of a task and words of a sentence: a "name" holding one and no unit's ending is prose.
PROSE = re.compile(alternation(PROSE_WORDS))
SENTENCE_WORD = re.compile(alternation(STATEMENT_WORDS))
OTHER_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")  # "目标位置:全省前5": another label's value
# "2023年6月底前完成", "长期坚持": a deadline in a free-form line, no unit.
DEADLINE_PIECE = re.compile(rf"{FACT_PATTERNS['date'].pattern}|{alternation(DEADLINE_WORDS)}")


def detect_convention(text: str) -> str:
    """The convention a plan states once for its bare unit lists, read from the plan's whole text.

    "comma_leads" for "逗号前为牵头单位" (units before a block's first comma lead, the rest cooperate; a block
    with no comma: all lead), "first_leads" for "排名第一位的为牵头责任单位" / "列第一位的为牵头单位" /
    "排在第一位的为牵头单位" (the first-listed unit leads), "" when the plan states none. A statement holds
    for the plan when it stands in the body text or says so ("，下同", "，以下…"); one in a block and no more
    ("(A、B，列第一位者为牵头单位)") is that block's own, read by `parse` there.
    Pass the result to `DutyParser.parse` for each block of the plan."""
    text = "".join(text.split())
    for match in CONVENTION.finditer(text):
        sentence = re.match(rf"[^。{re.escape(CLOSERS)}]*", text[match.end() :])[0]
        if not _in_brackets(text, match.start()) or PLAN_WIDE.search(sentence):
            return _stated(match, sentence)
    return ""


def _stated(match: re.Match, sentence: str) -> str:
    """The convention a statement gives, read in full: with its "no lead" half ("，未明确牵头单位的按职责分工
    负责"), a list with no comma names no lead."""
    convention = CONVENTION_POSITIONS[match["position"]]
    if convention == "comma_leads" and NO_LEAD.search(sentence):
        return "comma_leads_strict"
    return convention


def _in_brackets(text: str, position: int, reach: int = 500) -> bool:
    """Whether `position` stands inside a bracket opened at most `reach` characters before it."""
    depth = 0
    for ch in reversed(text[max(0, position - reach) : position]):
        if ch in NEST_CLOSE:
            depth += 1
        elif ch in NEST_OPEN:
            if not depth:
                return True
            depth -= 1
    return False


def clean_deadline(text: str) -> str:
    """A deadline without spaces or enclosing brackets: '(2023 年6 月)' → '2023年6月'."""
    text = "".join(text.split()).strip("。.;；,，")
    return text.lstrip(OPENERS).rstrip(CLOSERS)


class DutyParser:
    """Reads the units of a responsibility block in the forms plans use."""

    def __init__(self, units: UnitDirectory, vocabulary: Vocabulary | None = None):
        if not isinstance(units, UnitDirectory):
            raise ValueError(f"units must be a UnitDirectory, got {type(units).__name__}")
        self.units = units
        self.role_endings = (vocabulary or Vocabulary()).role_endings

    def parse(self, block: str, places: tuple[str, ...] = (), convention: str = "") -> Duty:
        """Parse a block such as '(责任单位:盟工商局牵头,盟编办配合。)' into a Duty.

        `places` are the plan's own place names (a unit naming one takes no carried prefix); `convention` is
        what `detect_convention` found in the plan ("comma_leads", "first_leads" or ""): it decides the roles
        of a block that names none ("〔A、B，C〕"). A block stating a convention itself follows it."""
        inner = block.strip()
        if inner and inner[0] in OPENERS:
            inner = inner[1:]
        if inner and inner[-1] in CLOSERS:
            inner = inner[:-1]
        inner = REMARK.sub("", inner)  # "以下任务均需…落实，不再列出": about the tasks below, no unit of this one
        inner = CONTACT.sub("", inner)  # "（公共服务处，王鸿雁，63916867）": the unit's contact names no unit
        stated = CONVENTION.search(inner)
        if stated:  # "(责任单位:A、B,列第一位者为牵头单位)": the statement names no unit
            convention = _stated(stated, inner[stated.end() :].split("。")[0])
            inner = STATEMENT.sub("", inner)
        other = OTHER_LABEL.match(inner)
        if other and other[1] not in ALL_LABELS:
            inner = inner[other.end() :]
        parts = LABELLED.split(inner)
        labelled = list(zip(parts[1::2], parts[2::2])) or [("", inner)]  # unlabelled: "A牵头,B配合"
        if len(parts) > 1 and parts[0].strip(" ,，;；。"):  # "（登记指导处负责，完成时限：2023 年底前）"
            labelled.insert(0, ("", parts[0]))
        has_lead_label = any(label in LEAD_LABELS for label, _ in labelled)
        lead: list[str] = []
        cooperate: list[tuple[str, bool]] = []  # (unit, named under a label of its own)
        deadline = ""
        prefix = ""
        for label, content in labelled:
            content = content.strip(" ;；。,，")
            if label in DEADLINE_LABELS:
                deadline = clean_deadline(content)
            elif label in LEAD_LABELS:
                names, prefix = self.units.read_list(self._strip_role_words(content), places, prefix)
                lead += names
            elif label in COOPERATE_LABELS or has_lead_label:
                names, prefix = self.units.read_list(self._strip_role_words(content), places, prefix)
                cooperate += [(name, True) for name in names]
            else:
                more_lead, more_cooperate, prefix, more_deadline = self._free_form(
                    content, places, prefix, convention
                )
                deadline = deadline or more_deadline
                lead += more_lead
                cooperate += [(name, False) for name in more_cooperate]
        # A unit a plan names under both labels keeps both roles, as written ("牵头单位：A，责任单位：…、A").
        kept = [name for name, own_label in cooperate if own_label or name not in lead]
        return Duty(_unique(n for n in lead if not not_a_unit(n)), _unique(n for n in kept if not not_a_unit(n)),
                    deadline, block)

    def _strip_role_words(self, text: str) -> str:
        """A labelled list without its role words ('A、B配合' → 'A、B'; 'A按职责分工负责，B' → 'A，B'), and
        without the prose a label's value may run on into ("…管委会各级各部门要认真贯彻落实…")."""
        pieces = []
        for piece in split_outside(text.strip(" ;；。,，"), GROUP_SPLIT):
            piece = piece.strip(" ;；。,，")
            for ending, _ in self.role_endings:
                if piece.endswith(ending):
                    piece = piece[: -len(ending)]
                    break
            pieces.append(piece)
        return _unit_run("，".join(p for p in pieces if p))

    def _role_of(self, piece: str) -> tuple[str, str]:
        """A piece of a duty line without its role word, and the role word's role ('' for none)."""
        for ending, role in self.role_endings:
            if piece.endswith(ending) and len(piece) > len(ending):
                return piece[: -len(ending)], role
        return piece, ""

    def _free_form(
        self, content: str, places: tuple[str, ...], prefix: str, convention: str
    ) -> tuple[list[str], list[str], str, str]:
        """Lead and cooperating units, the prefix carried on and a deadline, of an unlabelled line:
        'A牵头，B、C配合，D落实', 'A、B负责', 'A，B按职责分工负责', '〔A、B，C〕', 'A牵头，B配合，2023年底前完成'."""
        if MARKED_LEAD.search(content):
            lead, cooperate = [], []
            for piece in split_outside(content, MARKED_SPLIT):
                names, prefix = self.units.read_list(MARKED_LEAD.sub("", piece), places, prefix)
                (lead if MARKED_LEAD.search(piece) else cooperate).extend(names)
            return lead, cooperate, prefix, ""
        pieces: list[tuple[str, str]] = []  # (units as written, role word's role)
        deadline = ""
        for piece in split_outside(content, GROUP_SPLIT):
            piece = piece.strip()
            if DEADLINE_PIECE.search(piece) and not UNIT_END.search(self._role_of(piece)[0]):
                deadline = deadline or clean_deadline(piece)
            elif "会同" in piece:  # "A会同B、C负责": A leads, B and C cooperate
                first, rest = piece.split("会同", 1)
                pieces += [(first, "lead"), (self._role_of(rest)[0], "cooperate")]
            elif piece:
                pieces.append(self._role_of(piece))
        # "A，B、C等按职责分工负责", "A，B等和C按职责分工负责": 等 closes one list that shares the role, so no unit
        # of it leads
        closed = ["等" in text[1:] for text, _ in pieces]
        roles = _resolve_roles([role for _, role in pieces], convention, closed)
        lead: list[str] = []
        cooperate: list[str] = []
        for (text, _), role in zip(pieces, roles):
            names, prefix = self.units.read_list(text, places, prefix)
            if role == "first":  # first_leads: the first-listed unit leads
                lead += names[:1]
                cooperate += names[1:]
            else:
                (lead if role == "lead" else cooperate).extend(names)
        return lead, cooperate, prefix, deadline


def _resolve_roles(words: list[str], convention: str, closed: list[bool] | None = None) -> list[str]:
    """Each piece's role (lead | cooperate | first) from the role words of a duty line, in order.

    A piece with no role word of its own takes the role of the next role word ("A牵头，B，C配合": B
    cooperates); 负责 units lead unless a 牵头 unit stands in the line; with no role word at all the plan's
    convention decides (comma_leads: the first piece leads; first_leads: "first", its first unit leads). A list
    `closed` by 等 in its 按职责分工负责 piece ("A，B、C等按职责分工负责") is one list sharing it: none of it leads."""
    if not any(words):
        if convention == "comma_leads_strict" and len(words) == 1:
            return ["cooperate"]  # no comma: no lead, as the statement's other half says
        if convention in ("comma_leads", "comma_leads_strict", "first_leads"):
            return ["lead" if convention != "first_leads" else "first"] + ["cooperate"] * (len(words) - 1)
        return ["lead"] * len(words)
    has_lead = "lead" in words
    first = next(i for i, word in enumerate(words) if word)
    # "A，B按职责分工负责", "A，B配合": the units named first with no role word lead, the others take part
    implicit = (
        not has_lead
        and first > 0
        and words[first] in ("shared", "cooperate")
        and not (words[first] == "shared" and closed and closed[first])
    )
    roles = []
    for i, word in enumerate(words):
        if implicit and i < first:
            roles.append("lead")
        elif word == "shared":  # "A、B按职责分工负责" names no lead; "A，B按职责分工负责": A leads (implicit)
            roles.append("cooperate")
        elif word == "responsible":
            roles.append("cooperate" if has_lead or implicit else "lead")
        else:
            roles.append(word)
    following = ""
    for i in range(len(roles) - 1, -1, -1):
        following = roles[i] = roles[i] or following
    previous = "lead"
    for i, role in enumerate(roles):  # a trailing piece with no role word takes the one before it
        previous = roles[i] = role or previous
    return roles


def _unit_run(text: str) -> str:
    """A list of units up to where prose begins: its first sentence, and no piece after a piece that holds a
    verb of a task and names no unit ("A、B管委会各级各部门要认真贯彻落实…" → "A、B管委会")."""
    text = text.split("。")[0]
    pieces = split_outside(text, re.compile("[、，,；;]"))
    kept = []
    for piece in pieces:
        if SENTENCE_WORD.search(piece) or PROSE.search(piece) and not UNIT_END.search(piece):
            break
        kept.append(piece)
    return "、".join(kept) if len(kept) < len(pieces) else text


def not_a_unit(name: str) -> bool:
    """Whether a name read from a block is no unit: prose ("加强组织实施"), a remark ("下同"), a label and its
    value ("目标位置:全省前5"), or a word of a statement ("人员", "电话")."""
    return bool(SENTENCE_WORD.search(name) or PROSE.search(name) and not UNIT_END.search(name)
                or OTHER_VALUE.match(name) or name in NOT_UNITS)


def _unique(names) -> tuple[str, ...]:
    """Names in first-seen order, each once."""
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)
