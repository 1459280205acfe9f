"""Plans into clauses: heading paths, duties against the gold tables, nothing lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from qa.reading.duties import DutyParser
from qa.reading.knowledge import load_units
from qa.reading.segment import PAGE_MARKER, Segmenter
from qa.reading.structure import heading_of
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
    # the item's title standing alone opens its first paragraph's text too
    second = [c for c in clauses if c.kind == "paragraph" and "优化服务。" in c.text][0]
    assert second.text.startswith("（二）优化服务\n")
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


# -- real plans' layouts (PDF-extracted text: wrapped lines, page markers) -------------------------------
def segment_text(segmenter: Segmenter, text: str, name: str = "x.txt") -> list:
    """Clauses of a plan given as text (one source line a line)."""
    return segmenter.segment(SourceText(name, tuple(text.strip("\n").split("\n")), "utf-8"))


def duty(clause) -> tuple[list[str], list[str]]:
    """A clause's lead and cooperating units, as lists."""
    return list(clause.lead), list(clause.cooperate)


COVER = """2.
某某省人民政府办公厅关于印发某某省优化营商环境工作方案的通知
某政办发〔2023〕4 号
各市人民政府，省直各部门：
现将《某某省优化营商环境工作方案》印发给你们，请认真贯彻执行。
某某省人民政府办公厅
2023 年2 月9 日
某某省优化营商环境工作方案

# Page 2:
"""


def test_several_blocks_in_one_item_are_parts_of_it(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、降低准入成本
（一）全面实施市场准入负面清单管理。严格落实“全国一张清单”管理要求，推动清单事项全部实现网上
办理。
（省发展改革委、省商务厅牵头负责，省
直相关部门配合）研究制定市场准入效能评估指标体系。
（省发展改革委牵头负责）严格执行国家跨境服务贸易负面清单。（省商务厅牵头负责）
（二）着力优化工业产品管理制度。加强工业产品行政许可监管。（省市场监管局牵头负责）
""",
    )
    item = next(c for c in clauses if c.path == "一、(一)")
    assert item.kind == "heading" and item.text == "（一）全面实施市场准入负面清单管理。"
    parts = [c for c in clauses if c.parent == item.id]
    assert [c.path for c in parts] == ["一、(一)之1", "一、(一)之2", "一、(一)之3"]
    assert [c.id for c in parts] == [f"{item.id}-{n}" for n in (1, 2, 3)]
    assert {c.title for c in parts} == {"全面实施市场准入负面清单管理"}  # each finds the others as related
    assert duty(find(clauses, "严格落实“全国一张清单”管理要求")) == (
        ["省发展改革委", "省商务厅"],
        ["省直相关部门"],
    )
    assert duty(find(clauses, "研究制定市场准入效能评估指标体系")) == (["省发展改革委"], [])
    assert duty(find(clauses, "严格执行国家跨境服务贸易负面清单")) == (["省商务厅"], [])
    single = find(clauses, "加强工业产品行政许可监管")
    assert single.path == "一、(二)" and duty(single) == (["省市场监管局"], [])


def test_articles_with_two_parentheses_under_a_first_listed_convention(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """第一条完善施工许可承诺制。可向建设主管部门申请施工许可。（责任单位：审批处、科技处，排名第一位的为
牵头责任单位，下同）
第二条加快资料数字化。完善施工图全过程管理系统。（责任单位：科技处、城建档案馆）。推进工程质量
检测管理应用场景上线。（责任单位：建筑业处、质安监总站）
""",
    )
    assert duty(find(clauses, "可向建设主管部门申请施工许可")) == (["审批处"], ["科技处"])
    first = find(clauses, "完善施工图全过程管理系统")
    second = find(clauses, "检测管理应用场景上线")
    assert (first.path, second.path) == ("第二条之1", "第二条之2")
    assert duty(first) == (["科技处"], ["城建档案馆"]) and duty(second) == (["建筑业处"], ["质安监总站"])


def test_label_lines_after_the_task_across_a_page_break(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、深化简政放权
（一）推进审批制度改革。
1. 加快完善行政许可事项清单制度，坚决防止清单之外违法实施行政许可，持续推进行政许可标准化、规范
化、便利化。
牵头单位：市政务服务和公共资源交易中心

# Page 3:
责任单位：
各区人民政府，市财政局、市水务局等
市级各有关部门
完成时限：2023 年6 月底前
2. 提升重大项目投资审批效率。
依托推进有效投资重要项目协调机制，加强部门协同。
推行函告审核制度，最大程度压缩办理时限。
牵头单位：市发改委
完成时限：2023 年12 月底前并长期坚持
""",
    )
    first = find(clauses, "加快完善行政许可事项清单制度")
    assert duty(first) == (
        ["市政务服务和公共资源交易中心"],
        ["各区人民政府", "市财政局", "市水务局", "市级各有关部门"],
    )
    assert first.deadline == "2023年6月底前" and "# Page" not in first.text
    second = find(clauses, "提升重大项目投资审批效率")  # its title line alone: a PDF's line break
    assert second is find(clauses, "推行函告审核制度") and duty(second) == (["市发改委"], [])
    assert second.deadline == "2023年12月底前并长期坚持"


