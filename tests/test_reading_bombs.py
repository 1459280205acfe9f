"""Plan files that cost far more to read than their size (issue #23, item 2), refused while they are read —
by read_source, load_corpus, `python app.py check` and the admin's upload — quickly, with little memory, and
saying why; and the admin's plan page, which reads no plan file at all.

Memory is measured as the peak RSS a step adds, in a process of its own (tests/bombs.py), so that what
pytest already holds does not hide it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bombs
from qa.reading.limits import ReadingLimits
from qa.reading.sources import UnreadableSource, read_source

ROOT = Path(__file__).resolve().parent.parent
GREW_MIB = 100  # a refused bomb may cost this much memory at most (its one stream is bounded at 32 MB)
SECONDS = 5.0  # and this long (a loaded CI machine is slow; the refusals take 0.01–0.3 s here)


def probe(*args: str | Path, timeout: float = 120) -> dict:
    """What one step of tests/bombs.py cost, run in a process of its own."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bombs.py"), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory) -> dict[str, Path]:
    """A 1 MB PDF holding a 1 GB stream, a .docx of 95 MB of digits, a PDF of 100,000 pages."""
    folder = tmp_path_factory.mktemp("bombs")
    files = {
        "pdf": folder / "flate-bomb.pdf",
        "docx": folder / "digits.docx",
        "pages": folder / "pages.pdf",
    }
    files["pdf"].write_bytes(bombs.pdf_flate_bomb(1024))
    files["docx"].write_bytes(bombs.docx_of_digits(95))
    files["pages"].write_bytes(bombs.pdf_of_many_pages(100_000))
    assert files["pdf"].stat().st_size < 1.1 * bombs.MB and files["docx"].stat().st_size < 2 * bombs.MB
    return files


def assert_cheap(cost: dict, seconds: float = SECONDS) -> None:
    """A step that added little memory and took little time."""
    assert cost["grew"] < GREW_MIB, f"peak memory grew by {cost['grew']:.0f} MiB"
    assert cost["seconds"] < seconds, f"{cost['seconds']:.1f} s"


# -- read_source -------------------------------------------------------------------------------------
def test_a_pdf_holding_a_1_gb_stream_is_refused_while_it_inflates(bomb_files):
    cost = probe("read", bomb_files["pdf"])
    assert cost["said"].startswith("refused: flate-bomb.pdf: a stream decodes to more than the 32 MB allowed")
    assert_cheap(cost)


def test_a_pdf_of_100000_pages_is_refused_before_its_pages_are_made(bomb_files):
    cost = probe("read", bomb_files["pages"])
    assert cost["said"] == "refused: pages.pdf: more than the 500 pages allowed"
    assert_cheap(cost, seconds=15)  # pdfminer parses the 16 MB file's page tree: linear, not a bomb


def test_a_page_drawing_a_million_characters_is_refused_as_they_are_laid_out(tmp_path):
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(bombs.pdf_glyph_bomb(1_000_000))  # 1 KB: it took 2 GB and 32 s
    cost = probe("read", path)
    assert cost["said"] == ("refused: glyphs.pdf: page 1 draws more than the 30000 characters and shapes a page "
                            "may (页面内容过多)")
    assert_cheap(cost)


def test_a_30_mb_string_is_refused_before_pdfminer_joins_it(tmp_path):
    path = tmp_path / "token.pdf"
    path.write_bytes(bombs.pdf_token_bomb(30))  # 30 KB: it took 90 s
    cost = probe("read", path)
    assert cost["said"] == "refused: token.pdf: holds a token longer than 1 MB (内容异常)"
    assert_cheap(cost)


def test_a_docx_of_95_mb_of_digits_is_refused_as_its_xml_streams(bomb_files):
    cost = probe("read", bomb_files["docx"])
    assert cost["said"] == "refused: digits.docx: more than the 2000000 characters of text allowed"
    assert_cheap(cost)


def test_a_pdf_under_the_limits_still_reads(tmp_path):
    path = tmp_path / "fine.pdf"
    path.write_bytes(bombs.one_page_pdf(bombs.flate_bomb(bombs.TEXT, 4), b"/Filter /FlateDecode"))
    assert read_source(path).lines[1].startswith("County plan for market supervision")


@pytest.mark.parametrize("extra", [b"/Filter /LZWDecode", b"/Filter /RunLengthDecode",
                                   b"/Filter [/ASCIIHexDecode /FlateDecode]"])
