"""Responsibility blocks in every form plans write them."""

from __future__ import annotations

import pytest

from qa.reading.blocks import find_duty_blocks
from qa.reading.duties import Duty, DutyParser, clean_deadline
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
