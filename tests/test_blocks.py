"""Where the responsibility blocks of a paragraph are, in the forms real plans write them."""

from __future__ import annotations

import pytest

from qa.reading.blocks import (
    block_at_end,
    division_labels,
    find_duty_blocks,
    group_blocks,
    is_division,
    is_label_line,
    names_units,
    opens_duty_block,
)


def blocks(text: str, convention: str = "") -> list[str]:
    return [text[start:end] for start, end in find_duty_blocks(text, convention)]


def test_several_blocks_in_one_item_each_closing_its_sentences():
    text = (
        "（三）规范实施行政许可和行政备案。完善三级行政许可事项清单。（省审批服务管理局牵头负责，各市人民政府、"
        "省直相关部门配合）研究推动深化告知承诺制改革。（省市场监管局、省审批服务管理局按职责分工负责）"
    )
    assert blocks(text) == [
        "（省审批服务管理局牵头负责，各市人民政府、省直相关部门配合）",
        "（省市场监管局、省审批服务管理局按职责分工负责）",
    ]


@pytest.mark.parametrize(
    "block",
    [
        "（市工信局牵头，市委统战部、市工商联配合，各成员单位、各县（市、区）落实）",
        "（市工信局牵头，延安大学、市委组织部按职责分工落实）",
        "（市行政审批服务局、市市场监管局等市级相关部门及各区县按职责分工负责）",
        "（人行铜川市中心支行牵头，市金融办、铜川银保监分局负责）",
        "（省工信厅、省小企业局等相关部门和各市人民政府按职责分工负责）",
        "（市地方金融监管局，人民银行广州分行、广东银保监局、广东证监局负责）",
        "（省大湾区办、地方金融监管局，广州、深圳、珠海市政府负责）",
        "（省商务厅、贸促会，广州、深圳、东莞等市人民政府负责）",  # places sharing the ending after 等
        "(牵头单位：省市场监管局，责任单位：各市〔州〕、县〔市、区、特区〕人民政府)",
        "（责任单位：审批处、科技处、建筑业处，排名第一位的为牵头责任单位，下同）",
        "（省高院牵头）",
    ],
)
def test_brackets_of_units_with_role_words_are_blocks(block):
    assert blocks("推进改革。" + block) == [block]


def test_a_bare_bracket_of_units_is_a_block_under_a_plan_wide_convention():
    text = "强化营商环境投诉处理。〔市市场监管局、市政务服务和资源交易中心，市级有关部门（单位）〕"
    assert blocks(text, "comma_leads") == ["〔市市场监管局、市政务服务和资源交易中心，市级有关部门（单位）〕"]
    # with no convention too, a bracket of units closing a sentence names its units (the contract: a list with
    # no role split leads), where the plan states no convention to say otherwise
    assert blocks(text) == ["〔市市场监管局、市政务服务和资源交易中心，市级有关部门（单位）〕"]
    assert blocks("推进（市场监管局、税务局等部门的）数据共享。") == []  # inside a sentence it is text


def test_a_bracket_of_units_may_end_with_a_short_name_no_ending_knows():
    # enterprises written by their short names (东航物流, 中远海运集运) after two units or more
    text = "提升作业时效。（市商务委、市交通委、上海海关、上港集团、机场集团、东航物流、中远海运集运）"
    assert blocks(text) == ["（市商务委、市交通委、上海海关、上港集团、机场集团、东航物流、中远海运集运）"]
    # one unit then a word is no list; nor a sentence after units
    assert blocks("推进试点。（上海海关、其他地区）") == []
    assert blocks("推进试点。（上海海关、对接的企业）") == []
    assert blocks("推进试点。（如东航物流）") == []


def test_the_bracket_stating_the_convention_is_a_block():
    text = (
        "健全常态化政企沟通机制。〔市政府办公室，市发展改革委、市财政局等市级有关部门（单位）、各县（区）人民政府"
        "和广元经济技术开发区。逗号前为牵头单位，以下工作均涉及各县（区）政府，不再一一列出〕"
    )
    assert len(blocks(text, "comma_leads")) == 1


def test_a_unit_named_inside_a_sentence_is_no_block_even_under_a_convention():
    assert blocks("领导小组办公室（市民营办）设在市工信局。", "comma_leads") == []


@pytest.mark.parametrize(
    "text",
    [
        "具体任务分工（详见附件2），按计划推进。",
        "《自治区实施营商环境优化提升三年行动方案（2022—2025 年）》",
        "（此件公开发布）",
        "免费发放电子发票公共服务平台身份认证及信息加密设备(税务 Ukey)。",
        "巴府办发〔2023〕3 号",
        "报局审批处（联系人：张晗）。",
        "建立机制(由企业自主负责)。",
    ],
)
def test_brackets_that_name_no_duty(text):
    assert blocks(text, "comma_leads") == []


def test_a_higher_levels_assignment_and_the_plans_own_division_stand_together():
    text = "推进试点。（省发展改革委、财政厅，各地级以上市政府负责）（市分工方案：市发展改革委、财政局，各区政府负责）"
    found = find_duty_blocks(text)
    assert len(found) == 2
    (group,) = group_blocks(text, found)
    assert [is_division(text[s:e]) for s, e in group] == [False, True]


def test_the_label_of_the_plans_own_division_is_what_staff_may_name():
    duty = "（省商务厅、金融局负责）（县分工安排：县商务局、县金融办负责）"
    assert division_labels(duty) == ["县分工安排"]
    assert division_labels("（责任单位：县商务局）") == [] and division_labels("") == []


def test_blocks_separated_by_text_are_groups_of_their_own():
    text = "甲。（省商务厅牵头负责）乙。（省财政厅牵头负责）"
    assert len(group_blocks(text, find_duty_blocks(text))) == 2


def test_label_lines():
    assert is_label_line("牵头单位：市发改委") and is_label_line("完成时限：2023 年6 月底前")
    assert is_label_line("责任单位：") and not is_label_line("各区人民政府，市级各有关部门")
    assert blocks("责任单位：各区人民政府，市级各有关部门") == ["责任单位：各区人民政府，市级各有关部门"]


def test_a_line_opening_a_block_cut_by_the_line_break():
    assert opens_duty_block("（省发展改革委、省商务厅、省市场监管局牵头负责，省")
    assert opens_duty_block("（省市场监")  # a unit name cut: its opening says so
    assert opens_duty_block("（市分工方案：")
    assert not opens_duty_block("（以")
    assert not opens_duty_block("（2022-2025 年）》，")
    assert not opens_duty_block("加强监管（责任单位：市工商局）")


def test_block_at_end_looks_only_at_the_end():
    text = "完善机制。" * 200 + "（省商务厅牵头负责）。"
    start, end = block_at_end(text)
    assert text[start:end] == "（省商务厅牵头负责）"
    assert block_at_end("完善机制（试行）。") is None


def test_unit_lists():
    assert names_units("省工信厅、省小企业局等相关部门和各市人民政府", need_role=False)
    assert names_units("广州、深圳、珠海市政府", need_role=False)
    assert not names_units("2022-2025 年", need_role=False)
    assert not names_units("市工信局", need_role=True)
