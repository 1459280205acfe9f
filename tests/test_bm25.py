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
