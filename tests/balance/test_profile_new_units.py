"""Region pages of units created after the census series (issue 13): their figures come from the old unit(s)
through the spine's crosswalk, and the page says so; ratios of two old units are never added up."""

from moduai.balance.indicators import region_census_summary
from moduai.balance.profile import region_profile


def _values(indicators):
    return {(iv.indicator, iv.year): iv.value for iv in indicators}


def test_dongtan_gu_shows_hwaseong_figures_and_says_so():
    new = region_profile("41597")  # 화성시 동탄구, 2026-02-01
    assert new.region.full_name == "경기도 화성시 동탄구"
    assert _values(new.indicators) == _values(region_census_summary("41590"))  # 화성시 (whole city)
    assert "2026-02-01" in new.indicators_note and "화성시 전체 값" in new.indicators_note


def test_yeongjong_gu_and_its_dong_use_old_junggu():
    assert _values(region_profile("28155").indicators) == _values(region_census_summary("28110"))
    unseo = region_profile("28110147")  # 운서동, today under 영종구
    assert [p.full_name for p in unseo.parents if p.level != "sido"] == ["인천광역시 영종구"]
    assert _values(unseo.indicators) == _values(region_census_summary("28110"))
    assert "읍면동" in unseo.indicators_note and "영종구" in unseo.indicators_note


def test_jemulpo_gu_shows_no_summed_ratios():
    p = region_profile("28125")  # 제물포구 = part of old 중구 + all of 동구
    assert p.indicators == []
    assert "인천광역시 중구" in p.indicators_note and "인천광역시 동구" in p.indicators_note


def test_units_of_the_series_are_unchanged():
    p = region_profile("47113")  # 포항시 북구
    assert p.indicators_note is None
    assert _values(p.indicators) == _values(region_census_summary("47113"))
