"""The plans' language: patterns composed from the lists, and staff's additions from terms.yaml."""
from __future__ import annotations

import re

from qa.reading.duties import DutyParser
from qa.reading.knowledge import load_lexicon
from qa.reading.units import UnitDirectory
from qa.vocabulary import ROLE_ENDINGS, STOP_WORDS, Vocabulary, alternation, unit_ending_pattern


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
