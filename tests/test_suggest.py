"""Questions to ask next under a found answer (qa/answering/suggest.py): made from the answer, each one answered
by the plans before it is offered, and cheap (made once per answer)."""

from __future__ import annotations

import pytest

from qa import Assistant, Intent
from qa.answering.suggest import MOST, Suggester
from qa.records import replace


def alone(assistant: Assistant, question: str):
    """A question answered on its own, as a click on a suggestion in a new conversation asks it."""
    return assistant.ask(question)


def test_an_answer_offers_the_lead_units_other_tasks_and_the_neighbouring_task(assistant):
    answer = assistant.ask("简易注销有哪些配合单位？")
    assert answer.found and 2 <= len(answer.suggestions) <= MOST
    assert answer.suggestions[0] == "盟工商局牵头哪些工作？"  # the lead unit of the task
    tasks = alone(assistant, answer.suggestions[0])
    assert tasks.intent == "unit_tasks" and tasks.subject_units == ("盟工商局",) and len(tasks.citations) > 1
    neighbour = alone(assistant, answer.suggestions[1])  # the next task of the plan, named by its title
    assert neighbour.found and neighbour.citations[0].id != answer.citations[0].id
    assert neighbour.citations[0].title in answer.suggestions[1]


def test_a_units_tasks_offer_its_other_role(assistant):
    led = assistant.ask("盟质监局牵头哪些工作？")
    assert led.suggestions[0] == "盟质监局配合哪些工作？"
    cooperated = assistant.ask(led.suggestions[0])
    assert cooperated.subject_units == ("盟质监局",) and cooperated.subject_role == "cooperate"
    assert cooperated.suggestions[0] == "盟质监局牵头哪些工作？"


def test_the_same_topic_in_another_plan_is_offered(both_assistant):
    answer = both_assistant.ask("公平竞争审查由谁牵头")
    docs = {alone(both_assistant, q).citations[0].doc for q in answer.suggestions}
    assert answer.citations[0].doc.startswith("锡林郭勒盟")  # its task titled 建立公平竞争审查制度 matches best
    assert any(doc.startswith("三亚市") for doc in docs), answer.suggestions


@pytest.mark.parametrize("ask", ["{}由哪个单位牵头？", "{}有哪些配合单位？", "{}是什么"])
def test_every_suggestion_of_every_task_is_answered_by_the_plans(assistant, ask):
    titles = {c.title for c in assistant.task_clauses if 2 <= len(c.title) <= 20}
    offered = 0
    for title in sorted(titles):
        answer = assistant.ask(ask.format(title))
        if not answer.found:
            continue
        for question in answer.suggestions:
            offered += 1
            again = alone(assistant, question)
            assert again.found and again.citations, (title, question)
            assert (again.intent, again.citations[0].id, again.subject_units) != (
                answer.intent, answer.citations[0].id, answer.subject_units), (title, question)  # says more
    assert offered > len(titles)


def test_a_question_that_lands_elsewhere_is_never_offered(assistant):
    # a candidate question whose answer is another task's clause (here made so: asked by its title,
    # 加强新消费领域市场监管 answered as 加强日常消费领域市场监管 once was) does not name the task it would be offered for
    tasks = list(assistant.task_clauses)
    first = next(c for c in tasks if c.title == "加强新消费领域市场监管")
    before = tasks[tasks.index(first) - 1]
    question = "加强新消费领域市场监管由哪个单位牵头？"
    elsewhere = "加强日常消费领域市场监管由哪个单位牵头？"
    assert alone(assistant, elsewhere).citations[0].id != first.id

    def ask(q: str):
        return alone(assistant, elsewhere if q == question else q)

    suggester = Suggester(assistant.clauses, ask, assistant.tasks_of)
    made = [q for q, _ in suggester.candidates(Intent.LEAD, before, (), "")]
    assert question in made  # the neighbouring task was a candidate …
    offered = suggester.for_topic(Intent.LEAD, before.id, (), "")
    assert offered and question not in offered  # … and is not offered
    assert question in Suggester(assistant.clauses, lambda q: alone(assistant, q), assistant.tasks_of).for_topic(
        Intent.LEAD, before.id, (), "")  # answered from its own clause, it is


