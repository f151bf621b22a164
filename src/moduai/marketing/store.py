"""Repository for marketing imports: every query lives here; an import is stored whole or not at all.

``import_reviews`` / ``import_ledger`` parse and check the file first (any bad row → ImportRejected, the
database untouched), then write the shop, the import record and all rows in ONE transaction.

Ownership: every import records its owner (the uploading user's id). Reads take the caller's
:class:`~moduai.accounts.policy.Principal`: a member sees only their own imports, an admin sees all, and
another owner's import answers NotFound (404) exactly like a missing one, so ids do not leak. ``principal``
None means the server's own command line (no owner, no filter).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moduai.accounts.policy import Principal, owner_scope
from moduai.db import get_engine, session_scope
from moduai.db.models import ImportLog
from moduai.errors import InputError, NotFound
from moduai.jobs import get_runner, run_in_process
from moduai.marketing.csvio import duplicates_note
from moduai.marketing.customers import Sale, parse_ledger_csv
from moduai.marketing.models import MarketingImport, MarketingReview, MarketingSale, MarketingShop
from moduai.marketing.reply_llm import polish_replies_with_llm
from moduai.marketing.review_learning import (
    MIN_NEGATIVE,
    MIN_POSITIVE,
    LearnReport,
    learn_review_model,
    star_labels,
    too_little,
)
from moduai.marketing.review_sentiment import active_model, model_source
from moduai.marketing.reviews import ReviewRecord, analyze_reviews, parse_reviews_csv

DEFAULT_SHOP = "내 가게"


@dataclass
class ImportSummary:
    import_id: int
    shop: str
    kind: str
    source_name: str
    rows: int
    encoding: str
    already_imported: bool
    created_at: dt.datetime | None = None
    # Rows of the file identical to an earlier row: (line, first line). They were not stored (kept once).
    duplicate_rows: list[tuple[int, int]] = field(default_factory=list)
    duplicates_note: str | None = None
    owner_id: int | None = None
    # Korean note on the installation's review-sentiment model after a new star-rated import: learning started
    # in the background (and where to follow it), or, when learnt on the spot, what was learnt or why not.
    sentiment_model_note: str | None = None
    # The background job (moduai.jobs) re-learning the model, when one was started or joined: /jobs/<id>.
    sentiment_model_job: str | None = None


def _summary(imp: MarketingImport, shop: str | None = None, already: bool = True) -> ImportSummary:
    dups = [tuple(d) for d in json.loads(imp.duplicate_lines)] if imp.duplicate_lines else []
    label = "리뷰" if imp.kind == "reviews" else "매출 장부"
    return ImportSummary(imp.id, shop if shop is not None else imp.shop.name, imp.kind, imp.source_name,
                         imp.row_count, imp.encoding, already, imp.created_at, dups, duplicates_note(dups, label),
                         imp.owner_id)


def _owned(q, principal: Principal | None):
    """Restrict a query of imports to what ``principal`` may see (None: the local command line, no filter)."""
    if principal is None:
        return q
    scope = owner_scope(principal)
    return q if scope is None else q.where(MarketingImport.owner_id == scope)


def validate_shop_name(name: str | None) -> str:
    name = " ".join((name or DEFAULT_SHOP).split())
    if not 1 <= len(name) <= 100:
        raise InputError("'가게 이름'은 1~100자여야 합니다.", field="shop")
    return name


def _shop(session: Session, name: str) -> MarketingShop:
    shop = session.scalar(select(MarketingShop).where(MarketingShop.name == name))
    if shop is None:
        shop = MarketingShop(name=name)
        session.add(shop)
        session.flush()
    return shop


def _existing(session: Session, shop: MarketingShop, kind: str, sha: str, owner_id: int | None) -> MarketingImport | None:
    owner = MarketingImport.owner_id.is_(None) if owner_id is None else MarketingImport.owner_id == owner_id
    return session.scalar(select(MarketingImport).where(
        MarketingImport.shop_id == shop.id, MarketingImport.kind == kind, MarketingImport.sha256 == sha, owner))


def _log(session: Session, imp: MarketingImport, shop: str) -> None:
    """The platform-wide import log, in the same transaction (files are accepted whole: 0 rejected rows)."""
    session.add(ImportLog(domain="marketing", source_name=imp.source_name, sha256=imp.sha256, rows_ok=imp.row_count,
                          rows_rejected=0, note=f"{imp.kind} · {shop} · import {imp.id}"))


def _store_import(kind: str, shop: str, source_name: str, table, n_rows: int, make_rows,
                  owner_id: int | None = None) -> ImportSummary:
    """One transaction: the shop, the import row, its rows and the platform log — or the earlier identical
    import of this shop by the same owner (same content hash), untouched."""
    with session_scope(get_engine()) as s:
        sh = _shop(s, shop)
        old = _existing(s, sh, kind, table.sha256, owner_id)
        if old:
            return _summary(old, shop, True)
        imp = MarketingImport(shop_id=sh.id, kind=kind, source_name=source_name[:300], sha256=table.sha256,
                              encoding=table.encoding, row_count=n_rows, owner_id=owner_id,
                              duplicate_lines=json.dumps(table.duplicates) if table.duplicates else None)
        s.add(imp)
        s.flush()
        model, rows = make_rows(imp.id)
        # Core bulk INSERT in steps (an ORM object per row made a 190,000-row ledger take minutes).
        for start in range(0, len(rows), 5000):
            s.execute(insert(model), rows[start:start + 5000])
        _log(s, imp, shop)
        s.flush()
        return _summary(imp, shop, False)


def import_reviews(data: bytes, source_name: str, shop: str | None = None, *, today: dt.date | None = None,
                   owner_id: int | None = None,
                   learn: Literal["background", "now", "no"] = "background") -> ImportSummary:
    """Check and store a reviews CSV for ``shop``; returns the (new or existing) import.

    A new file with stars re-learns the installation's review model (:func:`learn_from_imported_reviews`):
    ``learn="background"`` (the web and the API) as a job of :mod:`moduai.jobs`, the import answering at once
    with :data:`LEARNING_NOTE` and the job's id; ``"now"`` (the command line) before returning, with what was
    learnt in ``sentiment_model_note``; ``"no"`` not at all."""
    name = validate_shop_name(shop)
    table, records = parse_reviews_csv(data, source_name, today=today)
    summary = _store_import("reviews", name, source_name, table, len(records), lambda import_id: (MarketingReview, [
        {"import_id": import_id, "line": r.line, "review_date": r.date, "rating": r.rating, "text": r.text,
         "author": r.author} for r in records]), owner_id)
    if learn != "no" and not summary.already_imported and any(r.rating is not None for r in records):
        if learn == "now":
            summary.sentiment_model_note = learn_from_imported_reviews().message
        else:
            summary.sentiment_model_job = schedule_review_learning(owner_id)
            summary.sentiment_model_note = LEARNING_NOTE
    return summary


# ------------------------------------------------------------------ the review model, learnt in the background
#: What the owner reads while the installation's review model is being re-learnt.
LEARNING_NOTE = ("별점이 있는 리뷰로 이 설치본의 리뷰 감성 모델을 백그라운드에서 다시 학습하고 있습니다(수십 초 걸릴 수 있습니다). "
                 "학습이 끝나기 전에는 지금까지의 모델로 분석하고, 끝나면 다음에 여는 분석부터 새 모델을 씁니다.")
_LEARN_STATE = threading.Lock()  # guards _PENDING and _RUNNING
_LEARNING = threading.Lock()  # one learning at a time (each reads every star-rated review when it starts)
_PENDING: str | None = None  # a learning job submitted but not yet reading the reviews
_RUNNING: str | None = None  # the learning job reading the reviews and learning now


def schedule_review_learning(owner_id: int | None = None) -> str:
    """Re-learn the installation's review model as a background job of :mod:`moduai.jobs`; returns its id.

    Learning reads every star-rated review of the installation when it *starts*, so imports that arrive while
    a job waits join it (same id) instead of queueing another; an import that arrives while a job is already
    reading gets a new job, which waits for the running one (one learning at a time)."""
    global _PENDING
    with _LEARN_STATE:
        if _PENDING is None:
            _PENDING = get_runner().submit("review-model", "리뷰 감성 모델 학습", _learning_job, owner_id=owner_id).id
        return _PENDING


def _learning_job(*, progress) -> dict:
    global _PENDING, _RUNNING
    with _LEARNING:
        with _LEARN_STATE:
            # from here on, a new import needs a new job: this one has started reading
            _RUNNING, _PENDING = _PENDING, None
        progress(0.05, "별점이 있는 리뷰를 읽고 모델을 학습하는 중입니다.")
        try:
            report = learn_from_imported_reviews(in_process=True)
        finally:
            with _LEARN_STATE:
                _RUNNING = None
    # no result page: the job's status page keeps showing the Korean note (a result_url would redirect away)
    return {"result_url": None, "note": report.message, "learned": report.learned}


def review_learning_pending() -> str | None:
    """The id of a learning job that has not started reading the reviews yet, else None."""
    with _LEARN_STATE:
        return _PENDING


def review_learning_job() -> str | None:
    """The id of the learning job to follow (``/jobs/<id>``): the waiting one, else the running one, else None."""
    with _LEARN_STATE:
        return _PENDING or _RUNNING


def sentiment_model_note() -> str:
    """Korean: which review model classifies now — being re-learnt, learnt (when, from how much, how well),
    or none yet (lexicon and the basic model)."""
    if review_learning_job() is not None:
        return LEARNING_NOTE
    model = active_model()
    if model_source(model) != "local":
        return ("이 설치본에는 아직 학습한 리뷰 감성 모델이 없어 리뷰 어휘 사전과 기본 모델로 분류했습니다. "
                f"별점이 있는 리뷰가 4~5점 {MIN_POSITIVE}개, 1~2점 {MIN_NEGATIVE}개 이상 모이면 자동으로 학습합니다.")
    m = model.meta
    when = str(m.get("learnt_at", ""))[:10]
    return (f"이 설치본의 리뷰 감성 모델로 분류했습니다: 별점이 있는 리뷰 {m.get('positive', 0) + m.get('negative', 0):,}개"
            f"(4~5점 {m.get('positive', 0):,}개, 1~2점 {m.get('negative', 0):,}개, 가게 {m.get('shops', 0)}곳)로 "
            f"{when}에 학습, 교차 검증 정확도 {float(m.get('oof_accuracy', 0)):.1%}.")


def learn_from_imported_reviews(in_process: bool = False) -> LearnReport:
    """Learn the installation's review-sentiment model from every star-rated review of every shop (pooled;
    see :mod:`moduai.marketing.review_learning` for why), each distinct (shop, text, stars) once.

    ``in_process`` (the background job): when there is enough to learn from, the learning itself runs in the
    job facility's worker process (:func:`moduai.jobs.run_in_process`): in a server thread its tens of CPU
    seconds held the interpreter lock long enough to stall other requests for seconds (measured: a 14 ms
    pure-Python task took up to 4.1 s while learning from 5,870 reviews)."""
    with session_scope(get_engine()) as s:
        rows = s.execute(select(MarketingShop.name, MarketingReview.text, MarketingReview.rating)
                         .join(MarketingImport, MarketingImport.shop_id == MarketingShop.id)
                         .join(MarketingReview, MarketingReview.import_id == MarketingImport.id)
                         .where(MarketingReview.rating.is_not(None))
                         .distinct().order_by(MarketingShop.name, MarketingReview.text, MarketingReview.rating)).all()
    texts, ratings, shops = [r.text for r in rows], [r.rating for r in rows], [r.name for r in rows]
    labels = star_labels(ratings)
    if in_process and too_little(int((labels == 1).sum()), int((labels == 0).sum())) is None:
        return run_in_process(learn_review_model, texts, ratings, shops)
    return learn_review_model(texts, ratings, shops)


def import_ledger(data: bytes, source_name: str, shop: str | None = None, *, today: dt.date | None = None,
                  owner_id: int | None = None) -> ImportSummary:
    """Check and store a sales-ledger CSV for ``shop`` (identifiers masked + keyed hash only)."""
    name = validate_shop_name(shop)
    table, sales = parse_ledger_csv(data, source_name, today=today)
    return _store_import("ledger", name, source_name, table, len(sales), lambda import_id: (MarketingSale, [
        {"import_id": import_id, "line": x.line, "customer_key": x.customer_key,
         "customer_display": x.customer_display, "sale_date": x.date, "amount": x.amount} for x in sales]), owner_id)


def get_import(import_id: int, kind: str, principal: Principal | None = None) -> ImportSummary:
    with session_scope(get_engine()) as s:
        imp = s.scalar(_owned(select(MarketingImport).where(MarketingImport.id == import_id), principal))
        if imp is None or imp.kind != kind:
            raise NotFound(f"가져오기 기록 {import_id}번({'리뷰' if kind == 'reviews' else '매출 장부'})을 찾을 수 없습니다. "
                           "파일을 다시 올려 주세요.", field="import_id")
        return _summary(imp, imp.shop.name, True)


def load_reviews(import_id: int, principal: Principal | None = None) -> list[ReviewRecord]:
    get_import(import_id, "reviews", principal)
    with session_scope(get_engine()) as s:
        rows = s.scalars(select(MarketingReview).where(MarketingReview.import_id == import_id)
                         .order_by(MarketingReview.line)).all()
        return [ReviewRecord(r.line, r.review_date, r.rating, r.text, r.author, r.import_id) for r in rows]


@lru_cache(maxsize=16)
def analysis_of_import(database_url: str, import_id: int, created_at: str, tone: str, shop: str, llm_key: str,
                       model_key: str = ""):
    """Imports never change once stored, so the analysis of (database, import, tone, review model) can be
    reused: the page, its tone switch and the CSV download do not re-run sentiment over every review (nor re-ask
    the model).  The caller has checked that the principal may read the import.  ``model_key`` changes when the
    installation's review model is re-learnt."""
    analysis = analyze_reviews(load_reviews(import_id), tone=tone, shop=shop)
    if llm_key:
        analysis = polish_replies_with_llm(analysis, shop=shop)
    return analysis


