"""The responsibility matrix: its rows (one per task, parts of one item named apart), short column names,
and its exports, CSV and Excel (the rows come from Assistant.select_tasks)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa import Clause
from qa.reading.units import unit_prefix

CSV_COLUMNS = ("文件", "条款", "标题", "牵头单位", "配合单位", "完成时限", "原文", "编号")
# A cell opening with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_OPENINGS = ("=", "+", "-", "@", "\t", "\r")
PART_NUMERALS = "一二三四五六七八九十"
LEAD_MARK, COOPERATE_MARK = "●", "○"
LEAD_IN_LENGTH = 14  # characters of a part's opening words that name it apart from its siblings
# 盟直…, 市委…, 市级…: the prefix is part of the name there, not the place.
KEEP_PREFIX_BEFORE = ("直", "各", "属", "委", "级", "政府")
DUTY_BLOCK = re.compile(r"\s*[(（](?:责任单位|牵头单位|配合单位)[^)）]*[)）]。?\s*$")


def excel_safe(value: str) -> str:
    """A cell value that spreadsheets show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_OPENINGS) else value


# -- rows and columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One row of the matrix: a task clause, and which part of its numbered item it is (0: the only one)."""

    clause: Clause
    part: int = 0
    lead_in: str = ""  # the part's opening words ("进一步开放企业名称管理"), when the item has several parts

    @property
    def part_name(self) -> str:
        """'之二：进一步开放企业名称管理' for the second part of an item, '' for an item of one part."""
        if not self.part:
            return ""
        numeral = PART_NUMERALS[self.part - 1] if self.part <= len(PART_NUMERALS) else str(self.part)
        return f"之{numeral}：{self.lead_in}" if self.lead_in else f"之{numeral}"

    @property
    def name(self) -> str:
        """The title and the part: '改革市场准入制度（之二：进一步开放企业名称管理）'."""
        return f"{self.clause.title}（{self.part_name}）" if self.part else self.clause.title

    @property
    def label(self) -> str:
        """The row's name with its path: '二、(一)1 改革市场准入制度（之二：进一步开放企业名称管理）'."""
        return " ".join(x for x in (self.clause.path, self.name) if x)


def lead_in(clause: Clause) -> str:
    """The opening words of a clause's own text, up to the first stop (at most LEAD_IN_LENGTH characters)."""
    body = DUTY_BLOCK.sub("", clause.body).strip()
    first = re.split(r"[,，;；。:：!！?？\n]", body, maxsplit=1)[0].strip()
    return first if len(first) <= LEAD_IN_LENGTH else first[: LEAD_IN_LENGTH - 1] + "…"


def tasks(clauses: Iterable[Clause]) -> list[Task]:
    """The matrix's rows in document order. Several task clauses under one numbered item share its path and
    title (二、(一)1 改革市场准入制度 has two paragraphs, each with its own units): they are that item's parts,
    numbered and named by their opening words, so that no two rows read the same."""
    clauses = list(dict.fromkeys(clauses))  # a clause is one task, however often it is listed
    siblings: dict[tuple[str, str, str], list[Clause]] = {}
    for clause in clauses:
        siblings.setdefault((clause.source, clause.path, clause.title), []).append(clause)
    rows = []
    for clause in clauses:
        group = siblings[(clause.source, clause.path, clause.title)]
        if len(group) == 1:
            rows.append(Task(clause))
        else:
            rows.append(Task(clause, group.index(clause) + 1, lead_in(clause)))
    return rows


def task_groups(rows: Iterable[Task]) -> list[list[Task]]:
    """Consecutive rows of one numbered item together: the matrix names the item once above its parts."""
    groups: list[list[Task]] = []
    for row in rows:
        last = groups[-1][-1].clause if groups else None
        same = last is not None and (last.source, last.path, last.title) == (
            row.clause.source,
            row.clause.path,
            row.clause.title,
        )
        if same and row.part:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def short_name(unit: str) -> str:
    """A unit's name for a narrow column head: without the place prefix or a trailing 成员单位
    (盟“双打”工作领导小组成员单位 → “双打”工作领导小组); quote marks are kept."""
    name = unit
    prefix = unit_prefix(name)
    if prefix and not name[1:].startswith(KEEP_PREFIX_BEFORE):
        name = name[len(prefix) :]
    if name.endswith("成员单位") and len(name) > 6:
        name = name[: -len("成员单位")]
    return name if len(name) >= 2 else unit


def short_names(units: Sequence[str]) -> dict[str, str]:
    """Each unit's short name; a unit whose short name another shares keeps its full name."""
    shorts = {u: short_name(u) for u in units}
    taken: dict[str, int] = {}
    for short in shorts.values():
        taken[short] = taken.get(short, 0) + 1
    return {u: s if taken[s] == 1 and (s == u or s not in shorts) else u for u, s in shorts.items()}


# -- CSV --------------------------------------------------------------------------------------------


def csv_text(clauses: Iterable[Clause]) -> str:
    """The responsibility table as CSV that Excel opens correctly: a UTF-8 BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in clauses:
        writer.writerow(
            [
                excel_safe(value)
                for value in (
                    c.doc,
                    c.path,
                    c.title,
                    "、".join(c.lead),
                    "、".join(c.cooperate),
                    c.deadline,
                    c.text,
                    c.id,
                )
            ]
        )
    return "\ufeff" + buffer.getvalue()
