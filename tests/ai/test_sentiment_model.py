"""The NumPy predictor reproduces scikit-learn's logistic regression; the shipped model is small and sane."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from moduai.ai.sentiment import MODEL_PATH, SentimentModel, char_ngrams, load_model, normalize


def test_normalize_and_ngrams_by_hand():
    assert normalize("ㅋㅋㅋㅋㅋ 정말!!!  좋아요♥") == "ㅋㅋ 정말!! 좋아요"
    assert set(char_ngrams("빵 좋아")) == {" ", "빵", "좋", "아", " 빵", "빵 ", " 좋", "좋아", "아 ", " 빵 ", " 좋아", "좋아 "}


def test_numpy_predictor_equals_sklearn_on_a_tiny_model():
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["정말 맛있어요", "최고예요 또 올게요", "친절하고 좋아요", "별로예요", "최악 다시는 안 가요", "불친절해요"]
    y = [1, 1, 1, 0, 0, 0]
    vec = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
    clf = LogisticRegression(C=5.0).fit(vec.fit_transform(texts), y)
    inv = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    model = SentimentModel({g: i for i, (g, _) in enumerate(inv)}, vec.idf_, clf.coef_[0], float(clf.intercept_[0]), {})
    probe = ["맛있고 친절해요", "다시는 안 가요 별로", "처음 보는 글자 😀", "좋아요 좋아요 좋아요"]
    ours = np.array([model.proba(t) for t in probe])
    theirs = clf.predict_proba(vec.transform(probe))[:, 1]
    assert np.allclose(ours, theirs, atol=1e-12)


def test_shipped_model_is_compact_and_points_the_right_way():
    assert MODEL_PATH.stat().st_size < 5_000_000
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    assert len(raw["vocabulary"]) == len(raw["coef"]) == len(raw["idf"])
    assert "CC0" in raw["meta"]["trained_on"]
    m = load_model()
    assert m.proba("정말 재밌고 감동적이에요 최고") > 0.8
    assert m.proba("최악이에요 돈 아깝고 시간 아까움") < 0.2
