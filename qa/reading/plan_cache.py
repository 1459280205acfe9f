"""Each plan's clauses kept between start-ups, so that a restart over the same plans reads none of them again.

An entry is keyed by everything its clauses are made from: the plan file's name and bytes, the knowledge
that shapes the parse (units.yaml, terms.yaml), the reading limits, and the reading code itself. Any change
to one of them misses the entry and the plan is read anew. Entries are JSON (a safe format, never pickle),
one file per plan, written atomically; a damaged entry is read anew; entries no plan uses are removed.
Corrections are applied after the cache, so editing a corrections file costs nothing here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from ..records import Clause

__all__ = ["PlanCache"]
log = logging.getLogger(__name__)
FORMAT = 1  # bumped when an entry's layout changes
QA = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that turns a plan into clauses (reading/, records, vocabulary)."""
    digest = hashlib.sha256(f"plans-{FORMAT}".encode())
    for path in sorted([*(QA / "reading").glob("*.py"), QA / "records.py", QA / "vocabulary.py"]):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


class PlanCache:
    """Clauses by plan, in a folder of JSON entries."""

    def __init__(self, folder: str | Path, knowledge: Iterable[bytes], limits: object):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(f"the plan cache must be a folder, got the file {self.folder}")
        digest = hashlib.sha256(code_version().encode() + repr(limits).encode())
        for part in knowledge:
            digest.update(hashlib.sha256(part).digest())
        self._base = digest.digest()
        self.used: set[str] = set()
        self.hits = self.misses = 0
        self._notes: dict[str, list[str]] = {}  # what staff should know of each plan's reading, by key

    def key(self, path: Path) -> str:
        """The entry name of a plan file as it is now (OSError when it cannot be read)."""
        digest = hashlib.sha256(self._base + path.name.encode() + b"\x00")
        with path.open("rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
        return digest.hexdigest()[:40]

    def get(self, key: str) -> list[Clause] | None:
        """The clauses kept under key, or None (missing, damaged, of another layout)."""
        self.used.add(key)
        try:
            data = orjson.loads((self.folder / f"{key}.json").read_bytes())
            clauses = [clause_from(item) for item in data["clauses"]]
            notes = [str(note) for note in data.get("notes", [])]
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("plan cache entry %s is unreadable (%s); reading the plan again", key, exc)
            self.misses += 1
            return None
        self.hits += 1
        self._notes[key] = notes
        return clauses

    def notes(self, key: str) -> list[str]:
        """The notes kept with the entry `get` last returned under key (pages read by OCR …)."""
        return self._notes.get(key, [])

    def put(self, key: str, clauses: list[Clause], notes: Iterable[str] = ()) -> None:
        """Keep a plan's clauses, and the notes of its reading (failing to write only costs the next start-up its
        speed)."""
        self.used.add(key)
        target = self.folder / f"{key}.json"
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # orjson writes dataclasses and tuples
            partial.write_bytes(orjson.dumps({"clauses": clauses, "notes": list(notes)}))
            os.replace(partial, target)
        except OSError as exc:
            log.warning("could not keep %s in the plan cache (%s)", key, exc)
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries of plans that are gone or changed (those this load did not use)."""
        try:
            entries = list(self.folder.glob("*.json"))
        except OSError:
            return
        for entry in entries:
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)


def clause_from(data: dict) -> Clause:
    """A Clause from the data a Clause is written as (TypeError when it is not that)."""
    if not isinstance(data, dict) or not {"lead", "cooperate", "lines", "section"} <= data.keys():
        raise TypeError("a clause entry must be an object with every field of a clause")
    return Clause(
        **{
            **data,
            "lead": tuple(data["lead"]),
            "cooperate": tuple(data["cooperate"]),
            "lines": tuple(data["lines"]),
            "section": tuple(data["section"]),
        }
    )