def test_a_lead_on_a_heading_applies_to_the_measures_under_it(segmenter):
    clauses = segment_text(
        segmenter,
        """4. 某某省人民政府办公厅关于印发创优营商环境举措的通知
某政办秘〔2023〕11 号
各市、县人民政府：
现将《创优营商环境举措》印发给你们。
一、强化闭环管理。各地要结合实际细化分工、压实责任，原则上2023 年9 月底前完成。
二、推进营商环境整体优化。推进相关法规规章和规范性文件立改废纂。
某某省人民政府办公厅
2023 年3 月16 日
创优营商环境举措（2023 版）
一、获得电力领域（省能源局、省电力公司牵头）
持续推进电力报装简审批、降成本，达到全国先进水平。
1．落实电网投资界面延伸到建筑区划红线要求，对符合条件的高压普通用户，逐步取消设计审查。
2．
全面落实低压小微企业电力接入工程审批告知承诺制。

# Page 2:
二、办理破产领域（省高院牵头）
3．推进破产案件繁简分流，完善破产管理人选任制度，提升办理破产质效。
""",
    )
    assert duty(find(clauses, "逐步取消设计审查")) == (["省能源局", "省电力公司"], [])
    assert duty(find(clauses, "全面落实低压小微企业电力接入")) == (["省能源局", "省电力公司"], [])
    assert duty(find(clauses, "推进破产案件繁简分流")) == (["省高院"], [])
    assert duty(find(clauses, "持续推进电力报装简审批")) == ([], [])  # the domain's introduction: no measure
    notice = [c for c in clauses if "强化闭环管理" in c.text or "推进营商环境整体优化" in c.text]
    assert {c.kind for c in notice} == {"letter"}  # the cover notice's own 一、二、 are not tasks
    assert next(c for c in clauses if c.kind == "title").text == "创优营商环境举措（2023 版）"


