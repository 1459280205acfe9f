"""The index rebuilt without a restart, in every worker process and on every server.

A change made in the admin pages (a plan uploaded or removed, a word or a unit's name added, a clause's units
corrected) writes a new stamp under "corpus:version" in the shared state store. Each worker looks at the
stamp at most once a second, as requests come and from a watcher thread of its own (so that a worker the
requests have not reached for a while is not behind when one does), and rebuilds in a background thread when
it has changed: the old index answers until the new one is ready, then one assignment swaps them. A rebuild that fails, or that
would drop a plan because it no longer loads, leaves the old index serving and says why.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from qa import Assistant, StateStore

log = logging.getLogger(__name__)
KEY = "corpus:version"
STAMP_TTL = 10 * 365 * 24 * 3600.0  # the stamp outlives any deployment; its loss only means no reload
CATCH_UP_SECONDS = 10.0  # the page after a change waits this long at most for this worker's rebuild


def corpus_version(store: StateStore) -> str:
    """The corpus stamp in the store ('' before the first change, or while the store is down)."""
    stamp = store.get(KEY)
    return str(stamp.get("id", "")) if stamp else ""


class CorpusReloader:
    """Keeps app.extensions["qa"] in step with the corpus stamp."""

    def __init__(
        self,
        app: Flask,
        store: StateStore,
        build: Callable[[], Assistant],
        corpus_dir: str | Path,
        seen: str = "",
        interval: float = 1.0,
    ):
        if interval <= 0:
            raise ValueError(f"the reload check interval must be positive, got {interval!r}")
        self.app, self.store, self.build = app, store, build
        self.corpus_dir = Path(corpus_dir)
        self.interval = float(interval)
        self.seen = seen  # the stamp the serving index was built for
        self.building = False
        self.problem = ""  # why the last rebuild was not put in service ('' when it was)
        self.built_at = time.time()
        self.rebuilds = 0
        self._checked = time.monotonic()
        self._check_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._rebuilt = threading.Condition()  # notified after each rebuild, put in service or not
        self._stopped = False
        self._watching = 0  # the process whose watcher thread runs (a forked worker starts its own)
        me = weakref.ref(self)
        # a gunicorn worker watches from its first moment, before any request reaches it; never the master,
        # which forks (a thread there could hold a lock across the fork)
        os.register_at_fork(after_in_child=lambda: (r := me()) is not None and r._watch_after_fork())

    def status(self) -> dict:
        """What the admin pages show: the version serving, whether a rebuild runs, the last problem."""
        qa = self.app.extensions["qa"]
        return {
            "version": self.seen,
            "building": self.building,
            "problem": self.problem,
            "built_at": self.built_at,
            "rebuilds": self.rebuilds,
            "documents": list(qa.documents),
            "clauses": len(qa.clauses),
            "pid": os.getpid(),
        }

    def check(self) -> None:
        """Before a request: at most once per interval, read the stamp and start a rebuild if it moved."""
        if self._watching != os.getpid() and not self._stopped:
            self._watch()
        now = time.monotonic()
        if now - self._checked < self.interval or not self._check_lock.acquire(blocking=False):
            return
        try:
            if now - self._checked < self.interval:
                return
            self._checked = now
            version = corpus_version(self.store)
            if version and version != self.seen:
                self._start(version)
        finally:
            self._check_lock.release()

    def _watch(self) -> None:
        """Start this process's watcher: it checks the stamp every interval whether requests come or not. It
        holds the reloader weakly and ends with it, so an app that is gone leaves no thread behind."""
        with self._start_lock:
            if self._watching == os.getpid():
                return
            self._watching = os.getpid()
        me = weakref.ref(self)

        def watch() -> None:
            while True:
                reloader = me()
                if reloader is None or reloader._stopped or reloader._watching != os.getpid():
                    return
                interval = reloader.interval
                try:
                    reloader.check()
                except Exception as exc:  # the store down: the next look tries again
                    log.warning("corpus stamp check failed: %s", exc)
                del reloader
                time.sleep(interval)

        threading.Thread(target=watch, name="corpus-watch", daemon=True).start()

    def _watch_after_fork(self) -> None:
        """In a process just forked: start its watcher (a failure here must not stop the fork)."""
        try:
            if not self._stopped:
                self._watch()
        except Exception as exc:
            log.warning("corpus watcher not started after fork: %s", exc)

    def stop_watching(self) -> None:
        """End the watcher thread (it notices within one interval)."""
        self._stopped = True

    def _start(self, version: str) -> None:
        """Rebuild for `version` in a background thread, unless a rebuild runs already."""
        with self._start_lock:
            if self.building:
                return
            self.building = True
            threading.Thread(target=self.rebuild, args=(version,), name="corpus-reload", daemon=True).start()

    def changed(self) -> bool:
        """After this worker changed the corpus: stamp a new version for the others, rebuild here now.

        Returns whether the new index is serving (see `problem` when not).
        """
        version = uuid.uuid4().hex
        self.store.put(KEY, {"id": version, "at": time.time(), "pid": os.getpid()}, ttl=STAMP_TTL)
        return self.rebuild(version)

    def catch_up(self, version: str, wait: float = CATCH_UP_SECONDS) -> None:
        """Before the page after a change (`?v=`, which may reach another worker than the one that made it):
        when the store's stamp is newer than the index serving here, let the background rebuild run (started
        now if need be) and wait for it, `wait` seconds at most. The request's own thread never builds, and
        `version` itself starts nothing: only a stamp in the store does, so a made-up `?v=` costs nothing."""
        if not version or version == self.seen:
            return
        stamp = corpus_version(self.store)
        if not stamp or stamp == self.seen:
            return
        deadline = time.monotonic() + wait
        with self._rebuilt:
            while self.seen != stamp and (left := deadline - time.monotonic()) > 0:
                self._start(stamp)
                self._rebuilt.wait(left)

    def rebuild(self, version: str) -> bool:
        """Build the index anew and put it in service unless it failed; one build at a time."""
        try:
            return self._rebuild(version)
        finally:
            with self._rebuilt:  # a page waiting in catch_up looks again
                self._rebuilt.notify_all()

    def _rebuild(self, version: str) -> bool:
        """rebuild(), its waiters aside."""
        with self._build_lock:
            if version == self.seen:  # another thread built it while this one waited
                self.building = False
                return not self.problem
            self.building = True
            old = self.app.extensions["qa"]
            started = time.perf_counter()
            try:
                new = self.build()
                new.examples  # noqa: B018 — computed here, not by the first request after the swap
                lost = self._lost_plans(old, new)
                if lost:
                    raise RuntimeError("；".join(lost))
            except Exception as exc:  # anything at all: the old index keeps answering
                self.problem = f"重建索引失败，仍使用原索引：{exc}"[:1000]
                log.error(
                    "corpus rebuild for version %s failed; the old index keeps serving: %s", version, exc
                )
                self.seen = version  # not retried until the next change
                return False
            finally:
                self.building = False
            self.app.extensions["qa"] = new
            self.seen, self.problem, self.built_at = version, "", time.time()
            self.rebuilds += 1
            log.warning(
                "corpus reloaded (version %s): %s plans, %s clauses in %.2f s",
                version[:8],
                len(new.documents),
                len(new.clauses),
                time.perf_counter() - started,
            )
            return True

    def _lost_plans(self, old: Assistant, new: Assistant) -> list[str]:
        """Why plans that served before are missing from the new index though their files are still there."""
        before = {c.source for c in old.clauses}
        after = {c.source for c in new.clauses}
        missing = sorted(s for s in before - after if (self.corpus_dir / s).is_file())
        reasons = []
        for source in missing:
            said = [w for w in new.warnings if source in w]
            reasons.append("；".join(said) if said else f"{source} 不再能读出条款")
        return reasons
