"""The assistant: plans in, answers out. Builds the index once; answers each question in milliseconds."""
from __future__ import annotations

import functools
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import answer as compose
from .bm25 import PostingsBM25
from .duties import DutyParser
from .lexicon import Lexicon, load_lexicon, load_units
from .records import Answer, Clause
from .segment import Segmenter, places_of
from .sessions import StateStore
from .sources import read_corpus
from .tokenize import Tokenizer
from .understand import Query, QuestionAnalyzer
from .units import UnitDirectory, clean_unit, is_abbreviation, is_group, unit_prefix

SHORT_NAME = re.compile(r"[(（](?:以下)?简称[“\"]?([\u4e00-\u9fff\w]{2,12}?)[”\"]?[)）]")
QUOTED = re.compile(r"[“《]([^”》]{2,12})[”》]")
GENERIC_GROUP = re.compile(r"^(?:各|相关|有关|其他|行业|主管|的)*(?:部门|单位|机构)$")
# Words that name the plan itself ("这个文件的文号"), not a topic within it.
DOCUMENT_WORDS = frozenset({"文件", "通知", "方案", "实施方案", "本方案", "规划", "意见"})


@dataclass(frozen=True)
class Settings:
    """Tuning of retrieval and refusal; checked on construction."""

    k1: float = 1.2
    b: float = 0.5
    min_coverage: float = 0.5  # share of the question's evidence (idf-weighted) the best clause must hold
    min_score: float = 1.0  # BM25 score below which nothing is said to match
    related_ratio: float = 0.85  # clauses scoring this close to the best are listed as related
    coverage_power: float = 1.0  # how strongly ranking rewards holding all of the question's terms
    expansion_weight: float = 0.5
    unknown_weight: float = 1.2  # an unseen word weighs this many times the rarest word of the plans  # a synonym from terms.yaml counts half as much as the question's own word
    max_related: int = 3

    def __post_init__(self):
        if not 0 < self.min_coverage <= 1:
            raise ValueError(f"min_coverage must be within (0, 1], got {self.min_coverage}")
        if self.min_score < 0:
            raise ValueError(f"min_score must be >= 0, got {self.min_score}")
        if not 0 < self.related_ratio <= 1:
            raise ValueError(f"related_ratio must be within (0, 1], got {self.related_ratio}")


@dataclass
class Corpus:
    """What a corpus folder holds: clauses, the unit directory, the lexicon, and what was skipped."""

    clauses: list[Clause]
    units: UnitDirectory
    lexicon: Lexicon
    warnings: list[str] = field(default_factory=list)


def load_corpus(folder: str | Path, knowledge: str | Path | None = None) -> Corpus:
    """Read and segment every plan in `folder`, with its units.yaml and terms.yaml.

    Where `folder` has no units.yaml or terms.yaml, those of `knowledge` (the shipped corpus) serve.
    """
    folder = Path(folder)
    warnings: list[str] = []
    if not folder.is_dir():
        warnings.append(f"corpus folder {folder} does not exist")

    def source_of(name: str) -> Path:
        return folder if (folder / name).is_file() or knowledge is None else Path(knowledge)

    units = load_units(source_of("units.yaml"), warnings)
    lexicon = load_lexicon(source_of("terms.yaml"), warnings)
    sources, skipped = read_corpus(folder)
    warnings += skipped
    segmenter = Segmenter(DutyParser(units))
    clauses: list[Clause] = []
    for source in sources:
        found = segmenter.segment(source)
        if not found:
            warnings.append(f"skipped {source.name}: no text")
        clauses += found
    return Corpus(clauses, units, lexicon, warnings)


