"""Scanned PDFs read by OCR (tesseract, chi_sim): the shipped plan printed to PDF (reportlab), rendered to pictures
at 300 dpi and put back into an image-only PDF reads to ≥ 95% of its gold tasks with the right units; the slips OCR
makes on role words and unit names are mended, and what cannot be is listed; `check` and the admin's review page
say the plan was read by OCR; without tesseract OCR is off saying what to install; a page that takes too long, too
many pages and too large a picture are refused within the limits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pdf_maker import write_pdf, write_scan_of
from qa.evaluate import score_gold
from qa.reading.corpus import load_corpus
from qa.reading.knowledge import load_units
from qa.reading.limits import ReadingLimits
from qa.reading.ocr import correct_names, fix_words, ocr_lines, ocr_missing
from qa.reading.sources import UnreadableSource, read_corpus, read_source
from test_admin import admin, site, upload  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plan.txt"
GOLD = Path(__file__).resolve().parent / "data" / "xilingol_gold.yaml"
needs_ocr = pytest.mark.skipif(bool(ocr_missing()), reason=ocr_missing() or "OCR is on")


def corpus_folder(folder: Path) -> Path:
    """A corpus folder with the shipped units.yaml and terms.yaml and no plan yet."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory) -> Path:
    """The shipped plan as a text PDF (9 pages, a running header and page numbers)."""
    return write_pdf(list(read_source(PLAN).lines), tmp_path_factory.mktemp("pdf") / "plan.pdf")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, text_pdf) -> dict:
    """The whole plan scanned, in a corpus folder of its own, loaded once (OCR takes ~5 s a page on one core) with
    its clauses kept where an app with INDEX_SNAPSHOT=<folder>/index-snapshot.json finds them."""
    if ocr_missing():
        pytest.skip(ocr_missing())
    home = tmp_path_factory.mktemp("scanned")
    corpus = corpus_folder(home / "corpus")
    write_scan_of(text_pdf, corpus / "scan.pdf", dpi=300)
    started = time.monotonic()
    loaded = load_corpus(corpus, ROOT / "corpus", cache=home / "index-snapshot.plans")
    seconds = time.monotonic() - started
    print(f"\nOCR of the 9-page scanned plan: {seconds:.1f} s")
    return {"home": home, "corpus": corpus, "loaded": loaded, "seconds": seconds}


@needs_ocr
def test_a_scanned_plan_reads_to_95_percent_of_its_tasks_with_the_right_units(scanned):
    loaded = scanned["loaded"]
    assert {c.source for c in loaded.clauses} == {"scan.pdf"}
    report = score_gold(loaded.clauses, yaml.safe_load(GOLD.read_text(encoding="utf-8")))
    assert report.rate >= 0.95, report.lines(verbose=True)
    assert any("scan.pdf: 第 1–9 页是扫描图片，已用 OCR 识读（请核对）" == w for w in loaded.warnings), loaded.warnings


@needs_ocr
def test_the_review_page_flags_the_tasks_read_by_ocr(scanned):
    from test_admin import PASSWORD, login
    from web import create_app
    from web.admin.auth import set_password

    home = scanned["home"]
    set_password(home / "instance", PASSWORD)
    started = time.monotonic()
    app = create_app({"CORPUS_DIR": str(scanned["corpus"]), "STATE_DB": str(home / "state.sqlite3"),
                      "INSTANCE_DIR": str(home / "instance"), "INDEX_SNAPSHOT": str(home / "index-snapshot.json"),
                      "TESTING": True})
    # the clauses OCR read, and the notes of that reading, come from the plan cache: no page is read again
    assert time.monotonic() - started < scanned["seconds"] / 2
    try:
        client = app.test_client()
        assert login(client).status_code == 302
        started = time.monotonic()
        page = client.get("/admin/plans/scan.pdf").get_data(as_text=True)
        assert time.monotonic() - started < 10  # the page reads no file again, OCR least of all
        assert "读取方式：PDF，部分或全部页面经 OCR 识读（请核对）" in page
        rows = page.count('<tr id="c-')
        assert rows >= 40 and page.count("OCR 识读，请核对原件") == rows  # every task of the plan
        assert "已用 OCR 识读" in page  # the reading's note among the plan's warnings
    finally:
        app.extensions["log"].close()


