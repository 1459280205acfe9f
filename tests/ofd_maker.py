"""Test OFD files written from the structure GB/T 33190 gives them, as an office suite lays out a 公文: A4 pages,
a 16-pt (5.6 mm) face, 28 characters a line with each paragraph's first line indented by two, full lines
justified (DeltaX spreads the rest of the line), titles centred, a running header on a template page and the
page number "— N —" below each page. Each page's text objects are written in a shuffled order, so that a reader
must order them by position."""

from __future__ import annotations

import random
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
PAGE = (210.0, 297.0)
LEFT, TOP, WIDTH = 28.0, 37.0, 156.0
SIZE, STEP, LINES_PER_PAGE = 5.6, 10.2, 22
HEADER = "某某市人民政府办公室文件"


def advance(char: str, size: float = SIZE) -> float:
    """A character's advance: full width for Chinese, half for Latin letters, digits and ASCII punctuation."""
    return size if unicodedata.east_asian_width(char) in ("W", "F", "A") else size / 2


def wrap(text: str, first_indent: float) -> list[tuple[str, float, bool]]:
    """A paragraph's lines as (text, indent, full): full lines are justified to the right edge."""
    lines, line, used, indent = [], "", first_indent, first_indent
    for char in text:
        if used + advance(char) > WIDTH + 1e-6:
            lines.append((line, indent, True))
            line, used, indent = "", 0.0, 0.0
        line += char
        used += advance(char)
    lines.append((line, indent, False))
    return lines


def text_object(ident: int, text: str, x: float, baseline: float, width: float | None, size: float = SIZE) -> str:
    """A TextObject of one line at (x, baseline): one TextCode, its advances in DeltaX (stretched to `width`)."""
    widths = [advance(c, size) for c in text]
    if width is not None and len(text) > 1:
        extra = (width - sum(widths)) / (len(text) - 1)
        widths = [w + extra for w in widths]
    deltas = " ".join(f"{w:.3f}" for w in widths[:-1])
    box = f"{x:.3f} {baseline - size:.3f} {sum(widths):.3f} {size * 1.2:.3f}"
    return (f'<ofd:TextObject ID="{ident}" Boundary="{box}" Font="3" Size="{size}">'
            f'<ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{size:.3f}"' + (f' DeltaX="{deltas}"' if deltas else "") +
            f">{escape(text)}</ofd:TextCode></ofd:TextObject>")


def write_ofd(paragraphs: list[str], path: Path, centred: set[int] = frozenset(), seed: int = 7) -> Path:
    """An .ofd of `paragraphs` (blank ones skipped); those whose index is in `centred` are centred titles."""
    laid: list[tuple[str, float, float | None]] = []  # (text, x, justified width or None)
    for number, paragraph in enumerate(paragraphs):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if number in centred:
            width = sum(advance(c) for c in paragraph)
            laid.append((paragraph, LEFT + (WIDTH - width) / 2, None))
            continue
        for text, indent, full in wrap(paragraph, 2 * SIZE):
            laid.append((text, LEFT + indent, WIDTH - indent if full else None))
    pages = [laid[i:i + LINES_PER_PAGE] for i in range(0, len(laid), LINES_PER_PAGE)]
    shuffle = random.Random(seed)
    ident = 10
    files = {}
    for number, lines in enumerate(pages, start=1):
        objects = []
        for row, (text, x, width) in enumerate(lines):
            ident += 1
            objects.append(text_object(ident, text, x, TOP + SIZE + row * STEP, width))
        folio = f"— {number} —"
        ident += 1
        objects.append(text_object(ident, folio, LEFT + (WIDTH - sum(advance(c, 5.0) for c in folio)) / 2,
                                   PAGE[1] - 20, None, 5.0))
        shuffle.shuffle(objects)
        ident += 1
        files[f"Doc_0/Pages/Page_{number - 1}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Template TemplateID="2"/>'
            f'<ofd:Content><ofd:Layer ID="{ident}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
    ident += 1
    files["Doc_0/Tpls/Tpl_0/Content.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{ident}">'
        + text_object(ident + 1, HEADER, LEFT, 22.0, None, 4.2) + "</ofd:Layer></ofd:Content></ofd:Page>")
    page_list = "".join(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{ident + 200}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE[0]} {PAGE[1]}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>")
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="3" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>')
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f6664746573740000000000000000</ofd:DocID>"
        "<ofd:Creator>tests/ofd_maker.py</ofd:Creator><ofd:CreationDate>2024-01-31</ofd:CreationDate></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["OFD.xml", *sorted(n for n in files if n != "OFD.xml")]:
            archive.writestr(name, files[name].encode("utf-8"))
    return path
