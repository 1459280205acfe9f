"""Question understanding: what is asked (role, unit, topic, fact type), and follow-ups."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .lexicon import Lexicon
from .tokenize import Tokenizer, normalize
from .units import clean_unit, is_abbreviation

INTENTS = ("lead", "cooperate", "who", "unit_tasks", "fact", "content")

LEAD_CUE = re.compile(r"牵头|主导|主抓|带头|领头|挑头|打头|主责|挂帅|抓总")
COOPERATE_CUE = re.compile(r"配合|协助|协办|辅助|帮忙|打下手|按职责分工|分工负责")
WHO_CUE = re.compile(r"谁|哪(?:个|些|家|几个|一个|几家)?(?:单位|部门|机构|局|委|办|家)|什么(?:单位|部门|机构)"
                     r"|(?:责任|负责|牵头|配合|主管|承办)(?:单位|部门)|归.{0,4}管|由哪|找哪")
RESPONSIBLE_CUE = re.compile(r"负责|责任|主管|管")
TASK_CUE = re.compile(r"(?:哪些|什么|啥|几项|哪几项|多少)(?:工作|任务|事项|事情|事|职责|活)|(?:工作|任务|事项|事情|事|职责|活儿?)(?:有|是|都有)"
                      r"|负责(?:什么|哪些|啥)|牵头(?:什么|哪些|啥)|配合(?:什么|哪些|啥)|涉及|参与|干(?:什么|啥)"
                      r"|做(?:什么|啥)|管(?:什么|哪些|啥)|分工|任务|职责|的工作")
ANY_ROLE_CUE = re.compile(r"负责|涉及|参与|有什么任务|职责|管")
FACT_TYPES = [
    ("fullname", re.compile(r"全称|全名|简称|缩写")),
    ("email", re.compile(r"邮箱|电子邮件|电邮|email|e-mail")),
    ("docnum", re.compile(r"文号|字号|文件号")),
    ("person", re.compile(r"联系人|找谁联系|经办人")),
    ("phone", re.compile(r"电话|手机|号码|传真|联系方式")),
    ("date", re.compile(r"什么时候|何时|截止|期限|时限|哪天|日期|几号|几月|哪年|哪一年|完成时间|时间节点|多久|落款")),
    ("number", re.compile(r"多少|几(?:件|个|家|项|场|次|所|名|万|亿|成|倍)|数量|比例|比率|达到|目标是|比重")),
    ("list", re.compile(r"几大|哪几|原则|哪些方面|分别是")),
]
# Words of the question's form, not its topic: left out of the retrieval query.
FORM_WORDS = frozenset("""
牵头 配合 协助 协办 主导 主抓 负责 责任 单位 部门 机构 主管 管 归 承担 职责 任务 事项 事情 事 角色 参与 涉及 干 做 啥
是 什么 时候 何时 截止 时间 日期 期限 几号 哪天 多少 数量 号码 分别 具体 内容 规定 意思 一下 情况 哪些 哪个 谁 由 来
呢 那 那么 还有 另外 再 又 说 讲 问 这个 里 中 的 要 需要 有 没有 吗 条 一条 那条 这条 那一条 这一条 块 那块 这块
一块 谁负责 谁来管 谁管 啥时候 什么时候 怎么回事 回事 哪几 几个 哪几个 几次 几项 最晚 怎么样 啥样 现在 别人 手机 手机号
号码 电话号码 哪天 几号 截止 多久 时限 期限 完成时限 完成时间 达到 有事 打 要求是 完成 分工 分工负责 按职责 职责分工 本文件 电子版 发到 全称 全名 简称 哪一年 哪年 什么样 怎么 怎样 如何 能 可以 会 叫 叫啥 是啥 是谁 有啥 哪位 办 弄 搞
""".split())
FOLLOW_UP_OPENINGS = ("那", "那么", "还有", "另外", "再问", "以及", "那个", "换成", "如果是")
PRONOUNS = re.compile(r"^(?:那|那么)?(?:它|他们|它们|该单位|这个单位|这家|该部门|这个部门)")
ABBREVIATION_END = re.compile(r"局|委|院|厅|海关|中心|政府|办")
UNIT_END = re.compile(r"(?:局|委|委员会|办公室|厅|院|中心|政府)$")
HAN = re.compile(r"[\u4e00-\u9fff]+")


def _ends_like(name: str, ending: str) -> bool:
    """Whether a unit name ends as an abbreviation's ending says (委 also stands for 委员会)."""
    return name.endswith(ending) or (ending == "委" and name.endswith("委员会")) or \
        (ending == "办" and name.endswith("办公室"))


