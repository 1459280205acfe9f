"""Question understanding: what is asked (role, unit, topic, fact type), and follow-ups."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .lexicon import Lexicon
from .tokenize import Tokenizer, normalize
from .units import clean_unit

INTENTS = ("lead", "cooperate", "who", "unit_tasks", "fact", "content")

LEAD_CUE = re.compile(r"牵头|主导|主抓|带头|领头|主责|挂帅|抓总")
COOPERATE_CUE = re.compile(r"配合|协助|协办|辅助|帮忙|打下手")
WHO_CUE = re.compile(r"谁|哪(?:个|些|家|几个|一个|几家)?(?:单位|部门|机构|局|委|办|家)|什么(?:单位|部门|机构)"
                     r"|(?:责任|负责|牵头|配合|主管|承办)(?:单位|部门)|归.{0,4}管|由哪|找哪")
RESPONSIBLE_CUE = re.compile(r"负责|责任|主管|管")
TASK_CUE = re.compile(r"(?:哪些|什么|啥|几项|哪几项|多少)(?:工作|任务|事项|事情|事|职责|活)|(?:工作|任务|事项|职责)(?:有|是)"
                      r"|负责(?:什么|哪些|啥)|牵头(?:什么|哪些|啥)|配合(?:什么|哪些|啥)|涉及|参与|干(?:什么|啥)"
                      r"|做(?:什么|啥)|管(?:什么|哪些|啥)|分工|任务|职责|的工作")
ANY_ROLE_CUE = re.compile(r"负责|涉及|参与|有什么任务|职责|管")
FACT_TYPES = [
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
呢 那 那么 还有 另外 再 又 说 讲 问 方案 实施方案 本方案 这个 文件 里 中 的 要 需要 有 没有 吗
""".split())
FOLLOW_UP_OPENINGS = ("那", "那么", "还有", "另外", "再问", "以及", "那个", "换成", "如果是")


@dataclass(frozen=True)
class Query:
    """What a question asks, as understood."""

    text: str
    intent: str
    role: str = ""  # lead | cooperate | any (for unit_tasks)
    units: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    answer_type: str = ""  # person | phone | date | number | list
    follow_up: bool = False
    anchor: tuple[str, ...] = ()  # clause ids the previous answer rested on (for topic follow-ups)

    def to_context(self) -> dict:
        """What a conversation keeps of this question for the next one."""
        return {"intent": self.intent, "role": self.role, "units": list(self.units), "terms": list(self.terms),
                "answer_type": self.answer_type, "anchor": list(self.anchor)}


class QuestionAnalyzer:
    """Reads a question into a Query: the role asked, the units named, the topic terms."""

    def __init__(self, tokenizer: Tokenizer, unit_surfaces: Mapping[str, Iterable[str]], lexicon: Lexicon,
                 max_length: int = 500):
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
        ordered = sorted(self.surfaces, key=len, reverse=True)
        self._unit_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find_units(self, text: str) -> tuple[tuple[str, ...], str]:
        """Units named in the text (canonical, in order) and the text with their names removed."""
        if self._unit_pattern is None:
            return (), text
        names: list[str] = []
        for match in self._unit_pattern.finditer(text):
            for name in self.surfaces[match.group(0)]:
                if name not in names:
                    names.append(name)
        return tuple(names), self._unit_pattern.sub(" ", text)

    def analyze(self, question: str, context: Mapping | None = None) -> Query:
        """Understand one question, completing a follow-up from the conversation's context."""
        text = normalize(question)[: self.max_length]
        units, rest = self.find_units(text)
        terms = self._terms(rest)
        lead, cooperate = bool(LEAD_CUE.search(rest)), bool(COOPERATE_CUE.search(rest))
        answer_type = next((name for name, cue in FACT_TYPES if cue.search(rest)), "")
        asks_who = bool(WHO_CUE.search(rest))
        role = "lead" if lead and not cooperate else "cooperate" if cooperate and not lead else ""
        if units and TASK_CUE.search(rest) and not re.search(r"哪(?:个|些|家)?(?:单位|部门|机构)|谁", rest):
            intent, role = "unit_tasks", role or "any"
        elif answer_type in ("person", "phone") or (answer_type and not (lead or cooperate or asks_who)):
            intent = "fact"
        elif lead or cooperate or asks_who or (RESPONSIBLE_CUE.search(rest) and re.search(r"谁|哪", rest)):
            intent = role or "who"
        elif units and not terms:
            intent, role = "unit_tasks", "any"
        else:
            intent = "content"
        query = Query(text=question, intent=intent, role=role if intent == "unit_tasks" else "",
                      units=units, terms=terms, answer_type=answer_type if intent == "fact" else "")
        if context:
            query = self._follow(query, rest, context)
        return query

    def _terms(self, text: str) -> tuple[str, ...]:
        """Topic terms of the question, with the plans' words for what staff say."""
        terms: list[str] = []
        for token in self.tokenizer.tokens(text):
            if token in FORM_WORDS or (len(token) == 1 and not token.isdigit()):
                continue
            for word in (token, *self.lexicon.expand(token)):
                for piece in ([word] if word == token else self.tokenizer.tokens(word)):
                    if piece not in terms and piece not in FORM_WORDS:
                        terms.append(piece)
        return tuple(terms)

    def _follow(self, query: Query, rest: str, context: Mapping) -> Query:
        """Fill what a follow-up leaves unsaid from the previous question."""
        stripped = rest.strip(" ?？。!！,，")
        follow = stripped.startswith(FOLLOW_UP_OPENINGS) or stripped.endswith("呢") or not (query.terms or query.units)
        if not follow:
            return query
        previous_intent = context.get("intent", "")
        has_own_role = query.intent in ("lead", "cooperate", "who", "unit_tasks", "fact")
        if not query.terms and not query.units:
            # "那配合单位呢？": same topic, the role this question names
            return replace(query, terms=tuple(context.get("terms", ())), units=tuple(context.get("units", ())),
                           anchor=tuple(context.get("anchor", ())), follow_up=True,
                           intent=query.intent if has_own_role and query.intent != "unit_tasks" else previous_intent,
                           role=query.role or context.get("role", ""),
                           answer_type=query.answer_type or context.get("answer_type", ""))
        if query.units and not query.terms and previous_intent == "unit_tasks":
            # "那质监局呢？": the same kind of question about another unit
            return replace(query, intent="unit_tasks", role=query.role if query.intent == "unit_tasks" else
                           context.get("role", "any"), follow_up=True)
        if query.intent == "content" and previous_intent in ("lead", "cooperate", "who", "fact"):
            # "那广告监管呢？": the same role, another topic
            return replace(query, intent=previous_intent, answer_type=context.get("answer_type", ""),
                           follow_up=True)
        return replace(query, follow_up=True)
