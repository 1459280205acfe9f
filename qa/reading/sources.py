"""Reading plan files: .txt in UTF-8 (with or without BOM) or GB18030/GBK, .docx, .pdf (scanned pages read by
OCR, ocr.py), .ofd (ofd.py), and .doc/.wps (converted by LibreOffice, convert.py)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .limits import ReadingLimits

# Word and WPS formats python-docx cannot read: converted to .docx by LibreOffice (convert.py).
OLD_WORD_SUFFIXES = (".doc", ".wps")
PLAN_SUFFIXES = (".txt", ".docx", ".pdf", ".ofd") + OLD_WORD_SUFFIXES


@dataclass(frozen=True)
class SourceText:
    """A plan file read into lines (1-based numbering is the index + 1)."""

    name: str
    lines: tuple[str, ...]
    encoding: str
    how: str = ""  # how it was read, for staff ("OFD", "LibreOffice 转换（.doc）", "PDF，OCR 识读 3 页")
    notes: tuple[str, ...] = ()  # what staff should know of the reading (pages read by OCR, names it could not fix)
    ocr: tuple[int, ...] = ()  # the pages (1-based, as its "# Page N:" lines number them) read by OCR


class UnreadableSource(ValueError):
    """A corpus file that cannot be read as a plan (empty, binary, corrupt)."""


def decode_text(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode plan bytes, trying UTF-8 (BOM or not) then GB18030; return (text, encoding)."""
    if not data.strip():
        raise UnreadableSource(f"{name}: the file is empty")
    if b"\x00" in data[:4096]:
        raise UnreadableSource(f"{name}: binary content (NUL bytes), not a text plan")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise UnreadableSource(f"{name}: neither UTF-8 nor GB18030 text")


def _looks_like_text(text: str) -> bool:
    """True when control characters are rare: GB18030 decodes almost any bytes, so check."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= max(2, len(text) // 200)


def check_zip(path: Path, limits: ReadingLimits) -> None:
    """Refuse a .docx whose parts unpack to more than the limits allow (a zip bomb) before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable .docx ({exc})") from exc
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.docx_unpacked_bytes:
        raise UnreadableSource(f"{path.name}: its parts unpack to {unpacked} bytes, more than the "
                               f"{limits.docx_unpacked_bytes} allowed")
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > limits.zip_ratio * max(1, part.compress_size):
            raise UnreadableSource(f"{path.name}: part {part.filename} unpacks {part.file_size // max(1, part.compress_size)}"
                                   f" times its size, more than the {limits.zip_ratio} allowed")


