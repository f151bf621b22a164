"""The one per-object LRU: bounded, least recently used dropped first, identity not equality, dead objects miss."""

from __future__ import annotations

import gc

import pandas as pd

from moduai.data.kept_per_object import MISSING, KeptPerObject


def test_bounded_lru_keyed_by_the_object_itself():
    kept = KeptPerObject(3)
    f, g = pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0]})
    for i in range(5):
        kept.put(f, (i,), i)
    assert len(kept) == 3 and kept.get(f, (0,)) is MISSING and kept.get(f, (1,)) is MISSING
    assert kept.get(f, (4,)) == 4
    kept.get(f, (2,))  # used: kept over 3
    kept.put(f, (5,), 5)
    assert kept.get(f, (3,)) is MISSING and kept.get(f, (2,)) == 2
    assert kept.get(g, (2,)) is MISSING  # an equal frame that is another object misses
    kept.put(g, (2,), "g")
    assert kept.get(g, (2,)) == "g" and kept.get(f, (2,)) == 2  # both objects' values, side by side
    assert kept.get(f, (4,)) is MISSING  # the least recently used entry made room for (g, 2)


def test_a_dead_objects_entry_is_never_returned_and_none_is_a_value():
    kept = KeptPerObject(4)
    g = pd.DataFrame({"x": [2.0]})
    kept.put(g, "k", None)
    assert kept.get(g, "k") is None  # None kept, not a miss
    key = (id(g), "k")
    del g
    gc.collect()
    assert kept._items[key][0]() is None


def test_get_or_build_builds_once_per_object_and_key():
    kept = KeptPerObject(8)
    f = pd.DataFrame({"x": [1]})
    calls = []
    assert kept.get_or_build(f, "a", lambda: calls.append(1) or 10) == 10
    assert kept.get_or_build(f, "a", lambda: calls.append(1) or 11) == 10
    assert kept.get_or_build(f, "b", lambda: calls.append(1) or 12) == 12
    assert len(calls) == 2