def test_parent_items_and_their_sub_measures_are_each_tasks(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、深化改革创新
（一）继续把培育壮大市场主体作为深化改革的重要着力点，依法平等保护各类市场主体产权和合法权益。
（市行政审批服务局、市市场监管局等市级相关部门及各区县按职责分工负责）
具体举措：
1. 落实好《促进个体工商户发展条例》，抓紧制定完善配套措施。（市市场监管局牵头，市级相关部门及各区县按
职责分工负责）
2. 持续清理招投标领域各类隐性门槛。
（市公共资源交易办公室牵头，市级相关部门及各区县按职责分工负责）
""",
    )
    parent = find(clauses, "继续把培育壮大市场主体")
    assert duty(parent) == ([], ["市行政审批服务局", "市市场监管局", "市级相关部门", "各区县"])  # no lead
    assert duty(find(clauses, "抓紧制定完善配套措施")) == (["市市场监管局"], ["市级相关部门", "各区县"])
    assert duty(find(clauses, "持续清理招投标领域")) == (["市公共资源交易办公室"], ["市级相关部门", "各区县"])
    lead_in = next(c for c in clauses if c.text == "具体举措：")
    assert lead_in.kind == "heading" and not lead_in.lead  # no task of its own


def test_bare_brackets_follow_the_convention_the_plan_states(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、大力开展营商环境提升行动
（一）激发市场主体活力。落实减费降税优惠政策，拓宽市场主体融资渠道。〔市政府办公室，市发展改革委、市财
政局等市级有关部门（单位）。逗号前为牵头单位，以下工作均涉及各县（区）政府，不再一一列出〕
（二）营造公平竞争的市场环境。完善常态化监管机制。〔市市场监管局、市司法局等市级有关部门（单位）〕
（三）
推进线上线下融合。推出高频应用“掌上办”。
〔市政务服务和资源交易中心，市级有关部门（单位）〕
""",
    )
    assert duty(find(clauses, "拓宽市场主体融资渠道")) == (
        ["市政府办公室"],
        ["市发展改革委", "市财政局", "市级有关部门(单位)"],
    )
    # the first bracket's "以下工作均涉及各县（区）政府，不再一一列出" is a convention too: read into every later task
    assert duty(find(clauses, "完善常态化监管机制")) == (
        ["市市场监管局", "市司法局", "市级有关部门(单位)"],
        ["各县(区)政府"],
    )
    third = find(clauses, "推出高频应用“掌上办”")
    assert third.path == "一、(三)" and duty(third) == (
        ["市政务服务和资源交易中心"],
        ["市级有关部门(单位)", "各县(区)政府"],
    )


def test_units_a_remark_says_take_part_below_are_read_into_each_later_task(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、重点任务
（一）优化登记。推行全程网办。（市市场监管局牵头，市直相关单位按职责分工负责。各县市区人民政府、某某经开区管委会
均为责任单位，以下不再列出）
（二）便利纳税。推行非接触式办税。（市税务局牵头）
（三）提升信用。完善信用修复。（责任单位：市发展改革委、市人民银行）
（四）保障措施。加强组织领导。
""",
    )
    assert duty(find(clauses, "推行全程网办")) == (
        ["市市场监管局"],
        ["市直相关单位", "各县市区人民政府", "某某经开区管委会"],
    )
    # beside a lead the block marks, the units named once take part
    assert duty(find(clauses, "推行非接触式办税")) == (["市税务局"], ["各县市区人民政府", "某某经开区管委会"])
    # in a list that marks no role, they are of the list: they lead with it
    assert duty(find(clauses, "完善信用修复")) == (
        ["市发展改革委", "市人民银行", "各县市区人民政府", "某某经开区管委会"],
        [],
    )
    # a task with no units of its own gets none
    assert duty(find(clauses, "加强组织领导")) == ([], [])


def test_the_plans_own_division_of_work_gives_the_units(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、共建国际金融枢纽
（一）加快推动金融产业高质量发展。壮大现有法人金融机构。（省发展改革委、财政厅、地方金融监管局，人民银
行广州分行，各地级以上市政府负责）（市分工方案：市发展改革委、财政局，各区政府负责）
（二）深入实施金融市场互联互通。扩大“债券通”业务。
""",
    )
    assert duty(find(clauses, "壮大现有法人金融机构")) == (["市发展改革委", "市财政局", "各区政府"], [])


