"""A start-up snapshot of the index's tokens: what jieba made of each clause, kept in a JSON file (a safe
format, never pickle) so that a restart over the same plans skips the slowest part of building the index.

The file is keyed by the tokenizer's identity (its dictionary additions, stop words, jieba's and this
format's version); each entry by the text itself, so a changed plan costs only its changed clauses. A
missing, stale or damaged file is rebuilt; failing to write it only costs the next start-up its speed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import jieba

log = logging.getLogger(__name__)
FORMAT = 1  # bumped whenever tokens would come out otherwise for the same text and words


def tokenizer_key(added: Iterable[str], stop_words: Iterable[str]) -> str:
    """The identity of a tokenizer: the same key, the same tokens for every text."""
    digest = hashlib.sha256(f"{FORMAT}|{jieba.__version__}|".encode())
    for word in sorted(added):
        digest.update(word.encode("utf-8") + b"\x00")
    digest.update(b"\x01")
    for word in sorted(stop_words):
        digest.update(word.encode("utf-8") + b"\x00")
    return digest.hexdigest()


def load_tokens(path: Path, key: str) -> dict[str, list[str]]:
    """The snapshot's tokens by text, or {} when it is missing, of another tokenizer, or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("index snapshot %s is unreadable (%s); rebuilding it", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("tokens"), dict):
        return {}
    tokens = data["tokens"]
    return {text: words for text, words in tokens.items()
            if isinstance(words, list) and all(isinstance(w, str) for w in words)}


def save_tokens(path: Path, key: str, tokens: dict[str, list[str]]) -> None:
    """Write the snapshot atomically (a half-written file is never read)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({"key": key, "tokens": tokens}, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.warning("could not write the index snapshot %s (%s); the next start-up rebuilds it", path, exc)
        partial.unlink(missing_ok=True)
