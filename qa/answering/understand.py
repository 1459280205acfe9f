"""Question understanding: what is asked (role, unit, topic, fact type, what the plans rarely state, a fact
about the document itself), and follow-ups."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from ..index.tokenize import Tokenizer, normalize
from ..reading.knowledge import Lexicon
from ..reading.units import clean_unit, is_abbreviation, unit_prefix
from ..records import Intent, Question, replace
from ..vocabulary import (
    A_NOT_A,
    MODAL_A_NOT_A,
    system_stem,
    ABBREVIATION_ENDINGS,
    CONTENT_FRAME,
    GENERIC_NAME_FREQUENCY,
    IN_THE_PLAN,
    DOCUMENT_WORDS,
    FACT_TYPES,
    FOLLOW_UP_OPENINGS,
    LONE_UNIT_WORDS,
    NOT_UNIT_WORDS,
    PREFIX_CHARS,
    QUESTION_UNIT_NAME_ENDINGS,
    SHORTEST_ABBREVIATION,
    TAKING_PART_CUES,
    UNIT_WORDS,
    VERB_AFTER_ENDING,
    alternation,
)
from .cues import (
    ASKS,
    DOC_FACT_WORDS,
    DOC_FACTS,
    DOCUMENT_NAMES,
    MORE,
    SPOKEN_FORM_WORDS,
)
from . import sets
from .normalise import Normaliser, Reading
from .sets import Member

UNIT_WORD = alternation(UNIT_WORDS)

# a bracketed aside of a question: (…) or （…）, the innermost of nested ones
BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def aside_terms(text: str, terms: Sequence[str]) -> tuple[str, ...]:
    """The terms a question (as read) writes only inside brackets, where another is written outside them: an
    aside giving aspects or other names of its topic ("招标投标改革（全流程电子化、规范交易秩序）"), weighed as
    words of how (Retriever._light_and_manner)."""
    inside = "".join(BRACKETED.findall(text))
    if not inside:
        return ()
    outside = BRACKETED.sub("|", text)
    aside = tuple(dict.fromkeys(t for t in terms if t in inside and t not in outside))
    return aside if aside and len(aside) < len(set(terms)) else ()


def context_aside(context: Mapping) -> tuple[str, ...]:
    """The aside a conversation kept of the question before (Question.to_context)."""
    return tuple(w for w in context.get("aside", ()) if isinstance(w, str))


# "谁", "哪个部门", "什么单位", "责任单位", "配合处室", "归谁管", "由哪": the question asks for units.
WHO_CUE = re.compile(
    rf"谁|哪(?:个|些|家|几个|一个|几家)?(?:{UNIT_WORD}|局|委|办|家|处|厅|科)|什么(?:{UNIT_WORD})"
    rf"|(?:责任|负责|牵头|配合|主管|承办)(?:{UNIT_WORD})|归.{{0,4}}管|由哪|找哪|哪几家"
)
# Where a question's frame starts after its topic (…增质效 归哪个单位管): the topic's last word is cut apart from
# the frame's first character, which jieba would glue to it (效归; 报装 有哪些: 装有)
FRAME_CUT = re.compile(r"(?<=[\u4e00-\u9fff])(?=(?:归|由|是|找)(?:谁|哪)|有(?:哪|什么|啥|几|多少))")
# A question's pieces, and what a piece that asks holds (the role a context piece names is not asked)
PIECE_BREAK = re.compile(r"[，,。；;！!？?]")
ASKING_WORD = re.compile(r"谁|哪|什么|啥|几|多少|吗|呢")
TAKING_PART = re.compile(alternation(TAKING_PART_CUES))
ASKS_UNITS = re.compile(rf"哪(?:个|些|家|几个)?(?:{UNIT_WORD}|处(?!理)|厅|科(?!技)|局|委)|谁|哪几?家(?!企业|公司|银行|机构)")  # "which units", not "which tasks"
RESPONSIBLE_CUE = re.compile(r"负责|责任|主管|管")
# "哪些工作", "负责什么", "涉及", "分工": the question asks for a unit's tasks.
TASK_CUE = re.compile(
    r"(?:哪些|什么|啥|几项|哪几项|哪几|多少)(?:工作|任务|事项|事情|事|职责|活|条)|的事(?:一共|总共|共)?(?:几|多少)件"
    r"|是哪几项"
    r"|(?:工作|任务|事项|事情|事|职责|活儿?)(?:有|是|都有)"
    r"|负责(?:什么|哪些|啥)|牵头(?:什么|哪些|啥)|配合(?:什么|哪些|啥)|涉及|参与|干(?:什么|啥|嘛|吗)"
    r"|做(?:什么|啥)|管(?:什么|哪些|啥)|分工|任务|职责|的工作"
)
TASK_OR_ROLE = re.compile(rf"{TASK_CUE.pattern}|牵头|配合|任务|工作")
# A question word: a question naming a unit and no task that holds one asks something of the unit (its
# tasks, its role: "盟工商局牵头哪些工作", "是什么角色"), not whether it has a part in the task talked about.
QUESTION_WORD = re.compile(r"哪|什么|啥|几项|多少|谁")
PRONOUNS = re.compile(r"^(?:那|那么)?(?:它|他们|它们|该单位|这个单位|这家|该部门|这个部门)")
ABBREVIATION_END = re.compile(alternation(ABBREVIATION_ENDINGS))
UNKNOWN_UNIT_END = re.compile(alternation(QUESTION_UNIT_NAME_ENDINGS))
GROUP_END = re.compile(r"单位|部门")
HAN = re.compile(r"[\u4e00-\u9fff]+")
# "粮食抽检 负责", "计量 责任单位": bare keywords naming the responsible units they ask for.
BARE_RESPONSIBLE = re.compile(r"负责|责任|负责单位|责任单位|责任部门|负责部门|主管单位|主管部门|谁负责|谁管")
# What may stand between a question's words: spaces of bare keywords, punctuation.
SPACES = re.compile(r"[\s?？。!！,，、]+")


Mention = tuple[int, int, tuple[str, ...]]  # where a question names units: start, end, the canonical units


def blanked(text: str, found: Sequence[Mention], keep_length: bool = False) -> str:
    """The text with each span named a unit replaced by a space (by as many spaces, keeping positions)."""
    out, at = [], 0
    for start, end, _ in found:
        out += [text[at:start], " " * (end - start if keep_length else 1)]
        at = end
    return "".join(out) + text[at:]


def unit_stems(surfaces: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Units named without their ending (工商 → 盟工商局, 质监 → 盟质监局), from their written forms."""
    stems: dict[str, tuple[str, ...]] = {}
    for surface, names in surfaces.items():
        ending = ABBREVIATION_END.search(surface)
        stem = surface[: ending.start()] if ending and ending.end() == len(surface) else ""
        if 2 <= len(stem) <= 4 and stem not in surfaces:
            stems[stem] = tuple(dict.fromkeys([*stems.get(stem, ()), *names]))
    return stems


