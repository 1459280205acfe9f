"""Documents in a file: a compilation (汇编) holds many documents one after another, each read as a plan of its
own, with its own title, issuer, date, document number, numbering and convention.

A compilation announces each document with an entry heading: its title, closed by the date it was issued in
brackets, and numbered as the compilation's item ("1. 河北省市场监督管理局关于印发…实施方案的通知（2023 年3 月11
日）") or followed at once by its document number ("冀市监函〔2023〕113 号"). A file with fewer than two such
headings is one document. Each part keeps the file's line numbers (the lines of the other documents are left
blank), so clause ids and line references stay those of the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..vocabulary import DOC_NUMBER as NUMBER_WRITTEN
from ..vocabulary import ANNOUNCING_WORDS, DOCUMENT_TYPES, ENTRY_WORDS, TITLE_ENDINGS, alternation
from .sources import SourceText

__all__ = ["Document", "document_starts", "entry_issuer", "entry_title", "split_documents"]

# "1. " / "14." / "10." alone: the compilation's item number before a document's heading.
ENTRY_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.．、](?!\d)")
# "…的通知（2023 年3 月11 日）": a heading closed by the date the document was issued.
DATED = re.compile(r"[(（]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]$")
# Without the compilation's number, a heading must end as a title does, right before its date.
DATED_END = re.compile(
    rf"(?:{alternation(DOCUMENT_TYPES + TITLE_ENDINGS)})[》”]?(?:[(（][^()（）]{{1,12}}[)）])?{DATED.pattern}"
)
ENTRY_WORD = re.compile(alternation(ENTRY_WORDS))
DOC_NUMBER = re.compile(rf"^\s*{NUMBER_WRITTEN}\s*$")
PAGE_LINE = re.compile(r"^\s*(?:#+\s*)?page\s*\d+\s*:?\s*$", re.IGNORECASE)
DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")  # a signature's date
DOT_LEADERS = re.compile(r"\.{4,}|…{2,}|·{4,}")  # a table of contents' line, not a heading
HEADING_LINES = 10  # an entry heading wraps onto at most this many lines ("20." alone, then the title)
HEADING_CHARS = 160  # and is never longer than this (a title with its issuer and date)
SENTENCE_MARKS = re.compile(r"[。；;！？!?：:]")


def _text_lines(lines: tuple[str, ...], start: int) -> list[int]:
    """Indexes of the next lines holding text from `start` (page markers and blank lines passed over)."""
    found = []
    for i in range(start, len(lines)):
        if lines[i].strip() and not PAGE_LINE.match(lines[i]):
            found.append(i)
            if len(found) > HEADING_LINES:
                break
    return found


def _entry_at(lines: tuple[str, ...], i: int) -> int | None:
    """The index of the heading's last line when an entry heading starts at line index `i`, else None."""
    if not lines[i].strip() or PAGE_LINE.match(lines[i]) or DATE_LINE.match(lines[i]):
        return None
    following = _text_lines(lines, i)
    numbered = bool(ENTRY_NUMBER.match(lines[i]))
    joined = ""
    for n, j in enumerate(following[:HEADING_LINES]):
        if (n and ENTRY_NUMBER.match(lines[j])) or DOT_LEADERS.search(lines[j]):
            return None  # the heading starts at the next item number, or this is a table of contents
        joined += lines[j].strip()
        if len(joined) > HEADING_CHARS:
            return None
        if DATED.search(joined):
            body = ENTRY_NUMBER.sub("", joined)
            after = following[n + 1] if n + 1 < len(following) else None
            if SENTENCE_MARKS.search(body) or not ENTRY_WORD.search(body):
                return None  # a sentence citing a dated notice, or a dated event of a schedule
            if after is not None and DOT_LEADERS.search(lines[after]):
                return None  # a table of contents' entry, its leader on the next line
            if (numbered and DATED.search(joined)) or (
                DATED_END.search(joined.replace(" ", "")) and after is not None and DOC_NUMBER.match(lines[after])
            ):
                return j
            return None
    return None


