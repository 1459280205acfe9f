"""Corrections staff make where the parser reads a clause's units wrong: `<plan>.corrections.yaml` beside
the plan, each entry naming a clause by its id or a key phrase and giving its lead and cooperating units.

    clauses:
      - key: 全面实施企业简易注销登记      # a phrase that occurs in one clause only (or id: 028a20-31)
        lead: [盟工商局]
        cooperate: [盟环保局, 盟住建局]
        deadline: 2017年底前              # optional

Corrections win everywhere (answers, matrix, CSV, WeChat) because they are applied to the clauses
before anything is indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..records import Clause
from .knowledge import load_yaml_mapping
from .limits import ReadingLimits
from .units import UnitDirectory

SUFFIX = ".corrections.yaml"


@dataclass(frozen=True)
class Correction:
    """One clause's units as staff set them."""

    target: str  # the clause id or a key phrase
    by_id: bool
    lead: tuple[str, ...]
    cooperate: tuple[str, ...]
    deadline: str | None = None  # None: keep the parsed deadline


def corrections_path(plan: Path) -> Path:
    """Where the corrections of a plan file stand: plan.txt → plan.corrections.yaml."""
    return plan.with_name(plan.stem + SUFFIX)


def _names(value, units: UnitDirectory) -> tuple[str, ...]:
    """Unit names from a YAML list (or one string), canonical, each once."""
    values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return tuple(dict.fromkeys(units.canonical(str(v)) for v in values if str(v).strip()))


def load_corrections(path: Path, units: UnitDirectory, warnings: list[str],
                     limits: ReadingLimits = ReadingLimits()) -> list[Correction]:
    """The corrections in `path` ([] when there is none); a malformed entry is skipped with a warning."""
    data = load_yaml_mapping(path, warnings, limits)
    entries = data.get("clauses") or []
    if not isinstance(entries, list):
        warnings.append(f"skipped {path.name}: `clauses:` must be a list of corrections")
        return []
    found = []
    for n, entry in enumerate(entries, 1):
        target = entry.get("id") or entry.get("key") if isinstance(entry, dict) else None
        if not isinstance(target, (str, int)) or not str(target).strip():
            warnings.append(f"{path.name}: correction {n} names no clause (give `id:` or `key:`)")
            continue
        deadline = entry.get("deadline")
        found.append(Correction(str(target).strip(), "id" in entry, _names(entry.get("lead"), units),
                                _names(entry.get("cooperate"), units),
                                None if deadline is None else str(deadline)))
    return found


def apply_corrections(clauses: Sequence[Clause], corrections: Sequence[Correction],
                      source: str) -> tuple[list[Clause], list[str]]:
    """The clauses with the corrections applied, and a line for each correction that matches no one clause."""
    result = list(clauses)
    unmatched = []
    for correction in corrections:
        if correction.by_id:
            hits = [i for i, c in enumerate(result) if c.id == correction.target]
        else:
            key = "".join(correction.target.split())
            hits = [i for i, c in enumerate(result) if key in "".join(c.text.split())]
            if len(hits) > 1:  # a heading holds its paragraphs' words too: the paragraph is meant
                hits = [i for i in hits if result[i].kind != "heading"]
        if len(hits) != 1:
            where = "no clause" if not hits else f"{len(hits)} clauses"
            unmatched.append(f"{source}: correction “{correction.target}” matches {where}; not applied")
            continue
        old = result[hits[0]]
        result[hits[0]] = replace(old, lead=correction.lead, cooperate=correction.cooperate,
                                  deadline=old.deadline if correction.deadline is None else correction.deadline)
    return result, unmatched
