"""Reading a PDF plan with pdfplumber: text in reading order, tables as tab-separated rows, running
headers, footers and page numbers dropped. A page with no text layer but a picture (a scan) is read by OCR
(ocr.py) where tesseract is installed; without it, a scanned PDF is refused with what to install.

What a PDF may cost is bounded while it is read, never after: every stream pdfminer decodes is inflated a
chunk at a time against a budget (ReadingLimits.pdf_stream_bytes for one stream, pdf_decoded_bytes for
all), the pages are counted before any is read, each character and shape pdfminer lays out is counted
(pdf_page_objects a page, pdf_objects in all: each costs some 2 KB), and the text is counted page by page.
A flate bomb (a 1 MB file holding a 1 GB stream) is refused after 32 MB, in a fraction of a second; a page
drawing a million characters (a 1 KB stream) after 30,000 of them.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
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


@dataclass(frozen=True)
class PdfText:
    """A PDF plan's lines, and which of its pages were read by OCR (1-based) with what staff should know of it."""

    lines: list[str]
    ocr_pages: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


def read_pdf(path: Path, limits: ReadingLimits = ReadingLimits()) -> list[str]:
    """The lines of a PDF plan, pages joined, with a `# Page N:` marker where each page begins (see read_pdf_text)."""
    return read_pdf_text(path, limits).lines


def read_pdf_text(path: Path, limits: ReadingLimits = ReadingLimits()) -> PdfText:
    """The lines of a PDF plan, pages joined, with a `# Page N:` marker where each page begins; a page with
    no text layer but a picture (a scan) is read by OCR (ocr.py) where tesseract is installed.

    More than `limits.pdf_pages` pages, a stream decoding past its budget, a page drawing more characters
    and shapes than `limits.pdf_page_objects`, a token over MAX_TOKEN, or more text than `limits.text_chars`
    is no plan (and would hold start-up): refused as soon as it shows.
    """
    import pdfplumber  # imported here so that a corpus without PDFs does not pay for it

    _bound_pdfminer()
    budget = _Budget(path.name, limits.pdf_stream_bytes, limits.pdf_decoded_bytes, limits.pdf_page_objects,
                     limits.pdf_objects)
    token = _BUDGET.set(budget)
    try:
        # The file is ours to close: pdfplumber's own close() makes every page first, however many there are.
        with open(path, "rb") as file:
            pdf = pdfplumber.open(file)
            _count_pages(pdf, path.name, limits.pdf_pages)
            pages: list[list[str]] = []
            chars = 0
            pictures: dict[int, int] = {}  # pages with no text but a picture (scans): the largest one's pixels
            for number, page in enumerate(pdf.pages, start=1):
                budget.page, budget.page_objects = number, 0
                pages.append(_page_lines(page))
                if len("".join(pages[-1])) < MIN_TEXT_CHARS and page.images:
                    pictures[number] = max(_pixels(image) for image in page.images)
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
    scanned, notes = sorted(pictures), []
    too_little = sum(len("".join(lines)) for lines in pages) < MIN_TEXT_CHARS * max(1, len(pages))
    if scanned:
        from .ocr import ocr_missing, read_pages

        missing = ocr_missing()
        if not missing or too_little:  # OCR off and text pages enough: those are read, the scans noted
            for number, lines in read_pages(path, scanned, pictures, limits).items():
                pages[number - 1] = lines
        else:
            notes.append(f"{len(scanned)} 页是扫描图片，未读取（{missing}）")
        too_little = sum(len("".join(lines)) for lines in pages) < MIN_TEXT_CHARS * max(1, len(pages))
    if too_little:
        raise UnreadableSource(f"{path.name}: a scanned PDF with no text layer; " + (
            "OCR read no text from its pages (文字识别未读出文字)" if scanned else "it needs OCR (文字识别) first"))
    read = tuple(scanned) if not notes else ()
    if read:
        notes.insert(0, f"第 {_ranges(read)} 页是扫描图片，已用 OCR 识读（请核对）")
    running = _running_lines(pages)
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines.append(f"# Page {number}:")
        lines += [line for line in page if line not in running and not PAGE_NUMBER.fullmatch(line)]
    return PdfText(_join_tables(lines), read, tuple(notes))


def _pixels(image: dict) -> int:
    """A picture's pixels as the PDF declares them (1 when it does not say: a picture all the same)."""
    try:
        width, height = image["srcsize"]
        return max(1, int(width) * int(height))
    except (KeyError, TypeError, ValueError):
        return 1


