"""Tokens for retrieval: jieba words (search mode) of normalised text, without punctuation or stop words."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

from ..vocabulary import STOP_WORDS

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
        for word in words:
            for piece in re.split(r"[^\w]+", normalize(word)):
                if len(piece) >= 2 and piece not in self._jieba.FREQ:
                    self._jieba.add_word(piece)

    @property
    def dictionary(self) -> dict[str, int]:
        """How often jieba's dictionary has seen each word (the plans' words added): how common a word is."""
        return self._jieba.FREQ

    def words(self, text: str) -> list[str]:
        """Every jieba word of the text in order, punctuation included (for display and cues)."""
        return self._jieba.lcut(normalize(text), HMM=True)

    def tokens(self, text: str) -> list[str]:
        """Evidence tokens: search-mode words and their parts, no punctuation, no stop words."""
        return [
            t
            for t in self._jieba.cut_for_search(normalize(text), HMM=True)
            if t.strip() and WORD.match(t) and t not in self.stop_words
        ]