def _ends_like(name: str, ending: str) -> bool:
    """Whether a unit name ends as an abbreviation's ending says (委 also stands for 委员会)."""
    return (
        name.endswith(ending)
        or (ending == "委" and name.endswith("委员会"))
        or (ending == "办" and name.endswith("办公室"))
    )



def asked_role(context: Mapping) -> str:
    """'role' when the conversation's last question asked which role a unit has in a task, for its follow-ups."""
    return "role" if context.get("operation") == "role" else ""


def verb_follows(text: str, end: int) -> bool:
    """Whether a unit name's last character, at text[end - 1], begins a verb with the next (优化办理: 办理)."""
    after = text[end : end + 1]
    return bool(after) and after in VERB_AFTER_ENDING.get(text[end - 1 : end], ())

class HoldingIndex:
    """Names by the characters they hold: the names a span could abbreviate (its characters, in order, in one
    name) are looked for among the few that hold every one of its characters, in the names' own order, not by a
    pass over every name (a thousand units in a compilation, for each span of each question)."""

    def __init__(self, names: Iterable[str]):
        self.names = tuple(names)
        holding: dict[str, set[int]] = {}
        for n, name in enumerate(self.names):
            for char in set(name):
                holding.setdefault(char, set()).add(n)
        self._holding = {char: frozenset(found) for char, found in holding.items()}

    def candidates(self, span: str) -> list[str]:
        """The names that hold every character of `span` (a superset of those it abbreviates), in order."""
        sets = [self._holding.get(char) for char in set(span)]
        if not sets or None in sets:
            return []
        sets.sort(key=len)
        return [self.names[n] for n in sorted(sets[0].intersection(*sets[1:]))]


