"""Responsibility clauses: finding "(责任单位:…)" blocks and reading lead / cooperating units."""

from __future__ import annotations

import re

from ..records import Duty
from ..vocabulary import (
    ALL_LABELS,
    CLOSERS,
    COOPERATE_LABELS,
    DEADLINE_LABELS,
    LEAD_LABELS,
    OPENERS,
    Vocabulary,
    alternation,
)
from .units import UnitDirectory, list_prefix

# Any label inside a block ("牵头单位:…;配合单位:…;完成时限:…"), captured to split on.
LABELLED = re.compile(rf"({alternation(ALL_LABELS)})\s*[:：]")
MARKED_LEAD = re.compile(r"[(（]\s*牵头\s*[)）]")  # "旗农牧局(牵头)、旗财政局": the marked unit leads
# "(…,列第一位者为牵头单位)": the first unit of the list leads.
FIRST_IS_LEAD = re.compile(r"[,，;；(（]?\s*(?:列|排在)?第一位(?:者|的)?(?:为|是)牵头单位[)）]?")


def clean_deadline(text: str) -> str:
    """A deadline without spaces or enclosing brackets: '(2023 年6 月)' → '2023年6月'."""
    text = "".join(text.split()).strip("。.;；,，")
    return text.lstrip(OPENERS).rstrip(CLOSERS)


class DutyParser:
    """Reads the units of a responsibility block in the forms plans use."""

    def __init__(self, units: UnitDirectory, vocabulary: Vocabulary | None = None):
        if not isinstance(units, UnitDirectory):
            raise ValueError(f"units must be a UnitDirectory, got {type(units).__name__}")
        self.units = units
        self.role_endings = (vocabulary or Vocabulary()).role_endings

    def parse(self, block: str, places: tuple[str, ...] = ()) -> Duty:
        """Parse a block such as '(责任单位:盟工商局牵头,盟编办配合。)' into a Duty."""
        inner = block.strip()
        if inner and inner[0] in OPENERS:
            inner = inner[1:]
        if inner and inner[-1] in CLOSERS:
            inner = inner[:-1]
        parts = LABELLED.split(inner)
        labelled = list(zip(parts[1::2], parts[2::2])) or [("", inner)]  # unlabelled: "A牵头,B配合"
        has_lead_label = any(label in LEAD_LABELS for label, _ in labelled)
        lead: list[str] = []
        cooperate: list[str] = []
        deadline = ""
        prefix = ""
        for label, content in labelled:
            content = content.strip(" ;；。,，")
            if label in DEADLINE_LABELS:
                deadline = clean_deadline(content)
                continue
            if label in LEAD_LABELS:
                names = self.units.split_units(self._strip_role_words(content), places, prefix)
                lead += names
            elif label in COOPERATE_LABELS or has_lead_label:
                names = self.units.split_units(self._strip_role_words(content), places, prefix)
                cooperate += names
            else:
                more_lead, more_cooperate = self._free_form(content, places)
                lead += more_lead
                cooperate += more_cooperate
                names = more_lead + more_cooperate
            prefix = list_prefix(names, prefix)
        return Duty(_unique(lead), _unique(u for u in cooperate if u not in lead), deadline, block)

    def _strip_role_words(self, text: str) -> str:
        """Drop a trailing role word from a labelled list ('A、B配合' → 'A、B')."""
        text = text.strip(" ;；。,，")
        for ending, _ in self.role_endings:
            if text.endswith(ending):
                return text[: -len(ending)]
        return text

    def _free_form(self, content: str, places: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """Units of an unlabelled line: 'A牵头,B、C配合', 'A负责', 'A,B按职责分工负责'."""
        if FIRST_IS_LEAD.search(content):
            names = self.units.split_units(FIRST_IS_LEAD.sub("", content), places)
            return names[:1], names[1:]
        if MARKED_LEAD.search(content):
            lead, cooperate, prefix = [], [], ""
            for piece in re.split(r"[、,，;；]", content):
                names = self.units.split_units(MARKED_LEAD.sub("", piece), places, prefix)
                prefix = list_prefix(names, prefix)
                (lead if MARKED_LEAD.search(piece) else cooperate).extend(names)
            return lead, cooperate
        lead: list[str] = []
        cooperate: list[str] = []
        prefix = ""
        for piece in re.split(r"[,，;；。]", content):
            piece = piece.strip()
            if not piece:
                continue
            if "会同" in piece:
                first, rest = piece.split("会同", 1)
                names = self.units.split_units(first, places, prefix)
                lead += names
                prefix = list_prefix(names, prefix)
                names = self.units.split_units(self._strip_role_words(rest), places, prefix)
                cooperate += names
                prefix = list_prefix(names, prefix)
                continue
            role = "lead"
            for ending, ending_role in self.role_endings:
                if piece.endswith(ending):
                    piece, role = piece[: -len(ending)], ending_role
                    break
            names = self.units.split_units(piece, places, prefix)
            prefix = list_prefix(names, prefix)
            (lead if role == "lead" else cooperate).extend(names)
        return lead, cooperate


def _unique(names) -> tuple[str, ...]:
    """Names in first-seen order, each once."""
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)
