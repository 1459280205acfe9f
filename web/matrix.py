"""The responsibility matrix as CSV that Excel opens correctly (the rows come from Assistant.select_tasks)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from qa import Clause

CSV_COLUMNS = ("文件", "条款", "标题", "牵头单位", "配合单位", "完成时限", "原文", "编号")
# A cell opening with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_OPENINGS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: str) -> str:
    """A cell value that spreadsheets show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_OPENINGS) else value


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