class QuestionAnalyzer:
    """Reads a question into a Question: the role asked, the units named, the topic terms."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        unit_surfaces: Mapping[str, Iterable[str]],
        lexicon: Lexicon,
        max_length: int = 500,
        full_names: Iterable[str] = (),
        weak_terms: Iterable[str] = (),
        group_names: Iterable[str] = (),
        cache_size: int = 4096,
        normaliser: Normaliser | None = None,
        unit_roles: Mapping[str, Iterable[str]] | None = None,
    ):
        if not isinstance(tokenizer, Tokenizer):
            raise ValueError(f"tokenizer must be a Tokenizer, got {type(tokenizer).__name__}")
        if normaliser is not None and not isinstance(normaliser, Normaliser):
            raise ValueError(f"normaliser must be a Normaliser or None, got {type(normaliser).__name__}")
        self.normaliser = normaliser
        # The roles each unit has in the plans (lead, cooperate), to tell apart units one short form names.
        self.unit_roles = {u: frozenset(r) for u, r in unit_roles.items()} if unit_roles is not None else None
        if max_length < 1:
            raise ValueError(f"max_length must be positive, got {max_length}")
        self.tokenizer = tokenizer
        self.lexicon = lexicon
        # staff's words (terms.yaml's synonyms, three characters or more) written inside a longer word of jieba's
        # ("新基建投资" cut 新/基建投资): read as written too
        staff = sorted((w for w in lexicon.synonyms if len(w) >= 3), key=len, reverse=True)
        self._staff_words = re.compile(alternation(staff)) if staff else None
        vocabulary = lexicon.vocabulary
        self.form_words = vocabulary.form_words | SPOKEN_FORM_WORDS
        self.lead_cue = re.compile(alternation(vocabulary.lead_cues))
        self.cooperate_cue = re.compile(alternation(vocabulary.cooperate_cues))
        self.max_length = max_length
        # Each written form of a unit → the canonical units it names; longest forms are tried first.
        self.surfaces: dict[str, tuple[str, ...]] = {}
        for surface, names in unit_surfaces.items():
            key = normalize(clean_unit(surface))
            if len(key) >= 2:
                self.surfaces[key] = tuple(dict.fromkeys([*self.surfaces.get(key, ()), *names]))
        # Department names (not groups) that abbreviations may stand for.
        self.full_names = tuple(n for n in dict.fromkeys(full_names) if len(n) >= 3)
        # Groups of units the plans give duties to (县食安委各成员单位), for names with a word left out.
        self.group_names = tuple(dict.fromkeys(group_names))
        self._full_index, self._group_index = HoldingIndex(self.full_names), HoldingIndex(self.group_names)
        # Words so common in the plans that alone they name no topic (完成, 加强, 推进 …).
        self.weak_terms = frozenset(weak_terms)
        self.corrections = sorted(lexicon.corrections.items(), key=lambda kv: -len(kv[0]))
        # A unit named by its name without the ending (工商 → 盟工商局, 质监 → 盟质监局), when nothing else is asked.
        self.stems = unit_stems(self.surfaces)
        # two stems joined ("工商和质监都参与的任务"): two units, when the question asks for tasks
        by_length = sorted((s for s in self.stems if len(s) >= 2), key=len, reverse=True)
        stem = alternation(by_length) if by_length else "(?!)"
        self._stem_pair = re.compile(
            # "工商和质监都…", "国税地税要配合…" (written together, as staff say them)
            rf"({stem})(?:和|与|、|跟|及|同)?({stem})(?=(?:要|需要|需|也|还)?(?:都|共同|一起|分别|同时|均|参与|牵头|配合|负责"
            r"|承担|的任务))"
        )
        ordered = sorted(self.surfaces, key=len, reverse=True)
        self._unit_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # Staff ask the same questions again and again: reading one is pure, so it is cached per analyzer.
        self._read = functools.lru_cache(maxsize=cache_size)(self._read)
        # ... and whether it needs the conversation's context, asked of every question before it is read
        self.needs_context = functools.lru_cache(maxsize=cache_size)(self.needs_context)
        # jieba's words of a question, cut once for the unit readers that need them (most questions need none)
        self._words = functools.lru_cache(maxsize=64)(lambda text: tuple(self.tokenizer.words(text)))

    def mentions(self, text: str) -> list[Mention]:
        """Where the text names units, in order: (start, end, the canonical units named there)."""
        found: list[Mention] = []
        if self._unit_pattern is not None:
            matches = self._unit_pattern.finditer(text)
            # 办 of 优化办理破产谁牵头 begins a verb: asked who, not a unit (asked tasks, 金融办事项有哪些, it is)
            who = WHO_CUE.search(text) is not None
            found = [
                (m.start(), m.end(), self.surfaces[m.group()])
                for m in matches
                if not (who and verb_follows(text, m.end()))
            ]
        if not found:
            return self._abbreviated_units(text) or self._abbreviated_groups(text)
        # beside names written in full, others abbreviated ("市税务局和市商务局"): read in what is left
        return sorted([*found, *self._abbreviated_units(blanked(text, found, keep_length=True))])

    def _abbreviated_groups(self, text: str) -> list[Mention]:
        """A group of units named with a word left out (食安委成员单位 → 县食安委各成员单位): five characters or
        more, in order, of one group's name, with its ending."""
        for match in GROUP_END.finditer(text):
            end = match.end()
            for start in range(max(0, end - 14), end - 4):
                span = text[start:end]
                if not HAN.fullmatch(span):
                    continue
                found = [
                    g for g in self._group_index.candidates(span)
                    if g.endswith(match.group(0)) and is_abbreviation(span, g)
                ]
                if len(found) == 1:
                    return [(start, end, tuple(found))]
        return []

    def other_units(self, text: str, role: str) -> tuple[str, ...]:
        """Units with `role` that a unit name in the text abbreviates, though staff's aliases give it to one
        without that role (住建局 → 市住房和城乡建设局 when 盟住建局 leads nothing)."""
        if self._unit_pattern is None or self.unit_roles is None:
            return ()
        found: list[str] = []
        for match in self._unit_pattern.finditer(text):
            surface = match.group(0)
            ending = ABBREVIATION_END.search(surface)
            if ending is None or ending.end() != len(surface):
                continue
            found += [
                u
                for u in self._full_index.candidates(surface)
                if _ends_like(u, ending.group(0))
                and is_abbreviation(surface, u)
                and u not in found
                and u not in self.surfaces[surface]
                and (role == "any" or role in self.unit_roles.get(u, ()))
            ]
        return tuple(found)

    def _word_starts(self, text: str) -> set[int]:
        """Where the question's words start, as jieba cuts it (the plans' words and unit names kept whole)."""
        starts, at = set(), 0
        for word in self._words(text):
            starts.add(at)
            at += len(word)
        return starts

    def _abbreviated_units(self, text: str) -> list[Mention]:
        """Units named by an abbreviation (资规局, 中院, 市场监管局): its characters, in order, in one name. The
        abbreviation starts where a word of the question starts: 税务局 is not read from its 务局 (商务局)."""
        found: list[Mention] = []
        starts: set[int] | None = None
        for match in reversed(list(ABBREVIATION_END.finditer(text))):
            end, ending = match.end(), match.group(0)
            if (found and end > found[0][0]) or (verb_follows(text, end) and WHO_CUE.search(text)):  # 办 of 办理
                continue
            for start in range(max(0, end - 10), end - 1):
                span = text[start:end]
                if not HAN.fullmatch(span) or len(span) < SHORTEST_ABBREVIATION.get(ending, 2):
                    continue
                if starts is None:
                    starts = self._word_starts(text)
                if start not in starts:
                    continue
                named = [
                    u
                    for u in self._full_index.candidates(span)
                    if _ends_like(u, ending) and (span == u or is_abbreviation(span, u)) and not self._generic_tail(span, u)
                ]
                contiguous = [u for u in named if span in u]
                named = contiguous or named
                if len(named) > 2:  # 市监局 of 市场监管局, not of 市地方金融监管局: an abbreviation keeps a name's head
                    named = [u for u in named if u[len(unit_prefix(u)) :].startswith(span[0])] or named
                if len(named) > 2 and span[0] in PREFIX_CHARS:  # ... and the 市 units' (市市场监管局), not 省/区 ones
                    named = [u for u in named if unit_prefix(u) == span[0]] or named
                if 0 < len(named) <= 2:
                    found.insert(0, (start, end, tuple(named)))
                    break
        return found

    def _generic_tail(self, span: str, name: str) -> bool:
        """Whether `span` is only the common noun a unit's name ends with (管理局 of 应急管理局, 市场监督管理局's
        tail): a word of general use (jieba's frequency), after more than the name's prefix."""
        if not name.endswith(span) or name == span:
            return False
        head = name[: -len(span)]
        if head in PREFIX_CHARS or unit_prefix(name) == head:
            return False
        return self.tokenizer.dictionary.get(span, 0) >= GENERIC_NAME_FREQUENCY

    def unknown_units(self, text: str, found: Sequence[Mention]) -> list[Mention]:
        """Where the text names what looks like a unit (税务局, 盟教育局, 海关) but is no unit of the plans."""
        taken = [(start, end) for start, end, _ in found]
        words: list[tuple[int, str]] = []
        names: list[Mention] = []
        for match in UNKNOWN_UNIT_END.finditer(text):
            end = match.end()
            inside = [*taken, *((start, stop) for start, stop, _ in names)]
            if any(start <= match.start() < stop for start, stop in inside):
                continue
            if not words:
                at = 0
                for word in self._words(text):
                    words.append((at, word))
                    at += len(word)
            # the ending must end a word: 办 of 办结 ends no name (a segmenter's guess such as 局有 is no word)
            holding = next((w for at, w in words if at < end < at + len(w)), "")
            if holding and self.tokenizer.dictionary.get(holding):
                continue
            # 办 is also "to do" (一次办, 怎么办): it closes a name only inside one word (外事办, 扶贫办)
            closing = next((w for at, w in words if at < end <= at + len(w)), "")
            if match.group(0) == "办" and not (len(closing) >= 3 and closing.endswith("办")):
                continue
            start = self._name_start(text, words, match.start(), end)
            if start is None or any(start < stop and begin < end for begin, stop in taken):
                continue
            # a word the plans themselves use is their topic, not a unit (“一件事一次办”)
            if self.normaliser is None or text[start:end] not in self.normaliser.vocabulary:
                names.append((start, end, (text[start:end],)))
        # a name inside a longer one is its part (人民银行 of 人民银行中心支行)
        return [n for n in names if not any(o is not n and o[0] <= n[0] and n[1] <= o[1] for o in names)]

    def _name_start(self, text: str, words: list[tuple[int, str]], ending: int, end: int) -> int | None:
        """Where the name a unit ending closes starts: the words before it back to a question word (请问审计局
        → 审计局); None when it names no unit (布局, 怎么办)."""
        if text[max(0, end - 2) : end] in NOT_UNIT_WORDS:
            return None
        start = next((at for at, word in words if at <= ending < at + len(word)), ending)
        for at, word in reversed(words):
            if at >= start:
                continue
            if (
                not HAN.fullmatch(word)
                or word in self.form_words
                or self.lead_cue.search(word)
                or self.cooperate_cue.search(word)
                or end - at > 10
            ):
                break
            start = at
        name = text[start:end]
        bare = name[1:] if name[0] in PREFIX_CHARS and len(name) > 2 else name
        return start if len(bare) >= 3 or bare in LONE_UNIT_WORDS else None

    def analyze(self, question: str, context: Mapping | None = None) -> Question:
        """Understand one question, completing a follow-up from the conversation's context."""
        query, rest, answer_type = self._read(question)
        return self._follow(query, rest, context, answer_type) if context else query

    def needs_context(self, question: str) -> bool:
        """Whether the conversation's context can change how this question is read (a follow-up, 还有呢):
        a question that says all it asks is read alone, and its session's context need not be fetched."""
        query, rest, _ = self._read(question)
        return bool(self._follow_kind(query, rest))

    def _follow_kind(self, query: Question, rest: str) -> str:
        """'more' for 「还有呢」, 'pronoun' or 'follow' for a question that leaves something unsaid, 'role' for a unit's role
        asked with no task (工商局起什么作用), else ''."""
        stripped = rest.strip(" ?？。!！,，")
        if query.units and not query.terms and sets.ROLE_OF.search(rest):
            return "role"  # "工商局起什么作用": its role in the task talked about
        if query.units and not query.terms and sets.YES_NO.search(rest) and not QUESTION_WORD.search(rest):
            return "yes_no"  # "是不是盟工商局牵头的", "环保局参与吗": whether the unit has that role in the task
        if MORE.match(SPACES.sub("", stripped)) and not query.units:
            return "more"
        if PRONOUNS.match(stripped):
            return "pronoun"
        if (
            stripped.startswith(FOLLOW_UP_OPENINGS)
            or stripped.endswith("呢")
            or not (query.terms or query.units)
        ):
            return "follow"
        return ""

    def read(self, question: str) -> Reading:
        """The question as the plans would write it (see Normaliser), or only width-folded without one."""
        if self.normaliser is None:
            text = normalize(question)
            for wrong, right in self.corrections:
                text = text.replace(wrong, right)
            return Reading(text)
        return self.normaliser(question)

    def _read(self, question: str) -> tuple[Question, str, str]:
        """The question on its own: its Question, its text without unit names, the fact type it asks."""
        reading = self.read(question[: self.max_length])
        text = MODAL_A_NOT_A.sub("", A_NOT_A.sub(r"是否\g<verb>", reading.text[: self.max_length]))
        found = self.mentions(text)
        if len(found) < 2 and TASK_CUE.search(text) and not WHO_CUE.search(text):
            found = sorted([*found, *self._stems_joined(text, found)])
        if not found and sets.YES_NO.search(text) and not WHO_CUE.search(text):
            found = self._lone_stem(text)  # "小微企业名录那条，地税是否参与": whether the unit of that stem has a part
        units, rest = tuple(dict.fromkeys(n for _, _, named in found for n in named)), blanked(text, found)
        # 是什么角色, 起什么作用, 怎么安排的: no topic
        terms, expansions = self._terms(IN_THE_PLAN.sub(" ", CONTENT_FRAME.sub(" ", sets.ROLE_OF.sub(" ", rest))))
        lead, cooperate = bool(self.lead_cue.search(rest)), bool(self.cooperate_cue.search(rest))
        role = "lead" if lead and not cooperate else "cooperate" if cooperate and not lead else ""
        if lead and cooperate:  # "发改委牵头搞…，配合的是哪几家": the role of the pieces that ask
            role = self._role_asked(rest)
        elif role == "lead" and not units and self._asks_taking_part(rest):
            role = ""  # "谁牵头、还有哪些单位参与": the lead and every unit taking part
        answer_type = next((name for name, cue in FACT_TYPES if cue.search(rest)), "")
        asks_who = bool(WHO_CUE.search(rest))
        asks_units = bool(ASKS_UNITS.search(rest))
        parts = SPACES.split(text.strip(" ?？。!！"))
        # Bare keywords ("粮食抽检 负责"): a last word naming the responsible units asks for them.
        responsible = bool(RESPONSIBLE_CUE.search(rest) and re.search(r"谁|哪", rest)) or (
            len(parts) > 1 and bool(BARE_RESPONSIBLE.fullmatch(parts[-1]))
        )
        tasks = bool(TASK_CUE.search(rest))
        # names that look like units' but are none of the plans' (税务局) are read as units too, never as another
        about_units = lead or cooperate or tasks or bool(sets.ROLE_ASKED.search(rest))
        # ... unless the question asks which unit: then a name (政务服务示范大厅的牵头单位是哪个) is its topic
        strange = self.unknown_units(text, found) if about_units and not (asks_who or asks_units) else []
        if strange:  # their names are no topic, as a known unit's are not ("交通运输局有" is cut 交通运输/局有)
            terms, expansions = self._terms(blanked(text, sorted([*found, *strange])))
        combined = self._combined(text, rest, sorted([*found, *strange]), role, terms)
        unknown = self._unknown(strange, found, terms, combined)
        # a stem asked who does it names a topic when a task's title writes it (招商工作谁牵头: 提高…招商成效), not
        # the unit of that stem (市招商局); a stem no title writes (工商谁牵头) is the unit, and the task is asked for
        if not units and not unknown and (lead or cooperate or tasks):
            units, terms = self._stem_unit(terms, asked_who=asks_who or asks_units)
        document = "" if combined or unknown else self._document_fact(rest, terms, units, answer_type)
        if combined:
            intent = combined[0]
        elif unknown and not units:
            intent = Intent(role) if role and terms else Intent.UNIT_TASKS
        elif document and document != "letter":
            intent = Intent.FACT
        elif (
            units
            and not asks_units
            and answer_type != "fullname"
            and (tasks or ((lead or cooperate) and not terms))
        ):
            intent = Intent.UNIT_TASKS
        elif answer_type == "phone" and responsible and not units:
            # "12315专用电话谁负责": who is responsible for a topic that holds 电话, not a phone number asked
            intent = Intent(role) if role else Intent.WHO
        elif answer_type in ("person", "phone", "email", "docnum", "fullname") or (
            answer_type and not (lead or cooperate or asks_who)
        ):
            intent = Intent.FACT
        elif lead or cooperate or asks_who or responsible:
            intent = Intent(role) if role else Intent.WHO
        elif units and not terms:
            intent = Intent.UNIT_TASKS
        else:
            intent = Intent.CONTENT
        if intent == Intent.UNIT_TASKS and units and self.unit_roles is not None:
            wanted = role or "any"
            if not any(wanted == "any" or wanted in self.unit_roles.get(u, ()) for u in units):
                units = self.other_units(text, wanted) or units
        query = Question(
            text=question,
            intent=intent,
            role=role,
            units=units,
            terms=terms,
            expansions=expansions,
            aside=aside_terms(text, terms),
            answer_type=answer_type if intent == Intent.FACT and not document else "",
            reading=tuple(reading.changes),
            understood_as=text if reading.changes else "",
            asks="" if document or combined else self._asks(rest),
            document=document,
            members=combined[1] if combined else (),
            operation=combined[2] if combined else "",
            unknown_units=unknown,
        )
        return query, rest, answer_type

    def _combined(
        self, text: str, rest: str, found: Sequence[Mention], role: str, terms: tuple[str, ...]
    ) -> tuple[Intent, tuple[Member, ...], str] | None:
        """A question over the duty table as a whole: which unit has more tasks (compare), whether units have
        a role in a task (yes_no), the tasks units share, either has, or one has and another lacks (set)."""
        more = sets.MORE.search(rest)
        # "哪个单位牵头的任务最多": over every unit, when the question asks which unit and of its tasks
        most = not found and all(p.search(rest) for p in (sets.MOST, ASKS_UNITS, TASK_OR_ROLE))
        if more and (len(found) >= 2 or most):
            members = sets.read_members(text, found, self.lead_cue, self.cooperate_cue, role)
            fewer = "少" in more.group(0)
            return Intent.COMPARE, members, "fewer" if fewer else "more"
        if more and len(found) == 1 and self.lead_cue.search(text) and self.cooperate_cue.search(text):
            # "发改委牵头的多还是配合的多": one unit's tasks by role, the one role against the other
            units = found[0][2]
            fewer = "少" in more.group(0)
            return Intent.COMPARE, ((units, "lead", False), (units, "cooperate", False)), "fewer" if fewer else "more"
        if not found:
            return None
        members = sets.read_members(text, found, self.lead_cue, self.cooperate_cue, role)
        topic = [t for t in terms if t not in self.weak_terms and not any(t in n for n in DOCUMENT_NAMES)]
        if not topic and len([t for t in terms if not any(t in n for n in DOCUMENT_NAMES)]) >= 2:
            topic = list(terms)  # two of the plans' common words together name a task (网上 办事, 统一 预约)
        if sets.ROLE_OF.search(text) and topic:  # which role the unit has in the task
            return Intent.YES_NO, tuple((units, "any", False) for units, _, _ in members), "role"
        if sets.YES_NO.search(text) and topic and not ASKS_UNITS.search(rest):
            return Intent.YES_NO, members, ""
        operation = sets.set_operation(text, found, members)
        return (Intent.SET, members, operation) if operation else None

    def _unknown(
        self, strange: Sequence[Mention], found: Sequence[Mention], terms: tuple[str, ...], combined: object
    ) -> tuple[str, ...]:
        """Unit names the plans lack that the question asks about: one a set, yes/no or comparison question
        names (its answerer says so), or the subject of a question about a unit's tasks, when the question
        says nothing else (请问审计局在这个方案里承担什么任务)."""
        names = tuple(dict.fromkeys(name for _, _, (name,) in strange))
        if not names or combined:
            return names
        topic = [
            t
            for t in terms
            if t not in self.weak_terms
            and t not in DOCUMENT_WORDS
            and not any(t in n for n in DOCUMENT_NAMES)
        ]
        return () if found or topic else names

    @staticmethod
    def _asks(rest: str) -> str:
        """What the question asks that plans rarely state ("count:件" names the unit of a count), or ''."""
        for kind, cue in ASKS:
            match = cue.search(rest)
            if match:
                return f"{kind}:{match.group(1)}" if kind == "count" else kind
        return ""

    def _role_asked(self, rest: str) -> str:
        """The one role the pieces of a question that ask something name (a piece before them saying who leads is
        context), else '' (谁牵头谁配合: both asked)."""
        asking = [piece for piece in PIECE_BREAK.split(rest) if ASKING_WORD.search(piece)]
        named = {
            r for piece in asking for r, cue in (("lead", self.lead_cue), ("cooperate", self.cooperate_cue)) if cue.search(piece)
        }
        return named.pop() if len(named) == 1 else ""

    def _asks_taking_part(self, rest: str) -> bool:
        """Whether, after asking who leads, the question asks who else takes part ("谁牵头、还有哪些单位参与", "由谁
        牵头，涉及哪些部门"); not a task that takes part in something (组织开展涉及营商环境的地方性法规谁牵头)."""
        lead = None
        for lead in self.lead_cue.finditer(rest):
            pass
        after = rest[lead.end():] if lead is not None else ""
        return bool(TAKING_PART.search(after) and ASKS_UNITS.search(after))

    def _lone_stem(self, text: str) -> list[Mention]:
        """The one unit a yes/no question names by its stem alone, as a word of its own that no task's title writes
        (地税 of 盟地税局); [] for none or several."""
        at, named = 0, []
        titles = self.normaliser.titles if self.normaliser is not None else ""
        for word in self._words(text):
            if word in self.stems and word not in titles:
                named.append((at, at + len(word), self.stems[word]))
            at += len(word)
        return named if len(named) == 1 else []

    def _stems_joined(self, text: str, found: Sequence[Mention]) -> list[Mention]:
        """Two units named by their stems and joined (工商和质监), outside the names already found."""
        pairs = []
        for match in self._stem_pair.finditer(text):
            for group in (1, 2):
                start, end = match.span(group)
                if not any(a < end and start < b for a, b, _ in found):
                    pairs.append((start, end, self.stems[match.group(group)]))
        return pairs

    def _stem_unit(self, terms: tuple[str, ...], asked_who: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A unit named without its ending ("工商牵头的事儿", "质监要配合啥"), when the question is only about it
        (and, `asked_who`, when no task's title writes the stem as its topic)."""
        named = [t for t in terms if t in self.stems]
        if len(named) != 1 or any(t not in named[0] for t in terms):
            return (), terms
        if asked_who and self.normaliser is not None and named[0] in self.normaliser.titles:
            return (), terms
        return self.stems[named[0]], ()

    def _document_fact(
        self, rest: str, terms: tuple[str, ...], units: tuple[str, ...], answer_type: str
    ) -> str:
        """Which fact about the document itself the question asks (issuer, date, number, recipients, drafter,
        basis, parts; "letter" for another word of its cover letter), or ''."""
        if units or answer_type in ("person", "phone", "email", "fullname"):
            return ""
        rest = rest.strip(" ?？。!！,，")
        named = any(name in rest for name in DOCUMENT_NAMES)

        def about_document(term: str) -> bool:
            # jieba joins a lone character to its neighbour ("这个文是…" → 文是): judge the word without it too.
            core = "".join(ch for ch in term if ch not in self.form_words) or term
            return any(
                word in DOC_FACT_WORDS
                or word in DOCUMENT_WORDS
                or any(word in name for name in DOCUMENT_NAMES)
                or word in self.weak_terms
                for word in (term, core)
            )

        kind, cue_text = next(
            ((name, m.group(0)) for name, cue in DOC_FACTS if (m := cue.search(rest))), ("", "")
        )
        if answer_type == "docnum":  # the plan's own number, each plan's ("文号是多少"), not a cited document's
            kind = "number" if kind in ("", "number") else ""
        if kind in ("parts", "goals") and WHO_CUE.search(rest):
            kind = ""  # "基层政务公开事项目录归谁管": who does a task, whatever its words (目录 of its name)
        # a word the cue itself spans ("哪天发" → 天发) is part of what is asked, not a topic
        if kind and all(about_document(t) or t in cue_text for t in terms):
            return kind
        if named and not kind:
            topic = [t for t in terms if not about_document(t)]
            if (
                topic
                and len(topic) <= 2
                and not self.lead_cue.search(rest)
                and not self.cooperate_cue.search(rest)
            ):
                return "letter"
        return ""

    def _terms(self, text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """Topic terms of the question, and the plans' words for what staff say as (term, word) pairs."""
        terms: list[str] = []
        expansions: list[tuple[str, str]] = []
        tokens = [
            t for t in self.tokenizer.tokens(FRAME_CUT.sub(" ", text))
            if t not in self.form_words and (len(t) > 1 or t.isdigit())
        ]
        # a part that straddles a word's own words says nothing the question said (动机 of 联动机制), unless the
        # question also writes it on its own ("个体工商户和商户")
        within: dict[str, list[str]] = {}
        for token in tokens:
            for part in self.tokenizer.crossing_parts(token) if len(token) >= 4 else ():
                within.setdefault(part, []).append(token)
        tokens = [t for t in tokens
                  if t not in within or text.count(t) > sum(text.count(w) for w in dict.fromkeys(within[t]))]
        # staff's words written inside a longer word of jieba's count as written too (新基建 of 新基建投资)
        staff = [m.group(0) for m in self._staff_words.finditer(text)] if self._staff_words is not None else []
        for token in dict.fromkeys([*tokens, *staff]):
            terms.append(token)
            # terms.yaml's words for it, or the practice a system is named by (告知承诺制 → 告知承诺)
            stem = system_stem(token, self.tokenizer.dictionary)
            for word in self.lexicon.expand(token) or ((stem,) if stem else ()):
                expansions += [
                    (token, piece)
                    for piece in self.tokenizer.tokens(word)
                    if piece not in self.form_words and (token, piece) not in expansions
                ]
        # A staff word terms.yaml explains (对接人 → 联系人) stands for itself: drop its bare parts (对接).
        expanded = {t for t, _ in expansions}
        terms = [t for t in terms if t in expanded or not any(t != e and t in e for e in expanded)]
        return tuple(terms), tuple(expansions)

    def _follow(self, query: Question, rest: str, context: Mapping, answer_type: str) -> Question:
        """Fill what a follow-up leaves unsaid from the previous question."""
        kind = self._follow_kind(query, rest)
        if kind in ("role", "yes_no"):
            if not context.get("terms"):
                return query
            # "工商局起什么作用" after "简易注销谁牵头": the unit's role in that task; "是不是盟工商局牵头的":
            # whether it has the role asked there
            role = (query.role or "any") if kind == "yes_no" else "any"
            return replace(
                query,
                intent=Intent.YES_NO,
                members=((query.units, role, False),),
                role="" if kind == "role" else query.role,
                terms=tuple(context.get("terms", ())),
                expansions=tuple(tuple(p) for p in context.get("expansions", ())),
                aside=context_aside(context),
                anchor=tuple(context.get("anchor", ())),
                operation=kind if kind == "role" else "",
                follow_up=True,
            )
        if not kind:
            return query
        previous = Intent(context["intent"]) if context.get("intent") in set(Intent) else None
        if not query.units and query.terms and previous in (Intent.UNIT_TASKS, Intent.YES_NO):
            # "质监呢" after "工商牵头的活都有哪些": a unit named by its stem, as the question before named one
            units, _ = self._stem_unit(query.terms)
            if units:
                query = replace(query, units=units, terms=(), expansions=(), intent=Intent.UNIT_TASKS)
        if kind == "more":
            return self._more(query, context, previous)
        pronoun = kind == "pronoun"
        units = tuple(context.get("units", ()))
        # "那药品呢？", "药品那块呢": a topic named and nothing asked, however common its words: a new topic
        switch = (
            bool(query.terms)
            and query.intent == Intent.CONTENT
            and not (query.units or query.asks or query.document)
            and rest.strip(" ?？。!！,，").endswith("呢")
        )
        if query.units and not query.terms and previous == Intent.YES_NO and not query.members:
            # "那盟环保局呢？" after "是不是盟工商局牵头简易注销": the same task and role, another unit
            role = query.role or context.get("role", "") or "any"
            return replace(
                query,
                intent=Intent.YES_NO,
                members=((query.units, role, False),),
                role=role,
                terms=tuple(context.get("terms", ())),
                expansions=tuple(tuple(p) for p in context.get("expansions", ())),
                aside=context_aside(context),
                anchor=tuple(context.get("anchor", ())),
                operation=asked_role(context),
                follow_up=True,
            )
        if switch and previous == Intent.YES_NO and context.get("members"):
            # "那强制退出呢？" after "盟环保局参与简易注销吗": the same units and roles, another task
            members = tuple(
                (tuple(names), str(role), bool(denied))
                for names, role, denied in context["members"]
                if isinstance(names, list) and role in ("lead", "cooperate", "any")
            )
            return replace(
                query,
                intent=Intent.YES_NO,
                members=members,
                role=context.get("role", ""),
                operation=asked_role(context),
                follow_up=True,
            )
        if not switch and not query.units and all(t in self.weak_terms for t in query.terms):
            if units and (previous == Intent.UNIT_TASKS or pronoun or not context.get("terms")):
                # "那它配合哪些？": the same unit, the role this question names
                return replace(
                    query,
                    intent=Intent.UNIT_TASKS,
                    units=units,
                    follow_up=True,
                    role=query.role
                    or ("" if query.intent in (Intent.WHO, Intent.UNIT_TASKS) else context.get("role", "")),
                )
            # "那配合单位呢？" / "什么时候完成？": the same topic, what this question asks
            intent = query.intent if query.intent != Intent.CONTENT or previous is None else previous
            if intent == Intent.WHO and previous in (Intent.LEAD, Intent.COOPERATE) and not RESPONSIBLE_CUE.search(rest):
                intent = previous  # "铜川的是谁" after "…谁牵头": who leads there, not every unit
            return replace(
                query,
                terms=tuple(context.get("terms", ())),
                units=units,
                follow_up=True,
                expansions=tuple(tuple(p) for p in context.get("expansions", ())),
                aside=context_aside(context),
                anchor=tuple(context.get("anchor", ())),
                intent=intent,
                answer_type=answer_type if intent == Intent.FACT else context.get("answer_type", ""),
            )
        if query.units and not query.terms and previous == Intent.UNIT_TASKS:
            # "那质监局呢？": the same kind of question about another unit
            return replace(
                query, intent=Intent.UNIT_TASKS, role=query.role or context.get("role", ""), follow_up=True
            )
        if (
            query.intent == Intent.CONTENT
            and previous is not None
            and (previous.asks_units or previous == Intent.FACT)
        ):
            # "那广告监管呢？": the same role, another topic; the previous topic's other words (监管 of 食品安全全过程
            # 监管 after 药品) tell apart the new topic's clauses, and the previous clause is not given again. After a
            # fact of the document itself ("文号多少"), a task named asks who is responsible for it.
            of_document = bool(context.get("document")) or context.get("answer_type") == "docnum"
            return replace(
                query,
                intent=Intent.WHO if of_document else previous,
                answer_type="" if of_document else context.get("answer_type", ""),
                follow_up=True,
                context=tuple(
                    t for t in context.get("terms", ()) if not any(set(t) & set(n) for n in query.terms)
                ),
                seen=tuple(context.get("anchor", ())),
            )
        return replace(query, follow_up=True)

    @staticmethod
    def _more(query: Question, context: Mapping, previous: Intent | None) -> Question:
        """「还有呢」/「其他的呢」: the topic's next related clauses, or a unit's tasks in the other role."""
        units = tuple(context.get("units", ()))
        if previous == Intent.UNIT_TASKS and units:
            role = {"lead": "cooperate", "cooperate": "lead"}.get(context.get("role", ""), "")
            return replace(query, intent=Intent.UNIT_TASKS, units=units, role=role, follow_up=True)
        seen = tuple(dict.fromkeys([*context.get("seen", ()), *context.get("anchor", ())]))
        return replace(
            query,
            intent=Intent.CONTENT,
            terms=tuple(context.get("terms", ())),
            expansions=tuple(tuple(p) for p in context.get("expansions", ())),
            aside=context_aside(context),
            units=(),
            follow_up=True,
            more=True,
            seen=seen,
        )
