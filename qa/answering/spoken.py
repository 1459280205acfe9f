"""Spoken and mixed input, read before a question is understood: what a phone's speech input and staff who mix
in English or pinyin write, in the plans' words.

- fillers of speech (嗯, 呃) are dropped;
- English words are read by meaning ("lead unit" → 牵头单位, "who is responsible for" → 谁负责);
- a run of pinyin ("shuang suiji yi gongkai", "jian yi zhu xiao") is read as the plans' words that sound so
  (双随机一公开, 简易注销), from the plans' own words indexed by pinyin when the index is built;
- numbers said digit by digit (一二三一五, 三一五) are read as the plans write them (12315, 3·15);
- a unit's name heard as another that sounds the same (法治办, 质检局, 事要局) is read as the plans' unit
  (法制办, 质监局, 食药局): only a name of one of the plans' own units, never a rename's (水务局 is never 税务局).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from ..vocabulary import (
    ENGLISH_FORM_WORDS,
    ENGLISH_WORDS,
    PINYIN_SYLLABLES,
    QUESTION_UNIT_NAME_ENDINGS,
    SOUNDED_FORM_WORDS,
    SPOKEN_DIGITS,
    SPOKEN_FILLERS,
    alternation,
)
from .readings import Readings, fold_syllable

LATIN_RUN = re.compile(r"[a-z]+(?:[\s'-]+[a-z]+)*")
DIGIT_RUN = re.compile(f"[{''.join(SPOKEN_DIGITS)}]{{3,}}")
PLAN_NUMBER = re.compile(r"\d+(?:[·.]\d+)*")
FILLERS = re.compile(alternation(SPOKEN_FILLERS))
UNIT_END = re.compile(alternation(QUESTION_UNIT_NAME_ENDINGS))
HAN = re.compile(r"[\u4e00-\u9fff]+")
LONGEST_SYLLABLE = 6


@functools.lru_cache(maxsize=1024)
def syllables(word: str) -> tuple[str, ...] | None:
    """A Latin word cut into pinyin syllables, the fewest first ("suiji" → sui, ji; "xian" → xian), or None."""
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - LONGEST_SYLLABLE), end):
            before = best[start]
            if before is not None and word[start:end] in PINYIN_SYLLABLES:
                if best[end] is None or len(before) + 1 < len(best[end]):
                    best[end] = (*before, word[start:end])
    return best[len(word)]


class SpokenReader:
    """Reads spoken and mixed input in the plans' words (see the module's docstring)."""

    def __init__(
        self,
        by_sound: Mapping[str, list[str]],
        frequency: Mapping[str, int],
        readings: Readings,
        unit_names: Iterable[str] = (),
        not_units: Iterable[str] = (),
        plan_text: str = "",
        longest: int = 8,
    ):
        """`by_sound`: the plans' words by pinyin key (PlanVocabulary.by_sound); `unit_names`: the names of the
        plans' own units (their aliases included), which a name heard alike is read as; `not_units`: names that
        are never read as another (a rename's names: 水务局 is a real agency, not a slip of 税务局)."""
        self.by_sound = by_sound
        # the words a question asks with, typed in pinyin ("qiantou 单位" → 牵头单位): heard only here, never a slip
        self.form_sounds: dict[str, list[str]] = {}
        for word in SOUNDED_FORM_WORDS:
            for key in readings.word_keys(word):
                self.form_sounds.setdefault(key, []).append(word)
        self.frequency = frequency
        self.readings = readings
        self.longest = longest
        self.unit_names = frozenset(unit_names)
        self.not_units = frozenset(not_units) | self.unit_names
        # the names of three characters or more, and every ending of each: "a name ends with this span" and "this
        # span ends with a name" are then a few set lookups, not a pass over thousands of names per span
        self._long_names = frozenset(name for name in self.not_units if len(name) >= 3)
        self._name_endings = frozenset(name[i:] for name in self._long_names for i in range(len(name)))
        self.units_by_sound: dict[str, list[str]] = {}
        for name in sorted(self.unit_names):
            if 3 <= len(name) <= 8 and HAN.fullmatch(name) and UNIT_END.search(name[-3:]):
                self.units_by_sound.setdefault(readings.typed_key(name), []).append(name)
        # numbers the plans write (12315, 3·15), by their digits, as they write them
        self.numbers: dict[str, str] = {}
        for match in PLAN_NUMBER.finditer(plan_text):
            number, digits = match.group(), re.sub(r"\D", "", match.group())
            if len(digits) < 3 or digits in self.numbers:
                continue
            # a number written with a dot that a plan's word holds with the characters before it ("月月3·15"): the
            # word, so that the question's words are the plan's (月月3, 15), not a bare 3
            head = number.split("·")[0].split(".")[0]
            before = plan_text[max(0, match.start() - 4) : match.start()]
            glued = next(
                (before[i:] for i in range(len(before)) if HAN.fullmatch(before[i:]) and before[i:] + head in frequency),
                "",
            ) if number != head else ""
            self.numbers[digits] = glued + number

    def __call__(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The text read, and what was read otherwise as (heard, read as) pairs."""
        changes: list[tuple[str, str]] = []
        if "嗯" in text or "呃" in text or "唔" in text:
            text = FILLERS.sub(" ", text)
        if LATIN_RUN.search(text):
            text = LATIN_RUN.sub(lambda m: self._latin(m.group(), changes), text)
        if DIGIT_RUN.search(text):
            text = DIGIT_RUN.sub(lambda m: self._number(m.group(), changes), text)
        if self.units_by_sound and UNIT_END.search(text):
            text = self._unit_names(text, changes)
        return text, changes

    def _latin(self, run: str, changes: list[tuple[str, str]]) -> str:
        """A run of Latin words read: English by meaning, pinyin by sound; any other word kept."""
        words = re.split(r"[\s'-]+", run)
        out: list[str] = []
        pinyin: list[str] = []  # the pending run of pinyin words

        def flush() -> None:
            if pinyin:
                out.append(self._pinyin(pinyin, changes))
                pinyin.clear()

        for word in words:
            sounds = syllables(word) if word not in ENGLISH_WORDS else None
            if sounds is not None and not (word in ENGLISH_FORM_WORDS and len(words) > 1 and not pinyin):
                pinyin.append(word)
                continue
            flush()
            if word in ENGLISH_WORDS:
                changes.append((word, ENGLISH_WORDS[word]))
                out.append(ENGLISH_WORDS[word])
            elif word not in ENGLISH_FORM_WORDS:
                out.append(f" {word}" if out and out[-1][-1:].isascii() and out[-1][-1:].isalnum() else word)
        flush()
        return "".join(out)

    def _pinyin(self, words: list[str], changes: list[tuple[str, str]]) -> str:
        """Pinyin words read as the plans' words that sound so, when they all are; else kept as typed."""
        sounds = [fold_syllable(s) for w in words for s in syllables(w) or ()]
        # the fewest plan words that cover every syllable, each the most used of those sounding so
        best: list[list[str] | None] = [[]] + [None] * len(sounds)
        for end in range(1, len(sounds) + 1):
            for start in range(max(0, end - self.longest), end - 1):
                before = best[start]
                key = " ".join(sounds[start:end])
                found = (self.by_sound.get(key) or self.form_sounds.get(key)) if before is not None else None
                if found and (best[end] is None or len(before) + 1 < len(best[end])):
                    word = max(found, key=lambda w: (self.frequency.get(w, 0), w))
                    best[end] = [*before, word]
        read = best[len(sounds)]
        typed = " ".join(words)
        if not read:
            return typed
        changes.append((typed, "".join(read)))
        return "".join(read)

    def _number(self, run: str, changes: list[tuple[str, str]]) -> str:
        """A number said digit by digit, read as the plans write it; kept when they write no such number."""
        digits = "".join(SPOKEN_DIGITS[c] for c in run)
        written = self.numbers.get(digits)
        if written is None:
            return run
        changes.append((run, written))
        return written

    def _unit_names(self, text: str, changes: list[tuple[str, str]]) -> str:
        """Names ending as a unit's that are none of the plans' but sound like one of their units' (法治办)."""
        for match in reversed(list(UNIT_END.finditer(text))):
            end = match.end()
            for start in range(max(0, end - 8), end - 2):
                span = text[start:end]
                if not HAN.fullmatch(span) or span in self.not_units or span in self.frequency:
                    continue
                if span in self._name_endings or any(span[i:] in self._long_names for i in range(len(span) - 2)):
                    break  # a name the plans hold, or a longer form of one (盟质监局): read as written
                heard = [
                    n
                    for n in self.units_by_sound.get(self.readings.typed_key(span), ())
                    if len(n) == len(span) and n[-1] == span[-1]
                ]
                if heard:
                    changes.append((span, heard[0]))
                    text = text[:start] + heard[0] + text[end:]
                    break
        return text
