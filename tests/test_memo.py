"""IdentityMemo: values found again by the identity of the objects they were made from, bounded, LRU."""

from __future__ import annotations

import gc
import weakref

import pytest

from qa.memo import IdentityMemo


class Thing:
    """An object equal to every other Thing with the same name (so only identity tells them apart)."""

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Thing) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def test_a_value_put_is_got_back_by_the_same_objects():
    memo: IdentityMemo[str] = IdentityMemo(4)
    a, b = Thing("a"), Thing("b")
    assert memo.put((a, b), "made from a and b") == "made from a and b"
    assert memo.get((a, b)) == "made from a and b"
    assert len(memo) == 1


def test_a_miss_is_none():
    memo: IdentityMemo[str] = IdentityMemo(4)
    assert memo.get((Thing("a"),)) is None


def test_an_equal_but_distinct_object_does_not_hit():
    memo: IdentityMemo[str] = IdentityMemo(4)
    kept = Thing("a")
    memo.put((kept,), "value")
    twin = Thing("a")
    assert twin == kept and memo.get((twin,)) is None


def test_the_order_of_the_objects_counts():
    memo: IdentityMemo[str] = IdentityMemo(4)
    a, b = Thing("a"), Thing("b")
    memo.put((a, b), "a then b")
    assert memo.get((b, a)) is None


def test_extra_keeps_entries_of_the_same_objects_apart():
    memo: IdentityMemo[str] = IdentityMemo(4)
    a = Thing("a")
    memo.put((a,), "under /qa", "/qa")
    memo.put((a,), "at the root", "")
    assert memo.get((a,), "/qa") == "under /qa"
    assert memo.get((a,), "") == "at the root"
    assert memo.get((a,)) is None  # extra None is a key of its own
    assert len(memo) == 2


def test_the_objects_are_held_while_their_entry_lives_and_let_go_after_clear():
    memo: IdentityMemo[str] = IdentityMemo(4)
    made = Thing("temporary")
    alive = weakref.ref(made)
    memo.put((made,), "value")
    del made
    gc.collect()
    assert alive() is not None  # held by the memo: its id cannot be reused by another object
    memo.clear()
    gc.collect()
    assert alive() is None


def test_an_evicted_entry_lets_go_of_its_objects():
    memo: IdentityMemo[str] = IdentityMemo(1)
    made = Thing("first")
    alive = weakref.ref(made)
    memo.put((made,), "value")
    del made
    memo.put((Thing("second"),), "other")
    gc.collect()
    assert alive() is None


def test_the_least_recently_used_entry_goes_first():
    memo: IdentityMemo[str] = IdentityMemo(2)
    a, b, c = Thing("a"), Thing("b"), Thing("c")
    memo.put((a,), "A")
    memo.put((b,), "B")
    memo.put((c,), "C")
    assert memo.get((a,)) is None and memo.get((b,)) == "B" and memo.get((c,)) == "C"
    assert len(memo) == 2


def test_a_get_makes_an_entry_recent():
    memo: IdentityMemo[str] = IdentityMemo(2)
    a, b, c = Thing("a"), Thing("b"), Thing("c")
    memo.put((a,), "A")
    memo.put((b,), "B")
    assert memo.get((a,)) == "A"  # now b is the least recently used
    memo.put((c,), "C")
    assert memo.get((b,)) is None and memo.get((a,)) == "A" and memo.get((c,)) == "C"


def test_a_put_again_replaces_the_value():
    memo: IdentityMemo[str] = IdentityMemo(2)
    a = Thing("a")
    memo.put((a,), "old")
    memo.put((a,), "new")
    assert memo.get((a,)) == "new" and len(memo) == 1


def test_a_put_again_makes_an_entry_recent():
    memo: IdentityMemo[str] = IdentityMemo(2)
    a, b, c = Thing("a"), Thing("b"), Thing("c")
    memo.put((a,), "A")
    memo.put((b,), "B")
    memo.put((a,), "A again")  # a is now the most recently used
    memo.put((c,), "C")
    assert memo.get((a,)) == "A again" and memo.get((b,)) is None


def test_clear_forgets_every_value():
    memo: IdentityMemo[str] = IdentityMemo(4)
    a, b = Thing("a"), Thing("b")
    memo.put((a,), "A")
    memo.put((b,), "B", "extra")
    memo.clear()
    assert len(memo) == 0 and memo.get((a,)) is None and memo.get((b,), "extra") is None


def test_size_is_kept():
    assert IdentityMemo(7).size == 7


@pytest.mark.parametrize("size, named", [(0, "0"), (-3, "-3"), (True, "True"), (False, "False"),
                                         (2.5, "2.5"), ("10", "'10'"), (None, "None")])
def test_a_size_that_is_not_a_positive_int_is_refused_naming_it(size: object, named: str):
    with pytest.raises(ValueError, match=f"got {named}$"):
        IdentityMemo(size)  # type: ignore[arg-type]