def _ranges(numbers: tuple[int, ...]) -> str:
    """Page numbers as staff read them: 1–3、5."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _count_pages(pdf, name: str, most: int) -> None:
    """Refuse a PDF of more than `most` pages, walking the page tree no further than that."""
    from pdfminer.pdfpage import PDFPage

    if sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), most + 1)) > most:
        raise UnreadableSource(f"{name}: more than the {most} pages allowed")


# -- decoding streams within a budget ------------------------------------------------------------------

INFLATE_CHUNK = 1 * MB  # what one step of inflating may add before the budget is checked again
CONTENT_CHUNK = 1 * MB  # what pdfminer reads of a page's drawing instructions at a time
MAX_TOKEN = 1 * MB  # one token (a string, a name …); PDF's own implementation limit for a string is 32 KB


class _OverBudget(Exception):
    """A PDF past its budget (pdfminer may wrap or swallow it; the budget remembers why)."""


@dataclass
class _Budget:
    """What one PDF has cost to read so far (bytes decoded, characters and shapes laid out), and why it was
    refused once it was."""

    name: str
    stream_bytes: int
    total_bytes: int
    page_objects_allowed: int
    objects_allowed: int
    used: int = 0
    page: int = 0  # the page being laid out, and the characters and shapes laid out on it and in all
    page_objects: int = 0
    objects: int = 0
    refused: str = ""

    def check(self, size: int) -> None:
        """Refuse a stream that has reached `size` bytes when that is more than its room."""
        if size > self.stream_bytes:
            self.refuse(f"{self.name}: a stream decodes to more than the {self.stream_bytes // MB} MB allowed "
                        f"(解压后过大，疑为压缩炸弹)")
        if self.used + size > self.total_bytes:
            self.refuse(f"{self.name}: its streams decode to more than the {self.total_bytes // MB} MB allowed "
                        f"(解压后过大，疑为压缩炸弹)")

    def count_object(self) -> None:
        """One more character, shape or picture laid out: refused past the limits (it costs ~2 KB)."""
        self.page_objects += 1
        self.objects += 1
        if self.refused:
            raise _OverBudget(self.refused)
        if self.page_objects > self.page_objects_allowed:
            self.refuse(f"{self.name}: page {self.page} draws more than the {self.page_objects_allowed} characters "
                        f"and shapes a page may (页面内容过多)")
        if self.objects > self.objects_allowed:
            self.refuse(f"{self.name}: its pages draw more than the {self.objects_allowed} characters and shapes "
                        f"allowed (页面内容过多)")

    def refuse(self, why: str) -> NoReturn:
        """Stop reading this PDF: what is being decoded or laid out now, and everything after it."""
        self.refused = self.refused or why
        raise _OverBudget(self.refused)


_BUDGET: ContextVar[_Budget | None] = ContextVar("pdf_budget", default=None)  # each thread reads its own PDF
_INSTALLING = threading.Lock()


def _bound_pdfminer() -> None:
    """Route pdfminer's stream decoding through `_decode`, and count what it lays out, while a budget is set
    (installed once per process).

    pdfminer decodes a stream whole (zlib.decompress of everything) when it is first used, and lays out
    every character of a page before pdfplumber sees one, both deep inside pdfplumber: these are the places
    where their cost can be checked as it grows. Without a budget (any other use of pdfminer in the
    process) pdfminer runs unchanged.
    """
    from pdfminer.pdftypes import PDFStream

    with _INSTALLING:
        if not getattr(PDFStream.decode, "bounded", False):
            _install()


def _install() -> None:
    """Wrap pdfminer's stream decoding, its layout's containers and its parsers' reading (see above)."""
    from pdfminer.layout import LTContainer
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import PSBaseParser

    unbounded, add = PDFStream.decode, LTContainer.add
    # pdfminer joins a token's pieces anew at each chunk it reads: with its 4 KB chunks a page's 30 MB string
    # took 90 s (a 1 KB file). A page's drawing instructions are in memory: read them 1 MB at a time.
    PDFContentParser.BUFSIZ = CONTENT_CHUNK

    def decode(stream) -> None:
        budget = _BUDGET.get()
        if budget is None:
            return unbounded(stream)
        return _decode(stream, budget)

    def counted_add(container, item) -> None:
        budget = _BUDGET.get()
        if budget is not None:
            budget.count_object()
        add(container, item)

    def bounded(fill):
        """A parser's fillbuf that first refuses a token grown past MAX_TOKEN (a string, a name …)."""

        def bounded_fill(parser) -> None:
            budget = _BUDGET.get()
            if budget is not None and len(parser._curtoken) > MAX_TOKEN:
                budget.refuse(f"{budget.name}: holds a token longer than {MAX_TOKEN // MB} MB (内容异常)")
            fill(parser)

        return bounded_fill

    decode.bounded = counted_add.bounded = True
    LTContainer.add = counted_add
    PSBaseParser.fillbuf = bounded(PSBaseParser.fillbuf)  # the file's objects, object streams, CMaps
    PDFContentParser.fillbuf = bounded(PDFContentParser.fillbuf)  # pages' drawing instructions
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
