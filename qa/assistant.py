"""The assistant: plans in, answers out. Wires reading → index → answering once; answers in milliseconds.

It also answers the queries the pages and the API make of the plans (a unit's tasks, unit counts, a
clause by id, the rows of the responsibility matrix), so that no caller recomputes them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
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
from .answering.renames import RenameNotes
from .answering.sets import SetAnswerer, TaskTable, YesNoAnswerer
from .answering.suggest import Suggester
from .answering.understand import QuestionAnalyzer, unit_stems, verb_follows
from .index.retrieve import RetrievalSettings, Retriever
from .index.snapshot import part, source_key
from .index.tokenize import Tokenizer, normalize
from .reading.corpus import load_corpus
from .reading.knowledge import Lexicon
from .reading.names import short_names, unit_surfaces
from .reading.renames import RenameTable, rename_surfaces
from .reading.segment import places_of
from .reading.units import UnitDirectory, is_group
from .joined import JoinedTexts
from .plans import Catalogue, Plan, Scope
from .records import Answer, Clause, Hit, Intent, Question, replace
from .state import StateStore
from .vocabulary import (
    ABBREVIATION_ENDINGS,
    GENERAL_WORD_FREQUENCY,
    GENERIC_NAME_FREQUENCY,
    NAMED_TOPIC,
    ORDINAL_PLAN,
    POINTED_DOCUMENT,
    QUESTION_UNIT_NAME_ENDINGS,
    ordinal_number,
)

__all__ = ["Assistant"]
# Intents whose answer is one clause's: with several plans loaded, each plan that holds the topic answers too.
SECTIONED = (Intent.LEAD, Intent.COOPERATE, Intent.WHO, Intent.CONTENT)
# At most this many plans' answers in one reply; the others holding the topic are named after them.
MAX_PLANS_ANSWERED = 12
# What staff call every plan at once (the picker's 全部方案; the API's plan: "all").
ALL_PLANS = ("all", "全部", "全部方案", "所有方案", "全部的", "所有")
# A question asked of every plan ("各个方案的文号分别是多少"), not of the one the conversation is about.
EVERY_PLAN = re.compile(r"(?:各个|各|所有|全部|每个|每份|哪些|几个)(?:方案|文件|计划|清单)")
# A message choosing the plans to ask of: "切换到锡盟方案", "只看三亚的", "全部方案".
SWITCH = re.compile(
    r"(?:(?:切换|切|换|转)(?:到|至|成|为)|改为|改成|只看|只查|只问|选择?)\s*(?P<name>.{1,40}?)(?:的)?(?:方案|文件|这个方案)?"
    r"|(?P<all>(?:全部|所有)方案)"
)
QUOTED = re.compile(
    r"[“《]([^”》]{2,12})[”》]"
)  # "“双随机、一公开”", "《反不正当竞争法》": terms to keep whole


# The library's code as this process runs it: read when qa is imported, not when a key is made, so that checks
# made by a process that still runs old code are never kept under the new code's key (a deploy before a reload).
RUNNING_CODE = source_key(*sorted(Path(__file__).resolve().parent.rglob("*.py")))


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
        # names the reforms gave units (renames.yaml): 税务局 asks for 盟国税局、盟地税局, and the answer says so
        renamed, notes = rename_surfaces(RenameTable(self.lexicon.renames), self.duty_units, self.units, surfaces)
        surfaces.update(renamed)
        self._renamed_surfaces = set(renamed)
        self._renamed_names = {*renamed, *RenameTable(self.lexicon.renames).agency}
        self._renamed = RenameNotes(notes, surfaces)
        snapshot = Path(snapshot) if snapshot else None
        self.snapshot = snapshot  # where the index's parts are kept between start-ups (None: nowhere)
        keep = self._words_to_keep(surfaces)  # made once: its pass over every clause's text is not free
        tokenizer = Tokenizer(
            keep,
            self.lexicon.vocabulary.stop_words,
            dictionary=part(snapshot, ".jieba") if snapshot else None,
        )
        places = {place for doc in self.documents for place in places_of(doc)}
        # the plans loaded, as staff name them (qa/plans.py): a question naming one is answered from it alone
        self.catalogue = Catalogue(self.clauses, words=tokenizer.words)
        self.retriever = Retriever(
            self.clauses,
            tokenizer,
            settings or RetrievalSettings(),
            background={t for p in places for t in [p, *tokenizer.tokens(p)]},
            snapshot=snapshot,
            plans=[self.catalogue.plan_of(c) for c in self.clauses],
            domain_terms=self.lexicon.terms,
            synonyms=self.lexicon.synonyms,
        )
        common = max(5, len(self.retriever.searchable) // 10)
        readings = Readings(part(snapshot, ".pinyin.json") if snapshot else None)
        self.normaliser = self._normaliser(
            tokenizer, surfaces, readings, part(snapshot, ".vocabulary.json") if snapshot else None, keep
        )
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
            Intent.UNIT_TASKS: UnitTasksAnswerer(self.clauses, self._hints, self.catalogue.plan_of),
        }
        self._full_name = FullNameAnswerer(self.clauses, self.short_names, self.units, refuse)
        self._unknown = UnknownUnitAnswerer(self.duty_units, self._hints, self._known_name)
        table = TaskTable(self.clauses, self.catalogue.plan_of)
        self._answerers[Intent.SET] = self._answerers[Intent.COMPARE] = SetAnswerer(table, self._unknown)
        self._answerers[Intent.YES_NO] = YesNoAnswerer(self.retriever, refuse, self._unknown, table)
        self._document = DocumentAnswerer(
            self.clauses, lambda query: self._answerers[query.intent](query), self.catalogue.plan_of
        )
        # An answer depends only on the understood question (follow-ups carry their context in it).
        self.answer = functools.lru_cache(maxsize=4096)(self.answer)
        self.several = functools.lru_cache(maxsize=4096)(self.several)
        # Under a found answer, questions to ask next, each answered on its own before it is offered.
        self.suggest = Suggester(self.clauses, lambda text: self.answer(self.analyzer.analyze(text)), self.tasks_of)
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

    def _normaliser(self, tokenizer: Tokenizer, surfaces: dict[str, list[str]], readings: Readings,
                    snapshot: Path | None = None, keep: Sequence[str] | None = None) -> Normaliser:
        """The normalise stage over the plans' own words: those retrieval indexes (with how many clauses hold
        each), unit names, staff's terms; unit names and their stems are read as typed. `snapshot`: the file
        the vocabulary's tables are kept in between start-ups; `keep`: _words_to_keep(surfaces), made already."""
        words = {term: len(docs) for term, (docs, _) in self.retriever.bm25.postings.items()}
        for word in self._words_to_keep(surfaces) if keep is None else keep:
            words.setdefault(normalize(word), 1)
        form = self.lexicon.vocabulary.form_words | SPOKEN_FORM_WORDS

        def compounds() -> Counter[str]:
            """Two-character words the plans write side by side; each distinct text once, counted as often as
            clauses index it (plans copied under other names). Made only when the vocabulary's tables are."""
            found: Counter[str] = Counter()
            words_of = self.retriever.words
            for text, clauses in Counter(self.retriever.texts).items():
                tokens = words_of[text]
                for a, b in zip(tokens, tokens[1:]):
                    if len(a) == len(b) == 2 and a not in form and b not in form:
                        found[a + b] += clauses
            return found

        # the tables' inputs beside the words and form words: jieba's dictionary (the tokenizer's identity) and
        # the indexed texts the compounds come from
        # the compounds rule below is code of this file: an edit to it is another identity
        identity = f"{tokenizer.identity}|{self.retriever.texts_key}|{source_key(Path(__file__))}" if snapshot else ""
        vocabulary = PlanVocabulary(words, tokenizer.dictionary, form, compounds=compounds, readings=readings,
                                    snapshot=snapshot, identity=identity)
        return Normaliser(
            vocabulary,
            tokenizer.words,
            self.lexicon.corrections,
            # the clauses in their order, apart: a set's order (the hash seed) changed how numbers were heard
            plan_chars="\n".join(dict.fromkeys(c.text for c in self.clauses)),
            protected=set(surfaces) | set(unit_stems(surfaces)),
            # a name ending so is a unit's (人民银行锡盟中心支行), never a slip to mend (支行 → 执行)
            unit_endings=tuple(dict.fromkeys(ABBREVIATION_ENDINGS + QUESTION_UNIT_NAME_ENDINGS)),
            # a name heard like one of the plans' units is read as it; a rename's names are real agencies
            unit_names=[name for name in surfaces if name not in self._renamed_surfaces],
            not_units=self._renamed_names,
            weak=[t for t, n in words.items() if n >= max(5, len(self.retriever.searchable) // 10)],
            titles="\n".join(dict.fromkeys(c.title for c in self.clauses)),
        )

    def _known_name(self, name: str) -> str:
        """A name the plans give no task as units.yaml knows it (统计局 → 盟统计局), or as a plan writes it; ''
        when neither does."""
        # units.yaml's names of a prefix's place (盟市场监督管理局) only where a plan of that place is loaded
        canonical = self.units.canonical(name, self._plan_places)
        if canonical in self.units.canonical_names:
            return canonical
        return name if next(self.clause_texts.holding(name), None) is not None else ""

    @functools.cached_property
    def _plan_places(self) -> tuple[str, ...]:
        """Every place the loaded plans are of (锡林郭勒盟, 三亚市 …)."""
        return tuple(dict.fromkeys(place for plan in self.catalogue for place in plan.places))

    @functools.cached_property
    def clause_texts(self) -> JoinedTexts:
        """Every clause's text, searched as one (web.ready makes it before the workers fork)."""
        return JoinedTexts(c.text for c in self.clauses)

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
    def ask(self, question: str, session_id: str | None = None, plan: str | None = None) -> Answer:
        """Answer one question; with a session_id, follow-ups continue the conversation. `plan` (an id or a name
        of one plan; ValueError for one that names none) asks it of that plan alone, unless the question names
        another; a follow-up keeps the plans of the question before it unless it names others."""
        chosen = self.plan_scope(plan)
        scope = self._scope(question)
        text = scope.text or question
        # Most questions say all they ask: the session's context is fetched only for one it can change.
        asks_context = self.analyzer.needs_context(text) or (len(self.catalogue) > 1 and POINTED_DOCUMENT.search(text))
        context = self.conversations.context(session_id) if asks_context else None
        pointed = self._pointed_plan(text, context) if not scope.plans else None
        if pointed is not None:  # "第二个方案呢": that plan of the answer before, the rest of the question asked of it
            scope, text = Scope((pointed[0],), pointed[1]), pointed[1]
        understood = self.analyzer.analyze(text, context)
        plans = scope.plans or chosen
        # a follow-up, or a fact of the document the conversation is about ("这个清单是谁发的" after 扬州's 清单,
        # "文号是多少" after a question naming 辽宁's plan), unless asked of every plan: the conversation's plans
        of_document = (understood.document or understood.answer_type == "docnum") and (
            POINTED_DOCUMENT.search(text) or not EVERY_PLAN.search(text))
        if not plans and of_document and context is None and session_id and len(self.catalogue) > 1:
            context = self.conversations.context(session_id)
        if not plans and context and (understood.follow_up or of_document):
            plans = tuple(p for p in context.get("plans", ()) if isinstance(p, str) and p in self.catalogue.by_id)
        unscoped, by_members = understood, False
        if not plans and understood.intent == Intent.YES_NO and understood.members:
            # "是不是盟工商局牵头简易注销": asked of the plans that give the units a task, not of the plan matching the
            # task best (克拉玛依's, where 盟工商局 is not: "不是，没有参与" would be wrong)
            plans = self._plans_of_members(understood.members)
            by_members = bool(plans)
        if plans:
            understood = replace(understood, plans=plans, units=self._units_in(understood, text, plans))
            # "那克拉玛依的呢": the same topic in the plan named now, not the clause of the plan before
            anchor = tuple(a for a in understood.anchor if a in self.by_id and self.catalogue.plan_of(self.by_id[a]) in plans)
            if anchor != understood.anchor:
                understood = replace(understood, anchor=anchor)
        result = self.several(understood)
        if by_members and not result.found:
            # their plans hold no such task: asked of every plan (不是: the task is another plan's, without them)
            understood = unscoped
            result = self.several(understood)
        if len(result.plans) > 1 and session_id:
            # several plans answer: the one the conversation is about first
            if context is None:
                context = self.conversations.context(session_id)
            before = [p for p in (context or {}).get("plans", ()) if isinstance(p, str)]
            if len(before) == 1 and before[0] in result.plans[1:]:
                result = self.several(replace(understood, prefer=before[0]))
        result = self.suggest(understood, result)
        self.conversations.remember(session_id, understood, result)
        return result

    @staticmethod
    def _pointed_plan(text: str, context: Mapping | None) -> tuple[str, str] | None:
        """A plan pointed at by its place among those the answer before named ("第二个方案呢"), and the question
        without the pointing words; None when the question points at none."""
        answered = [p for p in (context or {}).get("answered", ()) if isinstance(p, str)]
        match = ORDINAL_PLAN.match(text) if answered else None
        if match is None:
            return None
        place = len(answered) if match.group("last") else ordinal_number(match.group("n"))
        if not 1 <= place <= len(answered):
            return None
        return answered[place - 1], text[match.end() :] or "呢"

    def switch_plan(self, message: str, session_id: str | None) -> str | None:
        """A message that chooses the plans a session asks of ("切换到锡盟方案", "全部方案"): kept for the session
        and the reply saying so; None for any other message (a question)."""
        match = SWITCH.fullmatch(message.strip(" 。.!！?？"))
        if match is None or len(self.catalogue) < 2:
            return None
        name = (match.group("name") or "").strip()
        if not name or name in ALL_PLANS:
            kept = self.conversations.choose_plan(session_id, "")
            said = f"已切换到全部方案：之后的问题在已载入的{len(self.catalogue)}个方案中查找。"
        else:
            plan = self.catalogue.named(name)
            if plan is None:
                shorts = "、".join(p.short for p in self.catalogue)
                return f"没有找到“{name}”的方案。已载入的方案：{shorts}。例如发送“切换到{self.catalogue.plans[0].short}方案”。"
            kept = self.conversations.choose_plan(session_id, plan.id)
            said = f"已切换到《{plan.title}》：之后的问题只在这个方案中查找。发送“全部方案”可恢复。"
        return said if kept else "暂时无法记住所选方案，请在问题里写明方案，例如“锡盟方案里简易注销谁牵头”。"

    def chosen_plan(self, session_id: str | None) -> str | None:
        """The plan a session chose by message, if it is still loaded (None: every plan)."""
        chosen = self.conversations.chosen_plan(session_id)
        return chosen if chosen in self.catalogue.by_id else None

    def shared_topics(self, clauses: Sequence[Clause], most: int = 8) -> list[tuple[Plan, list[str]]]:
        """For a plan not loaded yet (an upload's clauses): each loaded plan whose tasks hold topics of its tasks,
        with those topics, rarest first: the questions whose answers will show both plans. A topic is a word
        of three characters or more that titles a task of each (简易注销, 信用修复), no word common to the plans."""
        sources = {c.source for c in clauses}
        words: dict[str, None] = {}
        for clause in clauses:
            if clause.kind == "paragraph" and clause.units and clause.title:
                for term in self.analyzer.analyze(clause.title).terms:
                    if len(term) >= 3 and term not in self.analyzer.weak_terms:
                        words[term] = None
        held: dict[str, list[str]] = {}
        searchable = self.retriever.searchable
        for term in words:
            posting = self.retriever.bm25.postings.get(term)
            if posting is None:
                continue
            # a topic of both: a task of each is titled with it (not a word in passing)
            titled = [searchable[i] for i in posting[0].tolist() if searchable[i].units and term in searchable[i].title]
            for plan in {self.catalogue.plan_of(clause) for clause in titled}:
                held.setdefault(plan, []).append(term)
        # a word that titles tasks of most plans (建立健全, 服务体系) is their common language, not a topic
        spread = Counter(t for terms in held.values() for t in terms)
        common = {t for t, n in spread.items() if len(self.catalogue) > 3 and n * 3 > len(self.catalogue)}
        found = []
        for plan in self.catalogue:
            terms = [
                t for t in held.get(plan.id, ())
                if t not in common and not any(t != o and t in o for o in held[plan.id])
            ]
            if terms and plan.source not in sources:
                terms.sort(key=lambda t: -self.retriever.bm25.idf(t))
                found.append((plan, terms[:most]))
        return sorted(found, key=lambda f: -len(f[1]))

    def plan_scope(self, plan: str | None) -> tuple[str, ...]:
        """The plan an id or name chooses, as a scope (() for none or for 全部/all); ValueError for a name that
        names no one plan."""
        if plan is None or not str(plan).strip() or str(plan).strip() in ALL_PLANS:
            return ()
        found = self.catalogue.named(str(plan))
        if found is None:
            raise ValueError(f"没有名为“{str(plan)[:40]}”的方案")
        return (found.id,)

    def _units_in(self, query: Question, text: str, plans: tuple[str, ...]) -> tuple[str, ...]:
        """The units a question about units' tasks names, as the plans asked of name them: a short name that
        stands for other plans' units (市场监管局 → 省市场监管局) read as those plans' own (市市场监督管理局)."""
        if query.intent != Intent.UNIT_TASKS or not query.units:
            return query.units
        held = {u for p in plans for u in self._plan_units.get(p, ())}
        if any(u in held for u in query.units):
            return query.units
        others = [u for u in self.analyzer.other_units(text, query.role or "any") if u in held]
        return tuple(others) or query.units

    @functools.cached_property
    def _plan_units(self) -> dict[str, set[str]]:
        """The units each plan gives a task."""
        found: dict[str, set[str]] = {}
        for clause in self.task_clauses:
            found.setdefault(self.catalogue.plan_of(clause), set()).update(clause.units)
        return found

    def _scope(self, question: str) -> Scope:
        """The plans a question names, and the question without their names (a unit's name that holds a place,
        三亚市财政局, stays whole)."""
        pattern = self.analyzer._unit_pattern
        # a name's ending that goes on as a longer word (政府办 of 政府办公厅) is no unit's name
        found = [m for m in pattern.finditer(question) if not verb_follows(question, m.end())] if pattern is not None else []
        scope = self.catalogue.scope_of(question, tuple(m.span() for m in found))
        surfaces = [m.group() for m in found]
        if not scope.plans or not all(any(name in s for s in surfaces) for name in scope.names):
            return scope
        # named only by the place inside a unit's name (自治区司法厅, 人民银行沈阳分行): the plans that give that unit
        # a task or that it issued (its name in their issuer or title), not others of its place; else no plan named
        naming = [s for s in surfaces if any(name in s for name in scope.names)]
        named = {u for s in naming for u in self.analyzer.surfaces[s]}
        holding = tuple(
            p
            for p in scope.plans
            if any(p in self.plans_of_unit.get(u, ()) for u in named)
            or any(s in self.catalogue.by_id[p].issuer or s in self.catalogue.by_id[p].title for s in naming)
        )
        return replace(scope, plans=holding) if holding else Scope(text=question)

    def _plans_of_members(self, members: Sequence[tuple[Sequence[str], str, bool]]) -> tuple[str, ...]:
        """The plans giving every unit asked about a task (else any of them), in corpus order; () when that is
        every plan or none."""
        each = [set().union(*(self.plans_of_unit.get(u, set()) for u in units)) for units, _, _ in members]
        found = set.intersection(*each) if each else set()
        found = found or set().union(*each)
        if not found or len(found) == len(self.catalogue):
            return ()
        return tuple(p.id for p in self.catalogue.plans if p.id in found)

    @functools.cached_property
    def plans_of_unit(self) -> dict[str, set[str]]:
        """The plans that give each unit a task, as lead or cooperating unit."""
        found: dict[str, set[str]] = {}
        for clause in self.clauses:
            for unit in (*clause.lead, *clause.cooperate):
                found.setdefault(unit, set()).add(self.catalogue.plan_of(clause))
        return found

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
        own = tuple(dict.fromkeys(p for c in result.citations if (p := self.catalogue.plan_of(c))))
        result = replace(result, plans=own) if own else result  # the plans it comes from
        result = self._renamed(query, result)
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

    def several(self, query: Question) -> Answer:
        """The answer to an understood question as ask() gives it: for a question that names no plan, on a topic
        several plans hold, each plan's own answer (its units, its clause), the conversation's plan first, then
        by match. (answer() alone gives the best plan's, as the next questions under an answer are checked.)"""
        result = self.answer(query)
        if result.intent == Intent.UNIT_TASKS and result.found and len(self.catalogue) > 1:
            return self._tasks_by_plan(result)
        if (
            len(self.catalogue) < 2
            or not result.found
            or query.plans
            or query.intent not in SECTIONED
            or query.more
            or query.document
            or query.unknown_units
        ):
            return result
        own = result.plans
        first = own[:1]
        plain = replace(query, anchor=(), seen=(), prefer="")
        holding = [
            (p, i)
            for p, i, _ in self.retriever.best_per_plan(plain, self.retriever.settings.plans_ratio)
            if p not in first
        ]
        named = self._named_topic(query)
        if named is not None:  # the topic's name after its description: the plans holding it by that name too
            held = {p for p, _ in holding} | set(first)
            holding += [
                (p, i)
                for p, i, _ in self.retriever.best_per_plan(named, self.retriever.settings.plans_ratio)
                if p not in held
            ]
        sections = [(first[0], result)] if first else []
        if query.prefer:  # the conversation's plan first
            holding.sort(key=lambda h: h[0] != query.prefer)
            sections.sort(key=lambda s: s[0] != query.prefer)
        more: list[str] = []  # the plans past the ones shown: named only, their answers never made
        for plan, i in holding:
            if len(sections) >= MAX_PLANS_ANSWERED:
                more.append(plan)
                continue
            # each plan's answer from its own best clause (found above): its units, never another plan's
            hit = Hit(self.retriever.searchable[i], why="ranked")
            answer = self._answerers[query.intent](replace(plain, plans=(plan,)), [hit])
            if answer.found and answer.citations:
                sections.append((plan, answer))
        if query.prefer:
            sections.sort(key=lambda s: s[0] != query.prefer)
        if len(sections) < 2:
            return result
        # how the question's words were read is said once, before every plan's answer
        read_as = compose.read_as(query.reading) if query.reading else ""
        if read_as and result.answer.startswith(read_as):
            sections = [
                (p, replace(a, answer=a.answer[len(read_as) :]) if a is result else a) for p, a in sections
            ]
        text = read_as + compose.several_reply(
            [(self.catalogue.by_id[p].short, answer.answer) for p, answer in sections],
            [self.catalogue.by_id[p].short for p in more],
        )
        lead = sections[0][1]
        return replace(
            lead,
            answer=text,
            understood_as=result.understood_as,
            citations=tuple(dict.fromkeys([*(a.citations[0] for _, a in sections), *lead.citations[1:]])),
            plans=tuple(p for p, _ in sections),
        )

    def _named_topic(self, query: Question) -> Question | None:
        """The question asked by the name it gives its topic after describing it ("…这些包容审慎监管的事谁牵头" →
        "包容审慎监管的事谁牵头"; NAMED_TOPIC), understood as the same kind of question; None for none."""
        for n, pattern in enumerate(NAMED_TOPIC):
            match = pattern.search(query.text)
            if match is None:
                continue
            # "…的改革谁牵头": a word of general use after 的 is no name of its own (免证办 is)
            dictionary = self.analyzer.tokenizer.dictionary
            general = dictionary.get(match["topic"], 0) >= GENERIC_NAME_FREQUENCY
            if n == len(NAMED_TOPIC) - 1 and general:
                return None
            # "…这些登记业务由哪个部门牵头": words all of general use name no topic of their own
            words = [w for w in self.analyzer.tokenizer.words(match["topic"].strip("“”")) if len(w) >= 2]
            if words and all(dictionary.get(w, 0) >= GENERAL_WORD_FREQUENCY for w in words):
                return None
            asked = self.analyzer.analyze(match["topic"] + query.text[match.end() :])
            if asked.intent != query.intent or not asked.terms or set(asked.terms) >= set(query.terms):
                return None
            return replace(asked, plans=(), anchor=(), seen=(), prefer="")
        return None

    def _tasks_by_plan(self, result: Answer) -> Answer:
        """A unit's tasks found in several plans (市监局 of 克拉玛依's, 铜川's …): each plan's under its short title,
        with its own unit's name, so that no plan's tasks read as another's."""
        by_plan: dict[str, list] = {}  # each plan's cited clauses, in the order cited (one pass: 100 plans' tasks)
        for clause in result.citations:
            by_plan.setdefault(self.catalogue.plan_of(clause), []).append(clause)
        plans = list(by_plan)
        if len(plans) < 2:
            return result
        role = result.subject_role or "any"
        sections = []
        for plan, clauses in by_plan.items():
            named = [u for u in result.subject_units if any(u in c.lead or u in c.cooperate for c in clauses)]
            sections.append((self.catalogue.by_id[plan].short, compose.tasks_reply(named or result.subject_units, role, clauses, 0)))
        return replace(result, answer=compose.several_reply(sections), plans=tuple(plans))

    def prepare_documents(self) -> None:
        """Every plan's front-matter sentences, searched by questions about the documents, made now."""
        self._document.prepare()

    @functools.cached_property
    def examples(self) -> tuple[str, ...]:
        """Questions to show staff: those in terms.yaml that these plans answer, else ones drawn from them."""
        configured = tuple(q for q in self.lexicon.examples if self._answers_as_asked(q))
        return configured or self.derived_examples

    def _answers_as_asked(self, question: str) -> bool:
        """Whether the plans answer an example question as it is written: found, its words read as they are, and
        the units it names theirs (盟质监局牵头哪些工作 shown over 廊坊's plan would name another plan's unit)."""
        answer = self.answer(self.analyzer.analyze(question))
        return answer.found and not answer.understood_as and all(u in question for u in answer.subject_units)

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

    def check_suggestions(self) -> int:
        """Every question an answer can suggest, answered now (web.ready does, before the first request) and kept
        beside the index snapshot, so that no request answers one. The number answered (0 when read back)."""
        kept = part(self.snapshot, ".checked.json") if self.snapshot else None
        answered = self.suggest.check_all(kept, self._answers_key() if kept else "")
        if answered:  # the candidates' answers are no question staff asked: out of the caches of theirs
            self.answer.cache_clear()
            self.several.cache_clear()
            self.analyzer._read.cache_clear()
        return answered

    def _answers_key(self) -> str:
        """What every answer depends on: the library's code, the index (texts, tokenizer, BM25 settings), the
        retrieval settings, every field of every clause, the units' names and the lexicon."""
        digest = hashlib.sha256(f"{RUNNING_CODE}|{self.retriever.texts_key}|{self.retriever.settings!r}".encode())
        for c in self.clauses:  # fields joined, not repr'd: a tenth of the time on a compilation's texts
            digest.update(
                "\x1f".join((c.id, c.doc, c.source, c.path, c.kind, c.title, c.text, "、".join(c.lead),
                             "、".join(c.cooperate), c.deadline, c.duty_text, str(c.lines), "|".join(c.section),
                             c.parent, str(c.level), "\x1e")).encode("utf-8", "surrogatepass")
            )

        def stable(value: object) -> object:  # sets in a fixed order: their iteration order changes per process
            return sorted(value) if isinstance(value, (set, frozenset)) else getattr(value, "__dict__", repr(value))

        known = json.dumps([dataclasses.asdict(self.lexicon), vars(self.units)], default=stable, ensure_ascii=False,
                           sort_keys=True)
        digest.update(known.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

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