@needs_ocr
def test_check_says_how_many_pages_were_read_by_ocr(tmp_path, text_pdf):
    corpus = corpus_folder(tmp_path / "corpus")
    write_scan_of(text_pdf, corpus / "scan.pdf", dpi=300, pages=2)
    run = subprocess.run([sys.executable, str(ROOT / "app.py"), "check", "--corpus", str(corpus)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert "读取方式：PDF，OCR 识读 2 页（请核对）" in run.stdout, run.stdout + run.stderr
    assert "第 1–2 页是扫描图片，已用 OCR 识读（请核对）" in run.stderr


# -- mending what OCR misreads ---------------------------------------------------------------------------------

def test_role_words_and_labels_one_character_off_are_mended_where_they_stand():
    assert fix_words("(责任单位:盟工商局奉头,盟编办、盟发改委配台。)") == \
        "(责任单位:盟工商局牵头,盟编办、盟发改委配合。)"
    assert fix_words("(责仟单位:盟质监局牵头)") == "(责任单位:盟质监局牵头)"
    assert fix_words("全面推进市场监管奉头工作") == "全面推进市场监管奉头工作"  # not where a role word stands
    assert ocr_lines("质监局、 旅发委 配合\n\n  Word 2007 文件\n") == ["质监局、旅发委配合", "Word 2007文件"]


def test_unit_names_one_slip_away_are_mended_and_the_rest_listed():
    """The slips tesseract made on the scanned plan: 盟 read as 嚼 or 明, a speck read as 人, 关 read as 天."""
    directory = dict(load_units(ROOT / "corpus", []).alias_to_name)
    lines = [
        "(责任单位:盟工商局牵头,盟环保局、嚼住建局、盟商务局配合。)",
        "(责任单位:明发改委牵头,人金融办、扶贫办配合。)",
        "(责任单位:盟工商局牵头,具有行政审批权限的各有天部门配合。)",
        "(责任单位:盟工商局牵头,具有行政审批权限的各有关部门配合。)",
        "(责任单位:盟工商局牵头,具有行政审批权限的各有关部门配合。)",
        "(责任单位:盟工商局牵头,具有行政审批权的各有关部门、盟囯税局配合。)",  # both real: 权 / 权限
        "(责任单位:市发改委牵头)",  # another level's unit: never 盟发改委
        "于2018年5月10日前函告锡盟工商局。",  # prose is left alone
    ]
    mended, notes = correct_names(lines, set(range(len(lines))), directory)
    assert mended == [
        "(责任单位:盟工商局牵头,盟环保局、盟住建局、盟商务局配合。)",
        "(责任单位:盟发改委牵头,盟金融办、扶贫办配合。)",
        "(责任单位:盟工商局牵头,具有行政审批权限的各有关部门配合。)",
        lines[3], lines[4],
        "(责任单位:盟工商局牵头,具有行政审批权的各有关部门、盟国税局配合。)",
        lines[6], lines[7],
    ]
    assert notes[0].startswith("OCR 校正：嚼住建局→盟住建局，明发改委→盟发改委，人金融办→盟金融办")
    assert notes[1].startswith("OCR 读出的单位名称未能核对") and "市发改委" in notes[1]


# -- OCR off, and the limits ------------------------------------------------------------------------------------

def mixed_pdf(folder: Path, text_pdf: Path) -> Path:
    """Two text pages of the plan and then one scanned page."""
    import pypdfium2

    scan = write_scan_of(text_pdf, folder / "one-scan.pdf", dpi=150, pages=1)
    merged = pypdfium2.PdfDocument.new()
    texts, pictures = pypdfium2.PdfDocument(str(text_pdf)), pypdfium2.PdfDocument(str(scan))
    merged.import_pages(texts, [1, 2])
    merged.import_pages(pictures)
    merged.save(folder / "mixed.pdf")
    for document in (merged, texts, pictures):
        document.close()
    return folder / "mixed.pdf"


def test_without_tesseract_ocr_is_off_saying_what_to_install(tmp_path, text_pdf, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in ocr_missing()
    write_scan_of(text_pdf, tmp_path / "scan.pdf", dpi=100, pages=1)
    with pytest.raises(UnreadableSource, match="scan.pdf: 1 scanned page.*apt-get install tesseract-ocr"):
        read_source(tmp_path / "scan.pdf")
    mixed = read_source(mixed_pdf(tmp_path, text_pdf))  # its text pages are read, its scan noted
    assert len(mixed.lines) > 20 and not mixed.ocr and "未读取" in mixed.notes[0] and "tesseract" in mixed.notes[0]


@pytest.fixture()
def slow_tesseract(tmp_path, monkeypatch) -> Path:
    """A fake tesseract first on PATH: it has chi_sim, and takes ten minutes over any page (writing its pid)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "tesseract"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = --list-langs ]; then printf 'List of available languages (1):\\n"
                    f"chi_sim\\n'; exit 0; fi\necho $$ > {tmp_path / 'fake.pid'}\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def test_a_page_that_takes_too_long_is_stopped_within_the_limit(slow_tesseract, text_pdf):
    write_scan_of(text_pdf, slow_tesseract / "scan.pdf", dpi=100, pages=1)
    started = time.monotonic()
    with pytest.raises(UnreadableSource, match=r"scan.pdf: page 1: OCR took longer than the 2 s allowed for a page"):
        read_source(slow_tesseract / "scan.pdf", ReadingLimits(ocr_page_seconds=2))
    assert time.monotonic() - started < 10
    pid = int((slow_tesseract / "fake.pid").read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] == "Z"


def test_all_pages_share_one_time_limit(slow_tesseract, text_pdf):
    write_scan_of(text_pdf, slow_tesseract / "scan.pdf", dpi=100, pages=3)
    started = time.monotonic()
    with pytest.raises(UnreadableSource, match="OCR took longer than the 2 s allowed"):
        read_source(slow_tesseract / "scan.pdf", ReadingLimits(ocr_page_seconds=60, ocr_seconds=2))
    assert time.monotonic() - started < 10


def test_too_many_scanned_pages_or_too_large_a_picture_are_refused_before_any_ocr(slow_tesseract, text_pdf):
    scan = write_scan_of(text_pdf, slow_tesseract / "scan.pdf", dpi=100, pages=3)
    started = time.monotonic()
    with pytest.raises(UnreadableSource, match="3 scanned pages, more than the 2 OCR reads in one file"):
        read_source(scan, ReadingLimits(ocr_pages=2))
    with pytest.raises(UnreadableSource, match=r"page 1 holds a picture of \d+ pixels, more than the 200000"):
        read_source(scan, ReadingLimits(ocr_pixels=100_000))
    assert time.monotonic() - started < 5 and not (slow_tesseract / "fake.pid").exists()


def test_a_corpus_keeps_its_other_plans_when_a_scan_cannot_be_read(tmp_path, text_pdf, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    shutil.copy(PLAN, tmp_path / "plan.txt")
    write_scan_of(text_pdf, tmp_path / "scan.pdf", dpi=100, pages=1)
    sources, warnings = read_corpus(tmp_path)
    assert [s.name for s in sources] == ["plan.txt"] and "scan.pdf" in warnings[0] and "OCR" in warnings[0]


@needs_ocr
def test_a_scanned_pdf_upload_is_read_by_ocr_and_flagged(site, admin, text_pdf, tmp_path):  # noqa: F811
    scan = write_scan_of(text_pdf, tmp_path / "scan.pdf", dpi=300, pages=2)
    response = upload(admin, "扫描件.pdf", scan.read_bytes())
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "读取方式：PDF，部分或全部页面经 OCR 识读（请核对）" in page and "OCR 识读，请核对原件" in page


def test_an_upload_whose_ocr_takes_too_long_is_refused_not_a_500(tmp_path, slow_tesseract, text_pdf):
    from test_admin import PASSWORD, login, make_corpus, settings
    from web import create_app
    from web.admin.auth import set_password

    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path, OCR_SECONDS=2))
    try:
        client = app.test_client()
        assert login(client).status_code == 302
        started = time.monotonic()
        scan = write_scan_of(text_pdf, tmp_path / "x.pdf", dpi=100, pages=1)
        response = upload(client, "scan.pdf", scan.read_bytes())
        said = response.get_data(as_text=True)
        assert response.status_code == 400 and "上传失败" in said and "OCR took longer than the 2 s" in said
        assert time.monotonic() - started < 15 and not (tmp_path / "corpus" / "scan.pdf").exists()
    finally:
        app.extensions["log"].close()
