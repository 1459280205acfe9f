"""Unit names as people write them: splitting lists, carrying a prefix over, resolving aliases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from ..vocabulary import (
    BRACKET_FOLD,
    DEPARTMENT_ENDINGS,
    GROUP_ENDINGS,
    GROUP_OPENINGS,
    LIST_SEPARATORS,
    NAMED_BEFORE_ETC,
    NATIONAL_OPENINGS,
    NOT_PREFIXED,
    PREFIX_CHARS,
    PREFIXED_WORDS,
    alternation,
    unit_ending_pattern,
)

DEPARTMENT_END = unit_ending_pattern(DEPARTMENT_ENDINGS)
UNIT_SEPARATORS = re.compile(rf"[{LIST_SEPARATORS}]|以及")
# "A、B等相关单位": the named units, then the group they belong to.
ETC = re.compile(rf"^(?P<named>.+?(?:{alternation(NAMED_BEFORE_ETC)}))等(?P<group>.*)$")


def clean_unit(name: str) -> str:
    """A unit name without spaces, with half-width brackets and punctuation, trimmed of list debris."""
    text = unicodedata.normalize("NFKC", name).translate(BRACKET_FOLD)
    text = "".join(text.split())
    return text.strip("。.,:;、等")


def unit_prefix(name: str) -> str:
    """The administrative prefix a unit name starts with ('' for none)."""
    if (
        len(name) > 2
        and name[0] in PREFIX_CHARS
        and (name[:2] not in NOT_PREFIXED or name[1:3] in PREFIXED_WORDS)
    ):
        return name[0]
    return ""


def is_group(name: str) -> bool:
    """True for a group of units (各有关部门, 相关行业主管部门, 成员单位 …)."""
    return name.startswith(GROUP_OPENINGS) or name.endswith(GROUP_ENDINGS)


class UnitDirectory:
    """Canonical unit names and their aliases, as staff keep them in corpus/units.yaml."""

    def __init__(
        self,
        aliases: Mapping[str, Iterable[str]] | None = None,
        prefix_variants: Mapping[str, Iterable[str]] | None = None,
    ):
        self.alias_to_name: dict[str, str] = {}
        for canonical, names in (aliases or {}).items():
            if not isinstance(canonical, str) or not canonical.strip():
                raise ValueError(f"unit name must be a non-empty string, got {canonical!r}")
            canonical = clean_unit(canonical)
            for alias in [canonical, *(names or [])]:
                if not isinstance(alias, str):
                    raise ValueError(f"alias of {canonical} must be a string, got {alias!r}")
                self.alias_to_name[clean_unit(alias)] = canonical
        self.prefix_variants: dict[str, tuple[str, ...]] = {
            clean_unit(p): tuple(clean_unit(v) for v in vs or []) for p, vs in (prefix_variants or {}).items()
        }

    @property
    def canonical_names(self) -> set[str]:
        """Every canonical unit name the directory knows."""
        return set(self.alias_to_name.values())

    def canonical(self, name: str) -> str:
        """The canonical form of a unit name (itself when no alias matches)."""
        name = clean_unit(name)
        if name in self.alias_to_name:
            return self.alias_to_name[name]
        for prefix, variants in self.prefix_variants.items():
            for variant in variants:
                if name.startswith(variant) and len(name) > len(variant) + 1:
                    shorter = prefix + name[len(variant) :]
                    return self.alias_to_name.get(shorter, shorter)
        return name

    def _carry(self, name: str, prefix: str, places: Iterable[str]) -> str:
        """Give a bare department name the prefix of the list it stands in (发改委 → 盟发改委)."""
        if not prefix or unit_prefix(name) or is_group(name):
            return name
        if prefix + name in self.alias_to_name:
            return prefix + name
        if len(name) > 6 or not DEPARTMENT_END.search(name) or name.startswith(NATIONAL_OPENINGS):
            return name
        if any(place and place in name for place in places):
            return name
        return prefix + name

    def split_units(self, text: str, places: Iterable[str] = (), prefix: str = "") -> list[str]:
        """Split a written list of units into canonical names, carrying the list's prefix over."""
        places = tuple(places)
        names: list[str] = []
        for piece in UNIT_SEPARATORS.split(text):
            piece = clean_unit(piece)
            if not piece:
                continue
            match = ETC.match(piece)
            parts = [match["named"], match["group"]] if match else [piece]
            for part in parts:
                part = clean_unit(part)
                if not part or part in (
                    "部门",
                    "单位",
                    "机构",
                    "有关单位",
                ):  # "A、B等部门": the units are A and B
                    continue
                if not is_group(part):
                    part = self._carry(part, prefix, places)
                    prefix = unit_prefix(part) or prefix
                name = self.canonical(part)
                if name not in names:
                    names.append(name)
        return names


def list_prefix(names: Iterable[str], default: str = "") -> str:
    """The prefix the last prefixed department of a list carries ('' when none does)."""
    prefix = default
    for name in names:
        if not is_group(name):
            prefix = unit_prefix(name) or prefix
    return prefix


def is_abbreviation(short: str, full: str) -> bool:
    """Whether `short` could abbreviate `full`: its characters stand in `full` in the same order."""
    rest = iter(full)
    return len(short) < len(full) and all(ch in rest for ch in short)
