"""Issue 15: the review-sentiment model is learnt per installation from the owners' star-rated imports (no
model trained on unlicensed data ships), stored under MODUAI_HOME and used when present; too little data
gives a Korean message and leaves the lexicon + NSMC classifier in charge."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from moduai.ai.sentiment import char_ngrams, fit_char_model, read_model
from moduai.marketing import store
from moduai.marketing.review_learning import MIN_NEGATIVE, MIN_POSITIVE, star_labels, too_little
from moduai.marketing.review_sentiment import (
    active_model,
    aspect_polarities,
    classify_review,
    local_model_path,
    model_source,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reviews" / "yogiyo_sample_300.csv"
PACKAGE_DATA = Path(__file__).resolve().parents[2] / "src" / "moduai" / "ai" / "data"


def _fixture_rows() -> list[dict]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _text(row: dict) -> str:
    return " ".join(row["상세리뷰"].split())


def _stars(row: dict) -> float:
    """A single rating per review, as an owner's export has it: the mean of the 맛/양/배달 stars."""
    return round((int(row["맛"]) + int(row["양"]) + int(row["배달"])) / 3, 1)


def _reviews_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["날짜", "평점", "내용"])
    for r in rows:
        w.writerow(["2025-03-02", _stars(r), _text(r)])
    return out.getvalue().encode("utf-8")


def test_no_review_model_trained_on_unlicensed_data_ships():
    assert sorted(p.name for p in PACKAGE_DATA.glob("*.json.gz")) == ["sentiment_nsmc_char.json.gz"]
    assert model_source(active_model()) == "nsmc"  # a fresh installation: lexicon + the CC0 NSMC model


def test_learnt_weights_predict_like_scikit_learn():
    """The NumPy predictor of a learnt model equals scikit-learn's own decision function (independent path)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = _fixture_rows()
    texts = [_text(r) for r in rows]
    y = (np.array([_stars(r) for r in rows]) >= 4).astype(int)
    ours = fit_char_model(texts, y)
    vec = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, min_df=2)
    clf = LogisticRegression(class_weight="balanced", max_iter=2000).fit(vec.fit_transform(texts), y)
    probe = texts[:40] + ["배달이 너무 늦게 와서 다 식었어요", "존맛탱 또 시킬게요"]
    expected = clf.decision_function(vec.transform(probe))
    assert np.abs(np.array([ours.logit(t) for t in probe]) - expected).max() < 1e-9


def test_star_labels_leave_three_stars_out():
    assert star_labels([5, 4, 3.7, 3, 2.7, 1, None]).tolist() == [1, 1, -1, -1, 0, 0, -1]
    assert too_little(MIN_POSITIVE, MIN_NEGATIVE) is None
    msg = too_little(250, 3)
    assert "1~2점 3개" in msg and f"1~2점 {MIN_NEGATIVE}개 이상 필요" in msg


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_too_few_star_rated_reviews_learn_nothing_and_say_so(db_url):
    rows = _fixture_rows()[:40]
    summary = store.import_reviews(_reviews_csv(rows), "리뷰.csv", "모두의 국밥", learn="now")
    assert "학습하지 않았습니다" in summary.sentiment_model_note and "필요" in summary.sentiment_model_note
    assert not local_model_path().exists() and model_source(active_model()) == "nsmc"
    unrated = "날짜,평점,내용\n2025-03-02,,맛있어요\n"
    unrated_import = store.import_reviews(unrated.encode(), "별점없음.csv", "모두의 국밥")
    assert unrated_import.sentiment_model_note is None and unrated_import.sentiment_model_job is None
    assert "아직 학습한 리뷰 감성 모델이 없어" in store.sentiment_model_note()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_importing_star_rated_reviews_learns_the_installation_model(db_url):
    """300 real star-rated rows imported for two shops → a model under MODUAI_HOME, pooled over both shops,
    used by the classifier from then on; the issue's sentences still read right with it."""
    rows = _fixture_rows()
    first = store.import_reviews(_reviews_csv(rows[:150]), "리뷰1.csv", "모두의 국밥", learn="now")
    assert "학습하지 않았습니다" in first.sentiment_model_note  # 150 rows: fewer than 100 positive or 20 negative
    second = store.import_reviews(_reviews_csv(rows[150:]), "리뷰2.csv", "모두의 분식", learn="now")
    assert "새로 학습했습니다" in second.sentiment_model_note, second.sentiment_model_note
    path = local_model_path()
    assert path.exists() and path.is_relative_to(path.parents[1])
    model = read_model(path)
    # each distinct (shop, text, stars) counts once: repeated short reviews ("맛있어요" 5★) are not weighted up
    distinct = {("모두의 국밥" if i < 150 else "모두의 분식", _text(r), _stars(r)) for i, r in enumerate(rows)}
    labels = star_labels([stars for _, _, stars in distinct])
    assert model.meta["kind"] == "shop-review-local" and model.meta["shops"] == 2
    assert (model.meta["positive"], model.meta["negative"]) == ((labels == 1).sum(), (labels == 0).sum())
    assert model_source(active_model()) == "local"
    blob = path.read_bytes()
    assert _text(rows[0]).encode() not in blob  # weights only; gzip aside, no review text is kept
    for text, label in [("인생 짬뽕", "positive"), ("1청결 포기 2친절함 포기 3가격 포기", "negative"),
                        ("웨이팅이 너무 길어요", "negative"), ("직원이 불친절했어요. 다시 안 갈래요", "negative"),
                        ("배달이 30분만에 왔어요!!", "positive"), ("맛있게 잘 먹었습니다 수고하세요", "positive"),
                        ("맛있는데 양이 적어요", "mixed")]:
        assert classify_review(text).label == label, text
    # Re-importing the same file learns nothing new (already imported).
    again = store.import_reviews(_reviews_csv(rows[150:]), "리뷰2.csv", "모두의 분식")
    assert again.already_imported and again.sentiment_model_note is None


