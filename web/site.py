"""What every site has: the API's documentation page (/docs, drawn in the browser from /openapi.json by
web/static/js/docs.js), /favicon.ico, and error pages in Chinese in the site's layout."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
)
from markupsafe import escape
from werkzeug.exceptions import HTTPException

bp = Blueprint("site", __name__)
log = logging.getLogger("qa.app")
STATIC = Path(__file__).resolve().parent / "static"
JSON_PATHS = ("/api/", "/admin/api/")  # their refusals stay JSON, whatever asked

# What each refusal says to a person, when the view gave no reason of its own: (heading, explanation).
ERRORS = {
    400: ("请求有误", "请求的格式不对，无法处理。"),
    401: ("需要登录", "请先登录再访问这个页面。"),
    403: ("无权访问", "没有访问这个页面的权限。"),
    404: ("没有找到", "这个地址没有页面：它可能已被移动或删除，或地址输入有误。"),
    405: ("不能这样访问", "这个地址不接受这种请求方式。"),
    413: ("内容太大", "提交的内容超过了允许的大小。"),
    429: ("请求太频繁", "请稍等一会儿再试。"),
    500: ("出错了", "服务器处理这个请求时出错了。请稍后再试；如果一直出错，请告诉管理员。"),
    503: ("暂时不可用", "服务暂时不可用，请稍后再试。"),
}


def wants_json() -> bool:
    """Whether a refusal of this request is sent as JSON: the API's paths, a JSON body, or a client that asks
    for JSON rather than a page."""
    if request.path.startswith(JSON_PATHS) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_page(code: int, exc: HTTPException | None = None) -> Response:
    """The Chinese page of an error, in the site's layout (a plain one if the layout itself fails)."""
    heading, message = ERRORS.get(code, ("未能完成请求", "这个请求未能完成。"))
    if exc is not None and exc.description and exc.description != type(exc).description:
        message = exc.description  # the view's own reason (方案中没有给“…”分配任务。)
    if code == 413:
        message += f"（上限 {current_app.config.get('MAX_CONTENT_LENGTH') or 0} 字节）"
    try:
        body = render_template("error.html", page="", code=code, heading=heading, message=message)
    except Exception:  # the error came from the templates themselves: still a page, and in Chinese
        log.exception("the error page could not be drawn")
        body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{escape(heading)}</title>'
                f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>")
    response = current_app.response_class(body, status=code, mimetype="text/html")
    if exc is not None:
        for name, value in exc.get_headers():  # the Allow header of a 405
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


@bp.get("/docs")
def docs():
    """The API's documentation, drawn from /openapi.json, with a form that tries POST /api/ask."""
    return render_template("docs.html", page="docs")


@bp.get("/favicon.ico")
def favicon():
    """The site's icon, where browsers and feed readers look for it by default."""
    response = send_from_directory(STATIC, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)
    return response
