"""Pydantic response models derived from domain result dataclasses, following ``to_jsonable``'s rules.

``to_jsonable`` writes a dataclass as its public fields (names starting with ``_`` are left out), a
dataclass with ``to_dict`` as that dict, dates as ISO text, NaN as null, tuples and sets as lists.  The
model built here says the same in JSON Schema, so the OpenAPI document describes what the server sends.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, create_model

# domain types that flatten themselves with to_dict: their hand-written public model (see the domain modules)
OVERRIDES: dict[type, Any] = {}
_CACHE: dict[type, type[BaseModel]] = {}


class PublicModel(BaseModel):
    """Base of every response model: documents may grow fields (additive changes are not breaking)."""

    model_config = ConfigDict(extra="allow")


def _map(tp: Any) -> Any:
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
        return Any
    if isinstance(tp, str):  # an annotation that could not be resolved
        return Any
    if tp in OVERRIDES:
        return OVERRIDES[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        mapped = tuple(_map(a) for a in args)
        return Any if Any in mapped else Union[mapped]  # noqa: UP007 - built from a runtime tuple
    if origin is typing.Literal:
        return tp
    if origin in (list, tuple, set, frozenset, typing.Sequence, typing.Iterable) or tp in (list, tuple, set):
        inner = [a for a in args if a is not Ellipsis]
        item = _map(inner[0]) if len(inner) == 1 or (inner and len(set(inner)) == 1) else Any
        return list[item]
    if origin in (dict, typing.Mapping) or tp is dict:
        return dict[str, _map(args[1])] if len(args) == 2 else dict[str, Any]
    if tp in (bool, int, float, str, type(None)):
        return tp
    if tp in (dt.date, dt.datetime, dt.time):
        return tp
    if tp is Path:
        return str
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return dict[str, Any] if hasattr(tp, "to_dict") else public_model(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    return Any  # numpy, pandas and other runtime types: to_jsonable turns them into plain JSON


def public_model(cls: type, *, name: str | None = None, fields_of_to_dict: bool = False) -> type[BaseModel]:
    """The pydantic model of ``to_jsonable(instance of cls)`` (public fields, nested results derived too).

    A class with ``to_dict`` becomes an open object, unless ``fields_of_to_dict`` says its ``to_dict`` starts
    from its fields (``asdict``) so the fields can be described and the extra keys added by the caller.
    """
    if cls in OVERRIDES and name is None:
        return OVERRIDES[cls]
    if cls in _CACHE and name is None:
        return _CACHE[cls]
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    if hasattr(cls, "to_dict") and not fields_of_to_dict:  # flattens itself: an open object unless a public model is registered
        model = create_model(name or f"{cls.__name__}Public", __base__=PublicModel,
                             __doc__=(cls.__doc__ or "").strip() or None)
        _CACHE[cls] = model
        return model
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - TYPE_CHECKING-only names: fall back to the raw annotations
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
    model_name = name or f"{cls.__name__}Public"
    placeholder = create_model(model_name, __base__=PublicModel)  # breaks recursion (a type that holds itself)
    _CACHE.setdefault(cls, placeholder)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            continue
        tp = _map(hints.get(f.name, Any))
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        fields[f.name] = (tp, None) if has_default or tp is Any else (tp, ...)
    model = create_model(model_name, __base__=PublicModel, __doc__=(cls.__doc__ or "").strip() or None, **fields)
    if name is None:
        _CACHE[cls] = model
    return model
