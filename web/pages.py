"""The pages staff use: the chat (/), the plan (/plan, /clause/<id>), who does what (/units)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app

bp = Blueprint("pages", __name__)


@bp.get("/")
def chat():
    """The chat page."""
    return "<!doctype html><title>方案问答</title><p>方案问答助手</p>"


@bp.get("/clause/<clause_id>")
def clause(clause_id: str):
    """One clause, highlighted in its plan."""
    qa = current_app.extensions["qa"]
    if clause_id not in qa.by_id:
        abort(404)
    return qa.by_id[clause_id].text
