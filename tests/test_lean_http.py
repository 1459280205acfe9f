"""web/lean_http.py against gunicorn itself: every request the lean path takes, gunicorn's parser takes too and
makes the same environ of; every response it writes is the bytes gunicorn writes (bar the date); and a real
gunicorn with BufferingWorker serves plain requests by it and every other one as before."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import sys
from pathlib import Path

import pytest
from gunicorn import http
from gunicorn.config import Config
from gunicorn.http import wsgi

from bench.server import free_port
from services import wait_port
from web.lean_http import LeanReply, Limits, environ_of, parse

ROOT = Path(__file__).resolve().parent.parent
CLIENT, SERVER = ("127.0.0.1", 40123), ("127.0.0.1", 8000)
CONFIG = Config()
LIMITS = Limits(secure_scheme_headers=dict(CONFIG.secure_scheme_headers))
BODY = json.dumps({"question": "简易注销由哪个单位牵头？", "session_id": "s"}, ensure_ascii=False).encode()
POST = (b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY))

PLAIN = [
    POST,
    b"GET / HTTP/1.1\r\nHost: qa\r\n\r\n",
    b"GET /units?plan=p1&page=2 HTTP/1.1\r\nHost: qa\r\nAccept: */*\r\nUser-Agent: wrk\r\n\r\n",
    b"GET /units/%E7%9B%9F%E5%B7%A5%E5%95%86%E5%B1%80 HTTP/1.1\r\nHost: qa\r\n\r\n",
    b"HEAD /healthz HTTP/1.0\r\n\r\n",
    b"GET /static/app.js HTTP/1.1\r\nHost: qa\r\nX-Empty:\r\nX-Spaced:  a  b\t c \t\r\n\r\n",
    b"POST /api/ask HTTP/1.0\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: qa\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 10.0.0.7\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: qa\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Ssl: off\r\n\r\n",
    b"GET /a:b;c=d?x=%20y&z HTTP/1.1\r\nHost: qa\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: %d\r\n" % (n, n) for n in range(99)) + b"\r\n",
]
GUNICORN_ONLY = [
    b"get / HTTP/1.1\r\n\r\n",  # a method gunicorn refuses
    b"PUT /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n",  # another method: gunicorn's to judge
    b"GET /x#frag HTTP/1.1\r\n\r\n",
    b"GET //evil/x HTTP/1.1\r\n\r\n",
    b"GET http://qa/x HTTP/1.1\r\n\r\n",
    b"GET / HTTP/2.0\r\n\r\n",
    b"\r\nGET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nX_Forwarded_For: 1.2.3.4\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : qa\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-A: caf\xc3\xa9\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n",
    b"GET / HTTP/1.1\nHost: qa\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: qa\nX-A: 1\r\n\r\n",
    b"POST /api/ask HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /api/ask HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
    b"POST /api/ask HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel",
    b"POST /api/ask HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n",  # pipelined
    b"POST /api/ask HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello",
    b"GET / HTTP/1.1\r\n\r\nbody without a length",
    b"GET / HTTP/1.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n",  # schemes that disagree
    b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: %d\r\n" % (n, n) for n in range(101)) + b"\r\n",
]
SKIPPED = {"wsgi.input", "wsgi.errors", "gunicorn.socket", "wsgi.early_hints", "wsgi.file_wrapper"}


def gunicorn_environ(data: bytes, client: tuple = CLIENT) -> tuple[dict, object] | None:
    """gunicorn's environ of a request (its parser and wsgi.create), with the body read; None when it refuses
    the request."""
    near, far = socket.socketpair()
    try:
        near.sendall(data)
        near.shutdown(socket.SHUT_WR)
        try:
            req = next(http.get_parser(CONFIG, far, client))
            _, environ = wsgi.create(req, far, client, SERVER, CONFIG)
        except Exception:
            return None
        body = environ["wsgi.input"].read()
        return {k: v for k, v in environ.items() if k not in SKIPPED} | {"body": body}, req
    finally:
        near.close()
        far.close()


def lean_environ(data: bytes, client: tuple = CLIENT) -> dict | None:
    """The lean path's environ of a request, with the body read; None when it leaves the request to gunicorn."""
    trusted = client[0] in ("127.0.0.1", "::1")
    req = parse(data, LIMITS, trusted)
    if req is None:
        return None
    base = {"wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": CONFIG.workers > 1,
            "wsgi.run_once": False, "wsgi.input_terminated": True, "SERVER_SOFTWARE": wsgi.SERVER_SOFTWARE}
    environ = environ_of(req, None, client, SERVER, base)
    body = environ["wsgi.input"].read()
    return {k: v for k, v in environ.items() if k not in SKIPPED} | {"body": body}


