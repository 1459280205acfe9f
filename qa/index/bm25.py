"""BM25 ranking over postings, with rank-bm25's Okapi BM25 weights precomputed per (term, clause)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .snapshot import load_postings, load_postings_of_texts, postings_key, save_postings

EPSILON = 0.25  # rank-bm25's floor of an idf, as a share of the mean idf


def BM25Okapi(*args, **kwargs):  # rank-bm25's class, imported when postings are built
    """rank-bm25's BM25Okapi, imported on first use: a start-up that reads its postings from the snapshot never
    imports it (nor the multiprocessing it imports)."""
    from rank_bm25 import BM25Okapi as okapi

    return okapi(*args, **kwargs)


def postings_arrays(okapi: BM25Okapi, k1: float) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each term's clauses (ascending) and its BM25 weight in each, as flat arrays: (terms, each term's end
    offset, clause ids, weights, idf per term), with
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
    ends = np.cumsum(np.bincount(term_of, minlength=len(ids)))
    return list(ids), ends, doc_of[order], weight[order], idf


def by_term(terms: Sequence[str], ends: np.ndarray, docs: np.ndarray,
            weights: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Flat postings cut into each term's (clauses, weights): views, not copies."""
    starts = [0, *ends.tolist()]
    return {term: (docs[start:end], weights[start:end]) for term, start, end in zip(terms, starts, starts[1:])}


