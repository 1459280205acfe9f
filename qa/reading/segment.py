"""Cutting a plan's paragraphs into clauses: cover letter, title, preamble, headings, paragraphs, and the parts
of an item that holds several responsibility blocks. The stages it runs, in order: documents (a compilation's
documents apart), layout (lines → paragraphs and tables), structure (headings, title, body), duties (a block →
lead and cooperating units, qa/reading/duties.py), coverage (which text each block covers)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from ..records import Clause, Duty
from ..vocabulary import (
    ATTACHMENT_NOTE,
    DEADLINE_NAME,
    DUTY_OWNER,
    EMPTY_CELLS,
    RESPONSIBLE_NAME,
    ROLE_NAMES,
)
from .blocks import (
    find_duty_blocks,
    group_blocks,
    is_division,
)
from .coverage import carry_standing, cover, titled_first_paragraphs
from .documents import entry_issuer, entry_title, given_title, split_documents
from .duties import DutyParser, detect_convention, not_a_unit
from .layout import (
    PAGE_MARKER,  # noqa: F401  (re-exported: what tests and callers import from here)
    Paragraph,
    column_role,
    paragraphs,
)
from .sources import SourceText
from .structure import (
    LEAD_IN,
    PUNCT,
    body_start,
    find_title,
    heading_title,
    letter_parts,
    places_of,
    title_sentence,
)


class Segmenter:
    """Turns a plan's lines into clauses with heading paths and responsibility."""

    def __init__(self, duties: DutyParser):
        if not isinstance(duties, DutyParser):
            raise ValueError(f"duties must be a DutyParser, got {type(duties).__name__}")
        self.duties = duties

    # -- paragraphs into clauses -----------------------------------------------------------
    def paragraphs(self, source: SourceText, convention: str = "") -> list[Paragraph]:
        """Logical paragraphs of a source (the layout stage, qa/reading/layout.py)."""
        return paragraphs(source, convention)

    def segment(self, source: SourceText) -> list[Clause]:
        """Clauses of a plan file, in document order: of each of its documents when it is a compilation."""
        return [c for part in split_documents(source) for c in self.segment_document(part.source, part.heading)]

    def segment_document(self, source: SourceText, heading: str = "") -> list[Clause]:
        """Clauses of one document, in document order; a compilation's entry `heading` names it."""
        convention = detect_convention("\n".join(source.lines))
        found = paragraphs(source, convention)
        start = body_start(found)
        front, body = found[:start], found[start:]
        title_at, title_end = find_title(front)
        inner = re.sub(r"\s+", "", "".join(p.text for p in front[title_at:title_end])) if title_at is not None else ""
        letter = [p.text for p in front[:title_at]]
        given = given_title(entry_title(heading), inner, letter) if heading and inner else ""
        if heading and not given:  # a compilation's entry names its document better than a title found in its lines
            doc_title = entry_title(heading)
        elif inner:
            doc_title = given or inner
        else:
            doc_title = source.name.rsplit(".", 1)[0]
        places = places_of(doc_title) or places_of(entry_issuer(heading))  # "廊坊市人民政府办公室印发…"
        builder = _Builder(source.name, doc_title, places, self.duties, convention)
        parts = letter_parts([p.text for p in front[:title_at]]) if title_at is not None else []
        for i, paragraph in enumerate(front):
            if title_at is not None and title_at <= i < title_end:
                if i == title_at:
                    builder.add_plain(front[title_at:title_end], "title", "标题")
            elif title_at is not None and i < title_at:
                if parts[i]:  # a signature's wrapped first line ("") goes with the line after it
                    first = i
                    while first and not parts[first - 1]:
                        first -= 1
                    builder.add_plain(front[first : i + 1], "letter", parts[i])
            else:
                builder.add_plain([paragraph], "preamble", "序言")
        for paragraph in body:
            builder.add_body(paragraph)
        return builder.finish()


@dataclass
class _Open:
    """A heading on the current path."""

    level: int
    marker: str
    title: str
    index: int  # position of its clause in the builder's list
    duty: Duty | None = None


@dataclass
class _Cut:
    """A part of a paragraph: text[start:end], and the blocks that close it (none for trailing text)."""

    start: int
    end: int
    blocks: list[tuple[int, int]]


