"""The pages staff use: the chat (/), the plan (/plan, /clause/<id>), who does what (/units)."""

from __future__ import annotations

import json
import os
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wsgi import wrap_file

from qa import Assistant, Clause
from qa.assistant import search_text

from . import current_assistant as assistant
from .matrix import PAGE_BYTES, Matrix, Plan, csv_chunks, html_bytes, matrix_of

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(search_text, "search_text")  # the matrix rows carry what units.js filters on

MAX_HIGHLIGHTS = 12  # terms marked in a cited clause (?hl=…); more is noise, and bounds the regex
MAX_UNIT_OPTIONS = 2000  # units listed in the matrix's filter; past that, those of the plan chosen
CARD_TAGS = 700  # a task on a unit's page, but for its text
PLAN_OPTION_TAGS = 60  # a plan in the matrix's list of plans, but for its title
# The full text on one page while it stays under this (estimated: the clauses' text and their markup); past it,
# /plan shows one plan a page, with the list of every plan (a compilation's 212 documents came to 9.7 MB).
PLAN_PAGE_BYTES = 900_000
CLAUSE_TAGS = 450  # a clause on the plan page, but for its text (measured on the page and rounded up)
_PLAN_BYTES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class Heading:
    """A heading of a plan with the headings under it: one entry of the table of contents."""

    clause: Clause
    children: list[Heading] = field(default_factory=list)


@dataclass
class Document:
    """One plan of the corpus: its title, source file, clauses and table of contents."""

    source: str
    title: str
    clauses: list[Clause]

    @property
    def outline(self) -> list[Heading]:
        """The heading tree, from the headings' levels."""
        roots: list[Heading] = []
        stack: list[Heading] = []
        for clause in self.clauses:
            if clause.kind != "heading":
                continue
            node = Heading(clause)
            while stack and stack[-1].clause.level >= clause.level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        return roots


def documents(clauses: Iterable[Clause]) -> list[Document]:
    """Clauses grouped by the file they come from, in corpus order."""
    by_source: dict[str, Document] = {}
    for clause in clauses:
        if clause.source not in by_source:
            by_source[clause.source] = Document(clause.source, clause.doc, [])
        by_source[clause.source].clauses.append(clause)
    return list(by_source.values())


@bp.app_template_filter("highlight")
def highlight(text: str, terms: Iterable[str]) -> Markup:
    """`text` escaped, with every occurrence of `terms` wrapped in <mark>."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)  # longest first: 简易注销 before 注销
    if not words:
        return escape(text)
    parts, last = [], 0
    for match in re.finditer("|".join(map(re.escape, words)), text):
        parts += [escape(text[last : match.start()]), Markup("<mark>%s</mark>") % match.group()]
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@bp.app_template_filter("heading_tag")
def heading_tag(level: int) -> str:
    """The HTML heading of a plan heading's level (一、 → h3, (一) → h4, 1. → h5)."""
    return f"h{min(max(level, 1) + 2, 6)}"


@bp.errorhandler(404)
def not_found(exc):
    """A page that says what was not found and where to go instead."""
    return render_template("not_found.html", page="", message=exc.description), 404


def sections(qa: Assistant) -> dict[str, dict[str, str]]:
    """The headings of the first two levels of each plan, by file and heading path ({"plan.txt": {"二、(一)":
    "二、(一) 营造宽松便捷的市场准入环境"}}): the chat groups a unit's tasks under them."""
    found: dict[str, dict[str, str]] = {}
    for c in qa.clauses:
        if c.kind == "heading" and 1 <= c.level <= 2 and c.path:
            found.setdefault(c.source, {})[c.path] = section_name(c)
    return found


def section_name(heading: Clause) -> str:
    """A section's name with its full path: '二、(二) 营造公平有序的市场竞争环境'."""
    return f"{heading.path} {heading.title}".strip() if heading.title else heading.text.rstrip("。.")


