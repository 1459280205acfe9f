"""Bounds on what staff files may cost to read: a plan, a .docx's parts, a PDF, a YAML file.

A file over a limit is skipped with a warning that names it and the limit; nothing else is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadingLimits:
    """The limits, checked on construction."""

    plan_bytes: int = 20 * MB  # a plan file as stored (.txt, .docx, .pdf); real plans run to a few MB
    text_chars: int = 2_000_000  # a plan's text once read: about 1,000 pages of Chinese
    lines: int = 200_000  # a plan's lines (paragraphs, table rows) once read: some 5,000 pages
    docx_unpacked_bytes: int = 100 * MB  # all parts of a .docx once unpacked
    zip_ratio: int = 200  # unpacked ÷ packed size of one .docx part; text compresses ~10×, a bomb 1000×
    docx_tags: int = 1_000_000  # XML tags in a .docx's main part: Word writes under one per character
    pdf_pages: int = 500
    pdf_stream_bytes: int = 32 * MB  # one PDF stream once decoded; a whole embedded CJK font runs to ~20 MB
    pdf_decoded_bytes: int = 128 * MB  # all of a PDF's streams once decoded; a 500-page plan needs a few MB
    pdf_page_objects: int = 30_000  # characters and shapes one PDF page draws: a dense page has ~3,000
    pdf_objects: int = 2_000_000  # characters and shapes all pages draw: 500 dense pages draw ~1,500,000
    zip_members: int = 10_000  # files in an .ofd package: a 500-page plan has ~1,000
    ofd_part_tags: int = 200_000  # XML tags in one part of an .ofd: a page written a character at a time has ~15,000
    convert_seconds: int = 120  # LibreOffice converting one .doc/.wps: a 100-page plan takes ~10 s
    ocr_pages: int = 60  # scanned pages read by OCR in one PDF: ~5 s each on one core
    ocr_page_seconds: int = 60  # tesseract reading one scanned page
    ocr_seconds: int = 600  # tesseract reading all scanned pages of one PDF
    ocr_pixels: int = 40_000_000  # a scanned page's picture as rendered for OCR: A3 at 300 dpi is 17,000,000
    yaml_bytes: int = 1 * MB  # units.yaml, terms.yaml, corrections: a few KB in practice
    yaml_aliases: int = 20  # YAML aliases used (*x, <<: *x): staff files need none; a bomb needs dozens

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"reading limit {name} must be a positive integer, got {value!r}")
