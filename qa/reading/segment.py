"""Cutting a plan's lines into clauses: cover letter, title, preamble, headings and paragraphs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from ..measure import percentile
from ..records import Clause, Duty
from ..vocabulary import (
    CN_NUMERALS as CN_NUM,
    DEADLINE_NAME,
    DOCUMENT_TYPES,
    ISSUER_ENDINGS,
    OPEN_CLOSE,
    PLACE_ENDINGS,
    RESPONSIBLE_NAME,
    ROLE_NAMES,
    alternation,
    unit_ending_pattern,
)
from .blocks import find_duty_blocks
from .duties import DutyParser
from .sources import SourceText

# Heading markers by level; level 0 is 第一章 / 第一部分, level 5 is ①.
HEADINGS = [
    (0, re.compile(rf"^\s*(第[{CN_NUM}\d]+(?:章|部分|篇))\s*")),
    (1, re.compile(rf"^\s*([{CN_NUM}]{{1,3}})\s*[、.．]\s*")),
    (2, re.compile(rf"^\s*[(（]\s*([{CN_NUM}]{{1,3}})\s*[)）]\s*")),
    (3, re.compile(r"^\s*(\d{1,2})\s*[.．、](?![\d.．])\s*")),
    (4, re.compile(r"^\s*[(（]\s*(\d{1,2})\s*[)）]\s*")),
    (5, re.compile(r"^\s*([①-⑳])\s*")),
]
PAGE_MARKER = re.compile(
    r"^\s*(?:#+\s*)?(?:page\s*\d+\s*:?|[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?)\s*$",
    re.IGNORECASE,
)
DATE_ONLY = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
TERMINAL = "。！？；;：:!?"
CONTINUING_END = "、,，“《(（—-"
CONTINUING_START = "“”、,，。)）》;；:："
ORG_END = unit_ending_pattern(ISSUER_ENDINGS)
DOC_TYPE = re.compile(rf"(?:{alternation(DOCUMENT_TYPES)})[》”]?$")
PLACE = re.compile(rf"^(.{{2,8}}?)({alternation(PLACE_ENDINGS)})")
TITLE_SENTENCE = re.compile(r"^([^。！？；;!?]{2,40}?)[。！？!?]")
# Columns of a duty table (重点任务分工表), by what their header says.
TABLE_COLUMNS = [
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("lead", re.compile(r"牵头(单位|部门)")),
    ("cooperate", re.compile(r"(配合|协办|参与)(单位|部门)")),
    ("duty", re.compile(r"责任(单位|部门)")),
    ("deadline", re.compile(r"(完成)?(时限|时间|期限)|时间节点")),
    ("task", re.compile(r"任务|事项|内容|措施|工作")),
]


@dataclass
class Paragraph:
    """A logical paragraph: source lines joined, with the span they came from."""

    text: str
    first: int
    last: int
    first_line: str = ""
    heading: tuple[int, str, str] | None = None  # level, marker, rest


def heading_of(text: str) -> tuple[int, str, str] | None:
    """(level, marker, rest) when the text opens with a heading marker."""
    for level, pattern in HEADINGS:
        match = pattern.match(text)
        if match and match.end() < len(text.rstrip()) + 1:
            rest = text[match.end() :]
            if level == 1 and rest[:1].isdigit():
                continue
            return level, _marker(level, match.group(1)), rest
    return None


def _marker(level: int, token: str) -> str:
    """The marker as it stands in a heading path: 二、 (一) 5 (1) ①."""
    return {0: token, 1: token + "、", 2: f"({token})", 3: token, 4: f"({token})", 5: token}[level]


def display_width(text: str) -> float:
    """Width of a line in full-width characters (ASCII counts half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _open_brackets(text: str) -> int:
    """How many brackets and quotes opened in `text` are still open at its end."""
    depth = 0
    for ch in text:
        if ch in OPEN_CLOSE:
            depth += 1
        elif ch in OPEN_CLOSE.values() and depth:
            depth -= 1
    return depth


def looks_wrapped(lines: list[str], had_page_markers: bool) -> bool:
    """True for hard-wrapped text (from a PDF): most lines stop mid-sentence."""
    if had_page_markers:
        return True
    body = [line.rstrip() for line in lines if line.strip() and "\t" not in line]  # table rows are not prose
    if len(body) < 8:
        return False
    unfinished = sum(1 for line in body if line[-1] not in TERMINAL + ")）" and heading_of(line) is None)
    return unfinished / len(body) > 0.35


class Segmenter:
    """Turns a plan's lines into clauses with heading paths and responsibility."""

    def __init__(self, duties: DutyParser):
        if not isinstance(duties, DutyParser):
            raise ValueError(f"duties must be a DutyParser, got {type(duties).__name__}")
        self.duties = duties

    # -- lines into paragraphs -------------------------------------------------------------
    def paragraphs(self, source: SourceText) -> list[Paragraph]:
        """Logical paragraphs of a source: one a line, or wrapped lines joined."""
        kept: list[tuple[int, str]] = []
        markers = False
        for number, line in enumerate(source.lines, start=1):
            if not line.strip():
                continue
            if PAGE_MARKER.match(line):
                markers = markers or "page" in line.lower() or "页" in line
                continue
            kept.append((number, line.strip()))
        body_start = next(
            (i for i, (_, text) in enumerate(kept) if (h := heading_of(text)) and h[0] <= 2), len(kept)
        )
        if not looks_wrapped([t for _, t in kept], markers):
            return [self._paragraph([(n, t)], i >= body_start) for i, (n, t) in enumerate(kept)]
        width = percentile([display_width(t) for _, t in kept], 0.9)
        paragraphs: list[Paragraph] = []
        group: list[tuple[int, str]] = []
        for i, (number, text) in enumerate(kept):
            group.append((number, text))
            following = kept[i + 1][1] if i + 1 < len(kept) else None
            if following is None or self._breaks(group, following, width, i + 1 >= body_start):
                paragraphs.append(self._paragraph(group, i >= body_start))
                group = []
        return paragraphs

    @staticmethod
    def _paragraph(group: list[tuple[int, str]], in_body: bool) -> Paragraph:
        """A paragraph from its lines, joined without separators (Chinese has no spaces)."""
        text = "".join(t for _, t in group)
        head = heading_of(text)
        if head and head[0] >= 3 and not in_body:
            head = None  # numbering before the body is the compilation's, not the plan's
        return Paragraph(text, group[0][0], group[-1][0], group[0][1], head)

    @staticmethod
    def _breaks(group: list[tuple[int, str]], following: str, width: float, next_in_body: bool) -> bool:
        """Whether a wrapped paragraph ends before the line `following`."""
        line = group[-1][1]
        if "\t" in line or "\t" in following:
            return True  # a table row is a line of its own
        joined = "".join(t for _, t in group)
        head = heading_of(following)
        if head and (next_in_body or head[0] <= 2):
            return True
        if DATE_ONLY.match(line) or DATE_ONLY.match(following):
            return True
        if _open_brackets(joined[-600:] if len(joined) > 600 else joined):
            return (
                False  # (a bracket open for 600 characters is a stray one: do not rescan the whole paragraph)
            )
        spans = find_duty_blocks(joined)
        if spans and spans[-1][1] >= len(joined.rstrip("。 ")):
            return True  # a responsibility block closes the paragraph
        if line[-1] in CONTINUING_END or following[0] in CONTINUING_START or len(line) <= 3:
            return False
        short = display_width(line) < 0.8 * width
        own_heading = heading_of(joined)
        if own_heading and next_in_body:
            # 一、/(一)/1. stand on a line of their own; an item "(1)…" runs on to its duty block
            return short and len(group) == 1 if own_heading[0] <= 3 else False
        if not next_in_body:  # the cover letter and title: short lines stand alone
            return short or line[-1] in TERMINAL + ")）"
        return short and line[-1] in TERMINAL

    # -- paragraphs into clauses -----------------------------------------------------------
    def segment(self, source: SourceText) -> list[Clause]:
        """Clauses of one plan, in document order."""
        paragraphs = self.paragraphs(source)
        body_start = next(
            (i for i, p in enumerate(paragraphs) if p.heading and p.heading[0] <= 2), len(paragraphs)
        )
        if not any(p.heading for p in paragraphs):
            body_start = len(paragraphs)
        front, body = paragraphs[:body_start], paragraphs[body_start:]
        title_at, title_end = _find_title(front)
        doc_title = (
            re.sub(r"\s+", "", "".join(p.text for p in front[title_at:title_end]))
            if title_at is not None
            else source.name.rsplit(".", 1)[0]
        )
        places = places_of(doc_title)
        builder = _Builder(source.name, doc_title, places, self.duties)
        for i, paragraph in enumerate(front):
            if title_at is not None and title_at <= i < title_end:
                if i == title_at:
                    builder.add_plain(front[title_at:title_end], "title", "标题")
            elif title_at is not None and i < title_at:
                builder.add_plain([paragraph], "letter", _letter_part(paragraph.text))
            else:
                builder.add_plain([paragraph], "preamble", "序言")
        for paragraph in body:
            builder.add_body(paragraph)
        return builder.finish()


def _find_title(front: list[Paragraph]) -> tuple[int | None, int]:
    """Where the document title stands among the opening paragraphs: (first, end) or (None, 0)."""
    for i in range(len(front) - 1, -1, -1):
        text = front[i].text.strip()
        if (
            len(text) <= 60
            and text[-1] not in TERMINAL
            and DOC_TYPE.search(text)
            and not DATE_ONLY.match(text)
        ):
            start = i
            while start > 0:
                before = front[start - 1].text.strip()
                if (
                    len(before) > 30
                    or before[-1] in TERMINAL + ")）"
                    or DATE_ONLY.match(before)
                    or ORG_END.search(before)
                ):
                    break
                start -= 1
            return start, i + 1
    return None, 0


def places_of(title: str) -> tuple[str, ...]:
    """Place names a plan's title opens with (锡林郭勒盟 → 锡林郭勒, 锡林郭勒盟; 三亚市 → 三亚, 三亚市)."""
    match = PLACE.match(title)
    return (match.group(1), match.group(1) + match.group(2)) if match else ()


def _letter_part(text: str) -> str:
    """What part of a cover letter a paragraph is."""
    text = text.strip()
    if re.search(r"联系人|联系电话|电话|手机", text):
        return "联系人及电话"
    if text.startswith("传真"):
        return "传真"
    if re.fullmatch(r"[\u4e00-\u9fff]{1,10}[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号", text):
        return "文号"
    if DATE_ONLY.match(text):
        return "日期"
    if text[-1] in ":：" and len(text) <= 40:
        return "主送单位"
    if len(text) <= 25 and ORG_END.search(text):
        return "发文单位"
    if text[0] in "(（" and text[-1] in ")）":
        return "附注"
    return "来函正文"


@dataclass
class _Open:
    """A heading on the current path."""

    level: int
    marker: str
    title: str
    index: int  # position of its clause in the builder's list
    duty: Duty | None = None


@dataclass
class _Builder:
    """Accumulates clauses of one document, tracking the heading path and pending duties."""

    source: str
    doc: str
    places: tuple[str, ...]
    duties: DutyParser
    clauses: list[Clause] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    table: list[str] | None = None  # the column roles of the duty table being read

    def _id(self, first_line: int) -> str:
        digest = hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:6]
        return f"{digest}-{first_line}"

    def _path(self) -> str:
        return "".join(o.marker for o in self.stack)

    def add_plain(self, paragraphs: list[Paragraph], kind: str, title: str) -> None:
        """A clause of the front matter: title, cover letter or preamble."""
        text = "\n".join(p.text for p in paragraphs)
        self.clauses.append(
            Clause(
                id=self._id(paragraphs[0].first),
                doc=self.doc,
                source=self.source,
                path="",
                title=title,
                text=text,
                kind=kind,
                lines=(paragraphs[0].first, paragraphs[-1].last),
            )
        )

    def add_body(self, paragraph: Paragraph) -> None:
        """A paragraph of the body: a heading, text, a responsibility line, or a duty table's row."""
        text = paragraph.text
        if "\t" in text and self._table_line(paragraph):
            return
        self.table = None
        spans = find_duty_blocks(text)
        duty_only = bool(spans) and spans[0][0] == 0 and spans[-1][1] >= len(text.rstrip("。. "))
        if duty_only and not paragraph.heading:
            self._attach_duty(paragraph, self._duty(text, spans))
            return
        if paragraph.heading:
            level, marker, rest = paragraph.heading
            while self.stack and self.stack[-1].level >= level:
                self.stack.pop()
            title, has_content = _heading_title(rest, paragraph, text)
            self.stack.append(_Open(level, marker, title, len(self.clauses)))
            self.pending = []
            kind = "paragraph" if has_content or spans else "heading"
        else:
            kind, title = "paragraph", _title_sentence(text) or (self.stack[-1].title if self.stack else "")
        clause = Clause(
            id=self._id(paragraph.first),
            doc=self.doc,
            source=self.source,
            path=self._path(),
            title=title,
            text=text,
            kind=kind,
            lines=(paragraph.first, paragraph.last),
            section=tuple(o.title for o in self.stack),
            parent=self.clauses[self.stack[-2 if paragraph.heading else -1].index].id
            if len(self.stack) > (1 if paragraph.heading else 0)
            else "",
            level=paragraph.heading[0] if paragraph.heading else 0,
        )
        self.clauses.append(clause)
        if kind == "paragraph":
            self.pending.append(len(self.clauses) - 1)
        if spans:
            self._assign(self._duty(text, spans))

    def _table_line(self, paragraph: Paragraph) -> bool:
        """Read a duty table's header or row; False when the line is no part of one."""
        cells = [c.strip() for c in paragraph.text.split("\t")]
        roles = [next((role for role, pattern in TABLE_COLUMNS if pattern.search(c)), "") for c in cells]
        if {"lead", "duty"} & set(roles) and len(cells) >= 2 and all(len(c) <= 12 for c in cells):
            self.table = roles
            self.clauses.append(
                Clause(
                    id=self._id(paragraph.first),
                    doc=self.doc,
                    source=self.source,
                    path=self._path(),
                    title=self.stack[-1].title if self.stack else "任务分工表",
                    text=paragraph.text,
                    kind="heading",
                    lines=(paragraph.first, paragraph.last),
                    section=tuple(o.title for o in self.stack),
                )
            )
            self.pending = []
            return True
        if self.table is None or len(cells) < 2:
            return False
        value = {role: cell for role, cell in zip(self.table, cells) if role}
        task = value.get("task") or max(cells, key=len)
        labels = {**ROLE_NAMES, "duty": RESPONSIBLE_NAME, "deadline": DEADLINE_NAME}
        block = "(" + ";".join(f"{labels[r]}:{value[r]}" for r in labels if value.get(r)) + ")"
        if "duty" in value and "lead" in value:  # 责任单位 beside 牵头单位 are the cooperating units
            block = block.replace(f"{RESPONSIBLE_NAME}:", f"{ROLE_NAMES['cooperate']}:")
        duty = self.duties.parse(block, self.places)
        header = next(c for c in reversed(self.clauses) if c.kind == "heading")
        number = value.get("number", "").strip() or str(
            sum(1 for c in self.clauses if c.parent == header.id) + 1
        )
        self.clauses.append(
            Clause(
                id=self._id(paragraph.first),
                doc=self.doc,
                source=self.source,
                path=f"{self._path()}表{number}",
                title=_title_sentence(task + "。…") or task[:40],
                text=paragraph.text,
                kind="paragraph",
                lead=duty.lead,
                cooperate=duty.cooperate,
                deadline=duty.deadline,
                duty_text=block,
                lines=(paragraph.first, paragraph.last),
                section=tuple(o.title for o in self.stack),
                parent=header.id,
            )
        )
        return True

    def _duty(self, text: str, spans: list[tuple[int, int]]) -> Duty:
        """The responsibility of a paragraph's blocks (the last block wins where several stand)."""
        duty = Duty()
        for start, end in spans:
            parsed = self.duties.parse(text[start:end], self.places)
            duty = parsed if parsed.lead or parsed.cooperate or not duty.source else duty
            if parsed.deadline and not duty.deadline:
                duty = replace(duty, deadline=parsed.deadline)
        return duty

    def _assign(self, duty: Duty) -> None:
        """Give the pending paragraphs their responsibility."""
        for index in self.pending:
            old = self.clauses[index]
            self.clauses[index] = replace(
                old, lead=duty.lead, cooperate=duty.cooperate, deadline=duty.deadline, duty_text=duty.source
            )
        self.pending = []

    def _attach_duty(self, paragraph: Paragraph, duty: Duty) -> None:
        """A responsibility line on its own: it covers the paragraphs since the last one."""
        if self.pending:
            last = self.pending[-1]
        elif self.stack and self.stack[-1].index == len(self.clauses) - 1:
            last = self.stack[
                -1
            ].index  # right under a heading: the heading's duty, inherited by what follows
            self.stack[-1].duty = duty
        elif self.clauses and self.clauses[-1].kind != "title":
            # after a paragraph that had its own duty (or a table): the line stays with it, as written
            last = len(self.clauses) - 1
            if self.clauses[last].duty_text:
                old = self.clauses[last]
                self.clauses[last] = replace(
                    old, text=old.text + "\n" + paragraph.text, lines=(old.lines[0], paragraph.last)
                )
                return
        else:
            self.clauses.append(
                Clause(
                    id=self._id(paragraph.first),
                    doc=self.doc,
                    source=self.source,
                    path="",
                    title="责任单位",
                    text=paragraph.text,
                    kind="paragraph",
                    lines=(paragraph.first, paragraph.last),
                )
            )
            last = len(self.clauses) - 1
        old = self.clauses[last]
        self.clauses[last] = replace(
            old, text=old.text + "\n" + paragraph.text, lines=(old.lines[0], paragraph.last)
        )
        if self.pending:
            self._assign(duty)
        else:
            self.clauses[last] = replace(
                self.clauses[last],
                lead=duty.lead,
                cooperate=duty.cooperate,
                deadline=duty.deadline,
                duty_text=duty.source,
            )

    def finish(self) -> list[Clause]:
        """The clauses, paragraphs without a duty of their own inheriting their heading's."""
        by_id = {c.id: c for c in self.clauses}
        result = []
        for clause in self.clauses:
            if clause.kind == "paragraph" and not clause.duty_text:
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
            result.append(clause)
        return result


def _heading_title(rest: str, paragraph: Paragraph, text: str) -> tuple[str, bool]:
    """A heading's title and whether text follows it in the same paragraph."""
    body = rest
    spans = find_duty_blocks(body)
    if spans:
        body = body[: spans[0][0]]
    sentence = TITLE_SENTENCE.match(body)
    if sentence and len(body.strip()) > sentence.end() + 1:
        return sentence.group(1).strip(), True
    first = heading_of(paragraph.first_line)
    if first and len(paragraph.first_line) < len(text) and len(first[2]) >= 4 and not sentence:
        return first[2].strip(" 。"), True  # wrapped: the title is the heading's own line
    return body.strip().rstrip("。.;；"), False


def _title_sentence(text: str) -> str:
    """The title sentence a paragraph opens with ("加强网络市场监管。…"), or ''."""
    match = TITLE_SENTENCE.match(text)
    if (
        match
        and len(match.group(1)) <= 25
        and not re.search(r"[,，:：]", match.group(1))
        and len(text) > match.end() + 4
    ):
        return match.group(1)
    return ""
