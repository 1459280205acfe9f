"""A conversation asked again from its questions alone: what the minutes are made from (web/word.py), so that
no answer or clause text is taken from the client."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from .assistant import Assistant
from .records import Answer

__all__ = ["replay"]


def replay(assistant: Assistant, questions: Iterable[str], plan: str | None = None) -> list[tuple[str, Answer]]:
    """Each question with its answer, asked in order as one conversation (follow-ups continue the topic), of
    `plan` alone when one is given (an id or a name, as the chat's plan picker sends it).

    The questions are asked exactly as Assistant.ask asks them, in a session of their own that no client can
    name (a random "replay:" id), removed afterwards: no one's conversation is read or changed.
    """
    session = f"replay:{secrets.token_hex(16)}"
    exchanges: list[tuple[str, Answer]] = []
    try:
        for question in questions:
            answer = assistant.ask(question, session, plan=plan) if plan else assistant.ask(question, session)
            exchanges.append((question, answer))
    finally:
        key = assistant.conversations._key(session)  # the store's key of that session
        if key:
            assistant.conversations.store.delete(key)
    return exchanges
