"""The plans' language: patterns composed from the lists, and staff's additions from terms.yaml."""

from __future__ import annotations

import re

from qa.reading.duties import DutyParser
from qa.reading.knowledge import load_lexicon
from qa.reading.units import UnitDirectory
from qa.vocabulary import (
    ROLE_ENDINGS,
    STOP_WORDS,
    Vocabulary,
    alternation,
    unit_ending_pattern,
)


def test_alternation_tries_longer_words_first():
    assert re.match(alternation(["委", "委员会"]), "委员会").group(0) == "委员会"
    assert unit_ending_pattern(["局", "委员会"]).search("盟编制委员会")
    assert not unit_ending_pattern(["局"]).search("局长")


def test_role_endings_longest_first():
    endings = [word for word, _ in Vocabulary().role_endings]
    assert endings.index("按职责分工负责") < endings.index("负责")
    assert set(Vocabulary().role_endings) == set(ROLE_ENDINGS)


def test_staff_extend_lists_from_terms_yaml(tmp_path):
    (tmp_path / "terms.yaml").write_text(
        "vocabulary:\n  stop_words: [麻烦]\n  unit_endings: [工作站]\n  role_words: {督办: lead, 跟进: cooperate}\n",
        encoding="utf-8",
    )
    vocabulary = load_lexicon(tmp_path, []).vocabulary
    assert "麻烦" in vocabulary.stop_words and "麻烦" in vocabulary.form_words
    assert "工作站" in vocabulary.unit_endings
    duty = DutyParser(UnitDirectory(), vocabulary).parse("(责任单位:市发改委督办,市财政局跟进)")
    assert duty.lead == ("市发改委",) and duty.cooperate == ("市财政局",)


def test_unknown_role_in_terms_yaml_is_ignored():
    vocabulary = Vocabulary().extended({"role_words": {"督办": "boss"}, "nonsense": [1]})
    assert vocabulary.extra_roles == () and vocabulary.stop_words == STOP_WORDS


def test_role_words_of_three_and_more_roles():
    from qa.vocabulary import ROLE_ENDINGS

    roles = dict(ROLE_ENDINGS)
    assert set(roles.values()) == {"lead", "cooperate", "responsible", "shared"}
    assert roles["落实"] == roles["按职责分工落实"] == "cooperate"
    assert roles["牵头并按职责分工负责"] == "lead" and roles["按职责分工负责"] == "shared"
    assert len(ROLE_ENDINGS) == len(roles)  # each role word once


def test_convention_statements_compose_from_the_lists():
    from qa.reading.duties import CONVENTION
    from qa.vocabulary import CONVENTION_POSITIONS

    assert set(CONVENTION_POSITIONS.values()) == {"comma_leads", "first_leads"}
    for statement in (
        "逗号前为牵头单位",
        "排名第一位的为牵头责任单位",
        "列第一位的为牵头单位",
        "排在第一位的为牵头单位",
    ):
        assert CONVENTION.search(statement), statement


def test_unit_endings_hold_divisions_and_own_names_but_never_prefix_them():
    from qa.vocabulary import DEPARTMENT_ENDINGS, OWN_NAME_ENDINGS, UNIT_ENDINGS

    assert set(OWN_NAME_ENDINGS) <= set(UNIT_ENDINGS)
    assert not set(OWN_NAME_ENDINGS) & set(DEPARTMENT_ENDINGS)
    assert unit_ending_pattern(UNIT_ENDINGS).search("审批处") and unit_ending_pattern(UNIT_ENDINGS).search(
        "法规科"
    )


def test_words_naming_the_units_asked_for_or_a_duration_are_no_topic():
    from qa.vocabulary import FORM_WORDS, UNIT_WORDS

    assert {"处室", "科室"} <= set(UNIT_WORDS) <= FORM_WORDS  # "配合处室是哪个" asks for units, as 单位 does
    assert {"几天", "多少天", "几个月"} <= FORM_WORDS  # "要压到几天" asks how long, about no topic


def test_ordinals_are_read_as_numbers():
    from qa.vocabulary import ORDINAL_PLAN, ordinal_number

    assert [ordinal_number(w) for w in ("2", "二", "两", "十", "十二", "二十", "二十三")] == [2, 2, 2, 10, 12, 20, 23]
    assert ORDINAL_PLAN.match("第三个方案的配合单位呢").end() == len("第三个方案的")
    assert ORDINAL_PLAN.match("那最后一个呢").group("last") and ORDINAL_PLAN.match("第三条是什么") is None
