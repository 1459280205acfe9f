"""The records the library passes around: clauses of a plan, and answers citing them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Clause:
    """One clause of a plan: a heading, a paragraph of the body, or a part of its cover letter."""

    id: str
    doc: str
    source: str
    path: str
    title: str
    text: str
    kind: str  # title | letter | preamble | heading | paragraph
    lead: tuple[str, ...] = ()
    cooperate: tuple[str, ...] = ()
    deadline: str = ""
    duty: str = ""
    lines: tuple[int, int] = (0, 0)
    section: tuple[str, ...] = ()
    parent: str = ""
    level: int = 0

    @property
    def units(self) -> tuple[str, ...]:
        """Lead then cooperating units."""
        return self.lead + self.cooperate

    def to_dict(self) -> dict:
        """The clause as plain JSON-ready data."""
        data = asdict(self)
        data["lead"], data["cooperate"] = list(self.lead), list(self.cooperate)
        data["lines"], data["section"] = list(self.lines), list(self.section)
        return data


@dataclass(frozen=True)
class Answer:
    """What the assistant says to a question, with the clauses it rests on."""

    answer: str
    found: bool
    intent: str
    units: tuple[str, ...] = ()
    citations: tuple[Clause, ...] = ()
    related: tuple[Clause, ...] = ()
    unit_roles: tuple[tuple[str, str], ...] = ()  # (unit, "lead" | "cooperate") for display
    highlight: tuple[str, ...] = ()  # the question's terms, to mark in quoted text
    extra: dict = field(default_factory=dict, compare=False)
