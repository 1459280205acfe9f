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
