"""The pages staff use: the chat (/), the plan (/plan, /clause/<id>), who does what (/units)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from qa import Clause
from qa.assistant import search_text

from . import current_assistant as assistant
from .matrix import csv_text

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
    """The responsibility matrix: every unit × every task, filtered in the page as you type."""
    qa = assistant()
    tasks = qa.task_clauses
    counts = {u: (lead, cooperate) for u, lead, cooperate in qa.unit_counts()}
    return render_template(
        "units.html",
        page="units",
        units=qa.duty_units,
        counts=counts,
        documents=documents(tasks),
        total=len(tasks),
        unit=request.args.get("unit", ""),
        text=request.args.get("q", ""),
    )


@bp.get("/units/<path:name>")
def unit(name: str):
    """One unit's tasks by role."""
    qa = assistant()
    canonical = qa.unit_named(name)
    if canonical is None:
        abort(404, f"方案中没有给“{name}”分配任务。")
    if canonical != name:  # an alias (工商局) goes to the unit's own page, so each unit has one address
        return redirect(url_for("pages.unit", name=canonical))
    return render_template("unit.html", page="units", unit=canonical, tasks=qa.tasks_of(canonical))


@bp.get("/units.csv")
def units_csv():
    """The responsibility table as CSV for Excel; ?unit= and ?q= narrow it as the matrix's filter does."""
    qa = assistant()
    unit_name = request.args.get("unit", "").strip()
    if unit_name:
        canonical = qa.unit_named(unit_name)
        if canonical is None:
            abort(404, f"方案中没有给“{unit_name}”分配任务。")
        unit_name = canonical
    rows = qa.select_tasks(unit_name, request.args.get("q", ""))
    filename = f"责任分工-{unit_name}.csv" if unit_name else "责任分工.csv"
    response = Response(csv_text(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"responsibilities.csv\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