def test_wrapped_labels_unit_names_and_lone_punctuation_are_joined(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、主要任务
（一）优化服务。推进住房公积金业务“跨省通办”，实现更多服务事项网上办理(牵
头单位：市住房城乡建
设委；配合单位：市财政局
)
（二）加强监管。开展专项整治行动，规范市场秩序（责任单
位：市市场监管局）
。
""",
    )
    first = find(clauses, "跨省通办")
    assert duty(first) == (["市住房城乡建设委"], ["市财政局"])
    second = find(clauses, "开展专项整治行动")
    assert duty(second) == (["市市场监管局"], []) and second.text.endswith("）。")


def test_a_label_value_cut_inside_a_units_name_runs_on(segmenter):
    """"…市房地产市场和产权交易管理 / 中心。完成时限：…": the next line opens with the name's ending, closed by
    punctuation; the name and the deadline are the task's, not a clause "中心" of their own."""
    clauses = segment_text(
        segmenter,
        COVER
        + """一、主要任务
1．全面实施存量房带押过户。推动带押过户工作全面实施。
牵头单位：
市资源规划局。
责任单位：
市住房保障局、
市房地产市场和产权交易管理
中心。完成时限：2023 年6 月。
2．推进联合验收。完善联合验收预约机制。
牵头单位：市城建局。完成时限：2023 年6 月。
""",
    )
    first = find(clauses, "带押过户")
    assert duty(first) == (["市资源规划局"], ["市住房保障局", "市房地产市场和产权交易管理中心"])
    assert first.deadline == "2023年6月" and not [c for c in clauses if c.title == "中心"]


def test_compilation_number_and_a_task_number_before_digits(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、主要任务
（一）完善价格机制。
71. 2022 年3 月前阶段性调整价格补贴联动机制，进一步扩大保障范围。
牵头单位：市发改委
""",
    )
    assert clauses[0].kind == "letter" and clauses[0].text == "2." and clauses[0].path == ""
    task = find(clauses, "阶段性调整价格补贴联动机制")
    assert task.path == "一、(一)71" and duty(task) == (["市发改委"], [])


def test_a_block_opening_a_line_closes_the_sentences_before_it(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、优化涉企服务
（一）全面提升线上线下服务能力。
围绕构建市场主体全生命周期服务体系，推行企业开办注销集成化办理。
（省市场监管局牵头负责，省审批服务管理局配合）按照“一件事一次办”标准，加强不动产登记集成办理。
（省自然资源厅牵头负责）
""",
    )
    assert duty(find(clauses, "推行企业开办注销集成化办理")) == (["省市场监管局"], ["省审批服务管理局"])
    assert duty(find(clauses, "加强不动产登记集成办理")) == (["省自然资源厅"], [])


def test_a_table_whose_header_words_came_out_one_a_line_is_read_the_same(segmenter):
    text = (PLANS / "county-task-table-pdf-text.txt").read_text(encoding="utf-8")
    split = text.replace("序号 重点任务 主要内容 牵头部门 责任单位", "序号\n重点任务\n主要内容\n牵头部门\n责任单位")
    assert split.count("\n牵头部门\n") >= 2  # on each page
    rows = [c for c in segment_text(segmenter, split) if "表" in c.path]
    whole = [c for c in clauses_of(segmenter, PLANS / "county-task-table-pdf-text.txt") if "表" in c.path]
    assert [(c.path, duty(c)) for c in rows] == [(c.path, duty(c)) for c in whole]
    assert len(rows) == 15


def test_a_task_table_copied_out_of_a_pdf_is_read_row_by_row(segmenter):
    path = PLANS / "county-task-table-pdf-text.txt"
    clauses = clauses_of(segmenter, path)
    rows = [c for c in clauses if "表" in c.path]
    assert [c.path for c in rows] == [f"二、表{n}" for n in range(1, 16)]
    assert not any("序号" in c.text for c in rows)  # the header repeated on each page is read once
    broken = rows[12]  # row 13: its content cell broken by a page break
    assert "不予处罚清单，涉企行政检查" in "".join(broken.text.split())
    assert broken.title == "涉企执法" and duty(broken) == (
        ["县司法局"],
        ["县市场监管局", "县应急管理局", "县生态环境分局"],
    )
    assert [duty(rows[n]) for n in (3, 6, 11)] == [
        (["国网松岭县供电公司"], []),
        (["县税务局"], []),
        (["县政务服务中心"], []),
    ]


def test_a_headings_lead_leads_the_tasks_under_it_whose_blocks_name_none(segmenter):
    """The contract: a 牵头单位 on a section heading leads every task under it that has no lead of its own, and
    then that task's 责任单位/配合单位 take part; a task naming its own 牵头 keeps it."""
    clauses = segment_text(
        segmenter,
        COVER
        + """一、优化政务服务
（一）优化企业开办（牵头单位：市市场监管局）
1.推行一网通办。（责任单位：市税务局、市公安局）
2.压缩开办时间。
（二）提升审批效率（市行政审批局牵头，相关部门配合）
3.推进并联审批。（市住建局、市自然资源局配合）
4.推行告知承诺。（市发改委负责）
5.推行容缺受理。（市政务办牵头，市财政局配合）
""",
    )
    assert duty(find(clauses, "推行一网通办")) == (["市市场监管局"], ["市税务局", "市公安局"])
    assert duty(find(clauses, "压缩开办时间")) == (["市市场监管局"], [])
    assert duty(find(clauses, "推进并联审批")) == (["市行政审批局"], ["市住建局", "市自然资源局"])
    assert duty(find(clauses, "推行告知承诺")) == (["市行政审批局"], ["市发改委"])
    assert duty(find(clauses, "推行容缺受理")) == (["市政务办"], ["市财政局"])


def test_a_block_after_the_last_item_of_a_section_none_of_whose_items_names_units_closes_it(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、深化改革
（一）深化行政许可改革
5.全面落实行政许可事项清单管理，
切实做好贯彻实施。
6.进一步加大告知承诺制改革力度，
切实做好贯彻实施。
7.扎实做好行政备案改革各项工作。
〔市行政审批局牵头，市有关部门及各县（市、区）政府按职责分工负责〕
（二）规范政府采购
8.严格落实国家和省有关文件要求。（市财政局负责）
9.实现全流程在线办理。
""",
    )
    for key in ("全面落实行政许可事项清单管理", "进一步加大告知承诺制改革力度", "扎实做好行政备案改革"):
        assert duty(find(clauses, key)) == (["市行政审批局"], ["市有关部门", "各县(市、区)政府"])
    assert duty(find(clauses, "实现全流程在线办理")) == ([], [])  # its own section's block is the item before's


def test_a_duty_stated_once_in_a_tasks_sentence_is_read(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、强化服务
1.完善企业服务机制。在市级工作部门，由市工信局、市中小企业服务局牵头负责，市各有关部门配合。
2.推进系统完善。涉及审批系统的，由市政务服务数据管理局牵头负责；涉及审图系统的，由市住房城乡建设局牵头负责。
3.规范解释工作。本办法由总局负责解释。
""",
    )
    assert duty(find(clauses, "完善企业服务机制")) == (["市工信局", "市中小企业服务局"], ["市各有关部门"])
    assert duty(find(clauses, "推进系统完善")) == ([], [])  # two leads for two parts: not the task's
    assert duty(find(clauses, "规范解释工作")) == ([], [])


def test_a_unit_charged_in_its_articles_opening_sentence_leads_it_and_two_charged_units_lead_nothing(segmenter):
    """The rules and 办法 of a compilation charge a unit in the sentence itself ("第五条 省发改委负责…", "由省…局负责统筹
    组织…"): one such duty at the paragraph's opening is its lead; several, or one deep in a procedure, are not."""
    clauses = segment_text(
        segmenter,
        COVER
        + """一、职责分工
第五条 市大数据中心负责市电子证照系统的建设管理，负责与国家、省级电子证照系统开展证照共享和调用。
第六条 省发改委负责指导和协调推行代建制工作。省财政厅负责代建项目建设资金的预算管理和资金拨付。
第七条 加强组织领导。由省行政审批政务信息管理局负责统筹组织、协调推进全省工作。
第八条 建立台账。以“揭榜挂帅”形式由各县（市、区）认领负责实施。
第九条 优化接入服务。优化“水电气网+”一窗受理服务模式，统一市工程建设项目审批管理系统的市政公用服务报装申报渠道，实现报装“零材料、零跑动”，涉及占用城市道路的，由市政公用服务单位负责申报。
""",
    )
    assert duty(find(clauses, "市电子证照系统的建设管理")) == (["市大数据中心"], [])
    assert duty(find(clauses, "指导和协调推行代建制")) == ([], [])  # each unit its own part: the article's is none
    assert duty(find(clauses, "协调推进全省工作")) == (["省行政审批政务信息管理局"], [])
    assert duty(find(clauses, "揭榜挂帅")) == ([], [])  # 各县（市、区）认领 is no unit
    assert duty(find(clauses, "一窗受理服务模式")) == ([], [])  # a step deep in the task, not its lead


def test_a_letters_sentence_broken_before_its_verb_is_no_signature():
    from qa.reading.structure import letter_part

    assert letter_part("已经省人民政府") == "来函正文"  # 《…工作方案》已经省人民政府 / 同意，现印发给你们
    assert letter_part("山西省人民政府办公厅") == "发文单位"
    assert letter_part("经济和信息化委员会") == "发文单位"


def test_a_signature_wrapped_before_its_ending_is_one_signature_and_a_seal_note_is_no_part_of_its_name():
    """"省城市功能品质提升与工程建设项目审批 / 制度改革部门联席会议办公室（代章）": one body signing; an attachment's
    line or a sentence before a signature is none of it."""
    from qa.reading.structure import letter_part, letter_parts, signature

    assert letter_parts(["请结合实际抓好落实。", "省城市功能品质提升与工程建设项目审批", "制度改革部门联席会议办公室（代章）",
                         "2023 年6 月14 日"]) == ["来函正文", "", "发文单位", "日期"]
    assert signature("省城市功能品质提升与工程建设项目审批\n制度改革部门联席会议办公室（代章）") == (
        "省城市功能品质提升与工程建设项目审批制度改革部门联席会议办公室")
    assert letter_parts(["市推进政府职能转变和“放管服”改革", "协调领导小组办公室（代章）"]) == ["", "发文单位"]
    assert letter_parts(["附件：汕尾市深化工程建设项目审批分类改革实施方案", "汕尾市住房和城乡建设局"]) == ["来函正文", "发文单位"]
    assert letter_parts(["中共延安市委", "延安市人民政府"]) == ["发文单位", "发文单位"]  # two bodies, each whole
    assert letter_parts(["请认真贯彻执行", "省人民政府办公厅"]) == ["来函正文", "发文单位"]
    assert letter_part("工作领导小组办公室（代章）") == "发文单位"
    assert letter_part("（盖章）") == "附注"  # a seal's note alone
    # a short line of the letter before a signature of its own is no first line of it
    assert letter_parts(["全市优化营商环境工作", "三亚市人民政府办公室"]) == ["来函正文", "发文单位"]
    assert letter_parts(["推进城市更新", "三亚市人民政府办公室"]) == ["来函正文", "发文单位"]


def test_paragraphs_under_a_title_standing_alone_each_take_the_block_that_closes_them(segmenter):
    # most items here put their title on a line of its own: each body paragraph is a clause of its own (as the
    # shipped plan's gold counts them), and one block below two paragraphs closes both
    clauses = segment_text(
        segmenter,
        COVER
        + """二、主要任务
（一）持续推进平台整合。
1.坚持应进必进原则要求。
拓展交易平台覆盖范围，逐步扩大到各类公共资源。
加快将农村集体产权整合纳入统一平台。
（自治区发展改革委、财政厅等按职责分工负责）
2.坚持创新配置方式。对于林权、水权，健全出让规则。（自治区自然资源厅等按职责分工负责）
3.坚持充分利用现有资源。
坚持平台能不新设就不新设。（自治区机关事务管理局负责）
各级交易中心要加强政策研究。（自治区公共资源交易中心负责）
""",
    )
    assert find(clauses, "拓展交易平台覆盖范围").title == "坚持应进必进原则要求"
    # the title standing alone opens the first paragraph's text (asked by it, the cited clause holds it); the
    # title keeps its heading clause, and the second paragraph is as written
    assert find(clauses, "拓展交易平台覆盖范围").text.startswith("1.坚持应进必进原则要求。\n")
    assert find(clauses, "加快将农村集体产权").text.startswith("加快将农村集体产权")
    assert any(c.kind == "heading" and c.text == "1.坚持应进必进原则要求。" for c in clauses)
    for key in ("拓展交易平台覆盖范围", "加快将农村集体产权"):
        assert duty(find(clauses, key)) == ([], ["自治区发展改革委", "自治区财政厅"])  # 等…按职责分工负责: no lead
    assert duty(find(clauses, "能不新设就不新设")) == (["自治区机关事务管理局"], [])
    assert duty(find(clauses, "加强政策研究")) == (["自治区公共资源交易中心"], [])


def test_top_level_tasks_titled_on_their_own_line_with_a_square_bracketed_label(segmenter):
    # a city's task list: each 一、 item is a task, its title on a line of its own, its label in full-width square
    # brackets ("［牵头单位：市税务局、市中级法院］"); the title opens its first paragraph's text as an item's does
    clauses = segment_text(
        segmenter,
        COVER
        + """十六、建立破产企业涉税问题司法协作机制
为解决破产案件中各项涉税问题，市税务局联合
市中级法院，建立司法协作机制。［牵头单位：市税务局、市中级法院］
十七、创新推行“永电租赁”
在“临电共享”的基础上实行“以租代建”。［牵头单位：江门供电局］
附件：工作任务清单（略）
""",
    )
    assert duty(find(clauses, "为解决破产案件中")) == (["市税务局", "市中级法院"], [])
    assert duty(find(clauses, "临电共享")) == (["江门供电局"], [])
    assert find(clauses, "临电共享").text.startswith("十七、创新推行“永电租赁”\n")
    assert any(c.kind == "heading" and c.text == "十七、创新推行“永电租赁”" for c in clauses)
    # the attachments' note after the last task is none of its text: the document's own (kind appendix)
    note = find(clauses, "附件：工作任务清单")
    assert note.kind == "appendix" and note.title == "附件" and not note.units and not note.path


def test_a_bracket_naming_a_unit_with_its_contact_person_and_number_names_the_unit(segmenter):
    # "（括号中为牵头负责部门、人员、电话…）": each measure closes with its unit, the person and the number; neither the
    # person nor the number is a unit
    clauses = segment_text(
        segmenter,
        COVER
        + """一、加强知识产权公共服务
8.推进知识产权公共服务体系建设。支持服务机构向县级园区延伸。（公共服务处，王鸿雁，63916867）建设知识产权大数据公共服务平台，开发推广专利检索系统。（公共服务处，艾娜，029-63916865）推进商标品牌指导站建设。（规划协调处，63916891）
""",
    )
    assert duty(find(clauses, "推进商标品牌指导站建设")) == (["规划协调处"], [])  # the number alone, no person
    assert duty(find(clauses, "支持服务机构向县级园区延伸")) == (["公共服务处"], [])
    assert duty(find(clauses, "建设知识产权大数据公共服务平台")) == (["公共服务处"], [])


def test_a_title_as_long_as_a_full_line_that_the_letter_quotes_ends_before_the_text(segmenter):
    # the title fills a whole wrapped line and the preamble starts on the next: the letter quotes the title, so it
    # stands alone, and the letter is read as a letter (its number, its signer)
    text = """8. 上海市工程建设项目审批制度改革工作领导小组关于印发
《关于深化系统集成推动上海市工程建设领域营商环境一体化
改革的实施意见》的通知（2023 年3 月27 日）
沪建审改〔2023〕1 号
各相关单位：
《关于深化系统集成推动上海市工程建设领域营商环境一体化改革的实施意见》已经
市领导同意，现转发给你们，请认真按照执行。
上海市工程建设项目审批制度改革工作领导小组
2023 年3 月27 日
关于深化系统集成推动上海市工程建设领域营商环境一体化改革的实施意见
为持续优化工程建设领域营商环境，
进一步提升工程建设项目审批效能，
做好世界银行
营商环境新评估体系测评工作，现结合工程建设领域实际，就进一步深化改革提出以下意见：
一、指导思想
"""
    clauses = segment_text(segmenter, text)
    title = next(c for c in clauses if c.kind == "title")
    assert title.text == "关于深化系统集成推动上海市工程建设领域营商环境一体化改革的实施意见"
    assert any(c.kind == "letter" and c.title == "文号" for c in clauses)
    assert any(c.kind == "preamble" and c.text.startswith("为持续优化") for c in clauses)


def test_a_label_value_runs_on_into_a_line_holding_only_its_last_names_bracket(segmenter):
    clauses = segment_text(
        segmenter,
        COVER
        + """一、重点任务
（十四）持续规范中介服务。依法查处中介机构强制服务收费等行为。
牵头单位：市发展改革委
责任单位：
各区县人民政府，
市市场监管局、政务服务和公共资源交易中心等有关部门
（单位）
完成时限：2023 年12 月30 日
（十五）健全惠企政策精准直达机制。保障惠企政策落实到位。
""",
    )
    task = find(clauses, "依法查处中介机构强制服务收费")
    # a name of 13 characters still takes the list's prefix (市政务服务和公共资源交易中心)
    assert duty(task) == (
        ["市发展改革委"],
        ["各区县人民政府", "市市场监管局", "市政务服务和公共资源交易中心", "有关部门(单位)"],
    )
    assert task.deadline.startswith("2023")


def test_a_unit_standing_as_the_label_of_its_duties_does_them(segmenter):
    """A section dividing the work by unit ("地区营商局：" / its duties, or on one line): each unit does its own
    paragraph; an addressee list opening with 各 is no such label (大兴安岭's 职责分工, 广东's and 上海's)."""
    clauses = segment_text(
        segmenter,
        COVER
        + """一、工作目标
实现水电气热讯联合报装。
二、职责分工
地区住建局：
负责对供水供气供热供电企业开展业务指导，
组织相关人员开展业务培训。
地区营商局：
拟定联办服务规范，在政务服务大厅设置水电气热讯联办窗口，督促企业做好办事指南、收费标准等公示，为企业、群众提供优质服
务。
软件公司：负责政务服务审批平台流程编制，确保运行正常。
三、工作要求
坚持以人民为中心：把群众满意作为工作标准。
市发展改革委：张三，联系电话12345678。
各业务相关部门要明确职责分工，加强协调配合。
""",
    )
    assert duty(find(clauses, "开展业务指导")) == (["地区住建局"], [])
    window = find(clauses, "设置水电气热讯联办窗口")
    assert duty(window) == (["地区营商局"], []) and "软件公司" not in window.text
    assert duty(find(clauses, "流程编制")) == (["软件公司"], [])
    assert duty(find(clauses, "加强协调配合")) == ([], [])
    # a heading's gloss and a contact line open with no verb of doing: no unit's duties
    assert duty(find(clauses, "把群众满意作为工作标准")) == ([], [])
    assert duty(find(clauses, "联系电话12345678")) == ([], [])


def test_every_body_signing_a_joint_letter_is_its_issuer():
    """Seven bodies signed one a line above the date (浙江省知识产权局等7部门): the first is no sentence's end."""
    from qa.reading.layout import paragraphs

    lines = ("2. 浙江省知识产权局等7 部门印发《关于推进专利公开实施的指导意见》的通知（2023",
             "年6 月27 日）", "浙知〔2023〕12 号", "各市、县（市、区）市场监管（知识产权）局、发展改革委（局）：",
             "为深入贯彻落实《浙江省知识产权保护和促进条例》，规范开展专利公开实施工作，加快专利转化运用，",
             "现将《关于推进专利公开实施的指导意见》予以印发，请结合实际，认真贯彻执行，全力推动落实。",
             "省知识产权局", "省发展改革委", "省科技厅", "2023 年6 月27 日", "关于推进专利公开实施的指导意见",
             "一、总体要求", "（一）加快专利转化运用。推动高质量发展。")
    texts = [p.text for p in paragraphs(SourceText("x.txt", lines, "utf-8"))]
    assert {"省知识产权局", "省发展改革委", "省科技厅"} <= set(texts)
