"""The assistant: plans in, answers out. Wires reading → index → answering once; answers in milliseconds.

It also answers the queries the pages and the API make of the plans (a unit's tasks, unit counts, a
clause by id, the rows of the responsibility matrix), so that no caller recomputes them.
"""

from __future__ import annotations

import functools
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .answering import compose
from .answering.answerers import (
    ClauseAnswerer,
    DocumentAnswerer,
    FullNameAnswerer,
    Refusal,
    UnitTasksAnswerer,
    UnknownUnitAnswerer,
)
from .answering.conversation import Conversations
from .answering.cues import SPOKEN_FORM_WORDS
from .answering.normalise import Normaliser, PlanVocabulary
from .answering.readings import Readings
from .answering.sets import SetAnswerer, TaskTable, YesNoAnswerer
from .answering.understand import QuestionAnalyzer, unit_stems
from .index.retrieve import RetrievalSettings, Retriever
from .index.snapshot import part
from .index.tokenize import Tokenizer, normalize
from .reading.corpus import load_corpus
from .reading.knowledge import Lexicon
from .reading.names import short_names, unit_surfaces
from .reading.segment import places_of
from .reading.units import UnitDirectory, is_group
from .records import Answer, Clause, Intent, Question
from .state import StateStore
from .vocabulary import ABBREVIATION_ENDINGS

__all__ = ["Assistant"]
QUOTED = re.compile(
    r"[“《]([^”》]{2,12})[”》]"
)  # "“双随机、一公开”", "《反不正当竞争法》": terms to keep whole


