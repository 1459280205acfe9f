"""The start-up snapshot (jieba's words of each text, jieba's dictionary, the BM25 postings): written on the
first start, read on the next, rebuilt when stale or damaged, and never able to change an answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa import Assistant, StateStore, load_corpus
from qa.index import snapshot as snapshot_files
from qa.index.bm25 import PostingsBM25
from qa.index.snapshot import (
    dictionary_key,
    load_dictionary,
    load_postings,
    load_words,
    part,
    save_dictionary,
    tokenizer_key,
)
from qa.index.tokenize import WORD, Tokenizer, base_dictionary, normalize

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["简易注销有哪些配合单位？", "盟市场监管局牵头哪些工作", "特种设被谁负责", "知产保护谁牵头"]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus")


def build(corpus, snapshot: Path | None) -> Assistant:
    return Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"), snapshot=snapshot)


def test_the_second_start_reads_the_snapshot_and_answers_the_same(corpus, tmp_path, monkeypatch):
    snapshot = tmp_path / "index.json"
    first = build(corpus, snapshot)
    unsnapshotted = build(corpus, None)
    for suffix in (".json", ".jieba", ".bm25.npz", ".pinyin.json"):
        assert part(snapshot, suffix).stat().st_size > 0, suffix
    calls = []
    original = Tokenizer.words
    monkeypatch.setattr(Tokenizer, "words", lambda self, text: calls.append(text) or original(self, text))
    monkeypatch.setattr("qa.index.bm25.BM25Okapi", None)  # the postings too come from the snapshot
    second = build(corpus, snapshot)
    assert len(calls) < 5  # the plans' places only: every clause came from the snapshot
    for question in QUESTIONS:
        assert second.ask(question) == first.ask(question) == unsnapshotted.ask(question)


def test_postings_from_the_snapshot_are_those_built(corpus, tmp_path, monkeypatch):
    tokens = [Tokenizer().tokens(c.text) for c in corpus.clauses if c.kind != "heading"]
    path = tmp_path / "p.bm25.npz"
    built = PostingsBM25(tokens, k1=1.2, b=0.5, snapshot=path)
    monkeypatch.setattr("qa.index.bm25.BM25Okapi", None)  # the second must not build: it would fail
    read = PostingsBM25(tokens, k1=1.2, b=0.5, snapshot=path)
    assert read.postings.keys() == built.postings.keys()
    for term, (docs, weights) in built.postings.items():
        assert np.array_equal(read.postings[term][0], docs) and np.allclose(read.postings[term][1], weights)
    assert read.max_idf == built.max_idf and read.has(0, tokens[0][0])


def test_postings_of_other_tokens_or_settings_are_rebuilt(tmp_path):
    path = tmp_path / "p.bm25.npz"
    PostingsBM25([["监管", "注销"], ["监管"]], snapshot=path)
    changed = PostingsBM25([["监管", "注销"], ["信用"]], snapshot=path)
    assert changed.document_frequency("监管") == 1 and changed.document_frequency("信用") == 1
    other_b = PostingsBM25([["监管", "注销"], ["信用"]], b=0.2, snapshot=path)
    plain = PostingsBM25([["监管", "注销"], ["信用"]], b=0.2)
    assert np.allclose(other_b.scores(["注销"]), plain.scores(["注销"]))


@pytest.mark.parametrize("damage", [b"not an npz", b"PK\x03\x04garbage"])
def test_damaged_postings_are_rebuilt(tmp_path, damage):
    path = tmp_path / "p.bm25.npz"
    path.write_bytes(damage)
    assert PostingsBM25([["监管"], ["注销"]], snapshot=path).document_frequency("注销") == 1
    assert load_postings(path, snapshot_files.postings_key([["监管"], ["注销"]], 1.5, 0.75, 0.25)) is not None


def test_postings_pointing_past_the_clauses_are_rebuilt(tmp_path):
    path = tmp_path / "p.bm25.npz"
    tokens = [["监管"], ["注销"], ["监管", "信用"]]
    PostingsBM25(tokens, snapshot=path)
    key = snapshot_files.postings_key(tokens, 1.5, 0.75, 0.25)
    terms, ends, docs, weights, idf = load_postings(path, key)
    snapshot_files.save_postings(path, key, terms, ends, docs + 5, weights, idf)  # same key, bad clause ids
    rebuilt = PostingsBM25(tokens, snapshot=path)
    assert rebuilt.top(["注销"]) == PostingsBM25(tokens).top(["注销"]) and rebuilt.top(["注销"])[0][0] == 1


def test_jieba_dictionary_round_trips(tmp_path):
    freq, total = base_dictionary()
    path = tmp_path / "d.jieba"
    save_dictionary(path, dictionary_key(), freq, total)
    assert load_dictionary(path, dictionary_key()) == (freq, total)
    assert load_dictionary(path, "another jieba") is None


@pytest.mark.parametrize("damage", [b"", b"{not json\n", b'{"key": "k", "total": 1, "count": 3, "words_bytes": 5}\nab\ncd'])
def test_a_damaged_jieba_dictionary_is_not_read(tmp_path, damage):
    path = tmp_path / "d.jieba"
    path.write_bytes(damage.replace(b'"k"', json.dumps(dictionary_key()).encode()))
    assert load_dictionary(path, dictionary_key()) is None


def test_tokens_made_from_words_are_jiebas_search_mode(corpus):
    tokenizer = Tokenizer(["简易注销", "双随机、一公开"])
    for clause in corpus.clauses:
        expected = [t for t in tokenizer._jieba.cut_for_search(normalize(clause.text), HMM=True)
                    if t.strip() and WORD.match(t) and t not in tokenizer.stop_words]
        assert tokenizer.tokens(clause.text) == expected


def test_a_damaged_snapshot_is_rebuilt(corpus, tmp_path):
    snapshot = tmp_path / "index.json"
    snapshot.write_text("{not json", encoding="utf-8")
    for suffix in (".jieba", ".bm25.npz", ".pinyin.json"):
        part(snapshot, suffix).write_bytes(b"\x00garbage")
    assistant = build(corpus, snapshot)
    assert assistant.ask("简易注销有哪些配合单位？").found
    assert json.loads(snapshot.read_text(encoding="utf-8"))["words"]


def test_another_tokenizer_never_reads_this_snapshot(tmp_path):
    snapshot = tmp_path / "index.json"
    plain = Tokenizer(["简易注销"])
    plain.words_of_all(["全面实施企业简易注销登记"], snapshot)
    other = Tokenizer(["企业简易注销登记"])
    assert load_words(snapshot, tokenizer_key(other.added, other.stop_words)) == {}
    found = other.words_of_all(["全面实施企业简易注销登记"], snapshot)
    assert found == {"全面实施企业简易注销登记": other.words("全面实施企业简易注销登记")}


def test_a_changed_plan_costs_only_its_changed_text(tmp_path):
    snapshot = tmp_path / "index.json"
    tokenizer = Tokenizer()
    tokenizer.words_of_all(["加强市场监管", "推进简易注销"], snapshot)
    tokenizer.words_of_all(["加强市场监管", "完善信用监管"], snapshot)
    kept = json.loads(snapshot.read_text(encoding="utf-8"))["words"]
    assert set(kept) == {"加强市场监管", "完善信用监管"}  # the file holds only the plans of now


@pytest.mark.parametrize("with_snapshot", [False, True])
def test_each_distinct_text_is_segmented_once(tmp_path, monkeypatch, with_snapshot):
    tokenizer = Tokenizer(["简易注销"])
    calls: list[str] = []
    original = tokenizer.words
    monkeypatch.setattr(tokenizer, "words", lambda text: calls.append(text) or original(text))
    texts = ["全面实施简易注销", "加强事中事后监管", "全面实施简易注销"] * 3  # plans copied under other names
    found = tokenizer.words_of_all(texts, tmp_path / "snap.json" if with_snapshot else None)
    assert sorted(calls) == sorted(set(texts))
    assert "简易注销" in found["全面实施简易注销"]


def test_the_added_words_are_read_back_as_adding_them_made_them(tmp_path):
    """The second tokenizer over the same words reads what adding them made: the same entries, total and cuts;
    other words, or a damaged file, add them anew."""
    words = ["简易注销登记", "盟市场监督管理局", "营商环境", "一网通办", "双随机一公开", "证照分离改革"]
    first = Tokenizer(words, dictionary=tmp_path / "s.jieba")
    assert (tmp_path / "s.added.json").is_file()
    again = Tokenizer(words, dictionary=tmp_path / "s.jieba")
    fresh = Tokenizer(words)  # no snapshot: every word added anew
    assert again.added == first.added == fresh.added and again._jieba.total == fresh._jieba.total
    assert all(again.dictionary[w] == fresh.dictionary[w] for w in fresh.added)
    assert set(again.dictionary) == set(fresh.dictionary)
    text = "简易注销登记由盟市场监督管理局牵头，推进一网通办和证照分离改革"
    assert again.words(text) == fresh.words(text) and again.tokens(text) == fresh.tokens(text)
    other = Tokenizer([*words, "交房即交证"], dictionary=tmp_path / "s.jieba")
    assert "交房即交证" in other.added
    (tmp_path / "s.added.json").write_text("{not json", encoding="utf-8")
    damaged = Tokenizer(words, dictionary=tmp_path / "s.jieba")
    assert damaged.added == fresh.added and damaged._jieba.total == fresh._jieba.total


# -- a restart over the same plans: the index, its texts and the vocabulary's tables read, nothing cut ----------
def questions_of(*names: str) -> tuple[list[str], list[list[str]]]:
    """The questions of the project's sets (tests/questions/…): single ones, and dialogues as their turns."""
    import yaml

    singles, dialogues = [], []
    for name in names:
        for path in sorted((ROOT / "tests" / "questions").glob(name)):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                if isinstance(item, dict) and "q" in item:
                    singles.append(item["q"])
                elif isinstance(item, dict) and "dialogue" in item:
                    dialogues.append([turn["q"] for turn in item["dialogue"]])
    return singles, dialogues


