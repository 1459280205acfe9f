"""Reading a PDF plan with pdfplumber: text in reading order, tables as tab-separated rows, running
headers, footers and page numbers dropped. A scanned (image-only) PDF is refused: it needs OCR.

What a PDF may cost is bounded while it is read, never after: every stream pdfminer decodes is inflated a
chunk at a time against a budget (ReadingLimits.pdf_stream_bytes for one stream, pdf_decoded_bytes for
all), the pages are counted before any is read, and the text is counted page by page. A flate bomb (a
1 MB file holding a 1 GB stream) is refused after 32 MB, in a fraction of a second.
"""

from __future__ import annotations

import io
import itertools
import re
import zlib
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .limits import MB, ReadingLimits
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


def read_pdf(path: Path, limits: ReadingLimits = ReadingLimits()) -> list[str]:
    """The lines of a PDF plan, pages joined, with a `# Page N:` marker where each page begins.

    More than `limits.pdf_pages` pages, a stream decoding past its budget, or more text than
    `limits.text_chars` is no plan (and would hold start-up): refused as soon as it shows.
    """
    import pdfplumber  # imported here so that a corpus without PDFs does not pay for it

    _bound_pdfminer()
    budget = _Budget(path.name, limits.pdf_stream_bytes, limits.pdf_decoded_bytes)
    token = _BUDGET.set(budget)
    try:
        # The file is ours to close: pdfplumber's own close() makes every page first, however many there are.
        with open(path, "rb") as file:
            pdf = pdfplumber.open(file)
            _count_pages(pdf, path.name, limits.pdf_pages)
            pages: list[list[str]] = []
            chars = 0
            for page in pdf.pages:
                pages.append(_page_lines(page))
                page.close()  # its characters and layout are not needed again
                chars += sum(len(line) for line in pages[-1])
                if chars > limits.text_chars:
                    raise UnreadableSource(f"{path.name}: more than the {limits.text_chars} characters of text "
                                           f"allowed")
    except UnreadableSource:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files (and wraps our refusal)
        if budget.refused:
            raise UnreadableSource(budget.refused) from None
        raise UnreadableSource(f"{path.name}: not a readable PDF ({type(exc).__name__})") from exc
    finally:
        _BUDGET.reset(token)
    if budget.refused:  # pdfminer swallowed the refusal somewhere (a font it could not load): still refused
        raise UnreadableSource(budget.refused)
    if sum(len("".join(lines)) for lines in pages) < MIN_TEXT_CHARS * max(1, len(pages)):
        raise UnreadableSource(f"{path.name}: a scanned PDF with no text layer; it needs OCR (文字识别) first")
    running = _running_lines(pages)
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines.append(f"# Page {number}:")
        lines += [line for line in page if line not in running and not PAGE_NUMBER.fullmatch(line)]
    return _join_tables(lines)


def _count_pages(pdf, name: str, most: int) -> None:
    """Refuse a PDF of more than `most` pages, walking the page tree no further than that."""
    from pdfminer.pdfpage import PDFPage

    if sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), most + 1)) > most:
        raise UnreadableSource(f"{name}: more than the {most} pages allowed")


# -- decoding streams within a budget ------------------------------------------------------------------

INFLATE_CHUNK = 1 * MB  # what one step of inflating may add before the budget is checked again


class _OverBudget(Exception):
    """A stream decoded past the budget (pdfminer may wrap it; the budget remembers why)."""


@dataclass
class _Budget:
    """The decoded bytes one PDF may still use, and why it was refused once it was."""

    name: str
    stream_bytes: int
    total_bytes: int
    used: int = 0
    refused: str = ""

    def room(self) -> int:
        """How many bytes the stream being decoded may have."""
        return min(self.stream_bytes, self.total_bytes - self.used)

    def check(self, size: int) -> None:
        """Refuse a stream that has reached `size` bytes when that is more than its room."""
        if size > self.stream_bytes:
            self.refuse(f"{self.name}: a stream decodes to more than the {self.stream_bytes // MB} MB allowed "
                        f"(解压后过大，疑为压缩炸弹)")
        if self.used + size > self.total_bytes:
            self.refuse(f"{self.name}: its streams decode to more than the {self.total_bytes // MB} MB allowed "
                        f"(解压后过大，疑为压缩炸弹)")

    def refuse(self, why: str) -> NoReturn:
        """Stop decoding this PDF: this stream and every one after it."""
        self.refused = self.refused or why
        raise _OverBudget(self.refused)


