"""Word files from the pages: /units/<name>.docx (a unit's tasks) and POST /api/conversation.docx (the chat's
questions, answered again here, for the minutes). See web/word.py for the layout."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, url_for

from qa.transcript import replay

from . import current_assistant as assistant

bp = Blueprint("exports", __name__)
minutes = Blueprint("minutes", __name__)  # nested in the API's blueprint (web/api.py): JSON errors, OpenAPI
MAX_QUESTIONS = 40  # questions in one export: what the chat page keeps of a conversation (store.js KEPT)


def word_file(body: bytes, filename: str, ascii_name: str) -> Response:
    """A .docx attachment with a Chinese file name that every browser keeps."""
    from .word import DOCX_MIMETYPE

    response = Response(body, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"  # made from the plans as they are now
    return response


@bp.get("/units/<path:name>.docx")
def unit_docx(name: str):
    """One unit's tasks as a Word file; an alias (质监局) goes to the unit's own file."""
    from .word import unit_docx as make

    qa = assistant()
    canonical = qa.unit_named(name)
    if canonical is None:
        abort(404, f"方案中没有给“{name}”分配任务。")
    if canonical != name:
        return redirect(url_for("exports.unit_docx", name=canonical))
    return word_file(make(qa, canonical), f"{canonical}承担的任务.docx", "unit-tasks.docx")


def error(status: int, message: str):
    """A JSON refusal saying why, in Chinese (the chat page shows it)."""
    response = jsonify({"error": message})
    response.status_code = status
    return response


def read_questions(payload: object, most: int, length: int) -> list[str]:
    """The questions of an export request, each stripped; ValueError says (in Chinese) what is wrong."""
    if not isinstance(payload, dict):
        raise ValueError('请求体应是 JSON 对象，例如 {"questions": ["简易注销有哪些配合单位？"]}')
    questions = payload.get("questions")
    if questions is None:
        raise ValueError("缺少 questions：本次对话的问题列表")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise ValueError("questions 应是问题（文字）的列表")
    questions = [q.strip() for q in questions]
    if not questions or not all(questions):
        raise ValueError("没有可导出的问题" if not questions else "questions 中有空的问题")
    if len(questions) > most:
        raise ValueError(f"问题太多（{len(questions)} 个），一次最多导出 {most} 个")
    for number, question in enumerate(questions, 1):
        if len(question) > length:
            raise ValueError(f"第 {number} 个问题太长（{len(question)} 个字），最多 {length} 个字")
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from JSON "\udfff"
            raise ValueError(f"第 {number} 个问题不是有效的文字") from None
    return questions


@minutes.post("/api/conversation.docx")
def conversation_docx():
    """The conversation as a Word file for the minutes: {questions: [...], plan?} in the order asked → .docx.
    Each question is answered again here, as one conversation; no answer or clause text is taken from the
    client."""
    from .api import json_payload
    from .word import minutes_docx

    try:
        payload = json_payload()
    except ValueError:
        return error(400, '请以 JSON 发送，例如 {"questions": ["简易注销有哪些配合单位？"]}')
    try:
        questions = read_questions(payload, MAX_QUESTIONS, int(current_app.config["MAX_QUESTION_LENGTH"]))
    except ValueError as exc:
        return error(400, str(exc))
    qa = assistant()
    plan = payload.get("plan")  # the plan the chat's picker chose, when one is: asked of it alone, as then
    if plan is not None and (not isinstance(plan, str) or len(plan) > 200):
        return error(400, "plan 应是方案的编号或名称（最多 200 个字）")
    notes = []
    try:
        qa.plan_scope(plan)
    except ValueError:  # chosen in the page before that plan was removed: the minutes are still made, and say so
        notes.append(f"所选的方案“{plan[:40]}”已不在载入的方案中，以下按全部方案回答。")
        plan = None
    body = minutes_docx(replay(qa, questions, plan or None), qa.documents, notes=notes)
    day = datetime.date.today().strftime("%Y%m%d")
    return word_file(body, f"问答记录-{day}.docx", f"minutes-{day}.docx")
