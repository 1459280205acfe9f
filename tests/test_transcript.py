"""A conversation asked again from its questions (qa/transcript.py): the answers of the same questions asked in
one session, follow-ups included, of the plan chosen when one was; no one's session read, changed or left behind."""

from __future__ import annotations

from qa.transcript import replay

QUESTIONS = ["简易注销有哪些配合单位？", "那牵头单位呢？", "那药品呢？", "盟质监局牵头哪些工作？", "那配合的呢？"]


def test_replay_answers_as_one_session_would(assistant):
    replayed = replay(assistant, QUESTIONS)
    asked = [assistant.ask(q, "transcript-session") for q in QUESTIONS]
    assert [q for q, _ in replayed] == QUESTIONS
    for (_, again), answer in zip(replayed, asked):
        assert (again.answer, again.found, again.intent, again.citations) == (
            answer.answer, answer.found, answer.intent, answer.citations)
    assert replayed[1][1].units == ("盟工商局",)  # 那牵头单位呢？ continued 简易注销


def test_replay_continues_no_stored_session(assistant):
    assistant.ask("简易注销有哪些配合单位？", "someone-else")
    (_, alone), = replay(assistant, ["那牵头单位呢？"])
    assert not alone.found  # nothing before it in the replayed conversation, whatever a session holds
    assert assistant.ask("那牵头单位呢？", "someone-else").units == ("盟工商局",)  # and that session is intact


def test_replay_leaves_no_session_behind(assistant):
    before = assistant.conversations.store.count("session")
    replay(assistant, QUESTIONS)
    assert assistant.conversations.store.count("session") == before


def test_replay_asks_of_the_plan_chosen(both_assistant):
    questions = ["公平竞争审查由谁牵头", "那配合单位呢？"]
    every = replay(both_assistant, questions)
    assert len(every[0][1].plans) == 2  # asked of every plan, both hold the topic
    chosen = replay(both_assistant, questions, "三亚")
    for _, answer in chosen:
        assert answer.plans == ("sanya-2023-business-environment-plan",)
        assert all(c.doc.startswith("三亚市") for c in answer.citations)
