"""Cutting a plan's lines into clauses: cover letter, title, preamble, headings, paragraphs, and the parts of
an item that holds several responsibility blocks."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from ..measure import percentile
from ..records import Clause, Duty
from ..vocabulary import (
    ALL_LABELS,
    ANNEX_OPENINGS,
    ARTICLE_MARKERS,
    DEADLINE_NAME,
    DOCUMENT_TYPES,
    EMPTY_CELLS,
    GROUP_MARKS,
    ISSUER_ENDINGS,
    IN_SENTENCE_LEAD,
    LEAD_IN_WORDS,
    LEAD_LABELS,
    NATIONAL_OPENINGS,
    OPEN_CLOSE,
    PLACE_ENDINGS,
    PREFIX_CHARS,
    RESPONSIBLE_NAME,
    ROLE_NAMES,
    TABLE_HEADER_WORDS,
    TITLE_ENDINGS,
    alternation,
    unit_ending_pattern,
)
from ..vocabulary import (
    CN_NUMERALS as CN_NUM,
)
from .blocks import (
    block_at_end,
    find_duty_blocks,
    group_blocks,
    is_division,
    is_label_line,
    names_units,
    opens_duty_block,
)
from .documents import entry_issuer, entry_title, split_documents
from .duties import DutyParser, detect_convention
from .sources import SourceText

# Heading markers by level, with how each marker stands in a heading path; level 0 is 第一章 / 第一部分,
# level 1 also holds articles (第六条: above the （一） they may enumerate), level 5 is ①.
HEADINGS = [
    (0, re.compile(rf"^\s*(第[{CN_NUM}\d]+(?:章|部分|篇))\s*"), "{}"),
    (1, re.compile(rf"^\s*([{CN_NUM}]{{1,3}})\s*[、.．]\s*"), "{}、"),
    (2, re.compile(rf"^\s*[(（]\s*([{CN_NUM}]{{1,3}})\s*[)）]\s*"), "({})"),
    (1, re.compile(rf"^\s*(第[{CN_NUM}\d]{{1,4}}(?:{alternation(ARTICLE_MARKERS)}))\s*"), "{}"),
    (3, re.compile(r"^\s*(\d{1,3})\s*[.．、](?![\d.．])\s*"), "{}"),
    (4, re.compile(r"^\s*[(（]\s*(\d{1,3})\s*[)）]\s*"), "({})"),
    (5, re.compile(r"^\s*([①-⑳])\s*"), "{}"),
]
# A path ending in an article: a numbered task, as 1. is.
ARTICLE = re.compile(rf"第[^第]{{1,4}}(?:{alternation(ARTICLE_MARKERS)})$")
PAGE_MARKER = re.compile(
    r"^\s*(?:#+\s*)?(?:page\s*\d+\s*:?|[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?)\s*$",
    re.IGNORECASE,
)
DOC_NUMBER = re.compile(
    r"^\s*[\u4e00-\u9fff]{1,10}[〔\[(（]\d{4}[〕\])）]\s*\d+\s*号\s*$"
)  # 青政办发〔2024〕9号
LABEL_CHARS = frozenset("".join(ALL_LABELS))
BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")  # a page number, or the number of a table's row
DATE_ONLY = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
TERMINAL = "。！？；;：:!?"
CLOSING = ")）〕]】"
CONTINUING_END = "、,，“《(（〔—-"
CONTINUING_START = "“”、,，。)）〕》;；:："
ORG_END = unit_ending_pattern(ISSUER_ENDINGS)
CLOSE_OPEN = frozenset(OPEN_CLOSE.values())
STRAY_BRACKET = 600  # a bracket open for this many characters is a stray one: it holds no line break
DOC_TYPE = re.compile(
    rf"(?:{alternation(DOCUMENT_TYPES + TITLE_ENDINGS)})[》”]?(?:[(（][^()（）]{{1,12}}[)）])?$"
)
PLACE = re.compile(rf"^(.{{2,8}}?)({alternation(PLACE_ENDINGS)})")
TITLE_SENTENCE = re.compile(r"^([^。！？；;!?]{2,40}?)[。！？!?]")
# "具体举措：": the lead-in to a parent task's sub-measures, a paragraph of its own.
LEAD_IN = re.compile(rf"^\s*(?:{alternation(LEAD_IN_WORDS)})\s*[:：]\s*$")
# "公开方式：主动公开": a note at the end of a plan, a line of its own.
NOTE = re.compile(r"^\s*[\u4e00-\u9fff]{2,6}\s*[:：]\s*[^:：。，,]{0,24}$")
ANNEX = re.compile(rf"^\s*(?:{alternation(ANNEX_OPENINGS)})\s*[\d一二三四五六七八九十]*\s*(?:[:：]|$)")
# "2." or "10." alone (a compilation's item number), "# source: …": lines that never join another.
LONE_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.．]\s*$")
# A title broken by the PDF: the next line closes it at once ("2.深入推进“一照多址”" / "改革。…").
TITLE_TAIL = re.compile(r"^[^，,。、；;（(]{1,6}[。.]")
PUNCT = " 。.；;，,、\n"
IN_SENTENCE = re.compile(IN_SENTENCE_LEAD)
# Words that mark a lead in a block: a task whose block has none takes the lead of a heading that does.
LEAD_WORD = re.compile(alternation(LEAD_LABELS + ("牵头", "主责", "负总责", "主办")))
HEADER_CELL = re.compile(rf"^(?:{alternation(TABLE_HEADER_WORDS)})$")
DUTY_COLUMNS = ("lead", "cooperate", "duty", "deadline")
# How a cell of units or a deadline opens: a place prefix, 各, a national body, a year.
CELL_OPENING = re.compile(rf"^(?:[{PREFIX_CHARS}\d]|{alternation(NATIONAL_OPENINGS + GROUP_MARKS)})")
# Columns of a duty table (重点任务分工表), by what their header says.
TABLE_COLUMNS = [
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("lead", re.compile(r"牵头(单位|部门)")),
    ("cooperate", re.compile(r"(配合|协办|参与)(单位|部门)")),
    ("duty", re.compile(r"责任(单位|部门)")),
    ("deadline", re.compile(r"(完成)?(时限|时间|期限)|时间节点")),
    ("task", re.compile(r"任务|事项|内容|措施|工作")),
]


class Line(NamedTuple):
    """A kept line of the source: its number, its text, and the last source line it stands for (a table
    row rebuilt from several lines, or a line followed by a dropped running header)."""

    number: int
    text: str
    last: int


@dataclass
class Paragraph:
    """A logical paragraph: source lines joined, with the span they came from."""

    text: str
    first: int
    last: int
    first_line: str = ""
    heading: tuple[int, str, str] | None = None  # level, marker, rest
    starts: tuple[tuple[int, int], ...] = ()  # (offset in text, line number) of each joined line

    def slice(self, start: int, end: int | None = None) -> Paragraph:
        """The paragraph's text[start:end] as a paragraph of its own (no heading)."""
        end = len(self.text) if end is None else end
        starts = tuple((max(o - start, 0), n) for o, n in self.starts if o < end and self.line_at(start) <= n)
        text = self.text[start:end]
        return Paragraph(text, self.line_at(start), self.line_at(max(end - 1, start)), text, None, starts)

    def line_at(self, offset: int) -> int:
        """The source line the character at `offset` came from."""
        number = self.first
        for start, line in self.starts:
            if start > offset:
                break
            number = line
        return number


