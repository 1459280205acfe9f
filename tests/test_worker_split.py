"""The state folder deleted while gunicorn respawns a worker: every worker must go on sharing one file, so
that a follow-up answered by another worker keeps its topic (issue #15: 32 of 90 follow-ups were lost)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services import free_port, wait_port

ROOT = Path(__file__).resolve().parent.parent
SIX = ["盟环保局", "盟住建局", "盟商务局", "盟经信委", "盟国税局", "盟地税局"]


def ask(port: int, question: str, session: str) -> dict:
    body = json.dumps({"question": question, "session_id": session}).encode("utf-8")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", data=body,
                                     headers={"Content-Type": "application/json", "Connection": "close"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@pytest.fixture()
def gunicorn(tmp_path):
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        pytest.fail("gunicorn is in requirements-dev.txt")
    port = free_port()
    env = dict(os.environ, STATE_DB=str(tmp_path / "state" / "state.sqlite3"))
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_port(port, 60)
        deadline = time.monotonic() + 60
        while len(workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        # concurrent questions, so that both workers have built their index and opened the state file
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: ask(port, "简易注销由哪个单位牵头？", f"warm-{n}"), range(40)))
        yield port, process.pid, tmp_path / "state"
    finally:
        process.terminate()
        process.wait(30)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker pids from /proc")
def test_follow_ups_survive_the_state_folder_deleted_while_a_worker_respawns(gunicorn):
    port, master, folder = gunicorn
    shutil.rmtree(folder)
    os.kill(workers(master)[0], signal.SIGKILL)  # the master starts a new worker, which makes a new file
    deadline = time.monotonic() + 60
    while len(workers(master)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    ask(port, "简易注销由哪个单位牵头？", "respawned")  # wait for the new worker's index
    time.sleep(1.5)  # each worker checks once a second that its file is still the one at the path
    sessions = [f"split-{n}" for n in range(90)]
    with ThreadPoolExecutor(4) as pool:  # concurrent, so that both workers answer firsts and follow-ups
        firsts = list(pool.map(lambda s: ask(port, "简易注销由哪个单位牵头？", s), sessions))
        follows = list(pool.map(lambda s: ask(port, "那配合单位呢？", s), sessions))
    assert all(first["units"] == ["盟工商局"] for first in firsts)
    lost = sum(follow["units"] != SIX for follow in follows)
    assert lost == 0, f"{lost} of 90 follow-ups lost their topic"
    assert (folder / "state.sqlite3").exists()
