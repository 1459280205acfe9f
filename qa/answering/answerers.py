"""One answerer per intent: each turns an understood question into an Answer citing its clauses."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence

from ..index.retrieve import Retriever, holds_fact, index_text
from ..reading.documents import heading_facts
from ..reading.names import ShortNames
from ..reading.structure import signature
from ..reading.units import UnitDirectory, is_abbreviation, is_group, unit_prefix
from ..records import Answer, Clause, Hit, Intent, Question, replace
from ..vocabulary import (
    DISTINCT_FACTS,
    DOCUMENT_WORDS,
    FACT_PATTERNS,
    QUESTION_UNIT_NAME_ENDINGS,
    SEAL_NOTE,
    alternation,
)
from . import compose
from .cues import ASKS_NAMES, DOC_FACT_WORDS, DOCUMENT_NAMES, HOLDS
from .sets import TaskTable

Hints = Callable[[], Sequence[str]]
UNIT_NAME_END = re.compile(f"(?:{alternation(QUESTION_UNIT_NAME_ENDINGS)})$")


class Refusal:
    """Says plainly that the plans hold nothing on a question, and what can be asked instead."""

    def __init__(self, hints: Hints):
        if not callable(hints):
            raise ValueError(f"hints must be callable, got {type(hints).__name__}")
        self.hints = hints

    def __call__(self, query: Question, near: Sequence[Clause] = ()) -> Answer:
        """The refusal for `query`, offering questions about the clauses `near` it (or the examples)."""
        offered = compose.suggestions(near) or tuple(self.hints())
        if query.asks and near:
            kind = query.asks.split(":")[0]
            head = f"方案中没有写明{ASKS_NAMES.get(kind, '这项内容')}。方案里相关的内容可以这样问："
        elif query.more:
            head = "方案中没有更多相关的条款了。可以这样问："
        elif not query.terms and query.intent.asks_units:
            return Answer(
                "请说明是哪项工作，例如：“简易注销由哪个单位牵头？”",
                found=False,
                intent=query.intent,
                suggestions=offered,
            )
        else:
            head = "方案中没有找到与这个问题相关的内容。可以这样问："
        return Answer(head + "；".join(offered), found=False, intent=query.intent, suggestions=offered)


# What a question asks of a count, a date, a share or a time limit is answered by a clause's units when
# the question asks for units ("哪几家配合", "几月完成的那项谁牵头").
OF_A_CLAUSE = ("count", "date", "ratio", "duration")


def holds(query: Question, clause: Clause) -> bool:
    """Whether the clause states the kind of thing the question asks that plans rarely state."""
    kind, _, measure = query.asks.partition(":")
    if not kind or (kind in OF_A_CLAUSE and (query.intent.asks_units or query.intent == Intent.UNIT_TASKS)):
        return True
    if kind == "count":
        return bool(re.search(rf"\d+(?:\.\d+)?\s*(?:万|亿)?\s*{re.escape(measure)}", clause.text))
    if kind == "date" and clause.deadline:
        return True
    pattern = HOLDS.get(kind)
    return bool(pattern and pattern.search(clause.text))


def switched(query: Question, hits: Sequence[Hit], words: Callable[[Clause], Sequence[str]]) -> list[Hit]:
    """A topic switch ("那药品呢？" after 食品安全全过程监管): among the clauses near-equal for the new topic, not
    the previous topic's, the one whose title keeps most of the previous topic's other words (监管), then the
    one writing the new topic as a word of its own (药品, not only inside 食品药品), first."""
    near = [h for h in hits if h.why in ("ranked", "related", "can-answer") and h.clause.id not in query.seen]
    if not near:
        return list(hits)

    def fit(hit: Hit) -> tuple:
        own = set(words(hit.clause))
        return (
            sum(t in hit.clause.title for t in query.context),
            sum(t in own for t in query.terms),
            hit is hits[0],
            hit.score,
        )

    best = max(near, key=fit)
    return [best, *(h for h in hits if h is not best and h.clause.id not in query.seen)]


class ClauseAnswerer:
    """Answers from the clause retrieval finds: who leads / cooperates / is responsible, a fact, a content."""

    def __init__(self, retriever: Retriever, refuse: Refusal):
        if not isinstance(retriever, Retriever):
            raise ValueError(f"retriever must be a Retriever, got {type(retriever).__name__}")
        self.retriever = retriever
        self.refuse = refuse

    def __call__(self, query: Question, hits: Sequence[Hit] | None = None) -> Answer:
        """The answer to `query` from its best clause, with the related ones (`hits`: the clauses already found,
        as a plan's own best clause is among several plans')."""
        if hits is None:
            hits = self.retriever.find_more(query) if query.more else self.retriever.find(query)
        if not hits:
            return self.refuse(query)
        if query.seen and not query.more:  # a topic switch: the new topic's clause, not the previous one
            hits = switched(query, hits, lambda c: self.retriever.words.get(index_text(c), ()))
        if query.asks and not holds(query, hits[0].clause):
            # a clause near the best one may state what is asked ("3个工作日完成不动产首次登记")
            able = [h for h in hits[1:] if h.why == "related" and holds(query, h.clause)]
            if able:
                hits = [able[0], *(h for h in hits if h is not able[0])]
        best, related = hits[0].clause, [h.clause for h in hits[1:]]
        distinct = query.intent == Intent.FACT and query.answer_type in DISTINCT_FACTS
        if not holds(query, best) or (distinct and not holds_fact(best, query.answer_type)):
            # "简易注销要交多少钱": the plans speak of the topic, not of what is asked; offer what they do say.
            return self.refuse(query, [best, *related])
        citations = (best, *related)
        highlight = tuple(query.terms)
        if query.intent.asks_units:
            counted = query.asks.startswith("count")  # "有几个配合单位": the reply says how many
            text, units = compose.duty_reply(query.intent, best, related, count=counted)
            roles = tuple((u, "lead") for u in best.lead) + tuple((u, "cooperate") for u in best.cooperate)
            return Answer(
                text,
                found=True,
                intent=query.intent,
                units=units,
                citations=citations,
                related=tuple(related),
                unit_roles=roles,
                highlight=highlight,
            )
        if query.intent == Intent.FACT:
            text = compose.fact_reply(best, query.answer_type, query.terms)
        else:
            text = compose.content_reply(best, query.terms, related)
        return Answer(
            text,
            found=True,
            intent=query.intent,
            citations=citations,
            related=tuple(related),
            highlight=highlight,
        )


class UnitTasksAnswerer:
    """Lists every clause where the named units have the asked role (not a top-k cut)."""

    def __init__(self, clauses: Sequence[Clause], hints: Hints, plan_of: Callable[[Clause], str] | None = None):
        """`plan_of`: a clause's plan, for a question asked of some plans (query.plans)."""
        table = TaskTable(clauses)  # each unit's tasks by role: a question costs its units' lists, not a scan
        self.tasks, self.by_role = table.tasks, table.by_role
        self.hints = hints
        self.plan_of = plan_of

    def _having(self, units: Sequence[str], role: str, plans: Sequence[str] = ()) -> list[Clause]:
        """The tasks where any of `units` has `role` (lead | cooperate | any), in document order; of `plans`
        alone when some are named."""
        found = sorted({n for unit in units for n in self.by_role.get((unit, role), ())})
        if plans and self.plan_of is not None:
            return [self.tasks[n] for n in found if self.plan_of(self.tasks[n]) in plans]
        return [self.tasks[n] for n in found]

    def __call__(self, query: Question) -> Answer:
        """The named units' tasks in the asked role, grouped by section."""
        in_plan = [u for u in query.units if (u, "any") in self.by_role]
        if query.plans and self.plan_of is not None:
            in_plan = [u for u in in_plan if self._having([u], "any", query.plans)]
        if not in_plan:
            names = "、".join(query.units)
            offered = tuple(self.hints())
            return Answer(
                f"方案中没有给{names}分配任务。可以问：" + "；".join(offered),
                found=False,
                intent=query.intent,
                suggestions=offered,
            )
        role = query.role or "any"
        chosen = self._having(in_plan, role, query.plans)
        other_role = "cooperate" if role == "lead" else "lead"
        other = 0 if role == "any" else len(self._having(in_plan, other_role, query.plans))
        return Answer(
            compose.tasks_reply(in_plan, role, chosen, other),
            found=True,
            intent=query.intent,
            citations=tuple(chosen),
            highlight=tuple(query.terms),
            subject_units=tuple(in_plan),
            subject_role=role,
        )