def section_of(qa: Assistant, clause: Clause) -> Clause | None:
    """The heading of the first or second level a clause is under (None for the cover letter)."""
    node, seen, best = qa.clause(clause.parent), set(), None
    while node is not None and node.id not in seen:
        seen.add(node.id)
        if node.kind == "heading" and 1 <= node.level <= 2:
            best = node
            if node.level == 2:
                break
        node = qa.clause(node.parent)
    return best


def by_section(
    qa: Assistant, clauses: Iterable[Clause], plan_title: Callable[[Clause], str] | None = None
) -> list[tuple[str, list[Clause]]]:
    """Clauses grouped under their section's heading text, in document order; with `plan_title`, each section
    headed by its plan's title too (two plans' "一、" sections never merge)."""
    groups: dict[str, list[Clause]] = {}
    for clause in clauses:
        heading = section_of(qa, clause)
        name = section_name(heading) if heading else "其他"
        if plan_title is not None:
            name = f"《{plan_title(clause)}》 {name}"
        groups.setdefault(name, []).append(clause)
    return list(groups.items())


def chosen_unit(qa: Assistant) -> str:
    """The canonical unit of ?unit= ('' for none); a name no plan gives a task is a 404."""
    name = request.args.get("unit", "").strip()
    if not name:
        return ""
    canonical = qa.unit_named(name)
    if canonical is None:
        abort(404, f"方案中没有给“{name}”分配任务。")
    return canonical


def chosen_plan(matrix: Matrix) -> Plan | None:
    """The plan of ?plan= (None for every plan); one no longer in the corpus is a 404."""
    key = request.args.get("plan", "").strip()
    if not key:
        return None
    plan = matrix.plan_by_key.get(key)
    if plan is None:
        abort(404, "没有这个方案：它可能已被删除或修改，请从“全部方案”中重新选择。")
    return plan


def page_number() -> int:
    """?page= as a number from 1 (anything else: the first page; past the last: the last)."""
    value = request.args.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) <= 6 else 1


def page_address(endpoint: str, number: int, **values) -> str:
    """The address of another page of the same view and filter."""
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return url_for(endpoint, **{**args, **values, "page": number if number > 1 else None})


def download(body: bytes | str | Iterable, mimetype: str, filename: str, ascii_name: str) -> Response:
    """An attachment with a Chinese file name that every browser keeps."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@bp.get("/")
def chat():
    """The chat page."""
    qa = assistant()
    return render_template(
        "chat.html",
        page="chat",
        examples=qa.examples,
        documents=documents(qa.clauses),
        tasks=len(qa.task_clauses),
        sections=json.dumps(sections(qa), ensure_ascii=False, separators=(",", ":")),
        plans=qa.catalogue.plans,  # the plan picker's choices (shown with two plans or more)
    )


@bp.get("/plan")
def plan():
    """Every plan as a readable document; ?focus=<id> highlights one clause."""
    focus = request.args.get("focus", "")
    if focus and assistant().clause(focus) is None:
        abort(404, f"方案中没有编号为 {focus} 的条款。")
    key = request.args.get("plan", "").strip()
    if not key:
        return _plan_page(focus, **one_plan_a_page(assistant(), focus))
    catalogue = assistant().catalogue
    chosen = catalogue.named(key)  # ?plan= an id or a name ("锡盟"): that plan alone
    if chosen is None:
        abort(404, f"没有名为“{key[:40]}”的方案。")
    return _plan_page(focus, [c for c in assistant().clauses if catalogue.plan_of(c) == chosen.id],
                      **({"plans": catalogue.plans, "current": chosen.id} if too_large(assistant()) else {}))


@bp.get("/clause/<clause_id>")
def clause(clause_id: str):
    """One clause, highlighted and scrolled to in its plan; ?hl=term marks the question's terms."""
    if assistant().clause(clause_id) is None:
        abort(404, f"方案中没有编号为 {clause_id} 的条款。")
    return _plan_page(clause_id, **one_plan_a_page(assistant(), clause_id))


