"""Conversations: what a follow-up keeps from the question before it, kept in the state store."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest

from qa import StateStore
from qa.answering.conversation import Conversations

_sessions = itertools.count()


@pytest.fixture()
def ask(assistant):
    """Ask in a session of its own (one per test)."""
    session = f"conversation-{next(_sessions)}"
    return lambda question: assistant.ask(question, session)


def test_a_new_topic_keeps_the_role(ask):
    ask("广告监管这块谁牵头")
    answer = ask("计量那块呢")
    assert (
        answer.intent == "lead"
        and answer.units == ("盟质监局",)
        and "完善计量体系" in answer.citations[0].text
    )


def test_a_role_alone_keeps_the_topic(ask):
    ask("计量体系建设谁负责")
    answer = ask("配合的呢")
    assert answer.intent == "cooperate" and "完善计量体系" in answer.citations[0].text and answer.units == ()


def test_which_role_asked_again_of_another_unit_is_still_which_role(ask):
    assert ask("简易注销里盟环保局是什么角色").answer.startswith("盟环保局是这项工作的配合单位")
    assert ask("那盟工商局呢").answer.startswith("盟工商局是这项工作的牵头单位")  # no 是 or 不是: none was asked


def test_a_units_role_asked_after_a_task_is_its_role_in_that_task(ask):
    ask("简易注销谁牵头")
    assert ask("工商局起什么作用").answer.startswith("盟工商局是这项工作的牵头单位")


def test_more_gives_the_next_related_clauses(ask):
    first = ask("违法广告整治谁管").citations[0]
    second = ask("还有呢")
    third = ask("其他的呢")
    assert second.found and second.citations[0].id != first.id and "广告" in second.citations[0].text
    assert third.found and third.citations[0].id not in (first.id, second.citations[0].id)


def test_more_after_a_units_tasks_gives_the_other_role(ask):
    ask("盟质监局牵头哪些工作")
    answer = ask("还有呢")
    assert answer.intent == "unit_tasks" and answer.subject_role == "cooperate"


def test_a_new_question_inherits_nothing(ask):
    ask("简易注销谁牵头")
    answer = ask("特种设备安全监管谁负责")
    assert answer.intent == "who" and answer.units == ("盟质监局",)
    assert "特种设备" in answer.citations[0].text


def test_a_follow_up_of_a_refusal_says_so(ask):
    ask("今天天气怎么样")
    assert not ask("还有呢").found


def test_conversations_check_their_store():
    with pytest.raises(ValueError, match="store"):
        Conversations("sqlite")
    conversations = Conversations(StateStore(":memory:"))
    assert conversations.context(None) is None and conversations.context("nobody") is None


def test_a_follow_up_after_a_self_contained_question_keeps_its_clause(ask):
    first = ask("简易注销由哪个单位牵头？")
    clause = first.citations[0]
    answer = ask("那配合单位呢？")
    assert first.units == clause.lead and answer.intent == "cooperate"
    assert answer.units == clause.cooperate and answer.citations[0].id == clause.id


def test_a_self_contained_question_replaces_the_context_it_did_not_read(ask):
    ask("简易注销由哪个单位牵头？")
    second = ask("特种设备安全监管谁负责")
    answer = ask("那配合单位呢？")
    assert answer.citations[0].id == second.citations[0].id and "特种设备" in answer.citations[0].text
    assert answer.units == second.citations[0].cooperate


def test_the_context_is_read_only_for_a_question_it_can_change(assistant, monkeypatch):
    read: list[str | None] = []
    context = assistant.conversations.context

    def reading(session: str | None) -> dict | None:
        read.append(session)
        return context(session)

    monkeypatch.setattr(assistant.conversations, "context", reading)
    session = f"conversation-{next(_sessions)}"
    assistant.ask("简易注销由哪个单位牵头？", session)
    assistant.ask("盟质监局牵头哪些工作？", session)
    assert read == []
    assistant.ask("那配合单位呢？", session)
    assistant.ask("还有呢", session)
    assert read == [session, session]


@pytest.fixture()
def conversations() -> Conversations:
    """Conversations on a store of their own."""
    return Conversations(StateStore(":memory:"))


def test_the_context_text_is_the_question_anchored_on_its_first_clause(assistant, conversations):
    question = assistant.analyzer.analyze("简易注销由哪个单位牵头？")
    answer = assistant.answer(question)
    context = json.loads(conversations.context_text(question, answer))
    assert context == replace(question, anchor=(answer.citations[0].id,)).to_context()
    conversations.remember("s", question, answer)
    assert conversations.context("s") == context


def test_a_refusal_leaves_the_questions_own_anchor(assistant, conversations):
    question = replace(assistant.analyzer.analyze("今天天气怎么样"), anchor=("x-1",))
    answer = assistant.answer(question)
    assert not answer.found
    assert json.loads(conversations.context_text(question, answer))["anchor"] == ["x-1"]


def test_the_context_text_is_made_once_per_question_and_answer(assistant, conversations):
    question = assistant.analyzer.analyze("简易注销由哪个单位牵头？")
    answer = assistant.answer(question)
    text = conversations.context_text(question, answer)
    assert conversations.context_text(question, answer) is text
    other = conversations.context_text(replace(question), answer)  # equal, but another object
    assert other == text and other is not text


def test_the_context_text_keeps_chinese_readable(assistant, conversations):
    question = assistant.analyzer.analyze("简易注销由哪个单位牵头？")
    assert "简易注销" in conversations.context_text(question, assistant.answer(question))


def test_a_plan_chosen_by_message_is_kept_per_session_apart_from_its_context():
    conversations = Conversations(StateStore(":memory:"))
    assert conversations.chosen_plan("wechat:a") == ""
    assert conversations.choose_plan("wechat:a", "plan")
    assert conversations.chosen_plan("wechat:a") == "plan" and conversations.chosen_plan("wechat:b") == ""
    assert conversations.context("wechat:a") is None  # the choice is no follow-up's context
    assert conversations.choose_plan("wechat:a", "") and conversations.chosen_plan("wechat:a") == ""
    assert not Conversations(None).choose_plan("wechat:a", "plan")  # nowhere to keep it: said so


def test_a_yes_no_naming_a_unit_and_no_task_asks_of_the_task_talked_about(ask):
    """"是不是盟工商局牵头的" after a task's question: whether the unit has the role asked in that task (the
    contract: a follow-up keeps the topic it leaves unsaid), not the unit's every task."""
    ask("简易注销谁牵头")
    answer = ask("是不是盟工商局牵头的")
    assert answer.intent == "yes_no" and answer.answer.startswith("是。") and len(answer.citations) == 1
    assert "全面实施企业简易注销登记" in answer.citations[0].text
    assert ask("质监局参与吗").answer.startswith("不是。盟质监局没有参与")
    assert ask("国税局也在配合单位里头吗").answer.startswith("是。")  # 里头: where, no topic