def answers(assistant: Assistant, singles: list[str], dialogues: list[list[str]]) -> list:
    """Every answer as plain data: the single questions, then each dialogue in a session of its own."""
    from dataclasses import asdict

    found = [asdict(assistant.ask(q)) for q in singles]
    for n, turns in enumerate(dialogues):
        found += [asdict(assistant.ask(q, f"dialogue-{n}")) for q in turns]
    return found + [list(assistant.examples)]


def test_a_restart_answers_the_dev_questions_as_a_build_without_snapshot(both_plans, tmp_path, monkeypatch):
    """A few hundred questions of the project's sets (the shipped plan and the Sanya plan loaded), dialogues and
    their topic switches included, answered alike with no snapshot, writing it, and reading it back."""
    corpus = load_corpus(both_plans)
    singles, dialogues = questions_of("*.yaml", "typing/*.yaml", "wording/*.yaml")
    assert len(singles) + sum(map(len, dialogues)) > 300
    snapshot = tmp_path / "index.json"
    plain = answers(build(corpus, None), singles, dialogues)
    first = answers(build(corpus, snapshot), singles, dialogues)
    for suffix in (".texts", ".vocabulary.json", ".bm25.npz"):
        assert part(snapshot, suffix).stat().st_size > 0, suffix
    monkeypatch.setattr(Tokenizer, "words_of_all", lambda *a: pytest.fail("a restart cuts no clause's text"))
    monkeypatch.setattr("qa.index.retrieve.index_texts", lambda *a: pytest.fail("nor makes its index text"))
    restarted = build(corpus, snapshot)
    assert restarted.normaliser.vocabulary.restored
    assert plain == first == answers(restarted, singles, dialogues)


