"""Review analysis: read a CSV (date, rating, text) → sentiment, aspects, monthly trends, reply drafts, flags.

Aspects (맛, 친절, 가격, 양, 위생, 주차, 배달, 분위기, 대기, 실력·품질) come from ``aspects.yaml``; a mention
takes the polarity of the clause it is in.  Reviews needing the owner's attention (욕설, 환불, 위생,
식중독, 이물질, 신고) come from ``attention.yaml``.  Reply drafts are filled from ``reply_templates.yaml`` in
the chosen tone (정중, 친근, 간결).  Phone numbers in review text and author names are masked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import fill_template, keywords
from moduai.errors import InputError, RowError
from moduai.marketing.csvio import CsvTable, parse_date, raise_rejected, read_csv_table
from moduai.marketing.masking import mask_person, mask_text
from moduai.marketing.review_learning import MIN_NEGATIVE, MIN_POSITIVE
from moduai.marketing.review_sentiment import (
    LABELS_KO,
    SentimentResult,
    active_model,
    aspect_readings,
    classify_review,
    load_aspects,
    model_source,
)

DATA_DIR = Path(__file__).with_name("data")
TONES = ("정중", "친근", "간결")
MAX_TEXT = 5000
REVIEW_COLUMNS = {
    "date": ("날짜", "작성일", "일자", "작성일자", "등록일", "review_date"),
    "rating": ("평점", "별점", "점수", "score", "stars"),
    "text": ("내용", "리뷰", "본문", "리뷰내용", "후기", "review", "comment", "content"),
}
OPTIONAL_COLUMNS = {"author": ("작성자", "닉네임", "이름", "고객명", "name", "nickname")}
SOURCES = ["marketing-review-lexicon", "marketing-sentiment-nsmc"]  # + the learnt model's id when one is used
#: Names that are not a shop's name: no reply is signed with them (issue 15: "내 가게" went into every reply).
PLACEHOLDER_SHOPS = frozenset({"", "내 가게", "저희 가게", "가게", "우리 가게", "my shop"})


@dataclass
class ReviewRecord:
    line: int
    date: dt.date
    rating: float | None
    text: str  # phone numbers masked
    author: str | None = None  # masked
    import_id: int | None = None  # set when read from the database


@dataclass
class AspectMention:
    aspect: str
    polarity: str  # positive | negative | neutral
    # a complaint the customer let pass in a review positive on the whole ("배달이 좀 늦었지만 맛있어요"): the
    # polarity is positive, and the reply apologises for it rather than thanking for it
    conceded: bool = False


@dataclass
class AttentionFlag:
    flag: str
    priority: int
    reason: str
    cue: str


@dataclass
class ReviewInsight:
    line: int
    date: dt.date
    rating: float | None
    text: str
    author: str | None
    sentiment: str
    sentiment_ko: str
    score: float
    aspects: list[AspectMention]
    flags: list[AttentionFlag]
    reply: str
    rating_mismatch: str | None = None  # Korean note when stars and text disagree
    import_id: int | None = None
    reply_backend: str = "offline"  # 'offline' template or 'openai-compatible' (see reply_llm)
    reply_note: str | None = None  # Korean note when the language model was asked but failed


def rating_mismatch(rating: float | None, sentiment: str) -> str | None:
    """A note when the stars contradict the text (5점인데 불만, 1점인데 칭찬) — often a mis-click or sarcasm."""
    if rating is None:
        return None
    if rating >= 4 and sentiment == "negative":
        return f"별점 {rating:g}점인데 내용은 부정적입니다: 내용을 직접 읽어 보세요."
    if rating <= 2 and sentiment == "positive":
        return f"별점 {rating:g}점인데 내용은 긍정적입니다: 잘못 누른 별점일 수 있습니다."
    return None


@dataclass
class AspectSummary:
    aspect: str
    mentions: int
    positive: int
    negative: int
    # of the positive mentions, complaints let pass in a review positive on the whole ("배달이 좀 늦었지만
    # 맛있어요"): they agree with the aspect's stars, but the owner should still read them as something to fix
    conceded: int = 0


@dataclass
class MonthTrend:
    month: str  # YYYY-MM
    reviews: int
    avg_rating: float | None
    positive: int
    negative: int
    mixed: int
    aspect_negative: dict[str, int]  # negative mentions, and conceded complaints, per aspect


@dataclass
class ReviewAnalysis:
    """Everything the reviews page shows."""

    review_count: int
    tone: str
    sentiment_counts: dict[str, int]
    avg_rating: float | None
    aspects: list[AspectSummary]
    months: list[MonthTrend]
    keywords: list[tuple[str, int]]
    attention: list[ReviewInsight]
    reviews: list[ReviewInsight]
    method: str = "combined"
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))


# --------------------------------------------------------------------------------------------- read
def parse_reviews_csv(data: bytes, source_name: str = "reviews.csv", *, today: dt.date | None = None) -> tuple[CsvTable, list[ReviewRecord]]:
    """Read and check every row; any bad row refuses the whole file with line-numbered Korean reasons."""
    table = read_csv_table(data, source_name, required=REVIEW_COLUMNS, optional=OPTIONAL_COLUMNS, label="리뷰")
    records: list[ReviewRecord] = []
    errors: list[RowError] = []
    for line, row in table.rows:
        problems: list[str] = []
        day, why = parse_date(row["date"], today=today)
        if why:
            problems.append(why)
        rating: float | None = None
        raw_rating = row["rating"].replace("점", "").strip()
        if raw_rating:
            try:
                rating = float(raw_rating)
            except ValueError:
                problems.append(f"평점이 숫자가 아닙니다: '{row['rating']}'")
            else:
                if not 1 <= rating <= 5:
                    problems.append(f"평점은 1~5여야 합니다: '{row['rating']}'")
        text = " ".join(row["text"].split())
        if not text:
            problems.append("리뷰 내용이 비어 있습니다")
        elif len(text) > MAX_TEXT:
            problems.append(f"리뷰가 너무 깁니다 ({len(text)}자, 최대 {MAX_TEXT}자)")
        if problems:
            errors.append(RowError(line, "; ".join(problems), mask_text(row["text"][:60]) or None))
            continue
        author = row.get("author") or None
        records.append(ReviewRecord(line, day, rating, mask_text(text), mask_person(author) if author else None))
    if errors:
        raise_rejected(source_name, "리뷰", errors)
    return table, records


# ------------------------------------------------------------------------------------------ analyse
@lru_cache(maxsize=1)
def _attention() -> list[dict]:
    return yaml.safe_load((DATA_DIR / "attention.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _replies() -> dict:
    return yaml.safe_load((DATA_DIR / "reply_templates.yaml").read_text(encoding="utf-8"))


def validate_tone(tone: str) -> str:
    if tone not in TONES:
        raise InputError(f"말투(tone)는 {', '.join(TONES)} 중 하나여야 합니다. 받은 값: '{tone}'.", field="tone",
                         detail="e.g. --tone 친근")
    return tone


def shop_for_replies(shop: str | None) -> str | None:
    """The shop name replies are signed with, or None when there is none (empty or a placeholder)."""
    name = " ".join((shop or "").split())
    return None if name in PLACEHOLDER_SHOPS else name


def attention_flags(text: str, rating: float | None = None) -> list[AttentionFlag]:
    """Flags whose cues appear in ``text`` (one per flag, first cue found); rules with ``max_rating`` apply
    only to reviews with at most that many stars, and one with no cues flags every such review."""
    squeezed = " ".join(text.split())
    out = []
    for rule in _attention():
        limit = rule.get("max_rating")
        if limit is not None and (rating is None or rating > limit):
            continue
        cues = rule.get("cues") or []
        cue = next((c for c in cues if c in squeezed), None) if cues else "별점"
        if cue:
            out.append(AttentionFlag(rule["flag"], int(rule["priority"]), rule["reason"], cue))
    return sorted(out, key=lambda f: f.priority)


def aspect_mentions(result: SentimentResult) -> list[AspectMention]:
    """One mention per aspect named in the review (Kiwi morphemes), with the polarity of its clause."""
    return [AspectMention(a, r.polarity, r.conceded) for a, r in aspect_readings(result).items()]


def _join(words: list[str]) -> str:
    seen = list(dict.fromkeys(w for w in words if w))
    return ", ".join(seen)


def reply_mode(sentiment: str, rating: float | None) -> str:
    """positive | negative | mixed for the reply: ≤ 2★ is always a complaint (the stars say so even when
    the words are polite), otherwise the text's sentiment."""
    if rating is not None and rating <= 2:
        return "mixed" if sentiment == "mixed" else "negative"
    return sentiment


