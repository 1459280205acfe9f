"""Responsibility blocks in every form plans write them."""

from __future__ import annotations

import pytest

from qa.reading.blocks import find_duty_blocks
from qa.reading.duties import Duty, DutyParser, clean_deadline, detect_convention
from qa.reading.units import UnitDirectory

PARSER = DutyParser(UnitDirectory({"盟食药局": ["盟食药"]}))


@pytest.mark.parametrize(
    "block, lead, cooperate",
    [
        (
            "(责任单位:盟工商局牵头,盟编办、盟发改委、行署法制办配合。)",
            ["盟工商局"],
            ["盟编办", "盟发改委", "盟行署法制办"],
        ),
        ("(责任单位:盟工商局)", ["盟工商局"], []),
        ("(责任单位:盟发改委、盟工商局负责。)", ["盟发改委", "盟工商局"], []),
        ("(责任单位:盟食药局,盟食药安委成员单位按职责分工负责)", ["盟食药局"], ["盟食药安委成员单位"]),
        ("(责任单位:盟食药牵头,盟食药安委成员单位按职责分工负责)", ["盟食药局"], ["盟食药安委成员单位"]),
        ("(责任单位:各旗县市(区)政府负责)", ["各旗县市(区)政府"], []),
        ("(责任单位:盟工商局牵头,发改委、科技局配合。)", ["盟工商局"], ["盟发改委", "盟科技局"]),
        (
            "(牵头单位:市市场监督管理局;配合单位:市各相关单位;完成时限:2023 年11 月)",
            ["市市场监督管理局"],
            ["市各相关单位"],
        ),
        ("（牵头单位：县商务局；责任单位：县财政局、县税务局）", ["县商务局"], ["县财政局", "县税务局"]),
        ("〔责任单位：县应急局〕", ["县应急局"], []),
        (
            "(责任单位:县农业局、县水利局、县林业局,列第一位者为牵头单位)",
            ["县农业局"],
            ["县水利局", "县林业局"],
        ),
        ("(责任单位:县教育局、县卫健局分别牵头,各乡镇配合)", ["县教育局", "县卫健局"], ["各乡镇"]),
        ("(责任单位:市自然资源局、工信局)", ["市自然资源局", "市工信局"], []),
        (
            "(牵头单位:市发改委;配合单位:市交通局、市水务局等行业主管部门)",
            ["市发改委"],
            ["市交通局", "市水务局", "行业主管部门"],
        ),
        (
            "(牵头单位:市商务局;配合单位:三亚海关、崖州湾科技城管理局)",
            ["市商务局"],
            ["三亚海关", "崖州湾科技城管理局"],
        ),
        ("责任单位：旗农牧局、旗财政局", ["旗农牧局", "旗财政局"], []),
        # 等 closes one list that shares 按职责分工负责: none of it leads (beside the comma-first reading above)
        (
            "（责任单位：各地级以上市人民政府，省商务厅、省地方金融监管局等按职责分工负责）",
            [],
            ["各地级以上市人民政府", "省商务厅", "省地方金融监管局"],
        ),
        (
            "（自治区发展改革委、财政厅，中国铁路南宁局集团有限公司等和各设区市整合牵头部门按职责分工负责）",
            [],
            ["自治区发展改革委", "自治区财政厅", "中国铁路南宁局集团有限公司", "各设区市整合牵头部门"],
        ),
        # a role word the endings list: 结合实际贯彻落实 (as 落实, taking part)
        ("〔自治区大数据发展局等按职责分工负责，各市人民政府结合实际贯彻落实〕", [], ["自治区大数据发展局", "各市人民政府"]),
    ],
)
def test_forms(block, lead, cooperate):
    duty = PARSER.parse(block, places=("三亚",))
    assert list(duty.lead) == lead
    assert list(duty.cooperate) == cooperate


def test_deadline_is_read_and_cleaned():
    duty = PARSER.parse("(牵头单位:市财政局;配合单位:市各相关单位;完成时限:(2023 年6 月)")
    assert duty.deadline == "2023年6月"
    assert clean_deadline(" 2024年6月底前。") == "2024年6月底前"


def test_prefix_not_given_to_names_with_a_place():
    duty = PARSER.parse("(牵头单位:市交通运输局;配合单位:市水务局、三亚供电局)", places=("三亚",))
    assert duty.cooperate == ("市水务局", "三亚供电局")


def test_blocks_are_found_with_nested_brackets():
    text = "加强基层建设。推动资源下沉。(责任单位:各旗县市(区)政府负责)"
    ((start, end),) = find_duty_blocks(text)
    assert text[start:end] == "(责任单位:各旗县市(区)政府负责)"
    assert find_duty_blocks("没有责任单位的段落。") == []


