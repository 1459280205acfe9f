"""The admin area's changes: from a gap to a fix (a synonym, an input slip, a unit's other name, then the
question asked again), and the plans (upload with a check report, remove, correct a clause's units).

Each change is written to the corpus folder's files, then the index is rebuilt here at once (so the page
after it shows the new answer) and every other worker follows within a second or two (see reload.py).
"""

from __future__ import annotations

import errno
import logging
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from qa.reading.check import check_corpus, how_read, read_by_ocr, review_tasks
from qa.reading.knowledge_edit import (
    Backups,
    EditError,
    add_correction,
    add_synonym,
    add_unit_alias,
    save_renames,
    set_clause_units,
    split_words,
)
from qa.reading.sources import PLAN_SUFFIXES

from .. import SHIPPED_CORPUS, current_assistant
from . import bp, instance
from .forms import (
    ActionForm,
    AliasForm,
    ClauseForm,
    CorrectionForm,
    RenamesForm,
    SynonymForm,
    UploadForm,
)
from .uploads import (
    UploadError,
    check_content,
    discard,
    install,
    remove,
    safe_plan_name,
    size_text,
    stage,
    trial_read,
)

log = logging.getLogger("qa.admin")


def corpus_dir() -> Path:
    """The corpus folder of this app."""
    return Path(current_app.config["CORPUS_DIR"])


def backups() -> Backups:
    """Where replaced and removed files are kept (the newest BACKUPS_KEPT of each), and the edits' locks."""
    return Backups(instance() / "backups", int(current_app.config["BACKUPS_KEPT"]))


def cannot_write(exc: OSError) -> tuple[str, int]:
    """What staff are told when a file could not be written, and the status: 507 for a full disk."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "服务器磁盘已满，没有修改任何文件：请先清理磁盘空间，再重试。", 507
    reason = exc.strerror or type(exc).__name__
    return f"无法读写文件（{reason}），没有修改任何文件：请检查服务器的磁盘和文件夹权限。", 503


@bp.errorhandler(OSError)
def write_failed(exc: OSError):
    """A change the disk refused (full, read-only): a page that says so, never a 500; nothing half-written."""
    message, status = cannot_write(exc)
    log.error("admin change on %s failed: %s", request.path, exc)
    if request.endpoint == "admin.upload":
        return upload_refused(message, status)
    referrer = request.referrer or ""
    return render_template(
        "admin/error.html",
        page="admin",
        section="",
        title="操作失败",
        error=message,
        back=referrer if referrer.startswith(request.host_url) else url_for("admin.overview"),
        logout=ActionForm(formdata=None),
    ), status


def apply_change(done: str) -> str:
    """After a change to the corpus files: rebuild here, tell the other workers, say how it went.

    Returns the new corpus version, for the next page's address (?v=): whichever worker serves that page
    catches up with the change first.
    """
    reloader = current_app.extensions["reloader"]
    if reloader.changed():
        flash(done)
    else:
        flash(f"{done}，但{reloader.problem}")
    return reloader.seen


# -- agency renames (corpus/renames.yaml) ------------------------------------------------------------
@bp.get("/renames")
def renames():
    """The renames of the institutional reforms: the entries as read, and the file to edit."""
    from qa.reading.renames import RENAMES_FILE

    path = corpus_dir() / RENAMES_FILE
    source = path if path.is_file() else Path(SHIPPED_CORPUS) / RENAMES_FILE
    text = source.read_text(encoding="utf-8-sig") if source.is_file() else "renames:\n"
    form = RenamesForm(text=text)
    return render_template(
        "admin/renames.html",
        page="admin",
        section="renames",
        form=form,
        entries=current_assistant().lexicon.renames,
        own=path.is_file(),
        logout=ActionForm(),
    )


@bp.post("/renames")
def save_renames_view():
    """renames.yaml replaced by the editor's text once it reads whole; the plans are reloaded with it."""
    form = RenamesForm()
    if not form.validate():
        refused(form)
        return redirect(url_for("admin.renames"))
    try:
        count = save_renames(corpus_dir(), form.text.data or "", backups(), SHIPPED_CORPUS)
    except EditError as exc:
        flash(f"没有保存：{exc}")
        return redirect(url_for("admin.renames"))
    except OSError as exc:
        return write_failed(exc)
    version = apply_change(f"已保存机构更名表（{count} 条）")
    return redirect(url_for("admin.renames", v=version))


