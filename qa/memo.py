"""A bounded cache of values made from objects, found again by those objects' identity."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]
V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """Values keyed by the identity of the objects they were made from (and an optional plain key).

    The answer caches hand back the very same Question and Answer objects for the same question, so their
    identity finds what was made from them without hashing every field. The objects are held with the value:
    an id is never reused while its entry lives. Least recently used entries go first.
    """

    def __init__(self, size: int):
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValueError(f"an identity memo needs a positive size, got {size!r}")
        self.size = size
        self._entries: OrderedDict[tuple, tuple[tuple[object, ...], V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, objects: tuple[object, ...], extra: Hashable = None) -> V | None:
        """The value made from exactly these objects (and `extra`), or None."""
        key = (*map(id, objects), extra)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            for kept, given in zip(entry[0], objects):  # a loop, not any() over a generator: a hit per request
                if kept is not given:
                    return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, objects: tuple[object, ...], value: V, extra: Hashable = None) -> V:
        """Keep `value` as made from these objects (and `extra`); returns it."""
        key = (*map(id, objects), extra)
        with self._lock:
            self._entries[key] = (objects, value)
            self._entries.move_to_end(key)  # a key put again is recent too
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
