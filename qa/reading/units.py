"""Unit names as people write them: splitting lists, carrying a prefix over, resolving aliases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from ..vocabulary import (
    CLOSERS,
    DEPARTMENT_ENDINGS,
    GROUP_ENDINGS,
    GROUP_OPENINGS,
    LEVEL_WORDS,
    OWN_BODY_OPENINGS,
    LIST_SEPARATORS,
    NAMED_BEFORE_ETC,
    NATIONAL_OPENINGS,
    NOT_PREFIXED,
    OPEN_CLOSE,
    OPENERS,
    OWN_NAME_ENDINGS,
    PLACE_BODIES,
    PLACE_ENDINGS,
    PREFIX_CHARS,
    PREFIX_WORDS,
    PREFIXED_WORDS,
    PROVINCES,
    UNIT_ENDINGS,
    UNIT_JOINERS,
    ZONE_WORDS,
    alternation,
    unit_ending_pattern,
)

DEPARTMENT_END = unit_ending_pattern(DEPARTMENT_ENDINGS)
OWN_NAME_END = unit_ending_pattern(OWN_NAME_ENDINGS)
UNIT_END = unit_ending_pattern(UNIT_ENDINGS)
# Brackets and quotes: a list is never split inside them (县〔市、区、特区〕, “双随机、一公开”).
NEST_OPEN = frozenset(OPENERS) | frozenset(OPEN_CLOSE) | {"‘", "〈"}  # 各县〈市、区〉人民政府: one name
NEST_CLOSE = frozenset(CLOSERS) | frozenset(OPEN_CLOSE.values()) | {"’", "〉"}
LIST_SPLIT = re.compile(rf"[{LIST_SEPARATORS}]|以及")
# 和/及 between two units ("省工业和信息化厅及省直有关单位"), but not 及其 ("A及其所属单位" is one unit).
JOINER = re.compile(rf"(?:{alternation(UNIT_JOINERS)})(?!其)")
# "A、B等相关单位": the named units, then the group they belong to.
ETC = re.compile(rf"^(?P<named>.+?(?:{alternation(NAMED_BEFORE_ETC)}))等(?P<group>.*)$")
# Words a list names no unit by ("A、B等部门": the units are A and B; "各级党委和政府" is one).
GENERIC_WORDS = frozenset({"部门", "单位", "机构", "有关单位", "政府", "人民政府", "处室", "科室"})
# "人行莆田市中支等单位", "A等部门": a list closed by 等 and a generic word names only the units before it.
ETC_GENERIC = re.compile(rf"等(?:{alternation(GENERIC_WORDS)})$")
# A unit named after a place or zone of its own: 南沙区政府, 育才生态区管理委员会, 崖州湾科技城管理局.
PLACED_NAME = re.compile(rf"^(?P<place>[\u4e00-\u9fff]{{2,}}?)(?P<rest>(?:{alternation(PLACE_ENDINGS)}).+)$")
ZONED_NAME = re.compile(rf"^.*?(?:{alternation(ZONE_WORDS)})")  # 功能区管委会 too: a zone's body is no department
# "南沙、天河区政府": bare place names before a placed unit.
BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
PLACE_BODY_END = unit_ending_pattern(PLACE_BODIES)


def clean_unit(name: str) -> str:
    """A unit name without spaces, with half-width () and punctuation (〔〕 kept), trimmed of list debris."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(text.split())
    return text.strip("。.,:;、等")


def unit_prefix(name: str) -> str:
    """The administrative prefix a unit name starts with ('' for none)."""
    word = next((w for w in PREFIX_WORDS if name.startswith(w) and len(name) > len(w) + 1), "")
    if word:
        return word
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


def looks_like_unit(name: str) -> bool:
    """Whether a piece of text names a unit or a group of units (not a bare 单位 or a word like 住房)."""
    return name not in GENERIC_WORDS and len(name) >= 2 and (is_group(name) or bool(UNIT_END.search(name)))


