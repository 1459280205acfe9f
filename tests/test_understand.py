"""Question understanding: intents, units in any form, topics, follow-ups."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def analyze(assistant):
    return assistant.analyzer.analyze


@pytest.mark.parametrize(
    "question, intent, role",
    [
        ("简易注销有哪些配合单位？", "cooperate", "cooperate"),
        ("企业简易注销登记由哪个部门牵头？", "lead", "lead"),
        ("强制退出机制的责任单位是哪些？", "who", ""),
        ("12315投诉举报平台归哪个单位管？", "who", ""),
        ("盟质监局牵头哪些工作？", "unit_tasks", "lead"),
        ("财政局要配合啥", "unit_tasks", "cooperate"),
        ("盟科技局涉及哪些工作？", "unit_tasks", ""),
        ("联系人是谁？", "fact", ""),
        ("到2020年全盟有效注册商标要达到多少件？", "fact", ""),
        ("明厨亮灶", "content", ""),
        ("负面清单那块谁挑头", "lead", "lead"),
    ],
)
def test_intents(analyze, question, intent, role):
    query = analyze(question)
    assert (query.intent, query.role) == (intent, role)


@pytest.mark.parametrize(
    "question",
    [
        "盟质监局牵头哪些工作",
        "质监局牵头哪些工作",
        "锡林郭勒盟质量技术监督局牵头哪些工作",
        "锡盟质监局牵头哪些工作",
    ],
)
def test_unit_in_any_form(analyze, question):
    assert analyze(question).units == ("盟质监局",)


def test_merged_unit_stands_for_its_members(analyze):
    assert set(analyze("市场监管局牵头哪些工作").units) == {"盟工商局", "盟质监局", "盟食药局"}


def test_abbreviation_of_a_unit(both_assistant):
    assert both_assistant.analyzer.analyze("资规局牵头了哪些事").units == ("市自然资源和规划局",)
    assert both_assistant.analyzer.analyze("中院牵头的任务有哪些").units == ("市中级人民法院",)


def test_topic_leaves_out_form_words(analyze):
    query = analyze("简易注销有哪些配合单位？")
    assert "简易注销" in query.terms and not {"配合", "单位", "哪些"} & set(query.terms)


def test_typo_is_mended(analyze):
    assert analyze("药品医疗器械监管谁牵投").intent == "lead"


def test_follow_up_keeps_topic_and_changes_role(analyze):
    first = analyze("简易注销由哪个单位牵头？")
    context = dict(first.to_context(), anchor=["x-31"])
    second = analyze("那配合单位呢？", context)
    assert second.intent == "cooperate" and second.terms == first.terms and second.anchor == ("x-31",)


def test_follow_up_keeps_role_and_changes_topic(analyze):
    second = analyze("那广告监管呢？", analyze("网络市场监管谁牵头？").to_context())
    assert second.intent == "lead" and "广告" in second.terms and not second.anchor


def test_follow_up_about_another_unit(analyze):
    second = analyze("那质监局呢？", analyze("工商局牵头哪些工作").to_context())
    assert (second.intent, second.units, second.role) == ("unit_tasks", ("盟质监局",), "lead")


def test_new_question_is_not_a_follow_up(analyze):
    second = analyze("计量体系建设谁负责？", analyze("简易注销由哪个单位牵头？").to_context())
    assert not second.follow_up and "计量" in second.terms


def test_over_long_question_is_cut(assistant):
    query = assistant.analyzer.analyze("简易注销" * 5000)
    assert len(query.terms) < 10
