"""The ceiling: a bare WSGI app that reads the request and returns a fixed JSON answer, served by
`gunicorn -w 2` as the assistant is. What it serves per second is the most any app can on this machine with
this server and this load; the assistant's repeated questions are measured as a share of it.

    (cd bench && gunicorn -w 2 -b 127.0.0.1:8102 ceiling:app)
"""

from __future__ import annotations

import json

# An answer of the size the assistant sends for a task's units (about 3 KiB: the answer, the units, the
# clause it cites with its text), so that both write the same bytes to the socket.
BODY = json.dumps(
    {
        "answer": "简易注销的配合单位：盟编办、盟发改委、盟行署法制办。",
        "found": True,
        "intent": "cooperate",
        "units": ["盟编办", "盟发改委", "盟行署法制办"],
        "citations": [
            {
                "id": "p1-c12",
                "doc": "锡林郭勒盟贯彻落实《“十三五”市场监管规划》实施方案",
                "path": "二、（一）1.",
                "title": "改革市场准入制度",
                "text": "全面实施企业简易注销登记改革，" * 55,
                "lead": ["盟工商局"],
                "cooperate": ["盟编办", "盟发改委", "盟行署法制办"],
                "deadline": "2017年底前",
                "url": "/clause/p1-c12",
            }
        ],
        "suggestions": ["简易注销谁牵头？", "盟工商局牵头哪些工作？"],
        "elapsed_ms": 0.1,
        "answer_id": "0" * 32,
    },
    ensure_ascii=False,
).encode("utf-8")
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def app(environ: dict, start_response):
    """Read the body (as any app must), answer with the fixed body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", HEADERS)
    return [BODY]
