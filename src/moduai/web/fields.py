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
}


def field_label(field: str) -> str:
    """``위도(lat)`` for a known field, ``'x'`` otherwise; nested paths use their last named part."""
    name = field.split(".")[-1].split("[")[0] if field else ""
    label = FIELD_LABELS.get(name)
    if label:
        return f"{label}({field})"
    return f"'{field}'" if field else "요청 값"
