"""The common request served without gunicorn's request and response objects (web/gunicorn_worker.py).

Under load, half of a worker's time on a repeated question went to gunicorn's own request and response
objects: its settings looked up twenty times a request, the head parsed into objects, each response header
checked by a pattern, the head and the body written apart. A request that BufferingWorker has read whole, and
that has the plain shape nearly every request has, is read here in one pass and answered with one write:

- the request line `GET|POST|HEAD /target HTTP/1.0|1.1`, a target of visible ASCII without a fragment;
- header fields of token names and visible ASCII values, none repeated, none with an underscore, no
  Transfer-Encoding or Expect, within gunicorn's limits;
- a body of exactly its Content-Length (nothing pipelined after it).

Anything else (`None` from `parse`) goes to gunicorn's own parser, which accepts or refuses it as it always
did. The environ is the one gunicorn's `wsgi.create` makes for the same request (tests/test_lean_http.py
compares them over many requests), bar `wsgi.early_hints`, which this path does not offer; the response has
gunicorn's status line, Server, Date and `Connection: close`, then the app's headers, and its framing rules
(Content-Length kept to, chunked when there is none, no body for HEAD, 1xx, 204 and 304).
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import unquote_to_bytes

from gunicorn import SERVER, SERVER_SOFTWARE
from gunicorn.http.errors import ConfigurationProblem
from gunicorn.http.wsgi import HEADER_VALUE_RE, STATUS_RE, TOKEN_RE, FileWrapper, WSGIErrorsWrapper
from gunicorn.util import has_fileno, is_hoppish

__all__ = ["LeanReply", "LeanRequest", "environ_of", "parse"]

METHODS = frozenset({"GET", "POST", "HEAD"})
VERSIONS = {"HTTP/1.1": (1, 1), "HTTP/1.0": (1, 0)}
# visible ASCII, no '#' (a fragment), not '//' (a netloc to urlsplit)
REQUEST_LINE = re.compile(r"([A-Z]+) (/(?!/)[\x21-\x22\x24-\x7e]*) (HTTP/1\.[01])")
# every header field at once: a token name (without the underscore gunicorn maps apart), a colon, a value of
# visible ASCII with spaces and tabs inside only, each line ended by CRLF (no folding, no bare LF)
FIELDS = re.compile(r"(?:[-!#$%&'*+.^`|~0-9A-Za-z]+:[ \t]*(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?[ \t]*\r\n)*")
# what gunicorn's parser treats apart (a body framed otherwise, a 100 Continue to send): its path serves them
REFUSED = frozenset({"TRANSFER-ENCODING", "EXPECT"})
NO_BODY_STATUS = (204, 304)
# A plain request's head is short (a browser's, wrk's, nginx's: well under 2 KB): a longer one goes to gunicorn's
# parser, which also holds its limit on the whole head; the lean one never reads far.
HEAD_LIMIT = 16 * 1024
LENGTH_DIGITS = 18  # a Content-Length of more digits is no body this server buffers (int() refuses 4,300)


@dataclass(frozen=True)
class LeanRequest:
    """A request read by `parse`: what gunicorn's Request gives the hooks and the environ, no more."""

    method: str
    uri: str
    path: str
    query: str
    version: tuple[int, int]
    headers: tuple[tuple[str, str], ...]  # (NAME as gunicorn upper-cases it, value)
    body: io.BytesIO  # wsgi.input, as gunicorn's request.body is
    scheme: str = "http"
    fragment: str = ""
    peer_addr: tuple | None = None  # the client's address, as gunicorn's request has it (remote_addr too)
    trailers: tuple = ()
    proxy_protocol_info: None = None

    @property
    def remote_addr(self) -> tuple | None:
        return self.peer_addr

    def should_close(self) -> bool:
        """Every connection closes after its request (gunicorn's sync worker forces it too)."""
        return True


@dataclass(frozen=True)
class Limits:
    """gunicorn's limits of a request head (0 for none), and the scheme headers a trusted proxy may set."""

    request_line: int = 4094
    fields: int = 100
    field_size: int = 8190
    secure_scheme_headers: dict[str, str] = field(default_factory=dict)


