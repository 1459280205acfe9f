"""gunicorn's sync worker, reading each request whole before the request takes the worker (gunicorn.conf.py).

A sync worker serves one connection at a time and reads it as it comes: a client that sends its request a byte
a second holds the worker until gunicorn's timeout kills it, and four such clients took both workers offline.
This worker waits for many connections at once, each in a buffer of its own, and runs the app (as the sync
worker does: one request at a time, in the worker's own thread, the fastest on two cores) only for a request
whose head and body are all there. A connection that has not sent its whole request within REQUEST_TIMEOUT is
closed. A body larger than MAX_CONTENT_LENGTH is not buffered: it goes to the app at once, which refuses it
(413) or, for an admin's upload, reads it within REQUEST_TIMEOUT. nginx in front is still the deployment of
choice (docs/deploy.md): it also holds slow readers of large responses, which this worker does not.

Keep-alive (gunicorn's `keepalive` setting, as its gthread worker does it; the sync worker closes every
connection): after a response that leaves its connection open (HTTP/1.1 without `Connection: close`, HTTP/1.0
with `Connection: keep-alive`, gunicorn's Response.should_close) to a request that was read whole, the
connection goes back to wait here with the others, for its next request, for `keepalive` seconds at most while
nothing of it comes (then REQUEST_TIMEOUT from its first byte, as for a new connection). What the client sent
after the request (pipelined) starts the next one, served in turn. Idle connections count toward
worker_connections, and the oldest is closed to make room for a new one when the worker is full; they are
closed when the worker stops. `keepalive = 0` closes every connection after its response, as the sync worker.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import sys
import time
from collections.abc import Mapping
from datetime import datetime

from gunicorn import http, util
from gunicorn.http import wsgi
from gunicorn.workers.sync import SyncWorker

__all__ = ["BufferingWorker", "request_ready", "request_state"]
HEAD_LIMIT = 64 * 1024  # a head longer than this goes to gunicorn's parser as it is, which refuses it
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def request_ready(data: bytes | bytearray, body_limit: int) -> tuple[bool, bool]:
    """(ready, continue) of the bytes received so far on a connection: whether the request can go to the app
    (whole, or too large or malformed to be worth waiting for: gunicorn and the app say why), and whether the
    client waits for a 100 Continue before it sends its body."""
    return request_state(data, body_limit)[:2]


def request_state(data: bytes | bytearray, body_limit: int) -> tuple[bool, bool, bool]:
    """request_ready's (ready, continue), and whether the request is whole in `data`, its body within
    `body_limit` (a connection may be kept alive after it: nothing of it is left to read from the socket)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > HEAD_LIMIT, False, False
    head = bytes(data[:end + 2]).lower()
    length, chunked, expect = None, False, False
    if b"content-length" in head or b"transfer-encoding" in head or b"expect" in head:  # else: no body
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip(), value.strip()
            if name == b"content-length":
                if not value.isdigit() or (length is not None and int(value) != length):
                    return True, False, False  # gunicorn refuses it
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = chunked or b"chunked" in value
            elif name == b"expect":
                expect = value == b"100-continue"
    body = len(data) - end - 4
    if chunked:
        whole = chunked_end(data, end + 4)
        return (whole is not None or body > body_limit, expect and not body,
                whole is not None and whole - end - 4 <= body_limit)
    if length is None:
        return True, False, True
    return body >= length or length > body_limit, expect and not body, length <= min(body, body_limit)


def chunked_end(data: bytes | bytearray, start: int) -> int | None:
    """Where a chunked body beginning at `start` ends (after its trailers), None while it has not; a malformed
    body ends at once (gunicorn's parser refuses it)."""
    at = start
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        try:
            size = int(bytes(data[at:line_end]).split(b";", 1)[0].strip(), 16)
        except ValueError:
            return len(data)
        if size < 0:
            return len(data)
        if size == 0:  # the last chunk: then trailer lines, up to an empty one
            rest = line_end + 2
            while True:
                trailer_end = data.find(b"\r\n", rest)
                if trailer_end < 0:
                    return None
                if trailer_end == rest:
                    return trailer_end + 2
                rest = trailer_end + 2
        at = line_end + 2 + size + 2
        if at > len(data):
            return None