def test_unclosed_block_runs_to_the_end():
    text = "正文。(牵头单位:市财政局;配合"
    assert find_duty_blocks(text) == [(3, len(text))]


def test_parser_checks_its_argument():
    with pytest.raises(ValueError, match="UnitDirectory"):
        DutyParser({"盟工商局": []})


def test_empty_block():
    assert PARSER.parse("(责任单位:)") == Duty(source="(责任单位:)")


@pytest.mark.parametrize(
    "text, lead, cooperate",
    [
        (
            "加快发展。（市发展改革委牵头，市财政局、市商务局按职责分工负责）",
            ["市发展改革委"],
            ["市财政局", "市商务局"],
        ),
        ("推进改革。(市商务局负责)", ["市商务局"], []),
    ],
)
def test_unlabelled_closing_block(text, lead, cooperate):
    ((start, end),) = find_duty_blocks(text)
    duty = PARSER.parse(text[start:end])
    assert (list(duty.lead), list(duty.cooperate)) == (lead, cooperate)


@pytest.mark.parametrize(
    "text", ["建立机制(由企业自主负责)。", "落实“谁审批、谁监管”(国发〔2017〕6号)", "(此件主动公开)"]
)
def test_brackets_that_are_not_duties(text):
    assert find_duty_blocks(text) == []


# Real lines, quoted from the plans in tests/data/real/ (wrapped lines joined), and the units they give.
REAL = DutyParser(UnitDirectory())