def test_a_refusal_keeps_its_own_suggestions_and_a_fact_of_the_letter_offers_none(assistant):
    refusal = assistant.ask("今天天气怎么样？")
    assert not refusal.found and refusal.suggestions and refusal.answer.endswith(refusal.suggestions[-1])
    fact = assistant.ask("意见反馈的截止时间是什么时候？")
    assert fact.found and fact.suggestions == ()  # the cover letter names no task to go on with


def test_the_same_answer_object_comes_back_so_its_json_is_made_once(assistant):
    first = assistant.ask("简易注销由哪个单位牵头？")
    assert assistant.ask("简易注销由哪个单位牵头？") is first


def test_suggestions_are_checked_once_per_answered_topic(assistant):
    # the checks are answers too: three wordings of one question check the suggestions of their answer once
    asked = []

    def counting(question: str):
        asked.append(question)
        return assistant.answer(assistant.analyzer.analyze(question))

    suggester = Suggester(assistant.clauses, counting, assistant.tasks_of)
    made = set()
    for question in ("简易注销由哪个单位牵头？", "简易注销谁牵头", "简易注销是哪个单位牵头"):
        understood = assistant.analyzer.analyze(question)
        made.add(suggester(understood, assistant.answer(understood)).suggestions)
    assert len(made) == 1 and 0 < len(asked) <= 3


def test_asked_of_one_plan_another_plans_task_is_not_offered(both_assistant):
    # a click on a suggestion asks of the plan chosen too: a task of the other plan would not be found there
    chosen = both_assistant.ask("公平竞争审查由谁牵头", plan="三亚")
    docs = {alone(both_assistant, q).citations[0].doc for q in chosen.suggestions}
    assert chosen.suggestions and all(doc.startswith("三亚市") for doc in docs), chosen.suggestions


def test_a_candidate_is_answered_once_whatever_answer_offers_it(assistant):
    # 盟工商局 leads both tasks: the answers about either offer "盟工商局牵头哪些工作？", checked once (a compilation's
    # new questions otherwise answered the same few thousand candidates again and again)
    asked = []

    def counting(question: str):
        asked.append(question)
        return assistant.answer(assistant.analyzer.analyze(question))

    suggester = Suggester(assistant.clauses, counting, assistant.tasks_of)
    offered = []
    for question in ("简易注销由哪个单位牵头？", "加强网络市场监管谁牵头"):
        understood = assistant.analyzer.analyze(question)
        offered.append(suggester(understood, assistant.answer(understood)).suggestions)
    assert all("盟工商局牵头哪些工作？" in made for made in offered), offered
    assert asked.count("盟工商局牵头哪些工作？") == 1


# -- every candidate checked with the index (web.ready) -----------------------------------------------------
def test_every_candidate_is_checked_once_with_the_index_and_a_new_question_answers_none(both_plans):
    from qa import Assistant, StateStore

    fresh = Assistant.from_folder(both_plans, store=StateStore(":memory:"))
    candidates = fresh.suggest.candidate_questions()
    assert "盟工商局牵头哪些工作？" in candidates and "改革市场准入制度由哪个单位牵头？" in candidates
    assert fresh.check_suggestions() == len(candidates) > 100
    asked = []
    fresh.suggest.ask = lambda question: asked.append(question)  # any check a request made would show here
    for question in ("简易注销有哪些配合单位？", "公平竞争审查由谁牵头", "盟质监局牵头哪些工作？", "加强网络市场监管谁牵头"):
        assert fresh.ask(question).suggestions
    assert asked == []
    fresh.suggest.cache_clear()  # the caches of answers and their suggestions: the checks stay, as the index
    assert fresh.ask("简易注销有哪些配合单位？").suggestions and asked == []


