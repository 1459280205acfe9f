"""Reading plan files: .txt in UTF-8 (with or without BOM) or GB18030/GBK, .docx, and .pdf."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .limits import ReadingLimits

PLAN_SUFFIXES = (".txt", ".docx", ".pdf")
# Word formats python-docx cannot read: staff get a warning that says what to do.
OLD_WORD_SUFFIXES = (".doc", ".wps")


@dataclass(frozen=True)
class SourceText:
    """A plan file read into lines (1-based numbering is the index + 1)."""

    name: str
    lines: tuple[str, ...]
    encoding: str


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
    """Paragraph texts of a .docx, tables included, in document order."""
    import docx  # python-docx; imported here so .txt-only use does not pay for it

    check_zip(path, limits)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableSource(f"{path.name}: not a readable .docx ({exc})") from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on corrupt parts
        raise UnreadableSource(f"{path.name}: not a readable .docx ({type(exc).__name__})") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        " ".join(
                            "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                            for p in cell.iter()
                            if p.tag.endswith("}p")
                        ).strip()
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append("\t".join(cells))  # tab-separated: the segmenter reads duty tables
    if not any(line.strip() for line in lines):
        raise UnreadableSource(f"{path.name}: the document has no text")
    return lines


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
    if suffix in OLD_WORD_SUFFIXES:
        raise UnreadableSource(f"{path.name}: a {suffix} file cannot be read; open it in Word or WPS and save it as .docx")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    if size > limits.plan_bytes:
        raise UnreadableSource(f"{path.name}: {size} bytes, more than the {limits.plan_bytes} a plan file may have")
    if suffix == ".docx":
        return SourceText(path.name, tuple(read_docx(path, limits)), "docx")
    if suffix == ".pdf":
        from .pdf import read_pdf  # pdfplumber loads only when a corpus has a PDF

        return SourceText(path.name, tuple(read_pdf(path, limits.pdf_pages)), "pdf")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    text, encoding = decode_text(data, path.name)
    return SourceText(path.name, tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), encoding)


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
