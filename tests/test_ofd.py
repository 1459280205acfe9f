"""OFD plans (GB/T 33190): the shipped plan saved as .ofd (written here from the standard's structure, laid out as a
公文 is) reads to the same clauses and duties as plan.txt; `check` says it was read as OFD; hostile packages
(zip bombs, a part of millions of tags, too many files, truncated, wrong type, entity bombs) are refused quickly,
with little memory, saying why."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from segmenting import comparable

from ofd_maker import HEADER, NS, write_ofd
from qa.reading.limits import ReadingLimits
from qa.reading.ofd import read_ofd
from qa.reading.sources import UnreadableSource, read_corpus, read_source
from test_admin import admin, ask, site, upload  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plan.txt"
SECONDS = 5.0  # a hostile file is refused within this (0.01–0.5 s here; CI machines are slower)


@pytest.fixture(scope="module")
def plan_ofd(tmp_path_factory) -> Path:
    """plan.txt as an .ofd: 28 characters a line, first lines indented, its two title lines centred."""
    lines = list(read_source(PLAN).lines)
    titles = {i for i, line in enumerate(lines) if line.startswith(("锡林郭勒盟贯彻落实", "《“十三五”市场监管规划》"))}
    assert len(titles) == 2
    return write_ofd(lines, tmp_path_factory.mktemp("ofd") / "plan.ofd", centred=titles)


def test_the_shipped_plan_as_ofd_reads_to_the_same_clauses_and_duties(segmenter, plan_ofd):
    from_text = segmenter.segment(read_source(PLAN))
    source = read_source(plan_ofd)
    from_ofd = segmenter.segment(source)
    assert source.how == "OFD"
    assert [(c.path, c.lead, c.cooperate) for c in from_ofd] == [(c.path, c.lead, c.cooperate) for c in from_text]
    assert comparable(from_ofd) == comparable(from_text)


def test_wrapped_lines_are_joined_and_page_furniture_dropped(plan_ofd):
    paragraphs = read_ofd(plan_ofd)
    assert paragraphs == [line.strip() for line in read_source(PLAN).lines if line.strip()]
    assert not any(HEADER in p or p.startswith("—") for p in paragraphs)  # the template's header, page numbers


def test_text_is_ordered_by_position_not_by_the_order_it_is_written(tmp_path):
    """Each character its own TextObject, written bottom-up and right to left: read top-down, left to right."""
    objects, ident = [], 10
    for row, line in enumerate(["一、总体要求", "（一）加强食品安全监管。（责任单位：县市场监管局牵头）"]):
        for column, char in enumerate(line):
            ident += 1
            objects.append(f'<ofd:TextObject ID="{ident}" Boundary="{20 + 5 * column} {30 + 10 * row} 5 6" Size="5">'
                           f'<ofd:TextCode X="0" Y="5">{char}</ofd:TextCode></ofd:TextObject>')
    path = package(tmp_path / "order.ofd", {"Doc_0/Pages/Page_0/Content.xml": page("".join(reversed(objects)))})
    assert read_ofd(path) == ["一、总体要求", "（一）加强食品安全监管。（责任单位：县市场监管局牵头）"]


def test_check_says_the_file_was_read_as_ofd(tmp_path, plan_ofd):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    shutil.copy(plan_ofd, corpus / "plan.ofd")
    run = subprocess.run([sys.executable, str(ROOT / "app.py"), "check", "--corpus", str(corpus)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert "(plan.ofd)" in run.stdout and "读取方式：OFD" in run.stdout, run.stdout + run.stderr
    assert "skipped" not in run.stderr


# -- hostile packages ------------------------------------------------------------------------------------------

def page(objects: str) -> str:
    """A page's Content.xml holding `objects`."""
    return f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">' \
           f"{objects}</ofd:Layer></ofd:Content></ofd:Page>"


def package(path: Path, parts: dict[str, str | bytes], pages: int = 1) -> Path:
    """A minimal OFD package: OFD.xml, Document.xml naming `pages` pages, and `parts`."""
    listed = "".join(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(pages))
    files = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>'
                              f"0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
                              f"<ofd:Pages>{listed}</ofd:Pages></ofd:Document>",
        **parts,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


def zeros(megabytes: int) -> bytes:
    """XML that deflates a thousandfold: a comment of `megabytes` MB of spaces."""
    return b"<!--" + b" " * (megabytes << 20) + b"-->"


