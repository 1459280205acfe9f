"""One reply per platform message, across worker processes:
the platforms resend a message they got no answer to."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from qa import StateStore

log = logging.getLogger(__name__)


class ReplyOnce:
    """Computes the reply to a message once; a resend, in any process sharing the store, gets the same reply.

    The first request claims the message's key in the shared StateStore, computes and stores the reply. A
    resend that arrives meanwhile waits up to `wait_seconds` for it (WeChat resends after 5 s, three times).
    While the store is down nothing can be claimed once: StateUnavailable, for the caller to refuse the
    message (the platform sends it again) rather than answer every copy of it.
    """

    def __init__(
        self,
        store: StateStore,
        wait_seconds: float = 4.0,
        poll_seconds: float = 0.05,
        keep_seconds: float = 600.0,
        pending_seconds: float = 20.0,
    ):
        if wait_seconds < 0:
            raise ValueError(f"wait_seconds must be >= 0, got {wait_seconds}")
        if poll_seconds <= 0:
            raise ValueError(f"poll_seconds must be positive, got {poll_seconds}")
        if keep_seconds <= 0:
            raise ValueError(f"keep_seconds must be positive, got {keep_seconds}")
        if pending_seconds <= wait_seconds:
            raise ValueError(
                f"pending_seconds must exceed wait_seconds ({wait_seconds}), got {pending_seconds}"
            )
        self.store = store
        self.wait, self.poll = wait_seconds, poll_seconds
        self.keep, self.pending = keep_seconds, pending_seconds

    @staticmethod
    def key(*parts: str) -> str:
        """The store key of a message identified by parts (e.g. platform, account, MsgId)."""
        return "wxmsg:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()

    def reply(self, key: str, compute: Callable[[], str]) -> str | None:
        """The reply stored under key, computed by this call if no one has; None if another is still at it."""
        deadline = time.monotonic() + self.wait
        while True:
            # A claim expires after pending_seconds:
            # a process that died mid-answer does not hold the key forever.
            if self.store.claim(key, {"state": "pending"}, ttl=self.pending, fail_closed=True):
                return self._compute(key, compute)
            while (value := self.store.get(key, fail_closed=True)) is not None:
                if value.get("state") == "done":
                    return str(value.get("reply", ""))
                if time.monotonic() >= deadline:
                    log.warning(
                        "a resent message is still being answered after %.1f s; replying empty", self.wait
                    )
                    return None
                time.sleep(self.poll)
            # the key is gone: the first attempt failed and let go of it, so this one answers

    def _compute(self, key: str, compute: Callable[[], str]) -> str:
        """Compute and store the reply under a key this process has claimed."""
        try:
            reply = compute()
        except BaseException:
            self.store.delete(key)  # let a resend try again
            raise
        self.store.put(key, {"state": "done", "reply": reply}, ttl=self.keep)
        return reply
