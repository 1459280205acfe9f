"""Reading an OFD plan (GB/T 33190, the national format for fixed-layout documents): its text in reading order,
wrapped lines joined into the paragraphs they were laid out from.

The package is parsed by ofdkit (standard library only: OFD.xml → DocBody → Document.xml → Pages →
Content.xml, with templates, composite objects, CTM, DeltaX and the encodings and path quirks of real
producers). What it may cost is bounded before ofdkit opens it, as for a .docx: the members are counted, their
unpacked sizes summed and each one's unpacked ÷ packed ratio checked (zip bombs), and every XML member is
streamed once counting its tags (a part of millions of tags would cost ofdkit's tree a GB), all within
ReadingLimits. Then the text runs of each page (a TextCode's X, Y and advances, in millimetres) are laid
into lines by their baselines, and lines into paragraphs by the page's geometry: a paragraph ends where a
line stops short of the text's right edge, and a new one starts where a line is indented (公文 indent each
paragraph's first line by two characters) or set in another size.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .limits import ReadingLimits
from .sources import UnreadableSource

READ_CHUNK = 1 << 16
# A page number standing alone ("- 3 -", "— 3 —", "第3页", "3"): dropped like a PDF's.
PAGE_NUMBER = re.compile(r"[-—–－]?\s*\d{1,4}\s*[-—–－]?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?")
ASCII_WORD = re.compile(r"[A-Za-z0-9]")
SAME_LINE = 0.5  # runs whose baselines differ by less than this share of the type size are one line
CELL_GAP = 2.5  # a gap wider than this many characters separates table cells: a tab
INDENT = 0.8  # a line starting this many characters right of the text's left edge is indented
SHORT = 1.2  # a line ending this many characters short of the text's right edge ends its paragraph
BLANK = 1.8  # a step down of this many usual line steps is a blank line between paragraphs


def check_package(path: Path, limits: ReadingLimits) -> None:
    """Refuse an .ofd whose package would cost more than the limits allow, before it is parsed."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > limits.zip_members:
                raise UnreadableSource(f"{name}: holds {len(members)} files, more than the {limits.zip_members} "
                                       f"an .ofd may (文件数过多)")
            unpacked = sum(m.file_size for m in members)
            if unpacked > limits.docx_unpacked_bytes:
                raise UnreadableSource(f"{name}: its files unpack to {unpacked} bytes, more than the "
                                       f"{limits.docx_unpacked_bytes} allowed (解压后过大，疑为压缩炸弹)")
            for member in members:
                ratio = member.file_size / max(1, member.compress_size)
                if member.file_size > 1024 * 1024 and ratio > limits.zip_ratio:
                    raise UnreadableSource(f"{name}: {member.filename} unpacks "
                                           f"{member.file_size // max(1, member.compress_size)} times its size, more "
                                           f"than the {limits.zip_ratio} allowed (疑为压缩炸弹)")
            if not any(m.filename.lower().lstrip("/") == "ofd.xml" for m in members):
                raise UnreadableSource(f"{name}: not an OFD document (no OFD.xml in it)")
            _count_tags(archive, [m for m in members if m.filename.lower().endswith(".xml")], name, limits)
    except UnreadableSource:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as exc:  # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        raise UnreadableSource(f"{name}: not a readable .ofd ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # zlib and zipfile raise many kinds on damaged members
        raise UnreadableSource(f"{name}: not a readable .ofd ({type(exc).__name__})") from exc


def _count_tags(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], name: str, limits: ReadingLimits) -> None:
    """Stream every XML part once, counting its tags: one part and all of them within the limits."""
    total = 0
    for part in parts:
        tags = 0
        with archive.open(part) as stream:  # reads no more than the size its header declares (checked above)
            while chunk := stream.read(READ_CHUNK):
                tags += chunk.count(b"<")
                if tags > limits.ofd_part_tags:
                    raise UnreadableSource(f"{name}: {part.filename} holds more than the {limits.ofd_part_tags} XML "
                                           f"tags one part may (内容过多)")
        total += tags
        if total > limits.docx_tags:
            raise UnreadableSource(f"{name}: its XML parts hold more than the {limits.docx_tags} tags allowed "
                                   f"(内容过多)")


@dataclass
class _Line:
    """A line of text as laid out on a page (millimetres, y growing down)."""

    page: int
    text: str
    left: float
    right: float
    y: float
    size: float
    cells: bool  # whether wide gaps split it (a table's row)


