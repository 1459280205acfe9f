"""Agency renames (corpus/renames.yaml): the names the institutional reforms of 2018 and 2023 gave units, and
the names they replaced, so that a question naming a unit by its new name finds a plan's unit of the old name
(税务局 → 盟国税局、盟地税局) and one naming it by its old name finds a newer plan's unit (工商局 → 市市场监督管理局).

A renamed agency is never another one: a name reaches only the units that one of its entries, or a chain of
them (银监局 → 银保监局 → 金融监管局), says it replaced or was replaced by; never a unit that merely shares
characters with it (税务局 is not 商务局).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .knowledge import load_yaml_mapping
from .limits import ReadingLimits
from .units import UnitDirectory, clean_unit, is_group, unit_prefix

__all__ = ["Rename", "RenameTable", "load_renames", "parse_renames", "RENAMES_FILE"]

RENAMES_FILE = "renames.yaml"
MAX_ENTRIES = 200  # the reforms of two decades run to a few dozen entries
MAX_NAMES = 30  # names on one side of an entry
MAX_NAME = 30  # characters of one name (the longest real unit names run to about 25)
FIRST_YEAR, LAST_YEAR = 1949, 2100
# What a unit name never holds: YAML's punctuation, list marks, control characters.
NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f#:{}\[\],&*!|>'\"%@`。，；：？！、\s]")


@dataclass(frozen=True)
class Rename:
    """One entry: the names a reform gave an agency (`new`, its full name first) and those it replaced."""

    new: tuple[str, ...]
    old: tuple[str, ...]
    year: int | None = None


def _name_problem(name: object) -> str:
    """Why a value is no unit name ('' when it is one)."""
    if not isinstance(name, str) or not name.strip():
        return "不是文字"
    name = name.strip()
    if len(name) < 2 or len(name) > MAX_NAME:
        return f"“{name[:MAX_NAME]}”的长度应为2到{MAX_NAME}个字"
    bad = NOT_IN_A_NAME.search(name)
    if bad:
        return f"“{name}”含有不能使用的字符“{bad.group()!s}”"
    return ""


def parse_renames(data: Mapping, warnings: list[str], source: str = RENAMES_FILE) -> tuple[Rename, ...]:
    """The entries of a renames mapping (`renames: [{new: […], old: […], year: 2018}, …]`); each entry that is
    wrong is skipped with a warning that says where and why (the others are kept)."""
    raw = data.get("renames")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        warnings.append(f"{source}: renames 应是一个列表（每项含 new、old），已忽略")
        return ()
    if len(raw) > MAX_ENTRIES:
        warnings.append(f"{source}: 最多{MAX_ENTRIES}项，只读取前{MAX_ENTRIES}项")
        raw = raw[:MAX_ENTRIES]
    entries: list[Rename] = []
    for n, entry in enumerate(raw, 1):
        where = f"{source}: 第{n}项"
        if not isinstance(entry, dict):
            warnings.append(f"{where}不是 new/old 的映射，已跳过")
            continue
        unknown = sorted(str(k) for k in entry if k not in ("new", "old", "year"))
        if unknown:
            warnings.append(f"{where}有不认识的键 {', '.join(unknown)}（只有 new、old、year），已忽略这些键")
        sides: dict[str, list[str]] = {}
        problem = ""
        for side in ("new", "old"):
            value = entry.get(side)
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values:
                problem = f"缺少 {side}（{'新名称' if side == 'new' else '旧名称'}的列表）"
                break
            if len(values) > MAX_NAMES:
                problem = f"{side} 最多{MAX_NAMES}个名称"
                break
            bad = next((p for p in map(_name_problem, values) if p), "")
            if bad:
                problem = f"{side} 中 {bad}"
                break
            sides[side] = list(dict.fromkeys(clean_unit(v.strip()) for v in values))
        if not problem and set(sides["new"]) & set(sides["old"]):
            both = "、".join(sorted(set(sides["new"]) & set(sides["old"])))
            problem = f"“{both}”既是新名称又是旧名称"
        year = entry.get("year")
        if not problem and year is not None and not (
            isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR
        ):
            problem = f"year 应是{FIRST_YEAR}到{LAST_YEAR}之间的年份"
        if problem:
            warnings.append(f"{where}{problem}，已跳过")
            continue
        entries.append(Rename(tuple(sides["new"]), tuple(sides["old"]), year))
    return tuple(entries)


def load_renames(folder: Path, warnings: list[str], limits: ReadingLimits = ReadingLimits()) -> tuple[Rename, ...]:
    """The entries of `folder`/renames.yaml (none when it is missing; a broken file is skipped with a warning)."""
    data = load_yaml_mapping(Path(folder) / RENAMES_FILE, warnings, limits)
    return parse_renames(data, warnings) if data else ()


@dataclass
class RenameTable:
    """The renames as agencies: each name's agency (an entry's new names are one agency; an old name is an agency
    of its own unless an entry gives it as a new name), and which agencies replaced which."""

    entries: tuple[Rename, ...]
    agency: dict[str, int] = field(default_factory=dict)  # name → agency
    names: dict[int, list[str]] = field(default_factory=dict)  # agency → its names
    later: dict[int, set[int]] = field(default_factory=dict)  # agency → the agencies that replaced it

    def __post_init__(self) -> None:
        parent: dict[int, int] = {}

        def find(a: int) -> int:
            while parent.setdefault(a, a) != a:
                a = parent[a]
            return a

        def agency_of(name: str) -> int:
            if name not in self.agency:
                self.agency[name] = len(self.agency)
            return find(self.agency[name])

        for entry in self.entries:  # an entry's new names name one agency
            first = agency_of(entry.new[0])
            for name in entry.new[1:]:
                other = agency_of(name)
                if other != first:
                    parent[other] = first
        edges = [(agency_of(o), agency_of(entry.new[0])) for entry in self.entries for o in entry.old]
        self.agency = {name: find(a) for name, a in self.agency.items()}
        for name, a in self.agency.items():
            self.names.setdefault(a, []).append(name)
        for old, new in edges:
            if find(old) != find(new):
                self.later.setdefault(find(old), set()).add(find(new))

    def levels(self, agency: int, later: bool) -> list[set[int]]:
        """The agencies that replaced this one (`later`) or that it replaced, by how many reforms away: those one
        reform away first (扶贫办 → [乡村振兴局], [农牧局, 农业农村局])."""
        earlier: dict[int, set[int]] = {}
        if not later:
            for old, news in self.later.items():
                for new in news:
                    earlier.setdefault(new, set()).add(old)
        step = self.later if later else earlier
        seen, level, found = {agency}, {agency}, []
        while level:
            level = {nxt for a in level for nxt in step.get(a, ()) if nxt not in seen}
            seen |= level
            if level:
                found.append(level)
        return found


def unit_names(unit: str, units: UnitDirectory) -> set[str]:
    """The names a plan's unit goes by: as written, without its place prefix, and staff's aliases for it."""
    names = {unit, unit[len(unit_prefix(unit)) :]}
    names |= {alias for alias, name in units.alias_to_name.items() if name == unit}
    return {n for n in names if n}


def matches(names: Iterable[str], form: str) -> bool:
    """Whether a unit going by `names` is the agency named `form` (盟工商局 is 工商局; 国家税务总局三亚市税务局 is
    税务局): a name equal to it, or ending with it (a form of three characters or more)."""
    return any(n == form or (len(form) >= 3 and n.endswith(form)) for n in names)


def rename_surfaces(
    table: RenameTable, duty_units: Iterable[str], units: UnitDirectory, surfaces: Mapping[str, list[str]]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """For the plans' units: each name of a renamed agency a question may use → the plans' units it stands for
    (its predecessors in an older plan, else its successors in a newer one, else the same agency by another of
    its names), and for each such name the note each unit is given in an answer ("现税务局", "原工商局").

    A name that already names units (staff's aliases, a plan's own names) keeps them: it only gains notes for
    those of its units that are its predecessors or successors.
    """
    plan_units = [u for u in dict.fromkeys(duty_units) if not is_group(u)]
    names_of = {u: unit_names(u, units) for u in plan_units}

    # each form a unit matches (see matches: each of its names, and their endings of three characters or more) →
    # the units, by their place in plan_units: the holders of a rename's names are a few lookups, not a pass over
    # a compilation's thousand units for each name of each agency (seconds of start-up)
    by_form: dict[str, list[int]] = {}
    for n, unit in enumerate(plan_units):
        for form in {f for name in names_of[unit] for f in (name, *(name[i:] for i in range(len(name) - 2)))}:
            by_form.setdefault(form, []).append(n)

    def holders(agencies: Iterable[int], but: str = "") -> list[str]:
        forms = [f for a in agencies for f in table.names[a] if f != but]
        held = {n for f in forms for n in by_form.get(f, ())}
        return [plan_units[n] for n in sorted(held)]

    def nearest(agency: int, later: bool) -> list[str]:
        # the plans' units of the agencies the fewest reforms away (扶贫办 → 乡村振兴局 before 农牧局)
        return next((found for level in table.levels(agency, later) if (found := holders(level))), [])

    prefixes = sorted({unit_prefix(u) for u in plan_units} - {""})
    variants = {p: [p, *units.prefix_variants.get(p, ())] for p in prefixes}
    added: dict[str, list[str]] = {}
    notes: dict[str, dict[str, str]] = {}
    for name, agency in table.agency.items():
        earlier = nearest(agency, later=False)
        later = [] if earlier else nearest(agency, later=True)
        same = [] if earlier or later else holders([agency], but=name)
        found = earlier or later or same
        if not found:
            continue
        note = f"现{name}" if earlier else f"原{name}" if later else ""
        places = {v for u in found for v in variants.get(unit_prefix(u), [])}
        for surface in [name, *(p + name for p in sorted(places))]:
            present = surfaces.get(surface)
            if present is not None and not set(present) <= set(found):
                # the name already names other units (a plan's own 农牧局): its notes are for those it shares
                kept = [u for u in present if u in found]
            else:
                kept = list(present) if present else found
                if present is None:
                    added[surface] = found
            if note and kept:
                notes[surface] = {u: note for u in kept}
    return added, notes