def parse(data: bytes, limits: Limits, trusted: bool, peer: tuple | None = None) -> LeanRequest | None:
    """The request in `data` (its whole head and body) when it has the plain shape, else None. `trusted`: the
    peer may say the scheme (gunicorn's forwarded_allow_ips); `peer`: its address."""
    end = data.find(b"\r\n\r\n", 0, HEAD_LIMIT)
    if end <= 0:
        return None
    try:
        head = data[:end + 2].decode("ascii")
    except UnicodeDecodeError:
        return None
    first = head.find("\r\n")
    if limits.request_line and first > limits.request_line:
        return None
    request = REQUEST_LINE.fullmatch(head, 0, first)
    if request is None or request[1] not in METHODS:
        return None
    fields = head[first + 2:]
    if fields and not FIELDS.fullmatch(fields):
        return None
    lines = fields.split("\r\n")
    lines.pop()  # the empty string after the last CRLF
    if limits.fields and len(lines) > limits.fields:
        return None
    headers, seen = [], set()
    length = None
    scheme, said = "http", False
    for line in lines:
        if limits.field_size and len(line) + 2 > limits.field_size:
            return None
        name, _, value = line.partition(":")
        name, value = name.upper(), value.strip(" \t")
        if name in seen or name in REFUSED:
            return None
        seen.add(name)
        if name == "CONTENT-LENGTH":
            if not value.isdigit() or len(value) > LENGTH_DIGITS:
                return None
            length = int(value)
        elif trusted and name in limits.secure_scheme_headers:
            told = "https" if value == limits.secure_scheme_headers[name] else "http"
            if said and told != scheme:  # two scheme headers that disagree: gunicorn refuses the request
                return None
            scheme, said = told, True
        headers.append((name, value))
    body = data[end + 4:]
    if len(body) != (length or 0):  # a body short of its length, or bytes after it: gunicorn's path reads them
        return None
    target = request[2]
    path, _, query = target.partition("?")
    return LeanRequest(request[1], target, path, query, VERSIONS[request[3]], tuple(headers), io.BytesIO(body),
                       scheme, peer_addr=peer)


def base_environ(errors: WSGIErrorsWrapper, workers: int) -> dict:
    """What every request's environ holds, as gunicorn's base_environ has it."""
    return {
        "wsgi.errors": errors,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": workers > 1,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        "wsgi.input_terminated": True,
        "SERVER_SOFTWARE": SERVER_SOFTWARE,
    }


def environ_of(req: LeanRequest, sock, client: tuple, server: tuple, base: dict) -> dict:
    """The WSGI environ of a request, as gunicorn's wsgi.create makes it for a TCP listener."""
    environ = dict(base)
    environ["wsgi.input"] = req.body
    environ["gunicorn.socket"] = sock
    environ["REQUEST_METHOD"] = req.method
    environ["QUERY_STRING"] = req.query
    environ["RAW_URI"] = req.uri
    environ["SERVER_PROTOCOL"] = f"HTTP/{req.version[0]}.{req.version[1]}"
    for name, value in req.headers:
        if name == "CONTENT-TYPE":
            environ["CONTENT_TYPE"] = value
        elif name == "CONTENT-LENGTH":
            environ["CONTENT_LENGTH"] = value
        else:
            environ["HTTP_" + name.replace("-", "_")] = value
    environ["wsgi.url_scheme"] = req.scheme
    environ["REMOTE_ADDR"] = client[0]
    environ["REMOTE_PORT"] = str(client[1])
    environ["SERVER_NAME"] = server[0]
    environ["SERVER_PORT"] = str(server[1])
    script_name = os.environ.get("SCRIPT_NAME", "")
    path_info = req.path
    if script_name:
        if not path_info.startswith(script_name):  # gunicorn's error, answered as gunicorn answers it
            raise ConfigurationProblem(f"Request path {path_info!r} does not start with SCRIPT_NAME {script_name!r}")
        path_info = path_info[len(script_name):]
    environ["PATH_INFO"] = unquote_to_bytes(path_info).decode("latin-1") if "%" in path_info else path_info
    environ["SCRIPT_NAME"] = script_name
    return environ


def name_kind(name: str) -> str:
    """What a response header's name is to the framing ("length", "hop" by hop, or "plain"), checked once per
    name (an app sends the same few names again and again); ValueError for a name that is no token."""
    if not TOKEN_RE.fullmatch(name):
        raise ValueError(f"invalid response header name {name!r}")
    kind = "length" if name.lower() == "content-length" else "hop" if is_hoppish(name) else "plain"
    if len(NAME_KINDS) < 256:
        NAME_KINDS[name] = kind
    return kind


NAME_KINDS: dict[str, str] = {}
# response headers checked once, as given → as written (Content-Type, the security headers: the same on every
# response); never a cookie, never a long value, a few hundred at most
PLAIN_PAIRS: dict[tuple[str, str], str] = {}


class _Date:
    """The Date header's value, made once a second (email.utils.formatdate is not free)."""

    second, value = -1, ""

    @classmethod
    def now(cls) -> str:
        second = int(time.time())
        if second != cls.second:
            cls.second, cls.value = second, formatdate(second, usegmt=True)
        return cls.value


