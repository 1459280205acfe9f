"""One answerer per intent: each turns an understood question into an Answer citing its clauses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..index.retrieve import Retriever
from ..reading.names import ShortNames
from ..reading.units import UnitDirectory
from ..records import Answer, Clause, Intent, Question
from . import compose

Hints = Callable[[], Sequence[str]]


class Refusal:
    """Says plainly that the plans hold nothing on a question, and what can be asked instead."""

    def __init__(self, hints: Hints):
        self.hints = hints

    def __call__(self, query: Question) -> Answer:
        """The refusal for `query`."""
        if not query.terms and query.intent.asks_units:
            text = "请说明是哪项工作，例如：“简易注销由哪个单位牵头？”"
        else:
            text = "方案中没有找到与这个问题相关的内容。可以这样问：" + "；".join(self.hints())
        return Answer(text, found=False, intent=query.intent)


class ClauseAnswerer:
    """Answers from the clause retrieval finds: who leads / cooperates / is responsible, a fact, a content."""

    def __init__(self, retriever: Retriever, refuse: Refusal):
        if not isinstance(retriever, Retriever):
            raise ValueError(f"retriever must be a Retriever, got {type(retriever).__name__}")
        self.retriever = retriever
        self.refuse = refuse

    def __call__(self, query: Question) -> Answer:
        """The answer to `query` from its best clause, with the related ones."""
        hits = self.retriever.find(query)
        if not hits:
            return self.refuse(query)
        best, related = hits[0].clause, [h.clause for h in hits[1:]]
        citations = (best, *related)
        highlight = tuple(query.terms)
        if query.intent.asks_units:
            text, units = compose.duty_reply(query.intent, best, related)
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

    def __init__(self, clauses: Sequence[Clause], hints: Hints):
        self.tasks = [c for c in clauses if c.kind != "heading" and (c.lead or c.cooperate)]
        self.hints = hints

    def __call__(self, query: Question) -> Answer:
        """The named units' tasks in the asked role, grouped by section."""
        in_plan = [u for u in query.units if any(u in c.units for c in self.tasks)]
        if not in_plan:
            names = "、".join(query.units)
            return Answer(
                f"方案中没有给{names}分配任务。可以问：" + "；".join(self.hints()),
                found=False,
                intent=query.intent,
            )
        role = query.role or "any"
        chosen = [c for c in self.tasks if any(c.has_role(u, role) for u in in_plan)]
        other_role = "cooperate" if role == "lead" else "lead"
        other = (
            0
            if role == "any"
            else sum(1 for c in self.tasks if any(c.has_role(u, other_role) for u in in_plan))
        )
        return Answer(
            compose.tasks_reply(in_plan, role, chosen, other),
            found=True,
            intent=query.intent,
            citations=tuple(chosen),
            highlight=tuple(query.terms),
            subject_units=tuple(in_plan),
            subject_role=role,
        )


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
