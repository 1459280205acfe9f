"""Who does what: task clauses, each unit's tasks by role, the filter the matrix uses, and its CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from qa import Assistant, Clause

CSV_COLUMNS = ("文件", "条款", "标题", "牵头单位", "配合单位", "完成时限", "原文", "编号")
# A cell opening with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_OPENINGS = ("=", "+", "-", "@", "\t", "\r")


def task_clauses(qa: Assistant) -> list[Clause]:
    """Clauses that give some unit a role, in document order."""
    return [c for c in qa.clauses if c.lead or c.cooperate]


def unit_tasks(qa: Assistant, unit: str) -> dict[str, list[Clause]]:
    """The clauses a unit leads and the ones it cooperates in."""
    return {"lead": [c for c in qa.clauses if unit in c.lead],
            "cooperate": [c for c in qa.clauses if unit in c.cooperate]}


def search_text(clause: Clause) -> str:
    """What the matrix filter matches, lower-cased; web/static/js/units.js matches the same string."""
    return " ".join([clause.doc, clause.path, clause.title, clause.text, *clause.lead, *clause.cooperate,
                     clause.deadline]).lower()


def select_tasks(qa: Assistant, unit: str = "", text: str = "") -> list[Clause]:
    """Task clauses where `unit` has a role and whose search text holds `text` (either may be empty)."""
    text = text.strip().lower()
    return [c for c in task_clauses(qa) if (not unit or unit in c.units) and (not text or text in search_text(c))]


def excel_safe(value: str) -> str:
    """A cell value that spreadsheets show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_OPENINGS) else value


def csv_text(clauses: Iterable[Clause]) -> str:
    """The responsibility table as CSV that Excel opens correctly: a UTF-8 BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in clauses:
        writer.writerow([excel_safe(value) for value in (
            c.doc, c.path, c.title, "、".join(c.lead), "、".join(c.cooperate), c.deadline, c.text, c.id)])
    return "\ufeff" + buffer.getvalue()
