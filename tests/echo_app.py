"""A WSGI app for tests/test_lean_http.py, served by gunicorn with web.gunicorn_worker.BufferingWorker: it
answers with its environ as JSON (the strings and the body read), or as the path asks: /chunked writes its
body in pieces without a length, /fail raises before it starts its response, /half raises after."""

from __future__ import annotations

import json


def app(environ, start_response):
    """The environ's strings and whether the lean path served it (no wsgi.early_hints), as JSON."""
    path = environ["PATH_INFO"]
    if path == "/fail":
        raise RuntimeError("the app failed before its response")
    if path == "/exit":
        raise SystemExit(3)
    if path == "/errors":
        environ["wsgi.errors"].write("echo: a line for the error log\n")
    if path == "/file":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return environ["wsgi.file_wrapper"](open(__file__, "rb"))
    body = environ["wsgi.input"].read()
    seen = {k: v for k, v in environ.items() if isinstance(v, str)}
    seen["body"] = body.decode("latin-1")
    seen["lean"] = "wsgi.early_hints" not in environ
    data = json.dumps(seen, sort_keys=True).encode()
    if path == "/chunked":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [data[:10], b"", data[10:]]
    if path == "/half":
        start_response("200 OK", [("Content-Type", "application/json")])

        def pieces():
            yield data[:10]
            raise RuntimeError("the app failed half way")

        return pieces()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                              ("Connection", "keep-alive")])
    return [data]
