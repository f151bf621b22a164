"""Meta-test: every public analysis refuses out-of-range shared parameters with the declared InputError.

The parameters are declared once in :mod:`moduai.params`.  For each analysis below and each declared
parameter it takes, bad values (below the range, above it, not a number, infinite, an unknown choice)
must raise :class:`InputError` whose ``field`` and message are exactly the declaration's — whatever
path (CLI, API, page) called the analysis.
"""

from __future__ import annotations

import inspect
import math

import pytest

from moduai import params as P
from moduai.balance import composite as C
from moduai.balance.disparity import measure_disparity
from moduai.balance.indicators import indicator_values
from moduai.commerce.gaps import find_gaps
from moduai.commerce.huff import estimate_huff_capture
from moduai.commerce.report import build_commerce_report
from moduai.commerce.sites import rank_sites
from moduai.commerce.trade_area import build_trade_area
from moduai.errors import InputError
from moduai.fieldai.anomalies import detect
from moduai.fieldai.forecast import forecast
from moduai.fieldai.generator import generate_greenhouse
from moduai.fieldai.quality import defect_model

POINT = {"lat": 37.5898, "lon": 127.0579}

# analysis → (call with overrides, {argument: declared parameter (and the field it reports)})
ANALYSES = {
    "build_trade_area": (lambda **kw: build_trade_area(**{**POINT, "radius_m": 500, "category": "카페", **kw}),
                         {"lat": "lat", "lon": "lon", "radius_m": "radius", "category": "category"}),
    "estimate_huff_capture": (
        lambda **kw: estimate_huff_capture(**{**POINT, "category": "카페", "radius_m": 500, **kw}),
        {"lat": "lat", "lon": "lon", "radius_m": "radius", "alpha": "alpha", "beta": "beta",
         "new_store_attractiveness": "new_store_attractiveness", "cell_m": "cell_m", "category": "category"}),
    "build_commerce_report": (lambda **kw: build_commerce_report(**{**POINT, "radius_m": 500, "category": "카페", **kw}),
                              {"lat": "lat", "lon": "lon", "radius_m": "radius", "category": "category"}),
    "rank_sites": (lambda **kw: rank_sites(**{"region": "포항시", "category": "카페", **kw}),
                   {"top": "top", "resolution": "resolution", "ring": "ring"}),
    "find_gaps": (lambda **kw: find_gaps(**{"area": None, "stores": None, **kw}),
                  {"comparables": "comparables", "top": "top"}),
    "composite (validate_spec)": (
        lambda **kw: C.validate_spec(**{"weights": {"tfr": 1}, **kw}),
        {"method": "method", "year": "year", "level": "level"}),
    "composite (spec_from_params)": (
        lambda **kw: C.spec_from_params({"weights": {"tfr": kw.pop("weight", 1)}, **kw}),
        {"weight": "weight", "method": "method", "year": "year", "level": "level"}),
    "measure_disparity": (lambda **kw: measure_disparity(**{"indicator_id": "population", "year": 2020, **kw}),
                          {"year": "year", "level": "level"}),
    "indicator_values": (lambda **kw: indicator_values(**{"indicator_id": "population", "year": 2020, **kw}),
                         {"year": "year", "level": "level"}),
    # 현장 AI: the parameters are checked before the file (None here) is touched
    "fieldai detect": (lambda **kw: detect(None, **kw), {"z_threshold": "z_threshold"}),
    "fieldai forecast": (lambda **kw: forecast(None, **kw), {"horizon": "horizon"}),
    "fieldai defect_model": (lambda **kw: defect_model(None, **kw), {"train_share": "train_share"}),
    "fieldai generate_greenhouse": (lambda **kw: generate_greenhouse(**kw), {"days": "days"}),
}