@pytest.mark.parametrize(
    "block, lead, cooperate",
    [
        # a unit with no role word of its own takes the role of the next role word
        ("（市商务局牵头，市财政局，市税务局配合）", ["市商务局"], ["市财政局", "市税务局"]),
        # yanan: three roles, 落实 cooperates
        (
            "（市工信局牵头，市委统战部、市工商联配合，各成员单位、各县（市、区）落实）",
            ["市工信局"],
            ["市委统战部", "市工商联", "各成员单位", "各县(市、区)"],
        ),
        (
            "（市工信局、市财政局、市市场监管局、市发改委、市中院牵头并按职责分工负责，各县(市、区)落实）",
            ["市工信局", "市财政局", "市市场监管局", "市发改委", "市中院"],
            ["各县(市、区)"],
        ),
        (
            "（市工信局牵头，延安大学、市委组织部按职责分工落实）",
            ["市工信局"],
            ["延安大学", "市委组织部"],
        ),
        (
            "（市委宣传部、市商务局、市工信局按职责分工负责，各县（市、区）落实）",  # no lead (the contract)
            [],
            ["市委宣传部", "市商务局", "市工信局", "各县(市、区)"],
        ),
        (
            "（市工信局牵头，市财政局、市发改委、市政府督查室等配合，各县（市、区）落实）",
            ["市工信局"],
            ["市财政局", "市发改委", "市政府督查室", "各县(市、区)"],
        ),
        # tongchuan: 按职责分工负责 beside a 牵头 unit cooperates, and alone names no lead; 及 joins two groups
        (
            "（市市场监管局牵头，市级相关部门及各区县按职责分工负责）",
            ["市市场监管局"],
            ["市级相关部门", "各区县"],
        ),
        (
            "（人行铜川市中心支行牵头，市金融办、铜川银保监分局负责）",
            ["人行铜川市中心支行"],
            ["市金融办", "铜川银保监分局"],
        ),
        (
            "（市商务局、市交通运输局等市级相关部门和单位及各区县按职责分工负责）",
            [],
            ["市商务局", "市交通运输局", "市级相关部门和单位", "各区县"],
        ),
        # the compilation (issue #20): role groups cut at ；, a prefix word carried, deadlines beside units,
        # remarks about the tasks below, 按照职能负责, 等单位, units joined by 及, a bracket of units alone
        (
            "（自治区市场监管局牵头；自治区公安厅、商务厅等按职责分工负责）",
            ["自治区市场监管局"],
            ["自治区公安厅", "自治区商务厅"],
        ),
        ("（登记指导处负责，完成时限：2023 年底前）", ["登记指导处"], []),
        ("（市行政审批局牵头，市公安局配合完成，2023 年10 月底前完成）", ["市行政审批局"], ["市公安局"]),
        (
            "〔责任单位：省市场监管局、省财政厅，各市、县（市、区）人民政府，以下政策均需市、县（市、区）人民政府"
            "落实，不再单独列出〕",
            ["省市场监管局", "省财政厅", "各市", "县(市、区)人民政府"],
            [],
        ),
        (
            "（省司法厅牵头，中省直各相关部门及各市、县级政府按职责分工负责）",
            ["省司法厅"],
            ["中省直各相关部门", "各市", "县级政府"],
        ),
        ("（市审改办、人行莆田市中支、住建局等单位配合）", [], ["市审改办", "人行莆田市中支", "市住建局"]),
        ("（市自然资源局、市林业局等部门按照职能负责）", [], ["市自然资源局", "市林业局"]),
        ("（市经信委会同市服务企业联席会议成员单位、各区政府）", ["市经信委"], ["市服务企业联席会议成员单位", "各区政府"]),
        ("（国际合作处）", ["国际合作处"], []),
        (
            "牵头单位：市发改委、工信局；责任单位：市政府办公室，各县（区）人民政府、开发区（投资区）管委会各级各部门"
            "要认真贯彻落实省委、省政府决策部署，按照市委、市政府工作要求，加强组织实施",
            ["市发改委", "市工信局"],
            ["市政府办公室", "各县(区)人民政府"],
        ),
        ("（省公安厅、人民银行长沙中心支行等单位按职责分别牵头负责）", ["省公安厅", "人民银行长沙中心支行"], []),
        (
            "（省政务局牵头，省直相关单位按职责分工负责。各市州、县市区人民政府均为责任单位，以下不再列出）",
            ["省政务局"],
            ["省直相关单位", "各市州", "县市区人民政府"],
        ),
        ("（牵头单位：省发改委；目标位置：全省前5）", ["省发改委"], []),
        ("牵头单位：市生态环境局。责任单位：市政府有关部门。整改时限：持续推进。", ["市生态环境局"], ["市政府有关部门"]),
        # shanxi
        ("（省发展改革委牵头负责）", ["省发展改革委"], []),
        (
            "（省审批服务管理局牵头负责，各市人民政府、省直相关部门配合）",
            ["省审批服务管理局"],
            ["各市人民政府", "省直相关部门"],
        ),
        ("（省市场监管局、省审批服务管理局按职责分工负责）", [], ["省市场监管局", "省审批服务管理局"]),
        ("（各市人民政府、省直相关部门牵头负责）", ["各市人民政府", "省直相关部门"], []),
        ("（各市人民政府、省直相关部门负责）", ["各市人民政府", "省直相关部门"], []),
        (
            "（省地方金融监管局、省财政厅牵头负责，山西证监局等相关部门配合）",
            ["省地方金融监管局", "省财政厅"],
            ["山西证监局", "相关部门"],
        ),
        (
            "（省工信厅、省小企业局等相关部门和各市人民政府按职责分工负责）",
            [],
            ["省工信厅", "省小企业局", "相关部门", "各市人民政府"],
        ),
        (
            "（省市场监管局、省住建厅、省应急厅、省消防救援总队按照职责分工负责）",
            [],
            ["省市场监管局", "省住建厅", "省应急厅", "省消防救援总队"],
        ),
        # guangzhou: no 牵头 anywhere → all lead; the prefix carried; own names and places kept
        (
            "（市地方金融监管局，人民银行广州分行、广东银保监局、广东证监局负责）",
            ["市地方金融监管局", "人民银行广州分行", "广东银保监局", "广东证监局"],
            [],
        ),
        (
            "（市地方金融监管局、大湾区办、生态环境局，人民银行广州分行，南沙区政府负责）",
            ["市地方金融监管局", "市大湾区办", "市生态环境局", "人民银行广州分行", "南沙区政府"],
            [],
        ),
        (
            "（市地方金融监管局、发展改革委、工业和信息化局、各产业链牵头部门，各区政府负责）",
            ["市地方金融监管局", "市发展改革委", "市工业和信息化局", "各产业链牵头部门", "各区政府"],
            [],
        ),
        (
            "（市科技局、工业和信息化局、市场监管局、地方金融监管局，各区政府，广东银保监局负责）",
            ["市科技局", "市工业和信息化局", "市市场监管局", "市地方金融监管局", "各区政府", "广东银保监局"],
            [],
        ),
        (
            "（市地方金融监管局、广东银保监局，南沙区政府负责）",
            ["市地方金融监管局", "广东银保监局", "南沙区政府"],
            [],
        ),
        (
            "（市地方金融监管局，广东证监局，天河、黄埔、南沙区政府负责）",
            ["市地方金融监管局", "广东证监局", "天河区政府", "黄埔区政府", "南沙区政府"],
            [],
        ),
        # guangzhou annex: the plan's own label, then the units by the same rules
        (
            "（市分工方案：市地方金融监管局，人民银行广州分行负责）",
            ["市地方金融监管局", "人民银行广州分行"],
            [],
        ),
        # guizhou: 责任单位 beside 牵头单位 cooperate; units in 〔〕 kept whole and as written
        (
            "(牵头单位：省市场监管局，责任单位：省税务局，各市〔州〕、县〔市、区、特区〕人民政府)",
            ["省市场监管局"],
            ["省税务局", "各市〔州〕", "县〔市、区、特区〕人民政府"],
        ),
        (
            "(牵头单位：省发展改革委，责任单位：省工业和信息化厅及省直有关单位)",
            ["省发展改革委"],
            ["省工业和信息化厅", "省直有关单位"],
        ),
        (
            "(牵头单位：省商务厅〔省政府口岸办〕，责任单位：贵阳海关、成都铁路局贵阳办事处)",
            ["省商务厅〔省政府口岸办〕"],
            ["贵阳海关", "成都铁路局贵阳办事处"],
        ),
        (
            "(牵头单位：省市场监管局，责任单位：省市场监管领域部门联合“双随机、一公开”监管工作联席会议成员单位)",
            ["省市场监管局"],
            ["省市场监管领域部门联合“双随机、一公开”监管工作联席会议成员单位"],
        ),
        # guizhou task 35: a unit the plan names under both labels keeps both roles
        (
            "(牵头单位：省市场监管局，责任单位：省法院、省市场监管局、省林业局)",
            ["省市场监管局"],
            ["省法院", "省市场监管局", "省林业局"],
        ),
        (
            "(责任单位:省直有关单位，各市〔州〕、县〔市、区、特区〕人民政府)",
            ["省直有关单位", "各市〔州〕", "县〔市、区、特区〕人民政府"],
            [],
        ),
        # qingpu: the 区 prefix carried to bare departments, never to companies or bodies with their own name
        ("（责任单位：区建管委、政务办、各相关审批部门）", ["区建管委", "区政务办", "各相关审批部门"], []),
        (
            "（责任单位：区水务局、建管委、科委、电力公司、公用事业公司）",
            ["区水务局", "区建管委", "区科委", "电力公司", "公用事业公司"],
            [],
        ),
        (
            "（责任单位：区经委、商务委、各街镇、青浦工业园区、新城公司）",
            ["区经委", "区商务委", "各街镇", "青浦工业园区", "新城公司"],
            [],
        ),
        ("（责任单位：区人社局、总工会、司法局、法院）", ["区人社局", "区总工会", "区司法局", "区法院"], []),
        (
            "（责任单位：区人社局、社保中心、公积金管理中心）",
            ["区人社局", "区社保中心", "区公积金管理中心"],
            [],
        ),
        ("（责任单位：区经委、工商联、各街镇）", ["区经委", "区工商联", "各街镇"], []),
        ("（责任单位：青浦海关、区商务委、青浦工业园区）", ["青浦海关", "区商务委", "青浦工业园区"], []),
        # kelamayi: label lines joined, PDF spaces dropped
        (
            "牵头单位：市发改委\n责任单位：各区人民政府，12345 热线各成员单位\n完成时限：2023 年6 月底前并长期坚持",
            ["市发改委"],
            ["各区人民政府", "12345热线各成员单位"],
        ),
        (
            "牵头单位：市住建局\n责任单位：各区人民政府，市自然资源局、市水务局等市级各有关部门",
            ["市住建局"],
            ["各区人民政府", "市自然资源局", "市水务局", "市级各有关部门"],
        ),
        # a bureau's own divisions take no prefix
        ("（责任单位：审批处、质安监总站）", ["审批处", "质安监总站"], []),
        (
            "（牵头单位：市住建局；配合单位：审批处、造价站、法规科）",
            ["市住建局"],
            ["审批处", "造价站", "法规科"],
        ),
    ],
)
def test_real_forms(block, lead, cooperate):
    duty = REAL.parse(block)
    assert (list(duty.lead), list(duty.cooperate)) == (lead, cooperate)


