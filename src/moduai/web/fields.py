"""Korean names of request fields, for messages that name the field (``위도(lat)``); no imports, any floor
of ``moduai.web`` may use it."""

from __future__ import annotations

# Korean names of the request fields the API and pages use (the raw name follows in brackets).
FIELD_LABELS: dict[str, str] = {
    "lat": "위도", "lon": "경도", "radius": "반경", "category": "업종", "place": "장소", "snapshot": "스냅샷",
    "previous": "이전 스냅샷", "q": "검색어", "text": "입력", "limit": "개수", "top": "후보 수",
    "resolution": "격자 해상도", "region": "지역", "code": "지역 코드", "year": "연도", "indicator": "지표",
    "indicator_id": "지표", "level": "단계", "by": "묶음 기준", "variant": "권역 구분", "today": "기준일",
    "include_closed": "마감 포함 여부", "closed": "마감 포함 여부", "method": "검색 방법", "kind": "사업 종류",
    "sido": "시도", "months": "개월 수", "start": "시작 월", "tone": "말투", "shop": "가게 이름", "name": "이름",
    "file": "파일", "files": "파일", "a": "A안", "b": "B안", "alpha": "유의수준", "as_of": "기준일",
    "profile": "프로필", "body": "요청 본문", "email": "이메일", "password": "비밀번호", "slug": "사업 주소",
    "import_id": "가져오기 번호", "dataset_id": "데이터셋", "weights": "가중치", "overwrite": "덮어쓰기",
    "description": "설명", "rules_yaml": "자격 규칙", "program": "사업", "status": "상태", "path": "주소(경로)",
    "query": "주소의 물음표 뒤 값", "age": "나이", "employees": "직원 수", "flags": "해당 사항",
    "seed": "무작위 시드", "days": "일수", "hours": "예측 시간", "demo": "예시 여부", "budget": "예산",
    "budget_a": "A안 예산", "budget_b": "B안 예산", "scheme": "배분 방식", "cap": "상한", "floor": "하한",
    "metric": "지표", "outcome": "성과 지표", "control": "비교 집단", "explain": "설명할 사람", "hub": "거점센터",
    "kpi_id": "성과 지표", "cohort_id": "기수 번호", "org_id": "기관 번호", "consultation_id": "상담 번호",
    "job_id": "작업 번호", "ext": "파일 형식", "z": "이상 판정 기준", "site": "현장 이름", "rules": "알림 규칙",
    "llm": "AI 답글 여부", "next": "돌아갈 주소", "invite": "초대 코드", "scenario": "시나리오",
    "cash": "연도별 현금 흐름", "field_min": "분야별 최소", "field_max": "분야별 최대", "local": "지방비 비율",
    "trainees": "교육생 수", "slots": "자리 수", "message": "안내 문구",
}


def field_label(field: str, *, code: bool = True) -> str:
    """``위도(lat)`` for a known field, ``'x'`` otherwise; nested paths use their last named part.

    ``code=False`` (web pages, which show no code): the Korean name alone, ``입력값`` for an unknown field."""
    name = field.split(".")[-1].split("[")[0] if field else ""
    label = FIELD_LABELS.get(name)
    if not code:
        return label or "입력값"
    if label:
        return f"{label}({field})"
    return f"'{field}'" if field else "요청 값"