def bad_values(param: P.Param) -> list:
    """Values outside the declaration: just below and above the range, not a number, infinite, unknown."""
    if param.kind == "choice":
        return ["zzz", "", None, 3]
    if param.kind == "text":
        return ["", "   ", None]
    out: list = ["열", None, float("inf"), float("nan"), True]
    if param.low is not None:
        out.append(param.low if param.low_open else param.low - 1)
    if param.high is not None:
        out.append(param.high + 0.5 if param.kind == "real" else param.high + 1)
    if param.kind == "integer":
        out.append((param.low or 0) + 0.5)
    return out


def _means_default(analysis: str, pname: str, value) -> bool:
    """None leaves an optional number at its default; a query string's empty value does the same."""
    if value is None and P.PARAMS[pname].kind in ("real", "integer"):
        return True
    return analysis == "composite (spec_from_params)" and value in (None, "")


CASES = [(name, arg, pname, value) for name, (_, args) in ANALYSES.items() for arg, pname in args.items()
         for value in bad_values(P.PARAMS[pname]) if not _means_default(name, pname, value)]


def _expected(pname: str, value, field: str | None, label: str | None = None) -> InputError:
    with pytest.raises(InputError) as e:
        P.PARAMS[pname].check(value, **({"field": field} if field else {}), **({"label": label} if label else {}))
    return e.value


@pytest.mark.parametrize("analysis, arg, pname, value", CASES, ids=[f"{c[0]}-{c[1]}-{c[3]!r}" for c in CASES])
def test_out_of_range_values_raise_the_declared_error(analysis, arg, pname, value):
    call, _ = ANALYSES[analysis]
    with pytest.raises(InputError) as e:
        call(**{arg: value})
    field = "weights.tfr" if pname == "weight" else None
    # a weight is named after its indicator ('합계출산율 가중치'): the declared error with that label
    want = _expected(pname, value, field, "합계출산율 가중치" if pname == "weight" else None)
    assert e.value.field == want.field == (field or P.PARAMS[pname].field)
    if pname in ("level", "method"):  # narrowed choices: the same sentence, the function's own list
        assert e.value.message.startswith(f"'{want.field}'({P.PARAMS[pname].label})")
        assert "가운데 하나여야 합니다" in e.value.message and f"받은 값: {value!r}" in e.value.message
    else:
        assert e.value.message == want.message


def test_every_declared_parameter_is_exercised():
    used = {p for _, (_, args) in ANALYSES.items() for p in args.values()}
    assert used >= set(P.PARAMS) - {"search_radius"}


def test_decorated_analyses_declare_what_the_meta_test_feeds():
    for fn, args in ((build_trade_area, {"lat", "lon", "radius_m"}), (build_commerce_report, {"lat", "lon", "radius_m"}),
                     (estimate_huff_capture, {"lat", "lon", "radius_m", "alpha", "beta", "new_store_attractiveness",
                                              "cell_m"}),
                     (rank_sites, {"top", "resolution", "ring"}), (find_gaps, {"comparables", "top"})):
        assert set(P.declared_params(fn)) == args
        assert all(a in inspect.signature(fn).parameters for a in args)


def test_one_radius_vocabulary():
    """The radius is 'radius' in every error, whatever the argument is called (radius_m)."""
    assert P.PARAMS["radius"].field == P.PARAMS["search_radius"].field == "radius"
    with pytest.raises(InputError) as e:
        build_trade_area(**POINT, radius_m=0, category="카페")
    assert e.value.field == "radius" and "5,000 m" in e.value.message


def test_valid_values_are_converted_not_refused():
    assert P.check("radius", "500") == 500.0
    assert P.check("year", "2020") == 2020 and isinstance(P.check("year", 2020.0), int)
    assert math.isclose(P.check("lat", 37.5), 37.5)
    assert C.validate_spec({"tfr": "2"}, "rank", "2015", level="sido").year == 2015


def test_a_wrong_declaration_fails_at_import_time():
    with pytest.raises(TypeError):
        @P.validate_params(radius="radius")
        def f(radius_m):  # pragma: no cover - never called
            return radius_m
