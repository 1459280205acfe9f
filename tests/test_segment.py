"""Plans into clauses: heading paths, duties against the gold tables, nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from qa.reading.duties import DutyParser
from qa.reading.knowledge import load_units
from qa.reading.segment import PAGE_MARKER, Segmenter, heading_of
from qa.reading.sources import SourceText, read_source

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PLAN = ROOT / "corpus" / "plan.txt"
SANYA = DATA / "sanya-2023-business-environment-plan.txt"


def fold(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def unit_key(name: str) -> str:
    text = fold(name).replace("“", "").replace("”", "")
    for prefix in ("锡林郭勒盟", "盟"):
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix) :]
    return text


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(DutyParser(load_units(ROOT / "corpus", [])))


def clauses_of(segmenter, path):
    return segmenter.segment(read_source(path))


def find(clauses, key):
    hits = [c for c in clauses if fold(key) in fold(c.text) and c.kind != "heading"]
    assert len(hits) == 1, f"{key!r} is in {len(hits)} clauses"
    return hits[0]


def gold(name):
    # The shipped gold table writes one key with a bare comma; read the raw key from the line.
    table = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        match = re.match(
            r"^(\w+): \{key: (.+?)(?:, lead: \[(.*?)\], cooperate: \[(.*?)\])?(?:, deadline: (.+?))?\}$", line
        )
        if match:
            table[match[1]] = {
                "key": match[2],
                "lead": [u.strip() for u in (match[3] or "").split(",") if u.strip()],
                "cooperate": [u.strip() for u in (match[4] or "").split(",") if u.strip()],
                "has_duty": match[3] is not None,
                "deadline": match[5],
            }
    return table


XILINGOL = gold("xilingol_gold.yaml")
SANYA_GOLD = yaml.safe_load((DATA / "sanya_gold.yaml").read_text(encoding="utf-8"))


def test_gold_table_has_all_task_paragraphs():
    assert sum(1 for e in XILINGOL.values() if e["has_duty"]) == 47


@pytest.mark.parametrize(
    "entry", [e for e in XILINGOL.values() if e["has_duty"]], ids=lambda e: e["key"][:12]
)
def test_xilingol_units_match_gold(segmenter, entry):
    clause = find(clauses_of(segmenter, PLAN), entry["key"])
    assert [unit_key(u) for u in clause.lead] == [unit_key(u) for u in entry["lead"]]
    assert sorted(unit_key(u) for u in clause.cooperate) == sorted(unit_key(u) for u in entry["cooperate"])


@pytest.mark.parametrize(
    "entry", [e for e in XILINGOL.values() if not e["has_duty"]], ids=lambda e: e["key"][:12]
)
def test_xilingol_paragraphs_without_duty_are_clauses(segmenter, entry):
    clause = find(clauses_of(segmenter, PLAN), entry["key"])
    assert clause.lead == () and clause.cooperate == ()


@pytest.mark.parametrize("name", sorted(SANYA_GOLD), ids=str)
def test_sanya_units_match_gold(segmenter, name):
    entry = SANYA_GOLD[name]
    clause = find(clauses_of(segmenter, SANYA), entry["key"])
    assert [fold(u) for u in clause.lead] == [fold(u) for u in entry["lead"]]
    assert [fold(u) for u in clause.cooperate] == [fold(u) for u in entry.get("cooperate") or []]
    assert fold(clause.deadline) == fold(str(entry["deadline"]))


def test_sanya_gold_covers_both_labelled_forms():
    plain = [e for e in SANYA_GOLD.values() if not e.get("cooperate")]
    labelled = [e for e in SANYA_GOLD.values() if e.get("cooperate")]
    assert len(plain) >= 8 and len(labelled) >= 15


@pytest.mark.parametrize("path", [PLAN, SANYA], ids=lambda p: p.name)
def test_every_line_is_in_exactly_one_clause(segmenter, path):
    source = read_source(path)
    clauses = segmenter.segment(source)
    owner = {}
    for clause in clauses:
        for number in range(clause.lines[0], clause.lines[1] + 1):
            assert number not in owner, f"line {number} is in {owner.get(number)} and {clause.id}"
            owner[number] = clause.id
    by_id = {c.id: c for c in clauses}
    for number, line in enumerate(source.lines, start=1):
        if not line.strip() or PAGE_MARKER.match(line):
            continue
        assert number in owner, f"line {number} is in no clause: {line[:30]}"
        assert fold(line) in fold(by_id[owner[number]].text), f"line {number} lost from its clause"


def test_wrapped_lines_are_joined(segmenter):
    clause = find(clauses_of(segmenter, SANYA), "持续优化企业开办服务")
    assert "\n" not in clause.text.split("(牵头单位")[0]
    assert "# Page" not in "".join(c.text for c in clauses_of(segmenter, SANYA))


def test_compilation_number_is_not_a_heading(segmenter):
    clauses = clauses_of(segmenter, SANYA)
    assert clauses[0].kind == "letter" and clauses[0].path == ""
    assert clauses[0].doc == "三亚市创建一流营商环境2023年实施方案"
    assert [c.path for c in clauses if c.kind == "heading"][:2] == ["一、", "二、"]


def test_heading_paths_and_titles(segmenter):
    clauses = clauses_of(segmenter, PLAN)
    easy = find(clauses, "全面实施企业简易注销登记")
    assert easy.path == "二、(一)5" and easy.title == "完善市场主体退出机制"
    assert easy.section == ("重点任务", "营造宽松便捷的市场准入环境", "完善市场主体退出机制")
    assert find(clauses, "加强网络市场监管").title == "加强网络市场监管"
    sanya = find(clauses_of(segmenter, SANYA), "持续优化企业开办服务")
    assert sanya.path == "二、(一)1(1)" and sanya.title == "持续优化企业开办服务"


def test_cover_letter_and_title(segmenter):
    clauses = clauses_of(segmenter, PLAN)
    assert clauses[0].doc == "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案"
    kinds = [(c.kind, c.title) for c in clauses[:8]]
    assert ("letter", "联系人及电话") in kinds and ("letter", "传真") in kinds and ("letter", "日期") in kinds
    assert ("title", "标题") in kinds and ("preamble", "序言") in [(c.kind, c.title) for c in clauses]


def test_ids_are_stable_and_unaffected_by_other_files(segmenter):
    first = [c.id for c in clauses_of(segmenter, PLAN)]
    again = [c.id for c in clauses_of(segmenter, PLAN)]
    assert first == again and len(set(first)) == len(first)
    assert not set(first) & {c.id for c in clauses_of(segmenter, SANYA)}


def test_duty_line_covers_paragraphs_since_the_last(segmenter):
    clauses = clauses_of(segmenter, PLAN)
    assert find(clauses, "全面实施企业简易注销登记").cooperate == find(clauses, "建立强制退出机制").cooperate


def test_heading_markers():
    assert heading_of("一、总体要求")[:2] == (1, "一、")
    assert heading_of("（二）主要目标")[:2] == (2, "(二)")
    assert heading_of("3.继续深化")[:2] == (3, "3")
    assert heading_of("（12）推进")[:2] == (4, "(12)")
    assert heading_of("①第一项")[:2] == (5, "①")
    assert heading_of("2018年5月8日") is None
    assert heading_of("12315消费者") is None


def test_full_width_plain_plan(segmenter):
    text = (
        "关于X的实施方案\n为做好工作，制定本方案。\n一、重点任务\n（一）加强监管。要加强监管工作。\n"
        "（责任单位：市工商局牵头，市财政局配合）\n（二）优化服务\n优化服务。\n〔责任单位：市商务局〕"
    )
    clauses = Segmenter(DutyParser(load_units(ROOT / "corpus", []))).segment(
        SourceText("x.txt", tuple(text.split("\n")), "utf-8")
    )
    first = [c for c in clauses if "要加强监管工作" in c.text][0]
    assert first.path == "一、(一)" and first.lead == ("市工商局",) and first.cooperate == ("市财政局",)
    second = [c for c in clauses if c.text.startswith("优化服务。")][0]
    assert second.lead == ("市商务局",)


def test_duty_table_rows_are_clauses(segmenter):
    lines = [
        "关于X的实施方案",
        "为做好工作，制定本方案。",
        "一、任务分工",
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限",
        "1\t推进一网通办改革\t县政务服务局\t县财政局、县发改局\t2024年6月底前",
        "2\t建立企业服务专员制度\t县工信局\t\t长期坚持",
    ]
    clauses = segmenter.segment(SourceText("x.txt", tuple(lines), "utf-8"))
    rows = [c for c in clauses if c.path.startswith("一、表")]
    assert [(c.path, c.title, c.lead, c.cooperate, c.deadline) for c in rows] == [
        ("一、表1", "推进一网通办改革", ("县政务服务局",), ("县财政局", "县发改局"), "2024年6月底前"),
        ("一、表2", "建立企业服务专员制度", ("县工信局",), (), "长期坚持"),
    ]


PLANS = DATA / "plans"
MORE_GOLD = [
    (plan, name, entry)
    for gold_file in sorted(PLANS.glob("*_gold.yaml"))
    for plan in [next(p for p in PLANS.iterdir() if p.stem == gold_file.stem[:-5] and p.suffix != ".yaml")]
    for name, entry in yaml.safe_load(gold_file.read_text(encoding="utf-8")).items()
    if name != "table"
]


@pytest.mark.parametrize(
    "plan, name, entry", MORE_GOLD, ids=lambda v: getattr(v, "stem", v) if not isinstance(v, dict) else ""
)
def test_other_layouts_match_gold(segmenter, plan, name, entry):
    clause = find(clauses_of(segmenter, plan), str(entry["key"]))
    assert [fold(u) for u in clause.lead] == [fold(u) for u in entry.get("lead") or []]
    assert sorted(fold(u) for u in clause.cooperate) == sorted(fold(u) for u in entry.get("cooperate") or [])
    assert fold(clause.deadline) == fold(str(entry.get("deadline") or ""))


def test_docx_duty_table_matches_gold(segmenter):
    plan = PLANS / "city-digital-plan.docx"
    rows = yaml.safe_load((PLANS / "city-digital-plan_gold.yaml").read_text(encoding="utf-8"))["table"]
    clauses = clauses_of(segmenter, plan)
    for row in rows:
        clause = find(clauses, row["key"])
        assert [fold(u) for u in clause.lead] == [fold(u) for u in row["lead"]]
        assert [fold(u) for u in clause.cooperate] == [fold(u) for u in row.get("cooperate") or []]
        assert fold(clause.deadline) == fold(str(row.get("deadline") or ""))


@pytest.mark.parametrize(
    "path", sorted(p for p in PLANS.iterdir() if not p.name.endswith(".yaml")), ids=lambda p: p.name
)
def test_other_layouts_lose_no_line(segmenter, path):
    source = read_source(path)
    clauses = segmenter.segment(source)
    spans = sorted(c.lines for c in clauses)
    covered = {n for a, b in spans for n in range(a, b + 1)}
    assert sum(b - a + 1 for a, b in spans) == len(covered)
    text = fold("".join(c.text for c in clauses))
    for number, line in enumerate(source.lines, start=1):
        if line.strip() and not PAGE_MARKER.match(line):
            assert number in covered and fold(line) in text