class UnknownUnitAnswerer:
    """Says the plans name no such unit (税务局), offering the nearest names they hold; never another unit's
    tasks."""

    def __init__(self, units: Sequence[str], hints: Hints, known: Callable[[str], str], most: int = 3):
        self.units = [u for u in dict.fromkeys(units) if not is_group(u)]
        self.stems = [(unit, name_stem(unit), name_ending(unit)) for unit in self.units]
        # the units of each kind whose stems hold each character: a name's candidates, not every unit of a
        # compilation looked at in turn
        self._holding: dict[tuple[str, str], list[int]] = {}
        for n, (_, other, kind) in enumerate(self.stems):
            for char in set(other):
                self._holding.setdefault((kind, char), []).append(n)
        self.hints = hints
        # the name as units.yaml or a plan's text knows it (a unit given no task), '' for a name none knows
        self.known = known
        self.most = most

    def __call__(self, query: Question) -> Answer:
        """The refusal naming each unknown unit and the real names nearest it."""
        lines, near = [], []
        for name in query.unknown_units:
            known = self.known(name)
            lines.append(f"方案中没有给{known}分配任务。" if known else f"方案中没有名为{name}的单位。")
            close = self.nearest(name)
            if close:
                lines.append(f"相近的单位：{'、'.join(close)}。")
                near += [u for u in close if u not in near]
        offered = tuple(f"{u}承担哪些任务？" for u in near[: self.most]) or tuple(self.hints())
        return Answer(
            "".join(lines) + "可以问：" + "；".join(offered),
            found=False,
            intent=query.intent,
            suggestions=offered,
        )

    def nearest(self, name: str) -> list[str]:
        """The plans' units of the same kind (局, 委 …) whose names share the unknown one's first character
        (税务局 → 盟国税局, 盟地税局), or two of its characters, ending and prefix aside; the most shared first."""
        stem = name_stem(name)
        if not stem:
            return []
        ending, scored = name_ending(name), []
        chars = set(stem)
        sharing = sorted({n for char in chars for n in self._holding.get((ending, char), ())})
        for n in sharing:  # the units of its kind sharing a character of its stem, in the units' order
            unit, other, _ = self.stems[n]
            shared = len(chars & set(other))
            if stem[0] in other or shared >= 2:
                scored.append((-(stem[0] in other), -shared, n, unit))
        return [unit for *_, unit in sorted(scored)[: self.most]]