def test_a_yes_no_with_a_question_word_or_no_task_before_it_is_not_about_a_task(ask):
    assert ask("是不是盟工商局牵头的").intent == "unit_tasks"  # nothing talked about yet
    ask("简易注销谁牵头")
    assert ask("盟工商局牵头哪些工作").intent == "unit_tasks"  # 哪些: it asks the unit's tasks


def test_a_unit_named_by_its_stem_alone_after_a_units_tasks_is_that_unit(ask):
    ask("工商牵头的活都有哪些")
    answer = ask("质监呢")
    assert answer.intent == "unit_tasks" and answer.subject_units == ("盟质监局",) and len(answer.citations) == 7
    assert ask("那它要配合的呢").subject_units == ("盟质监局",)


def test_how_a_task_is_arranged_asked_after_it_is_about_that_task(ask):
    ask("简易注销谁牵头")
    assert "全面实施企业简易注销登记" in ask("具体怎么安排的").citations[0].text
    ask("传销谁管")
    assert "打击传销规范直销" in ask("方案里是咋安排的").citations[0].text


def test_when_a_task_is_required_done_asked_after_it_keeps_the_task(ask):
    ask("地理标志商标谁负责")
    answer = ask("要求什么时候完成")  # 要求 asks when, it names no topic (the cover letter's deadline is another)
    assert "地理标志商标" in answer.citations[0].text


def test_where_the_clause_talked_about_stands_is_asked_of_it(ask):
    ask("简易注销谁牵头")
    answer = ask("这一条在哪一部分")  # the clause's own place, not the cover letter's 部分
    assert answer.citations[0].path == "二、(一)5" and "二、(一)5" in answer.answer
    assert ask("这个方案分哪几个部分").answer.startswith("正文分为4个部分")  # the plan's parts still


def test_a_nickname_staff_keep_in_units_yaml(ask):
    assert ask("技监局牵头的都有啥").subject_units == ("盟质监局",)
