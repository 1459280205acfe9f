"""Voice and mixed input (qa/answering/spoken.py), long questions (preamble.py) and salience (index/salience.py):
each stage on its own, on the shipped plan's words."""

from __future__ import annotations

import pytest

from qa.answering.preamble import focus
from qa.answering.spoken import syllables
from qa.index.salience import Salience


@pytest.mark.parametrize(
    "word, cut", [("suiji", ("sui", "ji")), ("gongkai", ("gong", "kai")), ("xian", ("xian",)), ("python", None)]
)
def test_pinyin_words_are_cut_into_syllables(word, cut):
    assert syllables(word) == cut


@pytest.mark.parametrize(
    "heard, read",
    [
        ("shuang suiji yi gongkai 谁牵头", "双随机一公开 谁牵头"),
        ("jian yi zhu xiao 哪些单位配合", "简易注销 哪些单位配合"),
        ("who is responsible for 特种设备", "谁负责 特种设备"),
        ("一二三一五平台谁负责", "12315平台谁负责"),
        ("法治办牵头哪些工作", "法制办牵头哪些工作"),
        ("嗯 那个 简易注销", "那个 简易注销"),
    ],
)
def test_spoken_and_mixed_input_is_read_in_the_plans_words(assistant, heard, read):
    text, _ = assistant.normaliser.spoken(heard)
    assert " ".join(text.split()) == read


def test_what_is_not_the_plans_is_kept_as_heard(assistant):
    """A number the plans do not write, a Latin word that is no pinyin, a real agency's name: as heard."""
    spoken = assistant.normaliser.spoken
    assert spoken("三四五六七")[0] == "三四五六七"
    assert "python" in spoken("怎么安装python")[0]
    assert spoken("水务局配合哪些任务")[0] == "水务局配合哪些任务"  # never 税务局, a rename's name


def test_the_question_is_found_after_its_context():
    topical = lambda piece: any(w in piece for w in ("简易注销", "规范执法行为", "盟环保局", "盟发改委"))  # noqa: E731
    assert focus("我是盟市场监管局的，刚从会上回来，领导让我问一下，简易注销到底哪些单位配合？", topical) == (
        "简易注销到底哪些单位配合"
    )
    assert focus("我刚从会上回来，会上提到了规范执法行为，想问是谁牵头的", topical) == "会上提到了规范执法行为，想问是谁牵头的"
    assert focus("我是盟环保局办公室的，我们局配合哪些工作", topical) == "盟环保局配合哪些工作"
    assert focus("我是旗里市场监管局的，我们局长问标准体系归哪个部门管", topical) == "我们局长问标准体系归哪个部门管"
    assert focus("简易注销 谁牵头", topical) == "简易注销 谁牵头"  # bare keywords are one piece
    # the piece that asks names a unit, no task: the task before it comes along
    task = lambda piece: "简易注销" in piece  # noqa: E731
    assert focus("简易注销，工商局牵头吗", lambda p: "工商局" in p or task(p), lambda p: "工商局" in p, task) == (
        "简易注销，工商局牵头吗"
    )
    # the piece that asks names one word of the plans: the piece right before it naming a topic comes along, not
    # the asker's errand before that
    words = lambda piece: sum(len(w) // 2 for w in ("疑难事项", "兜底", "简易注销") if w in piece)  # noqa: E731
    named = lambda piece: words(piece) > 0  # noqa: E731
    assert focus("领导让我问一下，办不成的疑难事项，兜底由哪个部门负责", named, names_task=named, task_words=words) == (
        "办不成的疑难事项，兜底由哪个部门负责"
    )
    assert focus("会上说了疑难事项，简易注销谁牵头", named, names_task=named, task_words=words) == "简易注销谁牵头"
    # a topic told over several pieces before a question that names none: each piece holding enough of the plans'
    # words comes along, the asker's context (one word of the plans: 电话) does not
    plan_words = ("企业", "投标", "工程", "现金", "保证金", "保函", "退还", "电话", "名录", "进展")
    counted = lambda piece: sum(w in piece for w in plan_words)  # noqa: E731
    told = lambda piece: counted(piece) > 0  # noqa: E731
    question = "企业投标、干工程要押现金保证金，改成用保函、及时退还，这事谁牵头"
    assert focus(question, told, names_task=told, task_words=counted) == question
    assert focus("刚接到电话，要报送名录进展，这项工作谁牵头", told, names_task=told, task_words=counted) == (
        "要报送名录进展，这项工作谁牵头"
    )


def test_a_task_named_by_the_plans_common_words_is_a_topic(assistant):
    """规范 执法 行为 are each in many clauses of the shipped plan; together they name a task."""
    normaliser = assistant.normaliser
    assert normaliser("会上提到了规范执法行为这项工作，想问是谁牵头的").text.startswith("会上提到了规范执法行为")
    query = assistant.analyzer.analyze("简易注销，工商局牵头吗")
    assert query.intent == "yes_no" and "简易注销" in query.terms


def test_words_the_plans_lack_weigh_by_what_they_say(assistant):
    salience = Salience(assistant.analyzer.tokenizer.dictionary)
    for light in ("嗯", "那个", "就是", "总共", "一共", "领导", "会上", "回来", "谢谢", "到期", "我查"):
        assert salience.weight(light) == 0, light
    for salient in ("python", "天气", "安装", "罚款", "编程", "维修"):
        assert salience.weight(salient) == 1, salient