def test_streams_of_every_expanding_filter_are_bounded(tmp_path, extra):
    """LZW and run-length inflate too; a stream decoded through several filters is bounded at each."""
    import zlib

    text = bombs.TEXT + b" " * (2 * bombs.MB)
    if b"LZW" in extra:
        data = bombs.lzw(text)
    elif b"RunLength" in extra:
        data = b"".join(bytes([257 - 128]) + b" " for _ in range(len(text) // 128)) + b"\x80"
        data = bytes([len(bombs.TEXT) - 1]) + bombs.TEXT + data
    else:
        data = zlib.compress(text, 9).hex().encode() + b">"
    path = tmp_path / "filtered.pdf"
    path.write_bytes(bombs.one_page_pdf(data, extra))
    assert read_source(path).lines[1].startswith("County plan")  # within the limits: read as ever
    with pytest.raises(UnreadableSource, match="a stream decodes to more than the 1 MB allowed"):
        read_source(path, ReadingLimits(pdf_stream_bytes=bombs.MB))


def test_a_docx_of_empty_paragraphs_is_refused_at_the_limit_of_lines(tmp_path):
    path = tmp_path / "paragraphs.docx"
    path.write_bytes(bombs.docx_bytes([b"<w:p><w:r><w:t>some text</w:t></w:r></w:p>",
                                       bombs.docx_paragraphs(250_000)]))
    started = time.monotonic()
    with pytest.raises(UnreadableSource, match="more than the 200000 lines"):
        read_source(path)
    assert time.monotonic() - started < SECONDS


def test_a_docx_of_many_tags_is_refused_at_the_limit_of_tags(tmp_path):
    path = tmp_path / "runs.docx"
    path.write_bytes(bombs.docx_bytes([b"<w:p><w:r><w:t>some text</w:t></w:r>", b"<w:r/>" * 20_000, b"</w:p>"]))
    with pytest.raises(UnreadableSource, match="holds more than the 10000 XML tags allowed"):
        read_source(path, ReadingLimits(docx_tags=10_000))
    assert read_source(path).lines == ("some text",)


def test_a_text_file_of_empty_lines_is_refused_before_it_is_split(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes("某某县实施方案".encode() + b"\n" * 300_000)
    with pytest.raises(UnreadableSource, match="more than the 200000 lines allowed"):
        read_source(path)


# -- load_corpus, python app.py check, the admin's upload ----------------------------------------------
@pytest.fixture(scope="module")
def bomb_corpus(bomb_files, tmp_path_factory) -> Path:
    """A corpus of the shipped plan and both bombs."""
    folder = tmp_path_factory.mktemp("bomb-corpus") / "corpus"
    folder.mkdir()
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    for kind in ("pdf", "docx"):
        shutil.copy(bomb_files[kind], folder)
    return folder


def test_load_corpus_skips_the_bombs_with_a_warning_and_bounded_memory(bomb_corpus):
    cost = probe("corpus", bomb_corpus)
    warnings = cost["said"]
    assert any(w.startswith("skipped flate-bomb.pdf: a stream decodes to more than") for w in warnings)
    assert any(w.startswith("skipped digits.docx: more than the 2000000 characters") for w in warnings)
    assert_cheap(cost)


def check_run(folder: Path) -> tuple[int, str, float]:
    """`python app.py check --corpus folder`: its exit status, what it printed, and its peak memory (MiB)."""
    with open(folder.parent / "check.out", "w+b") as out:
        process = subprocess.Popen([sys.executable, "app.py", "check", "--corpus", str(folder)], cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return process.returncode, out.read().decode(), usage.ru_maxrss / 1024


def test_python_app_py_check_names_the_bombs_and_stays_small(bomb_corpus, tmp_path):
    plain = tmp_path / "corpus"
    plain.mkdir()
    for name in ("plan.txt", "units.yaml", "terms.yaml"):
        shutil.copy(bomb_corpus / name, plain / name)
    _, _, baseline = check_run(plain)
    started = time.monotonic()
    status, printed, peak = check_run(bomb_corpus)
    assert "(plan.txt)" in printed  # the good plan is still checked
    assert status == 1 and "2 个文件未读入" in printed  # a file not read at all is something wrong
    assert "warning: skipped flate-bomb.pdf: a stream decodes to more than the 32 MB allowed" in printed
    assert "warning: skipped digits.docx: more than the 2000000 characters of text allowed" in printed
    assert peak - baseline < GREW_MIB, f"{peak:.0f} MiB against {baseline:.0f} MiB without the bombs"
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("kind, said", [("pdf", "a stream decodes to more than the 32 MB allowed"),
                                        ("docx", "more than the 2000000 characters of text allowed")])
def test_an_uploaded_bomb_is_refused_quickly_and_says_why(bomb_files, tmp_path, kind, said):
    cost = probe("upload", bomb_files[kind], tmp_path / "site")
    result = cost["said"]
    assert result["status"] == 400 and not result["stored"]
    assert result["error"].startswith("上传失败：") and said in result["error"], result["error"]
    assert_cheap(cost)


# -- the admin's plan page reads from the loaded corpus ----------------------------------------------
def test_the_plan_page_reads_no_plan_file(tmp_path):
    """Each view of /admin/plans/<name> used to read every plan file again, outside the cache."""
    from test_admin import PASSWORD, login, make_corpus, settings

    from web import create_app
    from web.admin.auth import set_password

    corpus = make_corpus(tmp_path / "corpus")
    shutil.copy(ROOT / "tests" / "data" / "plans" / "city-digital-plan.docx", corpus)
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    client = app.test_client()
    login(client)
    opened: list[str] = []
    watching = [True]

    def audit(event: str, args: tuple) -> None:
        if watching[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(audit)  # hooks stay for the process: this one stops watching after the test
    try:
        for name in ("plan.txt", "city-digital-plan.docx"):
            page = client.get(f"/admin/plans/{name}")
            assert page.status_code == 200 and "检查结果" in page.get_data(as_text=True)
    finally:
        watching[0] = False
        app.extensions["log"].close()
    plans = [path for path in opened if Path(path).suffix in (".txt", ".docx", ".pdf")]
    assert plans == [], plans


def test_the_plan_page_shows_the_convention_read_from_the_loaded_clauses(tmp_path):
    from test_admin import PASSWORD, login, make_corpus, settings

    from web import create_app
    from web.admin.auth import set_password

    corpus = make_corpus(tmp_path / "corpus")
    shutil.copy(ROOT / "tests" / "data" / "real" / "jinhua-zhujian-ershitiao-2023.txt", corpus)
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path))
    client = app.test_client()
    login(client)
    page = client.get("/admin/plans/jinhua-zhujian-ershitiao-2023.txt").get_data(as_text=True)
    app.extensions["log"].close()
    assert "列第一位的为牵头单位" in page
