""".doc and .wps plans, converted by LibreOffice: the shipped plan written as .doc by LibreOffice itself (from a
.docx of it) and a .wps-named copy read to the same clauses and duties as plan.txt, alone, at once in two threads,
and through `check` and the admin's upload; a converter that hangs is stopped within its limit, with the
processes it started; a missing LibreOffice, a file of the wrong type and a truncated one are refused saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from segmenting import comparable

from qa.reading.convert import read_converted
from qa.reading.limits import ReadingLimits
from qa.reading.sources import UnreadableSource, read_corpus, read_source
from test_admin import admin, ask, site, upload  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plan.txt"
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui")


@pytest.fixture(scope="module")
def word_files(tmp_path_factory) -> dict[str, Path]:
    """plan.txt as a .docx (python-docx), then as .doc written by LibreOffice from it, and that .doc named .wps
    (WPS Office writes the same Word 97 format under .wps)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed: apt-get install libreoffice-writer-nogui")
    import docx

    folder = tmp_path_factory.mktemp("word")
    document = docx.Document()
    for line in read_source(PLAN).lines:
        document.add_paragraph(line)
    document.save(folder / "plan.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(folder / "doc"), str(folder / "plan.docx")],
                   check=True, capture_output=True, timeout=180)
    doc = folder / "doc" / "plan.doc"
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real Word 97 file
    wps = folder / "doc" / "plan.wps"
    shutil.copy(doc, wps)
    return {"doc": doc, "wps": wps}


@needs_libreoffice
@pytest.mark.parametrize("kind", ["doc", "wps"])
def test_the_shipped_plan_as_doc_or_wps_reads_to_the_same_clauses_and_duties(segmenter, word_files, kind):
    from_text = segmenter.segment(read_source(PLAN))
    source = read_source(word_files[kind])
    from_word = segmenter.segment(source)
    assert source.how == f"LibreOffice 转换（.{kind}）"
    assert [(c.path, c.lead, c.cooperate) for c in from_word] == [(c.path, c.lead, c.cooperate) for c in from_text]
    assert comparable(from_word) == comparable(from_text)


@needs_libreoffice
def test_conversions_at_once_do_not_collide(word_files):
    """Each conversion has a LibreOffice profile of its own: two at once both finish."""
    results: dict[str, object] = {}

    def convert(kind: str) -> None:
        try:
            results[kind] = len(read_converted(word_files[kind]))
        except Exception as exc:  # recorded, to fail the test below with it
            results[kind] = exc

    threads = [threading.Thread(target=convert, args=(kind,)) for kind in ("doc", "wps")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    want = len([line for line in read_source(PLAN).lines])
    assert results == {"doc": want, "wps": want}


@needs_libreoffice
def test_check_says_how_the_file_was_read(tmp_path, word_files):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    shutil.copy(word_files["wps"], corpus / "plan.wps")
    run = subprocess.run([sys.executable, str(ROOT / "app.py"), "check", "--corpus", str(corpus)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert "(plan.wps)" in run.stdout and "读取方式：LibreOffice 转换（.wps）" in run.stdout, run.stdout + run.stderr


@needs_libreoffice
def test_a_doc_upload_is_converted_read_and_answered(site, admin, word_files):  # noqa: F811
    response = upload(admin, "锡盟方案.doc", word_files["doc"].read_bytes())
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "读取方式：LibreOffice 转换（.doc）" in page
    assert ask(site, "简易注销有哪些配合单位？")["found"]


# -- a converter that hangs, or none ---------------------------------------------------------------------------

@pytest.fixture()
def hanging_soffice(tmp_path, monkeypatch) -> Path:
    """A fake soffice first on PATH that starts a child and then sleeps for ten minutes (both write their pids)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 600 &\necho $! > {tmp_path / 'child.pid'}\necho $$ > {tmp_path / 'fake.pid'}\n"
                    "sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def gone(pid: int) -> bool:
    """Whether no process has this pid any longer (a zombie left for init counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    except OSError:
        return True
    return state == "Z"


def ole2_file(path: Path) -> Path:
    """A file that starts as Word 97 files do (enough to be handed to LibreOffice)."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    return path


def test_a_converter_that_hangs_is_stopped_within_the_limit_with_what_it_started(hanging_soffice):
    plan = ole2_file(hanging_soffice / "plan.doc")
    started = time.monotonic()
    with pytest.raises(UnreadableSource, match=r"plan\.doc: LibreOffice did not finish converting it within 2 s"):
        read_source(plan, ReadingLimits(convert_seconds=2))
    assert time.monotonic() - started < 10
    pids = [int((hanging_soffice / f"{who}.pid").read_text()) for who in ("fake", "child")]
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(gone(pid) for pid in pids)


def test_an_upload_whose_converter_hangs_is_refused_not_a_500(tmp_path, hanging_soffice):
    from test_admin import PASSWORD, login, make_corpus, settings
    from web import create_app
    from web.admin.auth import set_password

    make_corpus(tmp_path / "corpus")
    set_password(tmp_path / "instance", PASSWORD)
    app = create_app(settings(tmp_path, CONVERT_SECONDS=2))
    client = app.test_client()
    assert login(client).status_code == 302
    started = time.monotonic()
    response = upload(client, "plan2.doc", ole2_file(tmp_path / "x.doc").read_bytes())
    assert response.status_code == 400 and time.monotonic() - started < 15
    said = response.get_data(as_text=True)
    assert "上传失败" in said and "within 2 s" in said
    assert not (tmp_path / "corpus" / "plan2.doc").exists()
    app.extensions["log"].close()


def test_without_libreoffice_the_file_is_skipped_saying_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    ole2_file(tmp_path / "plan.doc")
    shutil.copy(PLAN, tmp_path / "plan.txt")
    sources, warnings = read_corpus(tmp_path)
    assert [s.name for s in sources] == ["plan.txt"]
    assert len(warnings) == 1 and "plan.doc" in warnings[0]
    assert "apt-get install libreoffice-writer-nogui" in warnings[0]


def test_without_libreoffice_the_upload_says_what_to_install(site, admin, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    response = upload(admin, "plan2.wps", ole2_file(tmp_path / "x.wps").read_bytes())
    said = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "需要在服务器上安装 LibreOffice" in said and "libreoffice-writer-nogui" in said


@pytest.mark.parametrize("content, said", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not a Word or WPS document"),
    ("一、总体要求\n（一）加强监管。".encode(), "not a Word or WPS document"),
    (b"", "not a Word or WPS document"),
])
def test_a_file_of_another_type_is_refused_before_any_conversion(tmp_path, content, said, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # nothing is converted: no LibreOffice is needed
    (tmp_path / "plan.doc").write_bytes(content)
    with pytest.raises(UnreadableSource, match=said):
        read_source(tmp_path / "plan.doc")


@needs_libreoffice
def test_a_truncated_doc_is_refused_saying_so(tmp_path, word_files):
    data = word_files["doc"].read_bytes()
    (tmp_path / "cut.doc").write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableSource, match="cut.doc: LibreOffice could not convert it"):
        read_source(tmp_path / "cut.doc")
