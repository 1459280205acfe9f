"""Saying so when a question names a unit by another name of its agency (qa/reading/renames.py): the answer
names the plan's unit with the name asked, "盟工商局（现市场监管局）", "市市场监督管理局（原工商局）"."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..index.tokenize import normalize
from ..records import Answer, Question, replace


class RenameNotes:
    """Adds to an answer, after the first mention of each unit, the note of the renamed name it was asked by."""

    def __init__(self, notes: Mapping[str, Mapping[str, str]], surfaces: Mapping[str, object] = ()):
        """`notes`: a name a question may use → {unit: its note}; `surfaces`: every unit name questions may use
        (a rename's name inside a longer unit name, 锡盟税务局 aside, is not that rename)."""
        self.notes = {name: dict(units) for name, units in notes.items() if units}
        names = sorted({*self.notes, *surfaces}, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, names))) if self.notes else None

    def __call__(self, query: Question, answer: Answer) -> Answer:
        """The answer with the notes of the renamed names the question used ('' changes nothing)."""
        if self.pattern is None:
            return answer
        text = query.understood_as or normalize(query.text)
        noted: dict[str, str] = {}
        for match in self.pattern.finditer(text):
            for unit, note in self.notes.get(match.group(), {}).items():
                noted.setdefault(unit, note)
        if not noted:
            return answer
        # the answer's opening line names the units (the list, 牵头单位：…); the clause quoted after it stays as written
        first, newline, rest = answer.answer.partition("\n")
        for unit, note in noted.items():
            first = re.sub(rf"{re.escape(unit)}(?!（[现原])", f"{unit}（{note}）", first, count=1)
        return replace(answer, answer=first + newline + rest)
