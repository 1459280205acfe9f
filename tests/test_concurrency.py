"""32 conversations at once through the production servers: each follow-up answers about its own topic."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.client import ask
from bench.server import serving
from qa import Assistant, StateStore

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 32
FOLLOW_UP = "那配合单位呢？"


@pytest.fixture(scope="module")
def dialogues(both_plans) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """32 (question, expected units of the follow-up, its cited clause ids), no two follow-ups alike.

    Expected answers come from the library, one conversation at a time: the reference the servers must
    match when the 32 conversations run at once. Distinct answers make any mixed-up context show.
    """
    reference = Assistant.from_folder(both_plans, store=StateStore(":memory:"))
    found, seen = [], set()
    for n, clause in enumerate(reference.clauses):
        if not (clause.lead and clause.cooperate and 2 <= len(clause.title) <= 14):
            continue
        question = f"{clause.title}由哪个单位牵头？"
        first = reference.ask(question, f"ref-{n}")
        follow = reference.ask(FOLLOW_UP, f"ref-{n}")
        key = (follow.units, tuple(c.id for c in follow.citations))
        if first.found and follow.found and follow.units and key not in seen:
            seen.add(key)
            found.append((question, *key))
    assert len(found) >= SESSIONS, f"only {len(found)} distinct topics with cooperating units"
    return found[:SESSIONS]


def converse_at_once(base: str, dialogues: list, tag: str) -> list[dict]:
    """Every conversation asks its topic at the same moment, then its follow-up at the same moment."""
    barrier = threading.Barrier(len(dialogues))

    def converse(index: int) -> dict:
        question = dialogues[index][0]
        session = f"{tag}-{index}"
        barrier.wait(30)
        status, first = ask(base, question, session, timeout=30)
        assert status == 200, first
        barrier.wait(30)
        status, follow = ask(base, FOLLOW_UP, session, timeout=30)
        assert status == 200, follow
        return follow

    with ThreadPoolExecutor(len(dialogues)) as pool:
        return list(pool.map(converse, range(len(dialogues))))


@pytest.mark.parametrize("kind", ["waitress", "gunicorn"])
def test_follow_ups_at_once_keep_their_own_topic(tmp_path, both_plans, dialogues, kind):
    # waitress: 8 threads share one assistant; gunicorn: 2 processes share the conversations through SQLite
    with serving(kind, tmp_path, both_plans) as server:
        for round_ in range(3):  # several rounds: interleavings differ from one to the next
            answers = converse_at_once(server.base, dialogues, f"{kind}-{round_}")
            for (question, units, cited), answer in zip(dialogues, answers):
                assert tuple(answer["units"]) == units, f"{question} → {FOLLOW_UP}: {answer['units']}"
                assert tuple(c["id"] for c in answer["citations"]) == cited, question
