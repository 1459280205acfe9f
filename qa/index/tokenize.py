"""Tokens for retrieval: jieba words (search mode) of normalised text, without punctuation or stop words."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

from ..vocabulary import STOP_WORDS
from .snapshot import load_tokens, save_tokens, tokenizer_key

jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG to stderr

WORD = re.compile(r"[\w]")


def normalize(text: str) -> str:
    """Width-folded, lower-case text (全角 → 半角) so that '（' and '(' or 'ＡＢ' and 'ab' agree."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict, int]:
    """jieba's main dictionary, loaded once per process and copied into each Tokenizer."""
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


class Tokenizer:
    """jieba search-mode tokenizer with the plans' own words added; one instance per index."""

    def __init__(self, words: Iterable[str] = (), stop_words: Iterable[str] = STOP_WORDS):
        freq, total = _base_dictionary()
        self._jieba = jieba.Tokenizer()
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(freq), total, True
        self.stop_words = frozenset(stop_words)
        self.added: list[str] = []  # the words added to jieba's dictionary: with the stop words, its identity
        for word in words:
            for piece in re.split(r"[^\w]+", normalize(word)):
                if len(piece) >= 2 and piece not in self._jieba.FREQ:
                    self._jieba.add_word(piece)
                    self.added.append(piece)

    @property
    def dictionary(self) -> dict[str, int]:
        """How often jieba's dictionary has seen each word (the plans' words added): how common a word is."""
        return self._jieba.FREQ

    def words(self, text: str) -> list[str]:
        """Every jieba word of the text in order, punctuation included (for display and cues)."""
        return self._jieba.lcut(normalize(text), HMM=True)

    def tokens_of_all(self, texts: Iterable[str], snapshot: Path | None = None) -> list[list[str]]:
        """The tokens of many texts (an index's clauses), read from and kept in a snapshot file if given."""
        texts = list(texts)
        key = tokenizer_key(self.added, self.stop_words) if snapshot is not None else ""
        known = load_tokens(snapshot, key) if snapshot is not None else {}
        # each distinct text once (plans repeat their duty lines and headings; copies repeat everything)
        found = {text: known[text] if text in known else self.tokens(text) for text in dict.fromkeys(texts)}
        if snapshot is not None and (len(found) != len(known) or any(text not in known for text in found)):
            save_tokens(snapshot, key, found)  # only the texts of these plans: the file never grows stale
        return [list(found[text]) for text in texts]

    def tokens(self, text: str) -> list[str]:
        """Evidence tokens: search-mode words and their parts, no punctuation, no stop words."""
        return [
            t
            for t in self._jieba.cut_for_search(normalize(text), HMM=True)
            if t.strip() and WORD.match(t) and t not in self.stop_words
        ]
