"""jieba, imported once for the index's modules, without pkg_resources.

jieba opens its data files through pkg_resources when that imports: a fifth of a second of start-up that
nothing else here needs. Without it jieba opens the very same files beside its own module.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["jieba"]

_HIDDEN = "pkg_resources" not in sys.modules
if _HIDDEN:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # an import of it raises ImportError
try:
    import jieba
finally:
    if _HIDDEN:
        del sys.modules["pkg_resources"]

jieba.setLogLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG to stderr
