"""WeChat Official Account (/wechat) and WeCom (/wecom) callback endpoints."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("wechat", __name__)


@bp.route("/wechat", methods=["GET", "POST"])
def wechat():
    """Official Account callback (not yet implemented)."""
    abort(404)


@bp.route("/wecom", methods=["GET", "POST"])
def wecom():
    """WeCom app callback (not yet implemented)."""
    abort(404)
