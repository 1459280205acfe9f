"""The normalise stage, before a question is understood: the question as the plans would write it.

Traditional characters become simplified (OpenCC), full-width forms are folded, staff's corrections from
terms.yaml are applied, then words the plans do not use are read as the plans' own words when they are a
short form of one (知产 → 知识产权: the first characters of its words, in order) or sound like one (特种设被 →
特种设备: the same pinyin, tones and the usual near sounds ignored, at most one or two characters apart).
The plans' words are indexed by pinyin key and by short form once, when the index is built, so a
question costs a dictionary look-up per candidate span.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import opencc
import orjson

from ..index.snapshot import FORMAT, source_key, write_atomically
from ..index.tokenize import normalize
from ..vocabulary import CLOSING_PARTICLES, ROLE_QUESTION_WORDS
from .readings import Readings, readings_key
from .preamble import focus
from .spoken import SpokenReader

log = logging.getLogger(__name__)
HAN = re.compile(r"[\u4e00-\u9fff]+")
SURROGATES = re.compile(r"[\ud800-\udfff]")


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """OpenCC's traditional → simplified converter, loaded once per process."""
    return opencc.OpenCC("t2s")


def distinct_chars(text: Iterable[str]) -> frozenset[str]:
    """The characters of a text, each once: of a long one by their code points (frozenset(text) makes an object of
    each of its million characters first, five times slower)."""
    if not isinstance(text, str) or len(text) < 10_000:
        return frozenset(text)
    import numpy as np

    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return frozenset(map(chr, np.flatnonzero(np.bincount(points)).tolist()))


def differing(a: str, b: str) -> int:
    """How many characters two words of the same length differ in."""
    return sum(x != y for x, y in zip(a, b))