def test_restored_postings_hold_each_clauses_terms_as_built(corpus, tmp_path):
    tokenizer = Tokenizer()
    texts = [c.text for c in corpus.clauses if c.kind != "heading"]
    tokens = [tokenizer.tokens(t) or [] for t in texts] + [[]]  # a clause of stop words alone too
    path, key = tmp_path / "p.bm25.npz", snapshot_files.texts_key("t", [*texts, "的"], 1.5, 0.75)
    built = PostingsBM25(tokens, snapshot=path, texts=key)
    read = PostingsBM25.restored(path, key, len(tokens))
    assert read is not None and read.postings.keys() == built.postings.keys() and read.max_idf == built.max_idf
    assert all(read.terms(doc) == built.terms(doc) for doc in range(len(tokens)))
    assert read.has(0, tokens[0][0]) and read.terms(-1) == built.terms(-1) == frozenset(["\x00"])
    assert np.array_equal(read.scores(["监管", "注销"]), built.scores(["监管", "注销"]))
    assert PostingsBM25.restored(path, "other texts", len(tokens)) is None
    assert PostingsBM25.restored(path, key, len(tokens) + 1) is None  # other clauses


def test_postings_read_by_their_tokens_are_kept_for_the_texts_too(tmp_path):
    """A file written before (without the texts' key) is read by the tokens, then kept under the texts' key."""
    tokens, path = [["监管", "注销"], ["信用"]], tmp_path / "p.bm25.npz"
    PostingsBM25(tokens, snapshot=path)
    assert PostingsBM25.restored(path, "k", 2) is None
    PostingsBM25(tokens, snapshot=path, texts="k")
    assert PostingsBM25.restored(path, "k", 2).document_frequency("信用") == 1


