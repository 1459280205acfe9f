"""The plans loaded, as staff name them: each plan's title, issuer, date, document number, places and years,
read from its own title, cover letter and preamble once at start-up; and which plans a question names.

A question names a plan by a place of any level its title or issuer opens with (上海市青浦区 → 上海, 上海市,
青浦, 青浦区; a long name's common short form too, 锡林郭勒盟 → 锡盟), a place its cover letter or preamble
cites as its own region (《内蒙古自治区人民政府关于…》 → 内蒙古: a weaker name, used only where no plan opens
with that place), its issuer before an issuing word ("盟工商局印发的"), words of its title before a document word
("营商环境重点任务清单"), the year of its title or date ("2018年的方案") or its document number (黔府办函〔2023〕16
号). Nothing here lists places or plans: every name comes from the plans themselves.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath

from .joined import JoinedTexts
from .reading.documents import entry_issuer, heading_facts
from .reading.structure import signature
from .reading.units import is_abbreviation
from .records import Clause
from .vocabulary import (
    ANNOUNCING_WORDS,
    AUTONOMOUS,
    AUTONOMOUS_PEOPLES,
    DEPARTMENT_ENDS,
    DEPARTMENT_OFFICES,
    DOCUMENT_TYPES,
    NAME_SHORT_FORMS,
    NOT_PLACE_AREAS,
    NOT_PREFIXED,
    NUMBER_CLOSE,
    NUMBER_OPEN,
    OFFICE_SHORT_FORMS,
    PLACE_ENDINGS,
    PREFECTURE,
    PREFIX_WORDS,
    PROVINCES,
    SEAL_NOTE,
    TITLE_ENDINGS,
    alternation,
)

__all__ = ["Catalogue", "Plan", "Scope"]

HAN = r"\u4e00-\u9fff"
HAN_ONLY = re.compile(f"[{HAN}]+")
# A place at the start of a name: two to eight characters and a level's ending (锡林郭勒盟, 青浦区, 内蒙古自治区).
# No place opens with 省 (省城市 of "省城市功能品质提升…办公室" is none; 市中区 is a district) or ends as an area that is
# no administrative place (对标湾区 of "赣州市对标湾区…": 湾区, 园区, 景区 …).
PLACE = re.compile(
    r"(?!省)"
    rf"([{HAN}]{{2,8}}?|[{HAN}]{{2,12}}?{AUTONOMOUS})({alternation(PLACE_ENDINGS)})"  # 黔东南苗族侗族自治州
    rf"(?<!{'|'.join(NOT_PLACE_AREAS)})"
)
# A party committee's name opens with its party, then its place ("中共延安市委" → 延安市).
PARTY = re.compile(r"^(?:中共|中国共产党)")
# Endings whose long place names staff shorten to their first character and the ending (锡林郭勒盟 → 锡盟,
# 克拉玛依市 → 克市): a league's or a city's, never a province's or a county's.
SHORTENED = ("盟", "市")
# An entry heading announcing the document it gives: "X关于印发…", "X印发关于…的通知", "X关于转发…".
ANNOUNCES = re.compile(rf"关于(?:{alternation(ANNOUNCING_WORDS[1:])})|(?:{alternation(ANNOUNCING_WORDS[1:])})关于")
# The kind of a document that carries out another ("…规划的实施方案"): only it is read past 的 (…方案的措施 is not).
CARRYING_OUT = re.compile(r"(?:实施|行动|工作)(?:方案|意见|细则|办法|计划)")
# A document number as written (黔府办函〔2023〕16 号, 青府办发[2023]6号) or typed without its brackets.
NUMBER = re.compile(rf"([{HAN}]{{1,10}}?)\s*[{NUMBER_OPEN}]?\s*((?:19|20)\d\d)\s*[{NUMBER_CLOSE}]?\s*(\d{{1,4}})\s*号")
# A document number in a question: its prefix may run on from the words before it ("按黔府办函16号"), its year
# and brackets may be left out.
TYPED_NUMBER = re.compile(
    rf"([{HAN}]{{2,16}})\s*[{NUMBER_OPEN}]?\s*((?:19|20)\d\d)?\s*年?\s*[{NUMBER_CLOSE}]?\s*(\d{{1,4}})\s*号"
)
# A year naming a plan: "2018年的方案", "2023年度的清单", "23年那个方案".
# "2018年那份…": 份 counts documents, whatever the words naming it after.
YEAR = re.compile(
    r"((?:19|20)\d\d)\s*年度?(?:版)?(?:(?:的|那个|这个|那份|这份)?"
    r"(?=(?:实施|行动|工作|政策|若干|专项){0,2}(?:方案|清单|要点|措施|举措|规划|文件|通知|计划|意见))"
    r"|(?:那份|这份))"
)
DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# What the documents are called: a title's ending, and a document as staff say it.
DOCUMENT_KINDS = (*DOCUMENT_TYPES, *TITLE_ENDINGS, "文件")
DOCUMENT = alternation(DOCUMENT_KINDS)
# A title's closing bracket (创优营商环境对标提升举措（2023版）): after the document's kind.
TITLE_TAIL = re.compile(r"[(（][^()（）]*[)）]$")
# A bracket closing a title right after its kind: （试行）, （2023版）, （2023-2025年）, （征求意见稿）.
TITLE_TAIL_AFTER = re.compile(r"[(（](?:试行|暂行|修订|征求意见稿|送审稿|草案|[\d\s\-—～~年版]{4,16})[)）]")
# Document words one after another end one title ("…市场监管规划实施方案": 规划, then 实施方案).
DOCUMENT_WORD = re.compile(rf"(?:实施|行动|工作|政策|若干|专项){{0,2}}(?:{DOCUMENT})")
KIND_AT_END = re.compile(rf"(?:{DOCUMENT_WORD.pattern})$")  # a title's kind, after its words
KIND_OF_YEAR = re.compile(rf"(?:(?:19|20)\d\d\s*年度?的?)?(?:{DOCUMENT_WORD.pattern})")  # (2023年)方案, after a pointer
# What follows a document named by its title words: the question goes on about it ("…行动方案里", "…清单的",
# "…方案是谁印发的"), or turns to it ("那福建省代建制管理办法呢，哪天印发的"), never with more of a topic ("招标计划提前发布制度").
AFTER_TITLE = re.compile(
    r"$|[的里中内上，,、：:？?。！!（(\s]|呢|是|有|共|一共|总共|对|由|明确|包括|包含|适用|要求|提出|提到|涉及|针对|分为"
    r"|列|说|写|规定|部署|怎么|什么|啥|何时|哪|谁|几|多少|印发|下发|发布|出台|发的|制定"
)
# A title's words said without its kind, the question going on within it ("流程再造第三批里"): after a break, to 里/中.
# 中 only where the sentence goes on (中介, 中标, 中小企业 are words)
KINDLESS_TITLE = re.compile(
    rf"(?:^|(?<=[\s，,。？?！!：:；;、]))([{HAN}A-Za-z0-9“”]{{4,24}}?)"
    r"(?:里面|里头|里(?!程)|当中|中(?=[\s，,、：:]|$|谁|哪|有|的|是|关于|对))"
)
# What follows a document named by a kind the vocabulary lacks (…工作机制中, …条例里): words of being within it.
# or asked who issued it or when ("…工作规范是哪个单位印发的"): "…制度是谁牵头", "…机制是否制定" ask of a topic
WITHIN_DOCUMENT = re.compile(
    r"里|中|内|上|当中|印发|下发|发布|出台|是(?:谁|哪|什么时候|何时|由)[^，,。？?]{0,8}(?:印发|下发|发布|出台|制定|发)的"
)
# Where a phrase naming a document by its title starts: after punctuation or a word that opens a place in the
# sentence (在, 按, 据 …), never inside the title.
# 那份…, 这份…, 这个…: 份 and 个 after a pointer only (个体工商户 is a title's word)
PHRASE_BREAK = re.compile(r"[\s，,。？?！!：:；;、（）()《》在里按从据照和与及是的]|(?<=[这那该每])[份个]")
# An issuer named before the issuing word ("盟工商局印发的", "省政府办公厅发的").
# An issuing word after an issuer's name, or a document word right after it that the question goes on about
# ("机关事务管理局方案里"; not 市场监管局计划怎么推进: 计划 the verb). A full name in brackets: FULL_ISSUER.
# What may stand between an issuer's name and its issuing word: how many issued it with it, when.
ISSUER_GAP = re.compile(r"(?:等[\d一二三四五六七八九十]{1,3}个?(?:部门|单位|部委))?(?:联合)?"
                        r"(?:于?\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?)?$")
ISSUING_VERBS = ("印发", "下发", "发布", "出台", "制定")  # issuing words that may stand after a date (not 发 of 发放)
ISSUER_GAP_REACH = 40  # the most characters it spans (looked for in these only: a long question is not read again)
ISSUING = re.compile(
    rf"(?:印发|下发|发布|出台|制定|发)的?|的(?=[^，,。？?]{{0,12}}(?:{DOCUMENT}))"
    rf"|(?=(?:这个|这份|那个|那份|该)?(?:{DOCUMENT})(?:里面|里头|里|中|内|上|的|是|，|,|：|:|$))"
    r"|(?=那份|这份)"  # 份 counts documents: "安徽省政府办公厅那份…"
)
FULL_ISSUER = 6  # an issuer's full name this long names its plan wherever a question writes it
# What follows a unit's name when it names the document the unit issued, not the unit: "…的方案", "…印发的", "（…）",
# "…的<topic>" (not "…的配合任务", the unit's own tasks)
NAMES_DOCUMENT = re.compile(
    r"[)）]|的(?!(?:牵头|配合|参与|负责|主要|重点|具体|相关|有关)?的?(?:任务|工作|职责|事))"  # not …的配合任务
    rf"|(?:这个|这份|那个|那份|该)?(?:{DOCUMENT})(?:里面|里头|里|中|内|上|的|是|，|,|：|:|$)|印发|下发|发布|出台|制定"
)
# What points at a document between two of its names ("…办公厅那份对标提升举措"), going with them.
POINTERS = ("那份", "这份", "那个", "这个")
# What follows a unit's name when it names the document the unit issued ("安徽省政府办公厅那份…", "…印发的").
POINTS_AT_DOCUMENT = re.compile(rf"那份|这份|(?:这个|那个)(?:{DOCUMENT})|印发|下发|出台")
# What a question asks of a document itself after its number and 的 ("…45号的任务有哪些", "…的主要内容")
OF_DOCUMENT = re.compile(r"任务|工作|内容|要求|目标|措施|主要|重点|部分|文号|日期|时间|全文|原文")
QUOTED_TITLE = re.compile(r"《([^》]{4,60})》")
QUOTE_MARKS = re.compile(r"[《》〈〉]")
JOINED_TITLES = re.compile(r"》(?:和|及|与|、)《")  # two documents issued by one letter
# The words that frame a plan's name in a question: "按X这个文件，", "在X的方案中，", "X方案里": they only name it.
FRAME = re.compile(
    rf"(?:的|这个|这份|那个|那份|该|这一)*(?P<doc>{DOCUMENT})?"
    # 中国, 上海, 内蒙古 are no frame: 中, 内 and 上 only where the sentence goes on
    r"(?P<where>里面|里头|里|中(?![心支级央国])|(?:内|上)(?=[\s，,、：:]|$|谁|哪|有|的|是|关于|对))?"
    r"(?P<comma>[，,、：:]|\s+(?=\S))?"
)
FRAME_OPENINGS = ("根据", "按照", "按", "在", "据", "从", "照")
EMPTY_BRACKETS = re.compile(r"[(（]\s*[)）]")
TRAILING = " 　？?。.！!～~的呢吧啊"  # what may end a question after a plan named last
# A title's own year: "2023年", "（2023版）".
TITLE_YEAR = re.compile(r"((?:19|20)\d\d)\s*(?:年|版)")


HEADING_FRONT = 12  # the first paragraphs of a plan its entry heading and number stand among


@dataclass(frozen=True)
class Plan:
    """One plan (a document of the corpus) as staff name it."""

    id: str  # stable: the file's name without its ending (with the document's number in a compilation)
    title: str
    short: str  # the title as a heading shows it: its place, or its first words
    source: str
    issuer: str = ""
    date: str = ""
    number: str = ""  # document number as written
    places: tuple[str, ...] = ()  # places the title or issuer opens with, and their short forms
    cited_places: tuple[str, ...] = ()  # places of the region its letter or preamble cites as its own
    years: tuple[str, ...] = ()
    # the other titles its letter issues with it ("关于印发《湖南省…政务管理服务工作要点》和《湖南省…政务公开工作要点》")
    also_titles: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The plan as JSON-ready data."""
        return {"id": self.id, "title": self.title, "short": self.short, "issuer": self.issuer,
                "date": self.date, "number": self.number}


