"""Questions to ask next, made from an answer: the other role of its task, the lead unit's other tasks, the
neighbouring task, the same topic in another plan. Each one is answered before it is offered: a question the
plans cannot answer, or one that lands on another clause than the one it names, is never offered.

The candidates are made from the plans' titles and units, not from what staff type: a few thousand for a whole
compilation. `check_all` answers every one of them once, with the index (web.ready, before the first request;
kept beside the index snapshot), so that a new question's suggestions cost lookups, not answers."""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..index.snapshot import load_words, save_words
from ..joined import JoinedTexts
from ..memo import IdentityMemo
from ..reading.units import is_group
from ..records import Answer, Clause, Intent, Question, replace

__all__ = ["MOST", "Suggester"]
log = logging.getLogger(__name__)
MOST = 3  # questions offered under an answer
CHECKED = 3  # candidates answered at most per answer: the rest are not worth the time
TITLE_LENGTH = (2, 20)  # a task named by a title of a readable length only
KEPT = 4096  # answers whose suggestions are kept (each answered once, whatever the wording of its question)
# candidates whose check is kept: every task's two questions and every unit's two of a compilation of a few
# thousand tasks, each a few dozen bytes (what its answer says, not the answer)
CHECKED_KEPT = 16384

Ask = Callable[[str], Answer]


@dataclass(frozen=True)
class Checked:
    """What a candidate's answer says that its check looks at: found, intent, first clause, units asked about."""

    found: bool
    intent: Intent
    first: str  # the id of the clause it rests on first ('' for none)
    subject_units: tuple[str, ...]

    @classmethod
    def of(cls, answer: Answer) -> "Checked":
        return cls(answer.found, answer.intent, answer.citations[0].id if answer.citations else "",
                   answer.subject_units)

    def to_words(self) -> list[str]:
        """As kept in the snapshot: found ("1" or ""), intent, first clause, then the units asked about."""
        return ["1" if self.found else "", self.intent.value, self.first, *self.subject_units]

    @classmethod
    def from_words(cls, words: list[str]) -> "Checked | None":
        """Read back from to_words (None for an entry that is not one: an intent this code does not know)."""
        if len(words) < 3 or words[1] not in INTENTS:
            return None
        return cls(bool(words[0]), Intent(words[1]), words[2], tuple(words[3:]))


INTENTS = frozenset(i.value for i in Intent)
TasksOf = Callable[[str], dict[str, tuple[Clause, ...]]]


def lead_question(title: str) -> str:
    """Who leads a task, as staff ask it."""
    return f"{title}由哪个单位牵头？"


def cooperate_question(title: str) -> str:
    """Who cooperates in a task, as staff ask it."""
    return f"{title}有哪些配合单位？"


def tasks_question(unit: str, role: str) -> str:
    """A unit's tasks in one role, as staff ask it."""
    return f"{unit}牵头哪些工作？" if role == "lead" else f"{unit}配合哪些工作？"


def clause_question(clause: Clause) -> str:
    """The natural question about a task: who leads it (who cooperates when it names no lead)."""
    return lead_question(clause.title) if clause.lead else cooperate_question(clause.title)


def readable(clause: Clause) -> bool:
    """Whether a clause's title is of a length to name it in a question."""
    return clause.kind == "paragraph" and TITLE_LENGTH[0] <= len(clause.title.strip()) <= TITLE_LENGTH[1]