def heading_of(text: str) -> tuple[int, str, str] | None:
    """(level, marker, rest) when the text opens with a heading marker."""
    for level, pattern, marker in HEADINGS:
        match = pattern.match(text)
        if match and match.end() < len(text.rstrip()) + 1:
            rest = text[match.end() :]
            if level == 1 and rest[:1].isdigit():
                continue
            return level, marker.format(match.group(1)), rest
    return None


def display_width(text: str) -> float:
    """Width of a line in full-width characters (ASCII counts half)."""
    narrow = len(text.encode("ascii", "ignore"))  # (counted by the codec: much faster than a loop)
    return len(text) - narrow / 2


def _bracket_state(text: str, depth: int, since: int) -> tuple[int, int]:
    """Brackets and quotes still open after `text`, given `depth` open before it, and how many characters
    have passed since the outermost of them opened."""
    for ch in text:
        if ch in OPEN_CLOSE:
            since = 0 if depth == 0 else since
            depth += 1
        elif ch in CLOSE_OPEN and depth:
            depth -= 1
        since += 1
    return depth, since


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


def _signs(line: str, lines: list[Line], at: int) -> bool:
    """Whether `line` (at index `at`) is a signature: an issuing body's name with the date below it."""
    return (
        len(line) <= 30
        and bool(ORG_END.search(line))
        and at + 1 < len(lines)
        and bool(DATE_ONLY.match(lines[at + 1].text))
    )


