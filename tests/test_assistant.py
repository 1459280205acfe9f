"""Answers: units by role from the right clause, unit tasks, facts, refusals, conversations."""

from __future__ import annotations

import pytest

from qa import Assistant, RetrievalSettings, StateStore

SIX = ("盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局")


def test_cooperating_units_with_their_clause(assistant):
    answer = assistant.ask("简易注销有哪些配合单位？")
    assert answer.found and answer.intent == "cooperate" and answer.units == SIX
    assert answer.citations[0].path == "二、(一)5" and "简易注销" in answer.citations[0].text
    assert "盟环保局" in answer.answer and "二、(一)5" in answer.answer


def test_who_is_lead_then_cooperating(assistant):
    answer = assistant.ask("强制退出机制的责任单位是哪些？")
    assert answer.units == ("盟工商局",) + SIX


def test_cooperate_is_empty_when_the_plan_names_none(assistant):
    answer = assistant.ask("打击传销有哪些配合单位？")
    assert answer.found and answer.units == () and "未列配合单位" in answer.answer


def test_unit_tasks_cite_every_clause_of_the_unit(assistant):
    answer = assistant.ask("盟质监局牵头哪些工作？")
    assert answer.intent == "unit_tasks" and len(answer.citations) == 7
    assert all("盟质监局" in c.lead for c in answer.citations)
    assert "共7项" in answer.answer


def test_unit_without_tasks_in_that_role(assistant):
    answer = assistant.ask("盟财政局牵头哪些工作？")
    assert answer.found and answer.citations == () and "没有牵头" in answer.answer


def test_unit_not_in_the_plan(assistant):
    answer = assistant.ask("盟教育局牵头哪些工作？")
    assert not answer.found and answer.citations == ()


@pytest.mark.parametrize(
    "question, expected",
    [
        ("意见反馈的截止时间是什么时候？", "5月10日"),
        ("联系人是谁？", "宋莉"),
        ("传真号码是多少", "6832015"),
        ("到2020年全盟有效注册商标要达到多少件？", "6000"),
        ("市场监管的六大原则是什么？", "智慧监管"),
    ],
)
def test_facts_are_stated(assistant, question, expected):
    answer = assistant.ask(question)
    assert answer.found and expected in answer.answer


@pytest.mark.parametrize(
    "question",
    ["今天天气怎么样？", "怎么办理护照？", "推荐一部好看的电影", "asdfgh", "个人所得税起征点是多少？"],
)
def test_questions_outside_the_plan_are_refused(assistant, question):
    answer = assistant.ask(question)
    assert not answer.found and answer.citations == () and "没有" in answer.answer


def test_conversation_follow_ups(assistant):
    assert assistant.ask("简易注销由哪个单位牵头？", "s1").units == ("盟工商局",)
    follow = assistant.ask("那配合单位呢？", "s1")
    assert follow.units == SIX and "简易注销" in follow.citations[0].text
    assert assistant.ask("网络市场监管谁牵头？", "s2").units == ("盟工商局",)
    assert "加强广告监管" in assistant.ask("那广告监管呢？", "s2").citations[0].text


def test_sessions_do_not_mix(assistant):
    assistant.ask("简易注销由哪个单位牵头？", "a")
    assistant.ask("计量体系建设谁负责？", "b")
    assert assistant.ask("那配合单位呢？", "a").units == SIX
    assert assistant.ask("那配合单位呢？", "b").units == ()


def test_context_expires(tmp_path):
    store = StateStore(tmp_path / "s.sqlite3", ttl_seconds=0.05)
    assistant = Assistant.from_folder("corpus", store=store)
    assistant.ask("简易注销由哪个单位牵头？", "x")
    import time

    time.sleep(0.1)
    assert not assistant.ask("那配合单位呢？", "x").found


def test_questions_about_sanya_with_both_plans(both_assistant):
    answer = both_assistant.ask("一证多址改革谁牵头")
    assert answer.units == ("市市场监督管理局",)
    answer = both_assistant.ask("多测合一的完成时限是什么时候")
    assert "2023年9月" in answer.answer