def read_ofd(path: Path, limits: ReadingLimits = ReadingLimits()) -> list[str]:
    """The paragraphs of an .ofd plan in reading order, one a line; UnreadableSource naming the file when it is
    not one, or costs more than `limits`."""
    check_package(path, limits)
    import ofdkit  # imported here so that a corpus without OFD files does not pay for it

    try:
        with ofdkit.open(path) as document:
            if len(document.pages) > limits.pdf_pages:
                raise UnreadableSource(f"{path.name}: {len(document.pages)} pages, more than the {limits.pdf_pages} "
                                       f"allowed")
            pages, chars = [], 0
            for page in document.pages:
                lines = _page_lines(page, path.name, limits)
                chars += sum(len(line.text) for line in lines)
                if chars > limits.text_chars:
                    raise UnreadableSource(f"{path.name}: more than the {limits.text_chars} characters of text allowed")
                pages.append(lines)
    except UnreadableSource:
        raise
    except ofdkit.OFDError as exc:
        raise UnreadableSource(f"{path.name}: not a readable .ofd ({exc})") from exc
    except Exception as exc:  # a damaged part: the reader's own errors, XML's, zip's
        raise UnreadableSource(f"{path.name}: not a readable .ofd ({type(exc).__name__})") from exc
    paragraphs = _paragraphs(_without_furniture(pages))
    if not any(p.strip() for p in paragraphs):
        raise UnreadableSource(f"{path.name}: the document has no text (a scanned OFD needs OCR first)")
    if len(paragraphs) > limits.lines:
        raise UnreadableSource(f"{path.name}: more than the {limits.lines} lines allowed")
    return paragraphs


def _page_lines(page, name: str, limits: ReadingLimits) -> list[_Line]:
    """One page's lines top to bottom: its visible runs grouped by baseline, each line left to right."""
    x0, y0, width, height = page.box
    runs = [r for r in page.runs
            if r.text.strip() and x0 - 2 <= r.x <= x0 + width + 2 and y0 - 2 <= r.y <= y0 + height + 2]
    if len(runs) > limits.pdf_page_objects:
        raise UnreadableSource(f"{name}: page {page.index + 1} draws more than the {limits.pdf_page_objects} pieces "
                               f"of text a page may (页面内容过多)")
    seen, unique = set(), []
    for run in runs:  # a run drawn twice at one spot (a fake bold) is read once
        key = (run.text, round(run.x * 4), round(run.y * 4))
        if key not in seen:
            seen.add(key)
            unique.append(run)
    grouped: list[list] = []
    for run in sorted(unique, key=lambda r: (r.y, r.x)):
        if grouped and abs(run.y - grouped[-1][0].y) <= SAME_LINE * max(min(run.size, grouped[-1][0].size), 0.5):
            grouped[-1].append(run)
        else:
            grouped.append([run])
    return [_line(page.index, sorted(line, key=lambda r: r.x)) for line in grouped]


def _line(page: int, runs: list) -> _Line:
    """A line from its runs: joined without spaces (Chinese has none), a space between Latin words, a tab
    across a gap as wide as a table's cells."""
    size = sorted(r.size for r in runs)[len(runs) // 2] or 1.0
    text, cells = runs[0].text, False
    for before, run in zip(runs, runs[1:]):
        gap = run.x - (before.x + before.width)
        if gap > CELL_GAP * size:
            text, cells = text + "\t", True
        elif gap > 0.25 * size and ASCII_WORD.match(run.text[:1]) and ASCII_WORD.match(text[-1:]):
            text += " "
        text += run.text
    text = "\t".join(" ".join(cell.split()) for cell in text.split("\t"))
    return _Line(page, text, runs[0].x, max(r.x + r.width for r in runs), runs[0].y, size, cells)


def _without_furniture(pages: list[list[_Line]]) -> list[_Line]:
    """Every page's lines, without page numbers and running headers or footers (a line standing first or
    last on most pages, when there are three pages or more)."""
    running: set[str] = set()
    if len(pages) >= 3:
        edges = Counter(t for lines in pages for t in {line.text for line in lines[:1] + lines[-1:]})
        running = {text for text, count in edges.items() if count > len(pages) / 2}
    kept = []
    for lines in pages:
        for number, line in enumerate(lines):
            edge = number in (0, len(lines) - 1)
            if line.text in running or (edge and PAGE_NUMBER.fullmatch(line.text.strip())):
                continue
            kept.append(line)
    return kept


def _mode(values: list[float]) -> float:
    """The most common value, to the half millimetre (the smallest on a tie)."""
    counts = Counter(round(v * 2) / 2 for v in values)
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines joined into paragraphs by the geometry of the text: its left and right edges and line step."""
    prose = [line for line in lines if not line.cells]
    if not prose:
        return [line.text for line in lines]
    left = _mode([line.left for line in prose])
    rights = sorted(line.right for line in prose)
    right = max(_mode([r for r in rights if r >= rights[len(rights) // 2]]), left)
    steps = [b.y - a.y for a, b in zip(lines, lines[1:]) if a.page == b.page and b.y > a.y]
    step = sorted(steps)[len(steps) // 2] if steps else 0.0
    out: list[str] = []
    for number, line in enumerate(lines):
        before = lines[number - 1] if number else None
        if before is None or _starts_paragraph(before, line, left, right, step):
            out.append(line.text)
        else:
            out[-1] += line.text
    return out


def _starts_paragraph(before: _Line, line: _Line, left: float, right: float, step: float) -> bool:
    """Whether `line` starts a paragraph rather than going on with the line before it."""
    size = max(before.size, 0.5)
    return (
        before.cells
        or line.cells
        or before.right < right - SHORT * size  # the line before stopped short: its paragraph ended
        or line.left > left + INDENT * size  # indented: a first line, or a centred title
        or abs(line.size - before.size) > 0.15 * size
        or (line.page == before.page and step > 0 and line.y - before.y > BLANK * step)
    )
