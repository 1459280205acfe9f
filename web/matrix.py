"""The responsibility matrix: its rows (one per task, parts of one item named apart), short column names,
its pages, and its exports, CSV and Excel (the rows come from Assistant.select_tasks).

A page of the matrix costs rows × columns: a corpus of many plans and units would make a page of hundreds
of MB. So the page is cut to a size (PAGE_BYTES, estimated as it is cut) and the rest is on the pages after
it; a plan can be chosen alone. When all that is chosen fits on one page, that page holds it whole, and the
filter works as you type in the browser (web/static/js/units.js); otherwise the server filters and pages.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import escape

from qa import Clause
from qa.assistant import search_text
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
    opening, _, rest = body.partition("\n")
    if rest and clause.title and clause.title in opening:  # the item's title opening its first part: not its words
        body = rest.strip()
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


# -- pages ------------------------------------------------------------------------------------------
PAGE_BYTES = 900_000  # a page's size as estimated (the estimate runs a little high): what is sent stays
# under 1 MB. What each part of a page comes to in HTML, in bytes, besides its text (counted as sent:
# escaped, in UTF-8); measured on the pages of web/templates/units.html and rounded up.
ROW_TAGS = 360  # a task row
MARK_TAGS = 200  # a marked cell, which names its unit three times
EMPTY_CELL_BYTES = 10  # <td></td> and its line end
HEAD_TAGS = 200  # a column head: the unit's link (its name %-encoded), its title, its short name
ENTRY_TAGS = 140  # a task in the list by unit
BLOCK_TAGS = 420  # a unit's block in the list by unit
OPTION_TAGS = 60  # a unit in the filter's list of units


def html_bytes(text: str) -> int:
    """What `text` comes to in a page: escaped, in UTF-8."""
    return len(escape(text).encode())


@dataclass(frozen=True)
class Plan:
    """One plan of the matrix: a document's task rows (a compilation's file holds several documents)."""

    key: str  # the id of its first task: ?plan= names the plan by it
    title: str
    source: str
    rows: tuple[Task, ...]


@dataclass
class Block:
    """One unit's tasks on a page of the list by unit (it may go on from the page before)."""

    unit: str
    lead: list[Task] = field(default_factory=list)
    cooperate: list[Task] = field(default_factory=list)
    counts: tuple[int, int] = (0, 0)  # its tasks as the filter selects them, on every page
    continued: bool = False


@dataclass
class Page:
    """One page of the matrix, for one view: its rows by plan and its columns, or its blocks by unit."""

    number: int
    count: int  # pages in all
    total: int  # tasks the filter selects, on every page
    whole: bool  # the page holds every task of the plans chosen, unfiltered: the browser filters it
    plans: list[tuple[str, list[list[Task]]]] = field(default_factory=list)  # (title, the item groups)
    columns: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    first: int = 0  # the number of the page's first row (1-based) among those selected, and its last
    last: int = 0