def draft_reply(*, tone: str, shop: str, author: str | None, sentiment: str, aspects: list[AspectMention],
                flags: list[AttentionFlag], rating: float | None = None) -> str:
    """A reply draft in ``tone``: greeting, thanks naming what was praised, an apology naming each issue
    the review raised (attention flags first), contact request when flagged, closing."""
    data = _replies()
    t = data[validate_tone(tone)]
    mode = reply_mode(sentiment, rating)
    praised = _join([data["praise_words"].get(a.aspect, a.aspect) for a in aspects
                     if a.polarity == "positive" and not a.conceded])
    issues = _join([data["flag_words"][f.flag] for f in flags if f.flag in data["flag_words"]]
                   + [data["issue_words"].get(a.aspect, a.aspect) for a in aspects
                      if a.polarity == "negative" or a.conceded])
    if mode == "positive" and any(a.conceded for a in aspects):
        mode = "mixed"  # thanks for what was praised, and an apology for what the customer let pass
    parts = [fill_template(t["greeting"], author=author, shop=shop) if author
             else fill_template(t["greeting_no_author"], shop=shop)]
    if mode in ("positive", "mixed") and praised:
        parts.append(fill_template(t["positive"], praised=praised))
    elif mode == "positive":
        parts.append(t["positive_general"])
    if mode in ("negative", "mixed"):
        parts.append(fill_template(t["negative"], issues=issues) if issues else t["negative_general"])
    if any(f.priority <= 2 for f in flags):
        parts.append(t["attention"])
    parts.append(t["closing_positive"] if mode == "positive" else t["closing_negative"])
    return " ".join(parts)


