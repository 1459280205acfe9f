"""The normalise stage: traditional characters, staff's corrections, input-method slips and short forms read
as the plans' own words."""

from __future__ import annotations

import pytest

from qa.answering.normalise import (
    Normaliser,
    PlanVocabulary,
    differing,
    short_forms,
    word_pieces,
    word_short_forms,
)

# The plans' words (with how many clauses hold each) and a small general dictionary.
WORDS = {"特种设备": 3, "证照分离": 1, "知识产权": 2, "消费者协会": 1, "公示": 4, "标志": 2, "地理标志": 1}
DICTIONARY = {
    "特种": 50,
    "设备": 900,
    "知识": 800,
    "产权": 300,
    "消费者": 700,
    "协会": 400,
    "公司": 45000,
    "公示": 119,
    "标志": 3600,
    "标致": 105,
    "证照": 20,
    "分离": 500,
}
FORM = {"谁", "牵头", "哪个", "负责", "哪些", "单位"}


def segment(text: str) -> list[str]:
    """A stand-in segmenter: known words first, longest first, else one character."""
    known = set(WORDS) | set(DICTIONARY) | FORM
    out, i = [], 0
    while i < len(text):
        j = next((j for j in range(min(len(text), i + 6), i + 1, -1) if text[i:j] in known), i + 1)
        out.append(text[i:j])
        i = j
    return out


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    vocabulary = PlanVocabulary(WORDS, DICTIONARY, FORM)
    return Normaliser(vocabulary, segment, {"牵投": "牵头"}, plan_chars="".join(WORDS), protected={"工商"})


def test_word_pieces_and_short_forms():
    known = {"知识", "产权", "食品", "安全", "总监", "消费者", "协会"}.__contains__
    assert word_pieces("知识产权", known) == ["知识", "产权"]
    assert word_pieces("消费者协会", known) == ["消费者", "协会"]
    assert word_pieces("知识", known) is None  # one piece is no compound
    assert "知产" in short_forms(["知识", "产权"])
    assert {"食安总监", "食安"} <= short_forms(["食品", "安全", "总监"]) | short_forms(["食品", "安全"])
    assert differing("特种设被", "特种设备") == 1


def test_a_one_character_suffix_is_kept_whole_in_short_forms():
    known = {"医疗", "保险", "保险费", "道路", "运输"}.__contains__
    # 医疗/保险费 alone gives 医保险费 and 医保; staff say 医保费: the suffix 费 stays, as 证 of 道路运输证 does
    assert {"医保费", "医保险费"} <= word_short_forms("医疗保险费", known)
    assert "道运证" in word_short_forms("道路运输证", known)
    assert word_short_forms("保险费", known) == set()  # too short to have a short form
    vocabulary = PlanVocabulary({"医疗保险费": 1, "医疗": 2, "保险": 2}, {"医疗": 900, "保险": 900}, FORM)
    assert Normaliser(vocabulary, segment)("医保费缓缴谁牵头").text == "医疗保险费缓缴谁牵头"


def test_traditional_characters_become_simplified(normaliser):
    assert normaliser("廣告業發展誰牽頭").text == "广告业发展谁牵头"
    assert normaliser("簡易註銷").changes == ()  # converting characters is not a guess to show


def test_full_width_is_folded_and_corrections_applied(normaliser):
    reading = normaliser("ＡＢ特种设备谁牵投？")
    assert reading.text == "ab特种设备谁牵头?" and reading.changes == (("牵投", "牵头"),)


@pytest.mark.parametrize(
    "question, read, change",
    [
        ("特种设被谁牵头", "特种设备谁牵头", ("特种设被", "特种设备")),
        ("证照分里谁牵头", "证照分离谁牵头", ("证照分里", "证照分离")),
        ("地理标致谁负责", "地理标志谁负责", ("地理标致", "地理标志")),
    ],
)
def test_slips_are_read_as_the_plans_words(normaliser, question, read, change):
    reading = normaliser(question)
    assert reading.text == read and reading.changes == (change,)


@pytest.mark.parametrize(
    "question, read",
    [
        ("知产谁负责", "知识产权谁负责"),
        ("特设谁牵头", "特种设备谁牵头"),
        ("消协哪些单位", "消费者协会哪些单位"),
    ],
)
def test_short_forms_are_read_as_the_plans_terms(normaliser, question, read):
    assert normaliser(question).text == read


def test_common_words_are_meant_as_typed(normaliser):
    assert (
        normaliser("公司谁负责").text == "公司谁负责"
    )  # gong si sounds like 公示, but 公司 is far more common
    assert normaliser("标致谁负责").text == "标志谁负责"  # 标致 is a word, but 标志 is far more common


def test_protected_words_and_unit_abbreviations_are_left_alone():
    vocabulary = PlanVocabulary({"工伤": 1, "社区": 1}, {"工伤": 10}, FORM)
    plain = Normaliser(vocabulary, segment, protected={"工商"}, unit_endings=("局",))
    assert plain("工商谁牵头").text == "工商谁牵头"  # sounds like 工伤, but names a unit
    assert plain("社局谁牵头").text == "社局谁牵头"  # may abbreviate a unit (人社局): the units decide


def test_lone_surrogates_do_not_break_the_converter(normaliser):
    assert normaliser("\ud800特种设备").text == "特种设备"


def test_stages_check_their_parameters():
    vocabulary = PlanVocabulary(WORDS, DICTIONARY)
    with pytest.raises(ValueError, match="vocabulary"):
        Normaliser("words", segment)
    with pytest.raises(ValueError, match="segment"):
        Normaliser(vocabulary, "jieba")
    with pytest.raises(ValueError, match="rare"):
        Normaliser(vocabulary, segment, rare=-1)
    with pytest.raises(ValueError, match="odds"):
        Normaliser(vocabulary, segment, odds=0)
    with pytest.raises(ValueError, match="longest"):
        PlanVocabulary(WORDS, DICTIONARY, longest=1)


def test_the_assistant_reads_slips_against_its_own_plans(assistant):
    reading = assistant.normaliser("负面清担制度谁牵头")
    assert reading.text == "负面清单制度谁牵头"
    assert assistant.normaliser("简易注销有哪些配合单位？").changes == ()


def test_a_short_form_the_plans_title_a_task_with_is_read_as_typed():
    vocabulary = PlanVocabulary(WORDS, DICTIONARY, FORM)
    titled = Normaliser(vocabulary, segment, plan_chars="".join(WORDS), titles="加强知识产权保护\n开展知产服务月活动")
    assert titled("知产谁负责").text == "知产谁负责"  # a plan writes 知产 in a title: its own word
    untitled = Normaliser(vocabulary, segment, plan_chars="".join(WORDS), titles="加强知识产权保护")
    assert untitled("知产谁负责").text == "知识产权谁负责"
