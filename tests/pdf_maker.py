"""Test PDFs made with reportlab (an independent writer): a plan's lines as paragraphs and ruled tables,
with a running header and page numbers as real plans have; and a scanned plan (a picture of text)."""

from __future__ import annotations

from pathlib import Path

HEADER = "某某市人民政府办公室文件"


def write_pdf(lines: list[str], path: Path, header: str = HEADER, column_widths: list[float] | None = None) -> Path:
    """A PDF of `lines`: a tab-separated run of lines is one ruled table, every other line a paragraph."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a CID font: no font file needed
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    flow, rows = [], []

    def flush():
        if rows:
            width = max(len(r) for r in rows)
            cells = [[Paragraph(c, style) for c in r + [""] * (width - len(r))] for r in rows]
            table = Table(cells, colWidths=column_widths, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            flow.append(table)
            rows.clear()

    for line in lines:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            flow.append(Paragraph(line, style))
    flush()

    def furniture(canvas, doc):
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, header)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    SimpleDocTemplate(str(path), pagesize=A4).build(flow, onFirstPage=furniture, onLaterPages=furniture)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only a picture (as a scanner makes): no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 120), outline="black")
    image.save(path, "PDF")
    return path


def write_scan_of(pdf: Path, path: Path, dpi: int = 300, pages: int | None = None) -> Path:
    """An image-only PDF made from `pdf` as a scanner makes one: each page rendered to a greyscale picture at
    `dpi` (pdfium), the pictures put into a PDF of their own (Pillow); no text layer is left."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    images = []
    try:
        for number in range(min(len(document), pages or len(document))):
            page = document[number]
            images.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            page.close()
    finally:
        document.close()
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return path
