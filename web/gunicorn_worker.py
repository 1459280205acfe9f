"""gunicorn's sync worker, reading each request whole before the request takes the worker (gunicorn.conf.py).

A sync worker serves one connection at a time and reads it as it comes: a client that sends its request a byte
a second holds the worker until gunicorn's timeout kills it, and four such clients took both workers offline.
This worker waits for many connections at once, each in a buffer of its own, and runs the app (as the sync
worker does: one request at a time, in the worker's own thread, the fastest on two cores) only for a request
whose head and body are all there. A connection that has not sent its whole request within REQUEST_TIMEOUT is
closed. A request of the plain shape nearly every one has is then served by web/lean_http.py, the rest by
gunicorn's own parser and response. A body larger than MAX_CONTENT_LENGTH is not buffered: it goes to the app
at once, which refuses it (413) or, for an admin's upload, reads it within REQUEST_TIMEOUT. nginx in front is
still the deployment of choice (docs/deploy.md): it also holds slow readers of large responses, which this
worker does not.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import time
from collections.abc import Mapping

from gunicorn import util
from gunicorn.glogging import Logger
try:  # gunicorn's parser limits and trust check, as the pinned version has them (requirements.txt)
    from gunicorn.http.message import DEFAULT_MAX_HEADERFIELD_SIZE, MAX_HEADERS, MAX_REQUEST_LINE, _ip_in_allow_list
except ImportError:  # another gunicorn: every request goes through its own parser, as before web/lean_http.py
    _ip_in_allow_list = None
from gunicorn.http.wsgi import WSGIErrorsWrapper
from gunicorn.workers.sync import SyncWorker

from .lean_http import FileWrapper, LeanReply, LeanRequest, Limits, base_environ, environ_of, parse

__all__ = ["BufferingWorker", "request_ready"]
HEAD_LIMIT = 64 * 1024  # a head longer than this goes to gunicorn's parser as it is, which refuses it
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def request_ready(data: bytes | bytearray, body_limit: int) -> tuple[bool, bool]:
    """(ready, continue) of the bytes received so far on a connection: whether the request can go to the app
    (whole, or too large or malformed to be worth waiting for: gunicorn and the app say why), and whether the
    client waits for a 100 Continue before it sends its body."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > HEAD_LIMIT, False
    head = bytes(data[:end + 2]).lower()
    length, chunked, expect = None, False, False
    if b"content-length" in head or b"transfer-encoding" in head or b"expect" in head:  # else: no body
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip(), value.strip()
            if name == b"content-length":
                if not value.isdigit() or len(value) > 18 or (length is not None and int(value) != length):
                    return True, False  # gunicorn refuses it
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = chunked or b"chunked" in value
            elif name == b"expect":
                expect = value == b"100-continue"
    body = len(data) - end - 4
    if chunked:
        whole = chunked_end(data, end + 4)
        return whole is not None or body > body_limit, expect and not body
    if length is None:
        return True, False
    return body >= length or length > body_limit, expect and not body


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
    """A connection whose request is still arriving."""

    __slots__ = ("address", "continued", "data", "deadline", "listener", "sock", "waited")

    def __init__(self, sock: socket.socket, listener, address, deadline: float):
        self.sock, self.listener, self.address = sock, listener, address
        self.data, self.deadline, self.continued = bytearray(), deadline, False
        self.waited = False  # read more than once: its request did not come in one piece


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
        self.selector = selectors.DefaultSelector()
        self.waiting: dict[int, Waiting] = {}
        self.listening = True
        self.next_expiry = 0.0
        self.lean = self.lean_limits()
        self._trusted: dict[str, bool] = {}
        self._server_of: dict[int, tuple] = {}
        self.lean_base = base_environ(WSGIErrorsWrapper(self.cfg), self.cfg.workers)
        # the hooks, as gunicorn's settings give them (each a lookup through its Config): fixed for a worker's life
        self.pre_request, self.post_request = self.cfg.pre_request, self.cfg.post_request
        for listener in self.sockets:
            listener.setblocking(False)
            self.selector.register(listener, selectors.EVENT_READ, None)
        self.selector.register(self.PIPE[0], selectors.EVENT_READ, "pipe")
        beat = min(1.0, self.timeout or 0.5)
        # the heartbeat the arbiter watches (a file's time, a system call), a few times a second under load
        # rather than once a request: the arbiter waits `timeout` seconds before it calls a worker stuck
        every, next_beat = min(0.25, beat / 4), 0.0
        try:
            while self.alive:
                now = time.monotonic()
                if now >= next_beat:
                    self.notify()
                    next_beat = now + every
                    if not self.is_parent_alive():  # a system call: looked at with the heartbeat, not per request
                        break
                listeners = []
                for key, _ in self.selector.select(beat):  # the connections waiting here first, then one new
                    if key.data is None:
                        listeners.append(key.fileobj)
                    elif key.data == "pipe":
                        os.read(self.PIPE[0], 1)
                    elif self.alive:
                        self.receive(key.data)
                for listener in listeners:
                    if self.alive:
                        self.accept(listener)
                self.expire()
                self.listen(len(self.waiting) < self.most)
        finally:
            for conn in list(self.waiting.values()):
                self.drop(conn)
            self.selector.close()

    def accept(self, listener) -> None:
        """Take one connection from a listener, and serve it at once when its request is there already (as
        the sync worker does); otherwise it waits here with the others. One a turn: a worker never hoards the
        backlog, and a connection waiting here is served before newer ones."""
        if len(self.waiting) >= self.most:
            return
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
        if not conn.waited and self.serve_if_lean(conn):  # the usual request: whole in its first read, plain
            return
        ready, expects = request_ready(conn.data, self.body_limit)
        if expects and not ready and not conn.continued:
            conn.continued = True  # the client waits for this before it sends its body
            try:
                conn.sock.send(CONTINUE)
            except OSError:
                self.drop(conn)
                return
        if ready:
            if not (conn.waited and self.serve_if_lean(conn)):
                self.serve(conn)
        else:
            conn.waited = True
            self.wait_for(conn)

    def serve(self, conn: Waiting) -> None:
        """Run one request, as the sync worker does (a blocking socket), on what was received and the socket
        after it, by gunicorn's parser and response (receive() serves a request of the plain shape itself)."""
        self.forget(conn)
        conn.sock.setblocking(True)
        self.handle(conn.listener, Received(conn.sock, bytes(conn.data), time.monotonic() + self.request_timeout),
                    conn.address)

    def serve_if_lean(self, conn: Waiting) -> bool:
        """Serve the connection's request by web/lean_http.py when it is whole and of the plain shape; False
        (nothing done) otherwise. Looked at on a connection's first read, and once its request is whole: not on
        every piece of a request that trickles in."""
        if self.lean is None or not isinstance(conn.address, tuple):
            return False
        try:
            req = parse(bytes(conn.data), self.lean, self.trusted(conn.address[0]), conn.address)
        except Exception:  # whatever it is, gunicorn's parser says what is wrong with it
            self.log.debug("the lean parser gave up on a request", exc_info=True)
            return False
        if req is None:
            return False
        self.forget(conn)
        conn.sock.setblocking(True)
        self.serve_lean(conn, req)
        return True

    def handle_usr1(self, sig, frame) -> None:
        """Log files reopened (log rotation): the lean environ's wsgi.errors writes to the new ones."""
        super().handle_usr1(sig, frame)
        if getattr(self, "lean", None) is not None:
            self.lean_base = base_environ(WSGIErrorsWrapper(self.cfg), self.cfg.workers)

    def lean_limits(self) -> Limits | None:
        """gunicorn's limits of a request head as its parser applies them; None where this worker's settings
        ask for what only gunicorn's path does (an access log, statsd or another logger, which see each
        request; the PROXY protocol; another protocol)."""
        cfg = self.cfg
        if _ip_in_allow_list is None:
            return None
        logged = (cfg.accesslog or cfg.logconfig or cfg.logconfig_dict or getattr(cfg, "logconfig_json", None)
                  or (cfg.syslog and not cfg.disable_redirect_access_to_syslog)
                  or type(self.log) is not Logger or cfg.statsd_host)
        if logged or cfg.proxy_protocol not in (False, None, "off") or getattr(cfg, "protocol", "http") != "http":
            return None
        line, fields, size = cfg.limit_request_line, cfg.limit_request_fields, cfg.limit_request_field_size
        return Limits(
            request_line=line if 0 < line < MAX_REQUEST_LINE else MAX_REQUEST_LINE,
            fields=fields if 0 < fields <= MAX_HEADERS else MAX_HEADERS,
            field_size=size if size > 0 else DEFAULT_MAX_HEADERFIELD_SIZE,
            secure_scheme_headers=dict(cfg.secure_scheme_headers),
        )

    def trusted(self, ip: str) -> bool:
        """Whether a peer may say the scheme (forwarded_allow_ips), looked up once per address."""
        known = self._trusted.get(ip)
        if known is None:
            if len(self._trusted) > 1024:
                self._trusted.clear()
            known = self._trusted[ip] = _ip_in_allow_list(ip, self.cfg.forwarded_allow_ips,
                                                          self.cfg.forwarded_allow_networks())
        return known

    def serve_lean(self, conn: Waiting, req: LeanRequest) -> None:
        """One request of the plain shape, as gunicorn's handle and handle_request run it: the hooks, the
        max_requests count, the app, errors answered 500 before the response starts, the graceful close."""
        sock = conn.sock
        environ: dict = {}
        reply = None
        try:
            self.pre_request(self, req)
            server = self._server_of.get(conn.listener.fileno())
            if server is None:
                server = self._server_of[conn.listener.fileno()] = conn.listener.getsockname()
            environ = environ_of(req, sock, conn.address, server, self.lean_base)
            reply = LeanReply(req, sock.sendall, sock, sendfile=self.cfg.sendfile is not False)
            self.nr += 1
            if self.nr >= self.max_requests:
                self.log.info("Autorestarting worker after current request.")
                self.alive = False
            result = self.wsgi(environ, reply.start_response)
            try:
                if isinstance(result, FileWrapper):
                    reply.write_file(result)
                else:
                    for chunk in result:
                        reply.write(chunk)
                reply.close()
            finally:
                if hasattr(result, "close"):
                    result.close()
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except BaseException as exc:  # as gunicorn's handle: a worker's timeout (SystemExit) answered 500 too
            if reply is not None and reply.headers_sent:
                self.log.exception("Error handling request")  # half a response sent: nothing more to say
            else:
                self.handle_error(req, sock, conn.address, exc)
        finally:
            try:
                self.post_request(self, req, environ, reply)
            except Exception:
                self.log.exception("Exception in post_request hook")
            if sock.fileno() >= 0:  # not closed by the hook already (web.server.close_if_drained)
                util.close_graceful(sock)

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
        """Close the connections whose request has not arrived within REQUEST_TIMEOUT (looked at four times a
        second, not after every request)."""
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

    def drop(self, conn: Waiting) -> None:
        """Close a connection whose request will not be served."""
        self.forget(conn)
        try:
            conn.sock.close()
        except OSError:
            pass