@pytest.mark.parametrize("data", PLAIN, ids=range(len(PLAIN)))
def test_a_plain_request_is_read_as_gunicorn_reads_it(data):
    theirs = gunicorn_environ(data)
    assert theirs is not None, "gunicorn refuses a request the lean path takes"
    assert lean_environ(data) == theirs[0]


def test_a_scheme_header_counts_from_a_trusted_proxy_only():
    data = b"GET / HTTP/1.1\r\nHost: qa\r\nX-Forwarded-Proto: https\r\n\r\n"
    assert lean_environ(data)["wsgi.url_scheme"] == "https" == gunicorn_environ(data)[0]["wsgi.url_scheme"]
    outside = ("203.0.113.9", 5000)
    assert lean_environ(data, outside) == gunicorn_environ(data, outside)[0]
    assert lean_environ(data, outside)["wsgi.url_scheme"] == "http"


@pytest.mark.parametrize("data", GUNICORN_ONLY, ids=range(len(GUNICORN_ONLY)))
def test_any_other_request_is_left_to_gunicorn(data):
    assert parse(data, LIMITS, True) is None


def mutations(seed: int, count: int) -> list[bytes]:
    """Requests near the plain ones: a byte changed, dropped, doubled or swapped for a delimiter."""
    rng = random.Random(seed)
    specials = [b" ", b"\t", b"\r", b"\n", b":", b"_", b"#", b"?", b"%", b"/", b"\x00", b"\xe9", b"a", b"A", b"1",
                b"-", b"\r\n", b"\r\n\r\n"]
    out = []
    for _ in range(count):
        data = bytearray(rng.choice(PLAIN))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            kind = rng.randrange(3)
            if kind == 0:
                data[at:at + 1] = rng.choice(specials)
            elif kind == 1:
                del data[at]
            else:
                data[at:at] = data[at:at + 1]
        out.append(bytes(data))
    return out


def test_whatever_the_lean_path_takes_gunicorn_takes_and_reads_alike():
    taken = 0
    for data in mutations(seed=20261207, count=4000):
        ours = lean_environ(data)
        if ours is None:
            continue
        taken += 1
        theirs = gunicorn_environ(data)
        assert theirs is not None, f"gunicorn refuses {data!r}"
        assert ours == theirs[0], data
    assert taken > 500  # the mutations keep many requests plain: the comparison is not empty


# -- the response ---------------------------------------------------------------------------------------
def on_the_wire(data: bytes, lean: bool, respond) -> bytes:
    """The bytes a response puts on the wire, made by `respond(reply)` with the lean reply or with gunicorn's
    Response to the request `data` (the Date's value left out)."""
    near, far = socket.socketpair()
    try:
        near.sendall(data)
        near.shutdown(socket.SHUT_WR)
        if lean:
            reply = LeanReply(parse(data, LIMITS, True), far.sendall, far, sendfile=True)
        else:
            reply = wsgi.Response(next(http.get_parser(CONFIG, far, CLIENT)), far, CONFIG)
            reply.force_close()
        respond(reply)
        reply.close()
        far.shutdown(socket.SHUT_WR)
        got = b""
        while piece := near.recv(65536):
            got += piece
        return re.sub(rb"Date: [^\r]*\r\n", b"Date: -\r\n", got)
    finally:
        near.close()
        far.close()


def written(data: bytes, status: str, headers: list, chunks: list[bytes], lean: bool) -> bytes:
    """The bytes of a response of these headers and body pieces, by the lean reply or by gunicorn's."""

    def respond(reply) -> None:
        reply.start_response(status, headers)
        for chunk in chunks:
            reply.write(chunk)

    return on_the_wire(data, lean, respond)


