"""BM25 ranking over postings, with rank-bm25's Okapi BM25 weights precomputed per (term, clause)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi


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
        norm = k1 * (1 - b + b * np.asarray(self.okapi.doc_len, dtype=float) / self.okapi.avgdl)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for doc, freqs in enumerate(self.okapi.doc_freqs):
            for term, tf in freqs.items():
                docs, weights = postings.setdefault(term, ([], []))
                docs.append(doc)
                weights.append(self.okapi.idf[term] * tf * (k1 + 1) / (tf + norm[doc]))
        self.postings = {t: (np.asarray(d, dtype=np.int32), np.asarray(w)) for t, (d, w) in postings.items()}
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
