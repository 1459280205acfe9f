"""The start-up snapshot of the index's tokens: written on the first start, read on the next, rebuilt when
stale or damaged, and never able to change an answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import Assistant, StateStore, load_corpus
from qa.index.snapshot import load_tokens, tokenizer_key
from qa.index.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus")


def build(corpus, snapshot: Path) -> Assistant:
    return Assistant(corpus.clauses, corpus.units, corpus.lexicon, StateStore(":memory:"), snapshot=snapshot)


def test_the_second_start_reads_the_snapshot_and_answers_the_same(corpus, tmp_path, monkeypatch):
    snapshot = tmp_path / "index.json"
    first = build(corpus, snapshot)
    assert snapshot.exists() and json.loads(snapshot.read_text(encoding="utf-8"))["key"]
    calls = []
    original = Tokenizer.tokens
    monkeypatch.setattr(Tokenizer, "tokens", lambda self, text: calls.append(text) or original(self, text))
    second = build(corpus, snapshot)
    assert len(calls) < 5  # the plans' places only: every clause came from the snapshot
    question = "简易注销有哪些配合单位？"
    assert second.ask(question) == first.ask(question)


def test_a_damaged_snapshot_is_rebuilt(corpus, tmp_path):
    snapshot = tmp_path / "index.json"
    snapshot.write_text("{not json", encoding="utf-8")
    assistant = build(corpus, snapshot)
    assert assistant.ask("简易注销有哪些配合单位？").found
    assert json.loads(snapshot.read_text(encoding="utf-8"))["tokens"]


def test_another_tokenizer_never_reads_this_snapshot(tmp_path):
    snapshot = tmp_path / "index.json"
    plain = Tokenizer(["简易注销"])
    plain.tokens_of_all(["全面实施企业简易注销登记"], snapshot)
    other = Tokenizer(["企业简易注销登记"])
    assert load_tokens(snapshot, tokenizer_key(other.added, other.stop_words)) == {}
    assert other.tokens_of_all(["全面实施企业简易注销登记"], snapshot) == [other.tokens("全面实施企业简易注销登记")]


def test_a_changed_plan_costs_only_its_changed_text(tmp_path):
    snapshot = tmp_path / "index.json"
    tokenizer = Tokenizer()
    tokenizer.tokens_of_all(["加强市场监管", "推进简易注销"], snapshot)
    tokenizer.tokens_of_all(["加强市场监管", "完善信用监管"], snapshot)
    kept = json.loads(snapshot.read_text(encoding="utf-8"))["tokens"]
    assert set(kept) == {"加强市场监管", "完善信用监管"}  # the file holds only the plans of now


@pytest.mark.parametrize("with_snapshot", [False, True])
def test_each_distinct_text_is_tokenized_once(tmp_path, monkeypatch, with_snapshot):
    tokenizer = Tokenizer(["简易注销"])
    calls: list[str] = []
    original = tokenizer.tokens
    monkeypatch.setattr(tokenizer, "tokens", lambda text: calls.append(text) or original(text))
    texts = ["全面实施简易注销", "加强事中事后监管", "全面实施简易注销"] * 3  # plans copied under other names
    found = tokenizer.tokens_of_all(texts, tmp_path / "snap.json" if with_snapshot else None)
    assert sorted(calls) == sorted(set(texts))
    assert found[0] == found[2] == found[6] and "简易注销" in found[0]
