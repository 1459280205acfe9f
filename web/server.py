"""The production server of `python app.py`: waitress, with a bounded time to receive each request.

Waitress closes a connection only after `channel_timeout` seconds of *silence*, so a client that sends one
byte every few seconds holds its connection forever; a hundred such clients fill the connection limit and
nobody else is served. Here a request must arrive whole within `request_timeout` seconds of its first byte.
"""

from __future__ import annotations

import gc
import socket
import time

from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer


class BoundedChannel(HTTPChannel):
    """A connection that remembers when the request it is receiving began."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        """Note the start of a new request, then receive as waitress does."""
        if data and self.request is None:
            self.request_started = time.time()
        done = super().received(data)
        if self.request is None:  # every request received so far is complete
            self.request_started = None
        return done


class BoundedServer(TcpWSGIServer):
    """waitress's TCP server, closing connections whose request takes too long to arrive."""

    channel_class = BoundedChannel

    def __init__(self, application, request_timeout: float = 10.0, **kw):
        if request_timeout <= 0:
            raise ValueError(f"request_timeout must be positive, got {request_timeout}")
        self.request_timeout = request_timeout
        kw.setdefault("cleanup_interval", max(1, int(request_timeout // 4)))
        super().__init__(application, **kw)

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress's rule) and ones still sending a request after the timeout."""
        super().maintenance(now)
        cutoff = now - self.request_timeout
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff and not channel.requests:
                channel.will_close = True


def serve(app, host: str, port: int, threads: int, request_timeout: float, connection_limit: int) -> None:
    """Serve `app` until interrupted."""
    freeze_heap()
    server = BoundedServer(app, request_timeout=request_timeout, host=host, port=port, threads=threads,
                           connection_limit=connection_limit, channel_timeout=max(30, int(request_timeout * 3)),
                           ident="qa")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def freeze_heap() -> None:
    """Before serving: the index, built once, lives as long as the process. Moved out of the cyclic garbage
    collector's reach, its million objects are no longer scanned by each full collection (pauses of tens of
    milliseconds at 100 plans), and forked workers no longer copy its pages by touching their headers.

    Only the young generations are collected first: the build's objects are in the oldest already (moved there
    unscanned, web._collector_paused), where a full collection would scan them all for the few cycles of
    garbage they hold (a tenth of a second of a compilation's restart, for about a hundred objects, which are
    frozen with the rest and kept: a build must not leave large cycles behind)."""
    gc.collect(1)
    gc.freeze()


def close_if_drained(sock: socket.socket | None, response) -> bool:
    """After a gunicorn response on a connection that closes (a sync worker closes each one): close it at
    once when the client has sent nothing more. gunicorn otherwise lingers until the client closes its end,
    reading what it may still send (RFC 9112 §9.6: closing on unread data sends a reset that can cut the
    response short), and its worker serves no one meanwhile. With nothing unread, a close sends no reset;
    with something unread, gunicorn's lingering close is left to do its work. True when closed here."""
    if sock is None or response is None or not response.headers_sent or not response.should_close():
        return False
    try:
        if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
            return False  # more from the client (a pipelined request): gunicorn reads it before closing
    except BlockingIOError:
        pass  # nothing waiting: the usual case
    except OSError:
        return False  # closed already, or reset by the client
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    sock.close()
    return True
