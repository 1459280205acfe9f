"""Tokens: jieba words with the plans' own terms kept whole, no punctuation or stop words."""

from __future__ import annotations

from qa.index.tokenize import Tokenizer, normalize


def test_plan_terms_are_kept_whole():
    tokens = Tokenizer(["简易注销", "双随机、一公开"]).tokens("简易注销有哪些配合单位？")
    assert "简易注销" in tokens and "哪些" not in tokens and "？" not in tokens


def test_width_is_folded():
    assert normalize("（ＡＢ１）") == "(ab1)"
    assert Tokenizer().tokens("１２３１５投诉") == Tokenizer().tokens("12315投诉")


def test_punctuation_and_stop_words_are_not_evidence():
    assert Tokenizer().tokens("的了吗？！，。") == []


def test_instances_do_not_share_added_words():
    Tokenizer(["锡林郭勒盟特有词"])
    assert "锡林郭勒盟特有词" not in Tokenizer().tokens("锡林郭勒盟特有词")
