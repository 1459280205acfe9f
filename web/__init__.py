"""The web surfaces of the assistant: the app factory, pages, JSON API, WeChat endpoints; the command line."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Request, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_content_length, get_input_stream

from qa import Assistant, StateStore, load_corpus
from qa.reading.limits import ReadingLimits

from .serialize import AnswerBodies
from .settings import load_settings

__all__ = ["SHIPPED_CORPUS", "build_assistant", "create_app", "current_assistant", "ready"]
log = logging.getLogger("qa.app")
# The shipped corpus folder: its units.yaml and terms.yaml serve a corpus folder that has none.
SHIPPED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def build_assistant(settings: Mapping, store: StateStore | None = None) -> Assistant:
    """The assistant over the configured corpus: what the app and the command line both answer with."""
    limits = ReadingLimits(plan_bytes=int(settings["MAX_PLAN_BYTES"]), yaml_bytes=int(settings["MAX_YAML_BYTES"]),
                           convert_seconds=int(settings.get("CONVERT_SECONDS", 120)),
                           ocr_seconds=int(settings.get("OCR_SECONDS", 600)))
    snapshot = settings.get("INDEX_SNAPSHOT") or None
    # each plan's clauses are kept beside the index snapshot (index-snapshot.plans/): a restart reads no plan
    plans = Path(snapshot).with_suffix(".plans") if snapshot else None
    corpus = load_corpus(settings["CORPUS_DIR"], SHIPPED_CORPUS, limits, cache=plans)
    return Assistant(corpus.clauses, corpus.units, corpus.lexicon, store, warnings=corpus.warnings,
                     snapshot=snapshot)


def ready(assistant: Assistant) -> Assistant:
    """The assistant with what its first requests would make made now: each unit's tasks, the example questions,
    the matrix of the pages, the check of every question an answer can suggest. gunicorn makes them before its
    workers fork, so that the workers share them and no first request waits for them (a compilation's units'
    tasks took 0.1 s and its matrix 0.3 s on first use; its 4,356 suggestible questions 1.7 s)."""
    from qa.index.salience import light_pos_words
    from qa.index.snapshot import part

    from .matrix import matrix_of

    # jieba's grammatical words, read on the first question holding a word the plans lack (kept beside the index)
    light_pos_words(part(assistant.snapshot, ".light.json") if assistant.snapshot else None)
    assistant.tasks_of("")
    assistant.examples  # noqa: B018 — made and kept (a cached property)
    assistant.clause_texts  # noqa: B018 — every clause's text as one, for names the plans hold untasked
    assistant.plans_of_unit  # noqa: B018 — the plans giving each unit a task (a unit's place names no other plan)
    assistant.retriever.searchable_at  # noqa: B018 — each clause's place, for a task's paragraphs
    assistant.prepare_documents()  # every plan's front-matter sentences, for questions about the documents
    matrix_of(assistant)
    # the questions an answer may suggest, each answered before it is offered: answered now, not by a request
    assistant.check_suggestions()
    return assistant


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while: the build makes a million objects that all live on, and
    the collector's passes over them would only find them alive (a tenth of start-up)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What the build made is all in the youngest generation, where the collector would scan it three
            # times over as it aged it (a fifth of a second at the compilation's size): moved straight to the
            # oldest instead (frozen, then thawed into it: no scan), as it lives as long as the app. A cycle of
            # garbage it left is found by the next full collection, if one runs before web.server.freeze_heap
            # freezes it with the rest (gunicorn's pre-fork does at once). (Not while some objects are frozen already:
            # thawing them too would undo web.server.freeze_heap.)
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def current_assistant() -> Assistant:
    """The assistant of the app handling this request."""
    return current_app.extensions["qa"]


class AtMost(LimitedStream):
    """A body without a Content-Length (chunked), read up to a maximum: one byte more is a 413.

    Werkzeug's own stream stops reading at the maximum and hands back what it read, so a chunked body over
    MAX_CONTENT_LENGTH reached the views cut short (400 "not valid JSON") instead of refused."""

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._stream.read(1):  # the body goes on past the maximum
            raise RequestEntityTooLarge()
        return data


class BoundedRequest(Request):
    """Flask's request, with any body over its maximum refused (413), chunked or not."""

    @cached_property
    def stream(self):
        if self.shallow:
            return super().stream  # which says why a shallow request has none
        limit = self.max_content_length
        if limit is not None and get_content_length(self.environ) is None and \
                "wsgi.input_terminated" in self.environ:  # a server that ends a chunked body (gunicorn)
            return AtMost(self.environ["wsgi.input"], limit, is_max=True)
        return get_input_stream(self.environ, max_content_length=limit)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings (defaults → config.yaml → environment → `config`), the index, the views."""
    settings = load_settings(config)
    app = Flask(__name__)
    app.request_class = BoundedRequest
    app.config.update(settings)
    app.json.ensure_ascii = False
    store = StateStore(
        settings["STATE_URL"] or settings["STATE_DB"],
        ttl_seconds=settings["SESSION_TTL"],
        max_entries=settings["MAX_SESSIONS"],
    )
    from .admin.reload import corpus_version

    version = corpus_version(store)  # read before the build: a change made during it is picked up after
    with _collector_paused():
        assistant = ready(build_assistant(settings, store))
    for warning in assistant.warnings:
        log.warning(warning)
    app.extensions["qa"] = assistant
    app.extensions["state"] = store
    app.extensions["answer_bodies"] = AnswerBodies(app.url_map, int(settings["ANSWER_BODIES"]))

    from . import admin, api, dingtalk, exports, pages, site, wechat

    admin.init_app(app, version)  # secret key, cookies, trusted proxies, CSRF, question log, reloader, /admin
    from . import gate
    from .settings import instance_dir

    gate.init_app(app, instance_dir(app.config))  # costly requests one at a time: answers keep a worker
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(wechat.bp)
    app.register_blueprint(dingtalk.bp)
    _register_errors(app)
    _security_headers(app)
    app.wsgi_app = api.FastAsk(app, app.wsgi_app)  # outermost: /api/ask's usual case skips the rest
    return app


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; "
    "form-action 'self'"
)
# What every response carries (unless a view set its own): nothing from outside the app, no MIME sniffing.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)
INTERNAL_ERROR = b'{"error":"internal error; the request was not processed"}'


def too_large(size: int, path: str, limit: int) -> bytes:
    """The 503 body for a response over MAX_RESPONSE_BYTES (sent instead of it), logged."""
    log.error("refused to send %s bytes for %s (MAX_RESPONSE_BYTES is %s)", size, path, limit)
    return json.dumps({"error": f"the response would be larger than {limit} bytes; narrow the request"}).encode()


def _security_headers(app: Flask) -> None:
    """Every response: a Content-Security-Policy (nothing from outside the app), no MIME sniffing."""

    @app.after_request
    def headers(response):
        limit = app.config["MAX_RESPONSE_BYTES"]
        if response.content_length is not None and response.content_length > limit:
            response = app.response_class(too_large(response.content_length, request.path, limit), status=503,
                                          mimetype="application/json")
        location = response.headers.get("Location")
        if location and urlsplit(location).netloc:
            # Werkzeug's own redirects (/units//x → /units/x) name the client's Host header in an absolute
            # Location: a link to any host. This app only ever sends a client to itself: the path is enough.
            target = urlsplit(location)
            response.headers["Location"] = urlunsplit(("", "", target.path, target.query, target.fragment))
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response


def _register_errors(app: Flask) -> None:
    """Errors as JSON for the API and Chinese pages in the site's layout elsewhere; never a bare 500."""
    from .site import error_page, wants_json

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if wants_json():
            response = jsonify({"error": exc.description or exc.name})
            response.status_code = exc.code or 500
            for name, value in exc.get_headers():  # e.g. the Allow header of a 405
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response
        return error_page(exc.code, exc)

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        # 1,000 nested brackets of JSON exhaust the parser's recursion: the body is refused, as broken JSON is
        response = jsonify({"error": "the body is nested too deeply to be read"})
        response.status_code = 400
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        if not wants_json():
            return error_page(500)
        return app.response_class(INTERNAL_ERROR, status=500, mimetype="application/json")