@pytest.mark.parametrize("damage", ["bad terms", "bad ends", "garbage"])
def test_damaged_postings_of_texts_are_not_restored(tmp_path, damage):
    tokens, path = [["监管", "注销"], ["信用"], ["监管"]], tmp_path / "p.bm25.npz"
    PostingsBM25(tokens, snapshot=path, texts="k")
    if damage == "garbage":
        path.write_bytes(b"PK\x03\x04garbage")
    else:
        with np.load(path) as data:
            arrays = {name: data[name] for name in data.files}
        if damage == "bad terms":
            arrays["doc_terms"] = arrays["doc_terms"] + 100  # no such term
        else:
            arrays["doc_ends"] = arrays["doc_ends"][:-1]  # a clause short
        np.savez(path, **arrays)
    assert PostingsBM25.restored(path, "k", 3) is None
    assert PostingsBM25(tokens, snapshot=path, texts="k").document_frequency("监管") == 2  # rebuilt, kept again
    assert PostingsBM25.restored(path, "k", 3) is not None


def test_the_indexed_texts_are_kept_for_the_same_clauses_and_made_anew_for_others(corpus, tmp_path, monkeypatch):
    from dataclasses import replace

    from qa.index import retrieve

    clauses = [c for c in corpus.clauses if c.kind != "heading"]
    path = tmp_path / "s.texts"
    assert retrieve.kept_texts(clauses, path) == retrieve.index_texts(clauses)
    made = []
    original = retrieve.index_texts
    monkeypatch.setattr(retrieve, "index_texts", lambda cs: made.append(len(cs)) or original(cs))
    assert retrieve.kept_texts(clauses, path) == original(clauses) and made == []  # read back
    changed = [replace(clauses[0], title=clauses[0].title + "（修订）"), *clauses[1:]]
    assert retrieve.kept_texts(changed, path) == original(changed) and made == [len(changed)]
    path.write_bytes(b'{"key": 1}\n\xff\xfe')  # damaged: made anew
    assert retrieve.kept_texts(clauses, path) == original(clauses) and made[-1] == len(clauses)
    assert snapshot_files.load_texts(path, "another key", len(clauses)) is None


def test_the_vocabulary_tables_are_read_back_as_built(corpus, tmp_path):
    from qa.answering.normalise import PlanVocabulary
    from qa.answering.readings import Readings

    tokenizer = Tokenizer(["知识产权", "特种设备"])
    words = {w: 1 + len(w) for c in corpus.clauses for w in tokenizer.words(c.text) if len(w) >= 2}
    compounds = {"营业收入": 3, "知识产权": 2}
    path = tmp_path / "s.vocabulary.json"
    built = PlanVocabulary(words, tokenizer.dictionary, {"哪些"}, compounds=compounds, readings=Readings(),
                           snapshot=path, identity="i")
    assert not built.restored and path.is_file()
    read = PlanVocabulary(words, tokenizer.dictionary, {"哪些"}, compounds=lambda: pytest.fail("not made"),
                          readings=Readings(), snapshot=path, identity="i")
    assert read.restored
    assert list(read.frequency.items()) == list(built.frequency.items())
    assert read.by_sound == built.by_sound and read.by_short == built.by_short
    assert read.expand("营收") == built.expand("营收") == ["营业收入"]
    assert read.sounding("特种设被", 1) == built.sounding("特种设被", 1)
    for other in ({"identity": "j"}, {"form_words": {"哪些", "什么"}}):  # other inputs: built anew
        kwargs = {"form_words": {"哪些"}, "identity": "i", **other}
        again = PlanVocabulary(words, tokenizer.dictionary, kwargs["form_words"], compounds=compounds,
                               readings=Readings(), snapshot=path, identity=kwargs["identity"])
        assert not again.restored
    path.write_text('{"key": "x", "by_sound": [', encoding="utf-8")
    assert not PlanVocabulary(words, tokenizer.dictionary, {"哪些"}, compounds=compounds, readings=Readings(),
                              snapshot=path, identity="i").restored


