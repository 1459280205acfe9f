"""The responsibility matrix as an Excel workbook: a sheet per plan, then every unit's tasks by role.

Written with openpyxl's write-only mode: each row goes to a temporary file as it is made and each sheet is
closed when done, so that the workbook of a corpus of thousands of tasks and units costs a few MB however
large it is, and takes seconds. The empty cells of the matrix are not written at all (Excel draws the grid
on screen and, with print_options.gridLines, on paper).

Kept apart from web/matrix.py because openpyxl takes 0.2 s to import: the views import this module on the
first download, not at start-up.
"""

from __future__ import annotations

import copy
import re
import tempfile
from collections.abc import Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
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
TITLE_FONT = Font(bold=True, size=13)
LEGEND_FONT = Font(color="5F6B7A")
BOLD = Font(bold=True)
SPOOL_BYTES = 8 * 1024 * 1024  # a workbook this small is kept in memory; a larger one goes to disk


def cell_text(value: str) -> str:
    """Text openpyxl can store: without the control characters that XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class Styles:
    """One cell of each style a sheet uses, whose style is copied to every cell of that style (setting the
    font, fill, border and alignment of each cell anew costs four lookups in the workbook's style lists)."""

    def __init__(self, sheet: WriteOnlyWorksheet):
        self.sheet = sheet
        self.made: dict[tuple, WriteOnlyCell] = {}

    def cell(self, value: str, **style) -> WriteOnlyCell:
        """A text cell (a leading = is never read as a formula) with the given styles."""
        key = tuple(sorted((name, id(setting)) for name, setting in style.items()))
        model = self.made.get(key)
        if model is None:
            model = self.made[key] = WriteOnlyCell(self.sheet)
            for name, setting in style.items():
                setattr(model, name, setting)
        cell = WriteOnlyCell(self.sheet, value=cell_text(value))
        cell.data_type = "s"
        cell._style = copy.copy(model._style)
        return cell

    def plain(self, value: str) -> str | WriteOnlyCell:
        """Text for a cell of no style; one that would read as a formula is a text cell all the same."""
        value = cell_text(value)
        return self.cell(value) if value.startswith("=") else value


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


def print_setup(sheet: WriteOnlyWorksheet, header_rows: str) -> None:
    """A4 landscape, fitted to the page's width, with `header_rows` repeated on every page and the grid
    (set before the first row: the sheet's properties are written ahead of its rows)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.print_options.gridLines = True  # empty cells are not written: the printed grid stands for them
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5


def matrix_sheet(sheet: WriteOnlyWorksheet, title: str, rows: Sequence[Task], units: Sequence[str]) -> None:
    """One plan's matrix: a row per task, a column per unit with ● (牵头) or ○ (配合)."""
    shorts = short_names(units)
    last = 3 + len(units)
    widths = {1: 11, 2: 38, 3: 12}
    for column in range(1, last + 1):  # what precedes the rows in the file: set before the first row
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 7)
    longest = max((len(shorts[u]) for u in units), default=2)
    sheet.row_dimensions[MATRIX_HEADER_ROW].height = 15 * min(6, max(2, -(-longest // 3)))
    sheet.freeze_panes = f"D{MATRIX_HEADER_ROW + 1}"
    print_setup(sheet, f"{MATRIX_HEADER_ROW}:{MATRIX_HEADER_ROW}")
    styles = Styles(sheet)
    sheet.append([styles.cell(title, font=TITLE_FONT)])
    sheet.append([styles.cell(f"{LEAD_MARK} 牵头　{COOPERATE_MARK} 配合　共 {len(rows)} 项任务", font=LEGEND_FONT)])
    heads = ["条款", "任务", "完成时限"] + [shorts[u] for u in units]
    sheet.append([
        styles.cell(head, font=BOLD, fill=HEAD_FILL, border=GRID, alignment=CENTRED if n > 3 else WRAP_TOP)
        for n, head in enumerate(heads, start=1)
    ])
    column_of = {u: n for n, u in enumerate(units, start=3)}  # 0-based, after the three task columns
    for task in rows:
        c = task.clause
        line: list = [styles.cell(value, alignment=WRAP_TOP, border=GRID) for value in (c.path, task.name, c.deadline)]
        line += [None] * len(units)
        for unit in c.units:
            at = column_of.get(unit)
            if at is not None and line[at] is None:
                mark = LEAD_MARK if unit in c.lead else COOPERATE_MARK
                line[at] = styles.cell(mark, alignment=CENTRED, border=GRID)
        while line and line[-1] is None:
            line.pop()
        sheet.append(line)
    if rows:
        bottom = MATRIX_HEADER_ROW + len(rows)
        sheet.auto_filter.ref = f"A{MATRIX_HEADER_ROW}:{get_column_letter(last)}{bottom}"
    sheet.close()  # its rows go to the workbook's file now; its temporary file is closed


def by_unit_sheet(sheet: WriteOnlyWorksheet, rows: Sequence[Task], units: Sequence[str]) -> None:
    """Every unit's tasks, 牵头 first then 配合, a row per task."""
    for column, width in enumerate((22, 6, 30, 11, 44, 12, 13), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    print_setup(sheet, "1:1")
    styles = Styles(sheet)
    sheet.append([styles.cell(head, font=BOLD, fill=HEAD_FILL, border=GRID, alignment=WRAP_TOP)
                  for head in BY_UNIT_COLUMNS])
    duties: dict[str, dict[str, list[Task]]] = {u: {"lead": [], "cooperate": []} for u in units}
    for task in rows:  # one pass over the rows, not one per unit
        for role in ("lead", "cooperate"):
            for unit in dict.fromkeys(getattr(task.clause, role)):
                if unit in duties:
                    duties[unit][role].append(task)
    line = 2
    for unit in units:
        for role, label in (("lead", "牵头"), ("cooperate", "配合")):
            for task in duties[unit][role]:
                c = task.clause
                # the task's name wraps; the rest are plain cells (a styled cell costs half as much again)
                sheet.append([styles.plain(unit), label, styles.plain(c.doc), styles.plain(c.path),
                              styles.cell(task.name, alignment=WRAP_TOP), styles.plain(c.deadline), c.id])
                line += 1
    if line > 2:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(BY_UNIT_COLUMNS))}{line - 1}"
    sheet.close()


def write_xlsx(out: IO[bytes], rows: Sequence[Task], units: Sequence[str] = ()) -> None:
    """The matrix as an Excel workbook, written to `out`: a sheet per plan, then a sheet of every unit's
    tasks by role. `units` orders the columns (and limits them, when given); rows name their plans."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    by_doc: dict[str, list[Task]] = {}
    for row in rows:
        by_doc.setdefault(row.clause.doc, []).append(row)
    if not by_doc:
        by_doc[""] = []
    order = {u: n for n, u in enumerate(units)}
    for title, plan_rows in by_doc.items():
        named = {u for t in plan_rows for u in t.clause.units}
        plan_units = sorted((u for u in named if u in order), key=order.__getitem__) if units else list(
            dict.fromkeys(u for t in plan_rows for u in t.clause.units))
        sheet = book.create_sheet(sheet_title(title or "责任分工", taken))
        matrix_sheet(sheet, title or "责任分工（没有符合条件的任务）", plan_rows, plan_units)
    all_units = list(units) or list(dict.fromkeys(u for t in rows for u in t.clause.units))
    by_unit_sheet(book.create_sheet(sheet_title(BY_UNIT_SHEET, taken)), rows, all_units)
    book.save(out)


def xlsx_file(rows: Sequence[Task], units: Sequence[str] = ()) -> IO[bytes]:
    """The workbook in a temporary file (in memory while small), at its start: to be sent as it is read."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write_xlsx(out, rows, units)
    out.seek(0)
    return out