def _after_annex(group: list[Line], lines: list[Line], at: int) -> bool:
    """Whether the group is one line right after an annex marker ("附件" / then its title)."""
    first = at - len(group)
    return len(group) == 1 and first > 0 and bool(ANNEX.match(lines[first - 1].text))


def _stands_alone(line: str) -> bool:
    """Lines that are never joined to another: "# source: …" and a table's rows."""
    return line.startswith("#") or "\t" in line


@dataclass
class _Flow:
    """What deciding where a wrapped paragraph ends needs to know of the whole plan."""

    width: float
    body_start: int
    wrapped: bool
    convention: str = ""
    lines: list[Line] = field(default_factory=list)
    open: bool = False  # whether a bracket or quote of the paragraph being read is open


class Segmenter:
    """Turns a plan's lines into clauses with heading paths and responsibility."""

    def __init__(self, duties: DutyParser):
        if not isinstance(duties, DutyParser):
            raise ValueError(f"duties must be a DutyParser, got {type(duties).__name__}")
        self.duties = duties

    # -- lines into paragraphs -------------------------------------------------------------
    def paragraphs(self, source: SourceText, convention: str = "") -> list[Paragraph]:
        """Logical paragraphs of a source: one a line, or wrapped lines joined; label lines as one block."""
        kept, markers = _kept_lines(source)
        body_start = next(
            (i for i, line in enumerate(kept) if (h := heading_of(line.text)) and h[0] <= 2), len(kept)
        )
        wrapped = looks_wrapped([line.text for line in kept], markers)
        prose = [display_width(line.text) for line in kept if "\t" not in line.text] if wrapped else []
        width = percentile(prose, 0.9)
        flow = _Flow(width, body_start, wrapped, convention, kept)
        paragraphs: list[Paragraph] = []
        group: list[Line] = []
        depth = since = 0
        for i, line in enumerate(kept):
            group.append(line)
            depth, since = _bracket_state(line.text, depth, since)
            flow.open = depth > 0 and since <= STRAY_BRACKET
            following = kept[i + 1].text if i + 1 < len(kept) else None
            if following is None or self._breaks(group, following, flow, i + 1):
                paragraphs.append(self._paragraph(group, i >= body_start))
                group = []
                depth = since = 0
        return paragraphs

    @staticmethod
    def _paragraph(group: list[Line], in_body: bool) -> Paragraph:
        """A paragraph from its lines, joined without separators (Chinese has no spaces); a label line of a
        block of label lines starts a line of its own."""
        labels = is_label_line(group[0].text)
        text, starts = "", []
        for line in group:
            if text and labels and is_label_line(line.text):
                text += "\n"
            starts.append((len(text), line.number))
            text += line.text
        head = heading_of(text)
        if head and head[0] >= 3 and not in_body:
            head = None  # numbering before the body is the compilation's, not the plan's
        return Paragraph(text, group[0].number, group[-1].last, group[0].text, head, tuple(starts))

    def _breaks(self, group: list[Line], following: str, flow: _Flow, at: int) -> bool:
        """Whether a paragraph ends before the line `following` (the line at index `at`)."""
        line = group[-1].text
        if _stands_alone(line) or _stands_alone(following):
            return True
        if at <= flow.body_start and (LONE_NUMBER.match(line) or LONE_NUMBER.match(following)):
            return True  # a compilation's item number ("2.") before the plan: not the plan's text
        if is_label_line(group[0].text):
            return is_label_line(following) is False and not self._label_runs_on(line, following, flow)
        if not flow.wrapped:
            return True
        if is_label_line(following):  # label lines below a task, unless a bracket holding them is open
            return not flow.open
        return self._wrapped_breaks(group, following, flow, at)

    @staticmethod
    def _label_runs_on(line: str, following: str, flow: _Flow) -> bool:
        """Whether a label's value goes on in the next line ("责任单位：" / "各区人民政府，…")."""
        if heading_of(following) or DATE_ONLY.match(following) or LEAD_IN.match(following):
            return False
        value = re.sub(r"^[^:：]{2,8}[:：]", "", line).strip() if is_label_line(line) else line
        return (
            not value
            or value[-1] in CONTINUING_END + "等"
            or following[0] in CONTINUING_START
            or _open_brackets(value) > 0
            or (flow.wrapped and display_width(line) >= 0.8 * flow.width)
        )

    @staticmethod
    def _wrapped_breaks(group: list[Line], following: str, flow: _Flow, at: int) -> bool:
        """Where a hard-wrapped paragraph (PDF text) ends: at headings, dates, signatures, lead-ins, annexes,
        a duty block closing a line, a short line ending a sentence; never before a line that opens a duty
        block (it closes the sentences before it). A numbered item runs on to its first block."""
        line = group[-1].text
        joined = "".join(line.text for line in group)
        next_in_body = at >= flow.body_start
        head = heading_of(following)
        own = heading_of(joined) if next_in_body else None
        if own and len(group) == 1 and not own[2].strip():
            return False  # a marker alone on its line ("（四）" / "10．"): its text follows
        title_tail = (
            own and not head and len(group) == 1 and TITLE_TAIL.match(following) and line[-1] not in TERMINAL
        )
        if head and (next_in_body or head[0] <= 2) and not title_tail:
            return True
        if DATE_ONLY.match(line) or DATE_ONLY.match(following) or _signs(following, flow.lines, at):
            return True
        ended = line[-1] in TERMINAL + CLOSING
        if (
            LEAD_IN.match(line)
            or ANNEX.match(following)
            or (ended and (LEAD_IN.match(following) or NOTE.match(following)))
        ):
            return True
        short = display_width(line) < 0.8 * flow.width
        if ANNEX.match(group[0].text) or _after_annex(group, flow.lines, at):
            return short or bool(DOC_TYPE.search(line))  # "附件：…" and the annex's title stand alone
        if DOC_NUMBER.match(line) or DOC_NUMBER.match(following):
            return True  # "青政办发〔2024〕9号" stands alone
        if flow.open:
            return False
        if opens_duty_block(following, flow.convention) or not following.strip(PUNCT + CLOSING):
            return False  # a block's or a sentence's rest: "（省…牵头负责，省" / "。" on a line of its own
        if block_at_end(joined, flow.convention):
            return True  # a responsibility block closes a paragraph
        if line[-1] in CONTINUING_END or following[0] in CONTINUING_START or len(line) <= 3 or title_tail:
            return False
        if own:
            # 一、/(一)/1. standing on a line of their own are titles; an item "(1)…" runs on to its block
            return short and len(group) == 1 if own[0] <= 3 else False
        if not next_in_body:  # the cover letter and title: short lines stand alone
            return short
        return short and line[-1] in TERMINAL

    # -- paragraphs into clauses -----------------------------------------------------------
    def segment(self, source: SourceText) -> list[Clause]:
        """Clauses of a plan file, in document order: of each of its documents when it is a compilation."""
        return [c for part in split_documents(source) for c in self.segment_document(part.source, part.heading)]

    def segment_document(self, source: SourceText, heading: str = "") -> list[Clause]:
        """Clauses of one document, in document order; a compilation's entry `heading` names it."""
        convention = detect_convention("\n".join(source.lines))
        paragraphs = self.paragraphs(source, convention)
        body_start = _body_start(paragraphs)
        front, body = paragraphs[:body_start], paragraphs[body_start:]
        title_at, title_end = _find_title(front)
        if heading:  # a compilation's entry names its document better than a title found among its lines
            doc_title = entry_title(heading)
        elif title_at is not None:
            doc_title = re.sub(r"\s+", "", "".join(p.text for p in front[title_at:title_end]))
        else:
            doc_title = source.name.rsplit(".", 1)[0]
        places = places_of(doc_title) or places_of(entry_issuer(heading))  # "廊坊市人民政府办公室印发…"
        builder = _Builder(source.name, doc_title, places, self.duties, convention)
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


