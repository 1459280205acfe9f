"""Slow clients against the real `python app.py`: 150 connections trickling one body byte at a time must
not take the server offline; each is closed once its request has taken longer than REQUEST_TIMEOUT."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from services import free_port, wait_port
from web.server import BoundedServer

ROOT = Path(__file__).resolve().parent.parent
QUESTION = json.dumps({"question": "简易注销由哪个单位牵头？"}).encode("utf-8")


@pytest.fixture()
def server(tmp_path):
    port = free_port()
    env = dict(os.environ, REQUEST_TIMEOUT="3", STATE_DB=str(tmp_path / "state.db"), PORT=str(port))
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, 60)
        yield port
    finally:
        process.terminate()
        process.wait(20)


def ask(port: int) -> tuple[int, float]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", data=QUESTION,
                                     headers={"Content-Type": "application/json"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, time.monotonic() - started


def trickle(port: int, stop: threading.Event, closed: list) -> None:
    """One slowloris connection: headers announcing a body, then one byte of it a second."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n")
        while not stop.wait(1.0):
            sock.sendall(b" ")
    except OSError:  # the server closed it: what we want
        closed.append(True)
    finally:
        sock.close()


def test_slow_clients_do_not_take_the_server_offline(server):
    stop, closed = threading.Event(), []
    attackers = [threading.Thread(target=trickle, args=(server, stop, closed), daemon=True) for _ in range(150)]
    for attacker in attackers:
        attacker.start()
    answers = []
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline:
        answers.append(ask(server))
        time.sleep(0.5)
    stop.set()
    for attacker in attackers:
        attacker.join(10)
    assert answers and all(status == 200 for status, _ in answers)
    assert max(seconds for _, seconds in answers) < 3.0
    assert len(closed) >= 140  # cut off after REQUEST_TIMEOUT, not held open forever


def test_request_timeout_must_be_positive():
    with pytest.raises(ValueError, match="request_timeout"):
        BoundedServer(lambda environ, start: [], request_timeout=0, port=0)
