"""At most HEAVY_REQUESTS costly requests at once on a server, so that answers always find a free worker.

A page of the matrix, a download, a Word export, an upload (a bomb among them) or a change that rebuilds the
index takes a worker for a tenth of a second to seconds. gunicorn's sync workers serve one request each: two
such requests at once (4 clients reading /units in a loop, an admin uploading a PDF bomb) left no worker for
/api/ask, and another client's answers waited seconds. The costly requests now take a slot first, a lock file
in the instance folder shared by every worker (and every thread of `python app.py`); with none free, the
request is refused at once with 503 and Retry-After, never queued behind the others (a queued request would
hold its worker while it waits). Answers, the chat page, clause pages and the platforms' callbacks take no
slot.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from flask import Flask, abort, g, request

log = logging.getLogger(__name__)
__all__ = ["HEAVY_ENDPOINTS", "Gate", "init_app"]

# What costs a worker more than an answer does: pages and downloads that grow with the plans, exports, every
# admin action that reads an upload or rebuilds the index.
HEAVY_ENDPOINTS = frozenset({
    "pages.units", "pages.unit", "pages.units_csv", "pages.units_xlsx", "pages.plan", "exports.unit_docx",
    "api.minutes.conversation_docx", "api.clauses", "api.units", "admin.upload", "admin.plan",
    "admin.questions_csv", "admin.add_synonym_view", "admin.add_correction_view", "admin.add_alias_view",
    "admin.remove_plan", "admin.save_renames_view", "admin.clause",
})
RETRY_SECONDS = 2
BUSY = "服务器正在处理其他下载或上传，请 2 秒后重试。"


class Gate:
    """`slots` lock files in `folder`: a costly request holds one while it runs."""

    def __init__(self, folder: str | os.PathLike, slots: int):
        if slots < 0:
            raise ValueError(f"HEAVY_REQUESTS must be 0 (no limit) or more, got {slots}")
        self.slots = slots
        self.paths = [Path(folder) / f"heavy-{n}.lock" for n in range(slots)]
        if slots:
            Path(folder).mkdir(parents=True, exist_ok=True)

    def enter(self) -> int | None:
        """A slot's open file descriptor, held; None when every slot is taken (or there are no slots to take:
        -1, which needs no release)."""
        if not self.slots:
            return -1
        for path in self.paths:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:  # the folder unwritable: no limit rather than no pages
                log.warning("request slots unavailable (%s): not limited", exc)
                return -1
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except OSError:
                os.close(fd)
        return None

    @staticmethod
    def leave(fd: int | None) -> None:
        """Give a slot back (closing the file releases its lock, in every case)."""
        if fd is not None and fd >= 0:
            os.close(fd)


def init_app(app: Flask, folder: Path) -> None:
    """Costly endpoints take a slot before they run and give it back when the request ends."""
    gate = Gate(folder, int(app.config["HEAVY_REQUESTS"]))
    app.extensions["gate"] = gate

    @app.before_request
    def take_slot():
        if request.endpoint not in HEAVY_ENDPOINTS:
            return None
        fd = gate.enter()
        if fd is None:
            abort(503, BUSY)
        g.heavy_slot = fd
        return None

    @app.after_request
    def say_retry(response):
        if response.status_code == 503 and getattr(g, "heavy_slot", None) is None and \
                request.endpoint in HEAVY_ENDPOINTS:
            response.headers["Retry-After"] = str(RETRY_SECONDS)
            if request.method == "GET" and response.mimetype == "text/html":
                response.headers["Refresh"] = str(RETRY_SECONDS)  # a page opened in the browser tries again
        return response

    @app.teardown_request
    def give_back(_exc):
        gate.leave(g.pop("heavy_slot", None))
