"""Reading plan files: encodings, .docx, and files that are not plans."""

from __future__ import annotations

import pytest

from qa.reading.sources import UnreadableSource, decode_text, read_corpus, read_source

TEXT = "关于做好工作的实施方案\n一、总体要求\n（一）加强监管。内容。（责任单位：县工商局）\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_text_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(TEXT.encode(encoding))
    source = read_source(path)
    assert source.lines[0] == "关于做好工作的实施方案"
    assert source.encoding == ("utf-8" if encoding.startswith("utf") else "gb18030")


def test_crlf_line_ends(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert read_source(path).lines[1] == "一、总体要求"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02PK\x00", "binary"),
        (bytes(range(128, 256)) * 4, "GB18030"),
    ],
)
def test_bad_text_is_refused_with_its_name(data, reason):
    with pytest.raises(UnreadableSource, match=reason):
        decode_text(data, "bad.txt")


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某某县实施方案")
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "任务"
    table.rows[0].cells[1].text = "县财政局"
    path = tmp_path / "plan.docx"
    document.save(str(path))
    lines = read_source(path).lines
    assert lines[:2] == ("某某县实施方案", "一、重点任务") and "任务\t县财政局" in lines


def test_corpus_skips_corrupt_files_and_names_them(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "binary.txt").write_bytes(b"\x00" * 100)
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    sources, warnings = read_corpus(tmp_path)  # the caller logs them, once (test_attacks.py)
    assert [s.name for s in sources] == ["good.txt"]
    assert len(warnings) == 3
    for name in ("empty.txt", "broken.docx", "binary.txt"):
        assert any(name in w for w in warnings)


def test_missing_folder_is_empty(tmp_path):
    assert read_corpus(tmp_path / "nowhere") == ([], [])