@pytest.mark.parametrize(
    "block, convention, lead, cooperate",
    [
        # guangyuan, "逗号前为牵头单位": the units before the first comma lead
        (
            "〔市市场监管局、市政务服务和资源交易中心，市级有关部门（单位）〕",
            "comma_leads",
            ["市市场监管局", "市政务服务和资源交易中心"],
            ["市级有关部门(单位)"],
        ),
        (
            "〔市司法局、市市场监管局、市级有关部门（单位）〕",
            "comma_leads",
            ["市司法局", "市市场监管局", "市级有关部门(单位)"],
            [],
        ),
        (
            (
                "〔市政府办公室，市发展改革委、广元银保监分局等市级有关部门（单位）、各县（区）人民政府和"
                "广元经济技术开发区、广元国际铁路港管委会。逗号前为牵头单位，以下工作均涉及各县（区）政府和"
                "广元经济技术开发区管委会，不再一一列出〕"
            ),
            "",
            ["市政府办公室"],
            [
                "市发展改革委",
                "广元银保监分局",
                "市级有关部门(单位)",
                "各县(区)人民政府",
                "广元经济技术开发区",
                "广元国际铁路港管委会",
            ],
        ),
        # jinhua, "排名第一位的为牵头责任单位": the first-listed unit leads; the statement is no unit
        (
            "（责任单位：审批处、科技处、建筑业处，排名第一位的为牵头责任单位，下同）",
            "",
            ["审批处"],
            ["科技处", "建筑业处"],
        ),
        (
            "（责任单位：建筑业处、质安监总站、城建档案馆）",
            "first_leads",
            ["建筑业处"],
            ["质安监总站", "城建档案馆"],
        ),
        ("（责任单位：公积金中心）", "first_leads", ["公积金中心"], []),
        # role words win over the convention
        ("（市发改委牵头，市财政局配合）", "first_leads", ["市发改委"], ["市财政局"]),
        ("（市发改委牵头，市财政局、市商务局配合）", "comma_leads", ["市发改委"], ["市财政局", "市商务局"]),
    ],
)
def test_conventions(block, convention, lead, cooperate):
    duty = REAL.parse(block, (), convention)
    assert (list(duty.lead), list(duty.cooperate)) == (lead, cooperate)


