"""Pinyin readings for the normalise stage: a character's usual reading and a word's readings, toneless and
with near sounds merged, so that a slip typed by sound (特种设被) finds the plans' word (特种设备).

pypinyin's dictionaries take a third of a second to import. `Readings` keeps what an index needs (every
common character's reading and the plans' words' readings) in a snapshot file, so that a start-up over the
same plans imports no pypinyin; it is imported only for a reading the file does not hold.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
from pathlib import Path

import orjson

from ..index.snapshot import write_atomically

__all__ = ["Readings", "fold_syllable", "syllable", "typed_key", "word_keys"]
log = logging.getLogger(__name__)
NEAR_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))  # z/zh, c/ch, s/sh, n/l
COMMON = "".join(map(chr, range(0x4E00, 0xA000)))  # CJK Unified Ideographs: what input methods type


@functools.cache
def _pypinyin():
    """pypinyin, imported on first need (see the module's docstring)."""
    import pypinyin

    return pypinyin


def fold_syllable(syllable: str) -> str:
    """A toneless syllable with near sounds merged: zh/ch/sh → z/c/s, n → l, -ang/-eng/-ing → -an/-en/-in."""
    for near, far in NEAR_INITIALS:
        if syllable.startswith(near):
            syllable = far + syllable[len(near) :]
            break
    if syllable.endswith("ng") and not syllable.endswith("ong") and len(syllable) > 2:
        syllable = syllable[:-1]
    return syllable


def _folded(char: str, reading: str) -> str:
    """A character's reading folded; the character itself when it has none."""
    return fold_syllable(reading) if reading else char


@functools.cache
def syllable(char: str) -> str:
    """A character's usual reading, toneless and folded (the character itself when it has none)."""
    pypinyin = _pypinyin()
    return _folded(char, pypinyin.pinyin(char, style=pypinyin.Style.NORMAL, errors=lambda c: [c])[0][0])


def typed_key(text: str) -> str:
    """The pinyin key of typed text: each character's usual reading (an input method offers a character
    for the reading it is usually typed with)."""
    return " ".join(syllable(c) for c in text)


def word_keys(word: str) -> set[str]:
    """The pinyin keys of one of the plans' words: as read in context (长 in 增长 is zhang) and as typed."""
    pypinyin = _pypinyin()
    in_context = " ".join(
        fold_syllable(r) for r in pypinyin.lazy_pinyin(word, style=pypinyin.Style.NORMAL, errors=lambda c: list(c))
    )
    return {in_context, typed_key(word)}


def readings_key() -> str:
    """The identity of the readings: this module's code and pypinyin's dictionary files as installed."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    spec = importlib.util.find_spec("pypinyin")  # found, not imported
    folder = Path(spec.origin).parent if spec and spec.origin else None
    for name in ("pinyin_dict.py", "phrases_dict.py"):
        stat = (folder / name).stat() if folder else None
        digest.update(f"{name}|{stat.st_size if stat else 0}|{stat.st_mtime_ns if stat else 0}".encode())
    return digest.hexdigest()


class Readings:
    """Characters' and words' readings, remembered, and kept in a snapshot file when one is given."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._syllables: dict[str, str] = {}
        self._words: dict[str, list[str]] = {}
        self._used: set[str] = set()  # the words asked for: what the file keeps
        self._key = readings_key() if path is not None else ""
        if path is not None:
            self._load(path)
        self._kept = (set(self._syllables), set(self._words))

    def _load(self, path: Path) -> None:
        """Read the file's readings when it is of these readings (else it is rewritten by save)."""
        try:
            data = orjson.loads(path.read_bytes())  # a third of json's time on a compilation's tables
            if data.get("key") != self._key:
                return
            syllables, words = data["syllables"], data["words"]
            if not (isinstance(syllables, dict) and isinstance(words, dict)
                    and all(isinstance(s, str) for s in syllables.values())
                    and all(isinstance(k, list) and all(isinstance(s, str) for s in k) for k in words.values())):
                raise ValueError("not a table of readings")
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, MemoryError) as exc:
            log.warning("pinyin snapshot %s is unreadable (%s); rebuilding it", path, exc)
            return
        self._syllables, self._words = syllables, words

    def syllable(self, char: str) -> str:
        """A character's usual reading (see `syllable`)."""
        found = self._syllables.get(char)
        if found is None:
            found = self._syllables[char] = syllable(char)
        return found

    def typed_key(self, text: str) -> str:
        """The pinyin key of typed text (see `typed_key`)."""
        return " ".join([self.syllable(c) for c in text])

    def word_keys(self, word: str) -> list[str]:
        """The pinyin keys of one of the plans' words (see `word_keys`)."""
        self._used.add(word)
        found = self._words.get(word)
        if found is None:
            found = self._words[word] = sorted(word_keys(word))
        return found

    def save(self) -> None:
        """Keep every common character's reading and the readings of the words asked for since the file was
        read, when they differ from the file's (nothing without a file)."""
        words = {word: self._words[word] for word in sorted(self._used)}
        if self.path is None or (set(self._syllables) >= set(COMMON) and set(words) == self._kept[1]):
            return
        missing = [c for c in COMMON if c not in self._syllables]
        if missing:  # in one call: pypinyin reads a list of one-character words each as the character alone
            pypinyin = _pypinyin()
            found = pypinyin.pinyin(missing, style=pypinyin.Style.NORMAL, errors=lambda c: [c])
            self._syllables.update((c, _folded(c, r[0])) for c, r in zip(missing, found))
        body = json.dumps({"key": self._key, "syllables": self._syllables, "words": words}, ensure_ascii=False)
        write_atomically(self.path, lambda file: file.write(body.encode("utf-8")))
        self._kept = (set(self._syllables), set(words))