class Received:
    """A client's socket after its request arrived: what was read from it comes first, then the socket
    itself, every read before `deadline` (an upload the app goes on reading cannot trickle forever)."""

    def __init__(self, sock: socket.socket, data: bytes, deadline: float):
        self._sock, self._data, self._deadline = sock, data, deadline
        self.whole = False  # the request is all in `data` (BufferingWorker.serve): its connection may be kept

    def refill(self, data: bytes, deadline: float) -> None:
        """The next request on a kept-alive connection."""
        self._data, self._deadline = data, deadline

    def take(self) -> bytes:
        """What is left of what was read, taken out."""
        data, self._data = self._data, b""
        return data

    def recv(self, size: int, flags: int = 0) -> bytes:
        if self._data:
            chunk = self._data[:size]
            if not flags & socket.MSG_PEEK:
                self._data = self._data[size:]
            return chunk
        if flags & socket.MSG_DONTWAIT:  # a look at what else the client sent (web.server.close_if_drained)
            return self._sock.recv(size, flags)
        wait = self._deadline - time.monotonic()  # more of a body than was buffered: an upload
        if wait <= 0:
            raise TimeoutError("the request took longer than REQUEST_TIMEOUT to arrive")
        self._sock.settimeout(wait)
        try:
            return self._sock.recv(size, flags)
        finally:
            self._sock.setblocking(True)

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        data = self.recv(nbytes or len(buffer), flags)
        buffer[:len(data)] = data
        return len(data)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class Waiting:
    """A connection whose request is still arriving, or (idle) kept alive for its next request."""

    __slots__ = ("address", "continued", "data", "deadline", "idle", "listener", "parser", "received", "sock")

    def __init__(self, sock: socket.socket, listener, address, deadline: float):
        self.sock, self.listener, self.address = sock, listener, address
        self.data, self.deadline, self.continued = bytearray(), deadline, False
        self.idle = False  # kept alive, nothing of its next request received yet: deadline is `keepalive`'s
        self.parser = self.received = None  # gunicorn's parser and its source, kept for the next request


def app_settings(wsgi) -> Mapping:
    """The settings of the app gunicorn loaded (a Flask app, or one wrapped by web.api.FastAsk), else the
    settings as the app would read them."""
    for candidate in (getattr(wsgi, "app", None), wsgi):
        config = getattr(candidate, "config", None)
        if isinstance(config, Mapping) and "REQUEST_TIMEOUT" in config:
            return config
    from .settings import load_settings

    return load_settings()