def _kept_lines(source: SourceText) -> tuple[list[Line], bool]:
    """The source's lines that carry text, and whether it had page markers. Page markers go, and so does a
    running header: a line standing first on most pages is kept where it first stands. A bare number
    is a page number unless it opens a row of a table copied out of a PDF."""
    entries: list[tuple[int, str, bool]] = []  # number, text, first on its page
    markers = after_marker = False
    for number, line in enumerate(source.lines, start=1):
        if not line.strip():
            continue
        if PAGE_MARKER.match(line) and not BARE_NUMBER.match(line):
            markers = markers or "page" in line.lower() or "页" in line
            after_marker = True
            continue
        entries.append((number, line.strip(), after_marker))
        after_marker = bool(BARE_NUMBER.match(line))
    tops = Counter(_normal(text) for _, text, top in entries if top and not BARE_NUMBER.match(text))
    pages = 1 + sum(1 for _, _, top in entries if top)
    running = {text for text, count in tops.items() if count >= 2 and count > pages / 2}
    kept: list[Line] = []
    seen: set[str] = set()
    for number, text, top in entries:
        if top and _normal(text) in running and _normal(text) in seen and kept:
            kept[-1] = kept[-1]._replace(last=number)  # the line before stands for the dropped header
            continue
        seen.add(_normal(text))
        kept.append(Line(number, text, number))
    kept = _join_broken_labels(kept)
    return [line for line in rebuild_text_tables(kept) if not BARE_NUMBER.match(line.text)], markers


