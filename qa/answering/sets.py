"""Questions over the duty table as a whole, answered exactly: the tasks units share (都参与), either leads (或),
one leads and another has no part in (但不参与); whether a unit has a role in a task (是不是); which of some
units has more tasks (谁牵头的多). Reading them (`read_members`, `set_operation`) and answering them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..index.retrieve import Retriever
from ..reading.units import is_group
from ..records import Answer, Clause, Intent, Question, replace
from ..vocabulary import ONLY_CUE, ROLE_QUESTION_WORDS, alternation
from . import compose

Member = tuple[tuple[str, ...], str, bool]  # the units one name stands for, the role asked, asked to lack it

# Role words of a question beyond the plans' lead and cooperate cues: any part in a task.
ANY_ROLE = re.compile(r"参与|参加|涉及|负责|承担|有份|分工|相关|管|沾边")
# "不参与", "没有参与", "未牵头": a unit asked to have no part (or not that part) in the tasks.
NEGATED = re.compile(
    r"(?:不|没有?|未|并未|并没有?|无)(?:有|再|曾)?(?:参与|参加|涉及|负责|承担|牵头|配合|协助|协办|分工|份|管|沾边)"
)
# "除了A", "不包括A": before a unit's name, leaves out its tasks.
EXCEPT = re.compile(r"(?:除了?|除去|排除|不包括|不含|去掉)$")
# "A和B都参与", "共同牵头": the tasks every unit named has (but "都有哪些": all of them).
BOTH = re.compile(
    r"都(?!有|是|包括|包含|在|干|做|要)|都有份|共同|一起|一块儿?(?=牵头|配合|参与|负责)|同时|均|一同|联合|两家都|二者|两者"
    r"|双方|既"
)
# "A或B牵头的": the tasks any of them has.
EITHER = re.compile(r"或|任一|任何一|之一|其中一")
# "A和B谁牵头的多", "A比B多", "哪个单位的任务最多": which has more.
MORE = re.compile(
    r"(?:谁|哪个|哪家|哪一个|哪方|哪个单位|哪个部门)[^，,。？?]{0,8}(?:多|少)|(?:多|少)还是|比[^，,。？?]{1,14}(?:多|少)"
    r"|更多|更少|多几|少几|最多|最少"
)
MOST = re.compile(r"最多|最少|排(?:第一|前)|排名")
# "是不是X牵头", "X参与了吗", "是X负责的吧": asks whether, and is answered 是 or 不是 first.
YES_NO = re.compile(r"是不是|是否|对不对|对吗|有没有|没错吧|[吗吧嘛][?？!！。\s]*$|[是有][^，,。？?]{1,24}不[?？\s]*$")
# "X在Y中是什么角色", "X在Y里是牵头还是配合": which role a unit has in a task, answered with it (no 是 or 不是); its
# verb (起, 扮演) goes with it, so that taking it out of a question glues nothing (中起); not 身份证明.
ROLE_OF = re.compile(
    rf"(?:起到?|发挥|扮演|担任|是)?(?:什么|啥|哪种|何种|哪个)(?:{alternation(ROLE_QUESTION_WORDS)})(?!证|认证|信息)"
    r"|牵头还是配合|配合还是牵头|是牵头的还是配合的"
)
ROLE_WORDS = {"lead": "牵头", "cooperate": "配合", "any": "参与"}
# What asks of a unit's part in the tasks beyond the lead/cooperate/task cues: names there are read as units.
ROLE_ASKED = re.compile(rf"{ANY_ROLE.pattern}|{MORE.pattern}|{YES_NO.pattern}|{ROLE_OF.pattern}")


def segment_role(
    segment: str, lead_cue: re.Pattern, cooperate_cue: re.Pattern
) -> tuple[str, bool] | None:
    """The role the words after a unit's name ask of it, and whether they deny it ("牵头但" → lead;
    "不参与的" → any, denied); None when they name no role ("和")."""
    lead, cooperate = bool(lead_cue.search(segment)), bool(cooperate_cue.search(segment))
    if lead and not cooperate:
        role = "lead"
    elif cooperate and not lead:
        role = "cooperate"
    elif lead or ANY_ROLE.search(segment):
        role = "any"
    else:
        return None
    return role, bool(NEGATED.search(segment))


def read_members(
    text: str,
    found: Sequence[tuple[int, int, tuple[str, ...]]],
    lead_cue: re.Pattern,
    cooperate_cue: re.Pattern,
    role: str,
) -> tuple[Member, ...]:
    """Each unit named, with the role the words after it ask ("A牵头、B配合": A lead, B cooperate); a unit with
    no role word of its own takes the next one's ("A和B都参与"), the last the question's (`role`, or any)."""
    read: list[tuple[str, bool] | None] = []
    for n, (_, end, _) in enumerate(found):
        stop = found[n + 1][0] if n + 1 < len(found) else len(text)
        read.append(segment_role(text[end:stop], lead_cue, cooperate_cue))
    members: list[Member] = []
    following: tuple[str, bool] = (role or "any", False)
    for (start, _, names), said in zip(reversed(found), reversed(read)):
        if EXCEPT.search(text[max(0, start - 3) : start]):  # "除了质监局，工商局牵头的还有哪些"
            members.insert(0, (names, "any", True))
            continue
        if said is not None:
            following = said
        members.insert(0, (names, *following))
    # "A负责、B配合": beside a unit asked to cooperate, one asked to be responsible leads.
    if any(r == "cooperate" for _, r, _ in members):
        members = [(n, "lead" if r == "any" and not no else r, no) for n, r, no in members]
    return tuple(members)


def set_operation(
    text: str, found: Sequence[tuple[int, int, tuple[str, ...]]], members: Sequence[Member]
) -> str:
    """How a question combines the units it names: minus (one denied), or (any of them), and (all of them, or
    each with its own role), or '' when it only lists them ("A和B牵头的任务": each one's tasks)."""
    if len(members) < 2:
        return ""
    if any(no for _, _, no in members):
        return "minus" if any(not no for _, _, no in members) else ""
    gaps = "".join(text[found[n][1] : found[n + 1][0]] for n in range(len(found) - 1))
    tail = text[found[-1][1] :]
    if EITHER.search(gaps):
        return "or"
    if BOTH.search(gaps + tail) or len({r for _, r, _ in members}) > 1:
        return "and"
    return ""


class TaskTable:
    """Each unit's tasks by role, as positions in document order: a set of them costs their lists, no scan."""

    def __init__(self, clauses: Sequence[Clause], plan_of: Callable[[Clause], str] | None = None):
        """`plan_of`: the plan a clause belongs to, for questions asked of chosen plans."""
        self.tasks = [c for c in clauses if c.kind != "heading" and (c.lead or c.cooperate)]
        self.plans = [plan_of(c) for c in self.tasks] if plan_of is not None else []
        self.by_role: dict[tuple[str, str], list[int]] = {}
        for n, clause in enumerate(self.tasks):
            for role, units in (("lead", clause.lead), ("cooperate", clause.cooperate)):
                for unit in dict.fromkeys(units):
                    self.by_role.setdefault((unit, role), []).append(n)
                    if role == "lead" or unit not in clause.lead:
                        self.by_role.setdefault((unit, "any"), []).append(n)

    def has(self, unit: str) -> bool:
        """Whether the unit has any task."""
        return (unit, "any") in self.by_role

    def absent(self, members: Sequence[Member]) -> tuple[str, ...]:
        """The names of members none of whose units has a task."""
        return tuple(n for names, _, _ in members if not any(map(self.has, names)) for n in names)

    def of(self, units: Sequence[str], role: str) -> set[int]:
        """The tasks where any of `units` has `role` (lead | cooperate | any)."""
        return {n for unit in units for n in self.by_role.get((unit, role), ())}

    def within(self, found: set[int], plans: Sequence[str]) -> set[int]:
        """The tasks of `found` in these plans (all of them when none are chosen)."""
        if not plans or not self.plans:
            return found
        return {n for n in found if self.plans[n] in plans}

    def clauses(self, found: set[int]) -> list[Clause]:
        """Tasks by position, in document order."""
        return [self.tasks[n] for n in sorted(found)]

    def units(self) -> list[str]:
        """Every unit with a task, in first-seen order."""
        return list(dict.fromkeys(unit for unit, _ in self.by_role))


def combine(table: TaskTable, members: Sequence[Member], operation: str) -> set[int]:
    """The tasks a set question asks for: every member's (and), any member's (or), the asked ones' less the
    denied ones' (minus)."""
    wanted = [table.of(names, role) for names, role, no in members if not no]
    if operation == "or":
        return set().union(*wanted)
    found = set.intersection(*wanted) if wanted else set()
    if operation == "minus":
        for names, role, no in members:
            if no:
                found -= table.of(names, role)
    return found


def describe(members: Sequence[Member], operation: str) -> str:
    """The set a question asks for, in words: 盟工商局、盟质监局都参与的 / 盟工商局牵头、盟质监局未参与的."""
    asked = [(names, role) for names, role, no in members if not no]
    denied = [(names, role) for names, role, no in members if no]

    def name(names: Sequence[str]) -> str:
        """A unit as named; a name standing for several (市场监管局) as any of them."""
        return names[0] if len(names) == 1 else f"（{'或'.join(names)}）"

    if operation == "or":
        roles = {role for _, role in asked}
        if len(roles) == 1:
            return "或".join(name(n) for n, _ in asked) + ROLE_WORDS[roles.pop()]
        return "或".join(name(n) + ROLE_WORDS[r] for n, r in asked)
    roles = {role for _, role in asked}
    if len(asked) > 1 and len(roles) == 1:
        text = "、".join(name(n) for n, _ in asked) + "都" + ROLE_WORDS[roles.pop()]
    else:
        text = "、".join(name(n) + ROLE_WORDS[r] for n, r in asked)
    for names, role in denied:
        text += f"、{name(names)}未{ROLE_WORDS[role]}"
    return text


class SetAnswerer:
    """Answers set questions (and, or, minus) and comparisons exactly, over every task of the plans."""

    def __init__(self, table: TaskTable, unknown: Callable[[Question], Answer]):
        self.table = table
        self.unknown = unknown

    def __call__(self, query: Question) -> Answer:
        """The set's tasks, its size, each task cited; or which unit has more."""
        absent = self.table.absent(query.members)
        if absent:
            return self.unknown(replace(query, unknown_units=absent))
        if query.intent == Intent.COMPARE:
            return self._compare(query)
        # a question asked of chosen plans (named, or a follow-up's) counts their tasks only
        chosen = self.table.clauses(self.table.within(combine(self.table, query.members, query.operation),
                                                      query.plans))
        subject = tuple(dict.fromkeys(n for names, _, no in query.members if not no for n in names))
        roles = {role for _, role, no in query.members if not no}
        return Answer(
            compose.set_reply(describe(query.members, query.operation), query.members, chosen),
            found=True,
            intent=Intent.SET,
            citations=tuple(chosen),
            highlight=tuple(query.terms),
            subject_units=subject,
            subject_role=roles.pop() if len(roles) == 1 else "any",
        )

    def _compare(self, query: Question) -> Answer:
        """Which unit has more tasks in the asked role; over every unit when none is named (最多)."""
        role = query.role or "any"
        if query.members:
            named = [(names, r) for names, r, _ in query.members]
        else:  # every unit of the plans with a task in that role (not groups such as 各成员单位)
            named = [
                ((u,), role) for u in self.table.units() if not is_group(u) and self.table.of((u,), role)
            ]
        counted = [(names, r, self.table.within(self.table.of(names, r), query.plans)) for names, r in named]
        fewest = query.operation == "fewer"
        ranked = sorted(counted, key=lambda item: len(item[2]) if fewest else -len(item[2]))
        if not ranked:
            return Answer("方案中没有给单位分配这类任务。", found=False, intent=Intent.COMPARE)
        top = [found for _, _, found in ranked if len(found) == len(ranked[0][2])]
        cited = set().union(*(found for _, _, found in ranked)) if query.members else set().union(*top)
        chosen = self.table.clauses(cited)
        return Answer(
            compose.compare_reply(
                [("、".join(n), r, len(f)) for n, r, f in ranked], fewest, bool(query.members)
            ),
            found=True,
            intent=Intent.COMPARE,
            citations=tuple(chosen),
            highlight=tuple(query.terms),
            subject_units=tuple(n for names, _, _ in ranked for n in names)[:20],
            subject_role=role,
        )


class YesNoAnswerer:
    """Whether units have a role in a task: 是 or 不是 first, then the task's units by role and its clause."""

    def __init__(
        self,
        retriever: Retriever,
        refuse: Callable[[Question], Answer],
        unknown: Callable[[Question], Answer],
        table: TaskTable,
    ):
        self.retriever = retriever
        self.refuse = refuse
        self.unknown = unknown
        self.table = table

    def __call__(self, query: Question) -> Answer:
        """是 when every unit asked has (or, asked to lack it, lacks) its role in the task asked about."""
        absent = self.table.absent(query.members)
        if absent:
            return self.unknown(replace(query, unknown_units=absent))
        hits = self.retriever.find(replace(query, intent=Intent.WHO))
        if not hits:
            return self.refuse(replace(query, intent=Intent.WHO))
        clause = hits[0].clause
        role = query.role or next((r for _, r, no in query.members if not no), "any")
        units = {"lead": clause.lead, "cooperate": clause.cooperate}.get(role, clause.lead + clause.cooperate)
        only = bool(ONLY_CUE.search(query.text))  # "是不是光工商局一家负责": no other unit with the role
        text = compose.yes_no_reply(clause, query.members, asked_role=query.operation == "role", only=only)
        return Answer(
            text,
            found=True,
            intent=Intent.YES_NO,
            units=tuple(units),
            citations=(clause,),
            unit_roles=tuple((u, "lead") for u in clause.lead)
            + tuple((u, "cooperate") for u in clause.cooperate),
            highlight=tuple(query.terms),
        )
