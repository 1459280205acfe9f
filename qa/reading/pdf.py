"""Reading a PDF plan with pdfplumber: text in reading order, tables as tab-separated rows, running
headers, footers and page numbers dropped. A scanned (image-only) PDF is refused: it needs OCR."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .sources import UnreadableSource

MIN_TEXT_CHARS = 20  # fewer characters on every page: the pages are pictures of text
PAGE_NUMBER = re.compile(r"[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?")  # "- 3 -", "第3页"
PAGE_START = re.compile(r"# Page \d+:")


def _cell(text: str | None) -> str:
    """A table cell's text on one line (its wrapped lines joined; Chinese has no spaces)."""
    return "".join((text or "").split())


def _page_lines(page) -> list[str]:
    """One page's lines top to bottom: text outside tables as lines, each table row as one tab-joined line."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    lines: list[str] = []
    top = page.bbox[1]
    for table in tables:
        above = page.crop((page.bbox[0], top, page.bbox[2], max(top, table.bbox[1])))
        lines += (above.extract_text() or "").splitlines()
        for row in table.extract():
            cells = [_cell(c) for c in row]
            if any(cells):
                lines.append("\t".join(cells))
        top = table.bbox[3]
    rest = page.crop((page.bbox[0], min(top, page.bbox[3]), page.bbox[2], page.bbox[3]))
    lines += (rest.extract_text() or "").splitlines()
    return [line.strip() for line in lines if line.strip()]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines standing first or last on most pages: running headers and footers (never the plan's text)."""
    if len(pages) < 3:
        return set()
    edges = Counter(line for lines in pages for line in {*lines[:1], *lines[-1:]})
    return {line for line, count in edges.items() if count > len(pages) / 2}


def _join_tables(lines: list[str]) -> list[str]:
    """A table continued on the next page: its repeated header row dropped, a row broken by the page break
    (no number in its first cell) joined to the row before."""
    out: list[str] = []
    header = ""
    last_row = -1  # where the last table row stands in `out` (page markers may follow it)
    for line in lines:
        if "\t" not in line:
            out.append(line)
            if not PAGE_START.fullmatch(line):
                last_row = -1
            continue
        cells = line.split("\t")
        if not header and not re.search(r"\d", cells[0]):
            header = line
        elif line == header:
            continue  # the header repeated at the top of a page
        elif last_row >= 0 and not cells[0] and len(cells) == len(out[last_row].split("\t")):
            before = out[last_row].split("\t")
            out[last_row] = "\t".join(a + b for a, b in zip(before, cells))
            continue
        out.append(line)
        last_row = len(out) - 1
    return out


def read_pdf(path: Path, max_pages: int = 500) -> list[str]:
    """The lines of a PDF plan, pages joined, with a `# Page N:` marker where each page begins.

    More than `max_pages` pages is no plan (and would hold start-up): refused.
    """
    import pdfplumber  # imported here so that a corpus without PDFs does not pay for it

    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) > max_pages:
                raise UnreadableSource(f"{path.name}: {len(pdf.pages)} pages, more than the {max_pages} allowed")
            pages = [_page_lines(page) for page in pdf.pages]
    except UnreadableSource:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise UnreadableSource(f"{path.name}: not a readable PDF ({type(exc).__name__})") from exc
    if sum(len("".join(lines)) for lines in pages) < MIN_TEXT_CHARS * max(1, len(pages)):
        raise UnreadableSource(f"{path.name}: a scanned PDF with no text layer; it needs OCR (文字识别) first")
    running = _running_lines(pages)
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines.append(f"# Page {number}:")
        lines += [line for line in page if line not in running and not PAGE_NUMBER.fullmatch(line)]
    return _join_tables(lines)