def document_starts(lines: tuple[str, ...]) -> list[int]:
    """Line indexes where a compilation's entry headings start, in order."""
    # a heading opens with the compilation's number, or has its document number within a few lines after it
    numbers = [i for i, line in enumerate(lines) if DOC_NUMBER.match(line)]
    near = {j for n in numbers for j in range(max(0, n - 2 * HEADING_LINES), n)}
    starts = []
    i = 0
    while i < len(lines):
        if i not in near and not ENTRY_NUMBER.match(lines[i]):
            i += 1
            continue
        last = _entry_at(lines, i)
        if last is None:
            i += 1
        else:
            starts.append(i)
            i = last + 1
    return starts


# "…关于印发《X》的通知", "…印发关于X的通知", "…关于转发…制订的《X》的通知": the document an entry carries.
QUOTED_TITLE = re.compile(r"(?:印发|转发|发布|征求)[^《]{0,20}《([^》]+)》")  # of 《A》《B》 issued together: A
ISSUED_TITLE = re.compile(r"印发(.+?)的通知$")
ISSUING_WORDS = re.compile(alternation(ANNOUNCING_WORDS))  # what follows the issuer's name in an entry heading
LETTER_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")  # a title the cover letter quotes (inner 〈〉 or 《》 kept)
TITLE_MARKS = re.compile(r"[《》〈〉“”\"‘’]")
NOTICE_OF = re.compile(rf"(.+(?:{alternation(DOCUMENT_TYPES)})(?:（[^（）]{{1,12}}）)?)的通知")
FURNITURE_LINES = 3  # a compilation's own lines before its first entry ("# source: …", "（三）河北")


@dataclass(frozen=True)
class Document:
    """One document of a file: its lines (the file's numbering kept) and its entry heading, if any."""

    source: SourceText
    heading: str = ""  # "1. 河北省市场监督管理局关于印发…的通知（2023 年3 月11 日）", joined


def entry_title(heading: str) -> str:
    """The title of the document an entry heading carries: "1. X关于印发《Y》的通知（2023 年…）" → Y."""
    text = "".join(ENTRY_NUMBER.sub("", heading).split())
    text = DATED.sub("", text.replace("(", "（").replace(")", "）"))
    quoted = QUOTED_TITLE.search(text)
    if quoted:
        return quoted.group(1)
    issued = ISSUED_TITLE.search(text)
    if issued:
        return issued.group(1)
    # "哈密市落实…工作方案的通知": a notice titled by the document it gives, with no 关于印发
    noticed = NOTICE_OF.fullmatch(text)
    return noticed.group(1) if noticed else text


def given_title(entry: str, title: str, letter: Sequence[str]) -> str:
    """The title of the document that follows a compilation's entry heading when the heading names another: the
    title the cover letter quotes as the document it gives ("《广西贯彻落实〈…〉实施方案》已经自治区人民政府同意，现
    印发给你们"), which the title standing in the text opens, when the entry's shares under half its character pairs
    with it; '' when the entry names it (nearly always)."""
    def pairs(text: str) -> set[str]:
        text = TITLE_MARKS.sub("", text)
        return {text[i : i + 2] for i in range(len(text) - 1)}

    opening = TITLE_MARKS.sub("", title)
    for text in letter:
        for quoted in LETTER_TITLE.findall("".join(text.split())):
            ours, theirs = pairs(entry), pairs(quoted)
            if len(opening) >= 4 and TITLE_MARKS.sub("", quoted).startswith(opening) and ours and \
                    len(ours & theirs) * 2 < min(len(ours), len(theirs)):
                return quoted
    return ""


def entry_issuer(heading: str) -> str:
    """What an entry heading opens with: its issuer ("1. 河北省市场监督管理局关于印发…" → 河北省市场监督管理局)."""
    text = "".join(ENTRY_NUMBER.sub("", heading).split())
    return ISSUING_WORDS.split(text, maxsplit=1)[0]