# -- from a gap to a fix ---------------------------------------------------------------------------
@bp.get("/fix")
def fix():
    """A question asked again now, with the forms that add a synonym, a correction or a unit's name."""
    question = request.args.get("q", "").strip()[: int(current_app.config["MAX_QUESTION_LENGTH"])]
    qa = current_assistant()
    answer = qa.ask(question) if question else None
    return render_template(
        "admin/fix.html",
        page="admin",
        section="fix",
        question=question,
        answer=answer,
        synonym=SynonymForm(q=question),
        correction=CorrectionForm(q=question),
        alias=AliasForm(q=question),
        units=qa.duty_units,
        logout=ActionForm(),
    )


def back_to_fix(form, version: str | None = None) -> str:
    """The fix page of the form's question (after a change: at its version)."""
    return url_for("admin.fix", q=form.q.data or None, v=version)


def refused(form) -> None:
    """Flash why a form was not accepted."""
    for field, errors in form.errors.items():
        label = getattr(getattr(form, field, None), "label", None)
        flash(f"{label.text if label else field}：{'；'.join(map(str, errors))}")


@bp.post("/fix/synonym")
def add_synonym_view():
    """terms.yaml gains a synonym; the question is asked again."""
    form = SynonymForm()
    if not form.validate():
        refused(form)
        return redirect(back_to_fix(form))
    try:
        add_synonym(
            corpus_dir(), form.word.data, split_words(form.plan_words.data), backups(), SHIPPED_CORPUS
        )
    except EditError as exc:
        flash(str(exc))
        return redirect(back_to_fix(form))
    unknown = [
        w
        for w in split_words(form.plan_words.data)
        if not any(w in c.text for c in current_assistant().clauses)
    ]
    version = apply_change(f"已添加同义词：{form.word.data.strip()} → {'、'.join(split_words(form.plan_words.data))}")
    if unknown:
        flash(f"注意：方案中没有出现“{'、'.join(unknown)}”，这个同义词可能帮不上忙。")
    return redirect(back_to_fix(form, version))


@bp.post("/fix/correction")
def add_correction_view():
    """terms.yaml gains an input slip and the word meant; the question is asked again."""
    form = CorrectionForm()
    if not form.validate():
        refused(form)
        return redirect(back_to_fix(form))
    try:
        add_correction(corpus_dir(), form.typed.data, form.meant.data, backups(), SHIPPED_CORPUS)
    except EditError as exc:
        flash(str(exc))
        return redirect(back_to_fix(form))
    version = apply_change(f"已添加纠错：{form.typed.data.strip()} → {form.meant.data.strip()}")
    return redirect(back_to_fix(form, version))


@bp.post("/fix/alias")
def add_alias_view():
    """units.yaml gains another name of a unit; the question is asked again."""
    form = AliasForm()
    if not form.validate():
        refused(form)
        return redirect(back_to_fix(form))
    unit = current_assistant().units.canonical(form.unit.data.strip())
    try:
        add_unit_alias(corpus_dir(), unit, form.alias.data, backups(), SHIPPED_CORPUS)
    except EditError as exc:
        flash(str(exc))
        return redirect(back_to_fix(form))
    version = apply_change(f"已添加单位别名：{form.alias.data.strip()} → {unit}")
    return redirect(back_to_fix(form, version))


# -- plans -----------------------------------------------------------------------------------------
def plan_files() -> list[dict]:
    """The plan files of the corpus folder, with what the serving index made of each."""
    qa = current_assistant()
    by_source: dict[str, list] = {}
    for clause in qa.clauses:
        by_source.setdefault(clause.source, []).append(clause)
    folder = corpus_dir()
    files = (
        sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(".")
        )
        if folder.is_dir()
        else []
    )
    return [
        {
            "name": p.name,
            "bytes": p.stat().st_size,
            "modified": time.strftime("%Y-%m-%d %H:%M", time.localtime(p.stat().st_mtime)),
            "title": by_source[p.name][0].doc if p.name in by_source else "",
            "clauses": len(by_source.get(p.name, ())),
            "tasks": sum(1 for c in by_source.get(p.name, ()) if c.units),
            "warnings": [w for w in qa.warnings if p.name in w],
        }
        for p in files
    ]


