"""gunicorn as deployed (gunicorn.conf.py: web.gunicorn_worker.BufferingWorker): slow clients straight to
gunicorn wait in the workers' buffers and are cut off after REQUEST_TIMEOUT, while another client's questions
are answered at once (#23, 4); what counts as a request that has arrived whole; and keep-alive: a connection
serves request after request (pipelined ones too) until the client closes it, says `Connection: close`, or
stays idle for gunicorn's `keepalive` seconds; `--keep-alive 0` closes each one after its response."""

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
from web.gunicorn_worker import request_ready, request_state

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
    assert config["keepalive"] > 60  # longer than nginx's upstream keepalive_timeout: nginx closes idle ones


@pytest.mark.parametrize("data, whole", [
    (b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n", True),
    (b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\nGET / HTTP/1.1\r\n", True),  # the next one begun behind it
    (HEAD + b"Content-Length: 10\r\n\r\n12345", False),
    (HEAD + b"Content-Length: 10\r\n\r\n1234567890", True),
    (HEAD + b"Content-Length: 100000\r\n\r\n" + b"x" * 100_000, False),  # whole, but over the limit: closed after
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", True),
    (HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", False),
    (HEAD + b"Content-Length: x\r\n\r\n", False),
])
def test_a_connection_is_kept_only_after_a_request_read_whole(data, whole):
    assert request_state(data, 65536)[2] is whole


# -- real gunicorn ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """`gunicorn -w 2 'app:create_app()'` as deployed, with REQUEST_TIMEOUT=3."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {"REQUEST_TIMEOUT": "3", "INSTANCE_DIR": str(folder / "instance")}
    with serving("gunicorn", folder, env=env) as server:
        yield server


class Responses:
    """The responses that come on one connection, one at a time (each to its Content-Length; interim 1xx
    responses such as 100 Continue passed over)."""

    def __init__(self, conn: socket.socket):
        self.conn, self.data = conn, b""

    def next(self) -> tuple[bytes, bytes]:
        """(head, body) of the next final response."""
        while True:
            while b"\r\n\r\n" not in self.data:
                chunk = self.conn.recv(65536)
                assert chunk, f"the connection closed before a response: {self.data!r}"
                self.data += chunk
            head, _, rest = self.data.partition(b"\r\n\r\n")
            if head.split(b" ", 2)[1].startswith(b"1"):
                self.data = rest
                continue
            length = int(header(head, b"content-length"))
            while len(rest) < length:
                chunk = self.conn.recv(65536)
                assert chunk, "the connection closed before the whole body came"
                rest += chunk
            self.data = rest[length:]
            return head, rest[:length]

    def closed(self, within: float) -> bool:
        """Whether the server closes the connection within `within` seconds, with nothing more sent."""
        self.conn.settimeout(within)
        try:
            return self.conn.recv(65536) == b"" and not self.data
        except TimeoutError:
            return False


def header(head: bytes, name: bytes) -> bytes:
    """A response header's value (b"" without it)."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return b""


def ask_request(question: str = "简易注销由哪个单位牵头？", version: bytes = b"HTTP/1.1", extra: bytes = b"") -> bytes:
    """POST /api/ask as raw bytes, with `extra` header lines."""
    body = json.dumps({"question": question}, ensure_ascii=False).encode("utf-8")
    return (b"POST /api/ask " + version + b"\r\nHost: qa\r\nContent-Type: application/json\r\n" + extra
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


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
        head, body = Responses(conn).next()  # after any 100 Continue
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]


def test_a_request_sent_in_pieces_within_the_time_is_answered(gunicorn):
    request = HEAD + f"Content-Length: {len(QUESTION)}\r\n\r\n".encode() + QUESTION
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        for start in range(0, len(request), 20):
            conn.sendall(request[start:start + 20])
            time.sleep(0.02)
        head, body = Responses(conn).next()
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["found"]


# -- keep-alive -------------------------------------------------------------------------------------------
def test_a_connection_serves_one_request_after_another(gunicorn):
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        responses = Responses(conn)
        conn.sendall(ask_request())
        head, body = responses.next()
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]
        assert header(head, b"connection") == b"keep-alive"
        time.sleep(0.3)  # idle for a moment between the two, as a kept connection is
        conn.sendall(ask_request("简易注销有哪些配合单位？"))  # the same socket: one connection, one accept
        head, body = responses.next()
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["found"]
        assert not responses.closed(0.5)  # still open for a third


@pytest.mark.parametrize("first, last", [
    (ask_request(), ask_request(extra=b"Connection: close\r\n")),
    (ask_request(version=b"HTTP/1.0", extra=b"Connection: keep-alive\r\n"), ask_request(version=b"HTTP/1.0")),
], ids=["http/1.1", "http/1.0"])
def test_a_connection_is_closed_after_the_response_the_client_asks_it_for(gunicorn, first, last):
    """HTTP/1.1 stays open unless the client sends `Connection: close`; HTTP/1.0 closes unless it asks for
    `Connection: keep-alive`."""
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        responses = Responses(conn)
        conn.sendall(first)
        head, body = responses.next()
        assert b" 200 " in head.split(b"\r\n")[0] and json.loads(body)["found"]
        assert header(head, b"connection") == b"keep-alive"
        conn.sendall(last)
        head, body = responses.next()
        assert b" 200 " in head.split(b"\r\n")[0] and json.loads(body)["found"]
        assert header(head, b"connection") == b"close"
        assert responses.closed(2.0)  # at once, not after `keepalive` (75 s)


def test_pipelined_requests_are_answered_in_order(gunicorn):
    """Requests sent in one write behind another: each body (read by the app, left unread by it, or chunked)
    ends where the next request begins."""
    unread = b"POST /healthz HTTP/1.1\r\nHost: qa\r\nContent-Length: 10\r\n\r\n0123456789"  # 405: not read
    chunked = (HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(QUESTION):x}\r\n".encode() + QUESTION
               + b"\r\n0\r\n\r\n")
    healthz = b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n"
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as conn:
        responses = Responses(conn)
        conn.sendall(ask_request() + healthz + unread + chunked + ask_request("简易注销有哪些配合单位？")
                     + b"GET /healthz HTTP/1.1\r\nHost: qa\r\nConnection: close\r\n\r\n")
        answers = [responses.next() for _ in range(6)]
        assert responses.closed(2.0)
    statuses = [head.split(b" ", 2)[1] for head, _ in answers]
    assert statuses == [b"200", b"200", b"405", b"200", b"200", b"200"], answers
    assert json.loads(answers[0][1])["units"] == ["盟工商局"]
    assert json.loads(answers[1][1])["status"] == "ok"
    assert json.loads(answers[3][1])["units"] == ["盟工商局"]
    assert json.loads(answers[4][1])["found"]
    assert json.loads(answers[5][1])["status"] == "ok"


@pytest.fixture(scope="module")
def short_keepalive(tmp_path_factory):
    """One worker as deployed, with `--keep-alive 1`."""
    folder = tmp_path_factory.mktemp("keepalive")
    env = {"INSTANCE_DIR": str(folder / "instance"), "GUNICORN_CMD_ARGS": "--keep-alive 1"}
    with serving("gunicorn", folder, env=env, workers=1) as server:
        yield server


def test_an_idle_connection_is_closed_after_the_keepalive_time(short_keepalive):
    healthz = b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n"
    with socket.create_connection(("127.0.0.1", short_keepalive.port), timeout=10) as conn:
        responses = Responses(conn)
        conn.sendall(healthz)
        assert responses.next()[0].startswith(b"HTTP/1.1 200")
        time.sleep(0.5)  # idle, within the second
        conn.sendall(healthz)
        head, _ = responses.next()
        assert head.startswith(b"HTTP/1.1 200") and header(head, b"connection") == b"keep-alive"
        idle_from = time.monotonic()
        assert responses.closed(5.0)
        assert 0.8 < time.monotonic() - idle_from < 3.0


@pytest.fixture(scope="module")
def no_keepalive(tmp_path_factory):
    """One worker as deployed, with `--keep-alive 0`."""
    folder = tmp_path_factory.mktemp("no-keepalive")
    env = {"INSTANCE_DIR": str(folder / "instance"), "GUNICORN_CMD_ARGS": "--keep-alive 0"}
    with serving("gunicorn", folder, env=env, workers=1) as server:
        yield server


def test_keepalive_0_closes_each_connection_after_its_response(no_keepalive):
    with socket.create_connection(("127.0.0.1", no_keepalive.port), timeout=10) as conn:
        responses = Responses(conn)
        conn.sendall(ask_request() + ask_request())  # the second is never answered, as by the sync worker
        head, body = responses.next()
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]
        assert header(head, b"connection") == b"close"
        assert responses.closed(3.0)
