"""Conversations: what a follow-up keeps from the question before it, kept in the state store."""

from __future__ import annotations

import itertools

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