@dataclass(frozen=True)
class Query:
    """What a question asks, as understood."""

    text: str
    intent: str
    role: str = ""  # lead | cooperate, as the question names it ("" for either)
    units: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    expansions: tuple[tuple[str, str], ...] = ()  # (term, the plans' word for it) from terms.yaml
    answer_type: str = ""  # person | phone | date | number | list
    follow_up: bool = False
    anchor: tuple[str, ...] = ()  # clause ids the previous answer rested on (for topic follow-ups)

    def to_context(self) -> dict:
        """What a conversation keeps of this question for the next one."""
        return {"intent": self.intent, "role": self.role, "units": list(self.units), "terms": list(self.terms),
                "expansions": [list(pair) for pair in self.expansions], "answer_type": self.answer_type,
                "anchor": list(self.anchor)}


class QuestionAnalyzer:
    """Reads a question into a Query: the role asked, the units named, the topic terms."""

    def __init__(self, tokenizer: Tokenizer, unit_surfaces: Mapping[str, Iterable[str]], lexicon: Lexicon,
                 max_length: int = 500, full_names: Iterable[str] = (), weak_terms: Iterable[str] = (),
                 cache_size: int = 4096):
        if not isinstance(tokenizer, Tokenizer):
            raise ValueError(f"tokenizer must be a Tokenizer, got {type(tokenizer).__name__}")
        if max_length < 1:
            raise ValueError(f"max_length must be positive, got {max_length}")
        self.tokenizer = tokenizer
        self.lexicon = lexicon
        self.max_length = max_length
        # Each written form of a unit → the canonical units it names; longest forms are tried first.
        self.surfaces: dict[str, tuple[str, ...]] = {}
        for surface, names in unit_surfaces.items():
            key = normalize(clean_unit(surface))
            if len(key) >= 2:
                self.surfaces[key] = tuple(dict.fromkeys([*self.surfaces.get(key, ()), *names]))
        # Department names (not groups) that abbreviations may stand for.
        self.full_names = tuple(n for n in dict.fromkeys(full_names) if len(n) >= 3)
        # Words so common in the plans that alone they name no topic (完成, 加强, 推进 …).
        self.weak_terms = frozenset(weak_terms)
        self.corrections = sorted(lexicon.corrections.items(), key=lambda kv: -len(kv[0]))
        ordered = sorted(self.surfaces, key=len, reverse=True)
        self._unit_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # Staff ask the same questions again and again: reading one is pure, so it is cached per analyzer.
        self._read = functools.lru_cache(maxsize=cache_size)(self._read)

    def find_units(self, text: str) -> tuple[tuple[str, ...], str]:
        """Units named in the text (canonical, in order) and the text with their names removed."""
        names: list[str] = []
        if self._unit_pattern is not None:
            for match in self._unit_pattern.finditer(text):
                names += [n for n in self.surfaces[match.group(0)] if n not in names]
            text = self._unit_pattern.sub(" ", text)
        if not names:
            names, text = self._abbreviated_units(text)
        return tuple(names), text

    def _abbreviated_units(self, text: str) -> tuple[list[str], str]:
        """Units named by an abbreviation (资规局, 中院, 市场监管局): its characters, in order, in one name."""
        names: list[str] = []
        for match in reversed(list(ABBREVIATION_END.finditer(text))):
            end, ending = match.end(), match.group(0)
            for start in range(max(0, end - 10), end - 1):
                span = text[start:end]
                if not HAN.fullmatch(span) or len(span) < (3 if ending == "办" else 2):
                    continue
                found = [u for u in self.full_names if _ends_like(u, ending) and (span == u or is_abbreviation(span, u))]
                contiguous = [u for u in found if span in u]
                found = contiguous or found
                if 0 < len(found) <= 2:
                    names = [u for u in found if u not in names] + names
                    text = text[:start] + " " + text[end:]
                    break
        return names, text

    def analyze(self, question: str, context: Mapping | None = None) -> Query:
        """Understand one question, completing a follow-up from the conversation's context."""
        query, rest, answer_type = self._read(question)
        return self._follow(query, rest, context, answer_type) if context else query

    def _read(self, question: str) -> tuple[Query, str, str]:
        """The question on its own: its Query, its text without unit names, the fact type it asks."""
        text = normalize(question)[: self.max_length]
        for wrong, right in self.corrections:
            text = text.replace(wrong, right)
        units, rest = self.find_units(text)
        terms, expansions = self._terms(rest)
        lead, cooperate = bool(LEAD_CUE.search(rest)), bool(COOPERATE_CUE.search(rest))
        role = "lead" if lead and not cooperate else "cooperate" if cooperate and not lead else ""
        answer_type = next((name for name, cue in FACT_TYPES if cue.search(rest)), "")
        asks_who = bool(WHO_CUE.search(rest))
        asks_units = bool(re.search(r"哪(?:个|些|家|几个)?(?:单位|部门|机构)|谁", rest))
        if not units and (lead or cooperate or TASK_CUE.search(rest)):
            units, terms = self._unknown_unit(text, terms)
        if units and not asks_units and answer_type != "fullname" and (TASK_CUE.search(rest) or ((lead or cooperate) and not terms)):
            intent = "unit_tasks"
        elif answer_type in ("person", "phone", "email", "docnum", "fullname") or \
                (answer_type and not (lead or cooperate or asks_who)):
            intent = "fact"
        elif lead or cooperate or asks_who or (RESPONSIBLE_CUE.search(rest) and re.search(r"谁|哪", rest)):
            intent = role or "who"
        elif units and not terms:
            intent = "unit_tasks"
        else:
            intent = "content"
        query = Query(text=question, intent=intent, role=role, units=units, terms=terms, expansions=expansions,
                      answer_type=answer_type if intent == "fact" else "")
        return query, rest, answer_type

    @staticmethod
    def _unknown_unit(text: str, terms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A unit the plans do not name ("盟教育局牵头哪些工作"), when the question is only about it."""
        named = [t for t in terms if UNIT_END.search(t) and len(t) >= 3]
        if not named:
            return (), terms
        name = max(named, key=len)
        if any(t not in name for t in terms):
            return (), terms
        at = text.find(name)
        prefix = text[at - 1] if at > 0 and text[at - 1] in "盟市区县旗州省" else ""
        return (prefix + name,), ()

    def _terms(self, text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """Topic terms of the question, and the plans' words for what staff say as (term, word) pairs."""
        terms: list[str] = []
        expansions: list[tuple[str, str]] = []
        for token in self.tokenizer.tokens(text):
            if token in FORM_WORDS or (len(token) == 1 and not token.isdigit()) or token in terms:
                continue
            terms.append(token)
            for word in self.lexicon.expand(token):
                expansions += [(token, piece) for piece in self.tokenizer.tokens(word)
                               if piece not in FORM_WORDS and (token, piece) not in expansions]
        # A staff word terms.yaml explains (对接人 → 联系人) stands for itself: drop its bare parts (对接).
        expanded = {t for t, _ in expansions}
        terms = [t for t in terms if t in expanded or not any(t != e and t in e for e in expanded)]
        return tuple(terms), tuple(expansions)

    def _follow(self, query: Query, rest: str, context: Mapping, answer_type: str) -> Query:
        """Fill what a follow-up leaves unsaid from the previous question."""
        stripped = rest.strip(" ?？。!！,，")
        pronoun = bool(PRONOUNS.match(stripped))
        follow = (stripped.startswith(FOLLOW_UP_OPENINGS) or stripped.endswith("呢") or pronoun
                  or not (query.terms or query.units))
        if not follow:
            return query
        previous = context.get("intent", "")
        units = tuple(context.get("units", ()))
        if not query.units and all(t in self.weak_terms for t in query.terms):
            if units and (previous == "unit_tasks" or pronoun or not context.get("terms")):
                # "那它配合哪些？": the same unit, the role this question names
                return replace(query, intent="unit_tasks", units=units, follow_up=True,
                               role=query.role or ("" if query.intent in ("who", "unit_tasks") else context.get("role", "")))
            # "那配合单位呢？" / "什么时候完成？": the same topic, what this question asks
            intent = query.intent if query.intent != "content" else previous
            return replace(query, terms=tuple(context.get("terms", ())), units=units, follow_up=True,
                           expansions=tuple(tuple(p) for p in context.get("expansions", ())),
                           anchor=tuple(context.get("anchor", ())), intent=intent,
                           answer_type=answer_type if intent == "fact" else context.get("answer_type", ""))
        if query.units and not query.terms and previous == "unit_tasks":
            # "那质监局呢？": the same kind of question about another unit
            return replace(query, intent="unit_tasks", role=query.role or context.get("role", ""), follow_up=True)
        if query.intent == "content" and previous in ("lead", "cooperate", "who", "fact"):
            # "那广告监管呢？": the same role, another topic
            return replace(query, intent=previous, answer_type=context.get("answer_type", ""), follow_up=True)
        return replace(query, follow_up=True)
