"""The responsibility matrix: its rows (one per task, parts of one item named apart), short column names,
and its exports, CSV and Excel (the rows come from Assistant.select_tasks)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


# -- Excel ------------------------------------------------------------------------------------------

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