def read_docx(path: Path, limits: ReadingLimits = ReadingLimits()) -> list[str]:
    """Paragraph texts of a .docx, tables included, in document order.

    The main part is streamed through the XML parser: no tree is built, and its unpacked bytes, its tags
    and the text it yields are counted as they come, so a bomb is refused after a few MB, not after a GB.
    """
    check_zip(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            lines = _stream_body(archive, _main_part(archive, path.name), path.name, limits)
    except UnreadableSource:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable .docx ({exc})") from exc
    except Exception as exc:  # lxml and zlib raise many kinds on corrupt parts
        raise UnreadableSource(f"{path.name}: not a readable .docx ({type(exc).__name__})") from exc
    if not any(line.strip() for line in lines):
        raise UnreadableSource(f"{path.name}: the document has no text")
    return lines


DOCX_MAIN = "word/document.xml"
OFFICE_DOCUMENT = "/officeDocument"  # the end of the relationship type that names the main part
READ_CHUNK = 1 << 16


def _safe_parser(**options):
    """An lxml parser that never expands entities nor reaches the network (no billion laughs, no XXE)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options)


def _main_part(archive: zipfile.ZipFile, name: str) -> str:
    """The name of the main document part, as the package's relationships give it (word/document.xml)."""
    from lxml import etree

    try:
        with archive.open("_rels/.rels") as rels:
            data = rels.read(1 << 20)
        root = etree.fromstring(data, _safe_parser())
    except (KeyError, etree.XMLSyntaxError):
        root = None
    for relation in root.iter() if root is not None else ():
        if str(relation.get("Type", "")).endswith(OFFICE_DOCUMENT) and relation.get("Target"):
            target = relation.get("Target").lstrip("/")
            if target in archive.namelist():
                return target
    if DOCX_MAIN in archive.namelist():
        return DOCX_MAIN
    raise UnreadableSource(f"{name}: not a readable .docx (no {DOCX_MAIN})")


def _stream_body(archive: zipfile.ZipFile, part: str, name: str, limits: ReadingLimits) -> list[str]:
    """The lines of the main part, read a chunk at a time within the limits."""
    lines = _BodyLines(name, limits)
    parser = _safe_parser(target=lines)
    unpacked = tags = 0
    with archive.open(part) as stream:
        while chunk := stream.read(READ_CHUNK):
            unpacked += len(chunk)
            tags += chunk.count(b"<")
            if unpacked > limits.docx_unpacked_bytes:
                raise UnreadableSource(f"{name}: {part} unpacks to more than the {limits.docx_unpacked_bytes} bytes "
                                       f"allowed")
            if tags > limits.docx_tags:
                raise UnreadableSource(f"{name}: {part} holds more than the {limits.docx_tags} XML tags allowed")
            parser.feed(chunk)
    parser.close()
    return lines.lines


class _BodyLines:
    """lxml parser target: the body's paragraphs and table rows as lines, made as the XML streams by.

    A body-level paragraph is the text of every w:t in it; a body-level table gives a line per row (nested
    tables' rows too, in document order): its own cells tab-joined, each cell the text of every paragraph in
    it joined by spaces. Other body-level elements are skipped. Only the open elements are kept.
    """

    PARAGRAPH, ROW, CELL = 1, 2, 4  # what an open element started, to undo at its end

    def __init__(self, name: str, limits: ReadingLimits):
        self.name, self.limits = name, limits
        self.lines: list[str] = []
        self.open: list[tuple[str, int]] = []  # (local name, PARAGRAPH | ROW | CELL) of each open element
        self.body = False  # whether the open elements are the document, its body, and more
        self.top = ""  # the body-level element open now when it is a paragraph or a table ("p", "tbl")
        self.paragraphs: list[list[str]] = []  # the text pieces of each open paragraph (text boxes nest them)
        self.rows: list[tuple[int, list[list[list[str]]]]] = []  # open rows: (their line, their cells)
        self.cells: list[list[list[str]]] = []  # open cells that are a row's own: their paragraphs
        self.text: list[str] | None = None  # the pieces of the w:t open now, else None
        self.reading = False  # whether character data is still the w:t's own (it stops at a child)
        self.chars = 0

    def start(self, tag: str, attrib) -> None:
        """An element opens."""
        local = tag.rpartition("}")[2]
        self.reading = False  # a w:t's text is what stands before its first child
        role = 0
        if self.top:
            if local == "t":
                if self.paragraphs and self.text is None:
                    self.text, self.reading = [], True
            elif local == "p":
                role = self._paragraph()
            elif self.top == "tbl":
                if local == "tr":
                    role = self.ROW
                    self.rows.append((len(self.lines), []))
                    self._line("")  # the row's line, filled in at its end (nested rows follow it)
                elif local == "tc" and self.open[-1][0] == "tr":
                    role = self.CELL
                    self.cells.append([])
                    self.rows[-1][1].append(self.cells[-1])
        elif self.body and len(self.open) == 2:
            if local in ("p", "tbl"):
                self.top = local
            if local == "p":
                role = self._paragraph()
        elif len(self.open) == 1 and local == "body":
            self.body = True
        self.open.append((local, role))

    def _paragraph(self) -> int:
        """A paragraph opens: its text goes to it and to every cell it stands in."""
        paragraph: list[str] = []
        self.paragraphs.append(paragraph)
        for cell in self.cells:
            cell.append(paragraph)
        return self.PARAGRAPH

    def _line(self, line: str) -> None:
        """A line of the plan, within the limit of lines."""
        if len(self.lines) >= self.limits.lines:
            raise UnreadableSource(f"{self.name}: more than the {self.limits.lines} lines (paragraphs and table "
                                   f"rows) allowed")
        self.lines.append(line)

    def data(self, text: str) -> None:
        """Character data, in pieces: counted as it comes, so one huge text node is refused early too."""
        if self.reading:
            self.chars += len(text)
            if self.chars > self.limits.text_chars:
                raise UnreadableSource(f"{self.name}: more than the {self.limits.text_chars} characters of text "
                                       f"allowed")
            self.text.append(text)

    def end(self, tag: str) -> None:
        """An element closes."""
        local, role = self.open.pop()
        if role == 0:
            if local == "t" and self.text is not None:
                piece = "".join(self.text)
                for paragraph in self.paragraphs:
                    paragraph.append(piece)
                self.text, self.reading = None, False
        elif role == self.PARAGRAPH:
            paragraph = self.paragraphs.pop()
            paragraph[:] = ["".join(paragraph)]
            if len(self.open) == 2:
                self._line(paragraph[0])
        elif role == self.ROW:
            line, cells = self.rows.pop()
            self.lines[line] = "\t".join(" ".join(p[0] for p in cell).strip() for cell in cells)
        else:
            self.cells.pop()
        if len(self.open) == 2:
            self.top = ""
        elif len(self.open) == 1:
            self.body = False

    def close(self) -> list[str]:
        """The end of the part."""
        return self.lines


def read_source(path: Path, limits: ReadingLimits = ReadingLimits()) -> SourceText:
    """Read one plan file into lines; raise UnreadableSource naming the file when it is not one."""
    source = _read(path, limits)
    chars = sum(len(line) for line in source.lines)
    if chars > limits.text_chars:
        raise UnreadableSource(f"{path.name}: {chars} characters of text, more than the {limits.text_chars} allowed")
    return source


def _read(path: Path, limits: ReadingLimits) -> SourceText:
    """The lines of a plan file, by its kind."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    if size > limits.plan_bytes:
        raise UnreadableSource(f"{path.name}: {size} bytes, more than the {limits.plan_bytes} a plan file may have")
    if suffix == ".docx":
        return SourceText(path.name, tuple(read_docx(path, limits)), "docx", "Word (.docx)")
    if suffix == ".pdf":
        from .pdf import read_pdf_text  # pdfplumber loads only when a corpus has a PDF

        read = read_pdf_text(path, limits)
        how = f"PDF，OCR 识读 {len(read.ocr_pages)} 页（请核对）" if read.ocr_pages else "PDF"
        return SourceText(path.name, tuple(read.lines), "pdf", how, read.notes, read.ocr_pages)
    if suffix == ".ofd":
        from .ofd import read_ofd

        return SourceText(path.name, tuple(read_ofd(path, limits)), "ofd", "OFD")
    if suffix in OLD_WORD_SUFFIXES:
        from .convert import read_converted

        return SourceText(path.name, tuple(read_converted(path, limits)), "docx", f"LibreOffice 转换（{suffix}）")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    if max(data.count(b"\n"), data.count(b"\r")) >= limits.lines:  # counted before any line is made
        raise UnreadableSource(f"{path.name}: more than the {limits.lines} lines allowed")
    text, encoding = decode_text(data, path.name)
    return SourceText(path.name, tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), encoding,
                      f"文本（{encoding.upper()}）")


def plan_files(folder: Path) -> tuple[list[Path], list[str]]:
    """Plan files directly in `folder`, sorted by name (hidden and temporary files left out), and a
    warning for each link that leads nowhere (a loop, or a missing target)."""
    if not folder.is_dir():
        return [], []
    found, warnings = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in PLAN_SUFFIXES + OLD_WORD_SUFFIXES:
            continue
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except (OSError, RuntimeError):
                warnings.append(f"skipped {path.name}: a link that leads nowhere (a loop, or a missing file)")
                continue
        if path.is_file():
            found.append(path)
    return found, warnings


def read_corpus(folder: Path, limits: ReadingLimits = ReadingLimits()) -> tuple[list[SourceText], list[str]]:
    """Read every plan in `folder`; return the readable ones and a warning for each skipped file.

    Nothing is logged here: the caller reports the warnings once (the app's log, the CLI's stderr).
    """
    paths, warnings = plan_files(folder)
    sources = []
    for path in paths:
        try:
            sources.append(read_source(path, limits))
        except UnreadableSource as exc:
            warnings.append(f"skipped {exc}")
    return sources, warnings
