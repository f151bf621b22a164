"""SeenIds (the importer's duplicate check) against a plain dict, including forced hash collisions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from moduai.commerce import seen_ids
from moduai.commerce.sangga_csv import _recoded_prefixes
from moduai.commerce.seen_ids import STORED, SeenIds
from moduai.regions.spine import _table, to_current_code


def _drive(s: SeenIds, rng, rounds=120, pool=20_000, precomputed=False):
    """Blocks of random IDs (varied lengths, a few with NUL bytes): look up, then claim the new ones.

    ``precomputed``: the keys are computed once per block (``id_keys``, as the importer's worker threads do)
    and the new IDs' keys taken from them."""
    ref: dict[str, tuple[int, int]] = {}
    for k in range(rounds):
        ids = [f"MA{rng.integers(0, pool):018d}" if rng.random() < 0.8 else f"{rng.integers(0, pool)}"
               + ("\x00" if rng.random() < 0.01 else "") for _ in range(300)]
        arr = pa.array(ids, type=pa.large_string())
        keys = seen_ids.id_keys(arr) if precomputed else None
        found, file_no, line = s.lookup(arr, keys)
        assert found.tolist() == [i in ref for i in ids]
        assert [(int(f), int(n)) for f, n, hit in zip(file_no, line, found, strict=True) if hit] == [ref[i] for i in ids if i in ref]
        new = {}
        for j, i in enumerate(ids):
            if i not in ref and i not in new:
                new[i] = (k, 1_000 * k + j)
        if precomputed:
            first = [ids.index(i) for i in new]
            s.add(arr.take(first), np.array([v[1] for v in new.values()]), k, keys.take(np.array(first, dtype=np.int64)))
        else:
            s.add(pa.array(list(new), type=pa.string()), np.array([v[1] for v in new.values()]), k)
        ref.update(new)
    assert len(s) == len(ref)


def test_seen_ids_agree_with_a_dict():
    _drive(SeenIds(), np.random.default_rng(7))


def test_keys_computed_ahead_give_the_same_answers():
    _drive(SeenIds(), np.random.default_rng(9), rounds=60, precomputed=True)


def test_a_hash_collision_never_makes_a_duplicate(monkeypatch):
    real = seen_ids._key_bytes

    def colliding(ids):
        h, key, odd = real(ids)
        return h % np.uint64(64), key, odd  # 64 hash values for thousands of IDs: collisions everywhere

    monkeypatch.setattr(seen_ids, "_key_bytes", colliding)
    _drive(SeenIds(), np.random.default_rng(8), rounds=40, pool=3_000)
    _drive(SeenIds(), np.random.default_rng(10), rounds=40, pool=3_000, precomputed=True)


def test_stored_ids_are_reported_as_stored():
    s = SeenIds()
    s.add(pa.array(["MA1", "MA2"]), np.zeros(2), STORED)
    found, file_no, _ = s.lookup(pa.array(["MA2", "MA3"]))
    assert found.tolist() == [True, False] and int(file_no[0]) == STORED


def test_region_prefilter_skips_only_codes_the_spine_leaves_alone():
    """A code starting with none of the history's old codes is returned unchanged by to_current_code."""
    today = dt.date.today()
    froms = _recoded_prefixes(today)
    codes = set(_table())
    codes |= {"42" + c[2:] for c in codes if c[:2] == "51"} | {"45" + c[2:] for c in codes if c[:2] == "52"}
    skipped = [c for c in codes if not c.startswith(froms)]
    assert len(skipped) > 1_000
    assert [c for c in skipped if to_current_code(c, on=today) != c] == []
    assert any(to_current_code(c, on=today) != c for c in codes if c.startswith(froms))


def test_the_filter_lets_every_added_id_through_and_few_others():
    rng = np.random.default_rng(11)
    added = pa.array([f"MA{x:018d}" for x in rng.choice(10**12, 100_000, replace=False)])
    others = pa.array([f"MA{x:018d}" for x in 10**12 + rng.choice(10**12, 100_000, replace=False)])
    s = SeenIds()
    s.add(added, np.arange(len(added)), 0)
    assert s._may_hold(seen_ids.id_keys(added).h).all()  # no false negatives: every added ID is searched
    # 100 k IDs set at most 100 k of 2**26 slots: ~0.15 % of other IDs pass falsely (and are then not found)
    passing = s._may_hold(seen_ids.id_keys(others).h).mean()
    assert passing < 0.005
    assert not s.lookup(others)[0].any() and s.lookup(added)[0].all()