def _join_broken_labels(kept: list[Line]) -> list[Line]:
    """A duty label broken across two lines joined into one: "（责任单" / "位：…", "(牵" / "头单位：…"."""
    out: list[Line] = []
    for line in kept:
        if out and _label_broken(out[-1].text, line.text):
            out[-1] = Line(out[-1].number, out[-1].text + line.text, line.last)
        else:
            out.append(line)
    return out


def _label_broken(line: str, following: str) -> bool:
    """Whether `line` ends with the start of a duty label that `following` finishes ("责任单" + "位：")."""
    if not line or line[-1] not in LABEL_CHARS:
        return False
    for label in ALL_LABELS:
        for cut in range(1, len(label)):
            if line.endswith(label[:cut]) and following.startswith(label[cut:]):
                return following[len(label) - cut :].lstrip()[:1] in (":", "：")
    return False


def _normal(text: str) -> str:
    """A line compared without its spaces."""
    return "".join(text.split())


# -- task-division tables copied out of a PDF as text ------------------------------------------------
def _table_header(text: str) -> list[str] | None:
    """The cells of a text table's header row ("序号 重点任务 主要内容 牵头部门 责任单位"), or None."""
    if "牵头" not in text and "责任" not in text:
        return None
    if "\t" in text.strip("\t") and len(text.split("\t")) == len(text.split()):
        cells = text.split("\t")
    else:
        cells = text.split()
    cells = [c.strip() for c in cells if c.strip()]
    roles = [_column_role(c) for c in cells]
    if len(cells) >= 3 and all(HEADER_CELL.match(c) for c in cells) and {"lead", "duty"} & set(roles):
        return cells
    return None


