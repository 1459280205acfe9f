"""Reading plan files: encodings, .docx, and files that are not plans."""

from __future__ import annotations

from pathlib import Path

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


def python_docx_lines(path) -> list[str]:
    """How python-docx's tree reads a .docx's body (the reading before it was streamed): the reference."""
    import docx

    lines = []
    for child in docx.Document(str(path)).element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in (r for r in child.iter() if r.tag.endswith("}tr")):
                cells = [
                    " ".join(
                        "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                        for p in cell.iter()
                        if p.tag.endswith("}p")
                    ).strip()
                    for cell in row
                    if cell.tag.endswith("}tc")
                ]
                lines.append("\t".join(cells))
    return lines


def test_streamed_docx_reads_as_python_docx_does(tmp_path):
    """Runs, hyperlinks, text boxes, content controls, nested and merged tables, spaces kept, markup escaped."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("某某县实施方案")
    paragraph = document.add_paragraph("（一）加强监管")
    paragraph.add_run("。 ").bold = True
    paragraph.add_run("（责任单位：县市场监管局牵头，县公安局配合）<&>")
    document.add_paragraph("")
    table = document.add_table(rows=3, cols=3)
    table.rows[0].cells[0].text = "序号"
    table.rows[0].cells[1].text = "任务"
    table.rows[1].cells[0].text = "1"
    table.rows[1].cells[1].add_paragraph("第二段")
    inner = table.rows[1].cells[2].add_table(rows=2, cols=2)
    inner.rows[0].cells[0].text = "县财政局"
    inner.rows[1].cells[1].text = "县税务局"
    table.rows[2].cells[0].merge(table.rows[2].cells[2]).text = "合并的单元格"
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:p {w}><w:hyperlink><w:r><w:t>链接里的字</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> 空格 </w:t>'
        f'</w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>'))
    body.insert(len(body) - 1, parse_xml(f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    body.insert(len(body) - 1, parse_xml(
        f'<w:tbl {w}><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:sdt><w:sdtContent><w:tc><w:p><w:r>'
        f'<w:t>控件里的格</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt></w:tr></w:tbl>'))
    path = tmp_path / "rich.docx"
    document.save(str(path))
    expected = python_docx_lines(path)
    assert "链接里的字 空格 文本框" in expected and "1\t第二段\t县财政局   县税务局" in expected  # the cases occur
    assert "县财政局\t" in expected and "合并的单元格" in expected and "甲" in expected
    assert list(read_source(path).lines) == expected
    shipped = Path(__file__).resolve().parent / "data" / "plans" / "city-digital-plan.docx"
    assert list(read_source(shipped).lines) == python_docx_lines(shipped)
