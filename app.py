"""方案问答助手: the WSGI entry point (gunicorn 'app:create_app()') and the command line (python app.py --help)."""

from __future__ import annotations

import sys

from web import create_app

__all__ = ["create_app"]

if __name__ == "__main__":
    from web.cli import main

    sys.exit(main(sys.argv[1:]))
