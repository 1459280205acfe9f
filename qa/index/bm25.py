"""BM25 ranking over postings, with rank-bm25's Okapi BM25 weights precomputed per (term, clause)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi


def postings(okapi: BM25Okapi, k1: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each term's clauses (ascending) and its BM25 weight in each:
    w(q, D) = idf(q) · f(q,D)·(k1+1) / (f(q,D) + k1·(1 − b + b·|D|/avgdl)), computed for all pairs at once."""
    norm = k1 * (1 - okapi.b + okapi.b * np.asarray(okapi.doc_len, dtype=float) / okapi.avgdl)
    ids: dict[str, int] = {}
    term_of = [ids.setdefault(term, len(ids)) for freqs in okapi.doc_freqs for term in freqs]
    term_of = np.asarray(term_of, dtype=np.int64)
    doc_of = np.repeat(np.arange(len(okapi.doc_freqs), dtype=np.int32), [len(f) for f in okapi.doc_freqs])
    tf = np.fromiter((n for freqs in okapi.doc_freqs for n in freqs.values()), dtype=float, count=len(term_of))
    idf = np.asarray([okapi.idf[term] for term in ids], dtype=float)
    weight = idf[term_of] * tf * (k1 + 1) / (tf + norm[doc_of])
    order = np.argsort(term_of, kind="stable")  # by term, each term's clauses still in document order
    docs, weights = doc_of[order], weight[order]
    ends = np.cumsum(np.bincount(term_of, minlength=len(ids)))
    return {term: (docs[end - count:end], weights[end - count:end])
            for term, end, count in zip(ids, ends.tolist(), np.bincount(term_of, minlength=len(ids)).tolist())}


class PostingsBM25:
    """Okapi BM25 scored only over the clauses that hold a query term.

    score(D, Q) = Σ_{q∈Q} idf(q) · f(q,D)·(k1+1) / (f(q,D) + k1·(1 − b + b·|D|/avgdl)),
    idf(q) = ln((N − n(q) + 0.5) / (n(q) + 0.5)), floored at ε·mean(idf) as rank-bm25 does.
    Each term's contribution to each clause is computed once, at build time, from rank-bm25's own
    statistics, so a question costs one vector addition per query term instead of a full scan.
    """

    def __init__(
        self, corpus_tokens: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ):
        if not corpus_tokens:
            raise ValueError("corpus_tokens is empty: nothing to index")
        if k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {k1}")
        if not 0 <= b <= 1:
            raise ValueError(f"b must be within [0, 1], got {b}")
        # rank-bm25 divides by zero on an empty document; a clause of only stop words gets a placeholder.
        safe = [list(tokens) or ["\x00"] for tokens in corpus_tokens]
        self.okapi = BM25Okapi(safe, k1=k1, b=b, epsilon=epsilon)
        self.size = len(safe)
        self.postings = postings(self.okapi, k1)
        self.max_idf = max(self.okapi.idf.values()) if self.okapi.idf else 1.0

    def scores(self, query: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 score of every clause for the query (zero where no term occurs), terms optionally weighted."""
        scores = np.zeros(self.size)
        for n, term in enumerate(query):
            hit = self.postings.get(term)
            if hit is not None:
                scores[hit[0]] += hit[1] if weights is None else hit[1] * weights[n]
        return scores

    def top(
        self, query: Sequence[str], k: int = 10, weights: Sequence[float] | None = None
    ) -> list[tuple[int, float]]:
        """The k best (clause index, score) pairs with a positive score, best first."""
        scores = self.scores(query, weights)
        hits = np.flatnonzero(scores > 0)
        if hits.size > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        order = sorted(hits.tolist(), key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in order]

    def idf(self, term: str) -> float:
        """The term's idf; an unseen term counts as the rarest there is."""
        return float(self.okapi.idf.get(term, self.max_idf))

    def document_frequency(self, term: str) -> int:
        """How many clauses hold the term."""
        hit = self.postings.get(term)
        return 0 if hit is None else len(hit[0])

    def has(self, doc: int, term: str) -> bool:
        """Whether clause `doc` contains `term`."""
        return term in self.okapi.doc_freqs[doc]
