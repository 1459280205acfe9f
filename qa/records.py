"""The records the library passes around: clauses and duties of a plan, questions, hits, answers."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Duty:
    """Who does a task: lead and cooperating units, the deadline, and the text they come from."""

    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    deadline: str = ""
    source: str = ""


@dataclass(frozen=True)
class Clause:
    """One clause of a plan: a heading, a paragraph of the body, or a part of its cover letter."""

    id: str
    doc: str
    source: str
    path: str
    title: str
    text: str
    kind: str  # title | letter | preamble | heading | paragraph | appendix (a note of the attachments)
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    deadline: str = ""
    duty_text: str = ""  # the responsibility block as written ("(责任单位:盟工商局牵头,…)")
    lines: tuple[int, int] = (0, 0)
    section: tuple[str, ...] = ()
    parent: str = ""
    level: int = 0

    @property
    def units(self) -> tuple[str, ...]:
        """Lead then cooperating units."""
        return self.lead + self.cooperate

    @property
    def body(self) -> str:
        """The clause's text without its responsibility block (which is shown and indexed apart)."""
        if not self.duty_text:
            return self.text
        return self.text.replace(self.duty_text, "").strip()

    def has_role(self, unit: str, role: str) -> bool:
        """Whether `unit` has `role` here (lead | cooperate | any)."""
        return (role in ("lead", "any") and unit in self.lead) or (
            role in ("cooperate", "any") and unit in self.cooperate
        )

    def to_dict(self) -> dict:
        """The clause as plain JSON-ready data."""
        data = asdict(self)
        data["lead"], data["cooperate"] = list(self.lead), list(self.cooperate)
        data["lines"], data["section"] = list(self.lines), list(self.section)
        return data


class Intent(StrEnum):
    """What a question asks for."""

    LEAD = "lead"  # 谁牵头
    COOPERATE = "cooperate"  # 哪些单位配合
    WHO = "who"  # 谁负责: lead then cooperating units
    UNIT_TASKS = "unit_tasks"  # 盟质监局牵头哪些工作
    FACT = "fact"  # a date, a number, a contact, a document number …
    CONTENT = "content"  # what the plan says about a topic
    SET = "set"  # 盟工商局和盟质监局都参与的任务: tasks of units combined (both, either, one but not the other)
    YES_NO = "yes_no"  # 是不是盟工商局牵头简易注销: 是 or 不是, then the units
    COMPARE = "compare"  # 盟工商局和盟质监局谁牵头的多: the units' task counts side by side

    @property
    def asks_units(self) -> bool:
        """Whether the answer is a set of units of one clause."""
        return self in (Intent.LEAD, Intent.COOPERATE, Intent.WHO)


@dataclass(frozen=True)
class Question:
    """What a question asks, as understood."""

    text: str
    intent: Intent
    role: str = ""  # lead | cooperate, as the question names it ("" for either)
    units: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    expansions: tuple[tuple[str, str], ...] = ()  # (term, the plans' word for it) from terms.yaml
    aside: tuple[str, ...] = ()  # terms written only in a bracketed aside (understand.aside_terms)
    answer_type: str = ""  # person | phone | date | number | list | email | docnum | fullname
    follow_up: bool = False
    anchor: tuple[str, ...] = ()  # clause ids the previous answer rested on (for topic follow-ups)
    # Words read otherwise (slips, short forms) as (typed, read as) pairs, and the question as read then.
    reading: tuple[tuple[str, str], ...] = ()
    understood_as: str = ""
    asks: str = ""  # what it asks that plans rarely state: money | procedure | law | duration | count …
    # A fact about the document itself: issuer | date | number | recipients | drafter | basis | goals | parts | letter.
    document: str = ""
    more: bool = False  # "还有呢": the next related clauses of the topic
    # Clause ids already given on this topic (for "还有呢"), or the previous topic's (for a topic switch, given
    # again only when no other clause holds the new topic as well).
    seen: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # a topic switch ("那药品呢？"): the previous topic's words it keeps (监管)
    # For set, yes/no and comparison questions: each unit named, as (its canonical names, the role asked of it:
    # lead | cooperate | any, whether it is asked to be without that role), in the question's order.
    members: tuple[tuple[tuple[str, ...], str, bool], ...] = ()
    operation: str = ""  # for a set question: and | or | minus; for a yes/no question: role (which role it asks)
    unknown_units: tuple[str, ...] = ()  # unit names the question asks about that no plan holds (税务局)
    plans: tuple[str, ...] = ()  # the plans it is asked of (ids; none: every plan), named or chosen
    prefer: str = ""  # the plan the conversation is about: its answer first among several plans'

    def to_context(self) -> dict:
        """What a conversation keeps of this question for the next one."""
        return {
            "intent": str(self.intent),
            "role": self.role,
            "units": list(self.units),
            "terms": list(self.terms),
            "expansions": [list(pair) for pair in self.expansions],
            "aside": list(self.aside),
            "answer_type": self.answer_type,
            "anchor": list(self.anchor),
            "seen": list(self.seen),
            "members": [[list(names), role, denied] for names, role, denied in self.members],
            "plans": list(self.plans),
            "operation": self.operation,
            "document": self.document,
        }


@dataclass(frozen=True)
class Hit:
    """A clause retrieval found for a question, its score, and why it was chosen."""

    clause: Clause
    score: float = 0.0
    why: str = "ranked"  # ranked | anchored | holds-fact | sibling | related


@dataclass(frozen=True)
class Answer:
    """What the assistant says to a question, with the clauses it rests on."""

    answer: str
    found: bool
    intent: Intent
    units: tuple[str, ...] = ()
    citations: tuple[Clause, ...] = ()
    related: tuple[Clause, ...] = ()
    unit_roles: tuple[tuple[str, str], ...] = ()  # (unit, "lead" | "cooperate") for display
    highlight: tuple[str, ...] = ()  # the question's terms, to mark in quoted text
    subject_units: tuple[str, ...] = ()  # for a unit's tasks: the units asked about
    subject_role: str = ""  # and the role asked (lead | cooperate | any)
    understood_as: str = ""  # the question as read, when some of its words were read otherwise
    suggestions: tuple[str, ...] = ()  # questions the plans do answer, offered with a refusal
    plans: tuple[str, ...] = ()  # the plans that answer (ids), in the answer's order; several: each its own section


_FIELDS: dict[type, frozenset[str]] = {}


def replace(record, /, **changes):
    """dataclasses.replace for these records in a tenth of its time (a question or an answer is copied several
    times while it is answered): the record's fields copied and `changes` set, without running __init__ again
    (no record checks its fields there). A field the record has not is a TypeError, as with replace()."""
    kind = type(record)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = frozenset(f.name for f in dataclasses.fields(kind))
    if not fields.issuperset(changes):
        raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(set(changes) - fields))}")
    copy = object.__new__(kind)
    copy.__dict__.update(record.__dict__)
    copy.__dict__.update(changes)
    return copy