def _aspect_agreement(model) -> tuple[dict, tuple[int, int]]:
    agree = {"맛": [0, 0], "배달": [0, 0]}
    high_delivery_called_negative = [0, 0]
    for row in _fixture_rows():
        pol = aspect_polarities(classify_review(_text(row), model=model))
        for aspect in agree:
            stars = int(row[aspect])
            if aspect in pol and stars != 3:
                truth = "negative" if stars <= 2 else "positive"
                agree[aspect][0] += pol[aspect] == truth
                agree[aspect][1] += 1
                if aspect == "배달" and stars >= 4:
                    high_delivery_called_negative[0] += pol[aspect] == "negative"
                    high_delivery_called_negative[1] += 1
    return agree, tuple(high_delivery_called_negative)


def test_real_rows_aspects_follow_their_own_stars_without_a_learnt_model():
    """A fresh installation (lexicon + NSMC): aspect polarity of the 300 real rows against each aspect's own
    stars.  Measured 2026-12-07: 맛 189/210, 배달 57/71, 4–5★ 배달 called negative 7/48 (the fixture holds a
    third of low-star rows, the real file 7 %; benchmarks/marketing_review_sentiment.py has held-out figures)."""
    agree, (bad, n) = _aspect_agreement(None)
    assert agree["맛"][1] >= 200 and agree["배달"][1] >= 60, agree
    assert agree["맛"][0] / agree["맛"][1] >= 0.90, agree
    assert agree["배달"][0] / agree["배달"][1] >= 0.78, agree
    assert bad / n <= 0.15, (bad, n)  # the issue measured 22–27 % with substring cues


def test_real_rows_aspects_with_the_model_learnt_from_them():
    """The model an installation learns from these very rows (in-sample, so an optimistic figure for the
    model part; the aspect polarity comes mostly from the clause lexicon).  Measured 2026-12-07: 맛 194/210,
    배달 56/71, 4–5★ 배달 called negative 8/48."""
    from moduai.marketing.review_learning import fit_review_model

    rows = _fixture_rows()
    model = fit_review_model([_text(r) for r in rows], [_stars(r) for r in rows], [r["업체명"] for r in rows])
    agree, (bad, n) = _aspect_agreement(model)
    assert agree["맛"][0] / agree["맛"][1] >= 0.92, agree
    assert agree["배달"][0] / agree["배달"][1] >= 0.78, agree
    assert bad / n <= 0.17, (bad, n)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_learning_runs_as_a_background_job_and_imports_join_a_waiting_one(db_url):
    """The import answers before learning (a job of moduai.jobs, the web upload's own facility); imports that
    arrive while the job has not started reading join it, so one learning sees both files."""
    from moduai.jobs import get_runner

    rows = _fixture_rows()
    with store._LEARNING:  # a learning already running: the new job waits, not yet reading the reviews
        first = store.import_reviews(_reviews_csv(rows[:150]), "리뷰1.csv", "모두의 국밥")
        second = store.import_reviews(_reviews_csv(rows[150:]), "리뷰2.csv", "모두의 분식")
        assert first.sentiment_model_job and second.sentiment_model_job == first.sentiment_model_job
        assert first.sentiment_model_note == store.LEARNING_NOTE and "백그라운드" in first.sentiment_model_note
        assert not local_model_path().exists()  # nothing learnt inside the import
        assert store.sentiment_model_note() == store.LEARNING_NOTE
        assert store.review_learning_job() == first.sentiment_model_job  # what the review page links to
        assert get_runner().get(first.sentiment_model_job).status in ("queued", "running")
    job = get_runner().wait(first.sentiment_model_job, 600)
    assert job.status == "done", job.error
    assert "새로 학습했습니다" in job.note and job.result["learned"] is True  # the job's own Korean note
    assert job.result_url is None  # the status page keeps the note instead of redirecting
    model = read_model(local_model_path())
    assert model.meta["shops"] == 2  # both imports, pooled, in one learning
    assert store.review_learning_pending() is None and store.review_learning_job() is None
    note = store.sentiment_model_note()
    assert "이 설치본의 리뷰 감성 모델로 분류했습니다" in note and "가게 2곳" in note, note
    # a new star-rated file after that starts a new job
    third = store.import_reviews(_reviews_csv(rows[:20]), "리뷰3.csv", "모두의 국밥")
    assert third.sentiment_model_job and third.sentiment_model_job != first.sentiment_model_job
    assert get_runner().wait(third.sentiment_model_job, 600).status == "done"