def word_pieces(word: str, known: Callable[[str], bool], longest: int = 4) -> list[str] | None:
    """The fewest known words (two characters or more, not the word itself) that make up the word, or None."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - longest), end - 1):
            piece = word[start:end]
            before = best[start]
            if before is None or piece == word or not known(piece):
                continue
            if best[end] is None or len(before) + 1 < len(best[end]):
                best[end] = before + [piece]
    pieces = best[len(word)]
    return pieces if pieces and len(pieces) >= 2 else None


def short_forms(pieces: list[str]) -> set[str]:
    """The short forms of a word made of `pieces`: each piece by its first character or whole, in order, at
    least one piece cut (知识/产权 → 知产; 食品/安全/总监 → 食安总监, 食安监 …)."""
    forms = set()
    for mask in itertools.product((True, False), repeat=len(pieces)):
        if all(mask):
            continue
        forms.add("".join(p if whole else p[0] for p, whole in zip(pieces, mask)))
    return {f for f in forms if len(f) >= 2}


def word_short_forms(word: str, known: Callable[[str], bool], most_pieces: int = 4) -> set[str]:
    """The short forms of a word: of its pieces (知识产权 → 知产) and, when it ends in a one-character suffix
    after pieces of its own (社会/保险+费, 食品/安全+法), of those pieces with the suffix kept whole (社保费, 食安法),
    as a suffix is never cut."""
    forms: set[str] = set()
    for stem, suffix in ((word, ""), (word[:-1], word[-1])):
        pieces = word_pieces(stem, known) if len(stem) >= 4 else None
        if pieces is not None and len(pieces) <= most_pieces:
            forms |= {form + suffix for form in short_forms(pieces)}
    return forms


class PlanVocabulary:
    """The plans' own words (with how many clauses use each), indexed by pinyin key and by short form."""

    def __init__(
        self,
        words: Mapping[str, int],
        dictionary: Mapping[str, int],
        form_words: Iterable[str] = (),
        longest: int = 8,
        compounds: Mapping[str, int] | Callable[[], Mapping[str, int]] | None = None,
        readings: Readings | None = None,
        snapshot: Path | None = None,
        identity: str = "",
    ):
        """`readings`: the pinyin readings to use (kept in a snapshot file at start-up), else fresh ones;
        `compounds`: or a function making them, called only when the tables are built.

        `snapshot`: a file the tables made of the words (by sound, by short form, the compounds taken) are kept
        in and read back from, under a key of `words`, the form words, the readings, this module's code and
        `identity`, which must name what `dictionary` and `compounds` come from (see Assistant)."""
        if longest < 2:
            raise ValueError(f"longest must be at least 2, got {longest}")
        self.form_words = frozenset(form_words)
        self.longest = longest
        self.dictionary = dictionary
        self.readings = readings or Readings()
        self.frequency: dict[str, int] = {w: n for w, n in words.items() if w}
        self.restored = False  # whether the tables came from the snapshot
        kept_as = self._key(identity) if snapshot is not None else ""
        if snapshot is not None and self._restore(snapshot, kept_as):
            return
        plain = dict(self.frequency)  # the words before the compounds (what the snapshot need not keep)
        targets = [
            w
            for w in self.frequency
            if 2 <= len(w) <= longest and HAN.fullmatch(w) and w not in self.form_words
        ]
        self.by_sound: dict[str, list[str]] = {}
        for word in targets:
            for key in self.readings.word_keys(word):
                self.by_sound.setdefault(key, []).append(word)
        self.by_short: dict[str, list[str]] = {}
        known = self._is_word
        for word in targets:
            if len(word) < 4:
                continue
            for form in word_short_forms(word, known):
                if form not in self.frequency:
                    self.by_short.setdefault(form, []).append(word)
        # Two words the plans write side by side (营业+收入) are a term too, short formed by their first
        # characters (营收).
        if callable(compounds):
            compounds = compounds()
        for compound, count in (compounds or {}).items():
            if len(compound) == 4 and HAN.fullmatch(compound) and compound not in self.frequency:
                form = compound[0] + compound[2]
                if form not in self.frequency:
                    self.frequency[compound] = count
                    self.by_short.setdefault(form, []).append(compound)
        if snapshot is not None:
            taken = {w: n for w, n in self.frequency.items() if w not in plain}
            tables = {"key": kept_as, "compounds": taken, "by_sound": self.by_sound, "by_short": self.by_short}
            body = json.dumps(tables, ensure_ascii=False).encode("utf-8")
            write_atomically(snapshot, lambda file: file.write(body))

    def _key(self, identity: str) -> str:
        """The identity of the tables: what they are made of and the code that makes them."""
        digest = hashlib.sha256(f"{FORMAT}|{source_key(Path(__file__))}|{readings_key()}|{identity}|{self.longest}|"
                                .encode())
        digest.update("\x00".join(sorted(self.form_words)).encode("utf-8", "surrogatepass") + b"\x01")
        digest.update(json.dumps(list(self.frequency.items()), ensure_ascii=False).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _restore(self, path: Path, key: str) -> bool:
        """The tables from the snapshot file when it keeps them for this key (False: missing, stale, damaged)."""
        try:
            data = orjson.loads(path.read_bytes())  # a third of json's time on a compilation's tables
            if not isinstance(data, dict) or data.get("key") != key:
                return False
            taken, by_sound, by_short = data["compounds"], data["by_sound"], data["by_short"]
            if not (
                isinstance(taken, dict) and isinstance(by_sound, dict) and isinstance(by_short, dict)
                and {type(n) for n in taken.values()} <= {int}
                and {type(words) for words in itertools.chain(by_sound.values(), by_short.values())} <= {list}
                and set(map(type, itertools.chain.from_iterable(itertools.chain(by_sound.values(), by_short.values()))))
                <= {str}
            ):
                raise ValueError("not the tables of a vocabulary")
            frequency = dict(self.frequency)
            frequency.update(taken)
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as exc:
            log.warning("vocabulary snapshot %s is unreadable (%s); rebuilding it", path, exc)
            return False
        self.frequency, self.by_sound, self.by_short, self.restored = frequency, by_sound, by_short, True
        # the words' readings asked for, as building the tables asks for them: what the readings' file keeps
        for word in itertools.chain.from_iterable(by_sound.values()):
            self.readings.word_keys(word)
        return True

    def _is_word(self, text: str) -> bool:
        """Whether `text` is a word of the plans or of the general dictionary."""
        return text in self.frequency or bool(self.dictionary.get(text))

    def __contains__(self, word: str) -> bool:
        return word in self.frequency

    def common(self, word: str) -> int:
        """How common a word is in general Chinese (the segmenter's dictionary count; 0 when unknown)."""
        return int(self.dictionary.get(word) or 0)

    def expand(self, form: str) -> list[str]:
        """The plans' words `form` is a short form of, most used first."""
        return sorted(self.by_short.get(form, ()), key=lambda w: (-self.frequency[w], w))

    def sounding(self, text: str, max_differing: int) -> list[str]:
        """The plans' words that sound like `text` and differ from it in 1..max_differing characters,
        closest then most used first."""
        found = {
            w
            for w in self.by_sound.get(self.readings.typed_key(text), ())
            if len(w) == len(text) and 0 < differing(w, text) <= max_differing
        }
        return sorted(found, key=lambda w: (differing(w, text), -self.frequency[w], w))


@dataclass(frozen=True)
class Reading:
    """A question as read: its normalised text and the words read otherwise, as (typed, read as) pairs."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()


class Normaliser:
    """A typed question in the plans' writing: simplified, folded, corrected, slips and short forms read."""

    def __init__(
        self,
        vocabulary: PlanVocabulary,
        segment: Callable[[str], list[str]],
        corrections: Mapping[str, str] | None = None,
        plan_chars: Iterable[str] = (),
        protected: Iterable[str] = (),
        rare: int = 100,
        odds: int = 10,
        max_tokens: int = 6,
        unit_endings: Iterable[str] = (),
        unit_names: Iterable[str] = (),
        not_units: Iterable[str] = (),
        weak: Iterable[str] = (),
        titles: str = "",
    ):
        """`unit_names`: the plans' own units' names, which a name heard alike is read as (spoken.py);
        `not_units`: names never read as another (a rename's); `weak`: words so common in the plans that alone
        they name no topic (a long question's context holds them too); `titles`: the plans' task titles, one a
        line, whose words are read as typed."""
        if not isinstance(vocabulary, PlanVocabulary):
            raise ValueError(f"vocabulary must be a PlanVocabulary, got {type(vocabulary).__name__}")
        if not callable(segment):
            raise ValueError(f"segment must be callable, got {type(segment).__name__}")
        if rare < 0:
            raise ValueError(f"rare must be >= 0, got {rare}")
        if odds < 1:
            raise ValueError(f"odds must be at least 1, got {odds}")
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be positive, got {max_tokens}")
        self.vocabulary = vocabulary
        self.segment = segment
        self.corrections = sorted((corrections or {}).items(), key=lambda kv: -len(kv[0]))
        self.plan_chars = distinct_chars(plan_chars)
        # a span the plans write as typed in a task's title (稳增长) is their word, whatever jieba makes of it
        self.titles = titles
        # Words read as written even when the plans do not use them (unit names and their stems).
        self.protected = frozenset(protected)
        # A word of general Chinese more common than this is meant as typed, not a slip or a short form.
        self.rare = rare
        self.odds = odds
        self.max_tokens = max_tokens
        # A span ending so may abbreviate a unit (人社局, 卫健委): the analyzer reads those against the units.
        self.unit_endings = tuple(unit_endings)
        # voice and mixed input (numerals, English, pinyin, names heard alike), read before anything else
        self.spoken = SpokenReader(
            vocabulary.by_sound,
            vocabulary.frequency,
            vocabulary.readings,
            unit_names=unit_names,
            not_units=not_units,
            plan_text=plan_chars if isinstance(plan_chars, str) else "",
        )
        self.weak = frozenset(weak)

    def __call__(self, question: str) -> Reading:
        """The question as the plans would write it, and the words read otherwise."""
        text = self.simplified(normalize(question))
        text, changes = self.spoken(text)
        # a particle closing the question ("归谁管哈", "谁牵头呀") is its tone, never a word glued to the last one
        text = CLOSING_PARTICLES.sub(r"\1", text)
        # a long question: the question after its context
        text = focus(text, self._topical, self._names_unit, self._names_task, self._task_words)
        for wrong, right in self.corrections:
            if wrong in text:
                text = text.replace(wrong, right)
                changes.append((wrong, right))
        text, read = self._read_words(text)
        return Reading(text, tuple(changes + read))

    def _topical(self, piece: str) -> bool:
        """Whether a piece of a question names a unit or a topic of the plans (see _names_task)."""
        words = self.segment(piece)
        return any(w in self.protected for w in words) or self._names_task(piece, words)

    def _names_task(self, piece: str, words: list[str] | None = None) -> bool:
        """Whether a piece of a question names a topic of the plans other than a unit: a word they use that is not
        common in them, or two that are (规范 执法 行为 of "会上提到了规范执法行为这项工作"). `words`: its words, if cut."""
        used = self._plan_words(piece, words)
        return len(used) >= 2 or any(w not in self.weak for w in used)

    def _task_words(self, piece: str) -> int:
        """How much of a topic a piece of a question names: its words of the plans beside units' names and the
        question's form, a compound of four characters or more (简易注销) counting two."""
        return sum(2 if len(w) >= 4 else 1 for w in self._plan_words(piece))

    def _plan_words(self, piece: str, words: list[str] | None = None) -> list[str]:
        """The words of a piece of a question the plans use, beside units' names and the question's form."""
        form = self.vocabulary.form_words
        return [
            w
            for w in (self.segment(piece) if words is None else words)
            if len(w) >= 2 and w not in form and w not in self.protected and w in self.vocabulary
            and w not in ROLE_QUESTION_WORDS
        ]

    def _names_unit(self, piece: str) -> bool:
        """Whether a piece of a question names one of the plans' units (as jieba cuts it, names kept whole)."""
        return any(w in self.protected for w in self.segment(piece))

    def simplified(self, text: str) -> str:
        """The text in simplified characters; a character the plans themselves use is kept as written."""
        # OpenCC takes UTF-8 only: a lone surrogate (which no one types) is dropped.
        text = SURROGATES.sub("", text)
        converted = _converter().convert(text)
        if converted == text:
            return text
        if len(converted) != len(text):
            return converted
        return "".join(o if o in self.plan_chars else c for o, c in zip(text, converted))

    def _read_words(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The text with short forms and slips replaced by the plans' words, longest span first."""
        tokens = self.segment(text)
        vocabulary, form = self.vocabulary, self.vocabulary.form_words
        # A span is read only when it holds a word neither the plans nor questions use, or a lone character
        # that is no question word (设 of 特种设被): most questions hold none.
        unknown = [
            bool(HAN.fullmatch(t))
            and t not in form
            and t not in self.protected
            and (len(t) == 1 or t not in vocabulary)
            for t in tokens
        ]
        if not any(unknown):
            return text, []
        out: list[str] = []
        changes: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            found = None
            if HAN.fullmatch(tokens[i]) and not (len(tokens[i]) > 1 and tokens[i] in form):
                for j in range(min(len(tokens), i + self.max_tokens), i, -1):
                    if not any(unknown[i:j]) or (len(tokens[j - 1]) > 1 and tokens[j - 1] in form):
                        continue
                    window = "".join(tokens[i:j])
                    if not 2 <= len(window) <= vocabulary.longest or not HAN.fullmatch(window):
                        continue
                    if window in vocabulary or window in self.protected or window.endswith(self.unit_endings):
                        continue
                    target = self._plan_word(window)
                    if target and window not in self.titles:  # searched only for a span about to be read
                        found = (j, window, target)
                        break
            if found:
                i, window, target = found
                out.append(target)
                changes.append((window, target))
            else:
                out.append(tokens[i])
                i += 1
        return "".join(out), changes

    def _plan_word(self, window: str) -> str:
        """The plans' word a span stands for ('' for none): a short form first, then a slip."""
        typed = self.vocabulary.common(window)
        for word in self.vocabulary.expand(window):
            if typed <= max(self.rare, self.vocabulary.common(word)):
                return word
        allowed = 1 if len(window) <= 3 else 2
        for word in self.vocabulary.sounding(window, allowed):
            # A real word is a slip only when the word it sounds like is far more common (标致 → 标志).
            if typed == 0 or typed * self.odds <= self.vocabulary.common(word):
                return word
        return ""