def test_the_checks_change_no_suggestion(both_plans, both_assistant):
    from qa import Assistant, StateStore

    checked = Assistant.from_folder(both_plans, store=StateStore(":memory:"))
    checked.check_suggestions()
    titles = sorted({c.title for c in both_assistant.task_clauses if 2 <= len(c.title) <= 20})[:60]
    units = sorted(both_assistant.duty_units)[:40]
    questions = [f"{t}由哪个单位牵头？" for t in titles] + [f"{t}是什么" for t in titles] + [
        f"{u}牵头哪些工作？" for u in units] + [f"{u}和盟发改委都参与的任务有哪些" for u in units[:10]]
    for question in questions:
        assert checked.ask(question).suggestions == both_assistant.ask(question).suggestions, question


def test_the_checks_are_kept_beside_the_snapshot_and_made_again_when_anything_changes(both_plans, tmp_path):
    from qa import Assistant, StateStore, load_corpus
    from qa.index.snapshot import part

    snapshot = tmp_path / "index.json"
    corpus = load_corpus(both_plans)

    def started() -> Assistant:
        return Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"), snapshot=snapshot)

    first = started()
    made = first.check_suggestions()
    kept = part(snapshot, ".checked.json")
    assert made > 100 and kept.is_file()
    again = started()
    assert again.check_suggestions() == 0  # read back: nothing answered
    assert again.suggest._index == first.suggest._index
    question = "简易注销有哪些配合单位？"
    assert again.ask(question).suggestions == first.ask(question).suggestions
    kept.write_text("{not json", encoding="utf-8")  # damaged: made again
    assert started().check_suggestions() == made
    other = started()
    other.retriever.settings = replace(other.retriever.settings, plans_ratio=0.31)  # another retrieval: not its checks
    assert other.check_suggestions() == made


def test_a_kept_check_of_an_intent_this_code_does_not_know_is_skipped():
    from qa.answering.suggest import Checked

    assert Checked.from_words(["1", "lead", "p1-c3", "盟工商局"]) == Checked(True, Intent.LEAD, "p1-c3", ("盟工商局",))
    assert Checked.from_words(["1", "horoscope", "p1-c3"]) is None
    assert Checked.from_words(["1"]) is None
    checked = Checked(False, Intent.UNIT_TASKS, "", ())
    assert Checked.from_words(checked.to_words()) == checked


def test_a_candidate_that_cannot_be_answered_at_start_up_is_left_for_later(both_plans, caplog):
    from qa import Assistant, StateStore

    fresh = Assistant.from_folder(both_plans, store=StateStore(":memory:"))
    candidates = fresh.suggest.candidate_questions()
    broken = candidates[3]
    real = fresh.suggest.ask

    def failing(question: str):
        if question == broken:
            raise RuntimeError("a bug in answering one question")
        return real(question)

    fresh.suggest.ask = failing
    assert fresh.check_suggestions() == len(candidates) - 1  # the start-up goes on
    assert broken not in fresh.suggest._index and "could not check the suggestion" in caplog.text


def test_the_checks_key_names_the_code_the_process_runs_not_the_files_on_disk(both_plans, tmp_path, monkeypatch):
    # a deploy that changes qa/ under a running process: its reload must not keep old code's checks under the
    # new code's key (the restart would read them back)
    import qa.assistant
    from qa import Assistant, StateStore, load_corpus

    corpus = load_corpus(both_plans)
    made = Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"))
    before = made._answers_key()
    monkeypatch.setattr(qa.assistant, "source_key", lambda *paths: "the files changed on disk")
    assert made._answers_key() == before
    monkeypatch.setattr(qa.assistant, "RUNNING_CODE", "another version")
    assert made._answers_key() != before


def test_a_kept_file_nested_too_deep_to_read_is_rebuilt(both_plans, tmp_path):
    from qa import Assistant, StateStore, load_corpus
    from qa.index.snapshot import part

    snapshot = tmp_path / "index.json"
    corpus = load_corpus(both_plans)
    first = Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"), snapshot=snapshot)
    made = first.check_suggestions()
    part(snapshot, ".checked.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    again = Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"), snapshot=snapshot)
    assert again.check_suggestions() == made
