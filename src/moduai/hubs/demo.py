"""The demo tenant: a 거점센터 filled by a documented, seeded generator. Everything it makes is 합성
(synthetic) and labelled so on every page, export and API answer (``HubRow.is_synthetic``).

Calibration (what is from public aggregates and what is assumed):

- **5-year survival of supported firms 53.1 %** (창조경제혁신센터 지원 기업, as cited in the hubs issue) against
  **28.5 % nationally** (issue; 통계청 기업생멸행정통계 order of magnitude). Closures follow a constant annual
  hazard h = −ln(0.531)/5 ≈ 0.127 per year from selection, so S(5) ≈ 53.1 % before censoring. Firms that
  were *not* selected are not followed (a hub records outcomes only for firms it supported).
- **Assumptions** (no public aggregate found offline; change them here): applicants ≈ 2.5 × capacity
  (selection ≈ 40 %); completion ≈ 85 %; first headcount 1 + Poisson(1.5); each surviving firm's
  headcount moves by Poisson(1.2) − Poisson(0.4) per year (≈ +0.8); 12 % of surviving firms attract investment in
  a year, log-normal with median 3억원; 4 % move their 본점 each year, 45 % of those to 수도권;
  8 % of surviving firms stop reporting after some year (lost to follow-up → censored, and the
  "no outcome for 12 months" alert); firms' 본점 are 60 % in the hub's 시군구, the rest spread over the
  hub's 시도 (including its 인구감소지역).
- Names, numbers and people are invented: 사업자등록번호 are random 9 digits with a valid check digit,
  person names/phones random then keyed and masked like real ones.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import insert

from moduai.hubs import models as M
from moduai.hubs import service as S
from moduai.hubs.identity import brn_check_digit, mask_person_name, mask_phone, normalise_person
from moduai.hubs.identity import person_key as keyed_person_key
from moduai.regions import list_regions

SURVIVAL_5Y_SUPPORTED = 0.531
SURVIVAL_5Y_NATIONAL = 0.285
HAZARD = -math.log(SURVIVAL_5Y_SUPPORTED) / 5
ASSUMPTIONS = {
    "selection_rate": 0.40, "completion_rate": 0.85, "investment_per_year": 0.12, "investment_median_krw": 300_000_000,
    "move_per_year": 0.04, "move_to_capital_share": 0.45, "lost_to_follow_up": 0.08, "home_sigungu_share": 0.60,
}
CALIBRATION = {
    "survival_5y_supported": {"value": SURVIVAL_5Y_SUPPORTED, "source": "창조경제혁신센터 지원 기업 5년 생존율 (issue 12에 인용된 공개 집계)"},
    "survival_5y_national": {"value": SURVIVAL_5Y_NATIONAL, "source": "전국 기업 5년 생존율 (issue 12에 인용; 통계청 기업생멸행정통계)"},
    "assumptions": ASSUMPTIONS,
}
PROGRAMS = [("AI 도입 액셀러레이팅", "AI 도입", "sample-regional-ai-voucher"), ("제조 AX 실증", "제조 AX", None),
            ("스마트팜 창업 캠프", "스마트팜", None)]
CRITERIA = [{"name": "사업성", "weight": 0.4, "max": 100}, {"name": "AI 활용 계획", "weight": 0.35, "max": 100},
            {"name": "지역 기여", "weight": 0.25, "max": 100}]
REASONS = {
    "사업성": ["매출 근거가 구체적임", "고객 검증 단계가 부족함", "시장 규모 추정이 합리적임", "수익 모델이 불분명함"],
    "AI 활용 계획": ["현장 데이터 확보 계획이 명확함", "적용 공정이 구체적임", "데이터 없이 모델만 제시함",
                   "기존 설비와 연동 방안이 있음"],
    "지역 기여": ["지역 고용 계획이 있음", "지역 협력사와 실증 예정", "본점 이전 계획이 불확실함", "지역 상권과 연계함"],
}
NAME_A = ["영일", "해오름", "동해", "형산", "새빛", "한울", "바다", "철길", "구룡", "호미", "연오", "송도", "죽도", "장기"]
NAME_B = ["테크", "AI", "랩스", "로보틱스", "소재", "푸드", "팜", "데이터", "비전", "에너지", "모빌리티", "바이오"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서지우현준도윤하은수아예성진영호연재희"
SECTORS = ["제조", "정보통신", "농림어업", "도소매", "전문서비스", "숙박음식"]
BANDS = ["매출 없음", "1억 미만", "1억~10억", "10억~50억", "50억 이상"]
TOPICS = ["상권 분석", "마케팅", "현장 AI", "지원사업", "인재"]


@dataclass
class DemoData:
    """Rows keyed locally (``_key``) before ids exist; :func:`store` inserts them in order."""

    orgs: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    cohorts: list[dict] = field(default_factory=list)
    apps: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    participations: list[dict] = field(default_factory=list)
    supports: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)
    consultations: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.__dict__.items()}


def _brn(rng: np.random.Generator) -> str:
    head = f"{rng.integers(101, 899)}{rng.choice(['81', '86', '87', '88'])}{rng.integers(0, 10**4):04d}"
    return head + str(brn_check_digit(head))


def _day(rng, start: dt.date, span_days: int) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max(1, span_days))))


def generate(*, seed: int = 2025, n_orgs: int = 150, start_year: int = 2019, end: dt.date = dt.date(2025, 11, 30),
             hub_region: str = "47110", hub_sido: str = "47", headcount_every_months: int = 12,
             person_key=None) -> DemoData:
    """Generate a hub's records (pure, seeded). ``person_key(name, birth, phone)`` keys people (default:
    the platform's keyed hash)."""
    if person_key is None:
        person_key = keyed_person_key
    rng = np.random.default_rng(seed)
    sido_units = [r.code for r in list_regions("sigungu", sido_code=hub_sido) if r.code != hub_region]
    capital = [r.code for s in ("11", "41") for r in list_regions("sigungu", sido_code=s)]
    d = DemoData()
    years = list(range(start_year, end.year + 1))
    # cohorts: each program once a year (the third from the middle year on)
    for y in years:
        for p, (pname, pfield, _slug) in enumerate(PROGRAMS):
            if p == 2 and y < years[len(years) // 2]:
                continue
            cap = int(rng.integers(8, 13)) * max(1, n_orgs // 150)
            start = dt.date(y, 4, 1) if p != 1 else dt.date(y, 6, 1)
            if start > end:
                continue
            d.cohorts.append({"_key": len(d.cohorts), "program": p, "name": f"{y}년 {pname} {1}기", "year": y,
                              "capacity": cap, "starts_on": start, "ends_on": start + dt.timedelta(days=180),
                              "field": pfield, "criteria": CRITERIA})
    # organisations: enough applicants for ≈ 40 % selection
    for i in range(n_orgs):
        prospective = rng.random() < 0.12
        home = hub_region if rng.random() < ASSUMPTIONS["home_sigungu_share"] else str(rng.choice(sido_units))
        name = f"{rng.choice(NAME_A)}{rng.choice(NAME_B)}" + ("" if prospective else f" {i + 1}호")
        d.orgs.append({"_key": i, "name": ("(주)" if rng.random() < 0.5 and not prospective else "") + name,
                       "brn": None if prospective else _brn(rng), "is_prospective": prospective,
                       "region_code": home, "sector": str(rng.choice(SECTORS)),
                       "founded_on": None if prospective else dt.date(int(rng.integers(2012, end.year)), 1, 1)
                       + dt.timedelta(days=int(rng.integers(0, 360)))})
        nm = str(rng.choice(list(SURNAMES))) + "".join(rng.choice(list(GIVEN), 2))
        birth = dt.date(int(rng.integers(1965, 2001)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        phone = f"010{rng.integers(1000, 9999)}{rng.integers(1000, 9999)}"
        normalise_person(nm, birth, phone)
        d.people.append({"_key": i, "org": i, "person_key": person_key(nm, birth, phone),
                         "name_masked": mask_person_name(nm), "phone_masked": mask_phone(phone),
                         "consent_on": dt.date(start_year, 1, 2) + dt.timedelta(days=int(rng.integers(0, 2000))),
                         "consent_scope": "지원사업 운영·성과 관리(합성)"})
    # two near-duplicates for the merge screen: same BRN written differently, and a re-registered founder
    for j in range(min(2, n_orgs)):
        src = d.orgs[j * 7]
        if src["brn"]:
            d.orgs.append({**src, "_key": len(d.orgs), "name": src["name"].replace("(주)", "") + " 주식회사"})
    dup_person = dict(d.people[3])
    d.people.append({**dup_person, "_key": len(d.people), "consent_on": dup_person["consent_on"] + dt.timedelta(days=400)})

    # applications: each cohort draws ≈ capacity / 0.4 applicants among orgs not yet selected that year
    order = rng.permutation(n_orgs)
    pointer = 0
    selected_at: dict[int, dt.date] = {}
    closes_on: dict[int, dt.date] = {}  # drawn at first selection; a closed firm does not apply again
    for c in d.cohorts:
        n_app = max(c["capacity"] + 1, int(round(c["capacity"] / ASSUMPTIONS["selection_rate"])))
        n_app = min(n_app, n_orgs)
        applied_by = c["starts_on"] - dt.timedelta(days=45)
        pool = [o for o in (int(order[(pointer + k) % n_orgs]) for k in range(n_app))
                if closes_on.get(o, dt.date.max) > applied_by]
        pointer += max(1, int(n_app * 0.8))  # some re-apply the next year (repeat recipients)
        applied = c["starts_on"] - dt.timedelta(days=int(rng.integers(20, 45)))
        scored = []
        for org in pool:
            a = {"_key": len(d.apps), "cohort": c["_key"], "org": org, "applied_on": applied, "status": "applied",
                 "selected_on": None, "completed_on": None}
            d.apps.append(a)
            total = 0.0
            for cr in CRITERIA:
                v = float(np.clip(rng.normal(70, 12), 30, 100))
                total += v * cr["weight"]
                d.scores.append({"app": a["_key"], "criterion": cr["name"], "score": round(v, 1),
                                 "reason": str(rng.choice(REASONS[cr["name"]])), "scorer": "심사위원(합성)"})
            scored.append((total, a))
        scored.sort(key=lambda x: -x[0])
        for rank, (_total, a) in enumerate(scored):
            if rank < c["capacity"]:
                a["status"], a["selected_on"] = "selected", c["starts_on"]
                if a["org"] not in selected_at:
                    selected_at[a["org"]] = c["starts_on"]
                    closes_on[a["org"]] = c["starts_on"] + dt.timedelta(
                        days=int(rng.exponential(1 / HAZARD) * 365.25))
                if c["ends_on"] <= end:
                    done = rng.random() < ASSUMPTIONS["completion_rate"]
                    a["status"] = "completed" if done else "dropped"
                    a["completed_on"] = c["ends_on"] if done else _day(rng, c["starts_on"], 150)
                for s in range(6):
                    held = c["starts_on"] + dt.timedelta(days=25 * s + 7)
                    if held > (a["completed_on"] or end):
                        break
                    d.participations.append({"app": a["_key"], "held_on": held, "session_title": f"{s + 1}회차 교육·멘토링",
                                             "attended": bool(rng.random() < 0.87),
                                             "mentoring_hours": float(rng.choice([0, 1, 2, 2, 3]))})
                d.supports.append({"org": a["org"], "given_on": c["starts_on"] + dt.timedelta(days=30), "kind": "자금",
                                   "amount_krw": int(rng.choice([10, 20, 30, 50])) * 1_000_000,
                                   "program_slug": PROGRAMS[c["program"]][2], "cohort": c["_key"]})
                if rng.random() < 0.3:
                    d.supports.append({"org": a["org"], "given_on": c["starts_on"], "kind": "공간",
                                       "space_m2": float(rng.choice([15, 20, 33])), "cohort": c["_key"]})
            else:
                a["status"] = "rejected"

    # outcomes of supported firms: closure by a constant hazard, headcount, revenue, investment, moves
    step = max(1, int(headcount_every_months))
    for org, sel in selected_at.items():
        o = d.orgs[org]
        closure = closes_on[org]
        lost = rng.random() < ASSUMPTIONS["lost_to_follow_up"]
        stop = min(end, closure)
        if lost:
            stop = min(stop, sel + dt.timedelta(days=int(rng.integers(200, 1500))))
        head = 1 + int(rng.poisson(1.5))
        region = o["region_code"]
        when = sel + dt.timedelta(days=60)
        month = 0
        while when <= stop:
            if month % 12 == 0 and month:
                head = max(0, head + int(rng.poisson(1.2)) - int(rng.poisson(0.4)))
            d.outcomes.append({"org": org, "observed_on": when, "kind": "고용", "headcount": head, "evidence": "고용보험"})
            if month % 12 == 0:
                band = BANDS[min(4, int(rng.integers(0, 3)) + month // 24)]
                d.outcomes.append({"org": org, "observed_on": when, "kind": "매출", "revenue_band": band,
                                   "evidence": "자가 보고"})
                if rng.random() < ASSUMPTIONS["investment_per_year"]:
                    amt = int(np.exp(rng.normal(math.log(ASSUMPTIONS["investment_median_krw"]), 0.8)) // 1_000_000)
                    d.outcomes.append({"org": org, "observed_on": when + dt.timedelta(days=40), "kind": "투자",
                                       "amount_krw": max(1, amt) * 1_000_000, "evidence": "공시"})
                if rng.random() < ASSUMPTIONS["move_per_year"]:
                    region = (str(rng.choice(capital)) if rng.random() < ASSUMPTIONS["move_to_capital_share"]
                              else str(rng.choice(sido_units + [hub_region])))
                    d.outcomes.append({"org": org, "observed_on": when + dt.timedelta(days=70), "kind": "본점 이전",
                                       "region_code": region, "evidence": "공시"})
            month += step
            when = sel + dt.timedelta(days=60 + int(month * 30.44))
        if closure <= end and not lost:
            d.outcomes.append({"org": org, "observed_on": closure, "kind": "폐업", "evidence": "상가정보"})
        if rng.random() < 0.35:
            topic = str(rng.choice(TOPICS))
            d.consultations.append({"org": org, "held_on": min(end, sel + dt.timedelta(days=int(rng.integers(10, 300)))),
                                    "topic": topic, "notes": f"{topic} 상담 (합성 기록): 현황 파악과 다음 단계 안내."})
    return d


def store(session, hub_id: int, data: DemoData) -> dict[str, int]:
    """Bulk-insert generated rows (one INSERT … RETURNING per table for the ids children need)."""
    def ins(model, rows: list[dict], keys: bool = False) -> list[int]:
        if not rows:
            return []
        if keys:
            res = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
            return [r[0] for r in res]
        session.execute(insert(model), rows)
        return []

    org_ids = ins(M.OrganisationRow, [{k: v for k, v in o.items() if k != "_key"} | {"hub_id": hub_id}
                                      for o in data.orgs], keys=True)
    person_ids = ins(M.PersonRow, [{k: v for k, v in p.items() if k not in ("_key", "org")}
                                   | {"hub_id": hub_id, "organisation_id": org_ids[p["org"]]} for p in data.people],
                     keys=True)
    prog_ids = ins(M.HubProgramRow, [{"hub_id": hub_id, "name": n, "field": f, "program_slug": s,
                                      "description": "합성 예시 프로그램"} for n, f, s in PROGRAMS], keys=True)
    cohort_ids = ins(M.CohortRow, [{k: v for k, v in c.items() if k not in ("_key", "program")}
                                   | {"hub_id": hub_id, "program_id": prog_ids[c["program"]]} for c in data.cohorts],
                     keys=True)
    app_ids = ins(M.ApplicationRow, [{"hub_id": hub_id, "cohort_id": cohort_ids[a["cohort"]],
                                      "organisation_id": org_ids[a["org"]], "person_id": person_ids[a["org"]],
                                      "applied_on": a["applied_on"], "status": a["status"],
                                      "selected_on": a["selected_on"], "completed_on": a["completed_on"]}
                                     for a in data.apps], keys=True)
    ins(M.ScoreRow, [{k: v for k, v in s.items() if k != "app"} | {"hub_id": hub_id, "application_id": app_ids[s["app"]]}
                     for s in data.scores])
    ins(M.ParticipationRow, [{k: v for k, v in p.items() if k != "app"}
                             | {"hub_id": hub_id, "application_id": app_ids[p["app"]]} for p in data.participations])
    sup_cols = ("given_on", "kind", "amount_krw", "space_m2", "mentoring_hours", "program_slug")
    ins(M.SupportRow, [{c: s.get(c) for c in sup_cols} | {"hub_id": hub_id, "organisation_id": org_ids[s["org"]],
                                                          "cohort_id": cohort_ids[s["cohort"]] if "cohort" in s else None}
                       for s in data.supports])
    out_cols = ("observed_on", "kind", "amount_krw", "headcount", "revenue_band", "region_code", "evidence")
    ins(M.OutcomeRow, [{c: o.get(c) for c in out_cols} | {"hub_id": hub_id, "organisation_id": org_ids[o["org"]]}
                       for o in data.outcomes])
    ins(M.ConsultationRow, [{"hub_id": hub_id, "organisation_id": org_ids[c["org"]], "held_on": c["held_on"],
                             "topic": c["topic"], "notes": c["notes"]} for c in data.consultations])
    return data.counts()


@dataclass
class DemoSummary:
    hub: Any
    counts: dict[str, int]
    seed: int
    calibration: dict
    label: str = "합성"
    notice: str = "이 거점센터의 모든 기록은 문서화된 생성기로 만든 합성 데이터입니다. 실제 기업·사람이 아닙니다."
    sources: list[str] = field(default_factory=lambda: ["hubs-demo-generator"])


def create_demo(session, principal, *, slug: str = "demo", seed: int = 2025, n_orgs: int = 200,
                start_year: int = 2019, end: dt.date = dt.date(2025, 11, 30)) -> DemoSummary:
    """Create the 합성 demo hub (경북 포항, AI 도입·제조 AX·스마트팜) and fill it; duplicates proposed."""
    hub = S.create_hub(session, principal, name="합성 예시 거점센터 (경북 포항)", region="47110",
                       focus=["AI 도입", "제조 AX", "스마트팜"], slug=slug, is_synthetic=True)
    data = generate(seed=seed, n_orgs=n_orgs, start_year=start_year, end=end)
    counts = store(session, hub.id, data)
    session.flush()
    S.propose_duplicates(session, principal, hub.id)
    return DemoSummary(hub, counts, seed, CALIBRATION)
