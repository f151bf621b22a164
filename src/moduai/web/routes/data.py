"""The dataset catalog page (/data) and API (/api/v1/datasets)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Query, Request

from moduai.data.catalog import Dataset, get_dataset, list_datasets, load_catalog
from moduai.web.api import api_response
from moduai.web.schemas import data as S
from moduai.web.templating import render_page

router = APIRouter()

DOMAIN_LABEL = {"regions": "지역", "commerce": "상권 분석", "balance": "지역균형", "programs": "지원사업",
                "marketing": "마케팅",
                "hubs": "거점센터", "fieldai": "현장 AI", "talent": "AI 인재", "grants": "포괄보조", "impact": "성과 추적"}


@dataclass
class CatalogContext:
    groups: list[tuple[str, list[Dataset]]]
    total: int


@router.get("/data", include_in_schema=False)
def data_page(request: Request):
    """데이터 출처."""
    cat = load_catalog()
    groups = []
    for dom in [*DOMAIN_LABEL, *sorted({d.domain for d in cat} - set(DOMAIN_LABEL))]:
        items = [d for d in cat if d.domain == dom]
        if items:
            groups.append((DOMAIN_LABEL.get(dom, dom), items))
    return render_page(request, "data.html", CatalogContext(groups, len(cat)), title="데이터 출처")


@router.get("/api/v1/datasets", tags=["data"], response_model=S.DatasetListPublic)
def api_datasets(domain: str | None = Query(None, description="이 도메인의 데이터셋만: regions, commerce, balance, programs, marketing …")):
    """데이터셋 카탈로그 (출처·라이선스·연도·범위·합성 여부)."""
    return api_response(list_datasets(domain))


@router.get("/api/v1/datasets/{dataset_id}", tags=["data"], response_model=S.DatasetPublic)
def api_dataset(dataset_id: str):
    """데이터셋 하나."""
    return api_response(get_dataset(dataset_id))