def _column_role(cell: str) -> str:
    """What a table column holds, by its header: number, task, lead, cooperate, duty, deadline or ''."""
    return next((role for role, pattern in TABLE_COLUMNS if pattern.search(cell)), "")


def rebuild_text_tables(kept: list[Line]) -> list[Line]:
    """Task-division tables copied out of a PDF as text (a header row, then each cell's text on one or more
    lines in column order, the header repeated on each page) rebuilt as one tab-separated line a row."""
    kept = _join_header_runs(kept)
    out: list[Line] = []
    i = 0
    while i < len(kept):
        header = _table_header(kept[i].text)
        if header is None or (i + 1 < len(kept) and "\t" in kept[i + 1].text):
            out.append(kept[i])
            i += 1
            continue
        rows, end = _table_rows(kept, i + 1, header)
        out.append(kept[i]._replace(text="\t".join(header)) if rows else kept[i])
        out += rows
        i = end if rows else i + 1
    return out


HEADER_RUN = 3  # header words each on a line of their own, at least this many, are one header row


def _join_header_runs(kept: list[Line]) -> list[Line]:
    """A header row whose words came out one a line ("序号" / "重点任务" / … / "责任单位") joined into one line."""
    out: list[Line] = []
    i = 0
    while i < len(kept):
        end = i
        while end < len(kept) and HEADER_CELL.match(kept[end].text.strip()):
            end += 1
        run = kept[i:end]
        if len(run) >= HEADER_RUN and _table_header(" ".join(line.text.strip() for line in run)):
            out.append(Line(run[0].number, " ".join(line.text.strip() for line in run), run[-1].last))
            i = end
        else:
            out.append(kept[i])
            i += 1
    return out


def _table_rows(kept: list[Line], start: int, header: list[str]) -> tuple[list[Line], int]:
    """The rows of a text table from kept[start:], each a tab-separated Line, and where the table ends.
    A row opens with its number (1, 2, … in turn); the repeated header of a new page is left out."""
    roles = [_column_role(c) for c in header]
    if roles[0] != "number":
        return [], start  # without numbers nothing tells where a row ends
    repeat = _normal("".join(header))
    rows: list[Line] = []
    current: list[Line] = []
    i = start
    while i < len(kept):
        line = kept[i]
        opens = re.match(rf"^{len(rows) + len(current[:1]) + 1}(?:[.．、]|\s+|$)", line.text)
        if _normal(line.text) == repeat:  # the header again, on a new page: its line counts to the row
            if current:
                current.append(line._replace(text=""))
        elif opens:
            if current:
                rows.append(_table_row(current, roles))
            current = [line]
        elif not current or _ends_table(line.text):
            break
        else:
            current.append(line)
        i += 1
    if current:
        rows.append(_table_row(current, roles))
    return rows, i


def _ends_table(text: str) -> bool:
    """Whether a line after a table's rows is the plan's text again (a heading, a date, an annex)."""
    head = heading_of(text)
    return bool(head and head[0] <= 2) or bool(DATE_ONLY.match(text)) or bool(ANNEX.match(text))


def _table_row(lines: list[Line], roles: list[str]) -> Line:
    """One row from its number line and the lines of its cells."""
    number, rest = re.match(r"^(\d{1,3}[.．、]?)\s*(.*)$", lines[0].text).groups()  # "1." kept as written
    texts = ([rest] if rest else []) + [line.text for line in lines[1:] if line.text]
    return Line(lines[0].number, "\t".join([number] + _row_cells(texts, roles[1:])), lines[-1].last)