def test_convention_is_detected_once_for_the_plan():
    assert detect_convention("……〔市政府办公室，市发展改革委。逗号前为牵\n头单位，以下…〕") == "comma_leads"
    assert (
        detect_convention("（责任单位：审批处、科技处，排名第一位的为牵头责任单位，下同）") == "first_leads"
    )
    assert detect_convention("注：各项任务中排在第一位的为牵头单位。") == "first_leads"
    assert detect_convention("（市商务局牵头，市财政局配合）") == ""


def test_a_blocks_own_convention_holds_for_that_block_only():
    """city-digital-plan.docx: "(…，列第一位者为牵头单位)" in one block; the others name all their units leads."""
    text = "（责任单位：市应急管理局、市水务局，列第一位者为牵头单位）……（责任单位：市委网信办、市数据局）"
    assert detect_convention(text) == ""
    duty = REAL.parse("(责任单位:县农业局、县水利局、县林业局，列第一位者为牵头单位)")
    assert duty.lead == ("县农业局",) and duty.cooperate == ("县水利局", "县林业局")


def test_role_words_inside_names_are_no_roles():
    duty = REAL.parse("（各牵头单位、市财政局配合）")
    assert duty.lead == () and duty.cooperate == ("各牵头单位", "市财政局")


def test_short_role_labels():
    duty = REAL.parse("（牵头：市发改委；配合：市财政局、市商务局）")
    assert duty.lead == ("市发改委",) and duty.cooperate == ("市财政局", "市商务局")


def test_parsing_stays_fast():
    import time

    block = "（市工信局牵头，市委统战部、市工商联、市发改委、市财政局配合，各成员单位、各县（市、区）落实）"
    start = time.perf_counter()
    for _ in range(2000):
        REAL.parse(block)
    assert time.perf_counter() - start < 2.0


def test_a_convention_is_read_in_full_with_its_no_lead_half():
    """"逗号前为牵头单位，未明确牵头单位的按职责分工负责": a list with no comma names no lead (the contract)."""
    parser = PARSER
    stated = detect_convention("注：各项任务中逗号前为牵头单位，未明确牵头单位的按职责分工负责。")
    assert stated == "comma_leads_strict"
    assert detect_convention("注：各项任务中逗号前为牵头单位。") == "comma_leads"
    no_comma = parser.parse("〔市发改委、市财政局〕", convention=stated)
    assert (no_comma.lead, no_comma.cooperate) == ((), ("市发改委", "市财政局"))
    comma = parser.parse("〔市发改委，市财政局、市商务局〕", convention=stated)
    assert (comma.lead, comma.cooperate) == (("市发改委",), ("市财政局", "市商务局"))
    plain = parser.parse("〔市发改委、市财政局〕", convention="comma_leads")
    assert (plain.lead, plain.cooperate) == (("市发改委", "市财政局"), ())
