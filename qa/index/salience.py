"""How much a word the plans lack says about what a question is about (0 = nothing, 1 = its topic).

A question is refused when the plans do not hold what it is about, not when it holds words they lack: "嗯那个简易
注销总共有哪些单位配合" and "我刚从旗里过来，想问下广告监管谁负责" wrap a question the plans answer in words that
carry little meaning (fillers, polite and role context, the asker's errand), while "怎么安装Python的第三方检测库"
shares 第三方检测 with a plan but is about installing Python. Such a word is judged against general Chinese:
staff's discourse words (vocabulary.LIGHT_WORDS), and the grammatical words of jieba's dictionary (adverbs,
pronouns, particles, interjections, directions, numerals and measures, by its part-of-speech tags)
carry none; any other word (a noun, a verb, a name in Latin letters) carries the question's topic, a word
common in all Chinese (想, 需要, 公司) a little less. bench/refusal.py measures the trade-off.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path

from ..vocabulary import FORM_WORDS, LIGHT_WORDS
from .snapshot import JIEBA_DICTIONARY, dictionary_key, source_key, write_atomically

__all__ = ["Salience", "light_pos_words"]

# jieba's part-of-speech tags of words that name no topic: adverbs (d), pronouns (r), interjections (e), modal
# particles (y), auxiliaries (u…), prepositions (p), conjunctions (c), numerals and measures (m, q, mq),
# directions (f), onomatopoeia (o), affixes (h, k). Not time words (t): 节日 names a topic; the times of an
# errand (明天, 下周, 会上) are in LIGHT_WORDS.
LIGHT_TAGS = "d|r|e|y|u|uj|ul|uz|ug|uv|ud|p|c|m|q|mq|f|o|k|h|rz|rr|rg|dg"
LATIN = re.compile(r"[a-z][a-z0-9.+#-]*")


_LIGHT: dict[str, frozenset[str]] = {}  # jieba's grammatical words: one dictionary file, read once a process


def light_pos_words(cache: Path | None = None) -> frozenset[str]:
    """The words jieba's dictionary tags as grammatical (see LIGHT_TAGS): read once per process, on first need
    (a tenth of a second), or from `cache` (a snapshot file, written when missing or stale: a restart reads
    18,000 words instead of the 5 MB dictionary)."""
    words = _LIGHT.get("words")
    if words is not None:
        return words
    # the dictionary, and the tags and code that pick the words from it
    key = f"{dictionary_key()}|{LIGHT_TAGS}|{source_key(Path(__file__))}" if cache is not None else ""
    if cache is not None:
        try:
            kept = json.loads(cache.read_text(encoding="utf-8"))
            if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("words"), list):
                words = frozenset(w for w in kept["words"] if isinstance(w, str))
        except (OSError, ValueError, RecursionError, MemoryError):
            words = None  # missing or damaged: read from the dictionary, and kept again below
    if words is None:
        try:
            text = JIEBA_DICTIONARY.read_text(encoding="utf-8")
        except OSError:
            return frozenset()
        words = frozenset(re.findall(rf"^(\S+) \d+ (?:{LIGHT_TAGS})$", text, re.M))
        if cache is not None:
            data = json.dumps({"key": key, "words": sorted(words)}, ensure_ascii=False).encode("utf-8")
            try:
                write_atomically(cache, lambda file: file.write(data))
            except OSError:
                pass  # a read-only place: read from the dictionary again next time
    _LIGHT["words"] = words
    return words


class Salience:
    """Weighs the words a question holds that the plans lack (see the module's docstring)."""

    def __init__(self, dictionary: Mapping[str, int], common: int = 20000, common_weight: float = 0.5):
        """`dictionary`: jieba's counts of each word; a word seen more than `common` times there (想, 需要, 公司)
        weighs `common_weight`."""
        if not 0 <= common_weight <= 1:
            raise ValueError(f"common_weight must be within [0, 1], got {common_weight}")
        self.dictionary = dictionary
        self.common = common
        self.common_weight = common_weight

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Salience per index, a few thousand words asked
    def weight(self, word: str) -> float:
        """How much a word the plans lack tells what the question is about, from 0 to 1."""
        if word in LIGHT_WORDS or word in FORM_WORDS or word.isdigit():
            return 0.0
        if LATIN.fullmatch(word):
            return 1.0 if len(word) > 1 else 0.0
        if word in light_pos_words():
            return 0.0
        seen = self.dictionary.get(word) or 0
        if not seen and word[0] in "我你您咱":  # jieba's guess of a pronoun glued to a verb (帮/我查/一下)
            return 0.0
        return self.common_weight if seen > self.common else 1.0

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

