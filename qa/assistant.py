"""The assistant: plans in, answers out. Builds the index once; answers each question in milliseconds."""
from __future__ import annotations

import functools
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import answer as compose
from .corpus import Corpus, load_corpus
from .lexicon import Lexicon
from .names import short_names, unit_surfaces
from .records import Answer, Clause
from .retrieve import Retriever, Settings
from .segment import places_of
from .sessions import StateStore
from .tokenize import Tokenizer
from .understand import Query, QuestionAnalyzer
from .units import UnitDirectory, is_group

__all__ = ["Assistant", "Corpus", "Settings", "load_corpus"]
QUOTED = re.compile(r"[“《]([^”》]{2,12})[”》]")
# Words that name the plan itself ("这个文件的文号"), not a topic within it.
DOCUMENT_WORDS = frozenset({"文件", "通知", "方案", "实施方案", "本方案", "规划", "意见"})


class Assistant:
    """Answers questions about plans from their clauses, citing the clause every answer rests on."""

    def __init__(self, clauses: Sequence[Clause], units: UnitDirectory | None = None,
                 lexicon: Lexicon | None = None, store: StateStore | None = None,
                 settings: Settings | None = None):
        self.clauses = list(clauses)
        self.units = units or UnitDirectory()
        self.lexicon = lexicon or Lexicon()
        self.store = store
        self.settings = settings or Settings()
        started = time.perf_counter()
        self.by_id = {c.id: c for c in self.clauses}
        self.short_names = short_names(self.clauses)
        surfaces = unit_surfaces(self.duty_units, self.units, self.lexicon, self.short_names)
        self.tokenizer = Tokenizer(self._vocabulary(surfaces))
        self.searchable = [c for c in self.clauses if c.kind != "heading"]
        places = {place for doc in {c.doc for c in self.clauses} for place in places_of(doc)}
        self.retriever = Retriever(self.searchable, self.tokenizer, self.settings,
                                   background={t for p in places for t in [p, *self.tokenizer.tokens(p)]})
        self.bm25 = self.retriever.bm25
        self.coverage = self.retriever.coverage
        common = max(5, len(self.searchable) // 10)
        self.analyzer = QuestionAnalyzer(
            self.tokenizer, surfaces, self.lexicon, full_names=[u for u in self.duty_units if not is_group(u)],
            weak_terms=[t for t, (docs, _) in self.bm25.postings.items() if len(docs) >= common])
        # An answer depends only on the understood question (follow-ups carry their context in it).
        self._answer = functools.lru_cache(maxsize=4096)(self._answer)
        self.build_seconds = time.perf_counter() - started

    @classmethod
    def from_folder(cls, folder: str | Path, store: StateStore | None = None,
                    settings: Settings | None = None, knowledge: str | Path | None = None) -> "Assistant":
        """An assistant over every plan in a corpus folder (see load_corpus for `knowledge`)."""
        corpus = load_corpus(folder, knowledge)
        assistant = cls(corpus.clauses, corpus.units, corpus.lexicon, store, settings)
        assistant.warnings = corpus.warnings
        return assistant

    warnings: list[str] = []

    @functools.cached_property
    def examples(self) -> tuple[str, ...]:
        """Questions to show staff: those in terms.yaml that these plans answer, else ones drawn from them."""
        configured = tuple(q for q in self.lexicon.examples if self._answer(self.analyzer.analyze(q)).found)
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

    # -- building --------------------------------------------------------------------------
    @functools.cached_property
    def duty_units(self) -> list[str]:
        """Every unit the plans give a role, in first-seen order."""
        return list(dict.fromkeys(u for c in self.clauses for u in c.lead + c.cooperate))

    def _vocabulary(self, surfaces: dict[str, list[str]]) -> list[str]:
        """Words jieba must keep whole: unit names, quoted terms of the plans, staff's terms."""
        words = set(surfaces) | set(self.lexicon.terms) | set(self.lexicon.synonyms)
        for values in self.lexicon.synonyms.values():
            words.update(values)
        for clause in self.clauses:
            words.update(QUOTED.findall(clause.text))
        return sorted(words)

    # -- answering -------------------------------------------------------------------------
    def ask(self, question: str, session_id: str | None = None) -> Answer:
        """Answer one question; with a session_id, follow-ups continue the conversation."""
        key = f"session:{session_id}" if session_id and self.store is not None else None
        context = self.store.get(key) if key else None
        query = self.analyzer.analyze(question, context)
        result = self._answer(query)
        if key:
            anchor = tuple(c.id for c in result.citations[:1]) if result.found else query.anchor
            self.store.put(key, replace(query, anchor=anchor).to_context())
        return result

    def _answer(self, query: Query) -> Answer:
        """The answer to an understood question."""
        if query.intent == "unit_tasks":
            return self._unit_tasks(query)
        if query.answer_type == "fullname" and query.units:
            return self._full_name(query)
        hits = self._retrieve(query)
        if not hits:
            return self._refuse(query)
        best, related = hits[0], hits[1:]
        highlight = tuple(query.terms)
        if query.intent in ("lead", "cooperate", "who"):
            text, units = compose.duty_reply(query.intent, best, related)
            roles = tuple((u, "lead") for u in best.lead) + tuple((u, "cooperate") for u in best.cooperate)
            return Answer(text, True, query.intent, units, (best, *related), tuple(related), roles, highlight)
        if query.intent == "fact":
            text = compose.fact_reply(best, query.answer_type, query.terms)
        else:
            text = compose.content_reply(best, query.terms, related)
        return Answer(text, True, query.intent, (), (best, *related), tuple(related), (), highlight)

    def _retrieve(self, query: Query) -> list[Clause]:
        """The best clause for the question's topic and the ones close to it, or [] when none holds it."""
        if not query.terms and not query.anchor:
            fallback = self._holding_fact(query, [])
            return [self.searchable[fallback]] if fallback is not None else []
        if query.anchor:  # a follow-up on the same topic: the clause the conversation is about
            anchored = [self.by_id[i] for i in query.anchor if i in self.by_id]
            if anchored:
                return anchored + self._siblings(anchored[0])
        ranked = self.retriever.rank(query)
        if not ranked:
            fallback = self._holding_fact(query, [])
            return [self.searchable[fallback]] if fallback is not None else []
        hits = [(i, score) for i, score, _ in ranked]
        holding = self._holding_fact(query, hits)
        if holding is not None:
            best, near = holding, [(i, s) for i, s in hits if i == holding]
        elif ranked[0][2] < self.settings.min_coverage:
            return []
        else:
            near = [(i, s) for i, s in hits if s >= self.settings.related_ratio * hits[0][1]]
            preferred = self._prefer(query, near)
            best = hits[0][0] if preferred is None else preferred
        chosen = self.searchable[best]
        related = [self.searchable[i] for i, _ in near if i != best][: self.settings.max_related]
        for sibling in self._siblings(chosen):
            if sibling not in related and len(related) < self.settings.max_related + 1:
                related.append(sibling)
        return [chosen, *related]

    def _holding_fact(self, query: Query, hits: list[tuple[int, float]]) -> int | None:
        """For a question after one thing (a contact, an e-mail, a document number), the clause holding it.

        Among the hits that clause wins however few words match; with no hits, the plans' first such
        clause (cover letter first) answers, when the question says little else (at most one word).
        """
        if query.intent != "fact" or query.answer_type not in compose.DISTINCT_FACTS:
            return None
        holding = [i for i, _ in hits
                   if compose.has_entity(self.searchable[i], query.answer_type) and self.coverage(query, i) > 0]
        if holding:  # most of the question first; then the cover letter, which speaks of the plan itself
            return min(holding, key=lambda i: (-round(self.coverage(query, i), 2),
                                               self.searchable[i].kind not in ("letter", "title"), holding.index(i)))
        if len([t for t in query.terms if t not in DOCUMENT_WORDS]) > 1:
            return None
        ranked = sorted(range(len(self.searchable)),
                        key=lambda i: (self.searchable[i].kind not in ("letter", "title"), i))
        return next((i for i in ranked if compose.has_entity(self.searchable[i], query.answer_type)), None)

    def _prefer(self, query: Query, near: list[tuple[int, float]]) -> int | None:
        """Among near-equal clauses, the one that can answer this kind of question."""
        if query.intent in ("lead", "cooperate", "who"):
            able = [i for i, _ in near if self.searchable[i].lead or self.searchable[i].cooperate]
            return able[0] if able else None
        if query.intent == "fact" and query.answer_type:
            able = [i for i, _ in near if compose.has_entity(self.searchable[i], query.answer_type)]
            return able[0] if able else None
        return None

    def _siblings(self, clause: Clause) -> list[Clause]:
        """Other paragraphs of the same task: under the same heading, with the same duty line or,
        when the paragraph has no title of its own, any other untitled part of that heading."""
        heading = self.by_id.get(clause.parent)
        if heading is None:
            return []
        untitled = clause.title == heading.title
        return [c for c in self.clauses if c is not clause and c.parent == clause.parent and c.kind == "paragraph"
                and ((clause.duty and c.duty == clause.duty) or (untitled and c.title == heading.title))]

    def _unit_tasks(self, query: Query) -> Answer:
        """Every clause where the named units have the asked role."""
        units = query.units
        in_plan = [u for u in units if any(u in c.lead or u in c.cooperate for c in self.clauses)]
        if not in_plan:
            names = "、".join(units)
            return Answer(f"方案中没有给{names}分配任务。可以问：" + "；".join(self._hints()), False, query.intent,
                          (), (), (), (), ())

        def has(clause: Clause, role: str) -> bool:
            return any((role in ("lead", "any") and u in clause.lead) or
                       (role in ("cooperate", "any") and u in clause.cooperate) for u in in_plan)

        role = query.role or "any"
        chosen = [c for c in self.clauses if c.kind != "heading" and has(c, role)]
        other = 0 if role == "any" else sum(1 for c in self.clauses if c.kind != "heading"
                                            and has(c, "cooperate" if role == "lead" else "lead"))
        text = compose.tasks_reply(in_plan, role, chosen, other)
        return Answer(text, True, query.intent, (), tuple(chosen), (), (), tuple(query.terms),
                      extra={"role": role, "unit": list(in_plan)})

    def _full_name(self, query: Query) -> Answer:
        """What a unit's short name stands for: as the plan defines it, or as staff listed in units.yaml."""
        lines, cited = [], []
        for unit in query.units:
            if unit in self.short_names:
                full, clause = self.short_names[unit]
                lines.append(f"{unit}是{full}的简称（见{compose.where(clause)}）。")
                cited.append(clause)
                continue
            aliases = [a for a, n in self.units.alias_to_name.items() if n == unit and len(a) > len(unit)]
            first = next((c for c in self.clauses if unit in c.lead + c.cooperate), None)
            if aliases and first is not None:
                lines.append(f"{unit}的全称：{max(aliases, key=len)}（据单位名录 units.yaml）。")
                cited.append(first)
        if not lines:
            return self._refuse(query)
        return Answer("\n".join(lines), True, "fact", (), tuple(cited), (), (), tuple(query.units))

    def _hints(self) -> tuple[str, ...]:
        """Examples for a refusal (the derived ones while the configured ones are being checked)."""
        return self.__dict__.get("examples") or self.derived_examples

    def _refuse(self, query: Query) -> Answer:
        """Say plainly that the plans hold nothing on this, and what can be asked."""
        if not query.terms and query.intent in ("lead", "cooperate", "who"):
            text = "请说明是哪项工作，例如：“简易注销由哪个单位牵头？”"
        else:
            text = "方案中没有找到与这个问题相关的内容。可以这样问：" + "；".join(self._hints())
        return Answer(text, False, query.intent, (), (), (), (), ())