def index_text(clause: Clause) -> str:
    """What retrieval reads of a clause: its title, its headings, its text without the duty line."""
    body = clause.text.replace(clause.duty, " ") if clause.duty else clause.text
    return " ".join([clause.title, *clause.section, body])


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
        self.order = {c.id: i for i, c in enumerate(self.clauses)}
        self.short_names = self._short_names()
        surfaces = self._unit_surfaces()
        self.tokenizer = Tokenizer(self._vocabulary(surfaces))
        self.searchable = [c for c in self.clauses if c.kind != "heading"]
        # The plans' own places (锡林郭勒盟, 三亚市) are in every question's background: no evidence.
        self.place_terms = frozenset(t for doc in {c.doc for c in self.clauses} for place in places_of(doc)
                                     for t in self.tokenizer.tokens(place) + [place])
        self.bm25 = PostingsBM25([self.tokenizer.tokens(index_text(c)) for c in self.searchable]
                                 or [["\x00"]], k1=self.settings.k1, b=self.settings.b)
        common = max(5, len(self.searchable) // 10)
        self.analyzer = QuestionAnalyzer(
            self.tokenizer, surfaces, self.lexicon, full_names=[u for u in self.duty_units if not is_group(u)],
            weak_terms=[t for t, (docs, _) in self.bm25.postings.items() if len(docs) >= common])
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

    def _short_names(self) -> dict[str, tuple[str, Clause]]:
        """Short names the plans define ("市政务服务和数据管理局（以下简称市数据局）"): short → (full, clause)."""
        found: dict[str, tuple[str, Clause]] = {}
        for clause in self.clauses:
            for match in SHORT_NAME.finditer(clause.text):
                short = clean_unit(match.group(1))
                run = re.search(r"[\u4e00-\u9fff]+$", clause.text[max(0, match.start() - 40): match.start()])
                if run is None:
                    continue
                # The full name is the longest tail of the words before that the short name abbreviates.
                full = next((run.group(0)[i:] for i in range(len(run.group(0)))
                             if is_abbreviation(short, run.group(0)[i:]) and
                             (run.group(0)[i] == short[0] or not unit_prefix(short))), None)
                if full:
                    found.setdefault(short, (full, clause))
        return found

    def _unit_surfaces(self) -> dict[str, list[str]]:
        """Each way of writing a unit (name, without prefix, aliases) → the units it names."""
        surfaces: dict[str, list[str]] = {}

        def add(surface: str, names: Iterable[str]) -> None:
            if len(surface) >= 2 and not GENERIC_GROUP.match(surface):
                bucket = surfaces.setdefault(surface, [])
                bucket += [n for n in names if n not in bucket]

        known = set(self.duty_units)
        for alias, name in self.units.alias_to_name.items():
            if name in known:  # aliases of units these plans do not name must not hide those they do
                add(alias, [name])
        explicit = set(surfaces)  # staff's aliases win over forms derived from names
        for name in sorted(known):
            derived = [name]
            prefix = unit_prefix(name)
            if prefix and not is_group(name[1:]):
                derived.append(name[1:])
            derived += [variant + name[len(prefix):] for variant in self.units.prefix_variants.get(prefix, ())]
            for surface in derived:
                if surface not in explicit or surface == name:
                    add(surface, [name])
        for short, (full, _) in self.short_names.items():
            if short in known:
                for surface in (full, full[1:] if unit_prefix(full) else ""):
                    if surface:
                        add(surface, [short])
        for merged, members in self.lexicon.merged_units.items():
            members = [m for m in members if m in known]
            if not members or merged in known:
                continue
            for surface in [merged, merged[1:] if unit_prefix(merged) else ""] + \
                    [a for a, n in self.units.alias_to_name.items() if n == merged]:
                if surface:  # the merged unit has no duties of its own: it stands for its members
                    bucket = [n for n in surfaces.get(surface, []) if n != merged]
                    surfaces[surface] = bucket + [m for m in members if m not in bucket]
        return surfaces

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
        words = list(query.terms) + [w for _, w in query.expansions if w not in query.terms]
        weights = [1.0] * len(query.terms) + [self.settings.expansion_weight] * (len(words) - len(query.terms))
        hits = self.bm25.top(words, k=20, weights=weights)
        if not hits or hits[0][1] < self.settings.min_score:
            fallback = self._holding_fact(query, [])
            return [self.searchable[fallback]] if fallback is not None else []
        # Rank by BM25 weighted by how much of the question each clause holds (Lucene's "coord"),
        # so that a clause holding every term beats one repeating a few.
        covered = {i: self.coverage(query, i) for i, _ in hits}
        hits = sorted(((i, s * covered[i] ** self.settings.coverage_power) for i, s in hits),
                      key=lambda h: (-h[1], h[0]))
        holding = self._holding_fact(query, hits)
        if holding is not None:
            best, near = holding, [(i, s) for i, s in hits if i == holding]
        elif covered[hits[0][0]] < self.settings.min_coverage:
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

    def coverage(self, query: Query, doc: int) -> float:
        """Share of the question's evidence (idf-weighted terms) that clause `doc` holds.

        A term counts as held when the clause has it or a word terms.yaml gives for it. A compound
        the plans never use (传真号码) is judged by its parts (传真), which jieba's search mode also
        yields; any other word the plans never use weighs more than their rarest: it is evidence the
        question is about something else.
        """
        total = held = 0.0
        expanded = {t for t, _ in query.expansions}
        for term in query.terms:
            if term in self.place_terms:
                continue
            known = self.bm25.document_frequency(term) > 0
            if not known and term not in expanded and any(
                    part != term and part in term and self.bm25.document_frequency(part) for part in query.terms):
                continue
            weight = max(self.bm25.idf(term), 0.01) if known else self.bm25.max_idf * self.settings.unknown_weight
            total += weight
            if self.bm25.has(doc, term) or any(self.bm25.has(doc, w) for t, w in query.expansions if t == term):
                held += weight
        return held / total if total else 0.0

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
