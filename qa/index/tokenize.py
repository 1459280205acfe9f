"""Tokens for retrieval: jieba words (search mode) of normalised text, without punctuation or stop words."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from math import log
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from ..vocabulary import STOP_WORDS
from .jieba_import import jieba
from .snapshot import (
    added_key,
    dictionary_kept,
    dictionary_key,
    load_added,
    load_dictionary,
    load_words,
    part,
    save_added,
    save_dictionary,
    save_words,
    tokenizer_key,
)

WORD = re.compile(r"[\w]")
RECENT = 16  # texts whose words are kept: reading one question cuts the same text at several stages
LONGEST_COMPOUND = 12  # the longest word whose parts crossing_parts weighs (jieba's longest are shorter)


HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """Width-folded, lower-case text (全角 → 半角) so that '（' and '(' or 'ＡＢ' and 'ab' agree."""
    return unicodedata.normalize("NFKC", text).lower()


class _Jieba(jieba.Tokenizer):
    """jieba's tokenizer with its two inner loops (the word graph of a sentence, the best route through it)
    written with local names: the same words, a third less of its time, which is most of a question's reading."""

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 — jieba's name
        if not self.initialized:
            self.initialize()
        freq, n, dag = self.FREQ, len(sentence), {}
        for k in range(n):
            ends, i, fragment = [], k, sentence[k]
            while i < n and fragment in freq:
                if freq[fragment]:
                    ends.append(i)
                i += 1
                fragment = sentence[k:i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict) -> None:  # noqa: N803 — jieba's names
        n = len(sentence)
        route[n] = (0, 0)
        logtotal, get = log(self.total), self.FREQ.get
        for idx in range(n - 1, -1, -1):
            best = None
            for x in DAG[idx]:  # the first best, as max() keeps it
                found = (log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                if best is None or found > best:
                    best = found
            route[idx] = best


_DICTIONARY: dict[str, tuple[dict[str, int], int]] = {}  # jieba's dictionary is one for every tokenizer
_KEPT: set[Path] = set()  # the snapshot files known to hold it


def base_dictionary(cache: Path | None = None) -> tuple[dict[str, int], int]:
    """jieba's main dictionary (counts by word, total), loaded once per process and copied into each
    Tokenizer; from `cache` (a snapshot file, see snapshot.py) when given, which it writes if stale."""
    key = dictionary_key() if cache is not None else ""
    if "main" not in _DICTIONARY:
        kept = load_dictionary(cache, key) if cache is not None else None
        if kept is None:
            base = jieba.Tokenizer()
            base.initialize()
            kept = base.FREQ, base.total
        else:
            _KEPT.add(cache)
        _DICTIONARY["main"] = kept
    if cache is not None and cache not in _KEPT:
        if not dictionary_kept(cache, key):
            save_dictionary(cache, key, *_DICTIONARY["main"])
        _KEPT.add(cache)
    return _DICTIONARY["main"]


class Tokenizer:
    """jieba search-mode tokenizer with the plans' own words added; one instance per index."""

    def __init__(
        self, words: Iterable[str] = (), stop_words: Iterable[str] = STOP_WORDS, dictionary: Path | None = None
    ):
        """`dictionary`: a snapshot file jieba's dictionary is read from (and kept in) at start-up."""
        freq, total = base_dictionary(dictionary)
        self._jieba = _Jieba()
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(freq), total, True
        self.stop_words = frozenset(stop_words)
        self.added: list[str] = []  # the words added to jieba's dictionary: with the stop words, its identity
        self._recent: dict[str, tuple[str, ...]] = {}
        pieces = [piece for word in words for piece in re.split(r"[^\w]+", normalize(word)) if len(piece) >= 2]
        snapshot = part(dictionary, ".added.json") if dictionary is not None else None
        key = added_key(dictionary_key(), pieces) if snapshot is not None else ""
        kept = load_added(snapshot, key) if snapshot is not None else None
        if kept is not None:  # what adding these words made last time: the same entries, without a cut each
            self.added, entries, self._jieba.total = kept
            self._jieba.FREQ.update(entries)
            return
        freq, made = self._jieba.FREQ, set()
        for piece in pieces:
            # not a word yet: absent, or only the prefix of a word added before (大数据 after “大数据中心”, whose
            # quote sorts first), which jieba keeps with a count of 0 and never cuts whole; not digits that are such
            # a prefix (20 of 2023: a year would be cut in two)
            if piece not in freq or (not freq[piece] and HAN_CHAR.search(piece)):
                made.update(piece[:n] for n in range(1, len(piece) + 1) if piece[:n] not in freq)
                made.add(piece)
                self._jieba.add_word(piece)
                self.added.append(piece)
        if snapshot is not None:
            save_added(snapshot, key, self.added, {w: freq[w] for w in made}, self._jieba.total)

    @functools.cached_property
    def identity(self) -> str:
        """What the words and tokens of a text depend on: jieba's dictionary as installed, the words added to it
        and the stop words (the same identity, the same words and tokens of every text)."""
        return hashlib.sha256(f"{tokenizer_key(self.added, self.stop_words)}|{dictionary_key()}".encode()).hexdigest()

    @property
    def dictionary(self) -> dict[str, int]:
        """How often jieba's dictionary has seen each word (the plans' words added): how common a word is."""
        return self._jieba.FREQ

    def words(self, text: str) -> list[str]:
        """Every jieba word of the text in order, punctuation included (for display and cues).

        A question is read in stages (its long form's pieces, its slips, its topic words), several of which cut
        the same text: the last few texts' words are kept, so that a question is cut once."""
        kept = self._recent.get(text)
        if kept is None:
            kept = tuple(self._jieba.lcut(normalize(text), HMM=True))
            if len(self._recent) >= RECENT:  # the oldest text goes: the stages of the question being read stay
                try:
                    del self._recent[next(iter(self._recent))]
                except (KeyError, RuntimeError, StopIteration):  # another thread's ask changed it meanwhile
                    self._recent.clear()
            self._recent[text] = kept
        return list(kept)

    def cut(self, text: str) -> list[str]:
        """Every jieba word of the text, as words() gives them, without keeping them among the recent texts (a
        title looked at once must not push a question's words out)."""
        return self._jieba.lcut(normalize(text), HMM=True)

    def words_of_all(self, texts: Iterable[str], snapshot: Path | None = None) -> dict[str, list[str]]:
        """The words of each distinct text (plans repeat their duty lines and headings; copies repeat
        everything), read from and kept in a snapshot file if given."""
        key = tokenizer_key(self.added, self.stop_words) if snapshot is not None else ""
        known = load_words(snapshot, key) if snapshot is not None else {}
        found = {text: known[text] if text in known else self.words(text) for text in dict.fromkeys(texts)}
        if snapshot is not None and (len(found) != len(known) or any(text not in known for text in found)):
            save_words(snapshot, key, found)  # only the texts of these plans: the file never grows stale
        return found

    def tokens(self, text: str) -> list[str]:
        """Evidence tokens: search-mode words and their parts, no punctuation, no stop words."""
        return self.tokens_of_words(self.words(text))

    def tokens_of_words(self, words: Iterable[str]) -> list[str]:
        """The evidence tokens of a text from its words: what jieba's search mode (cut_for_search) yields,
        each word's known two- and three-character parts before it, without punctuation or stop words."""
        found: list[str] = []
        for word in words:
            found += self._word_tokens(word)
        return found

    def tokens_of_all(self, words: dict[str, list[str]]) -> dict[str, list[str]]:
        """tokens_of_words of each text's words, each distinct word's tokens made once (a compilation's million
        words are a few tens of thousands of distinct ones: seconds of every start-up)."""
        kept: dict[str, list[str]] = {}
        out = {}
        for text, text_words in words.items():
            found: list[str] = []
            for word in text_words:
                tokens = kept.get(word)
                if tokens is None:
                    tokens = kept[word] = self._word_tokens(word)
                found += tokens
            out[text] = found
        return out

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one tokenizer per index; the words questions hold, a few thousand
    def crossing_parts(self, word: str) -> frozenset[str]:
        """The parts of a word that straddle its own words: where the word is made of known words of two or more
        characters (联动机制: 联动 + 机制), a part that runs from inside one of them into the next (动机, a motive;
        小企业 of 中小企业, which is 中小 + 企业), not one inside one of them (承诺 of 告知承诺制's 承诺制). A word
        made of no such words (工商户) has none."""
        freq, size = self._jieba.FREQ, len(word)
        if not 4 <= size <= LONGEST_COMPOUND:  # a run of letters or digits is no compound of words
            return frozenset()
        # the positions that end a run of known words from the start (DP), and those that start one to the end
        # (its last character may stand alone: 市场监管 + 局, a name's or a system's ending)
        ends = {0}
        for j in range(2, size + 1):
            if any(i in ends and freq.get(word[i:j]) for i in range(0, j - 1)) or (j == size and j - 1 in ends):
                ends.add(j)
        starts = {size, size - 1}
        for i in range(size - 2, -1, -1):
            if any(j in starts and freq.get(word[i:j]) for j in range(i + 2, size + 1)):
                starts.add(i)
        bounds = ends & starts  # where a full cut into known words can pass
        if size not in ends:
            return frozenset()
        return frozenset(
            word[i:j] for i in range(size) for j in range(i + 2, size + 1) if (i, j) != (0, size)
            and freq.get(word[i:j]) and not (i in bounds and j in bounds) and any(i < b < j for b in bounds)
        )

    def _word_tokens(self, word: str) -> list[str]:
        """One word's evidence tokens: its known two- and three-character parts, then itself, without
        punctuation or stop words (each token is kept or left by itself, so a text's are its words')."""
        freq, found = self._jieba.FREQ, []
        if len(word) > 2:
            found += [gram for i in range(len(word) - 1) if freq.get(gram := word[i:i + 2])]
        if len(word) > 3:
            found += [gram for i in range(len(word) - 2) if freq.get(gram := word[i:i + 3])]
        found.append(word)
        return [t for t in found if t.strip() and WORD.match(t) and t not in self.stop_words]


class TextWords(Mapping[str, list[str]]):
    """jieba's words of each of some texts (words_of_all's table), made on need: a restart that reads the index
    from its snapshot needs the words of a text or two (a topic switch's candidates), not those of every text.

    `get(text)` cuts that text alone (jieba's words are the same however many texts are cut); looking a text up
    with [] or going through the texts makes the whole table once, by `every` (words_of_all with its snapshot)."""

    def __init__(self, texts: Iterable[str], every: Callable[[], dict[str, list[str]]],
                 one: Callable[[str], list[str]]):
        self._texts = frozenset(texts)
        self._every = every
        self._one = one
        self._table: dict[str, list[str]] | None = None

    def table(self) -> dict[str, list[str]]:
        """The words of every text, made once."""
        if self._table is None:
            self._table = self._every()
        return self._table

    def __getitem__(self, text: str) -> list[str]:
        return self.table()[text]

    def get(self, text: str, default=None):
        if self._table is not None:
            return self._table.get(text, default)
        return self._one(text) if text in self._texts else default

    def __contains__(self, text: object) -> bool:
        return text in self._texts

    def __iter__(self) -> Iterator[str]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self._texts)