class BufferingWorker(SyncWorker):
    """The sync worker, with every request read whole (within REQUEST_TIMEOUT) before it runs."""

    def run(self) -> None:
        if self.cfg.is_ssl:  # TLS ends at nginx in this project's deployments; the plain sync worker serves it
            return super().run()
        settings = app_settings(self.wsgi)
        self.request_timeout = float(settings["REQUEST_TIMEOUT"])
        self.body_limit = int(settings["MAX_CONTENT_LENGTH"] or 0) or 1024 * 1024
        self.most = max(int(self.cfg.worker_connections), 1)
        self.keepalive = max(float(self.cfg.keepalive or 0), 0.0)
        self.selector = selectors.DefaultSelector()
        self.waiting: dict[int, Waiting] = {}
        self.idle: dict[int, Waiting] = {}  # the kept-alive ones among them, oldest first
        self.pending: list[Waiting] = []  # kept alive with their next request received already (pipelined)
        self.listening = True
        self.next_expiry = 0.0
        for listener in self.sockets:
            listener.setblocking(False)
            self.selector.register(listener, selectors.EVENT_READ, None)
        self.selector.register(self.PIPE[0], selectors.EVENT_READ, "pipe")
        beat = min(1.0, self.timeout or 0.5)
        try:
            while self.alive:
                self.notify()
                listeners = []
                for key, _ in self.selector.select(0 if self.pending else beat):  # those waiting here first
                    if key.data is None:
                        listeners.append(key.fileobj)
                    elif key.data == "pipe":
                        os.read(self.PIPE[0], 1)
                    elif self.alive:
                        self.receive(key.data)
                pending, self.pending = self.pending, []
                for conn in pending:  # a request pipelined behind the last one: no event comes for it
                    if self.alive and self.waiting.get(conn.sock.fileno()) is conn:
                        self.consider(conn)
                for listener in listeners:  # then one new connection
                    if self.alive:
                        self.accept(listener)
                self.expire()
                self.listen(len(self.waiting) < self.most or bool(self.idle))
                if not self.is_parent_alive():
                    break
        finally:
            for conn in list(self.waiting.values()):
                self.drop(conn)
            self.selector.close()

    def accept(self, listener) -> None:
        """Take one connection from a listener, and serve it at once when its request is there already (as
        the sync worker does); otherwise it waits here with the others. One a turn: a worker never hoards the
        backlog, and a connection waiting here is served before newer ones. With worker_connections here, the
        longest idle kept-alive connection is closed to make room; with none idle, the new one is left to the
        other workers."""
        if len(self.waiting) >= self.most:
            if not self.idle:
                return
            self.drop(next(iter(self.idle.values())))
        try:
            client, address = listener.accept()
        except OSError as exc:  # none left (another worker took it), or the client gave up already
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.ECONNABORTED):
                return
            raise
        client.setblocking(False)
        conn = Waiting(client, listener, address, time.monotonic() + self.request_timeout)
        self.receive(conn)  # the request is usually there already: served, never watched

    def wait_for(self, conn: Waiting) -> None:
        """Watch a connection whose request has not all arrived."""
        if conn.sock.fileno() not in self.waiting:
            self.waiting[conn.sock.fileno()] = conn
            self.selector.register(conn.sock, selectors.EVENT_READ, conn)

    def receive(self, conn: Waiting) -> None:
        """Read what the client has sent; run the request once it is all there."""
        try:
            while True:
                chunk = conn.sock.recv(65536)
                if not chunk:  # the client closed before its request was whole
                    self.drop(conn)
                    return
                conn.data += chunk
                if len(chunk) < 65536:
                    break
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.drop(conn)
            return
        self.consider(conn)

    def consider(self, conn: Waiting) -> None:
        """Run the request received so far on a connection if it is all there, else watch the connection."""
        if conn.idle:
            if not conn.data:
                return
            conn.idle = False  # a request has begun: it has REQUEST_TIMEOUT to arrive, as on a new connection
            self.idle.pop(conn.sock.fileno(), None)
            conn.deadline = time.monotonic() + self.request_timeout
        ready, expects, whole = request_state(conn.data, self.body_limit)
        if expects and not ready and not conn.continued:
            conn.continued = True  # the client waits for this before it sends its body
            try:
                conn.sock.send(CONTINUE)
            except OSError:
                self.drop(conn)
                return
        if ready:
            self.serve(conn, whole)
        else:
            self.wait_for(conn)

    def serve(self, conn: Waiting, whole: bool = False) -> None:
        """Run one request, as the sync worker does (a blocking socket), on what was received and the socket
        after it; then keep the connection for the next one, or close it."""
        self.forget(conn)
        conn.sock.setblocking(True)
        deadline = time.monotonic() + self.request_timeout
        if conn.received is None:
            conn.received = Received(conn.sock, bytes(conn.data), deadline)
        else:
            conn.received.refill(bytes(conn.data), deadline)
        conn.received.whole = whole
        if self.respond(conn):
            self.keep(conn)

    def respond(self, conn: Waiting) -> bool:
        """SyncWorker.handle on a connection's request, with gunicorn's parser kept across its requests (as
        gthread does): True when the connection is kept open for another one, else it is closed here."""
        client, req, left_open, keep = conn.received, None, False, False
        try:
            if conn.parser is None:
                conn.parser = http.get_parser(self.cfg, client, conn.address)
            req = next(conn.parser)
            left_open = self.handle_request(conn.listener, req, client, conn.address)
            if left_open:  # a body the app left unread is discarded from what was received, never waited for
                client.refill(client.take(), 0.0)
                keep = self.alive and conn.parser.finish_body()
        except http.errors.NoMoreData as e:
            self.log.debug("Ignored premature client disconnection. %s", e)
        except StopIteration as e:
            self.log.debug("Closing connection. %s", e)
        except OSError as e:
            if e.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
            else:
                self.log.debug("Ignoring socket error %s", e)
        except BaseException as e:  # noqa: BLE001 — as SyncWorker.handle: gunicorn answers it (400, 500)
            self.handle_error(req, client, conn.address, e)
        finally:
            if keep:
                pass
            elif left_open:  # told the client it stays open, then stopping (or its body could not be discarded)
                self.drop(conn)
            else:
                util.close_graceful(client)
        return keep

    def keep(self, conn: Waiting) -> None:
        """Watch a connection again after its response, for its next request: what was read past the last
        one (in gunicorn's parser, then in `Received`) is the start of it."""
        conn.data = bytearray(conn.parser.unreader.take_buffered() + conn.received.take())
        conn.continued = False
        conn.sock.setblocking(False)
        self.wait_for(conn)
        if conn.data:  # looked at on the next turn, after the other connections
            conn.deadline = time.monotonic() + self.request_timeout
            self.pending.append(conn)
        else:
            conn.idle = True
            conn.deadline = time.monotonic() + self.keepalive
            self.idle[conn.sock.fileno()] = conn

    def handle_request(self, listener, req, client, addr) -> bool:
        """SyncWorker.handle_request, True when the response leaves the connection open: only for a request
        read whole (Received.whole), with `keepalive` on and the worker not stopping (gthread's rule); every
        other response says `Connection: close`, as the sync worker's all do."""
        environ = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(req, client, addr, listener.getsockname(), self.cfg)
            self.nr += 1
            if self.nr >= self.max_requests:
                self.log.info("Autorestarting worker after current request.")
                self.alive = False
            kept = isinstance(client, Received) and client.whole and self.keepalive and self.alive
            if not kept or self.backlogged():
                resp.force_close()
            respiter = self.wsgi(environ, resp.start_response)
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
            finally:
                request_time = datetime.now() - request_start
                self.log.access(resp, req, environ, request_time)
                if hasattr(respiter, "close"):
                    respiter.close()
            return not resp.should_close()
        except OSError:
            util.reraise(*sys.exc_info())
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                # Timeout abort is SystemExit. If we already started the response, writing a 500 on the same
                # socket corrupts it.
                self.log.exception("Error handling request")
                util.close_graceful(client)
                raise StopIteration()
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")

    def backlogged(self) -> bool:
        """Whether other requests wait for this worker: a connection with bytes to read, one read here already,
        or a new connection. The connection just served is then closed after its response, not kept: its
        client's next connection goes to whichever worker is free, as every connection of the sync worker does.
        A kept connection stays with the worker that accepted it, and a busy worker that kept them all would
        hold their requests while the other worker idled (behind nginx's upstream keepalive: a third fewer
        answers a second on two workers). So connections are kept while a worker keeps up, and under load
        they are balanced by accept() again."""
        if self.pending:
            return True
        return any(key.data != "pipe" for key, _ in self.selector.select(0))

    def listen(self, on: bool) -> None:
        """Watch the listeners, or (with worker_connections waiting here) leave new connections in the
        backlog for the other workers, rather than wake for them again and again."""
        if on == self.listening:
            return
        self.listening = on
        for listener in self.sockets:
            if on:
                self.selector.register(listener, selectors.EVENT_READ, None)
            else:
                self.selector.unregister(listener)

    def expire(self) -> None:
        """Close the connections whose request has not arrived within REQUEST_TIMEOUT, and those kept alive
        idle for `keepalive` (looked at four times a second, not after every request)."""
        now = time.monotonic()
        if now < self.next_expiry:
            return
        self.next_expiry = now + 0.25
        for conn in [c for c in self.waiting.values() if c.deadline <= now]:
            self.drop(conn)

    def forget(self, conn: Waiting) -> None:
        """Stop watching a connection."""
        if self.waiting.pop(conn.sock.fileno(), None) is not None:
            self.selector.unregister(conn.sock)
        if conn.idle:
            self.idle.pop(conn.sock.fileno(), None)
            conn.idle = False

    def drop(self, conn: Waiting) -> None:
        """Close a connection whose request will not be served."""
        self.forget(conn)
        try:
            conn.sock.close()
        except OSError:
            pass
