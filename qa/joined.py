"""Many short texts searched as one: which of them hold a word, by str.find over their joined text (a few
searches in C, not a Python test of each of thousands of texts)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator

__all__ = ["JoinedTexts"]
SEPARATOR = "\x00"  # no word a question holds


class JoinedTexts:
    """Texts joined by a separator, so that a word is found in all of them by one search."""

    def __init__(self, texts: Iterable[str]):
        # a separator inside a text (none is expected) is read as a space: a word never spans two texts
        kept = [text.replace(SEPARATOR, " ") for text in texts]
        self._joined = "".join(text + SEPARATOR for text in kept)
        self._ends = list(itertools.accumulate(len(text) + 1 for text in kept))  # where each text ends

    def __len__(self) -> int:
        return len(self._ends)

    def holding(self, word: str) -> Iterator[int]:
        """The place of each text that holds `word`, in order, each once (every text for '')."""
        if not word:
            yield from range(len(self._ends))
            return
        at = self._joined.find(word)
        while at >= 0:
            n = bisect.bisect_right(self._ends, at)
            yield n
            at = self._joined.find(word, self._ends[n])
