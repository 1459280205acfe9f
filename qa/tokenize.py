"""Tokens for retrieval: jieba words (search mode) of normalised text, without punctuation or stop words."""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG to stderr

# Function words and question words carry no evidence about a clause's topic.
STOP_WORDS = frozenset("""
的 了 是 在 和 与 及 或 等 对 为 将 把 被 由 从 以 于 向 按 按照 通过 进行 开展 有 有关 相关 其 之 所 这 那 那么
个 些 哪 哪个 哪些 哪家 谁 什么 怎么 怎样 如何 吗 呢 吧 啊 呀 么 嘛 请问 请 问 一下 一 下 我 我们 你 你们 他 它
要 需要 应 应该 应当 能 能够 可以 会 该 都 也 还 又 就 并 并且 而 而且 上 中 内 里 方面 工作 有没有 是不是 多少 几
哪里 哪儿 时候 什么样 具体 主要 一些 一个 这个 那个 这些 那些 告诉 说 说说 讲 讲讲 介绍 一下子 呢 吗 么
""".split())
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

    def words(self, text: str) -> list[str]:
        """Every jieba word of the text in order, punctuation included (for display and cues)."""
        return self._jieba.lcut(normalize(text), HMM=True)

    def tokens(self, text: str) -> list[str]:
        """Evidence tokens: search-mode words and their parts, no punctuation, no stop words."""
        return [t for t in self._jieba.cut_for_search(normalize(text), HMM=True)
                if t.strip() and WORD.match(t) and t not in self.stop_words]
