"""Conversation state: what a session's last question left for the next one, kept in the state store."""

from __future__ import annotations


import orjson

from ..memo import IdentityMemo
from ..records import Answer, Question, replace
from ..state import StateStore

CONTEXTS_KEPT = 4096  # (question, answer) pairs whose context text is kept ready to store
PLAN_KEPT_SECONDS = 30 * 24 * 3600  # a plan chosen by message ("切换到锡盟方案") is kept this long, not a session's


class Conversations:
    """Reads and writes each session's context through a StateStore (shared by worker processes)."""

    def __init__(self, store: StateStore | None):
        if store is not None and not isinstance(store, StateStore):
            raise ValueError(f"store must be a StateStore or None, got {type(store).__name__}")
        self.store = store
        # The same question answered the same way leaves the same context: its JSON is made once.
        self._texts: IdentityMemo[str] = IdentityMemo(CONTEXTS_KEPT)

    def _key(self, session_id: str | None) -> str | None:
        """The store key of a session (None when there is no session or no store)."""
        return f"session:{session_id}" if session_id and self.store is not None else None

    def context(self, session_id: str | None) -> dict | None:
        """What the session's previous question left, or None."""
        key = self._key(session_id)
        return self.store.get(key) if key else None

    def remember(self, session_id: str | None, question: Question, answer: Answer) -> None:
        """Keep this question, anchored on the clause its answer rests on, for the next one."""
        key = self._key(session_id)
        if key:
            self.store.put_json(key, self.context_text(question, answer))

    def chosen_plan(self, session_id: str | None) -> str:
        """The plan a session chose by message ("切换到锡盟方案"): its id, '' for every plan."""
        if not session_id or self.store is None:
            return ""
        kept = self.store.get(f"plan:{session_id}") or {}
        return kept.get("plan", "") if isinstance(kept.get("plan"), str) else ""

    def choose_plan(self, session_id: str | None, plan: str) -> bool:
        """Keep the plan a session asks of ('' for every plan); False when there is nowhere to keep it."""
        if not session_id or self.store is None:
            return False
        self.store.put(f"plan:{session_id}", {"plan": plan}, ttl=PLAN_KEPT_SECONDS)
        return True

    def context_text(self, question: Question, answer: Answer) -> str:
        """The JSON a question and its answer leave for the next question."""
        text = self._texts.get((question, answer))
        if text is None:
            anchor = tuple(c.id for c in answer.citations[:1]) if answer.found else question.anchor
            context = replace(question, anchor=anchor).to_context()
            if len(answer.plans) > 1:  # the plans that answered, in the answer's order ("第二个方案呢")
                context["answered"] = list(answer.plans)
            # orjson: a new question's context is written as it is answered, in a fifth of json's time
            text = self._texts.put((question, answer), orjson.dumps(context).decode())
        return text