def split_outside(text: str, separators: re.Pattern) -> list[str]:
    """`text` split where `separators` match outside brackets and quotes (县〔市、区〕 stays whole)."""
    depth, cuts = 0, list(separators.finditer(text))
    if not cuts:
        return [text]
    inside = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        if ch in NEST_OPEN:
            depth += 1
        elif ch in NEST_CLOSE and depth:
            depth -= 1
        inside[i + 1] = depth
    if depth:  # an unclosed bracket (a block cut short): split as written
        return separators.split(text)
    pieces, start = [], 0
    for match in cuts:
        if inside[match.start()] == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


# A place alone after 及 ("市直相关单位及娄星区"): its government, one more unit.
LONE_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:区|县|旗)")


def split_joined(piece: str) -> list[str]:
    """A piece split at 和/及 where both sides look like units ('市级相关部门及各区县' → 2; 住房和城乡建设局 → 1)."""
    for match in JOINER.finditer(piece):
        left, right = piece[: match.start()], piece[match.end() :]
        if bracket_depth(left):  # inside brackets: "各县（市、区）" and the like are one name
            continue
        head = ETC.match(left)
        if looks_like_unit(clean_unit(head["group"] if head and head["group"] else left)):
            rest = split_joined(right)
            if looks_like_unit(clean_unit(rest[0])) or LONE_PLACE.fullmatch(clean_unit(rest[0])):
                return [left, *rest]
    return [piece]


def bracket_depth(text: str) -> int:
    """How many brackets or quotes are open at the end of `text`."""
    return sum(ch in NEST_OPEN for ch in text) - sum(ch in NEST_CLOSE for ch in text)


def own_place(name: str) -> bool:
    """Whether a unit carries its own place or name and never takes a list's prefix (广东银保监局, 电力公司)."""
    if name.startswith(NATIONAL_OPENINGS + PROVINCES) or OWN_NAME_END.search(name) or ZONED_NAME.match(name):
        return True
    placed = PLACED_NAME.match(name)
    return bool(placed and (len(placed["place"]) > 2 or PLACE_BODY_END.search(placed["rest"])))


