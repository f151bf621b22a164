"""The name lookup (own forms + ancestor check, built per process in milliseconds) answers exactly what the
table of every prefixed form answered (the former ``_index``: 131 k keys, ≈ 1 s per process)."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections import defaultdict

from moduai.regions import names
from moduai.regions.spine import _table, ancestors, get_region


def _regex_normalize(text: str) -> str:
    return re.sub(r"[\s·,.\-_/()]+", "", text).lower()


def _full_table() -> dict[str, set[str]]:
    """The former index, rebuilt independently: every ancestor either skipped or written in one of its forms."""
    idx: dict[str, set[str]] = defaultdict(set)
    for r in _table().values():
        own = {_regex_normalize(f) for f in names._own_forms(r)}
        # a 읍면동 that moved to a new 구 (운서동: 중구 → 영종구 on 2026-07-01) is found under either parent
        lineages = [ancestors(r)]
        if r.level == "emd":
            later = get_region(r.code, on=dt.date(2100, 1, 1))
            if later.parent_code != r.parent_code:
                lineages.append(ancestors(later))
        for lineage in lineages:
            prefixes = {""}
            for a in lineage:
                prefixes |= {p + _regex_normalize(f) for p in prefixes for f in names._own_forms(a)}
            for p in prefixes:
                for o in own:
                    idx[p + o].add(r.code)
    return idx


def test_normalize_matches_the_regex_on_every_whitespace_and_punctuation_character():
    specials = [chr(c) for c in range(0x3100) if re.match(r"[\s·,.\-_/()]", chr(c))] + ["\u3000", "\u205f"]
    for ch in specials:
        text = f"경북{ch}포항시{ch}{ch}Buk-Gu"
        assert names.normalize(text) == _regex_normalize(text) == "경북포항시bukgu"
    for text in ("서울 동대문구 (회기동)", "Pohang-si", "세종·특별자치시", "a_b/c.d,e"):
        assert names.normalize(text) == _regex_normalize(text)


def test_lookup_equals_the_full_table_on_every_key_and_on_near_misses():
    full = _full_table()
    assert len(full) > 100_000
    for key, codes in full.items():
        assert names._lookup(key) == codes, key
    rng = random.Random(14)
    keys = list(full)
    for key in rng.sample(keys, 3000):  # a character dropped or doubled: in the table or not, same answer
        i = rng.randrange(len(key))
        for variant in (key[:i] + key[i + 1:], key[:i] + key[i] + key[i:]):
            assert names._lookup(variant) == full.get(variant, set()), variant


def test_first_lookup_in_a_process_is_fast():
    for f in (names._own_index, names._ancestor_keys):
        f.cache_clear()
    _table()  # the spine itself is read once by everything
    t = time.process_time()
    hits = names.search_regions("경북 포항시 북구")
    assert time.process_time() - t < 0.3
    assert [h.code for h in hits] == ["47113"]