@bp.get("/plans")
def plans():
    """The plans in the corpus, the upload form, the state of the index."""
    return render_template(
        "admin/plans.html",
        page="admin",
        section="plans",
        plans=plan_files(),
        upload=UploadForm(),
        action=ActionForm(),
        status=current_app.extensions["reloader"].status(),
        limit=size_text(int(current_app.config["MAX_UPLOAD_BYTES"])),
        logout=ActionForm(),
    )


def reading_limits():
    """The reading limits the index is built with, where this version of qa has them."""
    try:
        from qa.reading.limits import ReadingLimits
    except ImportError:
        return None
    config = current_app.config
    try:
        return ReadingLimits(
            plan_bytes=int(config.get("MAX_PLAN_BYTES") or 20 * 1024 * 1024),
            yaml_bytes=int(config.get("MAX_YAML_BYTES") or 1024 * 1024),
            convert_seconds=int(config.get("CONVERT_SECONDS") or 120),
            ocr_seconds=int(config.get("OCR_SECONDS") or 600),
        )
    except (TypeError, ValueError):
        return None


@bp.post("/plans/upload")
def upload():
    """Add a plan: a safe name, the type checked by content, a trial read; then the index is rebuilt."""
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    form = UploadForm()  # the body's limit was raised for this endpoint before the CSRF check read it
    if not form.validate():
        return upload_refused("；".join(str(e) for errors in form.errors.values() for e in errors), 400)
    upload_file = form.plan.data
    keep = backups()
    try:
        name = safe_plan_name(upload_file.filename or "")
        if (corpus_dir() / name).exists() and not form.replace.data:
            raise UploadError(f"已有同名方案“{name}”：勾选“替换同名方案”再上传，或改名后上传")
        staged = stage(upload_file, instance() / "uploads", name, limit)  # removed by stage when it fails
        try:
            check_content(staged, Path(name).suffix)
            trial = trial_read(staged, corpus_dir(), SHIPPED_CORPUS, reading_limits(), current_assistant())
            install(staged, corpus_dir(), keep)
        finally:
            discard(staged)  # whatever happened, nothing stays in staging
    except UploadError as exc:
        log.warning("plan upload refused: %s", exc)
        return upload_refused(str(exc), 400)
    log.warning("plan uploaded: %s (%s clauses)", name, trial.clauses)
    version = apply_change(
        f"已上传《{trial.title}》（{name}）：{trial.clauses} 条，其中有责任单位的 {trial.tasks} 条{trial.shared_text()}"
    )
    return redirect(url_for("admin.plan", name=name, v=version))


def raise_upload_limit() -> None:
    """Let an upload's body past MAX_CONTENT_LENGTH (64 KB, for questions) up to MAX_UPLOAD_BYTES."""
    request.max_content_length = int(current_app.config["MAX_UPLOAD_BYTES"]) + 64 * 1024  # the form around it


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc):
    """An upload over the limit: the plans page, saying so (the serving plans are untouched)."""
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    return upload_refused(f"文件超过 {size_text(limit)} 的上限", 413)


def upload_refused(reason: str, status: int):
    """The plans page again, saying why the upload was refused; the serving plans are untouched."""
    # formdata=None: fresh forms that never read the refused body again (too large to read at all)
    return render_template(
        "admin/plans.html",
        page="admin",
        section="plans",
        plans=plan_files(),
        upload=UploadForm(formdata=None),
        action=ActionForm(formdata=None),
        status=current_app.extensions["reloader"].status(),
        error=f"上传失败：{reason}",
        limit=size_text(int(current_app.config["MAX_UPLOAD_BYTES"])),
        logout=ActionForm(formdata=None),
    ), status


