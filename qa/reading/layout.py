"""The layout of a plan's text: the lines that carry text (page markers and running headers dropped), lines
joined into paragraphs where a PDF wrapped them, duty labels broken across lines joined, and task-division
tables copied out of a PDF as text rebuilt as one tab-separated line a row."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from ..measure import percentile
from ..vocabulary import DOC_NUMBER as NUMBER_WRITTEN
from ..vocabulary import (
    ALL_LABELS,
    ANNEX_OPENINGS,
    DUTY_OWNER,
    EMPTY_CELLS,
    GROUP_MARKS,
    NATIONAL_OPENINGS,
    OPEN_CLOSE,
    PREFIX_CHARS,
    TABLE_HEADER_WORDS,
    UNIT_ENDINGS,
    alternation,
)
from .blocks import (
    block_at_end,
    is_label_line,
    opens_duty_block,
)
from .sources import SourceText
from .structure import (
    DATE_ONLY,
    DOC_TYPE,
    LEAD_IN,
    ORG_END,
    PUNCT,
    TERMINAL,
    display_width,
    heading_of,
)

PAGE_MARKER = re.compile(
    r"^\s*(?:#+\s*)?(?:page\s*\d+\s*:?|[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?)\s*$",
    re.IGNORECASE,
)


DOC_NUMBER = re.compile(rf"^\s*{NUMBER_WRITTEN}\s*$")  # 青政办发〔2024〕9号


LABEL_CHARS = frozenset("".join(ALL_LABELS))
BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")  # a page number, or the number of a table's row


CLOSING = ")）〕]】"
CONTINUING_END = "、,，“《(（〔—-"


CONTINUING_START = "“”、,，。)）〕》;；:："
# A line that is only a short bracket after a label's value: the end of its last name ("…等有关部门" / "（单位）").
NAME_BRACKET = re.compile(r"[(（][^()（）:：]{1,10}[)）][，,、。；;]?")
# A label's value cut inside a unit's name ("…市房地产市场和产权交易管理" / "中心。完成时限：…"): the next line opens
# with the name's rest, a unit's ending closed by punctuation, and the line before ends with no ending of its own.
NAME_REST = re.compile(rf"^[\u4e00-\u9fff]{{0,4}}?(?:{alternation(UNIT_ENDINGS)})[。，,、；;）)]")
NAME_END = re.compile(rf"(?:{alternation(UNIT_ENDINGS)})$")
CLOSE_OPEN = frozenset(OPEN_CLOSE.values())


STRAY_BRACKET = 600  # a bracket open for this many characters is a stray one: it holds no line break
# "公开方式：主动公开": a note at the end of a plan, a line of its own.
NOTE = re.compile(r"^\s*[\u4e00-\u9fff]{2,6}\s*[:：]\s*[^:：。，,]{0,24}$")
ANNEX = re.compile(rf"^\s*(?:{alternation(ANNEX_OPENINGS)})\s*[\d一二三四五六七八九十]*\s*(?:[:：]|$)")


# "2." or "10." alone (a compilation's item number), "# source: …": lines that never join another.
LONE_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.．]\s*$")
# A title broken by the PDF: the next line closes it at once ("2.深入推进“一照多址”" / "改革。…").
TITLE_TAIL = re.compile(r"^[^，,。、；;（(]{1,6}[。.]")
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


SIGNERS = 12  # a joint letter's issuing bodies, one a line above the date (浙江省知识产权局等7部门)


def _signs(line: str, lines: list[Line], at: int) -> bool:
    """Whether `line` (at index `at`) is a signature: an issuing body's name with the date below it, or with
    the other bodies that signed with it between (one a line)."""
    if len(line) > 30 or not ORG_END.search(line):
        return False
    for below in lines[at + 1 : at + 1 + SIGNERS]:
        if DATE_ONLY.match(below.text):
            return True
        if len(below.text) > 30 or not ORG_END.search(below.text):
            return False
    return False


def _after_annex(group: list[Line], lines: list[Line], at: int) -> bool:
    """Whether the group is one line right after an annex marker ("附件" / then its title)."""
    first = at - len(group)
    return len(group) == 1 and first > 0 and bool(ANNEX.match(lines[first - 1].text))


def _quoted_before(text: str, lines: list[Line], first: int, reach: int = 30) -> bool:
    """Whether a line (or lines) of the front is the title a line before it quotes ("《关于…的实施意见》已经市领导
    同意" / then that title, as long as a full line, then the text): the title ends there."""
    title = "".join(text.split())
    if len(title) < 6:
        return False
    before = "".join("".join(line.text.split()) for line in lines[max(0, first - reach) : first])
    return f"《{title}》" in before  # quoted on one line or across several


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


def paragraphs(source: SourceText, convention: str = "") -> list[Paragraph]:
    """Logical paragraphs of a source: one a line, or wrapped lines joined; label lines as one block."""
    kept, markers = _kept_lines(source)
    body_start = next(
        (i for i, line in enumerate(kept) if (h := heading_of(line.text)) and h[0] <= 2), len(kept)
    )
    wrapped = looks_wrapped([line.text for line in kept], markers)
    prose = [display_width(line.text) for line in kept if "\t" not in line.text] if wrapped else []
    width = percentile(prose, 0.9)
    flow = _Flow(width, body_start, wrapped, convention, kept)
    found: list[Paragraph] = []
    group: list[Line] = []
    depth = since = 0
    for i, line in enumerate(kept):
        group.append(line)
        depth, since = _bracket_state(line.text, depth, since)
        flow.open = depth > 0 and since <= STRAY_BRACKET
        following = kept[i + 1].text if i + 1 < len(kept) else None
        if following is None or _breaks(group, following, flow, i + 1):
            found.append(_paragraph(group, i >= body_start))
            group = []
            depth = since = 0
    return found


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


def _breaks(group: list[Line], following: str, flow: _Flow, at: int) -> bool:
    """Whether a paragraph ends before the line `following` (the line at index `at`)."""
    line = group[-1].text
    if _stands_alone(line) or _stands_alone(following):
        return True
    if at <= flow.body_start and (LONE_NUMBER.match(line) or LONE_NUMBER.match(following)):
        return True  # a compilation's item number ("2.") before the plan: not the plan's text
    if is_label_line(group[0].text):
        return is_label_line(following) is False and not _label_runs_on(line, following, flow)
    if at >= flow.body_start and not flow.open:
        # a unit standing as the label of its duties opens them ("地区营商局：" / "拟定…"): alone on its line, its
        # duties follow it; the line before it ends what came before
        ahead = flow.lines[at + 1].text if at + 1 < len(flow.lines) else ""
        owner = DUTY_OWNER.fullmatch(following)
        if owner and (owner["rest"].strip() or DUTY_OWNER.fullmatch("某局：" + ahead)):
            return True
        owner = DUTY_OWNER.fullmatch(line)
        if len(group) == 1 and owner and not owner["rest"].strip() and DUTY_OWNER.fullmatch("某局：" + following):
            return False
    if not flow.wrapped:
        return True
    if is_label_line(following):  # label lines below a task, unless a bracket holding them is open
        return not flow.open
    return _wrapped_breaks(group, following, flow, at)


def _label_runs_on(line: str, following: str, flow: _Flow) -> bool:
    """Whether a label's value goes on in the next line ("责任单位：" / "各区人民政府，…")."""
    if heading_of(following) or DATE_ONLY.match(following) or LEAD_IN.match(following):
        return False
    value = re.sub(r"^[^:：]{2,8}[:：]", "", line).strip() if is_label_line(line) else line
    return (
        not value
        or value[-1] in CONTINUING_END + "等"
        or following[0] in CONTINUING_START
        or bool(NAME_BRACKET.fullmatch(following))  # "…等有关部门" / "（单位）": the name's own bracket
        or _open_brackets(value) > 0
        or (flow.wrapped and display_width(line) >= 0.8 * flow.width)
        or ("\u4e00" <= value[-1] <= "\u9fff" and not NAME_END.search(value) and bool(NAME_REST.match(following)))
    )


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
    if not next_in_body:  # the cover letter and title: short lines stand alone, and the title the letter quotes
        return short or _quoted_before(joined, flow.lines, at - len(group))
    return short and line[-1] in TERMINAL


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
    roles = [column_role(c) for c in cells]
    if len(cells) >= 3 and all(HEADER_CELL.match(c) for c in cells) and {"lead", "duty"} & set(roles):
        return cells
    return None


def column_role(cell: str) -> str:
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
    roles = [column_role(c) for c in header]
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
