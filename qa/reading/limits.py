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
    docx_unpacked_bytes: int = 100 * MB  # all parts of a .docx once unpacked
    zip_ratio: int = 200  # unpacked ÷ packed size of one .docx part; text compresses ~10×, a bomb 1000×
    docx_tags: int = 4_000_000  # XML tags in a .docx's document.xml: Word writes about one per character
    pdf_pages: int = 500
    pdf_stream_bytes: int = 32 * MB  # one PDF stream once decoded; a whole embedded CJK font runs to ~20 MB
    pdf_decoded_bytes: int = 128 * MB  # all of a PDF's streams once decoded; a 500-page plan needs a few MB
    yaml_bytes: int = 1 * MB  # units.yaml, terms.yaml, corrections: a few KB in practice
    yaml_aliases: int = 20  # YAML aliases used (*x, <<: *x): staff files need none; a bomb needs dozens

    def __post_init__(self):
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"reading limit {name} must be a positive integer, got {value!r}")