@bp.post("/plans/<name>/remove")
def remove_plan(name: str):
    """Take a plan out of the corpus (into the backups folder); the last plan stays."""
    if len(plan_files()) <= 1:
        flash("这是唯一的方案，不能删除：先上传另一个方案。")
        return redirect(url_for("admin.plans"))
    try:
        kept = remove(corpus_dir(), name, backups())
    except UploadError as exc:
        flash(str(exc))
        return redirect(url_for("admin.plans"))
    log.warning("plan removed: %s (kept as %s)", name, kept)
    version = apply_change(f"已删除方案 {name}（备份在 {kept.name}）")
    return redirect(url_for("admin.plans", v=version))


def detect_convention(text: str) -> str:
    """The plan-wide duty convention, where qa/reading/duties.py reads one ('' before)."""
    from qa.reading import duties

    detect = getattr(duties, "detect_convention", None)
    return detect(text) if detect else ""


def conventions_of(clauses: list) -> str | list[tuple[int, str]]:
    """A plan file's duty convention, read from its clauses as the serving index holds them: a view never
    reads the plan files again. For a file of several documents, (first line, convention) of each."""
    documents: dict[str, list] = {}
    for clause in clauses:
        documents.setdefault(clause.doc, []).append(clause)
    found = [(cs[0].lines[0], detect_convention("\n".join(c.text for c in cs))) for cs in documents.values()]
    return found[0][1] if len(found) == 1 else found


@bp.get("/plans/<name>")
def plan(name: str):
    """One plan: its check report (as `python app.py check` prints it) and its clauses with their units."""
    path = corpus_dir() / name
    if path.parent != corpus_dir() or not path.is_file():
        abort(404, f"方案文件夹里没有“{name}”。")
    qa = current_assistant()
    clauses = [c for c in qa.clauses if c.source == name]
    stale = [w for w in qa.warnings if w.startswith(f"{name}: correction")]
    known = frozenset(qa.units.canonical_names)
    reports = check_corpus(clauses, {name: conventions_of(clauses)}, stale, known,
                           {name: how_read(name, qa.warnings)}) if clauses else []
    ocr = read_by_ocr(qa.warnings)  # its tasks are flagged for checking against the paper
    flagged = request.args.get("flagged") == "1"
    reviews = [r for r in review_tasks(clauses, qa.clauses, known, ocr) if r.flags or not flagged]
    return render_template(
        "admin/plan.html",
        page="admin",
        section="plans",
        name=name,
        clauses=clauses,
        reports=reports,
        reviews=reviews,
        flagged=flagged,
        flag_count=sum(1 for r in review_tasks(clauses, qa.clauses, known, ocr) if r.flags) if not flagged else len(reviews),
        warnings=[w for w in qa.warnings if name in w],
        logout=ActionForm(),
    )


def unit_lines(text: str | None) -> list[str]:
    """The units of a list box, one per line (blank lines skipped); never split at 、 or commas."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.route("/clause/<clause_id>", methods=["GET", "POST"])
def clause(clause_id: str):
    """Correct a clause's lead and cooperating units (written to its plan's corrections file)."""
    qa = current_assistant()
    found = qa.clause(clause_id)
    if found is None:
        abort(404, f"没有编号为 {clause_id} 的条款。")
    form = ClauseForm()
    if request.method == "GET":  # one unit per line: a unit such as 县〔市、区、特区〕人民政府 stays whole
        form.lead.data, form.cooperate.data = "\n".join(found.lead), "\n".join(found.cooperate)
        form.deadline.data = found.deadline
    elif form.validate():
        lead = [qa.units.canonical(u) for u in unit_lines(form.lead.data)]
        cooperate = [qa.units.canonical(u) for u in unit_lines(form.cooperate.data)]
        deadline = (form.deadline.data or "").strip()
        try:  # a deadline left as it was is kept as it is (the plan's own, or an earlier correction's)
            set_clause_units(
                corpus_dir() / found.source,
                clause_id,
                lead,
                cooperate,
                backups(),
                deadline if deadline != found.deadline else None,
            )
        except EditError as exc:
            flash(str(exc))
            return redirect(url_for("admin.clause", clause_id=clause_id))
        version = apply_change(f"已修改 {found.path} {found.title} 的责任单位")
        return redirect(url_for("admin.clause", clause_id=clause_id, v=version))
    else:
        refused(form)
    return render_template(
        "admin/clause.html",
        page="admin",
        section="plans",
        clause=found,
        form=form,
        units=qa.duty_units,
        logout=ActionForm(),
    )