def test_settings_are_checked():
    with pytest.raises(ValueError, match="min_coverage"):
        RetrievalSettings(min_coverage=0)
    with pytest.raises(ValueError, match="related_ratio"):
        RetrievalSettings(related_ratio=2)


def test_empty_corpus_refuses_everything(tmp_path):
    assistant = Assistant.from_folder(tmp_path)
    assert not assistant.ask("简易注销有哪些配合单位？").found


def test_examples_are_answerable(assistant, both_assistant, tmp_path):
    assert assistant.examples[0] == "简易注销有哪些配合单位？"
    import shutil

    shutil.copy("tests/data/sanya-2023-business-environment-plan.txt", tmp_path)
    sanya = Assistant.from_folder(tmp_path)  # no terms.yaml: examples drawn from the plan itself
    assert sanya.examples and all(sanya.ask(q).found for q in sanya.examples)


def test_the_answer_says_how_it_read_the_question(assistant):
    answer = assistant.ask("证照分里谁牵头")
    assert answer.found and answer.answer.startswith("按“证照分离”理解：")
    assert answer.understood_as == "证照分离谁牵头"
    assert assistant.ask("证照分离谁牵头").understood_as == ""


@pytest.mark.parametrize(
    "question",
    [
        "简易注销要交多少钱",
        "特种设备作业人员证怎么考",
        "反不正当竞争法第几条管虚假宣传",
        "网店怎么开 要办执照吗",
    ],
)
def test_questions_on_the_plans_topics_asking_what_they_do_not_state_are_refused(assistant, question):
    answer = assistant.ask(question)
    assert not answer.found and answer.citations == () and answer.suggestions
    assert answer.suggestions[0] in answer.answer
    assert all(assistant.ask(s).found for s in answer.suggestions)


def test_a_clause_stating_what_is_asked_answers(assistant):
    assert "6000件" in assistant.ask("到2020年全盟有效注册商标要达到多少件").answer
    assert "13件" in assistant.ask("地理标志商标到2020年要多少件").answer


def test_holds_reads_the_kind_of_fact(assistant):
    from qa.answering.answerers import holds
    from qa.records import Intent, Question

    clause = next(c for c in assistant.clauses if "6000件" in c.text)
    assert holds(Question("", Intent.FACT, asks="count:件"), clause)
    assert not holds(Question("", Intent.FACT, asks="count:户"), clause)
    assert not holds(Question("", Intent.FACT, asks="money"), clause)
    assert holds(Question("", Intent.LEAD, asks="count:家"), clause)  # which units, answered by the clause


@pytest.mark.parametrize(
    "question, expected",
    [
        ("这个文是哪个单位发的", "锡林郭勒盟工商行政管理局"),
        ("落款日期是哪天", "2018年5月8日"),
        ("这个文件发给哪些单位", "盟直各有关部门"),
        ("这个方案是谁起草的", "盟工商局牵头草拟"),
        ("这方案依据的是哪两个文件", "内政发〔2017〕135号"),
        ("方案分几个部分", "健全市场监管体制"),
        ("方案的主要目标是什么", "营商环境"),
    ],
)
def test_facts_about_the_document_itself(assistant, question, expected):
    answer = assistant.ask(question)
    assert answer.found and expected in answer.answer and answer.citations


def test_document_facts_of_the_plan_the_question_names(both_assistant):
    answer = both_assistant.ask("这个通知发给哪些单位")
    assert "育才生态区管委会" in answer.citations[0].text and "盟直各有关部门" not in answer.answer
    dates = both_assistant.ask("印发日期是哪天").answer  # either plan may be meant: both are given
    assert "2018年5月8日" in dates and "3 月29 日" in dates


def test_short_forms_of_units_and_groups(tmp_path):
    import shutil

    shutil.copy("tests/data/plans/county-food-safety-plan.txt", tmp_path)
    county = Assistant.from_folder(tmp_path, knowledge="corpus")
    assert county.ask("食安委成员单位要干啥").subject_units == ("县食安委各成员单位",)
    assert county.ask("综执局配合哪些").subject_units == ("县综合执法局",)