_BUDGET: ContextVar[_Budget | None] = ContextVar("pdf_budget", default=None)


def _bound_pdfminer() -> None:
    """Route pdfminer's stream decoding through `_decode` while a budget is set (once per process).

    pdfminer decodes a stream whole (zlib.decompress of everything) when it is first used, deep inside
    pdfplumber; this is the one place where its size can be checked as it grows. Without a budget (any
    other use of pdfminer in the process) its own decoding runs unchanged.
    """
    from pdfminer.pdftypes import PDFStream

    if getattr(PDFStream.decode, "bounded", False):
        return
    unbounded = PDFStream.decode

    def decode(stream) -> None:
        budget = _BUDGET.get()
        if budget is None:
            return unbounded(stream)
        return _decode(stream, budget)

    decode.bounded = True
    PDFStream.decode = decode


def _decode(stream, budget: _Budget) -> None:
    """pdfminer's PDFStream.decode, with each filter's output checked against the budget as it grows."""
    from pdfminer import pdftypes as t
    from pdfminer.lzw import LZWDecoder

    if budget.refused:
        raise _OverBudget(budget.refused)
    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for f, params in stream.get_filters():
        if f in t.LITERALS_FLATE_DECODE:
            data = _inflate(data, budget)
        elif f in t.LITERALS_LZW_DECODE:
            data = _gather(LZWDecoder(io.BytesIO(data)).run(), budget)
        elif f in t.LITERALS_RUNLENGTH_DECODE:
            data = _run_length(data, budget)
        elif f in t.LITERALS_ASCII85_DECODE:
            data = t.ascii85decode(data)
        elif f in t.LITERALS_ASCIIHEX_DECODE:
            data = t.asciihexdecode(data)
        elif f in t.LITERALS_DCT_DECODE + t.LITERALS_JBIG2_DECODE + t.LITERALS_JPX_DECODE \
                + t.LITERALS_CCITTFAX_DECODE:
            pass  # pictures: never text, and never decoded to read a page's text
        elif f == t.LITERAL_CRYPT:
            raise t.PDFNotImplementedError("/Crypt filter is unsupported")
        else:
            raise t.PDFNotImplementedError(f"Unsupported filter: {f!r}")
        budget.check(len(data))
        if params and "Predictor" in params:  # as pdfminer does; a predictor never makes data larger
            data = _predicted(data, params)
    budget.used += len(data)
    stream.data = data
    stream.rawdata = None


def _inflate(data: bytes, budget: _Budget) -> bytes:
    """Flate data inflated a chunk at a time, refused once past the budget. As pdfminer does, a stream
    whose only damage is its checksum keeps its text, and one damaged before that gives nothing."""
    try:
        return _inflated(data, budget)
    except zlib.error:
        pass
    try:
        return _inflated(data[:-4], budget)  # without the checksum
    except zlib.error:
        return b""


def _inflated(data: bytes, budget: _Budget) -> bytes:
    """`data` inflated, never holding more than the budget's room (zlib.error when it is not flate)."""
    inflater = zlib.decompressobj()
    parts: list[bytes] = []
    size = 0
    pending = data
    while True:
        piece = inflater.decompress(pending, INFLATE_CHUNK)
        size += len(piece)
        budget.check(size)
        parts.append(piece)
        pending = inflater.unconsumed_tail
        if inflater.eof or (not pending and len(piece) < INFLATE_CHUNK):
            return b"".join(parts)


def _gather(pieces, budget: _Budget) -> bytes:
    """The pieces a decoder yields, joined, refused once past the budget."""
    out = bytearray()
    for piece in pieces:
        out += piece
        budget.check(len(out))
    return bytes(out)


def _run_length(data: bytes, budget: _Budget) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), refused once past the budget (a run of 2 bytes gives 128)."""
    out = bytearray()
    at = 0
    while at < len(data):
        length = data[at]
        if length == 128:
            break
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
        budget.check(len(out))
    return bytes(out)


def _predicted(data: bytes, params: dict) -> bytes:
    """A PNG or TIFF predictor undone, as pdfminer's PDFStream.decode does."""
    from pdfminer.pdftypes import PDFNotImplementedError, int_value
    from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

    predictor = int_value(params["Predictor"])
    if predictor == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    if predictor == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if predictor >= 10:
        return apply_png_predictor(predictor, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {predictor!r}")