def _row_cells(lines: list[str], roles: list[str]) -> list[str]:
    """A row's lines dealt out to its columns: the duty and deadline columns take lines from the end (a unit
    name broken by the column's width joined), the task columns what is left at the front."""
    first_duty = next((k for k, role in enumerate(roles) if role in DUTY_COLUMNS), len(roles))
    leading, trailing = roles[:first_duty] or [""], roles[first_duty:]
    lines = list(lines)
    back: list[str] = []
    for _ in trailing:
        if len(lines) <= len(leading):
            back.append("")
            continue
        cell = [lines.pop()]
        while len(lines) > len(leading) and _cell_goes_on(lines[-1], cell[0]):
            cell.insert(0, lines.pop())
        back.append("".join(cell))
    return _text_cells(lines, len(leading)) + back[::-1]


def _cell_goes_on(upper: str, lower: str) -> bool:
    """Whether `lower` carries on the cell `upper` ends: "县税务局、" / "县公安局", "县发展和改革" / "局". A
    line opening as a unit or a date does ("县…", "各…", "中国…", "2024年…"), unless `upper` ends in a
    separator; nothing goes on from the end of a sentence."""
    if upper in EMPTY_CELLS or lower in EMPTY_CELLS or upper[-1] in "。；;！？!?":
        return False
    return upper[-1] in "、，,和及与" or not CELL_OPENING.match(lower)


def _text_cells(lines: list[str], count: int) -> list[str]:
    """The task columns' cells: each but the last a short title (wrapped while its lines stay short and
    unpunctuated), the last all the rest."""
    cells: list[str] = []
    for k in range(count - 1):
        cell = [lines.pop(0)] if lines else []
        while cell and len(lines) > count - 1 - k and _title_goes_on(cell[-1], lines[0]):
            cell.append(lines.pop(0))
        cells.append("".join(cell))
    return cells + ["".join(lines)]


def _title_goes_on(line: str, following: str) -> bool:
    """Whether a short title cell wraps onto the next line ("优化企业开" / "办服务")."""
    plain = not re.search(r"[，,。；;：:、]", line + following)
    return plain and len(following) <= 6


def _body_start(paragraphs: list[Paragraph]) -> int:
    """Where the plan's body starts: its first 一、/(一)/第一条 heading, or after the cover notice when the
    notice has headings of its own and is signed and dated before the plan's title."""
    if not any(p.heading for p in paragraphs):
        return len(paragraphs)
    start = next((i for i, p in enumerate(paragraphs) if p.heading and p.heading[0] <= 2), len(paragraphs))
    for i in range(start, len(paragraphs) - 2):
        if DATE_ONLY.match(paragraphs[i].text):
            title = paragraphs[i + 1].text.strip()
            after = paragraphs[i + 2]
            if len(title) <= 60 and DOC_TYPE.search(title) and after.heading and after.heading[0] <= 2:
                return i + 2
            break
    return start


def _title_like(text: str) -> bool:
    """Whether a paragraph can be (the end of) a plan's title: short, unfinished, ending as titles do."""
    text = text.strip()
    return (
        len(text) <= 60
        and text[-1] not in TERMINAL
        and bool(DOC_TYPE.search(text))
        and not DATE_ONLY.match(text)
    )