def analyze_reviews(records: list[ReviewRecord], *, tone: str = "정중", shop: str | None = None,
                    method: str = "combined") -> ReviewAnalysis:
    """Sentiment, aspects, monthly trends, keywords, attention flags and reply drafts for ``records``.

    Parameters
    ----------
    records : list of ReviewRecord
        From :func:`parse_reviews_csv` or the database.
    tone : {"정중", "친근", "간결"}
        Tone of the reply drafts.
    shop : str, optional
        Shop name the reply drafts are signed with.  Without one (or with a placeholder such as "내 가게")
        no reply is drafted and a note says why.
    method : {"combined", "model", "lexicon"}
        Sentiment method (see :mod:`moduai.marketing.review_sentiment`).
    """
    validate_tone(tone)
    if not records:
        raise InputError("분석할 리뷰가 없습니다. 리뷰 CSV(날짜, 평점, 내용)를 올려 주세요.", field="file")
    signer = shop_for_replies(shop)
    model = active_model()  # one model for the whole analysis, even if a new one is learnt meanwhile
    learnt = model_source(model) == "local"
    insights: list[ReviewInsight] = []
    for r in records:
        s = classify_review(r.text, method, model)
        aspects = aspect_mentions(s)
        flags = attention_flags(r.text, r.rating)
        insights.append(ReviewInsight(
            line=r.line, date=r.date, rating=r.rating, text=r.text, author=r.author, sentiment=s.label,
            sentiment_ko=s.label_ko, score=s.score, aspects=aspects, flags=flags,
            reply=(draft_reply(tone=tone, shop=signer, author=r.author, sentiment=s.label, aspects=aspects,
                               flags=flags, rating=r.rating) if signer else ""),
            rating_mismatch=rating_mismatch(r.rating, s.label), import_id=r.import_id,
        ))
    counts = Counter(i.sentiment for i in insights)
    sentiment_counts = {LABELS_KO[k]: counts.get(k, 0) for k in ("positive", "negative", "mixed")}
    agg: dict[str, list[int]] = {a: [0, 0, 0, 0] for a in load_aspects()}
    for i in insights:
        for m in i.aspects:
            agg[m.aspect][0] += 1
            agg[m.aspect][1] += m.polarity == "positive"
            agg[m.aspect][2] += m.polarity == "negative"
            agg[m.aspect][3] += m.conceded
    aspects = [AspectSummary(a, *v) for a, v in agg.items() if v[0] > 0]
    aspects.sort(key=lambda a: -a.mentions)
    by_month: dict[str, list[ReviewInsight]] = defaultdict(list)
    for i in insights:
        by_month[f"{i.date:%Y-%m}"].append(i)
    months = []
    for key in sorted(by_month):
        items = by_month[key]
        ratings = [i.rating for i in items if i.rating is not None]
        c = Counter(i.sentiment for i in items)
        neg_aspects = Counter(m.aspect for i in items for m in i.aspects if m.polarity == "negative" or m.conceded)
        months.append(MonthTrend(key, len(items), round(sum(ratings) / len(ratings), 2) if ratings else None,
                                 c.get("positive", 0), c.get("negative", 0), c.get("mixed", 0), dict(neg_aspects)))
    ratings = [i.rating for i in insights if i.rating is not None]
    attention = sorted((i for i in insights if i.flags), key=lambda i: (i.flags[0].priority, i.date))
    model_note = ("감성 분류는 이 설치본에 가져온 별점 있는 리뷰로 학습한 모델과 형태소 단위 가게 리뷰 어휘 사전을 함께 씁니다. "
                  if learnt else
                  "감성 분류는 형태소 단위 가게 리뷰 어휘 사전과 영화 리뷰로 학습한 기본 모델을 씁니다. 별점이 있는 리뷰를 "
                  f"충분히 가져오면(4~5점 {MIN_POSITIVE}개, 1~2점 {MIN_NEGATIVE}개 이상) 그 리뷰로 학습한 모델을 함께 씁니다. ")
    notes = [model_note + "정확도 측정 방법은 데이터 출처 화면에 있습니다. 답글은 초안이니 다듬어서 올려 주세요."]
    if signer is None:
        notes.insert(0, "가게 이름이 없어 답글 초안을 만들지 않았습니다. 가게 이름을 넣고 다시 분석하면 답글 초안이 생깁니다.")
    return ReviewAnalysis(
        review_count=len(insights), tone=tone, sentiment_counts=sentiment_counts,
        avg_rating=round(sum(ratings) / len(ratings), 2) if ratings else None, aspects=aspects, months=months,
        keywords=keywords([i.text for i in insights], top=15,
                          stopwords=frozenset({"사장", "사장님", "가게", "정도", "생각", "진짜", "정말", "다음"})),
        attention=attention, reviews=insights, method=method, notes=notes,
        sources=["marketing-review-lexicon", "marketing-sentiment-reviews" if learnt else "marketing-sentiment-nsmc"],
    )
