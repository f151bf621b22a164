"""Turning typed results into JSON-ready data, the same way for the CLI and the web API.

Every domain result is a dataclass (or a pydantic model) that carries its inputs, units and the ids of
the datasets it used (``sources``); :func:`to_jsonable` walks it so ``--json`` output and ``/api/v1``
responses are the same document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
from pathlib import Path
from typing import Any


def to_jsonable(obj: Any) -> Any:
    """Convert dataclasses, pydantic models, pandas/NumPy values, dates and paths to plain JSON types."""
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "to_dict"):
            return to_jsonable(obj.to_dict())
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj) if not f.name.startswith("_")}
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime, dt.time)):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, Path):
        return str(obj)
    module = type(obj).__module__
    if module.startswith("numpy"):
        if hasattr(obj, "tolist"):
            return to_jsonable(obj.tolist())
        return to_jsonable(obj.item())
    if module.startswith("pandas"):
        if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
            return to_jsonable(obj.to_dict(orient="records"))
        if hasattr(obj, "to_dict"):
            return to_jsonable(obj.to_dict())
        if hasattr(obj, "isoformat"):
            return obj.isoformat()
        return None if str(obj) in ("NaT", "<NA>", "nan") else str(obj)
    return str(obj)


def dumps(obj: Any) -> str:
    """One JSON document, UTF-8 friendly (Korean not escaped)."""
    return json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2)