@dataclass(frozen=True)
class Scope:
    """What a question says of the plans: the plans it names (none: all) and the question without the names."""

    plans: tuple[str, ...] = ()
    text: str = ""
    names: tuple[str, ...] = ()  # the words that named them


# How long the words before a kind may run: a title written whole ("全省2023年度深化工程建设项目审批制度改革提升办理建筑
# 许可营商环境工作方案"); the words are cut at punctuation and the words that open a place in the sentence (PHRASE_BREAK)
TITLE_PHRASE_LONGEST = 48


def title_phrase(kinds: Iterable[str]) -> re.Pattern:
    """A title's words before a kind of document ("营商环境重点任务清单"): the words, then the kind."""
    return re.compile(rf"([{HAN}A-Za-z0-9.“”\"]{{2,{TITLE_PHRASE_LONGEST}}}?)({alternation(kinds)})")  # 2.0版


def squeeze(text: str) -> str:
    """Text without white space (a title wrapped over lines, "2023 年")."""
    return "".join(text.split())


def places_in(name: str) -> list[tuple[str, str]]:
    """The places a name opens with, every level (上海市青浦区人民政府办公室 → (上海, 市), (青浦, 区))."""
    name = PARTY.sub("", squeeze(name))
    found, at = [], 0
    while True:
        match = PLACE.match(name, at)
        if match is None or name[match.start(2) : match.start(2) + 2] in NOT_PREFIXED:
            return found
        found.append((match.group(1), match.group(2)))
        at = match.end()


