"""Retrieval: BM25 over clauses, weighted by how much of the question each clause holds."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .bm25 import PostingsBM25
from .records import Clause
from .tokenize import Tokenizer
from .understand import Query


@dataclass(frozen=True)
class Settings:
    """Tuning of retrieval and refusal; checked on construction."""

    k1: float = 1.2
    b: float = 0.5
    min_coverage: float = 0.5  # share of the question's evidence (idf-weighted) the best clause must hold
    min_score: float = 1.0  # BM25 score below which nothing is said to match
    related_ratio: float = 0.85  # clauses scoring this close to the best are listed as related
    coverage_power: float = 1.0  # how strongly ranking rewards holding all of the question's terms
    expansion_weight: float = 0.5  # a synonym from terms.yaml counts half as much as the question's own word
    unknown_weight: float = 1.2  # an unseen word weighs this many times the rarest word of the plans
    max_related: int = 3

    def __post_init__(self):
        if not 0 < self.min_coverage <= 1:
            raise ValueError(f"min_coverage must be within (0, 1], got {self.min_coverage}")
        if self.min_score < 0:
            raise ValueError(f"min_score must be >= 0, got {self.min_score}")
        if not 0 < self.related_ratio <= 1:
            raise ValueError(f"related_ratio must be within (0, 1], got {self.related_ratio}")


def index_text(clause: Clause) -> str:
    """What retrieval reads of a clause: its title, its headings, its text without the duty line."""
    body = clause.text.replace(clause.duty, " ") if clause.duty else clause.text
    return " ".join([clause.title, *clause.section, body])


class Retriever:
    """Ranks the searchable clauses for a question; knows which words the plans use and how rarely."""

    def __init__(self, clauses: Sequence[Clause], tokenizer: Tokenizer, settings: Settings,
                 background: Iterable[str] = ()):
        if not isinstance(settings, Settings):
            raise ValueError(f"settings must be Settings, got {type(settings).__name__}")
        self.settings = settings
        # Words in every question's background (the plans' own places): no evidence either way.
        self.background = frozenset(background)
        self.bm25 = PostingsBM25([tokenizer.tokens(index_text(c)) for c in clauses] or [["\x00"]],
                                 k1=settings.k1, b=settings.b)

    def rank(self, query: Query, k: int = 20) -> list[tuple[int, float, float]]:
        """The k best (clause index, score, coverage), best first; BM25 times coverage (Lucene's "coord"),
        so that a clause holding every term of the question beats one repeating a few of them."""
        words = list(query.terms) + [w for _, w in query.expansions if w not in query.terms]
        weights = [1.0] * len(query.terms) + [self.settings.expansion_weight] * (len(words) - len(query.terms))
        hits = self.bm25.top(words, k=k, weights=weights)
        if not hits or hits[0][1] < self.settings.min_score:
            return []
        scored = []
        for i, score in hits:
            covered = self.coverage(query, i)
            scored.append((i, score * covered ** self.settings.coverage_power, covered))
        return sorted(scored, key=lambda h: (-h[1], h[0]))

    def coverage(self, query: Query, doc: int) -> float:
        """Share of the question's evidence (idf-weighted terms) that clause `doc` holds.

        A term counts as held when the clause has it or a word terms.yaml gives for it. A compound
        the plans never use (传真号码) is judged by its parts (传真), which jieba's search mode also
        yields; any other word the plans never use weighs more than their rarest: it is evidence the
        question is about something else.
        """
        total = held = 0.0
        expanded = {t for t, _ in query.expansions}
        for term in query.terms:
            if term in self.background:
                continue
            known = self.bm25.document_frequency(term) > 0
            if not known and term not in expanded and any(
                    part != term and part in term and self.bm25.document_frequency(part) for part in query.terms):
                continue
            weight = max(self.bm25.idf(term), 0.01) if known else self.bm25.max_idf * self.settings.unknown_weight
            total += weight
            if self.bm25.has(doc, term) or any(self.bm25.has(doc, w) for t, w in query.expansions if t == term):
                held += weight
        return held / total if total else 0.0