def hostile(kind: str, folder: Path) -> Path:
    """A hostile .ofd of one kind."""
    text = '<ofd:TextObject ID="3" Boundary="20 30 100 6" Size="5"><ofd:TextCode X="0" Y="5">正文</ofd:TextCode>' \
           "</ofd:TextObject>"
    path = folder / f"{kind}.ofd"
    if kind == "bomb":  # one part unpacking a thousand times its size
        return package(path, {"Doc_0/Pages/Page_0/Content.xml": page(text).encode() + zeros(8)})
    if kind == "tags":  # a part of 300,000 tags, within the bytes and ratio limits (each tag its own ID)
        tags = "".join(f'<a i="{n:x}"/>' for n in random.Random(1).sample(range(1 << 40), 300_000))
        return package(path, {"Doc_0/Pages/Page_0/Content.xml": page(tags)})
    if kind == "members":
        return package(path, {f"Doc_0/Res/{n}.xml": "<a/>" for n in range(10_001)})
    if kind == "pages":  # more pages than a plan has (each a small part)
        return package(path, {f"Doc_0/Pages/Page_{n}/Content.xml": page(text) for n in range(501)}, pages=501)
    if kind == "entities":  # a billion laughs in a page
        laughs = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "哈哈哈哈哈哈哈哈">'
                  '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
                  '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>')
        return package(path, {"Doc_0/Pages/Page_0/Content.xml": laughs + page(text.replace("正文", "&d;"))[38:]})
    if kind == "truncated":
        whole = package(folder / "whole.ofd", {"Doc_0/Pages/Page_0/Content.xml": page(text)})
        path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
        return path
    if kind == "pdf":  # a PDF named .ofd
        path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        return path
    if kind == "docx":  # a zip, but a Word document
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        return path
    if kind == "empty":
        path.write_bytes(b"")
        return path
    raise ValueError(kind)


REFUSALS = {
    "bomb": "疑为压缩炸弹",
    "tags": "XML tags",
    "members": "more than the 10000",
    "pages": "more than the 500",
    "entities": "not a readable .ofd",
    "truncated": "not a readable .ofd",
    "pdf": "not a readable .ofd",
    "docx": "no OFD.xml",
    "empty": "not a readable .ofd",
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_hostile_ofd_is_refused_quickly_saying_why(tmp_path, kind):
    path = hostile(kind, tmp_path)
    started = time.perf_counter()
    with pytest.raises(UnreadableSource) as refused:
        read_source(path)
    assert time.perf_counter() - started < SECONDS
    assert path.name in str(refused.value) and REFUSALS[kind] in str(refused.value), str(refused.value)


def test_a_tag_bomb_costs_little_memory(tmp_path):
    """A part of 300,000 tags is refused while it is counted, before any tree is built (~70 MB for these)."""
    path = hostile("tags", tmp_path)
    script = ("import json, resource, sys; sys.path.insert(0, '.');"
              "from pathlib import Path; from qa.reading.sources import read_source, UnreadableSource\n"
              "import ofdkit, qa.reading.ofd\n"
              "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "try: read_source(Path(sys.argv[1]))\nexcept UnreadableSource as exc: said = str(exc)\n"
              "print(json.dumps({'grew': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, "
              "'said': said}))")
    run = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert "XML tags" in measured["said"] and measured["grew"] < 50, measured


def test_a_corpus_with_a_hostile_ofd_still_loads_its_other_plans(tmp_path):
    shutil.copy(PLAN, tmp_path / "plan.txt")
    hostile("bomb", tmp_path)
    sources, warnings = read_corpus(tmp_path)
    assert [s.name for s in sources] == ["plan.txt"] and any("bomb.ofd" in w for w in warnings)


def test_limits_are_the_readers_own(tmp_path, plan_ofd):
    with pytest.raises(UnreadableSource, match="more than the 3 allowed"):
        read_ofd(plan_ofd, ReadingLimits(pdf_pages=3))
    with pytest.raises(UnreadableSource, match="unpack to .* more than the 10000 allowed"):
        read_ofd(plan_ofd, ReadingLimits(docx_unpacked_bytes=10_000))
    with pytest.raises(UnreadableSource, match="XML tags one part may"):
        read_ofd(plan_ofd, ReadingLimits(ofd_part_tags=100))


# -- the admin's upload -----------------------------------------------------------------------------------------

def test_an_ofd_upload_is_read_checked_and_answered(site, admin, plan_ofd):  # noqa: F811
    response = upload(admin, "锡盟方案.ofd", plan_ofd.read_bytes())
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert "读取方式：OFD" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert ask(site, "简易注销有哪些配合单位？")["found"]


@pytest.mark.parametrize("kind, said", [("bomb", "疑为压缩炸弹"), ("tags", "XML tags"), ("truncated", "已损坏"),
                                        ("docx", "没有 OFD 入口文件"), ("pdf", "内容却是PDF"),
                                        ("entities", "not a readable")])
def test_a_hostile_ofd_upload_is_refused_not_a_500(site, admin, tmp_path, kind, said):  # noqa: F811
    response = upload(admin, f"{kind}.ofd", hostile(kind, tmp_path).read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "上传失败" in page and said in page, page[page.find("上传失败"):][:300]
    assert not (tmp_path / "corpus" / f"{kind}.ofd").exists()