def too_large(qa: Assistant) -> bool:
    """Whether every plan's full text is too large for one page (PLAN_PAGE_BYTES, estimated once per corpus)."""
    size = _PLAN_BYTES.get(qa)
    if size is None:
        size = _PLAN_BYTES[qa] = sum(len(c.text.encode("utf-8")) + CLAUSE_TAGS for c in qa.clauses)
    return size > PLAN_PAGE_BYTES and len(qa.catalogue) > 1


def one_plan_a_page(qa: Assistant, focus: str) -> dict:
    """For a corpus too large for one page: the plan to show (the one holding the focused clause, else the
    first) and the list of every plan, as _plan_page takes them; {} for one that fits."""
    if not too_large(qa):
        return {}
    clause = qa.clause(focus) if focus else None
    current = qa.catalogue.plan_of(clause) if clause is not None else qa.catalogue.plans[0].id
    return {"clauses": [c for c in qa.clauses if qa.catalogue.plan_of(c) == current],
            "plans": qa.catalogue.plans, "current": current}


def _plan_page(focus: str, clauses: Sequence[Clause] | None = None, plans: Sequence = (), current: str = "") -> str:
    """The plan page, with `focus` (a clause id, or '') highlighted; of `clauses` (one plan's) when given, with
    the list of every plan (`plans`, `current` the one shown) when the corpus comes a plan a page."""
    terms = [t for t in request.args.getlist("hl") if 0 < len(t) <= 20][:MAX_HIGHLIGHTS] if focus else []
    qa = assistant()
    trail = set()  # the focused clause and the headings above it, marked in the table of contents
    node = focused = qa.clause(focus)
    while node is not None and node.id not in trail:
        trail.add(node.id)
        node = qa.clause(node.parent)
    title = f"{focused.path} {focused.title} · 方案全文" if focused else "方案全文"
    return render_template(
        "plan.html",
        page="plan",
        title=title,
        documents=documents(qa.clauses if clauses is None else clauses),
        focus=focus,
        trail=trail,
        terms=terms,
        plans=plans,
        current=current,
    )


@bp.get("/units")
def units():
    """The responsibility matrix (tasks × units) and the same by unit, a page at a time; filtered as you type
    when the plans chosen fit on one page, else by the server (see web/matrix.py)."""
    qa = assistant()
    matrix = matrix_of(qa)
    plan = chosen_plan(matrix)
    typed_unit = request.args.get("unit", "").strip()
    unit_name = (qa.unit_named(typed_unit) or typed_unit) if typed_unit else ""
    text = request.args.get("q", "")
    view = "unit" if request.args.get("view") == "unit" else "task"
    if len(matrix.units) <= MAX_UNIT_OPTIONS:
        options = matrix.units
    else:  # too many to list: those of the plan chosen, and the one chosen
        named = {u for row in plan.rows for u in row.clause.units} if plan else set()
        options = [u for u in matrix.units if u in named or u == unit_name]
    chooser = sum(PLAN_OPTION_TAGS + html_bytes(p.title) for p in matrix.plans) if len(matrix.plans) > 1 else 0
    budget = PAGE_BYTES - matrix.options_bytes(options) - chooser
    sheet = matrix.page(view, page_number(), plan, unit_name, text, budget)
    counts = {u: (lead, cooperate) for u, lead, cooperate in qa.unit_counts()}
    return render_template(
        "units.html",
        page="units",
        units=options,
        shorts=matrix.shorts,
        counts=counts,
        sheet=sheet,
        plans=sheet.plans,
        columns=sheet.columns,
        blocks=sheet.blocks,
        several=plan is None and len(matrix.plans) > 1,
        all_plans=matrix.plans,
        plan=plan.key if plan else "",
        total=sheet.total,
        unit=unit_name if unit_name in counts else typed_unit,
        text=text,
        view=view,
        previous=page_address("pages.units", sheet.number - 1) if sheet.number > 1 else "",
        following=page_address("pages.units", sheet.number + 1) if sheet.number < sheet.count else "",
    )


