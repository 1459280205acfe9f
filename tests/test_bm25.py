"""The postings scorer ranks exactly as rank-bm25's full scan does."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from qa.index.bm25 import PostingsBM25


@pytest.fixture(scope="module")
def corpus(assistant):
    return [assistant.analyzer.tokenizer.tokens(c.text) for c in assistant.retriever.searchable]


def test_scores_equal_rank_bm25_get_scores(corpus):
    ours = PostingsBM25(corpus, k1=1.2, b=0.5)
    reference = BM25Okapi(corpus, k1=1.2, b=0.5)
    vocabulary = sorted({t for doc in corpus for t in doc})
    rng = random.Random(7)
    for _ in range(200):
        query = rng.sample(vocabulary, rng.randint(1, 6)) + ["不存在的词"]
        assert np.allclose(ours.scores(query), reference.get_scores(query))


def test_top_is_the_full_ranking_head(corpus):
    ours = PostingsBM25(corpus)
    reference = BM25Okapi(corpus)
    query = ["简易", "注销", "监管"]
    scores = reference.get_scores(query)
    expected = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], i))[:5]
    assert [i for i, _ in ours.top(query, k=5)] == expected


def test_weights_scale_terms(corpus):
    ours = PostingsBM25(corpus)
    assert np.allclose(ours.scores(["监管"], [0.5]), ours.scores(["监管"]) * 0.5)


def test_empty_documents_and_unknown_terms():
    ours = PostingsBM25([["a", "b"], [], ["b", "c"]])
    assert ours.top(["zzz"]) == []
    assert ours.idf("zzz") == ours.max_idf
    assert ours.has(0, "a") and not ours.has(1, "a")


@pytest.mark.parametrize("kwargs, name", [({"k1": -1}, "k1"), ({"b": 2}, "b")])
def test_parameters_are_checked(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PostingsBM25([["a"]], **kwargs)
    with pytest.raises(ValueError, match="empty"):
        PostingsBM25([])


def test_top_within_a_mask_ranks_only_those_clauses(corpus):
    bm25 = PostingsBM25(corpus, k1=1.2, b=0.5)
    query = corpus[0][:2]
    mask = np.zeros(len(corpus))
    mask[len(corpus) // 2 :] = 1.0  # the second half: another plan's clauses
    within = bm25.top(query, k=5, within=mask)
    assert within and all(i >= len(corpus) // 2 for i, _ in within)
    scores = bm25.scores(query)
    best = max(range(len(corpus) // 2, len(corpus)), key=lambda i: (scores[i], -i))
    assert within[0] == (best, float(scores[best]))


def test_scores_are_the_sums_of_one_term_at_a_time_to_the_last_bit():
    # the scores of several terms are made in one pass (np.bincount): the same sums as adding the terms in order
    rng = random.Random(26)
    words = [f"w{n}" for n in range(40)]
    docs = [[rng.choice(words) for _ in range(rng.randint(1, 30))] for _ in range(300)]
    bm25 = PostingsBM25(docs)
    for _ in range(50):
        query = rng.sample(words, rng.randint(1, 8)) + ["absent"]
        weights = [rng.choice([1.0, 0.5, 0.3]) for _ in query]
        expected = np.zeros(bm25.size)
        for term, weight in zip(query, weights):
            if term in bm25.postings:
                found, values = bm25.postings[term]
                expected[found] += values * weight
        assert np.array_equal(bm25.scores(query, weights), expected)


def test_every_clauses_coverage_at_once_is_each_ones_to_the_last_bit(both_assistant):
    # a compilation's plans' best clauses are weighed from the postings at once: the same sums coverage() makes
    retriever = both_assistant.retriever
    for question in ("简易注销有哪些配合单位？", "行政审批制度改革谁牵头", "盟质监局和市场监管局都配合哪些工作",
                     "请问优化营商环境的传真号码", "加强食品药品安全监管的完成时限"):
        query = both_assistant.analyzer.analyze(question)
        evidence, total = retriever._evidence(query)
        held = retriever._held_by_all(query)
        assert held.shape == (retriever.bm25.size,)
        for doc in range(retriever.bm25.size):
            assert float(held[doc]) == retriever._held(doc, evidence)
            assert retriever.coverage(query, doc) == (float(held[doc]) / total if total else 0.0)