def _find_title(front: list[Paragraph]) -> tuple[int | None, int]:
    """Where the document title stands among the opening paragraphs: (first, end) or (None, 0). The first
    title-like paragraph after the cover letter's date is it; with no date, the last one."""
    candidates = [i for i, p in enumerate(front) if _title_like(p.text)]
    if not candidates:
        return None, 0
    dated = next((i for i, p in enumerate(front) if DATE_ONLY.match(p.text)), None)
    i = next((c for c in candidates if dated is not None and c > dated), candidates[-1])
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
            title, title_end = _heading_title(rest, paragraph, text, self.convention)
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
            title = _title_sentence(text) or (self.stack[-1].title if self.stack else "")
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
        roles = [_column_role(c) for c in cells]
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
                title=_title_sentence(task + "。…") or task[:40],
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

    def _in_sentence(self, clause: Clause) -> Clause:
        """A task whose duty stands in its sentence, once ("由A、B牵头负责，C配合"): A and B lead, C takes part."""
        found = list(IN_SENTENCE.finditer(clause.body))
        if len(found) != 1 or not names_units(found[0]["lead"], need_role=False):
            return clause
        match = found[0]
        cooperate = match["cooperate"] if match["cooperate"] and names_units(match["cooperate"], False) else ""
        block = f"（{match['lead']}牵头" + (f"，{cooperate}配合）" if cooperate else "）")
        duty = self._parse(block)
        if not duty.lead:
            return clause
        own = tuple(u for u in clause.cooperate if u not in duty.lead)
        return replace(clause, lead=duty.lead, cooperate=tuple(dict.fromkeys(duty.cooperate + own)),
                       duty_text=clause.duty_text or match.group(0))

    def finish(self) -> list[Clause]:
        """The clauses, paragraphs without a duty of their own inheriting their heading's; a heading with
        nothing under it is a task of its own ("18．打造…窗口，实现…。", "（1）推进X。（责任单位：…）")."""
        if _runs_in(self.items):
            self.clauses = _merge_items(_merge_closed(self.clauses))
        parents = {c.parent for c in self.clauses}
        self.clauses = [
            replace(c, kind="paragraph")
            if c.kind == "heading" and c.id not in parents and not LEAD_IN.match(c.text)
            else c
            for c in self.clauses
        ]
        self.clauses = _close_sections(self.clauses, self.closed_by_line)
        # a heading holding numbered items: its unnumbered paragraphs introduce them, they are no measures
        numbered = {c.parent for c in self.clauses if c.level > 0}
        by_id = {c.id: c for c in self.clauses}
        result = []
        for clause in self.clauses:
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
                clause = self._in_sentence(clause)
            result.append(clause)
        return result


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


def _heading_title(rest: str, paragraph: Paragraph, text: str, convention: str) -> tuple[str, int]:
    """A heading's title and where its own clause would end in `text`: after its title sentence, or the
    whole paragraph when it is a title alone (with its own block: "三、获得电力领域（省能源局牵头）")."""
    offset = len(text) - len(rest)
    spans = find_duty_blocks(rest, convention)
    body = rest[: spans[0][0]] if spans else rest
    sentence = TITLE_SENTENCE.match(body)
    if sentence and body[sentence.end() :].strip(PUNCT):
        return sentence.group(1).strip(), offset + sentence.end()
    title = body.strip(PUNCT)
    # "（七）继续深化…，畅通…。（…负责）": a sentence with its block, or a long one, is a task; a short one
    # ("（一）狠抓政策落地，全面推动…发展。") a title
    sentence_like = (
        bool(re.search(r"[，,]", title))
        and body.rstrip()[-1:] in "。.；;"
        and (bool(spans) or display_width(title) > 30)
    )
    if display_width(title) <= 60 and not re.search(f"[{TERMINAL}]", title) and not sentence_like:
        after = rest[spans[0][1] :] if spans else ""
        return title, len(text) if not after.strip(PUNCT) else offset
    clause = re.match(r"^([^，,。；;：:]{2,30})[，,。；;：:]", title)
    if clause:
        return clause.group(1), offset  # no title sentence: its first clause ("落实好…政策，…")
    first = heading_of(paragraph.first_line)
    if first and len(paragraph.first_line) < len(text) and len(first[2].strip(PUNCT)) >= 4:
        return first[2].strip(PUNCT), offset  # wrapped: the title is the heading's own line
    return title[:30], offset


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