class Matrix:
    """The matrix of one assistant's plans, made once: its rows, plans, and what each row costs on a page."""

    def __init__(self, clauses: Sequence[Clause], units: Sequence[str],
                 tasks_of: Callable[[str], dict[str, Sequence[Clause]]]):
        self.rows = tasks(clauses)
        self.by_id = {t.clause.id: t for t in self.rows}
        self.units = list(units)
        self.order = {u: n for n, u in enumerate(self.units)}
        self.shorts = short_names(self.units)
        self.tasks_of = tasks_of
        self.plans: list[Plan] = []
        documents: dict[tuple[str, str], list[Task]] = {}
        for row in self.rows:
            documents.setdefault((row.clause.source, row.clause.doc), []).append(row)
        for (source, title), rows in documents.items():
            self.plans.append(Plan(rows[0].clause.id, title, source, tuple(rows)))
        self.plan_by_key = {p.key: p for p in self.plans}
        self.plan_of = {row.clause.id: plan for plan in self.plans for row in plan.rows}
        self.text = {row.clause.id: search_text(row.clause) for row in self.rows}
        self.search_bytes = {i: html_bytes(text) for i, text in self.text.items()}
        self.unit_bytes = {u: html_bytes(u) for u in self.units}
        self.cost = {row.clause.id: self._row_bytes(row) for row in self.rows}
        self._cut = functools.lru_cache(maxsize=64)(self._cut)

    def _row_bytes(self, row: Task) -> int:
        """A task row's bytes without its empty cells."""
        c = row.clause
        text = (self.search_bytes[c.id] + html_bytes("|".join(c.units)) + 2 * html_bytes(f"{c.path} {row.name}")
                + html_bytes(c.deadline) + 3 * len(c.id))
        return ROW_TAGS + text + sum(MARK_TAGS + 3 * self.unit_bytes[u] for u in c.units)

    def head_bytes(self, unit: str) -> int:
        """A column head's bytes."""
        return HEAD_TAGS + 2 * self.unit_bytes[unit] + html_bytes(self.shorts[unit]) + len(quote(unit))

    def entry_bytes(self, row: Task) -> int:
        """A task's bytes in the list by unit."""
        c = row.clause
        return ENTRY_TAGS + self.search_bytes[c.id] + html_bytes(f"{c.path} {row.name}") + 2 * len(c.id)

    def block_bytes(self, unit: str) -> int:
        """A unit's block's bytes in the list by unit, but for its tasks."""
        return BLOCK_TAGS + 2 * self.unit_bytes.get(unit, html_bytes(unit)) + len(quote(unit))

    # -- what a request selects ---------------------------------------------------------------------
    def selected(self, plan: Plan | None, unit: str = "", text: str = "") -> list[Task]:
        """The rows of `plan` (all plans: None) that `unit` has a role in and whose text holds `text`, as
        Assistant.select_tasks matches them."""
        text = text.strip().lower()
        return [
            row
            for row in (plan.rows if plan else self.rows)
            if (not unit or unit in row.clause.units) and (not text or text in self.text[row.clause.id])
        ]

    def shown_units(self, unit: str = "", text: str = "") -> list[str]:
        """The units the list by unit shows: the one chosen, else those whose name holds the text typed,
        else every unit (as web/static/js/units.js narrows the columns)."""
        if unit:
            return [unit]
        query = text.strip().lower()
        named = [u for u in self.units if query and query in u.lower()]
        return named or self.units

    def options_bytes(self, units: Sequence[str]) -> int:
        """The bytes of the filter's list of units."""
        return sum(OPTION_TAGS + 2 * self.unit_bytes[u] for u in units)

    # -- pages --------------------------------------------------------------------------------------
    def task_pages(self, rows: Sequence[Task], budget: int = PAGE_BYTES) -> list[list[list[Task]]]:
        """Rows cut into pages of item groups (an item's parts stay on one page), each within `budget`
        bytes as estimated; a page holds one group at least."""
        pages: list[list[list[Task]]] = [[]]
        columns: set[str] = set()
        fixed = count = 0  # the page's bytes but for its empty cells, and its rows
        for group in task_groups(rows):
            named = {u for row in group for u in row.clause.units}
            if pages[-1]:
                new = named - columns
                grown = fixed + self._group_bytes(group, new)
                if grown + EMPTY_CELL_BYTES * (count + len(group)) * (len(columns) + len(new)) > budget:
                    pages.append([])
            if not pages[-1]:
                columns, fixed, count = set(), 0, 0
            new = named - columns
            fixed += self._group_bytes(group, new)
            columns |= new
            count += len(group)
            pages[-1].append(group)
        return pages

    def _group_bytes(self, group: list[Task], new_columns: set[str]) -> int:
        """What an item's rows add to a page, with the heads of the columns they add (not the empty cells)."""
        return sum(self.cost[r.clause.id] for r in group) + sum(self.head_bytes(u) for u in new_columns)

    def unit_entries(self, units: Sequence[str], selected: Sequence[Task]) -> Iterator[tuple[str, str, Task]]:
        """(unit, role, row) of each unit's selected tasks, 牵头 first, in the order of `units`."""
        chosen = {row.clause.id for row in selected}
        for unit in units:
            duties = self.tasks_of(unit)
            for role in ("lead", "cooperate"):
                for clause in duties[role]:
                    if clause.id in chosen:
                        yield unit, role, self.by_id[clause.id]

    def unit_pages(self, units: Sequence[str], selected: Sequence[Task],
                   budget: int = PAGE_BYTES) -> list[list[Block]]:
        """Each unit's selected tasks cut into pages of blocks within `budget` bytes as estimated (a unit
        with more than a page of tasks goes on over the next pages)."""
        counts: dict[str, list[int]] = {}
        entries = list(self.unit_entries(units, selected))
        for unit, role, _ in entries:
            counts.setdefault(unit, [0, 0])[role == "cooperate"] += 1
        pages: list[list[Block]] = [[]]
        size = 0
        for unit, role, row in entries:
            page = pages[-1]
            cost = self.entry_bytes(row)
            opens = not page or page[-1].unit != unit
            if opens:
                cost += self.block_bytes(unit)
            if page and size + cost > budget:
                continued = not opens
                page = [Block(unit, counts=tuple(counts[unit]), continued=continued)]
                pages.append(page)
                size = self.block_bytes(unit)
                cost = self.entry_bytes(row)
            elif opens:
                page.append(Block(unit, counts=tuple(counts[unit])))
            getattr(page[-1], role).append(row)
            size += cost
        return pages

    def page(self, view: str, number: int, plan: Plan | None, unit: str = "", text: str = "",
             budget: int = PAGE_BYTES) -> Page:
        """Page `number` (1-based; past the last: the last) of `view` ("task" or "unit") for a request.

        When every task of the plans chosen fits on one page in both views, that page holds them all and
        the filter is left to the browser; otherwise the server filters and each view has its pages.
        """
        whole, total, pages = self._cut(view, plan.key if plan else "", unit, text.strip().lower(), budget)
        number = min(max(number, 1), len(pages))
        if whole:
            page = Page(1, 1, total, True, blocks=self._all_blocks(plan))
            return self._fill(page, pages[0])
        if view == "unit":
            return Page(number, len(pages), total, False, blocks=pages[number - 1])
        page = Page(number, len(pages), total, False)
        page.first = sum(len(g) for p in pages[: number - 1] for g in p) + 1
        return self._fill(page, pages[number - 1])

    def _cut(self, view: str, plan_key: str, unit: str, text: str, budget: int) -> tuple[bool, int, list]:
        """(whether one page holds it whole, the tasks selected, the pages) of a view and filter; the last
        ones asked for are kept (paging through them asks for the same cut again)."""
        plan = self.plan_by_key.get(plan_key)
        everything = self.selected(plan)
        whole = self.task_pages(everything, budget)
        if len(whole) == 1:
            left = budget - self._task_bytes(whole[0])
            if len(self.unit_pages(self.plan_units(plan), everything, left)) == 1:
                return True, len(everything), whole
        selected = self.selected(plan, unit, text) if unit or text else everything
        if view == "unit":
            return False, len(selected), self.unit_pages(self.shown_units(unit, text), selected, budget)
        return False, len(selected), whole if selected is everything else self.task_pages(selected, budget)

    def plan_units(self, plan: Plan | None) -> list[str]:
        """The units a plan names (every plan: every unit), in the corpus's order."""
        if plan is None:
            return self.units
        named = {u for row in plan.rows for u in row.clause.units}
        return [u for u in self.units if u in named]

    def _task_bytes(self, groups: list[list[Task]]) -> int:
        """A page of rows' estimated bytes, its empty cells and heads included."""
        rows = [row for group in groups for row in group]
        columns = {u for row in rows for u in row.clause.units}
        return (sum(self.cost[r.clause.id] for r in rows) + EMPTY_CELL_BYTES * len(rows) * len(columns)
                + sum(self.head_bytes(u) for u in columns))

    def _all_blocks(self, plan: Plan | None) -> list[Block]:
        """Every unit's block, whole (the page that holds everything)."""
        units = self.plan_units(plan)
        blocks = {u: Block(u) for u in units}
        for unit, role, row in self.unit_entries(units, self.selected(plan)):
            getattr(blocks[unit], role).append(row)
        for block in blocks.values():
            block.counts = (len(block.lead), len(block.cooperate))
        return list(blocks.values())

    def _fill(self, page: Page, groups: list[list[Task]]) -> Page:
        """The page's rows by plan, and its columns: the units its rows name, in the corpus's order."""
        for group in groups:
            title = self.plan_of[group[0].clause.id].title
            if not page.plans or page.plans[-1][0] != title:
                page.plans.append((title, []))
            page.plans[-1][1].append(group)
        named = {u for group in groups for row in group for u in row.clause.units}
        page.columns = sorted(named, key=self.order.__getitem__)
        rows = sum(len(g) for g in groups)
        page.first = page.first or (1 if rows else 0)
        page.last = page.first + rows - 1 if rows else 0
        return page


_MATRICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def matrix_of(qa) -> Matrix:
    """The matrix of an assistant's plans, made on its first use and kept as long as the assistant is."""
    found = _MATRICES.get(qa)
    if found is None:
        found = _MATRICES[qa] = Matrix(qa.task_clauses, qa.duty_units, qa.tasks_of)
    return found


# -- CSV --------------------------------------------------------------------------------------------
CSV_BATCH = 256  # rows written to the response at a time


def csv_row(c: Clause) -> list[str]:
    """A clause's cells in the CSV, none of them a formula."""
    return [excel_safe(value) for value in (
        c.doc, c.path, c.title, "、".join(c.lead), "、".join(c.cooperate), c.deadline, c.text, c.id)]


def csv_chunks(clauses: Iterable[Clause]) -> Iterator[str]:
    """The responsibility table as CSV that Excel opens correctly (a UTF-8 BOM, CRLF line ends), a batch of
    rows at a time: the response is streamed, never held whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for n, clause in enumerate(clauses, start=1):
        writer.writerow(csv_row(clause))
        if n % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
