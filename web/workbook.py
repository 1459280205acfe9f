"""The responsibility matrix as an Excel workbook: a sheet per plan, then every unit's tasks by role.

Kept apart from web/matrix.py because openpyxl takes 0.2 s to import: the views import this module on the
first download, not at start-up.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .matrix import COOPERATE_MARK, LEAD_MARK, Task, short_names

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY_UNIT_SHEET = "按单位"
BY_UNIT_COLUMNS = ("单位", "角色", "文件", "条款", "任务", "完成时限", "编号")
MATRIX_HEADER_ROW = 3  # row 1: the plan's title; row 2: the legend; row 3: the column heads
THIN = Side(style="thin", color="B8C0CC")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F0F2F5")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def cell_text(value: str) -> str:
    """Text openpyxl can store: without the control characters that XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(sheet: Worksheet, row: int, column: int, value: str, **style) -> None:
    """Write `value` as text (a leading = is never read as a formula) with the given cell styles."""
    cell = sheet.cell(row=row, column=column, value=cell_text(value))
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)


def sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "", title).strip("'") or "方案"
    name, n = base[:31], 1
    while name in taken:
        n += 1
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name)
    return name


def print_setup(sheet: Worksheet, header_rows: str) -> None:
    """A4 landscape, fitted to the page's width, with `header_rows` repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5


def matrix_sheet(sheet: Worksheet, title: str, rows: Sequence[Task], units: Sequence[str]) -> None:
    """One plan's matrix: a row per task, a column per unit with ● (牵头) or ○ (配合)."""
    shorts = short_names(units)
    last = 3 + len(units)
    put(sheet, 1, 1, title, font=Font(bold=True, size=13))
    put(sheet, 2, 1, f"{LEAD_MARK} 牵头　{COOPERATE_MARK} 配合　共 {len(rows)} 项任务", font=Font(color="5F6B7A"))
    heads = ["条款", "任务", "完成时限"] + [shorts[u] for u in units]
    for column, head in enumerate(heads, start=1):
        put(
            sheet,
            MATRIX_HEADER_ROW,
            column,
            head,
            font=Font(bold=True),
            fill=HEAD_FILL,
            border=GRID,
            alignment=CENTRED if column > 3 else WRAP_TOP,
        )
    for offset, task in enumerate(rows, start=MATRIX_HEADER_ROW + 1):
        c = task.clause
        for column, value in enumerate((c.path, task.name, c.deadline), start=1):
            put(sheet, offset, column, value, alignment=WRAP_TOP, border=GRID)
        for column, unit in enumerate(units, start=4):
            mark = LEAD_MARK if unit in c.lead else COOPERATE_MARK if unit in c.cooperate else ""
            put(sheet, offset, column, mark, alignment=CENTRED, border=GRID)
    widths = {1: 11, 2: 38, 3: 12}
    for column in range(1, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 7)
    longest = max((len(shorts[u]) for u in units), default=2)
    sheet.row_dimensions[MATRIX_HEADER_ROW].height = 15 * min(6, max(2, -(-longest // 3)))
    sheet.freeze_panes = sheet.cell(row=MATRIX_HEADER_ROW + 1, column=4)
    if rows:
        bottom = MATRIX_HEADER_ROW + len(rows)
        sheet.auto_filter.ref = f"A{MATRIX_HEADER_ROW}:{get_column_letter(last)}{bottom}"
    print_setup(sheet, f"{MATRIX_HEADER_ROW}:{MATRIX_HEADER_ROW}")


def by_unit_sheet(sheet: Worksheet, rows: Sequence[Task], units: Sequence[str]) -> None:
    """Every unit's tasks, 牵头 first then 配合, a row per task."""
    for column, head in enumerate(BY_UNIT_COLUMNS, start=1):
        put(sheet, 1, column, head, font=Font(bold=True), fill=HEAD_FILL, border=GRID, alignment=WRAP_TOP)
    line = 2
    for unit in units:
        for role, label in (("lead", "牵头"), ("cooperate", "配合")):
            for task in rows:
                c = task.clause
                if unit not in getattr(c, role):
                    continue
                for column, value in enumerate((unit, label, c.doc, c.path, task.name, c.deadline, c.id), 1):
                    put(sheet, line, column, value, alignment=WRAP_TOP, border=GRID)
                line += 1
    for column, width in enumerate((22, 6, 30, 11, 44, 12, 13), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    if line > 2:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(BY_UNIT_COLUMNS))}{line - 1}"
    print_setup(sheet, "1:1")


def xlsx_bytes(rows: Sequence[Task], units: Sequence[str] = ()) -> bytes:
    """The matrix as an Excel workbook: a sheet per plan, then a sheet of every unit's tasks by role.
    `units` orders the columns (and limits them, when given); rows name the plans they come from."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    by_doc: dict[str, list[Task]] = {}
    for row in rows:
        by_doc.setdefault(row.clause.doc, []).append(row)
    if not by_doc:
        by_doc[""] = []
    for title, plan_rows in by_doc.items():
        named = {u for t in plan_rows for u in t.clause.units}
        plan_units = [u for u in units if u in named] if units else list(dict.fromkeys(
            u for t in plan_rows for u in t.clause.units
        ))
        sheet = book.create_sheet(sheet_title(title or "责任分工", taken))
        matrix_sheet(sheet, title or "责任分工（没有符合条件的任务）", plan_rows, plan_units)
    all_units = list(units) or list(dict.fromkeys(u for t in rows for u in t.clause.units))
    by_unit_sheet(book.create_sheet(sheet_title(BY_UNIT_SHEET, taken)), rows, all_units)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
