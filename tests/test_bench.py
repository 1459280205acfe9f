"""The bench's parts that a run rests on: the new questions it asks, the ratios and lines it reports, the
memory it reads (bench/phrasings.py, bench/report.py, bench/server.py)."""

from __future__ import annotations

import os

import pytest

from bench.load import Load
from bench.phrasings import AT_LEAST, phrasings
from bench.report import (
    CEILING,
    MAIN,
    PEER,
    TWELVE,
    HttpRow,
    Results,
    acceptance,
    compilation_tables,
    markdown,
    ratios_table,
)
from bench.server import memory_mib


@pytest.fixture(scope="module")
def made(assistant):
    return phrasings(assistant.clauses)


def test_the_new_questions_are_tens_of_thousands_all_distinct(made):
    assert len(made) >= AT_LEAST and len(set(made)) == len(made)


def test_the_new_questions_are_made_from_the_plans_own_tasks_and_units(assistant, made):
    titles = {c.title for c in assistant.task_clauses}
    units = set(assistant.duty_units)
    assert sum(any(t in q for t in titles) for q in made[:2000]) > 1000
    assert sum(any(u in q for u in units) for q in made[:2000]) > 300
    # every kind of question, all along the list (no run of one kind that a short load would ask alone)
    kinds = {assistant.ask(q).intent for q in made[:300]}
    assert {"lead", "cooperate", "who", "unit_tasks", "yes_no"} <= kinds, kinds


def test_the_same_plans_give_the_same_questions(assistant, made):
    assert phrasings(assistant.clauses) == made
    assert phrasings(assistant.clauses, 1000) == phrasings(assistant.clauses, 1000)
    assert phrasings(assistant.clauses, 1000, seed=7) != phrasings(assistant.clauses, 1000)


def load(rps: float, p99: float = 10.0, errors: int = 0) -> Load:
    return Load(requests=int(rps * 10), seconds=10.0, p50_ms=p99 / 2, p90_ms=p99 * 0.8, p99_ms=p99,
                max_ms=p99 * 2, bytes=3000 * int(rps * 10), non_2xx=errors, socket_errors={"connect": 0})


def results(main_new: float, peer_new: float, main_repeated: float, ceiling: float) -> Results:
    found = Results({"cores": "2", "date": "today", "cpu": "x", "memory": "1 GiB", "os": "y", "python": "z",
                     "load": "0 0 0"}, {"command": "bench", "questions": 222, "new_questions": 50000,
                                        "duration": 20, "connections": 32, "rounds": 5})
    found.http += [
        HttpRow(PEER, 1, "/api/ask", load(peer_new), 1.0, {}, mode="new"),
        HttpRow(MAIN, 1, "/api/ask", load(main_new), 1.0, {}, mode="new"),
        HttpRow(CEILING, 1, "/api/ask", load(ceiling), 1.0, {}, mode="any"),
        HttpRow(MAIN, 1, "/api/ask", load(main_repeated), 1.0, {}, mode="repeated"),
    ]
    return found


def test_new_questions_are_measured_against_the_peer_and_repeated_ones_against_the_ceiling():
    lines = acceptance(results(main_new=3100, peer_new=2000, main_repeated=7100, ceiling=10000))
    assert any(line.startswith("PASS  new questions: gunicorn -w 2 >= 1.5x") and "1.55x" in line for line in lines)
    assert any(line.startswith("PASS  repeated questions: gunicorn -w 2 >= 0.7 of the ceiling") and "0.71" in line
               for line in lines)
    lines = acceptance(results(main_new=2900, peer_new=2000, main_repeated=6900, ceiling=10000))
    assert any(line.startswith("FAIL  new questions: gunicorn -w 2 >= 1.5x") for line in lines)
    assert any(line.startswith("FAIL  repeated questions") for line in lines)
    table = ratios_table(results(3100, 2000, 7100, 10000)).splitlines()
    assert "new questions" in table[2] and "naive peer" in table[2] and "1.55" in table[2]
    assert "repeated questions" in table[-1] and "ceiling" in table[-1] and "0.71" in table[-1]


def test_the_compilation_is_reported_with_its_targets():
    found = {
        "documents": 212, "clauses": 11885, "tasks": 3184, "units": 1133, "build_s": 8.0, "questions": 3000,
        "found": 2771, "p50_ms": 1.2, "p99_ms": 2.5, "max_ms": 9.0,
        "starts": {"no snapshot": {"first_answer_s": 9.6, "build_s": 6.7, "documents": 208},
                   "from snapshot": {"first_answer_s": 1.4, "build_s": 0.9, "documents": 208}},
        "memory_answered": [{"rss": 330, "uss": 60, "pss": 150, "hwm": 340}],
        "memory_pages": [{"rss": 350, "uss": 80, "pss": 170, "hwm": 1100}],
        "pages": {"/units": {"status": [200] * 3, "bytes": 816_000, "seconds": [0.08, 0.02, 0.02]},
                  "/plan": {"status": [200] * 3, "bytes": 1_200_000, "seconds": [0.02] * 3},
                  "/units.xlsx": {"status": [200] * 3, "bytes": 1_100_000, "seconds": [2.2, 1.5, 1.5]}},
    }
    mine = results(3100, 2000, 7100, 10000)
    mine.compilation = found
    lines = [line for line in acceptance(mine) if "whole compilation" in line]
    # cold start, restart, p99, USS, /units, /plan (over 1 MB), /units.csv (not fetched), /units.xlsx
    assert [line[:4] for line in lines] == ["PASS", "PASS", "FAIL", "PASS", "PASS", "FAIL", "SKIP", "FAIL"], lines
    assert "/units.xlsx" in lines[-1] and "peak RSS 1100" in lines[-1]  # a worker went over 1 GiB
    text = markdown(mine)
    assert "## The whole compilation as one corpus" in text and compilation_tables(found) in text


def test_the_twelve_plans_are_timed_in_process_against_their_target():
    row = {"plans": 12, "clauses": 1145, "segment_s": 0.2, "build_s": 1.5, "p50_ms": 0.8, "p99_ms": 1.9,
           "max_ms": 3.0, "warm_p50_ms": 0.03, "n": 2016, "corpus": TWELVE, "questions": "672: those and theirs"}
    mine = results(3100, 2000, 7100, 10000)
    mine.engine = [row]
    line = next(line for line in acceptance(mine) if "the twelve plans" in line)
    assert line.startswith("PASS") and "1.90 ms over 2016 answers" in line, line
    mine.engine = [dict(row, p99_ms=2.3)]
    assert next(line for line in acceptance(mine) if "the twelve plans" in line).startswith("FAIL")
    mine.engine = []
    assert next(line for line in acceptance(mine) if "the twelve plans" in line).startswith("SKIP")
    mine.engine = [row]
    assert TWELVE in markdown(mine)


def test_memory_is_read_as_resident_unique_and_peak():
    mine = memory_mib(os.getpid())
    assert 0 < mine["uss"] <= mine["pss"] <= mine["rss"] <= mine["hwm"] + 1
    assert memory_mib(2**22 + 12345) == {}  # gone: nothing