class LeanReply:
    """The response to one request: its head kept until the first body bytes, then written with them."""

    def __init__(self, req: LeanRequest, send: Callable[[bytes], None], sock=None, sendfile: bool = False):
        """`send` writes bytes to the client; `sock`, when `sendfile`, sends a file's bytes by os.sendfile."""
        self.req, self.send, self.sock, self.can_sendfile = req, send, sock, sendfile
        self.upgrade = False
        self.status: str | None = None
        self.status_code: int | None = None
        self.headers: list[tuple[str, str]] = []
        self.response_length: int | None = None
        self.headers_sent = False
        self.chunked = False
        self.omits_body = False
        self.sent = 0
        self._head = b""

    def should_close(self) -> bool:
        """The connection closes after this response (Connection: close)."""
        return True

    def start_response(self, status: str, headers: Iterable[tuple[str, str]], exc_info=None):
        """WSGI's start_response, with gunicorn's checks of the status and each header."""
        if exc_info:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("Response headers already set!")
        if not isinstance(status, str):
            raise TypeError(f"{status!r} is not a string")
        if not STATUS_RE.fullmatch(status):
            raise ValueError(f"Invalid status {status!r}")
        self.status = status
        try:
            self.status_code = int(status.split()[0])
        except ValueError:
            self.status_code = None
        kept, self.response_length = [], None
        for name, value in headers:
            if type(name) is str and type(value) is str:  # noqa: E721 — exact types: the pair is a dict key
                known = PLAIN_PAIRS.get((name, value))
                if known is not None:  # a header checked before (the app's constant ones): kept as checked
                    kept.append((name, known))
                    continue
            if not isinstance(name, str) or not isinstance(value, str):
                raise TypeError(f"{name!r}: {value!r} is not a pair of strings")
            kind = NAME_KINDS.get(name)
            if kind is None:
                kind = name_kind(name)
            if not HEADER_VALUE_RE.fullmatch(value):
                raise ValueError(f"invalid value of response header {name!r}")
            given, value = value, value.strip(" \t")
            if kind == "length":
                self.response_length = int(value)
            elif kind == "hop":  # the server's to say (Connection: close), never the app's; bar a websocket's
                lower = name.lower()
                if lower == "connection" and value.lower() == "upgrade":
                    self.upgrade = True
                elif lower == "upgrade" and value.lower() == "websocket":
                    kept.append((name, value))
                continue
            kept.append((name, value))
            if (kind == "plain" and type(name) is str and type(given) is str  # noqa: E721
                    and len(given) <= 200 and len(PLAIN_PAIRS) < 512 and name.lower() != "set-cookie"):
                PLAIN_PAIRS[(name, given)] = value
        code = self.status_code
        informational = code is not None and 100 <= code < 200
        self.omits_body = self.req.method == "HEAD" or code in NO_BODY_STATUS or informational
        if self.omits_body and (code == 204 or informational):
            kept = [(k, v) for k, v in kept if k.lower() != "content-length"]
            self.response_length = None
        self.headers = kept
        self.chunked = self.response_length is None and self.req.version >= (1, 1) and not self.omits_body
        return self.write

    def head(self) -> bytes:
        """The status line and headers, as gunicorn writes them."""
        lines = [f"HTTP/{self.req.version[0]}.{self.req.version[1]} {self.status}\r\nServer: {SERVER}\r\n"
                 f"Date: {_Date.now()}\r\nConnection: {'upgrade' if self.upgrade else 'close'}\r\n"]
        if self.chunked:
            lines.append("Transfer-Encoding: chunked\r\n")
        lines.extend(f"{k}: {v}\r\n" for k, v in self.headers)
        lines.append("\r\n")
        return "".join(lines).encode("latin-1")

    def write(self, data: bytes) -> None:
        """Body bytes: with the head the first time, framed as gunicorn frames them."""
        if not isinstance(data, bytes):
            raise TypeError(f"{data!r} is not a byte")
        if self.status is None:
            raise AssertionError("write() before start_response()")
        head = b""
        if not self.headers_sent:
            head, self.headers_sent = self.head(), True
        if self.omits_body:
            data = b""
        elif self.response_length is not None:
            data = data[: max(self.response_length - self.sent, 0)]
        self.sent += len(data)
        if self.chunked and data:
            data = b"%X\r\n%s\r\n" % (len(data), data)
        if head or data:
            self.send(head + data)

    def write_file(self, wrapper: FileWrapper) -> None:
        """A file the app returned through wsgi.file_wrapper: by os.sendfile where it can be (its bytes never
        pass through Python), as gunicorn sends it; else read and written."""
        if not self._sendfile(wrapper):
            for chunk in wrapper:
                self.write(chunk)

    def _sendfile(self, wrapper: FileWrapper) -> bool:
        """gunicorn's Response.sendfile: the head, then the file's bytes from where it stands (its length, or
        what is left of it), one chunk when chunked; False where a file cannot be sent so."""
        if not self.can_sendfile or self.sock is None or not has_fileno(wrapper.filelike):
            return False
        fileno = wrapper.filelike.fileno()
        try:
            offset = os.lseek(fileno, 0, os.SEEK_CUR)
            nbytes = os.fstat(fileno).st_size - offset if self.response_length is None else self.response_length
        except (OSError, io.UnsupportedOperation):
            return False
        if not self.headers_sent:
            self.write(b"")  # the head first, alone
        if self.omits_body:
            return True
        if self.chunked:
            self.send(b"%X\r\n" % nbytes)
        if nbytes > 0:
            self.sock.sendfile(wrapper.filelike, offset=offset, count=nbytes)
        if self.chunked:
            self.send(b"\r\n")
        os.lseek(fileno, offset, os.SEEK_SET)
        return True

    def close(self) -> None:
        """The end of the response: the head when no body was written, the last chunk when chunked."""
        if not self.headers_sent:
            self.write(b"")
        if self.chunked:
            self.send(b"0\r\n\r\n")