def place_forms(stem: str, ending: str) -> list[str]:
    """How staff write a place: in full, without its level's ending, and a long one shortened (锡盟)."""
    if stem.endswith(AUTONOMOUS) and len(stem) > len(AUTONOMOUS) + 1:  # 凉山彝族自治 + 州: 凉山州, 凉山
        place = without_peoples(stem[: -len(AUTONOMOUS)])
        return [stem + ending, place + ending, place]
    forms = [stem + ending, stem]
    if len(stem) >= 3 and ending in SHORTENED:
        forms.append(stem[0] + ending)
    if ending == AUTONOMOUS + "区" and without_peoples(stem) != stem:  # 广西壮族自治区: 广西
        forms.append(without_peoples(stem))
    if (stem + ending).endswith(PREFECTURE) and len(stem) > len(PREFECTURE):  # 大兴安岭地区: 大兴安岭
        forms.append(stem[: 1 - len(PREFECTURE)])
    return forms


def without_peoples(name: str) -> str:
    """An autonomous place's name without the peoples it holds (凉山彝族 → 凉山, 红河哈尼族彝族 → 红河); a place
    named after its people keeps it (鄂伦春, 鄂温克族 → 鄂温克)."""
    rest = name
    while True:
        bare = rest.removesuffix("族")
        people = max((p for p in AUTONOMOUS_PEOPLES if bare.endswith(p) and (len(p) > 1 or bare != rest)),
                     key=len, default="")
        if not people or len(bare) - len(people) < 2:
            return rest if rest != name else name.removesuffix("族")
        rest = bare[: -len(people)]