class Suggester:
    """Two or three questions under a found answer, each checked by answering it on its own."""

    def __init__(self, clauses: Sequence[Clause], ask: Ask, tasks_of: TasksOf):
        """`ask` answers a question on its own (no conversation, no suggestions); `tasks_of` gives a unit's
        task clauses by role."""
        self.ask = ask
        self.tasks_of = tasks_of
        self.by_id = {c.id: c for c in clauses}
        self.tasks: tuple[Clause, ...] = tuple(c for c in clauses if c.lead or c.cooperate)
        self._position = {c.id: i for i, c in enumerate(self.tasks)}
        plans_with: Counter[str] = Counter(title for title, _ in {(c.title, c.source) for c in self.tasks})
        # the tasks a question can name by their title: of a readable length, and in one plan only (a title
        # several plans hold names no one task: plans copied, 加强组织领导), found once
        self.nameable: tuple[Clause, ...] = tuple(c for c in self.tasks if readable(c) and plans_with[c.title] == 1)
        self._nameable_ids = {c.id for c in self.nameable}
        self._nameable_texts = JoinedTexts(f"{c.title}\n{c.text}" for c in self.nameable)  # a word's tasks, at once
        self._answers: IdentityMemo[Answer] = IdentityMemo(KEPT)
        # The suggestions depend on what was answered (intent, clause, units asked about), not on the wording.
        self.for_topic = functools.lru_cache(maxsize=KEPT)(self.for_topic)
        # The candidates are questions made from the plans' own titles and units, a few thousand at most, asked
        # again and again under different answers: each is answered once and kept apart from the questions
        # staff ask, which would push them out of the assistant's own caches.
        self._checked: collections.OrderedDict[str, Checked] = collections.OrderedDict()
        # ... and every one of them checked once with the index (check_all): part of the index, not a cache
        self._index: dict[str, Checked] = {}
        self._elsewhere = functools.lru_cache(maxsize=KEPT)(self._elsewhere)

    def __call__(self, query: Question, result: Answer) -> Answer:
        """`result` with its next questions (the same object for the same answer, so that what is made from
        it, such as its JSON, is made once); a refusal keeps its own suggestions."""
        if not result.found:
            return result
        made = self._answers.get((result,))
        if made is None:
            top = result.citations[0].id if result.citations else ""
            clause = self.by_id.get(top)
            # the question's words the clause holds: the topic to look for in the other plans (none when the
            # question was asked of chosen plans: a click asks of them too, and another plan's task is not there)
            scoped = bool(getattr(query, "plans", ()))
            topic = tuple(t for t in query.terms if len(t) >= 2 and clause is not None and t in clause.text
                          and not scoped)
            topic = tuple(sorted(topic, key=len, reverse=True)[:1])  # only its longest word is looked for
            found = self.for_topic(result.intent, top, result.subject_units, result.subject_role or query.role,
                                   topic)
            made = self._answers.put((result,), replace(result, suggestions=found) if found else result)
        return made

    def candidate_questions(self) -> list[str]:
        """Every question candidates() can make of these plans: who leads each nameable task (who cooperates
        where it names both roles), and each unit's tasks in each role it holds."""
        questions: dict[str, None] = {}
        for clause in self.nameable:
            questions[clause_question(clause)] = None
            if clause.lead and clause.cooperate:
                questions[cooperate_question(clause.title)] = None
        for unit in dict.fromkeys(u for c in self.tasks for u in (*c.lead, *c.cooperate)):
            tasks = self.tasks_of(unit)
            for role in ("lead", "cooperate"):
                if tasks[role]:
                    questions[tasks_question(unit, role)] = None
        return list(questions)

    def check_all(self, kept: Path | None = None, key: str = "") -> int:
        """Answer every candidate once, now, and keep what each answer says beside the index (`kept`, under
        `key`: what the answers depend on); read them back from `kept` when its key is `key`. The number of
        candidates answered (0 when read back)."""
        if kept is not None:
            read = {q: c for q, words in load_words(kept, key).items() if (c := Checked.from_words(words))}
            if read:
                self._index = read
                return 0
        index = {}
        for question in self.candidate_questions():
            try:
                index[question] = Checked.of(self.ask(question))
            except Exception:  # a start-up never fails on one: left to be checked (and fail) when offered
                log.exception("could not check the suggestion %r; it is checked when an answer offers it", question)
        self._index = index
        if kept is not None and index:
            save_words(kept, key, {q: c.to_words() for q, c in index.items()})
        return len(index)

    def cache_clear(self) -> None:
        """Forget every suggestion made (the benchmark measures them made afresh); the candidates checked with
        the index (check_all) stay, as the index does."""
        self.for_topic.cache_clear()
        self._answers.clear()
        self._checked.clear()
        self._elsewhere.cache_clear()

    def for_topic(self, intent: Intent, top: str, subject: tuple[str, ...], role: str,
                  topic: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The checked questions for an answer of `intent` resting on clause `top` (about `subject`'s tasks in
        `role`; its `topic` words), best first."""
        clause = self.by_id.get(top)
        offered: list[str] = []
        checked = 0
        for question, lands in self.candidates(intent, clause, subject, role, topic):
            if question in offered:
                continue
            if checked >= CHECKED or len(offered) >= MOST:
                break
            checked += 1
            answer = self._answer(question)
            if answer.found and lands(answer) and not self._same(answer, intent, top, subject):
                offered.append(question)
        return tuple(offered)

    def _answer(self, question: str) -> Checked:
        """What a candidate's answer says: as checked with the index, else answered once (the least recently
        asked of CHECKED_KEPT dropped first)."""
        answer = self._index.get(question)
        if answer is not None:
            return answer
        answer = self._checked.get(question)
        if answer is None:
            answer = self._checked[question] = Checked.of(self.ask(question))
            with contextlib.suppress(KeyError):  # another thread (waitress's) may have dropped it meanwhile
                while len(self._checked) > CHECKED_KEPT:
                    self._checked.popitem(last=False)
        else:
            with contextlib.suppress(KeyError):
                self._checked.move_to_end(question)
        return answer

    @staticmethod
    def _same(answer: Checked, intent: Intent, top: str, subject: tuple[str, ...]) -> bool:
        """Whether `answer` says again what was just answered."""
        first = answer.first
        if answer.intent == Intent.UNIT_TASKS or intent == Intent.UNIT_TASKS:
            return answer.intent == intent and answer.subject_units == subject and first == top
        return answer.intent == intent and first == top

    def candidates(self, intent: Intent, clause: Clause | None, subject: tuple[str, ...], role: str,
                   topic: tuple[str, ...] = ()):
        """(question, what its answer must be) pairs, best first: for a unit's tasks, the other role and the
        first task's other units; for units combined, each unit's tasks; for a task, the lead unit's other
        tasks, the neighbouring task and the same topic in another plan. (A task's answer names both its roles
        already: asking for the other one would repeat it.)"""
        if intent == Intent.UNIT_TASKS and len(subject) == 1:
            unit = subject[0]
            if role in ("lead", "cooperate"):
                other = "cooperate" if role == "lead" else "lead"
                if self.tasks_of(unit)[other]:
                    yield tasks_question(unit, other), self._tasks_of(unit)
            if clause is not None and readable(clause):
                if unit in clause.lead and clause.cooperate:
                    yield cooperate_question(clause.title), self._lands_on(clause)
                for lead in clause.lead[:1]:
                    if lead != unit and not is_group(lead):
                        yield tasks_question(lead, "lead"), self._tasks_of(lead)
            return
        if intent in (Intent.UNIT_TASKS, Intent.SET, Intent.COMPARE):
            for unit in subject:
                for asked in ("lead", "cooperate"):
                    if self.tasks_of(unit)[asked]:
                        yield tasks_question(unit, asked), self._tasks_of(unit)
            return
        if clause is None or not readable(clause):
            return
        for unit in clause.lead[:1]:
            if not is_group(unit) and len(self.tasks_of(unit)["lead"]) > 1:
                yield tasks_question(unit, "lead"), self._tasks_of(unit)
        for neighbour in self._neighbours(clause):
            yield clause_question(neighbour), self._lands_on(neighbour)
        for elsewhere in self._in_other_plans(clause, topic):
            yield clause_question(elsewhere), self._lands_on(elsewhere)

    @staticmethod
    def _lands_on(clause: Clause) -> Callable[[Checked], bool]:
        """A check that an answer rests on `clause` first."""
        return lambda answer: answer.first == clause.id

    @staticmethod
    def _tasks_of(unit: str) -> Callable[[Checked], bool]:
        """A check that an answer lists `unit`'s tasks."""
        return lambda answer: answer.intent == Intent.UNIT_TASKS and answer.subject_units == (unit,) and bool(
            answer.first
        )

    def _nameable(self, clause: Clause) -> bool:
        """Whether a question can name this task by its title: of a readable length, and in one plan only."""
        return clause.id in self._nameable_ids

    def _neighbours(self, clause: Clause) -> list[Clause]:
        """The next task of the same plan with another title (the one before when it is the last)."""
        at = self._position.get(clause.id)
        if at is None:
            return []
        after = [c for c in self.tasks[at + 1 : at + 4] if c.source == clause.source]
        before = [c for c in reversed(self.tasks[max(0, at - 3) : at]) if c.source == clause.source]
        for near in after + before:
            if self._nameable(near) and near.title != clause.title:
                return [near]
        return []

    def _in_other_plans(self, clause: Clause, topic: tuple[str, ...]) -> list[Clause]:
        """A task of another plan that holds the topic's longest word, under a title of its own."""
        words = sorted(topic, key=len, reverse=True)[:1]
        if not words:
            return []
        found = self._elsewhere(words[0], clause.source)
        return [found] if found is not None else []

    def _elsewhere(self, word: str, source: str) -> Clause | None:
        """The first nameable task outside `source` whose title or text holds `word` (kept per word: a search of
        every task of every plan)."""
        return next((self.nameable[n] for n in self._nameable_texts.holding(word)
                     if self.nameable[n].source != source), None)