class PostingsBM25:
    """Okapi BM25 scored only over the clauses that hold a query term.

    score(D, Q) = Σ_{q∈Q} idf(q) · f(q,D)·(k1+1) / (f(q,D) + k1·(1 − b + b·|D|/avgdl)),
    idf(q) = ln((N − n(q) + 0.5) / (n(q) + 0.5)), floored at ε·mean(idf) as rank-bm25 does.
    Each term's contribution to each clause is computed once, at build time, from rank-bm25's own
    statistics, so a question costs one vector addition per query term instead of a full scan. With a
    snapshot file, the postings of the same tokens are read from it instead (see snapshot.py).
    """

    def __init__(
        self,
        corpus_tokens: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = EPSILON,
        snapshot: Path | None = None,
        texts: str = "",
    ):
        """`texts`: the identity of the texts the tokens are of (snapshot.texts_key), kept with the postings
        in `snapshot` so that a restart over the same texts reads them without their tokens (restored)."""
        if not corpus_tokens:
            raise ValueError("corpus_tokens is empty: nothing to index")
        if k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {k1}")
        if not 0 <= b <= 1:
            raise ValueError(f"b must be within [0, 1], got {b}")
        # rank-bm25 divides by zero on an empty document; a clause of only stop words gets a placeholder.
        # Copies of a plan share their token lists: each distinct list becomes one set.
        sets: dict[int, frozenset[str]] = {}
        self._terms_of = [sets.setdefault(id(tokens), frozenset(tokens or ["\x00"])) for tokens in corpus_tokens]
        self.size = len(corpus_tokens)
        key = postings_key(corpus_tokens, k1, b, epsilon) if snapshot is not None else ""
        kept = load_postings(snapshot, key) if snapshot is not None else None
        if kept is not None and not self._fits(*kept):
            kept = None
        if kept is None:
            safe = [list(tokens) or ["\x00"] for tokens in corpus_tokens]
            kept = postings_arrays(BM25Okapi(safe, k1=k1, b=b, epsilon=epsilon), k1)
            if snapshot is not None:
                save_postings(snapshot, key, *kept, texts=texts, size=self.size)
        elif texts and load_postings_of_texts(snapshot, texts, self.size) is None:
            # the same tokens kept for other texts (or by an older version, or their clauses' terms damaged)
            save_postings(snapshot, key, *kept, texts=texts, size=self.size)
        self._index(*kept)

    @classmethod
    def restored(cls, snapshot: Path, texts: str, size: int) -> PostingsBM25 | None:
        """The postings `snapshot` keeps for these texts (`texts`: their snapshot.texts_key) over `size` clauses,
        read without the texts' tokens, each clause's terms made on first need; None when the file keeps none for
        them or is damaged (the texts are then tokenized and the postings built or read by their tokens)."""
        kept = load_postings_of_texts(snapshot, texts, size)
        if kept is None:
            return None
        terms, ends, docs, weights, idf, doc_terms, doc_ends = kept
        self = cls.__new__(cls)
        self.size = size
        if not self._fits(terms, ends, docs, weights, idf):
            return None
        self._terms_of = [None] * size
        self._term_list, self._doc_terms, self._doc_ends = terms, doc_terms, [0, *doc_ends.tolist()]
        self._index(terms, ends, docs, weights, idf)
        return self

    def _index(self, terms: list[str], ends: np.ndarray, docs: np.ndarray, weights: np.ndarray,
               idf: np.ndarray) -> None:
        """Each term's postings and idf, from the flat arrays."""
        self.postings = by_term(terms, ends, docs, weights)
        self._idf = dict(zip(terms, idf.tolist()))
        self.max_idf = max(self._idf.values()) if self._idf else 1.0

    def _fits(self, terms: list[str], ends: np.ndarray, docs: np.ndarray, weights: np.ndarray,
              idf: np.ndarray) -> bool:
        """Whether postings read from a file can belong to these clauses (a damaged file is rebuilt)."""
        return bool(
            docs.dtype.kind == "i" and weights.dtype.kind == idf.dtype.kind == "f"
            and (docs.size == 0 or (docs.min() >= 0 and docs.max() < self.size))
            and np.all(np.diff(ends, prepend=0) >= 0)
            and len(set(terms)) == len(terms)
        )

    def scores(self, query: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 score of every clause for the query (zero where no term occurs), terms optionally weighted."""
        found = [(hit, n) for n, term in enumerate(query) if (hit := self.postings.get(term)) is not None]
        if len(found) < 2:
            scores = np.zeros(self.size)
            for hit, n in found:
                scores[hit[0]] += hit[1] if weights is None else hit[1] * weights[n]
            return scores
        # one pass over every term's postings: each clause's contributions added in the terms' order, as the
        # additions one term at a time would (the same sums, to the last bit)
        docs = np.concatenate([hit[0] for hit, _ in found])
        values = np.concatenate([hit[1] if weights is None else hit[1] * weights[n] for hit, n in found])
        return np.bincount(docs, weights=values, minlength=self.size)

    def top(
        self,
        query: Sequence[str],
        k: int = 10,
        weights: Sequence[float] | None = None,
        within: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The k best (clause index, score) pairs with a positive score, best first; `within` (a boolean mask
        over the clauses) keeps only those clauses (one plan's)."""
        scores = self.scores(query, weights)
        if within is not None:
            scores *= within
        hits = np.flatnonzero(scores > 0)
        if hits.size > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        order = sorted(hits.tolist(), key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in order]

    def idf(self, term: str) -> float:
        """The term's idf; an unseen term counts as the rarest there is."""
        return float(self._idf.get(term, self.max_idf))

    def document_frequency(self, term: str) -> int:
        """How many clauses hold the term."""
        hit = self.postings.get(term)
        return 0 if hit is None else len(hit[0])

    def has(self, doc: int, term: str) -> bool:
        """Whether clause `doc` contains `term`."""
        return term in self.terms(doc)

    def terms(self, doc: int) -> frozenset[str]:
        """The terms clause `doc` contains (of restored postings: made from them on first need, a few µs)."""
        found = self._terms_of[doc]
        if found is None:
            doc = range(self.size)[doc]
            numbers = self._doc_terms[self._doc_ends[doc]:self._doc_ends[doc + 1]].tolist()
            found = self._terms_of[doc] = frozenset([self._term_list[n] for n in numbers])
        return found
