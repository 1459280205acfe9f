"""gunicorn as configured (gunicorn.conf.py): a connection the response closes (`Connection: close`) is closed
as soon as the response is out when the client has sent nothing more (web.server.close_if_drained), and
gunicorn's lingering close is left to a connection with more data on it, whose response still arrives whole;
a connection kept alive waits idle in the worker's buffers, holding no worker."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from bench.client import ask
from bench.server import serving

QUESTION = json.dumps({"question": "简易注销由哪个单位牵头？"}, ensure_ascii=False).encode("utf-8")


def request(host: str, port: int, close: bool = False) -> bytes:
    """A complete POST /api/ask, as one HTTP/1.1 request (`Connection: close` with `close`)."""
    return (f"POST /api/ask HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            + ("Connection: close\r\n" if close else "")
            + f"Content-Length: {len(QUESTION)}\r\n\r\n").encode() + QUESTION


def read_response(conn: socket.socket) -> tuple[bytes, bytes]:
    """(head, body) of one response, the body read to its Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, "the connection closed before the whole body came"
        body += chunk
    return head, body[:length]  # a response to a request pipelined behind may follow


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    with serving("gunicorn", Path(tmp_path_factory.mktemp("gunicorn")), workers=1) as server:
        yield server


def test_a_client_that_keeps_its_end_open_holds_no_worker(one_worker):
    host, port = "127.0.0.1", one_worker.port
    idle = socket.create_connection((host, port), timeout=10)
    try:
        idle.sendall(request(host, port, close=True))
        head, body = read_response(idle)
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["found"]
        # `idle` stays open: gunicorn alone would linger on it (up to 2 s) before serving anyone else
        started = time.monotonic()
        status, answer = ask(one_worker.base, "简易注销由哪个单位牵头？")
        assert status == 200 and answer["found"]
        assert time.monotonic() - started < 1.0
        assert idle.recv(1) == b""  # and the server has closed its end
    finally:
        idle.close()


def test_a_connection_with_more_data_on_it_gets_its_whole_response(one_worker):
    host, port = "127.0.0.1", one_worker.port
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(request(host, port, close=True) + request(host, port))  # a second the worker never reads
        head, body = read_response(conn)
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]


def test_an_idle_kept_alive_connection_holds_no_worker(one_worker):
    host, port = "127.0.0.1", one_worker.port
    with socket.create_connection((host, port), timeout=10) as kept:
        kept.sendall(request(host, port))
        head, body = read_response(kept)
        assert head.startswith(b"HTTP/1.1 200") and b"Connection: keep-alive" in head and json.loads(body)["found"]
        # `kept` stays open, idle, on the only worker: another client is answered at once all the same
        started = time.monotonic()
        status, answer = ask(one_worker.base, "简易注销由哪个单位牵头？")
        assert status == 200 and answer["found"]
        assert time.monotonic() - started < 1.0
        kept.sendall(request(host, port))  # and the kept connection serves its next request
        head, body = read_response(kept)
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]


def test_a_worker_with_requests_waiting_closes_the_connection_it_served(one_worker):
    """A kept connection stays with its worker: a worker that others wait for closes the one it served, so that
    its client's next connection goes to whichever worker is free (behind nginx's upstream keepalive, a busy
    worker holding every connection would leave the other idle)."""
    host, port = "127.0.0.1", one_worker.port
    # a workbook of every unit's tasks keeps the worker busy while the others arrive
    slow = f"GET /units.xlsx?v={time.time_ns()} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    conns = [socket.create_connection((host, port), timeout=10) for _ in range(6)]
    try:
        conns[0].sendall(slow)
        for conn in conns[1:]:
            conn.sendall(request(host, port))
        heads = [read_response(conn)[0] for conn in conns]
        assert all(h.startswith(b"HTTP/1.1 200") for h in heads)
        closing = [conn for conn, h in zip(conns, heads) if b"Connection: close" in h]
        assert closing, "every connection was kept while others waited"
        for conn in closing:  # and closed indeed: the client reconnects
            conn.settimeout(2)
            assert conn.recv(1) == b""
    finally:
        for conn in conns:
            conn.close()
    with socket.create_connection((host, port), timeout=10) as alone:  # nothing waiting: kept
        alone.sendall(request(host, port))
        assert b"Connection: keep-alive" in read_response(alone)[0]
