"""qa.joined: which of many texts hold a word, found in their joined text."""

from qa.joined import JoinedTexts


def test_each_text_holding_the_word_in_order_once():
    texts = JoinedTexts(["简易注销", "注销与注销", "", "企业开办", "办理注销"])
    assert list(texts.holding("注销")) == [0, 1, 4]
    assert list(texts.holding("开办")) == [3] and list(texts.holding("审批")) == []
    assert len(texts) == 5 and list(texts.holding("")) == [0, 1, 2, 3, 4]


def test_a_word_never_spans_two_texts():
    texts = JoinedTexts(["简易", "注销", "a\x00b"])  # a separator inside a text is read as a space
    assert list(texts.holding("简易注销")) == [] and list(texts.holding("a\x00b")) == []
    assert list(texts.holding("b")) == [2]
