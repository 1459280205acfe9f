"""The admin area's log pages: login and logout, the overview with its charts, the question lists (recent,
unanswered, disliked, most asked), their CSV export and the same as JSON."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..question_log import CHANNELS, VIEWS, LogUnavailable, QuestionLog
from ..matrix import excel_safe
from . import bp, instance
from .auth import check_password, generation, stored_hash
from .charts import CHANNEL_NAMES, day_series, per_channel_chart, per_day_chart
from .forms import ActionForm, LoginForm

log = logging.getLogger("qa.admin")
VIEW_NAMES = {
    "recent": "最近的问题",
    "unanswered": "没有答案的问题",
    "disliked": "被点踩的回答",
    "top": "常问问题",
}
DAY_CHOICES = (1, 7, 30, 90, 180)
MAX_ROWS = 1000  # rows in one list or export


def question_log() -> QuestionLog:
    """The app's question log."""
    return current_app.extensions["log"]


def local_time(moment: datetime | None) -> str:
    """A logged UTC time in the server's local time, to the second."""
    if not moment:
        return ""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


bp.add_app_template_filter(local_time, "local_time")


def filters() -> tuple[int, str]:
    """(days, channel) from the query string, checked."""
    days = request.args.get("days", "30")
    days = int(days) if days.isdigit() and int(days) in DAY_CHOICES else 30
    channel = request.args.get("channel", "")
    return days, channel if channel in CHANNELS else ""


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path inside the admin area only, never another site.

    A control character (a line break would split the Location header) sends the admin to the overview.
    """
    if target and any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("admin.overview")
    if target and target.startswith("/admin") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("admin.overview")


# -- login -----------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; ten attempts a minute from one address, the tenth refused."""
    form = LoginForm()
    no_password = not stored_hash(instance())
    if request.method == "POST":
        address = request.remote_addr or "?"
        if not current_app.extensions["login_limiter"].allow(address):
            log.warning("admin login refused: too many attempts from %s", address)
            return render_template(
                "admin/login.html", form=form, no_password=no_password, error="尝试次数太多，请一分钟后再试。"
            ), 429
        if form.validate_on_submit() and check_password(instance(), form.password.data):
            sessions = current_app.extensions["admin_sessions"]
            sessions.end(session.get("sid"))  # a login over a login: the earlier one ends
            session_id = sessions.start()
            if session_id is None:
                log.error("admin login from %s refused: the state store cannot keep the session", address)
                return render_template(
                    "admin/login.html",
                    form=form,
                    no_password=no_password,
                    error="暂时无法登录：保存登录状态的存储（STATE_DB / STATE_URL）不可用，请稍后再试。",
                ), 503
            session.clear()  # nothing from before the login carries over
            session["admin"] = generation(instance())
            session["sid"] = session_id
            session.permanent = True
            log.warning("admin login from %s", address)
            return redirect(safe_next(request.args.get("next")))
        log.warning("admin login failed from %s", address)
        # 200, not 401: a form page, and 401 asks for HTTP authentication (WWW-Authenticate) that this isn't
        return render_template("admin/login.html", form=form, no_password=no_password, error="密码不对。")
    return render_template("admin/login.html", form=form, no_password=no_password, error="")


@bp.post("/logout")
def logout():
    """End the admin session, on every worker: a copy of its cookie no longer logs anyone in."""
    current_app.extensions["admin_sessions"].end(session.get("sid"))
    session.clear()
    flash("已退出。")
    return redirect(url_for("admin.login"))


# -- the log ---------------------------------------------------------------------------------------
def read_log(call, default):
    """A log query, or `default` with a message on the page when the log database cannot be read."""
    try:
        return call()
    except LogUnavailable as exc:
        flash(f"问题记录暂时无法读取：{exc}")
        return default


@bp.get("/")
def overview():
    """Totals, questions per day and per channel, the state of the log and of the index."""
    days, _ = filters()
    qlog = question_log()
    totals = read_log(
        lambda: qlog.totals(days), {"asked": 0, "unanswered": 0, "up": 0, "down": 0, "latency_ms": 0}
    )
    daily = read_log(lambda: qlog.per_day(days), [])
    by_channel: dict[str, int] = {}
    for row in daily:
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + int(row["asked"])
    series = day_series(daily, days, date.today())
    return render_template(
        "admin/overview.html",
        page="admin",
        section="overview",
        days=days,
        days_choices=DAY_CHOICES,
        totals=totals,
        day_chart=per_day_chart(series, CHANNELS),
        channel_chart=per_channel_chart(by_channel),
        by_channel=by_channel,
        channel_names=CHANNEL_NAMES,
        health=qlog.health(),
        status=current_app.extensions["reloader"].status(),
        logout=ActionForm(),
    )


def rows_of(view: str, days: int, channel: str) -> list[dict]:
    """The rows a list shows (and its export holds)."""
    qlog = question_log()
    if view == "top":
        return read_log(lambda: qlog.most_asked(days, channel, MAX_ROWS), [])
    return read_log(lambda: qlog.questions(view, days, channel, MAX_ROWS), [])


@bp.get("/questions")
def questions():
    """A list of logged questions: ?view=recent | unanswered | disliked | top, ?days=, ?channel=."""
    view = request.args.get("view", "recent")
    if view not in (*VIEWS, "top"):
        abort(404)
    days, channel = filters()
    return render_template(
        "admin/questions.html",
        page="admin",
        section=view,
        view=view,
        title=VIEW_NAMES[view],
        rows=rows_of(view, days, channel),
        days=days,
        channel=channel,
        days_choices=DAY_CHOICES,
        channel_names=CHANNEL_NAMES,
        logout=ActionForm(),
    )


QUESTION_COLUMNS = (
    ("时间", "asked_at"),
    ("渠道", "channel"),
    ("问题", "question"),
    ("意图", "intent"),
    ("找到答案", "found"),
    ("首条条款", "top_clause"),
    ("条款标题", "top_title"),
    ("耗时ms", "latency_ms"),
    ("评价", "vote"),
    ("意见", "comment"),
    ("用户", "user_hash"),
    ("回答编号", "answer_id"),
)
TOP_COLUMNS = (
    ("问题", "question"),
    ("次数", "asked"),
    ("没有答案", "unanswered"),
    ("赞", "up"),
    ("踩", "down"),
    ("最近一次", "last"),
)


def cell(key: str, value: object) -> str:
    """A value as a CSV cell: times local, yes/no in words, channels by name; never a formula."""
    if isinstance(value, datetime):
        return local_time(value)
    if key == "found":
        return "是" if value else "否"
    if key == "channel":
        return CHANNEL_NAMES.get(str(value), str(value))
    if key == "vote":
        return {"up": "赞", "down": "踩"}.get(str(value), "")
    return excel_safe("" if value is None else str(value))


@bp.get("/questions.csv")
def questions_csv():
    """The list shown, as CSV for Excel (UTF-8 with a BOM)."""
    view = request.args.get("view", "recent")
    if view not in (*VIEWS, "top"):
        abort(404)
    days, channel = filters()
    columns = TOP_COLUMNS if view == "top" else QUESTION_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([head for head, _ in columns])
    for row in rows_of(view, days, channel):
        writer.writerow([cell(key, row.get(key)) for _, key in columns])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    name = f"{VIEW_NAMES[view]}-{days}天{'-' + CHANNEL_NAMES[channel] if channel else ''}.csv"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"questions-{view}.csv\"; filename*=UTF-8''{quote(name)}"
    )
    return response
