"""The dataset catalog page (/data) and API (/api/v1/datasets)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request

from moduai.data.catalog import Dataset, get_dataset, load_catalog
from moduai.web.templating import render_page

router = APIRouter()

DOMAIN_LABEL = {"regions": "지역", "commerce": "상권 분석", "balance": "지역균형", "programs": "지원사업",
                "marketing": "마케팅"}


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


@router.get("/api/v1/datasets", tags=["data"])
def api_datasets():
    """데이터셋 카탈로그 전체."""
    return {"datasets": [d.__dict__ for d in load_catalog()]}


@router.get("/api/v1/datasets/{dataset_id}", tags=["data"])
def api_dataset(dataset_id: str):
    """데이터셋 하나."""
    return get_dataset(dataset_id).__dict__