GET = b"GET / HTTP/1.1\r\nHost: qa\r\n\r\n"
RESPONSES = [
    (POST, "200 OK", [("Content-Type", "application/json"), ("Content-Length", "7")], [b"{\"a\":1}"]),
    (GET, "200 OK", [("Content-Type", "text/plain")], [b"one ", b"", b"two"]),  # chunked
    (GET, "200 OK", [("Content-Type", "text/plain")], []),
    (b"GET / HTTP/1.0\r\n\r\n", "200 OK", [("Content-Type", "text/plain")], [b"to the close"]),
    (b"HEAD / HTTP/1.1\r\nHost: qa\r\n\r\n", "200 OK", [("Content-Length", "5")], [b"hello"]),
    (GET, "204 NO CONTENT", [("Content-Length", "0")], [b""]),
    (GET, "304 NOT MODIFIED", [("ETag", "\"x\""), ("Content-Length", "10")], []),
    (GET, "200 OK", [("Content-Length", "3")], [b"ab", b"cdef"]),  # more than its length: cut
    (GET, "201 CREATED", [("Content-Type", "text/plain"), ("X-A", "\xe9t\xe9")], [b"latin-1 header"]),
    (GET, "101 SWITCHING PROTOCOLS", [("Connection", "Upgrade"), ("Upgrade", "websocket")], []),
    (GET, "099 ODD", [("Content-Length", "2")], [b"ok"]),
    (GET, "503 SERVICE UNAVAILABLE", [("Connection", "keep-alive"), ("Keep-Alive", "5"), ("X-A", " b ")], [b"x"]),
]


@pytest.mark.parametrize("data, status, headers, chunks", RESPONSES, ids=range(len(RESPONSES)))
def test_a_response_is_written_as_gunicorn_writes_it(data, status, headers, chunks):
    assert written(data, status, headers, chunks, lean=True) == written(data, status, headers, chunks, lean=False)


@pytest.mark.parametrize("status, headers", [
    ("200 OK", [("Bad Name", "x")]),
    ("200 OK", [("X-A", "a\r\nSet-Cookie: b")]),
    ("OK", []),
    ("200 OK", [("X-A", 1)]),
])
def test_a_response_header_gunicorn_refuses_is_refused(status, headers):
    reply = LeanReply(parse(GET, LIMITS, True), lambda data: None)
    with pytest.raises((ValueError, TypeError)):
        reply.start_response(status, headers)


# -- a real gunicorn ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def echo(tmp_path_factory):
    """gunicorn -w 1 with BufferingWorker serving tests/echo_app.py; its port."""
    import subprocess

    port = free_port()
    log = tmp_path_factory.mktemp("echo") / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "web.gunicorn_worker.BufferingWorker",
             "-b", f"127.0.0.1:{port}", "--pythonpath", str(ROOT / "tests"), "echo_app:app"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_port(port, 30)
        yield port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)