def name_ending(name: str) -> str:
    """What kind of body a unit's name says it is, by its ending (局, 委, 银行 …)."""
    ending = UNIT_NAME_END.search(name)
    return ending.group() if ending else ""


def name_stem(name: str) -> str:
    """A unit's name without its prefix and ending (盟国税局 → 国税, 税务局 → 税务)."""
    name = name[len(unit_prefix(name)) :]
    ending = UNIT_NAME_END.search(name)
    return name[: ending.start()] if ending and ending.start() > 0 else name


class FullNameAnswerer:
    """What a unit's short name stands for: as the plan defines it, or as staff listed in units.yaml."""

    def __init__(
        self, clauses: Sequence[Clause], short_names: ShortNames, units: UnitDirectory, refuse: Refusal
    ):
        self.clauses = clauses
        self.short_names = short_names
        self.units = units
        self.refuse = refuse

    def __call__(self, query: Question) -> Answer:
        """The full names of the units the question names."""
        lines, cited = [], []
        for unit in query.units:
            if unit in self.short_names:
                full, clause = self.short_names[unit]
                lines.append(f"{unit}是{full}的简称（见{compose.where(clause)}）。")
                cited.append(clause)
                continue
            # a unit the plans give duties by its full name and define a short name for ("广州期货交易所（以下
            # 简称广期所）"): asked by either name, the definition answers
            defined = [
                (short, clause)
                for short, (full, clause) in self.short_names.items()
                if full.endswith(unit) and is_abbreviation(short, unit)
            ]
            if defined:
                lines += [f"{short}是{unit}的简称（见{compose.where(clause)}）。" for short, clause in defined]
                cited += [clause for _, clause in defined]
                continue
            aliases = [a for a, n in self.units.alias_to_name.items() if n == unit and len(a) > len(unit)]
            first = next((c for c in self.clauses if unit in c.units), None)
            if aliases and first is not None:
                lines.append(f"{unit}的全称：{max(aliases, key=len)}（据单位名录 units.yaml）。")
                cited.append(first)
        if not lines:
            return self.refuse(query)
        return Answer(
            "\n".join(lines),
            found=True,
            intent=Intent.FACT,
            citations=tuple(cited),
            highlight=tuple(query.units),
        )


