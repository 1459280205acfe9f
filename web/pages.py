"""The pages staff use: the chat (/), the plan (/plan, /clause/<id>), who does what (/units)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from qa import Assistant, Clause
from qa.assistant import search_text

from . import current_assistant as assistant
from .matrix import Task, csv_text, short_names, task_groups, tasks

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(search_text, "search_text")  # the matrix rows carry what units.js filters on

MAX_HIGHLIGHTS = 12  # terms marked in a cited clause (?hl=…); more is noise, and bounds the regex


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


def by_section(qa: Assistant, clauses: Iterable[Clause]) -> list[tuple[str, list[Clause]]]:
    """Clauses grouped under their section's heading text, in document order."""
    groups: dict[str, list[Clause]] = {}
    for clause in clauses:
        heading = section_of(qa, clause)
        groups.setdefault(section_name(heading) if heading else "其他", []).append(clause)
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


def matrix_rows(qa: Assistant, unit: str = "", text: str = "") -> list[Task]:
    """The matrix's rows that ?unit= and ?q= select, parts named as in the whole plan."""
    selected = {c.id for c in qa.select_tasks(unit, text)}
    return [t for t in tasks(qa.task_clauses) if t.clause.id in selected]


def download(body: bytes | str, mimetype: str, filename: str, ascii_name: str) -> Response:
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
    )


@bp.get("/plan")
def plan():
    """Every plan as a readable document; ?focus=<id> highlights one clause."""
    focus = request.args.get("focus", "")
    if focus and assistant().clause(focus) is None:
        abort(404, f"方案中没有编号为 {focus} 的条款。")
    return _plan_page(focus)


@bp.get("/clause/<clause_id>")
def clause(clause_id: str):
    """One clause, highlighted and scrolled to in its plan; ?hl=term marks the question's terms."""
    if assistant().clause(clause_id) is None:
        abort(404, f"方案中没有编号为 {clause_id} 的条款。")
    return _plan_page(clause_id)


def _plan_page(focus: str) -> str:
    """The plan page, with `focus` (a clause id, or '') highlighted."""
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
        documents=documents(qa.clauses),
        focus=focus,
        trail=trail,
        terms=terms,
    )


@bp.get("/units")
def units():
    """The responsibility matrix (every unit × every task) and the same by unit; filtered as you type."""
    qa = assistant()
    rows = tasks(qa.task_clauses)
    by_doc: dict[str, list[Task]] = {}
    for row in rows:
        by_doc.setdefault(row.clause.source, []).append(row)
    counts = {u: (lead, cooperate) for u, lead, cooperate in qa.unit_counts()}
    return render_template(
        "units.html",
        page="units",
        units=qa.duty_units,
        shorts=short_names(qa.duty_units),
        counts=counts,
        plans=[(group[0].clause.doc, task_groups(group)) for group in by_doc.values()],
        rows={t.clause.id: t for t in rows},
        tasks_of=qa.tasks_of,
        total=len(rows),
        unit=request.args.get("unit", ""),
        text=request.args.get("q", ""),
        view="unit" if request.args.get("view") == "unit" else "task",
    )


@bp.get("/units/<path:name>")
def unit(name: str):
    """One unit's tasks by role, grouped by section, every clause a link."""
    qa = assistant()
    canonical = qa.unit_named(name)
    if canonical is None:
        abort(404, f"方案中没有给“{name}”分配任务。")
    if canonical != name:  # an alias (工商局) goes to the unit's own page, so each unit has one address
        return redirect(url_for("pages.unit", name=canonical))
    duties = qa.tasks_of(canonical)
    return render_template(
        "unit.html",
        page="units",
        unit=canonical,
        tasks=duties,
        grouped={role: by_section(qa, duties[role]) for role in ("lead", "cooperate")},
        rows={t.clause.id: t for t in tasks(qa.task_clauses)},
    )


@bp.get("/units.csv")
def units_csv():
    """The responsibility table as CSV for Excel; ?unit= and ?q= narrow it as the matrix's filter does."""
    qa = assistant()
    unit_name = chosen_unit(qa)
    rows = qa.select_tasks(unit_name, request.args.get("q", ""))
    filename = f"责任分工-{unit_name}.csv" if unit_name else "责任分工.csv"
    return download(csv_text(rows), "text/csv", filename, "responsibilities.csv")


@bp.get("/units.xlsx")
def units_xlsx():
    """The matrix as an Excel workbook (a sheet per plan, one by unit); ?unit= and ?q= as on the page."""
    from .workbook import XLSX_MIMETYPE, xlsx_bytes  # openpyxl is imported on the first download

    qa = assistant()
    unit_name = chosen_unit(qa)
    rows = matrix_rows(qa, unit_name, request.args.get("q", ""))
    named = {u for t in rows for u in t.clause.units}
    columns = [unit_name] if unit_name else [u for u in qa.duty_units if u in named]
    filename = f"责任分工-{unit_name}.xlsx" if unit_name else "责任分工.xlsx"
    return download(xlsx_bytes(rows, columns), XLSX_MIMETYPE, filename, "responsibilities.xlsx")