def received(port: int, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        got = b""
        while piece := sock.recv(65536):
            got += piece
    return got


def exchange(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes: (status, headers, body, unchunked)."""
    head, _, body = received(port, data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    if headers.get("Transfer-Encoding") == "chunked":
        out, rest = b"", body
        while True:
            size, _, rest = rest.partition(b"\r\n")
            if not int(size, 16):
                break
            out, rest = out + rest[:int(size, 16)], rest[int(size, 16) + 2:]
        body = out
    return int(lines[0].split()[1]), headers, body


def test_gunicorn_serves_a_plain_request_by_the_lean_path(echo):
    status, headers, body = exchange(echo[0], POST)
    seen = json.loads(body)
    assert status == 200 and headers["Connection"] == "close" and headers["Server"] == "gunicorn"
    assert seen["lean"] is True and seen["body"] == BODY.decode("latin-1")
    assert seen["REQUEST_METHOD"] == "POST" and seen["PATH_INFO"] == "/api/ask"
    assert "Keep-Alive" not in headers and int(headers["Content-Length"]) == len(body)


def test_gunicorn_serves_any_other_request_by_its_own_path(echo):
    chunked = (b"POST /api/ask HTTP/1.1\r\nHost: qa\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n0\r\n\r\n")
    status, _, body = exchange(echo[0], chunked)
    assert status == 200 and json.loads(body)["lean"] is False and json.loads(body)["body"] == "hello"
    status, _, _ = exchange(echo[0], b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    assert status == 400  # gunicorn refuses a repeated Host, as before


def test_a_response_without_a_length_is_chunked(echo):
    status, headers, body = exchange(echo[0], b"GET /chunked?x=1 HTTP/1.1\r\nHost: qa\r\n\r\n")
    assert status == 200 and headers["Transfer-Encoding"] == "chunked"
    seen = json.loads(body)
    assert seen["lean"] is True and seen["QUERY_STRING"] == "x=1"


def test_an_app_that_fails_gets_gunicorns_500_and_the_worker_goes_on(echo):
    status, _, body = exchange(echo[0], b"GET /fail HTTP/1.1\r\nHost: qa\r\n\r\n")
    assert status == 500 and b"Internal Server Error" in body
    half = received(echo[0], b"GET /half HTTP/1.1\r\nHost: qa\r\n\r\n")
    # cut short after its first piece: no last chunk, so the client sees that it is not whole
    assert half.startswith(b"HTTP/1.1 200 OK\r\n") and b"Transfer-Encoding: chunked" in half
    assert half.endswith(b"\r\n") and not half.endswith(b"0\r\n\r\n")
    assert exchange(echo[0], POST)[0] == 200
    assert "the app failed" in echo[1].read_text(errors="replace")


def test_a_content_length_of_thousands_of_digits_is_left_to_gunicorn_which_refuses_it(echo):
    from web.gunicorn_worker import request_ready

    huge = b"POST /api/ask HTTP/1.1\r\nHost: qa\r\nContent-Length: " + b"0" * 4400 + b"2\r\n\r\nhi"
    assert parse(huge, LIMITS, True) is None and request_ready(huge, 65536) == (True, False)
    assert exchange(echo[0], huge)[0] == 400
    assert exchange(echo[0], POST)[0] == 200  # the worker lives on


def test_an_app_that_exits_gets_a_500_and_the_worker_serves_on(echo):
    assert exchange(echo[0], b"GET /exit HTTP/1.1\r\nHost: qa\r\n\r\n")[0] == 500
    assert exchange(echo[0], POST)[0] == 200


def test_a_file_is_sent_as_gunicorn_sends_it(echo):
    status, headers, body = exchange(echo[0], b"GET /file HTTP/1.1\r\nHost: qa\r\n\r\n")
    assert status == 200 and headers["Transfer-Encoding"] == "chunked"
    assert body == (ROOT / "tests" / "echo_app.py").read_bytes()


@pytest.mark.parametrize("length", [None, "20"])
def test_a_file_wrapper_response_is_the_bytes_gunicorn_writes(tmp_path, length):
    source = tmp_path / "static.txt"
    source.write_bytes(b"0123456789" * 5000)
    headers = [("Content-Type", "text/plain")] + ([("Content-Length", length)] if length else [])

    def respond(reply) -> None:
        with source.open("rb") as file:
            file.seek(7)  # from where the file stands, as gunicorn sends it
            reply.start_response("200 OK", headers)
            reply.write_file(wsgi.FileWrapper(file))

    assert on_the_wire(GET, True, respond) == on_the_wire(GET, False, respond)


def test_a_script_name_the_path_lies_outside_of_is_gunicorns_configuration_problem(monkeypatch):
    from gunicorn.http.errors import ConfigurationProblem

    monkeypatch.setenv("SCRIPT_NAME", "/app")
    req = parse(GET, LIMITS, True)
    with pytest.raises(ConfigurationProblem):
        environ_of(req, None, CLIENT, SERVER, {})
    inside = environ_of(parse(b"GET /app/units HTTP/1.1\r\n\r\n", LIMITS, True), None, CLIENT, SERVER, {})
    assert inside["SCRIPT_NAME"] == "/app" and inside["PATH_INFO"] == "/units"


def test_the_lean_path_is_off_where_gunicorn_must_see_each_request(tmp_path):
    from gunicorn.config import Config

    from web.gunicorn_worker import BufferingWorker

    def worker(**settings) -> BufferingWorker:
        cfg = Config()
        for name, value in settings.items():
            cfg.set(name, value)
        return BufferingWorker(0, os.getpid(), [], None, 30, cfg, cfg.logger_class(cfg))

    assert worker().lean_limits() == Limits(secure_scheme_headers=dict(Config().secure_scheme_headers))
    assert worker(accesslog=str(tmp_path / "access.log")).lean_limits() is None
    assert worker(statsd_host="127.0.0.1:8125").lean_limits() is None
    assert worker(proxy_protocol="v1").lean_limits() is None


def test_after_log_rotation_the_app_still_writes_to_the_error_log(tmp_path):
    import subprocess
    import time

    port, log, moved = free_port(), tmp_path / "error.log", tmp_path / "error.log.1"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "web.gunicorn_worker.BufferingWorker",
         "-b", f"127.0.0.1:{port}", "--error-logfile", str(log), "--pythonpath", str(ROOT / "tests"),
         "echo_app:app"], cwd=ROOT, start_new_session=True)
    try:
        wait_port(port, 30)
        assert exchange(port, b"GET /errors HTTP/1.1\r\nHost: qa\r\n\r\n")[0] == 200
        log.rename(moved)
        os.kill(process.pid, signal.SIGUSR1)  # the master reopens its files and tells the worker to
        deadline = time.monotonic() + 10
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert exchange(port, b"GET /errors HTTP/1.1\r\nHost: qa\r\n\r\n")[0] == 200
        deadline = time.monotonic() + 5
        while "a line for the error log" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "a line for the error log" in log.read_text()
        assert "a line for the error log" in moved.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)


def test_a_header_checked_before_is_written_alike_and_a_length_is_never_taken_for_one():
    headers = [("Content-Type", "text/plain"), ("Content-Length", "2"), ("X-Frame-Options", " DENY ")]
    for _ in range(3):  # the second and third responses take the checked headers from the first
        assert written(GET, "200 OK", headers, [b"ok"], lean=True) == written(GET, "200 OK", headers, [b"ok"],
                                                                              lean=False)
    with pytest.raises(ValueError):
        LeanReply(parse(GET, LIMITS, True), lambda data: None).start_response("200 OK", [("X-A", "a\r\nb")])


def test_the_apps_pages_are_the_same_bytes_by_either_path(tmp_path):
    # the assistant itself under gunicorn twice: the lean path, and gunicorn's own (an access log turns the lean
    # path off): every page, a question, a refusal, the downloads and the static files alike, bar what differs
    # from one process or moment to the next (the date, the answer's id and time, the build time)
    import subprocess
    import time

    def start(extra: list[str], name: str) -> tuple[subprocess.Popen, int]:
        port = free_port()
        env = {**os.environ, "STATE_DB": str(tmp_path / f"{name}.sqlite3"), "INSTANCE_DIR": str(tmp_path / name)}
        env.pop("CORPUS_DIR", None)
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", *extra,
                                    "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if exchange(port, b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        return process, port

    def comparable(port: int, data: bytes) -> bytes:
        got = received(port, data)
        head, _, body = got.partition(b"\r\n\r\n")
        length = re.search(rb"Content-Length: (\d+)\r\n", head + b"\r\n")
        if length and not data.startswith(b"HEAD"):
            assert int(length[1]) == len(body)  # framed right: then the length itself is left out (a time's
            got = got.replace(length[0], b"Content-Length: -\r\n", 1)  # digits change it)
        for pattern, same in [(rb"Date: [^\r]*\r\n", b""), (rb'"elapsed_ms": ?[0-9.]+', b'"elapsed_ms":0'),
                              (rb'"answer_id": ?"[0-9a-f]+"', b'"answer_id":""'),
                              (rb'"build_seconds": ?[0-9.]+', b'"build_seconds":0')]:
            got = re.sub(pattern, same, got)
        return got

    question = json.dumps({"question": "简易注销由哪个单位牵头？"}, ensure_ascii=False).encode()
    asked = [b"GET / HTTP/1.1\r\nHost: qa\r\n\r\n", b"HEAD / HTTP/1.1\r\nHost: qa\r\n\r\n",
             b"GET /units HTTP/1.1\r\nHost: qa\r\nAccept-Encoding: gzip\r\n\r\n", b"GET /plan HTTP/1.0\r\n\r\n",
             b"GET /healthz HTTP/1.1\r\nHost: qa\r\n\r\n", b"GET /nope HTTP/1.1\r\nHost: qa\r\n\r\n",
             b"GET /openapi.json HTTP/1.1\r\nHost: qa\r\n\r\n", b"GET /units.csv HTTP/1.1\r\nHost: qa\r\n\r\n",
             b"GET /units/%E7%9B%9F%E5%B7%A5%E5%95%86%E5%B1%80 HTTP/1.1\r\nHost: qa\r\n\r\n",
             b"POST /api/ask HTTP/1.1\r\nHost: qa\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
             % (len(question), question),
             b"POST /api/ask HTTP/1.1\r\nHost: qa\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{bad}"]
    lean, port = start([], "lean")
    plain, plain_port = start(["--access-logfile", str(tmp_path / "access.log")], "plain")
    try:
        statics = re.findall(rb'(?:src|href)="(/static/[^"]+)"', received(port, asked[0]))
        assert len(statics) >= 2
        asked += [b"GET %s HTTP/1.1\r\nHost: qa\r\n\r\n" % path for path in statics]
        for data in asked:
            assert comparable(port, data) == comparable(plain_port, data), data
        assert "POST /api/ask" in (tmp_path / "access.log").read_text()  # gunicorn's own path served the other
    finally:
        for process in (lean, plain):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