DRAFTED = re.compile(r"起草|草拟|拟稿")
BASIS = re.compile(r"贯彻|根据|依据|按照")
# "4. 克拉玛依市人民政府办公室关于印发…": a compilation's entry number before the issuer is left out
ANNOUNCED = re.compile(r"关于印发|印发关于|的通知")  # a heading announcing the plan it carries (either of its lines)
ISSUED_BY = re.compile(r"^(?:\d{1,3}\s*[.．、]\s*)?([\u4e00-\u9fff].{1,29}?)关于印发")  # a name, not the entry's number


class DocumentAnswerer:
    """Facts about a plan itself, from its cover letter, title and preamble: who issued it and when, its number,
    to whom, who drafted it, on the basis of which documents, its goals, its parts."""

    KINDS = ("issuer", "date", "number", "recipients", "drafter", "basis", "goals", "parts", "letter")

    def __init__(
        self,
        clauses: Sequence[Clause],
        fallback: Callable[[Question], Answer],
        plan_of: Callable[[Clause], str] | None = None,
    ):
        """`plan_of`: a clause's plan, for a question asked of some plans (query.plans)."""
        if not callable(fallback):
            raise ValueError(f"fallback must be callable, got {type(fallback).__name__}")
        self.fallback = fallback
        # each document by its plan (two plans of one title are two documents: 进一步优化营商环境…实施方案 of 漳州
        # and of 安阳), or by its title without plans; `titles` names each
        self.documents: dict[str, list[Clause]] = {}
        self.titles: dict[str, str] = {}
        self.by_plan = plan_of is not None
        for clause in clauses:
            key = plan_of(clause) if plan_of is not None else clause.doc
            self.documents.setdefault(key, []).append(clause)
            self.titles.setdefault(key, clause.doc)
        # What speaks of the plan itself: its cover letter, title and preamble.
        self.front = {
            doc: [c for c in found if c.kind in ("letter", "title", "preamble")]
            for doc, found in self.documents.items()
        }
        self._sentences: dict[str, tuple[list[tuple[str, Clause]], str, list[int]]] = {}
        self._headings: dict[str, tuple[tuple[str, ...], str, str]] = {}
        self._all_front: tuple[list[tuple[str, Clause]], str, list[int], list[str]] | None = None

    def __call__(self, query: Question) -> Answer:
        """The fact asked, for each plan it may be about; what retrieval finds when no plan states it."""
        if query.document not in self.KINDS:
            raise ValueError(f"unknown document fact {query.document!r}")
        stated = []
        asked = (set(query.plans) if self.by_plan else set()) if query.plans else None  # documents by plan
        # another word of the front matter: every plan's sentences searched at once (a compilation's hundreds
        # of documents, one pass each, cost a question milliseconds)
        letters = self._letters(query) if query.document == "letter" else None
        for doc in self.documents:
            if asked is not None and doc not in asked:
                continue
            fact = letters.get(doc) if letters is not None else getattr(self, f"_{query.document}")(doc, query)
            if fact is not None:
                stated.append((doc, *fact))
        stated = self._likeliest(query, stated)
        if not stated:
            # no plan states it: what retrieval finds, the number asked kept (understanding left it to the document)
            kept = "docnum" if query.document == "number" else query.answer_type
            return self.fallback(replace(query, document="", answer_type=kept))
        # the heading announcing the plan that states the same signers or date ("中共延安市委延安市人民政府关于印发…",
        # "…的通知（2023 年3 月18 日）") says what was issued, by whom and when: cited first
        stated = [(doc, text, self._announcing(doc, clause) or clause) for doc, text, clause in stated]
        # a plan copied under another name says the same: once
        stated = list({(self.titles[doc], text): (doc, text, clause) for doc, text, clause in stated}.values())
        lines = []
        for doc, text, clause in stated:
            lines.append(text if len(stated) == 1 else f"{compose.document_name(self.titles[doc])}：{text}")
            lines.append(f"出处：{compose.where(clause)}")
        return Answer(
            "\n".join(lines),
            found=True,
            intent=Intent.FACT if query.document != "letter" else query.intent,
            citations=tuple(dict.fromkeys(clause for _, _, clause in stated)),
            highlight=tuple(query.terms),
        )

    def _likeliest(
        self, query: Question, stated: list[tuple[str, str, Clause]]
    ) -> list[tuple[str, str, Clause]]:
        """The facts of the plans the question is most likely about (all of them on a tie): the plan its own
        name for the document fits (通知, 征求意见稿: in the cover letter or title), and whose fact holds most of
        its words."""
        if len(stated) < 2:
            return stated
        names = [t for t in query.terms if len(t) >= 2 and any(t in n for n in DOCUMENT_NAMES)]
        words = {t for t in query.terms if t not in names} | {w for _, w in query.expansions}

        def score(item: tuple[str, str, Clause]) -> int:
            doc, _, clause = item
            heading = [c.text for c in self.front[doc] if c.kind in ("letter", "title")]
            return sum(any(n in text for text in heading) for n in names) + sum(
                w in clause.text for w in words
            )

        top = max(score(item) for item in stated)
        return [item for item in stated if score(item) == top]

    def _titled(self, doc: str, title: str) -> Clause | None:
        """The cover letter's part with this title (发文单位, 日期, 主送单位 …)."""
        return next((c for c in self.front[doc] if c.kind == "letter" and c.title == title), None)

    def _issuer(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """Who issued the plan: the letter's signature, or the body that 关于印发 it."""
        # a joint letter is signed by each body on a line of its own (中共延安市委 / 延安市人民政府)
        signers = [c for c in self.front[doc] if c.kind == "letter" and c.title == "发文单位"]
        # a body sealing for the issuer ("…协调领导小组办公室（代章）") signs only where no heading names the issuer
        sealed = [c for c in signers if SEAL_NOTE.search(c.text.strip())]
        signers = [c for c in signers if c not in sealed]
        if signers:
            names = [self._in_full(doc, name) for name in dict.fromkeys(signature(c.text) for c in signers)]
            return f"发文单位：{'、'.join(names)}。", signers[0]
        for clause in self.front[doc]:
            match = ISSUED_BY.search(clause.text.strip())
            if match:
                return f"发文单位：{match.group(1).strip()}。", clause
        issuers, _, _ = self._heading_facts(doc)
        if issuers:
            return f"发文单位：{'、'.join(issuers)}。", self.front[doc][0]
        names = list(dict.fromkeys(signature(c.text) for c in sealed))
        return (f"发文单位：{'、'.join(names)}。", sealed[0]) if sealed else None

    def _in_full(self, doc: str, signed: str) -> str:
        """A signature written short (省政府办公厅) in the full name the heading or cover letter gives the body
        (广东省人民政府办公厅), the signature after it; as signed where none abbreviates to it."""
        bodies = list(self._heading_facts(doc)[0])
        for clause in self.front[doc]:
            match = ISSUED_BY.search(clause.text.strip())
            if match:
                bodies.append(match.group(1).strip())
        # an abbreviation leaves characters out inside the name; written whole inside it, it is another body beside
        full = next(
            (b for b in bodies if b[-1:] == signed[-1:] and is_abbreviation(signed, b) and signed not in b), None
        )
        return f"{full}（落款：{signed}）" if full else signed

    def _announcing(self, doc: str, fact: Clause) -> Clause | None:
        """The cover letter's heading that announces the plan ("X关于印发…的通知（date）") and states what the letter's
        signature or date line states (every signer's name; the date), or None."""
        if fact.kind != "letter" or fact.title not in ("发文单位", "日期"):
            return None
        signers = [c for c in self.front[doc] if c.kind == "letter" and c.title == fact.title]
        stating = [signature(c.text) for c in signers] if fact.title == "发文单位" else ["".join(fact.text.split())]
        for clause in self.front[doc]:
            if clause.kind == "letter" and clause.title == "主送单位":
                break  # the heading stands before the addressees; the letter's sentences after them are no heading
            text = "".join(clause.text.split())
            if clause.kind == "letter" and ANNOUNCED.search(text) and all(s in text for s in stating):
                return clause
        return None

    def _heading_facts(self, doc: str) -> tuple[tuple[str, ...], str, str]:
        """What the document's entry heading states when it stands as its title (no cover letter): read once."""
        found = self._headings.get(doc)
        if found is None:
            found = self._headings[doc] = heading_facts([c.text for c in self.front[doc]])
        return found

    def _date(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """When the plan was issued: the letter's date line, or a date in its heading."""
        dated = self._titled(doc, "日期")
        if dated is not None:
            return f"落款日期：{dated.text.strip()}。", dated
        for clause in self.front[doc]:
            match = FACT_PATTERNS["date"].search(clause.text)
            if clause.kind == "letter" and match:
                return f"印发日期：{match.group(0)}。", clause
        _, date, _ = self._heading_facts(doc)
        return (f"印发日期：{date}。", self.front[doc][0]) if date else None

    def _number(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """The plan's document number: the letter's number line, or the number its heading states."""
        numbered = self._titled(doc, "文号")
        if numbered is not None:
            return f"文号：{numbered.text.strip()}。", numbered
        _, _, number = self._heading_facts(doc)
        if not number:
            return None
        written = "".join(number.split())  # the line that writes it, else the heading
        stating = next((c for c in self.front[doc] if written in "".join(c.text.split())), self.front[doc][0])
        return f"文号：{number}。", stating

    def _recipients(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """Whom the plan was sent to: the letter's addressees."""
        sent = self._titled(doc, "主送单位")
        return (f"主送单位：{sent.text.strip().rstrip(':：')}。", sent) if sent is not None else None

    def _drafter(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """Who drafted the plan: the letter's sentence saying so."""
        return self._sentence(doc, DRAFTED, ("letter",))

    def _basis(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """What the plan carries out: the preamble's sentence naming it."""
        return self._sentence(doc, BASIS, ("preamble",))

    def _sentence(self, doc: str, cue: re.Pattern, kinds: tuple[str, ...]) -> tuple[str, Clause] | None:
        """The first sentence of the front matter (of these kinds) the cue occurs in."""
        for clause in self.front[doc]:
            if clause.kind in kinds:
                for sentence in compose.sentences(clause.text):
                    if cue.search(sentence):
                        return sentence.strip(), clause
        return None

    def _goals(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """The plan's goals: the first clause titled as such."""
        goal = next((c for c in self.documents[doc] if c.kind != "title" and "目标" in c.title), None)
        return (compose.quote(goal.text, 240), goal) if goal is not None else None

    def _parts(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """The plan's parts: its first-level headings."""
        headings = [c for c in self.documents[doc] if c.kind == "heading"]
        if not headings:
            return None
        # The highest level with two headings or more: 一、二、… or, above them, 第一部分、第二部分 …
        levels = Counter(c.level for c in headings)
        top = min((level for level, n in levels.items() if n >= 2), default=min(levels))
        parts = [c for c in headings if c.level == top]
        anchor = next((c for c in self.front[doc] if c.kind == "title"), parts[0])
        listed = "；".join(f"{c.path}{c.title}" for c in parts)
        return f"正文分为{len(parts)}个部分：{listed}。", anchor

    def _letter(self, doc: str, query: Question) -> tuple[str, Clause] | None:
        """Another word of the front matter ("这个文件公开吗"): the sentence holding the question's words."""
        return self._letters(query).get(doc)

    @staticmethod
    def _letter_words(query: Question) -> list[str]:
        """The question's words a front-matter sentence is looked for by (not the document's own names)."""
        return [
            t
            for t in query.terms
            if t not in DOCUMENT_WORDS
            and t not in DOC_FACT_WORDS
            and not any(t in name for name in DOCUMENT_NAMES)
            and not any(t != o and t in o for o in query.terms)
        ]

    def _letters(self, query: Question) -> dict[str, tuple[str, Clause]]:
        """Each plan's first front-matter sentence holding more than half of the question's words (a word or
        its expansion), by document: every plan's sentences searched as one text."""
        words = self._letter_words(query)
        if not words:
            return {}
        sentences, joined, starts, owners = self._all_front_sentences()
        held: Counter[int] = Counter()  # sentence → how many of the words it holds
        for word in words:
            found: set[int] = set()
            for form in (word, *(w for x, w in query.expansions if x == word)):
                at = joined.find(form)
                while at != -1:
                    found.add(bisect.bisect_right(starts, at) - 1)
                    at = joined.find(form, at + 1)
            held.update(found)
        first: dict[str, tuple[str, Clause]] = {}
        for i in sorted(i for i, n in held.items() if n * 2 > len(words)):  # each plan's first such sentence
            first.setdefault(owners[i], (sentences[i][0].strip(), sentences[i][1]))
        return first

    def prepare(self) -> None:
        """What the first question about the documents' front matter would make, made now (4 ms over a
        compilation's two hundred documents: a first request's delay, and in each forked worker)."""
        self._all_front_sentences()

    def _all_front_sentences(self) -> tuple[list[tuple[str, Clause]], str, list[int], list[str]]:
        """Every plan's front-matter sentences in order, joined as one text with where each starts, and the
        document of each: made once, on first use."""
        made = self._all_front
        if made is None:
            sentences: list[tuple[str, Clause]] = []
            owners: list[str] = []
            for doc in self.documents:
                mine = self._front_sentences(doc)[0]
                sentences += mine
                owners += [doc] * len(mine)
            starts, at = [], 0
            for sentence, _ in sentences:
                starts.append(at)
                at += len(sentence) + 1
            made = (sentences, "\x00".join(s for s, _ in sentences), starts, owners)
            self._all_front = made
        return made

    def _front_sentences(self, doc: str) -> tuple[list[tuple[str, Clause]], str, list[int]]:
        """A plan's front-matter sentences with their clauses, and all of them joined with where each starts:
        made once, on first use (a cover letter runs to hundreds of sentences, searched as one text)."""
        made = self._sentences.get(doc)
        if made is None:
            sentences = [(s, c) for c in self.front[doc] for s in compose.sentences(c.text)]
            starts, at = [], 0
            for sentence, _ in sentences:
                starts.append(at)
                at += len(sentence) + 1
            made = (sentences, "\x00".join(s for s, _ in sentences), starts)
            self._sentences[doc] = made
        return made
