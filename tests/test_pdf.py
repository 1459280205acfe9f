"""PDF plans: the same clauses and units as their .docx twin; running headers and page numbers dropped;
a table continued over a page; a scan with no text even by OCR, and a .doc that is no Word file, skipped with a
warning that says why (OCR: tests/test_ocr.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from segmenting import comparable
import yaml

from pdf_maker import write_pdf, write_scanned_pdf
from qa.evaluate import score_gold
from qa.reading.pdf import read_pdf
from qa.reading.sources import UnreadableSource, read_corpus, read_source

PLANS = Path(__file__).resolve().parent / "data" / "plans"
ROOT = Path(__file__).resolve().parent.parent
TWIN = PLANS / "city-digital-plan.docx"


@pytest.fixture(scope="module")
def twin_pdf(tmp_path_factory):
    """city-digital-plan.docx written again as a PDF (wrapped lines, a ruled table over pages)."""
    path = tmp_path_factory.mktemp("pdf") / "city-digital-plan.pdf"
    return write_pdf(list(read_source(TWIN).lines), path, column_widths=[30, 230, 110, 110])


def test_pdf_gives_the_same_clauses_and_units_as_its_docx_twin(segmenter, twin_pdf):
    from_docx = segmenter.segment(read_source(TWIN))
    from_pdf = segmenter.segment(read_source(twin_pdf))
    assert comparable(from_pdf) == comparable(from_docx)


def test_pdf_twin_matches_the_gold(segmenter, twin_pdf):
    gold = yaml.safe_load((PLANS / "city-digital-plan_gold.yaml").read_text(encoding="utf-8"))
    report = score_gold(segmenter.segment(read_source(twin_pdf)), gold)
    assert report.rate == 1.0, report.lines(verbose=True)


def test_running_header_and_page_numbers_are_dropped(twin_pdf):
    lines = read_pdf(twin_pdf)
    assert sum(line.startswith("# Page") for line in lines) >= 2
    assert not any("人民政府办公室文件" in line or line.startswith("- ") for line in lines)


def test_table_header_repeated_on_each_page_is_read_once(twin_pdf):
    rows = [line for line in read_pdf(twin_pdf) if "\t" in line]
    assert len(rows) == len(set(rows)) and sum("牵头" in r and "序号" in r for r in rows) == 1


def test_a_row_broken_by_a_page_break_is_joined(tmp_path):
    task = "推进“一网通办”，" + "进一步压缩企业开办时间，实现全程网上办理，" * 6
    lines = ["某某县深化改革实施方案", "一、重点任务"] + ["。" * 30] * 33 + [
        "序号\t重点任务\t牵头单位\t配合单位",
        f"1\t{task}\t县市场监管局\t县税务局、县公安局",
    ]
    pdf = write_pdf(lines, tmp_path / "broken.pdf", column_widths=[30, 230, 110, 110])
    rows = [line for line in read_pdf(pdf) if "\t" in line]
    assert rows[-1].split("\t") == ["1", "".join(task.split()), "县市场监管局", "县税务局、县公安局"]


def test_scanned_pdf_with_nothing_to_read_is_skipped_with_a_warning_that_says_ocr(tmp_path):
    write_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UnreadableSource, match="OCR"):
        read_source(tmp_path / "scan.pdf")


@pytest.mark.parametrize("name", ["old.doc", "wps-plan.wps"])
def test_a_doc_or_wps_that_is_no_word_file_is_skipped_with_a_warning(tmp_path, name):
    """(.doc and .wps plans are converted by LibreOffice: tests/test_convert.py.)"""
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0 not a docx")
    sources, warnings = read_corpus(tmp_path)
    assert sources == [] and len(warnings) == 1 and name in warnings[0] and "not a Word or WPS document" in warnings[0]


def test_damaged_pdf_is_skipped_with_its_name(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    sources, warnings = read_corpus(tmp_path)
    assert sources == [] and "broken.pdf" in warnings[0]
