"""Defect model for files with pass/fail labels (e.g. KAMP 사출 CN7 ``PassOrFail``), evaluated honestly.

Rows are in time order; the first ``train_share`` of them train, the rest test — never shuffled, never
a test row in training.  The decision threshold is chosen on out-of-fold probabilities *inside* the
training rows (stratified 5-fold), then frozen; precision, recall, F1 and ROC AUC are computed on the
test rows only.  The default model is an L2-regularised logistic regression on standardised variables
(scikit-learn, BSD-3) with balanced class weights: with a handful of labelled defects (17 in CN7's
training part) a low-variance linear model is the safer choice; a random forest (``model_kind="forest"``)
is run side by side in ``benchmarks/fieldai_kamp.py`` — on CN7 it fits the first burst and misses the later
start-up defects.  Top variables: the share of |coefficient| (forest: impurity importance) from the
training rows, with the mean of defect and pass shots in training so the direction can be read.

Why ``train_share = 0.3`` by default for CN7: its 28 defects come in three bursts (rows 48–121, 1,264–1,273
and 3,543 in time order); a 70/30 split would leave one defect to test.  With 0.3 the training part holds
the first burst (17) and the test part the other 11.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from moduai.errors import DataUnavailable
from moduai.fieldai.ingest import FieldData, _fmt_time
from moduai.params import validate_params

MODEL_LABELS = {"logistic": "로지스틱 회귀(표준화, L2 C=0.1, 균형 가중치)", "forest": "랜덤 포레스트(300그루, 균형 가중치)"}


@dataclass
class VariableImportance:
    sensor: str
    label: str
    importance: float
    defect_mean: float | None
    pass_mean: float | None


@dataclass
class QualityResult:
    file: str
    label_column: str
    split: str
    train_rows: int
    test_rows: int
    train_defects: int
    test_defects: int
    split_time: str
    threshold: float
    precision: float
    recall: float
    f1: float
    auc: float | None
    confusion: dict[str, int]
    top_variables: list[VariableImportance]
    model: str
    notes: list[str]
    test_positions: list[int] = field(default_factory=list)
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)


@validate_params(train_share="train_share")
def defect_model(data: FieldData, *, train_share: float = 0.3, model_kind: str = "logistic", seed: int = 0) -> QualityResult:
    """Train on the first ``train_share`` of rows in time order and report metrics on the rest only."""
    # scikit-learn is slow to import (≈1 s); only files with pass/fail labels need it
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if data.labels is None:
        raise DataUnavailable("이 파일에는 양품/불량 표시 열(예: PassOrFail)이 없어 불량 예측 모형을 만들 수 없습니다.",
                              field="label_column")
    y = data.labels.to_numpy().astype(int)
    X = data.frame.to_numpy(dtype=float)
    n = len(y)
    cut = int(round(n * train_share))
    ytr, yte = y[:cut], y[cut:]
    if ytr.sum() < 5 or yte.sum() < 1:
        raise DataUnavailable(f"시간순으로 나눈 학습 구간({cut}행)에 불량 {ytr.sum()}건, 평가 구간({n - cut}행)에 {yte.sum()}건이라 "
                              "모형을 만들거나 평가할 수 없습니다. 불량 표시가 더 많은 기간의 파일을 올려 주세요.",
                              field="label_column")
    med = np.nanmedian(X[:cut], axis=0)
    med = np.where(np.isnan(med), 0.0, med)
    Xf = np.where(np.isnan(X), med, X)  # fill with training medians only
    Xtr, Xte = Xf[:cut], Xf[cut:]

    def make():
        if model_kind == "forest":
            return RandomForestClassifier(n_estimators=300, min_samples_leaf=2, class_weight="balanced_subsample",
                                          random_state=seed, n_jobs=1)
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, class_weight="balanced", max_iter=5000))

    folds = StratifiedKFold(n_splits=min(5, int(ytr.sum())), shuffle=True, random_state=seed)
    oof = cross_val_predict(make(), Xtr, ytr, cv=folds, method="predict_proba")[:, 1]
    grid = np.unique(np.r_[oof, 0.5])
    f1s = [f1_score(ytr, oof >= t, zero_division=0) for t in grid]
    thr = float(grid[int(np.argmax(f1s))])
    model = make().fit(Xtr, ytr)
    p = model.predict_proba(Xte)[:, 1]
    pred = p >= thr
    auc = float(roc_auc_score(yte, p)) if 0 < yte.sum() < len(yte) else None
    if model_kind == "forest":
        imp = model.feature_importances_
    else:  # |coefficient| on standardised variables, as shares
        coef = np.abs(model[-1].coef_[0])
        imp = coef / coef.sum() if coef.sum() > 0 else coef
    order = np.argsort(-imp)[:8]
    top = []
    for i in order:
        c = data.sensors[i]
        d = Xtr[ytr == 1, i]
        g = Xtr[ytr == 0, i]
        top.append(VariableImportance(c, data.label(c), round(float(imp[i]), 4), round(float(d.mean()), 3),
                                      round(float(g.mean()), 3)))
    conf = {"tp": int((pred & (yte == 1)).sum()), "fp": int((pred & (yte == 0)).sum()),
            "fn": int((~pred & (yte == 1)).sum()), "tn": int((~pred & (yte == 0)).sum())}
    notes = [f"시간순으로 앞 {train_share:.0%}({cut:,}행)로 학습하고 뒤 {n - cut:,}행으로만 평가했습니다. "
             "평가 행은 학습·기준값 선택에 쓰지 않았습니다.",
             f"판정 기준 확률 {thr:.2f}은 학습 구간 안의 5겹 교차 예측에서 F1이 가장 높은 값입니다."]
    return QualityResult(data.file, data.label_column or "", "time_ordered", cut, n - cut, int(ytr.sum()), int(yte.sum()),
                         _fmt_time(data.frame.index[cut]), round(thr, 4),
                         round(float(precision_score(yte, pred, zero_division=0)), 4),
                         round(float(recall_score(yte, pred, zero_division=0)), 4),
                         round(float(f1_score(yte, pred, zero_division=0)), 4), None if auc is None else round(auc, 4),
                         conf, top, MODEL_LABELS[model_kind], notes, list(range(cut, n)), data.synthetic,
                         list(data.sources))