class UnitDirectory:
    """Canonical unit names and their aliases, as staff keep them in corpus/units.yaml."""

    def __init__(
        self,
        aliases: Mapping[str, Iterable[str]] | None = None,
        prefix_variants: Mapping[str, Iterable[str]] | None = None,
        name_words: Mapping[str, Iterable[str]] | None = None,
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
        # words written in other forms inside any unit's name (中国人民银行 / 人民银行 / 人行): each group, longest first
        self.name_words: tuple[tuple[str, ...], ...] = tuple(
            tuple(sorted({clean_unit(w), *(clean_unit(f) for f in forms or [])}, key=len, reverse=True))
            for w, forms in (name_words or {}).items()
            if isinstance(w, str) and clean_unit(w)
        )

    def word_forms(self, name: str) -> list[str]:
        """Other ways of writing a unit's name by the name words' forms (人行莆田市中支: 人民银行莆田市中支, …;
        国家税务总局广东省税务局: 广东省税务局, where a form is empty)."""
        forms: list[str] = []
        for group in self.name_words:
            written = next((w for w in group if w and w in name), None)
            if written is None:
                continue
            forms += [name.replace(written, other, 1) for other in group if other != written]
        return [f for f in dict.fromkeys(forms) if len(f) >= 3 and f != name]

    def bare_words(self, name: str) -> list[str]:
        """The name words a unit's name is written with, alone, in every form (人民银行泰安市中心支行: 人行, 人民银行,
        中国人民银行): staff name the unit by the word alone where a plan has one such unit."""
        for group in self.name_words:
            if any(w and w in name and w != name for w in group):
                return [w for w in group if len(w) >= 2]
        return []

    @property
    def canonical_names(self) -> set[str]:
        """Every canonical unit name the directory knows."""
        return set(self.alias_to_name.values())

    def canonical(self, name: str, places: Iterable[str] | None = None) -> str:
        """The canonical form of a unit name (itself when no alias matches). `places`: the plan's own places,
        when a plan is read: an alias naming a unit of a prefix's place (发改委 → 盟发改委, 盟 of 锡林郭勒盟) stands
        for it only in a plan of that place, not in another's (瑞昌's 发改委) nor in one of no place."""
        name = clean_unit(name)
        if name in self.alias_to_name:
            found = self.alias_to_name[name]
            return found if places is None or self._of_place(found, name, places) else name
        for prefix, variants in self.prefix_variants.items():
            for variant in variants:
                if name.startswith(variant) and len(name) > len(variant) + 1:
                    shorter = prefix + name[len(variant) :]
                    return self.alias_to_name.get(shorter, shorter)
        return name

    def _of_place(self, canonical: str, written: str, places: Iterable[str]) -> bool:
        """Whether a canonical name an alias gives is a unit of a plan of these places: it carries no prefix the
        directory knows the places of, the name as written carries it too, or one of the places is its."""
        for prefix, variants in self.prefix_variants.items():
            if canonical.startswith(prefix) and not written.startswith(prefix):
                return any(place == prefix or place in variants for place in places)
        return True

    def _carry(self, name: str, prefix: str, places: Iterable[str]) -> str:
        """Give a bare department name the prefix of the list it stands in (发改委 → 盟发改委)."""
        if not prefix or unit_prefix(name) or is_group(name) or name.startswith(LEVEL_WORDS + OWN_BODY_OPENINGS):
            return name
        if prefix + name in self.alias_to_name:
            return prefix + name
        if len(name) > 14 or not DEPARTMENT_END.search(name) or own_place(name):  # 政务服务和公共资源交易中心: 13
            return name
        if any(place and place in name for place in places):
            return name
        return prefix + name

    def read_list(self, text: str, places: Iterable[str] = (), prefix: str = "") -> tuple[list[str], str]:
        """A written list of units as canonical names, and the prefix the list carries on to what follows.

        A bare department takes the prefix of the department before it (区建管委、政务办 → 区政务办); a unit
        with a place or name of its own (青浦海关, 电力公司) takes none and ends the run."""
        places = tuple(places)
        parts: list[str] = []
        for piece in split_outside(text, LIST_SPLIT):
            for joined in split_joined(piece):
                joined = ETC_GENERIC.sub("", clean_unit(joined))
                match = ETC.match(joined)
                parts += [match["named"], match["group"]] if match else [joined]
        parts = _share_place_endings([clean_unit(p) for p in parts])
        names: list[str] = []
        for part in parts:
            if not part or part in GENERIC_WORDS:
                continue
            if not is_group(part):
                carried = self._carry(part, prefix, places)
                # a unit with a place or name of its own (人行莆田市中支, 水务集团) leaves the list's prefix to the next
                prefix = unit_prefix(carried) or prefix
                part = carried
            name = self.canonical(part, places)
            if name not in names:
                names.append(name)
        return names, prefix

    def split_units(self, text: str, places: Iterable[str] = (), prefix: str = "") -> list[str]:
        """Split a written list of units into canonical names, carrying the list's prefix over."""
        return self.read_list(text, places, prefix)[0]


def _share_place_endings(parts: list[str]) -> list[str]:
    """Bare place names before a placed unit share its ending: 南沙、天河区政府 → 南沙区政府, 天河区政府 (and
广州、深圳、东莞等市人民政府 → …, 东莞市人民政府: the list's 等 is no part of the last place)."""
    result = list(parts)
    for i, part in enumerate(result):
        placed = PLACED_NAME.match(part)
        if placed and placed["place"].endswith("等") and len(placed["place"]) >= 3:
            result[i] = placed["place"][:-1] + placed["rest"]
    for i in range(len(result) - 2, -1, -1):
        if not BARE_PLACE.match(result[i]) or UNIT_END.search(result[i]) or is_group(result[i]):
            continue
        if result[i].endswith(PLACE_ENDINGS) and len(result[i]) > 2:
            continue  # 浦东新区、松江区、青浦区、临港新片区管委会: a district named whole, not a bare place
        placed = PLACED_NAME.match(result[i + 1])
        if placed and len(placed["place"]) <= 4 and UNIT_END.search(placed["rest"]):
            result[i] += placed["rest"]
    return result


def is_abbreviation(short: str, full: str) -> bool:
    """Whether `short` could abbreviate `full`: its characters stand in `full` in the same order."""
    rest = iter(full)
    return len(short) < len(full) and all(ch in rest for ch in short)