def split_documents(source: SourceText) -> list[Document]:
    """The documents of a file: the file itself unless it holds two or more entry headings. A few lines
    before the first heading (the compilation's own: "（三）河北") are left out; more make a part of their own."""
    starts = document_starts(source.lines)
    if len(starts) == 1 and _opens(source.lines, starts[0]):
        # one document cut from a compilation ("5. 哈密市落实…工作方案的通知（2023 年3 月29 日）" / its number /
        # its text): its entry heading names it, as in the compilation, when no cover letter's title does
        last = _entry_at(source.lines, starts[0])
        heading = "".join(line.strip() for line in source.lines[starts[0] : last + 1] if not PAGE_LINE.match(line))
        return [Document(source, heading)]
    if len(starts) < 2:
        return [Document(source)]
    blank = ("",) * len(source.lines)
    ends = [*starts[1:], len(source.lines)]
    documents = []
    before = [line for line in source.lines[: starts[0]] if line.strip() and not PAGE_LINE.match(line)]
    if len(before) > FURNITURE_LINES:
        documents.append(Document(replace(source, lines=source.lines[: starts[0]] + blank[starts[0] :])))
    for a, b in zip(starts, ends):
        last = _entry_at(source.lines, a)
        heading = "".join(line.strip() for line in source.lines[a : last + 1] if not PAGE_LINE.match(line))
        documents.append(Document(replace(source, lines=blank[:a] + source.lines[a:b] + blank[b:]), heading))
    return documents


def _opens(lines: tuple[str, ...], start: int) -> bool:
    """Whether the entry heading at `start` opens the file: only furniture ("# source: …") before it."""
    before = [line for line in lines[:start] if line.strip() and not PAGE_LINE.match(line)]
    return len(before) <= FURNITURE_LINES


# A compilation's entry heading standing as a document's own title, with no cover letter ("1. 湖北省人民政府办公厅
# 关于加快建设…的实施意见（2023 年5 月17 日）" / "鄂政办发〔2023〕15 号"): its date in brackets, its number alone on
# the line after it.
HEADING_DATE = re.compile(r"[（(]((?:19|20)\d\d年\d{1,2}月\d{1,2}日)[)）]")
NUMBER_LINE = re.compile(NUMBER_WRITTEN)
HEADING_PARAGRAPHS = 6  # the heading's lines (its date broken over two: "（2023 年5" / "月4 日）") and the number's
OFFICE_OF = ("办公", "委员会")  # 人民政府 / 办公厅: one body's name goes on


def heading_facts(front: Sequence[str]) -> tuple[tuple[str, ...], str, str]:
    """(issuers, date, number) a document's entry heading states when it stands as its title (see HEADING_DATE):
    the bodies named before 关于 (湖北省商务厅武汉海关 → 湖北省商务厅, 武汉海关), the date in the heading's brackets,
    the number on a line of its own; empty where the heading says nothing of it. `front`: the texts of the
    document's first paragraphs."""
    from .structure import ORG_END

    texts = ["".join(t.split()) for t in front[:HEADING_PARAGRAPHS]]
    if not texts:
        return (), "", ""
    opening = ENTRY_NUMBER.sub("", texts[0])
    # "X关于印发…", "X印发关于…的通知" (吉安市人民政府办公室印发关于…): the bodies named before the first of them
    named = ISSUING_WORDS.split(opening, 1)[0] if ISSUING_WORDS.search(opening) else ""
    issuers: tuple[str, ...] = ()
    if 4 <= len(named) <= 30 and ORG_END.search(named):
        cut = next(
            (
                i
                for i in range(4, len(named) - 2)
                if ORG_END.search(named[:i]) and ORG_END.search(named[i:]) and not named[i:].startswith(OFFICE_OF)
            ),
            None,
        )
        issuers = (named[:cut], named[cut:]) if cut else (named,)
    dated = HEADING_DATE.search("".join(texts))
    # the number on a line of its own, or opening the paragraph the text after it was joined to (no cover letter:
    # "哈政办发〔2023〕14 号" / "为深入贯彻落实…"); never one a sentence cites
    number = next((m.group(0) for t in texts[1:] for m in [NUMBER_LINE.match(t)] if m), "")
    return issuers, dated.group(1) if dated else "", number
