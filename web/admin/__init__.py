"""The admin area at /admin, behind a login: the question log, from a gap to a fix, the plans.

`init_app` also sets up what the area rests on: the secret key (made once in the instance folder), session
cookies (HttpOnly, SameSite=Lax, Secure over HTTPS), the forwarded headers of trusted proxies only (nginx),
CSRF protection, the question log and the corpus reloader.
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from qa.reading.knowledge_edit import Backups, remove_old_locks

from ..proxies import TrustedProxies
from ..question_log import QuestionLog, sqlite_url_for
from ..settings import instance_dir
from .auth import AdminSessions, LoginLimiter, generation, load_secret_key
from .reload import CorpusReloader
from .uploads import clean_staging

__all__ = ["bp", "csrf", "init_app"]
log = logging.getLogger("qa.admin")
bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
csrf = CSRFProtect()
OPEN_ENDPOINTS = {"admin.login", "admin.static"}  # everything else under /admin needs a login


class HttpsAwareSessions(SecureCookieSessionInterface):
    """Session cookies marked Secure when the request came over HTTPS (as nginx reports it), not otherwise:
    a Secure cookie on plain HTTP would never come back and the login would not hold."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app: Flask, request):
        # Only admins carry a session cookie: a question (no cookie) gets an empty session without the
        # cost of building a signer, and the signer is built once per secret key, not once per request.
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class() if app.secret_key else None
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if getattr(self, "_signer_key", None) != key:
            self._signer, self._signer_key = super().get_signing_serializer(app), key
        return self._signer


def init_app(app: Flask, seen_version: str = "") -> None:
    """Set up the admin area and what it rests on; `seen_version`: the corpus stamp the index was built at."""
    from .. import build_assistant, ready

    config = app.config
    folder = instance_dir(config)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_secret_key(folder)
    config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=int(config["ADMIN_SESSION_MINUTES"])),
        WTF_CSRF_CHECK_DEFAULT=False,  # the admin blueprint checks its own POSTs; /api and /wechat have none
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the login
    )
    app.session_interface = HttpsAwareSessions()
    hops = int(config["PROXY_HOPS"])
    if hops < 0:
        raise ValueError(f"PROXY_HOPS must be 0 or more, got {hops}")
    if hops:  # the client's address and scheme as nginx saw them, believed from TRUSTED_PROXIES only
        app.wsgi_app = TrustedProxies(app.wsgi_app, config["TRUSTED_PROXIES"], hops)
    csrf.init_app(app)
    store = app.extensions["state"]
    question_log = QuestionLog(
        str(config["LOG_URL"] or sqlite_url_for(folder)),
        secret=str(config["SECRET_KEY"]).encode(),
        days=int(config["LOG_DAYS"]),
        queue_size=int(config["LOG_QUEUE"]),
        enabled=bool(config["LOG_QUESTIONS"]),
        max_rows=int(config["LOG_MAX_ROWS"]),
        max_bytes=int(config["LOG_MAX_BYTES"]),
    )
    question_log.start()
    app.extensions["log"] = question_log
    reloader = CorpusReloader(
        app, store, lambda: ready(build_assistant(app.config, store)), config["CORPUS_DIR"], seen_version
    )
    app.extensions["reloader"] = reloader
    app.before_request(reloader.check)
    app.extensions["login_limiter"] = LoginLimiter(store, int(config["LOGIN_ATTEMPTS"]))
    app.extensions["admin_sessions"] = AdminSessions(store, int(config["ADMIN_SESSION_MINUTES"]))
    Backups(folder / "backups", int(config["BACKUPS_KEPT"]))  # a bad BACKUPS_KEPT stops the start, named
    clean_staging(folder / "uploads")  # what uploads killed mid-way left behind
    remove_old_locks(Path(config["CORPUS_DIR"]))  # the lock files live in the instance folder now
    from . import manage, views  # noqa: F401 — their routes join the blueprint

    app.register_blueprint(bp)


def instance() -> Path:
    """The instance folder of the app handling this request."""
    return instance_dir(current_app.config)


def logged_in() -> bool:
    """Whether this session logged in with the password that is set now, and has not logged out since."""
    mark, current = session.get("admin"), generation(instance())
    if not (mark and current and hmac.compare_digest(str(mark), current)):
        return False
    return current_app.extensions["admin_sessions"].alive(session.get("sid"))


@bp.before_request
def guard():
    """No admin page or API without a login; every changing request carries the CSRF token."""
    if request.endpoint not in OPEN_ENDPOINTS and not logged_in():
        if request.path.startswith("/admin/api/"):
            response = jsonify({"error": "login required"})
            response.status_code = 401
            return response
        if request.method == "GET":
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("admin.login"))
    if request.method == "GET" and request.args.get("v"):  # the page after a change: show the change
        current_app.extensions["reloader"].catch_up(request.args["v"][:64])
    if request.endpoint == "admin.upload":
        from .manage import raise_upload_limit

        raise_upload_limit()
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.endpoint != "admin.static":
        csrf.protect()
    return None


@bp.after_request
def never_cache(response):
    """Admin pages hold the log and forms: never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Frame-Options"] = "DENY"
    response.vary.add("Cookie")
    return response