@bp.get("/units/<path:name>")
def unit(name: str):
    """One unit's tasks by role, grouped by section, every clause a link; a page at a time."""
    qa = assistant()
    canonical = qa.unit_named(name)
    if canonical is None:
        abort(404, f"方案中没有给“{name}”分配任务。")
    if canonical != name:  # an alias (工商局) goes to the unit's own page, so each unit has one address
        return redirect(url_for("pages.unit", name=canonical))
    duties = qa.tasks_of(canonical)
    matrix = matrix_of(qa)
    everywhere = {matrix.plan_of[c.id].key: matrix.plan_of[c.id].title
                  for role in ("lead", "cooperate") for c in duties[role] if c.id in matrix.plan_of}
    plan = chosen_plan(matrix)  # ?plan=: this unit's tasks in one plan
    if plan is not None:
        duties = {role: [c for c in duties[role] if matrix.plan_of.get(c.id) is plan] for role in duties}
    cards = [(role, c) for role in ("lead", "cooperate") for c in duties[role]]
    involved = {matrix.plan_of[c.id].key for _, c in cards if c.id in matrix.plan_of}
    plan_title = (lambda c: matrix.plan_of[c.id].title if c.id in matrix.plan_of else c.doc) if len(involved) > 1 \
        else None
    pages: list[list[tuple[str, Clause]]] = [[]]
    size = 0
    for role, c in cards:
        cost = CARD_TAGS + html_bytes(f"{c.text}{c.doc}{''.join(c.units)}{c.title}{c.title}")
        if pages[-1] and size + cost > PAGE_BYTES:
            pages.append([])
            size = 0
        pages[-1].append((role, c))
        size += cost
    number = min(page_number(), len(pages))
    shown = pages[number - 1]
    chosen = {"plan": plan.key} if plan is not None else {}
    return render_template(
        "unit.html",
        page="units",
        unit=canonical,
        tasks=duties,
        plan=plan,
        plan_choices=list(everywhere.items()),
        grouped={role: by_section(qa, [c for r, c in shown if r == role], plan_title) for role in ("lead", "cooperate")},
        rows=matrix.by_id,
        number=number,
        count=len(pages),
        previous=page_address("pages.unit", number - 1, name=canonical, **chosen) if number > 1 else "",
        following=page_address("pages.unit", number + 1, name=canonical, **chosen) if number < len(pages) else "",
    )


@bp.get("/units.csv")
def units_csv():
    """The responsibility table as CSV for Excel, streamed; ?unit=, ?q= and ?plan= narrow it as the matrix's
    filter does."""
    qa = assistant()
    matrix = matrix_of(qa)
    plan = chosen_plan(matrix)
    unit_name = chosen_unit(qa)
    rows = [t.clause for t in matrix.selected(plan, unit_name, request.args.get("q", ""))]
    filename = f"责任分工-{unit_name}.csv" if unit_name else "责任分工.csv"
    return download(csv_chunks(rows), "text/csv", filename, "responsibilities.csv")


@bp.get("/units.xlsx")
def units_xlsx():
    """The matrix as an Excel workbook (a sheet per plan, one by unit); ?unit=, ?q= and ?plan= as on the
    page. Written a row at a time to a temporary file, which is sent as it is read."""
    from .workbook import XLSX_MIMETYPE, xlsx_file  # openpyxl is imported on the first download

    qa = assistant()
    matrix = matrix_of(qa)
    plan = chosen_plan(matrix)
    unit_name = chosen_unit(qa)
    rows = matrix.selected(plan, unit_name, request.args.get("q", ""))
    named = {u for t in rows for u in t.clause.units}
    columns = [unit_name] if unit_name else [u for u in qa.duty_units if u in named]
    filename = f"责任分工-{unit_name}.xlsx" if unit_name else "责任分工.xlsx"
    file = xlsx_file(rows, columns)
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    response = download(wrap_file(request.environ, file), XLSX_MIMETYPE, filename, "responsibilities.xlsx")
    response.direct_passthrough = True  # the file is sent as it is read, never held whole
    response.content_length = size
    return response