class Assistant:
    """Answers questions about plans from their clauses, citing the clause every answer rests on."""

    def __init__(
        self,
        clauses: Sequence[Clause],
        units: UnitDirectory | None = None,
        lexicon: Lexicon | None = None,
        store: StateStore | None = None,
        settings: RetrievalSettings | None = None,
        warnings: Sequence[str] = (),
        snapshot: str | Path | None = None,
    ):
        """`snapshot`: a file where the index's tokens are kept between start-ups (see index/snapshot.py)."""
        started = time.perf_counter()
        self.clauses: tuple[Clause, ...] = tuple(clauses)
        self.units = units or UnitDirectory()
        self.lexicon = lexicon or Lexicon()
        self.warnings: tuple[str, ...] = tuple(warnings)
        self.by_id = {c.id: c for c in self.clauses}
        self.duty_units: tuple[str, ...] = tuple(dict.fromkeys(u for c in self.clauses for u in c.units))
        self.short_names = short_names(self.clauses)
        surfaces = unit_surfaces(self.duty_units, self.units, self.lexicon, self.short_names)
        snapshot = Path(snapshot) if snapshot else None
        tokenizer = Tokenizer(
            self._words_to_keep(surfaces),
            self.lexicon.vocabulary.stop_words,
            dictionary=part(snapshot, ".jieba") if snapshot else None,
        )
        places = {place for doc in self.documents for place in places_of(doc)}
        self.retriever = Retriever(
            self.clauses,
            tokenizer,
            settings or RetrievalSettings(),
            background={t for p in places for t in [p, *tokenizer.tokens(p)]},
            snapshot=snapshot,
        )
        common = max(5, len(self.retriever.searchable) // 10)
        readings = Readings(part(snapshot, ".pinyin.json") if snapshot else None)
        self.normaliser = self._normaliser(tokenizer, surfaces, readings)
        readings.save()
        self.analyzer = QuestionAnalyzer(
            tokenizer,
            surfaces,
            self.lexicon,
            full_names=[u for u in self.duty_units if not is_group(u)],
            group_names=[u for u in self.duty_units if is_group(u)],
            weak_terms=[t for t, (docs, _) in self.retriever.bm25.postings.items() if len(docs) >= common],
            normaliser=self.normaliser,
            unit_roles=self._unit_roles(),
        )
        self.conversations = Conversations(store)
        refuse = Refusal(self._hints)
        by_clause = ClauseAnswerer(self.retriever, refuse)
        self._answerers = {
            Intent.LEAD: by_clause,
            Intent.COOPERATE: by_clause,
            Intent.WHO: by_clause,
            Intent.FACT: by_clause,
            Intent.CONTENT: by_clause,
            Intent.UNIT_TASKS: UnitTasksAnswerer(self.clauses, self._hints),
        }
        self._full_name = FullNameAnswerer(self.clauses, self.short_names, self.units, refuse)
        self._unknown = UnknownUnitAnswerer(self.duty_units, self._hints, self._known_name)
        table = TaskTable(self.clauses)
        self._answerers[Intent.SET] = self._answerers[Intent.COMPARE] = SetAnswerer(table, self._unknown)
        self._answerers[Intent.YES_NO] = YesNoAnswerer(self.retriever, refuse, self._unknown, table)
        self._document = DocumentAnswerer(self.clauses, lambda query: self._answerers[query.intent](query))
        # An answer depends only on the understood question (follow-ups carry their context in it).
        self.answer = functools.lru_cache(maxsize=4096)(self.answer)
        self.build_seconds = time.perf_counter() - started

    @classmethod
    def from_folder(
        cls,
        folder: str | Path,
        store: StateStore | None = None,
        settings: RetrievalSettings | None = None,
        knowledge: str | Path | None = None,
    ) -> "Assistant":
        """An assistant over every plan in a corpus folder (see load_corpus for `knowledge`)."""
        corpus = load_corpus(folder, knowledge)
        return cls(corpus.clauses, corpus.units, corpus.lexicon, store, settings, corpus.warnings)

    def _normaliser(self, tokenizer: Tokenizer, surfaces: dict[str, list[str]], readings: Readings) -> Normaliser:
        """The normalise stage over the plans' own words: those retrieval indexes (with how many clauses hold
        each), unit names, staff's terms; unit names and their stems are read as typed."""
        words = {term: len(docs) for term, (docs, _) in self.retriever.bm25.postings.items()}
        for word in self._words_to_keep(surfaces):
            words.setdefault(normalize(word), 1)
        form = self.lexicon.vocabulary.form_words | SPOKEN_FORM_WORDS
        compounds: Counter[str] = Counter()
        # each distinct text once, counted as often as clauses index it (plans copied under other names)
        for text, clauses in Counter(self.retriever.texts).items():
            tokens = self.retriever.words[text]
            for compound, count in Counter(
                a + b
                for a, b in zip(tokens, tokens[1:])
                if len(a) == len(b) == 2 and a not in form and b not in form
            ).items():
                compounds[compound] += count * clauses
        vocabulary = PlanVocabulary(words, tokenizer.dictionary, form, compounds=compounds, readings=readings)
        return Normaliser(
            vocabulary,
            tokenizer.words,
            self.lexicon.corrections,
            plan_chars="".join({c.text for c in self.clauses}),
            protected=set(surfaces) | set(unit_stems(surfaces)),
            unit_endings=ABBREVIATION_ENDINGS,
        )

    def _known_name(self, name: str) -> str:
        """A name the plans give no task as units.yaml knows it (统计局 → 盟统计局), or as a plan writes it; ''
        when neither does."""
        canonical = self.units.canonical(name)
        if canonical in self.units.canonical_names:
            return canonical
        return name if any(name in c.text for c in self.clauses) else ""

    def _unit_roles(self) -> dict[str, set[str]]:
        """The roles (lead, cooperate) each unit has somewhere in the plans."""
        roles: dict[str, set[str]] = {}
        for clause in self.clauses:
            for unit in clause.lead:
                roles.setdefault(unit, set()).add("lead")
            for unit in clause.cooperate:
                roles.setdefault(unit, set()).add("cooperate")
        return roles

    def _words_to_keep(self, surfaces: dict[str, list[str]]) -> list[str]:
        """Words jieba must keep whole: unit names, quoted terms of the plans, staff's terms."""
        words = (
            set(surfaces) | set(unit_stems(surfaces)) | set(self.lexicon.terms) | set(self.lexicon.synonyms)
        )
        for values in self.lexicon.synonyms.values():
            words.update(values)
        for clause in self.clauses:
            words.update(QUOTED.findall(clause.text))
        return sorted(words)

    # -- answering -------------------------------------------------------------------------
    def ask(self, question: str, session_id: str | None = None) -> Answer:
        """Answer one question; with a session_id, follow-ups continue the conversation."""
        # Most questions say all they ask: the session's context is fetched only for one it can change.
        context = self.conversations.context(session_id) if self.analyzer.needs_context(question) else None
        understood = self.analyzer.analyze(question, context)
        result = self.answer(understood)
        self.conversations.remember(session_id, understood, result)
        return result

    def answer(self, query: Question) -> Answer:
        """The answer to an understood question, by the answerer of its intent, saying how it was read."""
        if query.unknown_units and query.intent not in (Intent.SET, Intent.YES_NO, Intent.COMPARE):
            result = self._unknown(query)
        elif query.answer_type == "fullname" and query.units:
            result = self._full_name(query)
        elif query.document:
            result = self._document(query)
        else:
            result = self._answerers[query.intent](query)
        if not query.reading:
            return result
        # Words read otherwise (a slip, a short form) are named, so that a wrong guess shows: before the answer,
        # or, where the answer opens with what was asked (是 / 不是, the unit with more), after its first line.
        if result.intent in (Intent.YES_NO, Intent.COMPARE) and result.found:
            first, _, rest = result.answer.partition("\n")
            answer = f"{first}（{compose.read_as(query.reading).rstrip('：')}）" + (f"\n{rest}" if rest else "")
        else:
            answer = compose.read_as(query.reading) + result.answer
        return replace(result, answer=answer, understood_as=query.understood_as)

    @functools.cached_property
    def examples(self) -> tuple[str, ...]:
        """Questions to show staff: those in terms.yaml that these plans answer, else ones drawn from them."""
        configured = tuple(q for q in self.lexicon.examples if self.answer(self.analyzer.analyze(q)).found)
        return configured or self.derived_examples

    @functools.cached_property
    def derived_examples(self) -> tuple[str, ...]:
        """Questions drawn from the plans themselves: a task's units, a unit's tasks, a fact."""
        found: list[str] = []
        task = next((c for c in self.clauses if c.cooperate and 2 <= len(c.title) <= 12), None)
        if task is not None:
            found.append(f"{task.title}有哪些配合单位？")
        leads = Counter(u for c in self.clauses for u in c.lead if not is_group(u))
        if leads:
            found.append(f"{leads.most_common(1)[0][0]}牵头哪些工作？")
        if any(c.kind == "letter" and "联系人" in c.text for c in self.clauses):
            found.append("联系人是谁？")
        else:
            dated = next((c for c in self.clauses if c.deadline and 2 <= len(c.title) <= 12), None)
            if dated is not None:
                found.append(f"{dated.title}的完成时限是什么时候？")
        return tuple(found) or ("方案的主要目标是什么？",)

    def _hints(self) -> tuple[str, ...]:
        """Examples for a refusal (the derived ones while the configured ones are being checked)."""
        return self.__dict__.get("examples") or self.derived_examples

    # -- queries for the pages and the API --------------------------------------------------
    @functools.cached_property
    def documents(self) -> tuple[str, ...]:
        """The plans' titles, in corpus order."""
        return tuple(dict.fromkeys(c.doc for c in self.clauses))

    @functools.cached_property
    def task_clauses(self) -> tuple[Clause, ...]:
        """Clauses that give some unit a role, in document order (the matrix's rows)."""
        return tuple(c for c in self.clauses if c.lead or c.cooperate)

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self.by_id.get(clause_id)

    def unit_named(self, name: str) -> str | None:
        """The unit the plans give duties that a name or alias stands for, or None."""
        canonical = self.units.canonical(name)
        return canonical if canonical in self._tasks_by_unit else None

    def tasks_of(self, unit: str) -> dict[str, tuple[Clause, ...]]:
        """The clauses a unit leads and the ones it cooperates in: {"lead": …, "cooperate": …}."""
        return self._tasks_by_unit.get(unit, {"lead": (), "cooperate": ()})

    def unit_counts(self) -> list[tuple[str, int, int]]:
        """(unit, tasks led, tasks cooperated in) for every unit with a duty, in first-seen order."""
        return [(u, len(t["lead"]), len(t["cooperate"])) for u, t in self._tasks_by_unit.items()]

    def select_tasks(self, unit: str = "", text: str = "") -> list[Clause]:
        """Task clauses where `unit` has a role and whose text holds `text` (either may be empty)."""
        text = text.strip().lower()
        return [
            c
            for c in self.task_clauses
            if (not unit or unit in c.units) and (not text or text in search_text(c))
        ]

    @functools.cached_property
    def _tasks_by_unit(self) -> dict[str, dict[str, tuple[Clause, ...]]]:
        """Each unit's clauses by role, computed once, in one pass over the clauses (not one per unit: with
        10,000 clauses and 1,000 units that took 12 s, on the first request of the matrix)."""
        found: dict[str, dict[str, list[Clause]]] = {u: {"lead": [], "cooperate": []} for u in self.duty_units}
        for clause in self.clauses:
            for role in ("lead", "cooperate"):
                for unit in dict.fromkeys(getattr(clause, role)):
                    found[unit][role].append(clause)
        return {u: {role: tuple(clauses) for role, clauses in roles.items()} for u, roles in found.items()}


def search_text(clause: Clause) -> str:
    """What the matrix filter matches, lower-cased; web/static/js/units.js matches the same string."""
    return " ".join(
        [clause.doc, clause.path, clause.title, clause.text, *clause.lead, *clause.cooperate, clause.deadline]
    ).lower()
