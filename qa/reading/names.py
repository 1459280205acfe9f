"""Every way a question may name a unit: canonical names, aliases, names without prefix, short names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import Clause
from .knowledge import Lexicon
from .units import UnitDirectory, clean_unit, is_abbreviation, is_group, unit_prefix

SHORT_NAME = re.compile(r"[(（](?:以下)?简称[“\"]?([\u4e00-\u9fff\w]{2,12}?)[”\"]?[)）]")
GENERIC_GROUP = re.compile(r"^(?:各|相关|有关|其他|行业|主管|的)*(?:部门|单位|机构)$")
# A short name the plans define → (its full name, the clause defining it).
ShortNames = dict[str, tuple[str, Clause]]


def short_names(clauses: Iterable[Clause]) -> ShortNames:
    """Short names the plans define ("市政务服务和数据管理局（以下简称市数据局）"): short → (full, clause)."""
    found: dict[str, tuple[str, Clause]] = {}
    for clause in clauses:
        for match in SHORT_NAME.finditer(clause.text):
            short = clean_unit(match.group(1))
            run = re.search(r"[\u4e00-\u9fff]+$", clause.text[max(0, match.start() - 40) : match.start()])
            if run is None:
                continue
            # The full name is the longest tail of the words before that the short name abbreviates.
            full = next(
                (
                    run.group(0)[i:]
                    for i in range(len(run.group(0)))
                    if is_abbreviation(short, run.group(0)[i:])
                    and (run.group(0)[i] == short[0] or not unit_prefix(short))
                ),
                None,
            )
            if full:
                found.setdefault(short, (full, clause))
    return found


def unit_surfaces(
    duty_units: Iterable[str], units: UnitDirectory, lexicon: Lexicon, defined: ShortNames
) -> dict[str, list[str]]:
    """Each way of writing a unit (name, without prefix, aliases) → the units it names."""
    surfaces: dict[str, list[str]] = {}

    def add(surface: str, names: Iterable[str]) -> None:
        if len(surface) >= 2 and not GENERIC_GROUP.match(surface):
            bucket = surfaces.setdefault(surface, [])
            bucket += [n for n in names if n not in bucket]

    known = set(duty_units)
    for alias, name in units.alias_to_name.items():
        if name in known:  # aliases of units these plans do not name must not hide those they do
            add(alias, [name])
    explicit = set(surfaces)  # staff's aliases win over forms derived from names
    for name in sorted(known):
        derived = [name]
        prefix = unit_prefix(name)
        if prefix and not is_group(name[1:]):
            derived.append(name[1:])
        derived += [variant + name[len(prefix) :] for variant in units.prefix_variants.get(prefix, ())]
        derived += units.word_forms(name)  # 人民银行广州分行 of 中国人民银行广州分行 (units.yaml's words)
        derived += units.bare_words(name)  # 人行 alone: every unit of the plans written with it
        for surface in derived:
            if surface not in explicit or surface == name:
                add(surface, [name])
    for short, (full, _) in defined.items():
        if short in known:
            for surface in (full, full[1:] if unit_prefix(full) else ""):
                if surface:
                    add(surface, [short])
        elif short not in surfaces:
            # "支持广州期货交易所（以下简称广期所）": the short name stands for the unit its definition ends with.
            named = [u for u in known if full.endswith(u) and is_abbreviation(short, u)]
            if named:
                add(short, [max(named, key=len)])
    for merged, members in lexicon.merged_units.items():
        members = [m for m in members if m in known]
        if not members or merged in known:
            continue
        for surface in [merged, merged[1:] if unit_prefix(merged) else ""] + [
            a for a, n in units.alias_to_name.items() if n == merged
        ]:
            if surface:  # the merged unit has no duties of its own: it stands for its members
                bucket = [n for n in surfaces.get(surface, []) if n != merged]
                surfaces[surface] = bucket + [m for m in members if m not in bucket]
    return surfaces
