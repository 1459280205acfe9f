"""gunicorn as configured (gunicorn.conf.py): a sync worker closes a connection as soon as its response is out
when the client has sent nothing more (web.server.close_if_drained), and leaves gunicorn's lingering close
to a connection with more data on it, whose response still arrives whole."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from bench.client import ask
from bench.server import serving

QUESTION = json.dumps({"question": "简易注销由哪个单位牵头？"}, ensure_ascii=False).encode("utf-8")


def request(host: str, port: int) -> bytes:
    """A complete POST /api/ask, as one HTTP/1.1 request."""
    return (f"POST /api/ask HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(QUESTION)}\r\n\r\n").encode() + QUESTION


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
    return head, body


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    with serving("gunicorn", Path(tmp_path_factory.mktemp("gunicorn")), workers=1) as server:
        yield server


def test_a_client_that_keeps_its_end_open_holds_no_worker(one_worker):
    host, port = "127.0.0.1", one_worker.port
    idle = socket.create_connection((host, port), timeout=10)
    try:
        idle.sendall(request(host, port))
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
        conn.sendall(request(host, port) + request(host, port))  # a second request the worker never reads
        head, body = read_response(conn)
        assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["units"] == ["盟工商局"]
