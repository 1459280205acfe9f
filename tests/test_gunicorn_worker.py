"""gunicorn as deployed (gunicorn.conf.py: web.gunicorn_worker.BufferingWorker): slow clients straight to
gunicorn wait in the workers' buffers and are cut off after REQUEST_TIMEOUT, while another client's questions
are answered at once (#23, 4); and what counts as a request that has arrived whole."""

from __future__ import annotations

import json
import runpy
import socket
import threading
import time
from pathlib import Path

import pytest

from bench.client import ask
from bench.server import serving
from web.gunicorn_worker import request_ready

ROOT = Path(__file__).resolve().parent.parent
QUESTION = json.dumps({"question": "简易注销由哪个单位牵头？"}, ensure_ascii=False).encode("utf-8")
HEAD = b"POST /api/ask HTTP/1.1\r\nHost: qa\r\nContent-Type: application/json\r\n"


# -- a request whole, or not yet ------------------------------------------------------------------------
@pytest.mark.parametrize("data, ready", [
    (b"GET /healthz HTTP/1.1\r\nHost: qa\r", False),
    (b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n", True),
    (HEAD + b"Content-Length: 10\r\n\r\n12345", False),
    (HEAD + b"Content-Length: 10\r\n\r\n1234567890", True),
    (HEAD + b"Content-Length: 10\r\n\r\n1234567890GET / HTTP/1.1\r\n", True),  # a pipelined one behind it
    (HEAD + b"Content-Length: 999999999\r\n\r\n", True),  # over the limit: the app refuses it (413) at once
    (HEAD + b"Content-Length: x\r\n\r\n", True),  # malformed: gunicorn refuses it
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", False),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n", False),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", True),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n", False),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n", True),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", True),  # malformed: gunicorn refuses it
    (b"GET /" + b"a" * 70_000, True),  # a head without end past 64 KB: gunicorn refuses it
])
def test_a_request_is_ready_once_whole_or_not_worth_waiting_for(data, ready):
    assert request_ready(data, 65536)[0] is ready


def test_a_client_that_expects_100_continue_is_told_to_go_on():
    head = HEAD + b"Content-Length: 10\r\nExpect: 100-continue\r\n\r\n"
    assert request_ready(head, 65536) == (False, True)
    assert request_ready(head + b"12345", 65536) == (False, False)  # sending already


def test_the_deployed_configuration_binds_this_host_and_buffers_requests():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["worker_class"] == "web.gunicorn_worker.BufferingWorker"


# -- real gunicorn ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """`gunicorn -w 2 'app:create_app()'` as deployed, with REQUEST_TIMEOUT=3."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {"REQUEST_TIMEOUT": "3", "INSTANCE_DIR": str(folder / "instance")}
    with serving("gunicorn", folder, env=env) as server:
        yield server


def trickle(port: int, stop: threading.Event, closed: list, part: str) -> None:
    """One slow client: a head (or a body) sent one piece a second, until the server closes it."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        if part == "head":
            sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: qa\r\n")
            while not stop.wait(1.0):
                sock.sendall(b"X-Slow: 1\r\n")
        else:
            sock.sendall(HEAD + b"Content-Length: 1000\r\n\r\n")
            while not stop.wait(1.0):
                sock.sendall(b" ")
    except OSError:  # closed by the server: what we want
        closed.append(part)
    finally:
        sock.close()


def test_slow_clients_straight_to_gunicorn_starve_no_one(gunicorn):
    stop, closed = threading.Event(), []
    slow = [threading.Thread(target=trickle, args=(gunicorn.port, stop, closed, part), daemon=True)
            for part in ("head", "body") for _ in range(75)]
    for thread in slow:
        thread.start()
    time.sleep(1.0)  # all 150 connected and sending, against 2 workers
    answers = []
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        started = time.monotonic()
        status, body = ask(gunicorn.base, "简易注销由哪个单位牵头？", timeout=10)
        answers.append((status, body.get("units"), time.monotonic() - started))
        time.sleep(0.25)
    stop.set()
    for thread in slow:
        thread.join(10)
    assert answers and all(status == 200 and units == ["盟工商局"] for status, units, _ in answers)
    assert max(seconds for *_, seconds in answers) < 1.0, answers
    assert len(closed) >= 140  # each cut off after REQUEST_TIMEOUT (3 s), not held open


def test_a_client_that_waits_for_100_continue_is_answered(gunicorn):
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        conn.sendall(HEAD + f"Content-Length: {len(QUESTION)}\r\nExpect: 100-continue\r\n\r\n".encode())
        assert conn.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        conn.sendall(QUESTION)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    final = data[data.index(b"HTTP/1.1 200"):]  # after any 100 Continue
    assert json.loads(final.partition(b"\r\n\r\n")[2])["units"] == ["盟工商局"]


def test_a_request_sent_in_pieces_within_the_time_is_answered(gunicorn):
    request = HEAD + f"Content-Length: {len(QUESTION)}\r\n\r\n".encode() + QUESTION
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        for start in range(0, len(request), 20):
            conn.sendall(request[start:start + 20])
            time.sleep(0.02)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200") and json.loads(data.partition(b"\r\n\r\n")[2])["found"]
