"""The shipped boundaries' map paths are projected once: the same SVG as drawing every point again."""

from __future__ import annotations

from moduai.web import maps, svgmap


def test_sigungu_map_from_kept_paths_equals_a_fresh_drawing(monkeypatch):
    codes = sorted(maps.light_sigungu_rings())
    values_a = {c: float(i) for i, c in enumerate(codes)}
    values_b = {c: float(-i) for i, c in enumerate(codes)}  # other colours, same shapes
    kw = dict(higher_is_better=True, title="t", unit="원", digits=0, href="/x#r{code}")
    maps._SIGUNGU_PATHS.clear()
    warm_a = maps.sigungu_choropleth(values_a, **kw)
    kept = len(maps._SIGUNGU_PATHS)
    # one path per 시군구 on the national map plus one per 수도권 시군구 on the inset (another projection)
    capital = sum(c[:2] in ("11", "28", "41") for c in codes)
    assert kept == len(codes) + capital
    warm_b = maps.sigungu_choropleth(values_b, **kw)
    assert len(maps._SIGUNGU_PATHS) == kept  # nothing new projected
    monkeypatch.setattr(maps, "_SIGUNGU_PATHS", None)  # no cache: every point projected again
    assert maps.sigungu_choropleth(values_a, **kw) == warm_a
    assert maps.sigungu_choropleth(values_b, **kw) == warm_b
    assert warm_a != warm_b


def test_path_cache_is_bounded_and_keyed_by_projection():
    ring = [[[127.0, 37.0], [127.1, 37.0], [127.1, 37.1], [127.0, 37.0]]]
    cache: dict = {}
    small = svgmap.svg_map([svgmap.MapFeature("1", "a", ring)], width=100, path_cache=cache)
    large = svgmap.svg_map([svgmap.MapFeature("1", "a", ring)], width=200, path_cache=cache)
    assert len(cache) == 2 and small != large
    assert small == svgmap.svg_map([svgmap.MapFeature("1", "a", ring)], width=100)
    # by hand, width 100, pad 8: the 0.1° square spans 84 px across; x of lon 127.1 = 8 + 84 = 92.0
    assert "92.0," in str(small)
    cache.update({(str(i), None): "" for i in range(svgmap.PATH_CACHE_MAX)})
    svgmap.svg_map([svgmap.MapFeature("2", "b", ring)], width=100, path_cache=cache)
    assert len(cache) == 1