def test_a_restart_keeps_the_readings_of_the_plans_words(corpus, tmp_path):
    """A restart reads the vocabulary's tables, not the words' readings: the readings' file still keeps them."""
    snapshot = tmp_path / "index.json"
    build(corpus, snapshot)
    kept = json.loads(part(snapshot, ".pinyin.json").read_text(encoding="utf-8"))["words"]
    assert kept and build(corpus, snapshot).normaliser.vocabulary.restored
    assert json.loads(part(snapshot, ".pinyin.json").read_text(encoding="utf-8"))["words"] == kept


def test_text_words_cut_one_text_on_a_look_up_and_all_of_them_once_when_gone_through():
    from qa.index.tokenize import TextWords

    tokenizer, made = Tokenizer(["简易注销"]), []
    texts = ["全面实施简易注销", "加强事中事后监管"]
    words = TextWords(texts, lambda: made.append(1) or {t: tokenizer.words(t) for t in texts}, tokenizer.words)
    assert words.get("全面实施简易注销") == tokenizer.words("全面实施简易注销") and not made
    assert words.get("不是其中的", ()) == () and "加强事中事后监管" in words and len(words) == 2
    assert words["加强事中事后监管"] == tokenizer.words("加强事中事后监管") and made == [1]
    assert dict(words) == {t: tokenizer.words(t) for t in texts} and made == [1]


def test_distinct_characters_of_a_long_text():
    from qa.answering.normalise import distinct_chars

    text = "简易注销，ＡＢ ab 𠀀\ud800" * 2000 + "监管"
    assert distinct_chars(text) == frozenset(text) and distinct_chars("短文") == frozenset("短文")


def test_the_build_leaves_frozen_objects_frozen():
    """The collector's pause ages what the build made without a scan, and thaws nothing frozen before it."""
    import gc

    from web import _collector_paused

    with _collector_paused():
        made = [[n] for n in range(10_000)]
    assert gc.get_count()[0] < 1000 and made
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _collector_paused():
            more = [[n] for n in range(10_000)]
        # thawing would empty the frozen generation; a frozen object freed meanwhile (by another test's
        # garbage) only lowers the count a little
        assert gc.get_freeze_count() > frozen // 2 and more
    finally:
        gc.unfreeze()


def test_jiebas_grammatical_words_are_kept_beside_the_index_and_read_back(tmp_path, monkeypatch):
    import qa.index.salience as salience

    monkeypatch.setattr(salience, "_LIGHT", {})
    cache = tmp_path / "index.light.json"
    read = salience.light_pos_words(cache)
    assert {"的", "了", "吗"} <= read and "注销" not in read
    kept = json.loads(cache.read_text(encoding="utf-8"))
    assert set(kept["words"]) == read
    monkeypatch.setattr(salience, "_LIGHT", {})
    kept["words"] = ["注销"]  # what the file says is what a restart reads: the dictionary is not read again
    cache.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    assert salience.light_pos_words(cache) == {"注销"}
    for damage in ("{not json", json.dumps({"key": "another dictionary", "words": ["注销"]})):
        monkeypatch.setattr(salience, "_LIGHT", {})
        cache.write_text(damage, encoding="utf-8")
        assert salience.light_pos_words(cache) == read  # damaged or stale: read from the dictionary, kept again
        assert set(json.loads(cache.read_text(encoding="utf-8"))["words"]) == read


def test_jiebas_grammatical_words_are_read_again_when_the_tags_change(tmp_path, monkeypatch):
    import qa.index.salience as salience

    monkeypatch.setattr(salience, "_LIGHT", {})
    cache = tmp_path / "index.light.json"
    every = salience.light_pos_words(cache)
    monkeypatch.setattr(salience, "_LIGHT", {})
    monkeypatch.setattr(salience, "LIGHT_TAGS", "uj")  # another choice of tags: the kept words are not theirs
    assert salience.light_pos_words(cache) < every and "的" in salience.light_pos_words(cache)


def test_a_snapshot_that_cannot_be_written_never_fails_a_start_up(tmp_path, caplog):
    from qa.index.snapshot import write_atomically

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the snapshot's folder would be", encoding="utf-8")
    write_atomically(blocker / "index.json.checked.json", lambda file: file.write(b"{}"))  # no exception
    assert "could not write the snapshot file" in caplog.text
