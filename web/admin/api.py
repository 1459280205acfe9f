"""The admin area's JSON, read-only and behind the login: the question lists, the overview's figures, and
the index this worker serves. Nested in the API blueprint, so /openapi.json documents it with the rest."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request

from ..question_log import VIEWS, LogUnavailable
from . import logged_in
from .views import MAX_ROWS, filters, question_log

bp = Blueprint("admin_api", __name__, url_prefix="/admin/api")


def error(status: int, message: str):
    """A JSON error with a reason, as the rest of the API gives."""
    response = jsonify({"error": message})
    response.status_code = status
    return response


@bp.before_request
def guard():
    """401 without an admin login."""
    if not logged_in():
        return error(401, "login required: log in at /admin/login")
    return None


@bp.after_request
def never_cache(response):
    """The log is never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def json_row(row: dict) -> dict:
    """A log row as JSON: times as ISO 8601 in UTC."""
    return {k: (v.replace(tzinfo=UTC).isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


@bp.get("/questions")
def questions():
    """The question lists as JSON: ?view=recent | unanswered | disliked | top, ?days=, ?channel=."""
    view = request.args.get("view", "recent")
    if view not in (*VIEWS, "top"):
        return error(400, f"view must be one of {', '.join((*VIEWS, 'top'))}")
    days, channel = filters()
    qlog = question_log()
    try:
        rows = (
            qlog.most_asked(days, channel, MAX_ROWS)
            if view == "top"
            else qlog.questions(view, days, channel, MAX_ROWS)
        )
    except LogUnavailable as exc:
        return error(503, f"the question log cannot be read: {exc}")
    return jsonify({"view": view, "days": days, "channel": channel, "questions": [json_row(r) for r in rows]})


@bp.get("/stats")
def stats():
    """Totals and questions per day and channel over ?days=, with the log's and the index's state."""
    days, _ = filters()
    qlog = question_log()
    try:
        totals, daily = qlog.totals(days), qlog.per_day(days)
    except LogUnavailable as exc:
        return error(503, f"the question log cannot be read: {exc}")
    return jsonify(
        {
            "days": days,
            "totals": totals,
            "per_day": daily,
            "log": qlog.health(),
            "corpus": current_app.extensions["reloader"].status(),
        }
    )


@bp.get("/status")
def status():
    """This worker's index: the corpus version it serves, whether it is rebuilding, why a rebuild failed."""
    return jsonify(current_app.extensions["reloader"].status())