@dataclass
class _Builder:
    """Accumulates clauses of one document, tracking the heading path and pending duties."""

    source: str
    doc: str
    places: tuple[str, ...]
    duties: DutyParser
    convention: str = ""
    clauses: list[Clause] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    table: list[str] | None = None  # the column roles of the duty table being read
    parts: dict[str, int] = field(default_factory=dict)  # parts numbered so far, by heading path
    items: list[tuple[int, bool]] = field(
        default_factory=list
    )  # each heading's level, and whether text follows
    closed_by_line: set[int] = field(default_factory=set)  # last lines of blocks standing on lines of their own

    def _id(self, first_line: int) -> str:
        digest = hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:6]
        return f"{digest}-{first_line}"

    def _path(self) -> str:
        return "".join(o.marker for o in self.stack)

    def _section(self) -> tuple[str, ...]:
        return tuple(o.title for o in self.stack)

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
        if not paragraph.heading and ATTACHMENT_NOTE.match(text):
            # "附件：…任务清单（略）" after the last task: the document's attachment, no part of that task
            self.add_plain([paragraph], "appendix", "附件")
            return
        owner = DUTY_OWNER.fullmatch(text) if not paragraph.heading else None
        if owner and owner["rest"].strip(PUNCT) and not find_duty_blocks(text, self.convention):
            units = self._units_of(owner["unit"])
            if units:  # "地区营商局：拟定…": that unit's duties, a task of their own
                rest = owner["rest"]
                title = title_sentence(rest) or (self.stack[-1].title if self.stack else "")
                self.clauses.append(self._clause(paragraph, text, "paragraph", title, False))
                self._set_duty(len(self.clauses) - 1, Duty(lead=tuple(units), source=owner["unit"]))
                return
        spans = find_duty_blocks(text, self.convention)
        if spans and spans[-1][1] >= len(text.rstrip(PUNCT)) and any(o == spans[-1][0] for o, _ in paragraph.starts):
            self.closed_by_line.add(paragraph.last)  # a block on lines of its own closes this paragraph
        duty_only = (
            bool(spans) and not text[: spans[0][0]].strip() and spans[-1][1] >= len(text.rstrip(PUNCT))
        )
        if duty_only and not paragraph.heading:
            self._attach_duty(paragraph, self._group_duty(text, spans))
            return
        if spans and not paragraph.heading and not text[: spans[0][0]].strip(PUNCT):
            # "（省人社厅牵头负责）依托…": the block closes the sentences before it, the rest is new
            first = group_blocks(text, spans)[0]
            end = _after_punctuation(text, first[-1][1])
            self._attach_duty(paragraph.slice(0, end), self._group_duty(text, first))
            self.add_body(paragraph.slice(end))
            return
        title, title_end = "", 0
        if paragraph.heading:
            level, marker, rest = paragraph.heading
            while self.stack and self.stack[-1].level >= level:
                self.stack.pop()
            title, title_end = heading_title(rest, paragraph, text, self.convention)
            self.stack.append(_Open(level, marker, title, len(self.clauses)))
            self.pending = []
            self.items.append((level, bool(text[title_end:].strip(PUNCT))))
        cuts = _cuts(text, group_blocks(text, spans), title_end)
        if len(cuts) >= 2:
            self._add_parts(paragraph, cuts)
            return
        has_content = bool(text[title_end:].strip(PUNCT))
        if LEAD_IN.match(text) and not paragraph.heading:  # "具体举措：" introduces sub-measures: no task
            lead_in = self._clause(paragraph, text, "heading", text.strip(" :："), False)
            self.clauses.append(replace(lead_in, level=self.stack[-1].level + 1 if self.stack else 1))
            self.pending = []
            return
        if not paragraph.heading:
            title = title_sentence(text) or (self.stack[-1].title if self.stack else "")
        kind = "paragraph" if has_content or not paragraph.heading else "heading"
        self.clauses.append(self._clause(paragraph, text, kind, title, paragraph.heading is not None))
        if kind == "paragraph":
            self.pending.append(len(self.clauses) - 1)
        if spans:
            duty = self._group_duty(text, spans)
            if kind == "heading":  # "三、获得电力领域（省能源局牵头）": the heading's lead, for what it holds
                self._set_duty(len(self.clauses) - 1, duty)
                self.stack[-1].duty = duty
            else:
                self._assign(duty)

    def _clause(self, paragraph: Paragraph, text: str, kind: str, title: str, heading: bool) -> Clause:
        """A clause of the body for a paragraph (a heading's own clause when `heading`)."""
        parent_at = -2 if heading else -1
        return Clause(
            id=self._id(paragraph.first),
            doc=self.doc,
            source=self.source,
            path=self._path(),
            title=title,
            text=text,
            kind=kind,
            lines=(paragraph.first, paragraph.last),
            section=self._section(),
            parent=self.clauses[self.stack[parent_at].index].id if len(self.stack) >= -parent_at else "",
            level=paragraph.heading[0] if heading and paragraph.heading else 0,
        )

    def _add_parts(self, paragraph: Paragraph, cuts: list[_Cut]) -> None:
        """An item holding several blocks: its heading (title) clause, then one clause per part, each with
        the sentences its block closes; the parts share the item's title, so each finds the others."""
        text = paragraph.text
        base = self._id(paragraph.first)
        if paragraph.heading:
            head_end = cuts[0].start
            head = replace(
                self._clause(paragraph, text[:head_end].rstrip(), "heading", self.stack[-1].title, True),
                lines=(paragraph.first, paragraph.line_at(max(head_end - 1, 0))),
            )
            self.clauses.append(head)
            parent, title = head.id, self.stack[-1].title
        else:
            parent = self.clauses[self.stack[-1].index].id if self.stack else ""
            title = self.stack[-1].title if self.stack else ""
        carried, self.pending = (
            self.pending,
            [],
        )  # sentences since the last block: the first block closes them
        path = self._path()
        for n, cut in enumerate(cuts, start=1):
            self.parts[path] = self.parts.get(path, 0) + 1  # parts are numbered on through their heading
            part = text[cut.start : cut.end].strip()
            duty = self._group_duty(text, cut.blocks) if cut.blocks else Duty()
            self.clauses.append(
                Clause(
                    id=f"{base}-{n}",
                    doc=self.doc,
                    source=self.source,
                    path=f"{path}之{self.parts[path]}",
                    title=title,
                    text=part,
                    kind="paragraph",
                    lead=duty.lead,
                    cooperate=duty.cooperate,
                    deadline=duty.deadline,
                    duty_text=duty.source,
                    lines=(paragraph.line_at(cut.start), paragraph.line_at(max(cut.end - 1, cut.start))),
                    section=self._section(),
                    parent=parent,
                )
            )
            if cut.blocks and carried:
                for index in carried:
                    self._set_duty(index, duty)
                carried = []
        if not cuts[-1].blocks:  # trailing sentences: a block below may still close them
            self.pending = [len(self.clauses) - 1]

    def _table_line(self, paragraph: Paragraph) -> bool:
        """Read a duty table's header or row; False when the line is no part of one."""
        cells = [c.strip() for c in paragraph.text.split("\t")]
        roles = [column_role(c) for c in cells]
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
                    section=self._section(),
                    parent=self.clauses[self.stack[-1].index].id if self.stack else "",
                )
            )
            self.pending = []
            return True
        if self.table is None or len(cells) < 2:
            return False
        value = {role: cell for role, cell in zip(self.table, cells) if role and cell not in EMPTY_CELLS}
        tasks = [c for role, c in zip(self.table, cells) if role == "task" and c not in EMPTY_CELLS]
        task = (tasks[0] if tasks and len(tasks[0]) <= 20 else value.get("task")) or max(cells, key=len)
        labels = {**ROLE_NAMES, "duty": RESPONSIBLE_NAME, "deadline": DEADLINE_NAME}
        block = "(" + ";".join(f"{labels[r]}:{value[r]}" for r in labels if value.get(r)) + ")"
        if "duty" in value and "lead" in value:  # 责任单位 beside 牵头单位 are the cooperating units
            block = block.replace(f"{RESPONSIBLE_NAME}:", f"{ROLE_NAMES['cooperate']}:")
        duty = self._parse(block)
        header = next(c for c in reversed(self.clauses) if c.kind == "heading")
        number = value.get("number", "").strip().rstrip(".．、") or str(
            sum(1 for c in self.clauses if c.parent == header.id) + 1
        )
        self.clauses.append(
            Clause(
                id=self._id(paragraph.first),
                doc=self.doc,
                source=self.source,
                path=f"{self._path()}表{number}",
                title=title_sentence(task + "。…") or task[:40],
                text=paragraph.text,
                kind="paragraph",
                lead=duty.lead,
                cooperate=duty.cooperate,
                deadline=duty.deadline,
                duty_text=block,
                lines=(paragraph.first, paragraph.last),
                section=self._section(),
                parent=header.id,
            )
        )
        return True

    def _parse(self, block: str) -> Duty:
        """One block read under the plan's convention; label lines are read as one labelled block."""
        flat = block.replace("\n", "；") if "\n" in block else block
        return replace(self.duties.parse(flat, self.places, convention=self.convention), source=block)

    def _group_duty(self, text: str, spans: list[tuple[int, int]]) -> Duty:
        """The responsibility of blocks standing together: the plan's own division of work where one gives
        it ("（省…负责）（市分工方案：…）"), else the last block naming units."""
        own = [s for s in spans if is_division(text[s[0] : s[1]])] or spans
        duty = Duty()
        for start, end in own:
            parsed = self._parse(text[start:end])
            duty = parsed if parsed.lead or parsed.cooperate or not duty.source else duty
            if parsed.deadline and not duty.deadline:
                duty = replace(duty, deadline=parsed.deadline)
        return replace(duty, source=text[spans[0][0] : spans[-1][1]])

    def _set_duty(self, index: int, duty: Duty) -> None:
        """Give the clause at `index` a responsibility."""
        self.clauses[index] = replace(
            self.clauses[index],
            lead=duty.lead,
            cooperate=duty.cooperate,
            deadline=duty.deadline,
            duty_text=duty.source,
        )

    def _assign(self, duty: Duty) -> None:
        """Give the pending paragraphs their responsibility."""
        for index in self.pending:
            self._set_duty(index, duty)
        self.pending = []

    def _append_text(self, index: int, paragraph: Paragraph) -> None:
        """A responsibility line joins the text of the clause it belongs to."""
        old = self.clauses[index]
        self.clauses[index] = replace(
            old, text=old.text + "\n" + paragraph.text, lines=(old.lines[0], paragraph.last)
        )

    def _attach_duty(self, paragraph: Paragraph, duty: Duty) -> None:
        """A responsibility line on its own: it covers the paragraphs since the last one."""
        if self.pending:
            self._append_text(self.pending[-1], paragraph)
            self._assign(duty)
            return
        if self.stack and self.stack[-1].index == len(self.clauses) - 1:
            last = self.stack[
                -1
            ].index  # right under a heading: the heading's duty, inherited by what follows
            self.stack[-1].duty = duty
        elif self.clauses and self.clauses[-1].kind != "title":
            # after a paragraph that had its own duty (or a table): the line stays with it, as written
            last = len(self.clauses) - 1
            if self.clauses[last].duty_text:
                self._append_text(last, paragraph)
                return
        else:
            self.clauses.append(
                replace(self._clause(paragraph, paragraph.text, "paragraph", "责任单位", False), path="")
            )
            self._set_duty(len(self.clauses) - 1, duty)
            return
        self._append_text(last, paragraph)
        self._set_duty(last, duty)

    def finish(self) -> list[Clause]:
        """The clauses, each covered by the block that covers it (qa/reading/coverage.py)."""
        covered = cover(self.clauses, self.items, self.closed_by_line, self._parse)
        return titled_first_paragraphs(carry_standing(covered, self._units_of, self.convention))

    def _units_of(self, text: str) -> list[str]:
        """The units a written list names, as this plan's blocks read them."""
        return [u for u in self.duties.units.read_list(text, self.places)[0] if not not_a_unit(u)]


def _after_punctuation(text: str, end: int) -> int:
    """Where the punctuation after text[:end] ends ("（…负责）。推进" → before 推进)."""
    while end < len(text) and text[end] in PUNCT:
        end += 1
    return end


def _cuts(text: str, groups: list[list[tuple[int, int]]], start: int) -> list[_Cut]:
    """The parts of text[start:]: the sentences each group of blocks closes (with the punctuation after it),
    then any sentences after the last block."""
    cuts: list[_Cut] = []
    position = start
    for group in groups:
        if group[-1][1] <= start:
            continue
        end = _after_punctuation(text, group[-1][1])
        cuts.append(_Cut(position, end, group))
        position = end
    if cuts and text[position:].strip(PUNCT):
        cuts.append(_Cut(position, len(text), []))
    return cuts
