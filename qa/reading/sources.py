"""Reading plan files: .txt in UTF-8 (with or without BOM) or GB18030/GBK, .docx, and .pdf."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

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


def read_docx(path: Path) -> list[str]:
    """Paragraph texts of a .docx, tables included, in document order."""
    import docx  # python-docx; imported here so .txt-only use does not pay for it

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


def read_source(path: Path) -> SourceText:
    """Read one plan file into lines; raise UnreadableSource naming the file when it is not one."""
    suffix = path.suffix.lower()
    if suffix in OLD_WORD_SUFFIXES:
        raise UnreadableSource(f"{path.name}: a {suffix} file cannot be read; open it in Word or WPS and save it as .docx")
    if suffix == ".docx":
        return SourceText(path.name, tuple(read_docx(path)), "docx")
    if suffix == ".pdf":
        from .pdf import read_pdf  # pdfplumber loads only when a corpus has a PDF

        return SourceText(path.name, tuple(read_pdf(path)), "pdf")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    text, encoding = decode_text(data, path.name)
    return SourceText(path.name, tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), encoding)


def plan_files(folder: Path) -> list[Path]:
    """Plan files directly in `folder`, sorted by name (hidden and temporary files left out)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in PLAN_SUFFIXES + OLD_WORD_SUFFIXES
        and not p.name.startswith((".", "~$"))
    )


def read_corpus(folder: Path) -> tuple[list[SourceText], list[str]]:
    """Read every plan in `folder`; return the readable ones and a warning for each skipped file."""
    sources, warnings = [], []
    for path in plan_files(folder):
        try:
            sources.append(read_source(path))
        except UnreadableSource as exc:
            message = f"skipped {exc}"
            log.warning(message)
            warnings.append(message)
    return sources, warnings