def _plan_ids(groups: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """A stable id for each (source, title): the file's name without its ending, the document's number after it
    when the file holds several, the whole name when two files share a stem."""
    by_source: dict[str, list[str]] = {}
    for source, doc in groups:
        by_source.setdefault(source, []).append(doc)
    stems = Counter(PurePath(source).stem for source in by_source)
    ids = {}
    for source, docs in by_source.items():
        stem = PurePath(source).stem if stems[PurePath(source).stem] == 1 else source
        for n, doc in enumerate(docs, 1):
            ids[(source, doc)] = stem if len(docs) == 1 else f"{stem}-{n}"
    return ids


class Catalogue:
    """The plans of the loaded clauses, in corpus order, and what names each of them in a question."""

    def __init__(self, clauses: Sequence[Clause], words: Callable[[str], Iterable[str]] | None = None):
        """`words`: how a phrase is cut into words (jieba's, the index's); by default its characters' pairs."""
        groups: dict[tuple[str, str], list[Clause]] = {}
        for clause in clauses:
            groups.setdefault((clause.source, clause.doc), []).append(clause)
        ids = _plan_ids(list(groups))
        plans = [_read_plan(ids[key], found) for key, found in groups.items()]
        shorts = Counter(plan.short for plan in plans)
        # plans of one place are told apart by their year, else by their title
        plans = [
            plan if shorts[plan.short] == 1 else replace(plan, short=_distinct_short(plan, plans))
            for plan in plans
        ]
        self.plans: tuple[Plan, ...] = tuple(plans)
        self.by_id = {plan.id: plan for plan in self.plans}
        self._of = {key: ids[key] for key in groups}
        self._words = words or (lambda text: [text[i : i + 2] for i in range(len(text) - 1)])
        self._names = self._name_forms()
        self._names_joined = "\n".join(self._names)  # one text: a word inside any name is found by one search
        ordered = sorted(self._names, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._title_words = {plan.id: set(self._content_words(" ".join([plan.title, *plan.also_titles])))
                             for plan in self.plans}
        # a loaded plan's own kind of document is one too, where the vocabulary lacks it (…六项工作机制, …条例)
        own_kinds = {tail for plan in self.plans
                     if HAN_ONLY.fullmatch(tail := TITLE_TAIL.sub("", squeeze(plan.title))[-2:])}
        self._title_phrase = title_phrase(DOCUMENT_KINDS)
        # looked for after the others, never over a title they name (规范 of one title inside another's words)
        own_kinds -= set(DOCUMENT_KINDS)
        self._own_title_phrase = title_phrase(own_kinds) if own_kinds else None
        self._squeezed_titles = {plan.id: squeeze(plan.title) for plan in self.plans}  # looked at by every question
        # which plans hold a word in their title (as a word of it, or inside it): a word's plans found by one
        # dictionary lookup and one search of every title joined, not a look at each of hundreds of plans
        self._plans_by_title_word: dict[str, list[int]] = {}
        for n, plan in enumerate(self.plans):
            for word in self._title_words[plan.id]:
                self._plans_by_title_word.setdefault(word, []).append(n)
        # a plan's titles (its own and those its letter issues with it) joined by a mark no word holds: a word is
        # found in one of them, never across two
        self._all_titles = {plan.id: "〡".join([self._squeezed_titles[plan.id], *map(squeeze, plan.also_titles)])
                            for plan in self.plans}
        self._titles_joined = JoinedTexts(self._all_titles[plan.id] for plan in self.plans)
        self._title_holders = functools.lru_cache(maxsize=4096)(self._title_holders)  # 推进, 加强: in many titles
        counts = Counter(w for words in self._title_words.values() for w in words)
        # a word most titles hold (营商, 环境, 2023) names no plan alone
        self._common = {w for w, n in counts.items() if len(self.plans) > 2 and n * 2 > len(self.plans)}
        # each plan's issuers with the body each names without its place (工商行政管理局), and how they end
        self._issuers_of = {plan.id: _issuer_bodies(plan) for plan in self.plans}
        self._issuer_endings = {body[-1] for bodies in self._issuers_of.values() for _, body in bodies if body}
        self._issuer_endings |= {issuer[-1] for bodies in self._issuers_of.values() for issuer, _ in bodies}
        # which plans' issuers, their places and the levels' endings hold a character (bits by place in
        # self.plans): words naming an issuer hold only its characters, so a span is tried on those plans alone,
        # not on each of hundreds ("…招商大会方案里": 18 spans before 方案)
        self._issuer_chars: dict[str, int] = {}
        for n, plan in enumerate(self.plans):
            held = "".join(name for pair in self._issuers_of[plan.id] for name in pair) + "".join(plan.places)
            for ch in set(held + "".join(PLACE_ENDINGS)):
                self._issuer_chars[ch] = self._issuer_chars.get(ch, 0) | 1 << n
        # an issuer named in full, anywhere ("广西壮族自治区机关事务管理局的…", "中共扬州市委、扬州市人民政府方案里")
        full: dict[str, list[str]] = {}
        for plan in self.plans:
            for issuer in dict.fromkeys([plan.issuer, *plan.issuer.split("、")]) if plan.issuer else ():
                if len(issuer) >= FULL_ISSUER:
                    full.setdefault(issuer, []).append(plan.id)
        self._full_issuers = {name: tuple(plans) for name, plans in full.items() if len(plans) < len(self.plans)}
        by_length = sorted(self._full_issuers, key=len, reverse=True)
        self._full_pattern = re.compile("|".join(map(re.escape, by_length))) if by_length else None
        self.scope_of = functools.lru_cache(maxsize=4096)(self.scope_of)

    def __len__(self) -> int:
        return len(self.plans)

    def __iter__(self):
        return iter(self.plans)

    def plan_of(self, clause: Clause) -> str:
        """The id of the plan a clause belongs to ('' for a clause of no loaded plan)."""
        return self._of.get((clause.source, clause.doc), "")

    def named(self, name: str) -> Plan | None:
        """The plan an id, a title, a short title or a name that names one plan alone stands for, else None."""
        name = squeeze(name or "")
        if name in self.by_id:
            return self.by_id[name]
        for plan in self.plans:
            if name in (squeeze(plan.title), plan.short):
                return plan
        scope = self.scope_of(name)
        return self.by_id[scope.plans[0]] if len(scope.plans) == 1 and scope.names else None

    def _name_forms(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Each place form → (plans opening with it, plans citing it as their region)."""
        own: dict[str, list[str]] = {}
        cited: dict[str, list[str]] = {}
        for plan in self.plans:
            for form in plan.places:
                own.setdefault(form, []).append(plan.id)
            for form in plan.cited_places:
                cited.setdefault(form, []).append(plan.id)
        return {
            form: (tuple(dict.fromkeys(own.get(form, ()))), tuple(dict.fromkeys(cited.get(form, ()))))
            for form in {*own, *cited}
            if len(form) >= 2
        }

    def _content_words(self, text: str) -> list[str]:
        """The words of a title or phrase that can name a plan (not its place, not a lone character)."""
        return [w for w in self._words(squeeze(text).replace("“", "").replace("”", "")) if len(w) >= 2]

    def scope_of(self, question: str, keep: Sequence[tuple[int, int]] = ()) -> Scope:
        """The plans a question names and the question with those names taken out (a name in or right before a
        span of `keep`, a unit's name such as 三亚市财政局, names its plan but stays in the question)."""
        if not self.plans:
            return Scope(text=question)
        found: list[tuple[int, int, tuple[str, ...], str]] = []  # (start, end, plans, what replaces the words)
        for match in QUOTED_TITLE.finditer(question):  # a title quoted whole (《上海市提信心扩需求…行动方案》): its plan
            quoted = squeeze(match.group(1))
            plans = tuple(p.id for p in self.plans
                          if quoted in (self._squeezed_titles[p.id], TITLE_TAIL.sub("", p.title)))
            end = match.end()
            # or the document a plan carries out, quoted before the plan's kind ("贯彻落实《“十四五”市场监管现代化规划》
            # 实施方案"): the plan whose title quotes it before that kind
            kind = DOCUMENT_WORD.match(question, end)
            if not plans and kind:
                carried = QUOTE_MARKS.sub("", quoted) + kind.group()
                plans = tuple(p.id for p in self.plans if carried in QUOTE_MARKS.sub("", self._squeezed_titles[p.id]))
                end = kind.end()
            start = match.start()
            if len(plans) == 1:  # the title's words before the quote go with it ("广西贯彻落实《…》")
                start = _title_opening(question, start, QUOTE_MARKS.sub("", quoted),
                                       QUOTE_MARKS.sub("", self._squeezed_titles[plans[0]]))
            if plans:
                found.append((start, end, plans, "文件"))
        for match in TYPED_NUMBER.finditer(question):
            # as written, or typed without its brackets or its year ("黔府办函16号")
            typed, year, serial = match.groups()
            plans, start = [], match.end()
            for plan in self.plans:
                parts = _number_parts(plan.number)
                if parts and typed.endswith(parts[0]) and year in ("", None, parts[1]) and int(serial) == parts[2]:
                    plans.append(plan.id)
                    start = min(start, match.end(1) - len(parts[0]))
            if plans:
                found.append((start, match.end(), tuple(plans), "文件"))
        for match in YEAR.finditer(question):
            plans = tuple(p.id for p in self.plans if match.group(1) in p.years)
            if plans and len(plans) < len(self.plans):
                found.append((match.start(), match.end(), plans, ""))
        if self._full_pattern is not None:
            for match in self._full_pattern.finditer(question):
                start, end = match.span()
                # a unit's name too (省发展改革委负责哪些任务, 三亚市人民政府牵头…) is the unit asked about, naming no
                # plan, unless words naming a document follow it
                if any(a < end and start < b for a, b in keep) and not NAMES_DOCUMENT.match(question, end):
                    continue
                if self._foreign(question[_province_before(question, start, found) : start],
                                 self._full_issuers[match.group()]):
                    continue
                issuing = ISSUING.match(question, end)  # with the issuing words after it ("印发的")
                end = issuing.end() if issuing and issuing.end() > end else end + (question[end : end + 1] == "的")
                found.append((start, end, self._full_issuers[match.group()], ""))
        found += self._issuers(question, found)
        places: set[tuple[int, int]] = set()  # the spans naming a place
        if self._pattern is not None:
            for match in self._pattern.finditer(question):
                start, end = match.span()
                if question[end - 1 : end + 1] in NOT_PREFIXED or _inside(start, end, found):
                    continue
                own, cited = self._names[match.group()]
                plans = own or cited
                unit = next(((a, b) for a, b in keep if a <= end and start < b), None)
                if unit is not None and POINTS_AT_DOCUMENT.match(question, unit[1]):
                    # an issuer's name before the document it issued ("安徽省政府办公厅那份…"): it only names it
                    found.append((min(start, unit[0]), unit[1], plans, ""))
                    continue
                # in or right before a unit's name, or inside a quoted name ("金润吉林"行动): it stays
                if unit is not None or _quoted(question, start):
                    found.append((start, end, plans, question[start:end]))
                    places.add((start, end))
                    continue
                if question[end : end + 1] == "的":
                    end += 1
                found.append((_province_before(question, start, found), end, plans, ""))
                places.add(found[-1][:2])
        titles = self._titles(question, found)
        titles += self._kindless_titles(question, found + titles)
        # the namings taken inside a title's words go with it
        found = [f for f in found if not any(a <= f[0] < f[1] <= b for a, b, *_ in titles)] + titles
        if not found:
            return Scope(text=question)
        # a place kept as part of a unit's name that opens a title ("漳州市科技局优化营商环境六项工作机制中"): the
        # unit is the issuer naming its document, and the place goes with them
        titled = {start for start, *_ in titles}
        found = [(start, end, plans, "" if end in titled and replacement == question[start:end] else replacement)
                 for start, end, plans, replacement in found]
        found.sort()
        sets = [set(plans) for _, _, plans, _ in found]
        chosen = set.intersection(*sets)
        if not chosen and len(sets) > 1:
            # a plan that names no place of its own ("全省…工作方案" of a "省…办公室"), named by its title's words (not
            # its kind alone), is named with the place before it ("江西全省…工作方案")
            by_title = {p for a, b, plans, _ in titles for p in plans
                        if len(self._content_words(KIND_AT_END.sub("", question[a:b]))) >= 3}
            placeless = {p.id for p in self.plans if not p.places and p.id in by_title}
            chosen = set.intersection(*(s | placeless if (a, b) in places else s for (a, b, *_), s in zip(found, sets)))
        chosen = chosen or set.union(*sets)
        text, at = [], 0
        for start, end, _, replacement in found:
            if start < at:
                continue
            if replacement and replacement != "文件":  # a unit's name holding the place: kept whole
                text += [question[at:start], replacement]
                at = end
                continue
            # the words that only frame the name ("按…这个文件，", "…方案里，") go with it; a document named
            # and asked about ("贵州这个清单是谁印发的") stays a document: 这个文件是谁印发的
            frame = FRAME.match(question, end)
            # named last, after what is asked ("诚信之星推荐评选谁牵头 豫发改财金39号那个"): it only names the plan
            trailing = start > at and not question[frame.end() :].strip(TRAILING)
            # turned to ("那青浦区工作要点呢"): it only names the plan, the question before is asked of it
            turned = question.startswith("呢", frame.end())
            if frame.group("where") or frame.group("comma") or trailing or turned:
                end, replacement = frame.end(), ""
                opening = next((o for o in FRAME_OPENINGS if question[at:start].endswith(o)), "")
                start -= len(opening)
            elif not frame.group("doc") and frame.group(0).endswith("的") and not OF_DOCUMENT.match(question, frame.end()):
                end, replacement = frame.end(), ""  # "黔府办函16号的<topic>": it only names (…的任务: 这个文件的任务)
            elif frame.group("doc") or replacement:
                end, replacement = frame.end(), "这个文件"
            between = question[at:start]
            # "…办公厅那份对标提升举措里": the pointer between two names of one document goes with them
            text += ["" if at and between in POINTERS else between, replacement]
            at = end
        text.append(question[at:])
        plans = tuple(p.id for p in self.plans if p.id in chosen)
        return Scope(plans, EMPTY_BRACKETS.sub("", "".join(text)).strip(" ，,"), tuple(question[s:e] for s, e, _, _ in found))

    def _issuers(self, question: str, found: list) -> list[tuple[int, int, tuple[str, ...], str]]:
        """An issuer named before an issuing word: in full, without its place, or abbreviated (盟工商局 for
        锡林郭勒盟工商行政管理局)."""
        named = []
        for match in ISSUING.finditer(question):
            # "浙江省知识产权局等7部门2023年6月印发的": the issuer's partners and the date stand between
            gap = ISSUER_GAP.search(question, max(0, match.start() - ISSUER_GAP_REACH), match.start())
            if gap.start() < match.start() and not match.group().startswith(ISSUING_VERBS):
                continue  # "…2023年发放的补贴": 发 of 发放 issues nothing across a date
            before = question[: gap.start()]
            if not before or before[-1] not in self._issuer_endings:  # no issuer's name ends here
                continue
            holders = self._issuer_holders(before, 20)
            for length in range(min(len(before), 20), 2, -1):
                span = before[-length:]
                if not holders[length] or not HAN_ONLY.fullmatch(span):
                    continue
                candidates = self._plans_in(holders[length])
                plans = tuple(p.id for p in candidates if _issued_by(span, p, self._issuers_of[p.id]))
                if plans and len(plans) < len(self.plans):
                    start = self._joint_issuer(question, len(before) - length, plans)
                    # "浙江省知识产权局" of a plan signed 省知识产权局: the province before it goes with it, when it
                    # is the plans' own or no plan's ("江苏省知识产权局" names no plan of 浙江's office)
                    province = _province_before(question, start, found)
                    if self._foreign(question[province:start], plans):
                        break
                    named.append((province, match.end(), plans, ""))
                    break
        # a naming within the issuer's words (the year of "…等7部门2023年6月印发的") is part of them, taken with them
        return [n for n in named if not _inside(n[0], n[1], [f for f in found if not n[0] <= f[0] < f[1] <= n[1]])]

    def _issuer_holders(self, text: str, longest: int) -> list[int]:
        """For each length up to `longest`, the plans (bits) whose issuers' characters hold all of the text's last
        that many characters: the only plans words ending the text can name as their issuer."""
        holders, bits = [-1], -1
        for ch in reversed(text[-longest:]):
            bits &= self._issuer_chars.get(ch, 0)
            holders.append(bits)
        return holders + [0] * (longest + 1 - len(holders))

    def _plans_in(self, bits: int) -> Iterable[Plan]:
        """The plans whose places in self.plans are the set bits."""
        while bits:
            low = bits & -bits
            yield self.plans[low.bit_length() - 1]
            bits ^= low

    def _foreign(self, province: str, plans: Sequence[str]) -> bool:
        """Whether a province written before an issuer's name is not the issuing plans' own but another loaded
        plan's ("江苏省知识产权局" when only 浙江's office issued a plan here)."""
        return bool(province) and not all(province in self._places_of(p) for p in plans) and any(
            province in self._places_of(p.id) for p in self.plans
        )

    def _places_of(self, plan_id: str) -> tuple[str, ...]:
        """The places a plan names as its own, or cites (a province's office's plan cites its province's rules)."""
        plan = self.by_id[plan_id]
        return plan.places + plan.cited_places

    def _joint_issuer(self, question: str, start: int, plans: tuple[str, ...]) -> int:
        """Where a joint letter's issuers named together start ("商务厅和武汉海关公告", "湖北省商务厅武汉海关的公告":
        商务厅 too), given where the last one starts."""
        joined = start >= 1 and question[start - 1] in "和与及、"
        before = question[: start - joined]
        for length in range(min(len(before), 20), 2, -1):
            span = before[-length:]
            if HAN_ONLY.fullmatch(span) and all(_issued_by(span, self.by_id[p], self._issuers_of[p]) for p in plans):
                return start - joined - length
        return start

    def _title_holders(self, word: str) -> frozenset[int]:
        """The plans (by place in self.plans) whose title holds the word, as one of its words or inside it."""
        return frozenset((*self._plans_by_title_word.get(word, ()), *self._titles_joined.holding(word)))

    def _titles(self, question: str, found: list) -> list[tuple[int, int, tuple[str, ...], str]]:
        """Words of a title before a document word ("营商环境重点任务清单", "民营经济三年行动方案"): the plans whose
        title holds more than half of the phrase's words and a word few titles hold; the best of them."""
        named = []
        own_matches = self._own_title_phrase.finditer(question) if self._own_title_phrase is not None else ()
        for match in itertools.chain(self._title_phrase.finditer(question), own_matches):
            own = match.re is not self._title_phrase
            if own and any(a < match.end() and match.start() < b for a, b, *_ in named):
                continue
            end, kind = match.end(), match.group(2)
            # "…规划的实施方案": the document that carries out the one named before 的 is the one asked
            while more := DOCUMENT_WORD.match(question, end) or (
                question[end : end + 1] == "的" and CARRYING_OUT.match(question, end + 1)
            ):
                end, kind = more.end(), more.group()
            tail = TITLE_TAIL_AFTER.match(question, end)  # "…管理办法（试行）是哪个单位印发的": the title's bracket
            end = tail.end() if tail else end
            if not AFTER_TITLE.match(question, end):  # 招标计划提前发布制度: a topic, not a document
                continue
            # a kind of the plans' own (制度, 机制) names its document only where the question goes on within it
            # ("…六项工作机制中"): "联席会议制度有哪些配合单位" asks of a topic; one that runs on into a kind of the
            # vocabulary (…行动方案) is the other pass's
            # (or, opening with a place or issuer named, ends at a space: "漳州科技局六项工作机制 文号多少")
            spaced = question[end : end + 1].isspace() and any(a == match.start() for a, *_ in found)
            if own and (kind != match.group(2) or not (WITHIN_DOCUMENT.match(question, end) or spaced)):
                continue
            start, body = match.start(), match.group(1)
            # "…交易成本那份政策措施": the title's words, a pointer, then the kind; the words name it as if joined
            at = next((i for p in POINTERS
                       if (i := body.rfind(p)) > 1 and KIND_OF_YEAR.fullmatch(body[i + 2 :] + kind)), None)
            gap = 0 if at is None else 2  # the pointer's characters, left out of the words
            at = len(body) if at is None else at
            body = body[:at] + body[at + gap :]
            breaks = list(PHRASE_BREAK.finditer(body))
            if breaks:
                start += breaks[-1].end()
                # a title holds 的 too ("…人力资源市场体系的实施意见"): past a 的 that leaves the kind alone
                rest = body[breaks[-1].end() :]  # "…发展的政策措施": 政策 only opens the kind
                if body[breaks[-1].start()] == "的" and (not rest or DOCUMENT_WORD.fullmatch(rest + kind)):
                    start = match.start() + (breaks[-2].end() if len(breaks) > 1 else 0)
            pointer = match.start() + at
            start += gap if start >= pointer and gap else 0
            # a place named before the title's words ("广州金融行动方案", "江西吉安…") is a name of its own
            while (after := max([start, *(b for a, b, *_ in found if a <= start < b)])) > start:
                start = after
            phrase = question[start:pointer] + question[max(start, pointer + gap) : end]
            words = [w for w in self._content_words(phrase) if w not in self._names_joined]
            if len(words) < 2:
                # "这个政策措施是谁发的": the last words of one plan's title, its kind among them, name it
                ending = [q.id for q in self.plans if len(phrase) >= 4 and TITLE_TAIL.sub("", q.title).endswith(phrase)]
                # or a title cut as one word (a loaded title is a word of the dictionary): the plan holding it
                if not ending and len(words) == 1 and len(words[0]) >= 6:
                    ending = [q.id for q in self.plans if words[0] in self._squeezed_titles[q.id]]
                    start = max(start, question.find(words[0], start))  # from the title's word on ("那河南信用…方案")
                if len(ending) == 1 and words and not _inside(start, end, found):
                    named.append((start, end, tuple(ending), "文件"))
                continue
            best, plans = 0, []
            held_by: dict[int, list[str]] = {}  # each plan's title words among the phrase's, in the phrase's order
            for word in words:
                for n in self._title_holders(word):
                    held_by.setdefault(n, []).append(word)
            for n in sorted(held_by):
                plan, held, asked = self.plans[n], held_by[n], words
                opening = self._issuer_length(phrase, plan.id)
                if opening:
                    # "金华市住建局优化营商环境二十条措施": the issuer (abbreviated as staff write it) opens the phrase
                    # and counts as one word the plan holds; the rest is judged as the title's words
                    asked = [w for w in self._content_words(phrase[opening:]) if w not in self._names_joined]
                    held = ["", *(w for w in asked if n in self._title_holders(w))]
                    asked = ["", *asked]
                if len(held) * 2 <= len(asked) or not any(w and w not in self._common for w in held):
                    continue
                # the kind of document asked is the plan's (…规划 of "自治区的市场监管规划" is the plan a 实施方案
                # carries out, not the 实施方案 itself); 文件 is any
                if not _of_kind(plan.title, kind):
                    continue
                if len(held) > best:
                    best, plans = len(held), [plan.id]
                elif len(held) == best:
                    plans.append(plan.id)
            if len(plans) > 1:  # "省市场监管局控制成本若干措施": the issuer named before the title's words tells them apart
                issued = [p for p in plans if self._opens_with_issuer(phrase, p)]
                plans = issued or plans
            if len(plans) > 1:  # a title written out as it stands ("2023年上海市政务公开工作要点"): that plan's
                written = squeeze(phrase)
                plans = [p for p in plans if written in self._all_titles[p]] or plans
            # a naming inside the title's words (a year, a place: "创建一流营商环境那个2023年方案", "2023年广州金融支持…行动
            # 方案") is one of them, taken with them, and tells the plans holding the words apart (2023年上海市政务公开
            # 工作要点: 上海's, not 湖南's of the same words)
            inner = [f for f in found if start <= f[0] < f[1] <= end]
            for _, _, naming, _ in inner:
                plans = [p for p in plans if p in naming] or plans
            if len(plans) == 1:  # the title's words before the phrase go with it ("中国（河南）自由贸易试验区…方案")
                start = _title_opening(question, start, squeeze(phrase), self._all_titles[plans[0]])
                inner = [f for f in found if start <= f[0] < f[1] <= end]
            if plans and not _inside(start, end, [f for f in found if f not in inner]):
                named.append((start, end, tuple(plans), "文件"))
        return named

    def _kindless_titles(self, question: str, found: list) -> list[tuple[int, int, tuple[str, ...], str]]:
        """A title's words said without its kind, the question going on within it ("江门流程再造第三批里，…"): named
        when one plan's title holds every word (two or more, one of them not common to the titles)."""
        named = []
        for match in KINDLESS_TITLE.finditer(question):
            start, end = match.start(1), match.end()
            while (after := max([start, *(b for a, b, *_ in found if a <= start < b)])) > start:
                start = after  # a place named before the words is a name of its own
            words = [w for w in self._content_words(question[start : match.end(1)]) if w not in self._names_joined]
            if len(words) < 2 or _inside(start, end, found) or all(w in self._common for w in words):
                continue
            holders = set.intersection(*(set(self._title_holders(w)) for w in words))
            if len(holders) == 1:
                named.append((start, end, (self.plans[holders.pop()].id,), ""))
        return named

    def _opens_with_issuer(self, phrase: str, plan_id: str) -> bool:
        """Whether a phrase naming a title opens with the plan's issuer, as staff write it (省市场监管局…)."""
        return bool(self._issuer_length(phrase, plan_id))

    def _issuer_length(self, phrase: str, plan_id: str) -> int:
        """How many characters of the phrase's opening name the plan's issuer (the longest such), 0 for none."""
        return next((
            length for length in range(min(len(phrase), 20), 2, -1)
            if phrase[length - 1] in self._issuer_endings
            and _issued_by(phrase[:length], self.by_id[plan_id], self._issuers_of[plan_id])
        ), 0)


def _province_before(question: str, start: int, found: list) -> int:
    """Where a place's name starts with the province written right before it (四川广元, 浙江省金华): the province
    only tells the place apart, naming no plan of its own; else `start`."""
    before = question[:start]
    for province in PROVINCES:
        for written in (province + "省", province):
            at = start - len(written)
            if before.endswith(written) and not _inside(at, start, found):
                return at
    return start


def _distinct_short(plan: Plan, plans: Sequence[Plan]) -> str:
    """A short title for a plan that shares its place with others: with its year when that tells it apart,
    else its title."""
    years = Counter(p.years[:1] for p in plans if p.short == plan.short)
    if plan.years and years[plan.years[:1]] == 1:
        return f"{plan.short}{plan.years[0]}年"
    return plan.title


def _of_kind(title: str, kind: str) -> bool:
    """Whether a title (squeezed) is of the kind of document asked: its ending, before a closing bracket
    (…（征求意见稿）: the draft is the kind too), or a document it joins to another ("…实施方案和实施清单": 方案 too);
    文件 is any."""
    return (kind == "文件" or TITLE_TAIL.sub("", title).endswith(kind) or title.endswith(kind + "）")
            or re.search(rf"{re.escape(kind)}[》”]?(?:和|及|与|、)[^的]{{0,12}}(?:{DOCUMENT_WORD.pattern})$",
                         TITLE_TAIL.sub("", title)) is not None)


def _title_opening(question: str, start: int, named: str, title: str) -> int:
    """Where a naming of a title starts once the title's own words written right before it are taken with it
    ("中国（河南）" before "自由贸易试验区…方案" of 中国（河南）自由贸易试验区…方案): `start` when there are none."""
    at = title.find(named)
    before = title[:at] if at > 0 else ""
    return start - next((n for n in range(len(before), 0, -1) if question[:start].endswith(before[-n:])), 0)


def _issued_with(title: str, letter: Sequence[Clause]) -> tuple[str, ...]:
    """The other titles a cover letter issues together with the plan's ("…关于印发《A》和《B》的通知"): each quoted
    beside the plan's own title, joined to it by 和, 及, 与 or 、."""
    own = TITLE_TAIL.sub("", squeeze(title))
    for clause in letter[:HEADING_FRONT]:
        text = squeeze(clause.text)
        quoted = [squeeze(q) for q in QUOTED_TITLE.findall(text)]
        if len(quoted) > 1 and JOINED_TITLES.search(text) and any(TITLE_TAIL.sub("", q) == own for q in quoted):
            return tuple(dict.fromkeys(q for q in quoted if TITLE_TAIL.sub("", q) != own))
    return ()


def _quoted(text: str, at: int) -> bool:
    """Whether position `at` of a text is inside quotation marks (“…”, 「…」, "…"), as a name's words are."""
    before = text[:at]
    return (
        before.count("“") > before.count("”")
        or before.count("「") > before.count("」")
        or before.count('"') % 2 == 1
    )


def _inside(start: int, end: int, found: list) -> bool:
    """Whether a span overlaps one already taken."""
    return any(start < b and a < end for a, b, *_ in found)


def _number_parts(number: str) -> tuple[str, str, int] | None:
    """A document number's prefix, year and serial (黔府办函〔2023〕16号 → 黔府办函, 2023, 16), or None."""
    match = NUMBER.search(number) if number else None
    return (match.group(1), match.group(2), int(match.group(3))) if match else None


def _issuer_bodies(plan: Plan) -> list[tuple[str, str]]:
    """Each issuer of a plan with what it names without its place: 锡林郭勒盟工商行政管理局 → 工商行政管理局."""
    found = []
    for issuer in plan.issuer.split("、") if plan.issuer else []:
        body = issuer
        for stem, ending in places_in(issuer):
            body = body.replace(stem + ending, "", 1)
        found.append((issuer, PARTY.sub("", body)))
        # a department's office issuing for it (吉林省医疗保障局办公室): the department's name names it too (医保局)
        office = next((o for o in DEPARTMENT_OFFICES if body.endswith(o) and len(body) > len(o) + 1), "")
        if office and body[-len(office) - 1] in DEPARTMENT_ENDS:
            found.append((issuer[: -len(office)], PARTY.sub("", body[: -len(office)])))
        # as staff write it short (郑州市政府 of 郑州市人民政府): that name in full only, never its body (政府 alone
        # would name every government's plans)
        shorts = {issuer} | {issuer.replace(full, short) for full, short in NAME_SHORT_FORMS}
        shorts |= {name[: -len(full)] + short for name in shorts for full, short in OFFICE_SHORT_FORMS
                   if name.endswith(full)}
        found += [(short, "") for short in sorted(shorts - {issuer})]
    return found


def _issued_by(span: str, plan: Plan, bodies: Sequence[tuple[str, str]]) -> bool:
    """Whether words name the plan's issuer (`bodies`: its issuers without their place): in full, without its
    place or with its place shortened, or by an abbreviation ending as it does (工商局 for 工商行政管理局)."""
    for issuer, body in bodies:
        if span == issuer:
            return True
        if not body:  # a name matched in full only
            continue
        rest = span
        for form in sorted(plan.places, key=len, reverse=True):
            if rest.startswith(form):
                rest = rest[len(form) :]
                break
        else:
            if rest[0] in "".join(PLACE_ENDINGS):  # 盟工商局, 省政府办公厅: the level alone
                rest = rest[1:]
        if rest and rest[-1] == body[-1] and (rest == body or (len(rest) >= 3 and is_abbreviation(rest, body))):
            return True
    return False


def _read_plan(plan_id: str, clauses: Sequence[Clause]) -> Plan:
    """A plan's facts and names from its own clauses: the cover letter's signature, date and number, the title,
    the compilation's entry heading (its issuer), the preamble's cited documents."""
    title = squeeze(clauses[0].doc)
    letter = [c for c in clauses if c.kind == "letter"]
    front = [c for c in clauses if c.kind in ("letter", "preamble")][:12]
    signers = [c for c in letter if c.title == "发文单位" and not squeeze(c.text).startswith("已经")]
    # a body sealing for the issuer ("…协调领导小组办公室（代章）") signs only where no heading names the issuer
    sealed = [signature(c.text) for c in signers if SEAL_NOTE.search(c.text.strip())]
    issuers = [s for c in signers if (s := signature(c.text)) not in sealed and (places_in(s) or len(s) >= 4)]
    if not issuers:  # the heading that announces it: "4. 克拉玛依市人民政府办公室关于印发…"
        heading = next((squeeze(c.text) for c in letter if ANNOUNCES.search(squeeze(c.text))), "")
        issuer = entry_issuer(heading) if heading else ""
        issuer = re.sub(r"^\d{1,3}[.．、]", "", issuer)
        issuers = [issuer] if issuer and len(issuer) <= 30 else []
    date = next((squeeze(c.text) for c in letter if c.title == "日期"), "")
    if not date:
        date = next((m.group(0) for c in letter if (m := DATE.search(squeeze(c.text)))), "")
    number = next((squeeze(c.text) for c in letter if c.title == "文号"), "")
    if not (issuers and date and number):  # an entry heading standing as the title, no cover letter
        heading_issuers, heading_date, heading_number = heading_facts(
            [c.text for c in clauses if c.kind in ("title", "letter", "preamble")][:HEADING_FRONT]
        )
        issuers = issuers or list(heading_issuers) or [s for s in sealed if len(s) >= 4]
        date, number = date or heading_date, number or heading_number
    own: list[str] = []
    for name in [title, *issuers]:
        for stem, ending in places_in(name):
            own += place_forms(stem, ending)
    cited: list[str] = []
    for clause in front:
        for quoted in QUOTED_TITLE.findall(squeeze(clause.text)):
            for stem, ending in places_in(quoted)[:1]:
                if (stem + ending).startswith(PREFIX_WORDS):  # 《自治区…》: a level, not a place
                    continue
                cited += [f for f in place_forms(stem, ending) if f not in own]
    years = [m.group(1) for m in TITLE_YEAR.finditer(title)]
    if date and (m := DATE.search(date)):
        years.append(m.group(1))
    # the most specific place the title opens with, else the issuer's (安徽省 for 创优营商环境对标提升举措)
    levels = places_in(title) or [level for issuer in issuers for level in places_in(issuer)]
    short = "".join(levels[-1]) if levels else title[:10]
    return Plan(
        id=plan_id,
        title=title,
        short=short,
        source=clauses[0].source,
        issuer="、".join(dict.fromkeys(issuers)),
        date=date,
        number=number,
        places=tuple(dict.fromkeys(own)),
        cited_places=tuple(dict.fromkeys(cited)),
        years=tuple(dict.fromkeys(years)),
        also_titles=_issued_with(title, letter),
    )
