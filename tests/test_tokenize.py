"""Tokens: jieba words with the plans' own terms kept whole, no punctuation or stop words."""

from __future__ import annotations

from qa.index.tokenize import Tokenizer, normalize


def test_plan_terms_are_kept_whole():
    tokens = Tokenizer(["简易注销", "双随机、一公开"]).tokens("简易注销有哪些配合单位？")
    assert "简易注销" in tokens and "哪些" not in tokens and "？" not in tokens


def test_a_word_is_kept_whole_though_a_longer_one_it_opens_was_added_first():
    """“大数据中心” sorts before 大数据 (its quote first): jieba keeps 大数据 as that word's prefix with a count of 0,
    which it never cuts whole; a word to keep is added unless it is a word already."""
    tokenizer = Tokenizer(["“大数据中心”", "大数据"])
    assert tokenizer.words("运用大数据") == ["运用", "大数据"]
    assert tokenizer.dictionary["大数据"] > 0
    # digits that are such a prefix are left so: 20 of “2025年” made a word would cut every year in two
    assert Tokenizer(["“2025年”", "20"]).words("2023年底前") == ["2023", "年底", "前"]


def test_width_is_folded():
    assert normalize("（ＡＢ１）") == "(ab1)"
    assert Tokenizer().tokens("１２３１５投诉") == Tokenizer().tokens("12315投诉")


def test_punctuation_and_stop_words_are_not_evidence():
    assert Tokenizer().tokens("的了吗？！，。") == []


def test_instances_do_not_share_added_words():
    Tokenizer(["锡林郭勒盟特有词"])
    assert "锡林郭勒盟特有词" not in Tokenizer().tokens("锡林郭勒盟特有词")


def test_a_question_read_in_stages_is_cut_once(assistant, monkeypatch):
    # the long form's last piece, the slips and the topic words read the same text: jieba cuts it once
    jieba = assistant.analyzer.tokenizer._jieba
    cut, real = [], jieba.lcut
    monkeypatch.setattr(jieba, "lcut", lambda text, *args, **kw: cut.append(text) or real(text, *args, **kw))
    question = assistant.analyzer.analyze("打扰一下，强化竞争执法的牵头单位是哪个")
    assert question.terms and cut
    assert len(cut) == len(set(cut)), cut


def test_the_word_graph_and_route_are_jiebas_own():
    # the tokenizer's faster loops give the words jieba's own give, on the compilation's text when it is here
    from pathlib import Path

    from qa.index.jieba_import import jieba

    ours = Tokenizer(["简易注销", "盟工商局"])
    plain = jieba.Tokenizer()
    plain.FREQ, plain.total, plain.initialized = ours.dictionary, ours._jieba.total, True
    folder = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "compilation"
    lines = [line for path in sorted(folder.glob("*.txt"))[:3] for line in path.read_text("utf-8").splitlines()]
    lines = [line for line in lines if line.strip()][:3000] or ["全面实施企业简易注销登记改革，由盟工商局牵头。"]
    assert [ours._jieba.lcut(line) for line in lines] == [plain.lcut(line) for line in lines]


def test_a_part_straddling_a_words_own_words_is_marked_one_inside_them_is_not():
    """联动机制 is 联动 + 机制: 动机 (a motive) runs across them; 中小企业's 小企业 too. 承诺 lies inside 告知承诺制's
    承诺制, 市场监管 inside 市场监管局 (its last character may stand alone), and 工商户 is made of no such words."""
    tokenizer = Tokenizer()
    assert tokenizer.crossing_parts("联动机制") == {"动机"}
    assert tokenizer.crossing_parts("中小企业") == {"小企业"}
    for word in ("告知承诺制", "市场监管局", "工商户", "营商环境"):
        assert not tokenizer.crossing_parts(word), word