def load_sales(import_id: int, principal: Principal | None = None) -> list[Sale]:
    get_import(import_id, "ledger", principal)
    with session_scope(get_engine()) as s:
        rows = s.execute(select(MarketingSale.line, MarketingSale.customer_key, MarketingSale.customer_display,
                                MarketingSale.sale_date, MarketingSale.amount)
                         .where(MarketingSale.import_id == import_id).order_by(MarketingSale.line)).all()
        return [Sale(*r) for r in rows]


def list_imports(kind: str | None = None, limit: int = 20, principal: Principal | None = None) -> list[ImportSummary]:
    """Recent imports the caller may see (a member: only their own)."""
    with session_scope(get_engine()) as s:
        q = _owned(select(MarketingImport).order_by(MarketingImport.id.desc()).limit(limit), principal)
        if kind:
            q = q.where(MarketingImport.kind == kind)
        return [_summary(i, i.shop.name, True) for i in s.scalars(q).all()]


@dataclass
class ShopReviews:
    """Every review of a shop across its imported files, exact duplicates (same date, stars, text, author —
    the usual overlap of two exports) counted once."""

    shop: str
    imports: list[ImportSummary]
    records: list[ReviewRecord]
    duplicates_dropped: int


def load_shop_reviews(shop: str, principal: Principal | None = None) -> ShopReviews:
    """Every review file of ``shop`` the caller owns (two owners may use the same shop name)."""
    name = validate_shop_name(shop)
    with session_scope(get_engine()) as s:
        sh = s.scalar(select(MarketingShop).where(MarketingShop.name == name))
        if sh is None:
            raise NotFound(f"'{name}' 가게의 리뷰가 없습니다. 먼저 리뷰 CSV를 올려 주세요.", field="shop")
        imps = s.scalars(_owned(select(MarketingImport).where(MarketingImport.shop_id == sh.id,
                                                              MarketingImport.kind == "reviews"), principal)
                         .order_by(MarketingImport.id)).all()
        summaries = [_summary(i, name, True) for i in imps]
        rows = s.scalars(select(MarketingReview).where(MarketingReview.import_id.in_([i.id for i in imps]))
                         .order_by(MarketingReview.review_date, MarketingReview.import_id, MarketingReview.line)).all()
        seen: set[tuple] = set()
        records: list[ReviewRecord] = []
        for r in rows:
            key = (r.review_date, r.rating, r.text, r.author)
            if key in seen:
                continue
            seen.add(key)
            records.append(ReviewRecord(r.line, r.review_date, r.rating, r.text, r.author, r.import_id))
        if not records:
            raise NotFound(f"'{name}' 가게의 리뷰가 없습니다. 먼저 리뷰 CSV를 올려 주세요.", field="shop")
        return ShopReviews(name, summaries, records, len(rows) - len(records))
