"""Copy generation offline: grammatical particles, 상권 lead, channel limits, banned claims."""

from __future__ import annotations

import pytest

from moduai.errors import InputError
from moduai.marketing.claims import check_claims
from moduai.marketing.copy import generate_copy, load_channels
from moduai.marketing.profile import parse_profile

BASE = {"이름": "모두 빵집", "업종": "빵집", "위치": "강원 강릉시 교동", "강점": "매일 아침 굽는 빵, 넓은 주차장",
        "가격대": "5천 원대", "타깃": "출근길 직장인", "대표 메뉴": "소금빵"}


def test_offline_copy_has_correct_particles_for_batchim_and_not():
    res = generate_copy(parse_profile(BASE), ["place"], variants=3, month=4)
    texts = [v.text for v in res.channels[0].variants]
    assert res.backend["backend"] == "offline" and all(v.backend == "offline" for v in res.channels[0].variants)
    assert "모두 빵집은" in texts[0]  # 집 has 받침 → 은
    assert "매일 아침 굽는 빵과 넓은 주차장을 자랑하는 빵집입니다" in texts[0]
    assert "소금빵을" in texts[1]  # 빵 + 을
    cafe = dict(BASE, 이름="모두 카페", 업종="카페", 강점="핸드드립 커피, 조용한 자리", **{"대표 메뉴": "커피"})
    t2 = [v.text for v in generate_copy(parse_profile(cafe), ["place"], month=4).channels[0].variants]
    assert "모두 카페는" in t2[0] and "핸드드립 커피와 조용한 자리를 자랑하는 카페입니다" in t2[0]
    assert "커피를" in t2[1]


def test_trade_area_lead_from_profile_facts_and_without():
    few = dict(BASE, 상권={"반경_m": 500, "같은_업종_수": 2})
    res = generate_copy(parse_profile(few), ["instagram"], month=7)
    assert res.trade_area.same_category_count == 2
    assert res.channels[0].variants[0].text.startswith("교동 반경 500m 안에 빵집이 2곳뿐이에요.")
    plain = generate_copy(parse_profile(BASE), ["instagram"], month=7)
    assert plain.trade_area is None and "좌표" in plain.trade_area_note
    assert "반경" not in plain.channels[0].variants[0].text


def test_commerce_failure_does_not_break_copy(monkeypatch):
    import moduai.marketing.trade_area_facts as taf

    def boom(*a, **k):
        raise RuntimeError("commerce is being rewritten")

    monkeypatch.setattr("moduai.commerce.trade_area.build_trade_area", boom, raising=False)
    prof = parse_profile(dict(BASE, 위도=37.75, 경도=128.9))
    facts, note = taf.fetch_trade_area_facts(prof)
    assert facts is None and note == "상권 정보를 가져오지 못해 상권 정보 없이 작성했습니다 (알 수 없는 오류)."
    res = generate_copy(prof, ["flyer"], month=1)
    assert res.channels[0].variants[0].text


def test_a_commerce_failure_is_named_in_korean_not_by_class_name(monkeypatch, caplog):
    import httpx

    import moduai.marketing.trade_area_facts as taf

    def slow(*a, **k):
        raise httpx.ReadTimeout("boom")

    monkeypatch.setattr("moduai.commerce.trade_area.build_trade_area", slow, raising=False)
    with caplog.at_level("WARNING", logger="moduai.marketing"):
        facts, note = taf.fetch_trade_area_facts(parse_profile(dict(BASE, 위도=37.75, 경도=128.9)))
    assert note == "상권 정보를 가져오지 못해 상권 정보 없이 작성했습니다 (응답 시간 초과: 서버가 제시간에 답하지 않음)."
    assert "ReadTimeout" in caplog.text


def test_channel_limits_hashtags_and_variants():
    res = generate_copy(parse_profile(BASE), None, month=10)
    chans = {c.channel: c for c in res.channels}
    assert "event" not in chans  # no event in the profile → skipped when all channels were asked
    limits = load_channels()
    for c in res.channels:
        assert len(c.variants) == 3
        assert len({v.text for v in c.variants}) == 3  # variants differ
        for v in c.variants:
            assert v.within_limit and v.char_count <= limits[c.channel].max_chars
            assert v.char_count == len(v.text + ("\n" + " ".join(v.hashtags) if v.hashtags else ""))
    # area+noun, noun추천, area, menu, name and the two strengths: 7 tags, under the channel's limit of 8
    assert len(chans["instagram"].variants[0].hashtags) == 7 <= limits["instagram"].hashtags
    assert chans["instagram"].variants[0].hashtags[0] == "#교동빵집"  # not "맛집": a claim nobody made


def test_event_channel_needs_an_event():
    with pytest.raises(InputError, match="이벤트"):
        generate_copy(parse_profile(BASE), ["event"])
    ev = dict(BASE, 이벤트={"제목": "소금빵 1+1", "기간": "3월 1일~3일", "내용": "소금빵 하나 사면 하나 더"})
    res = generate_copy(parse_profile(ev), ["event"])
    assert "소금빵 1+1" in res.channels[0].variants[0].text


def test_banned_claims_are_flagged_with_reason():
    w = check_claims("동네 최고의 빵, 100% 국내산, 먹으면 당뇨 완치!")
    words = [x.word for x in w]
    assert words == ["최고", "100%", "효능 표방", "완치"]
    assert all(x.reason for x in w) and {x.severity for x in w} == {"warn", "error"}
    assert check_claims("갓 구운 빵과 친절한 응대") == []
    res = generate_copy(parse_profile(dict(BASE, 강점="동네 1등 소금빵, 넓은 주차장")), ["place"])
    assert [x.word for x in res.profile_warnings] == ["1등"]
    assert any(x.word == "1등" for v in res.channels[0].variants for x in v.warnings)


def test_profile_validation_names_the_field():
    with pytest.raises(InputError, match="강점"):
        parse_profile({k: v for k, v in BASE.items() if k != "강점"})
    with pytest.raises(InputError, match="가격대"):
        parse_profile(dict(BASE, 가격대=""))
    with pytest.raises(InputError, match="channel"):
        generate_copy(parse_profile(BASE), ["tiktok"])


def test_commerce_facts_lead_the_copy(monkeypatch):
    from types import SimpleNamespace

    calls = []

    def fake_build_trade_area(lat, lon, radius_m, category):
        calls.append((lat, lon, radius_m, category))
        return SimpleNamespace(category_count=1, store_count=120, synthetic_share=0.0, sources=["sangga-test"],
                               place=SimpleNamespace(emd_name="회기동"))

    monkeypatch.setattr("moduai.commerce.trade_area.build_trade_area", fake_build_trade_area)
    prof = parse_profile(dict(BASE, 업종="브런치 카페", 이름="모두의 브런치", 위도=37.5912, 경도=127.0563))
    res = generate_copy(prof, ["place"], month=5)
    assert calls == [(37.5912, 127.0563, 500, "브런치 카페")]  # commerce's taxonomy now knows the word
    assert res.trade_area.same_category_count == 1 and "sangga-test" in res.sources
    assert res.channels[0].variants[0].text.startswith("회기동 반경 500m 안에 하나뿐인 카페, 바로 모두의 브런치입니다.")


def test_every_source_id_is_in_the_marketing_catalog():
    from pathlib import Path

    import yaml

    from moduai.marketing import calendar, customers, reviews

    path = Path(calendar.__file__).parents[1] / "data" / "catalog" / "marketing.yaml"
    ids = {e["id"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))}
    used = set(calendar.SOURCES) | set(reviews.SOURCES) | {"marketing-segments", "marketing-phrasebank"}
    assert used <= ids
    assert customers.CustomerAnalysis.__dataclass_fields__["sources"].default_factory() == ["marketing-segments"]


def test_counts_from_generated_store_data_never_reach_the_copy(monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(
        "moduai.commerce.trade_area.build_trade_area",
        lambda *a, **k: SimpleNamespace(category_count=2, store_count=50, synthetic_share=0.5, sources=["sangga-synthetic"],
                                        place=SimpleNamespace(emd_name="교동")),
    )
    res = generate_copy(parse_profile(dict(BASE, 위도=37.75, 경도=128.9)), ["place"], month=5)
    assert res.trade_area.synthetic_share == 0.5 and "점포 수를 넣지 않았습니다" in res.trade_area_note
    assert all("반경" not in v.text for v in res.channels[0].variants)


def test_a_failing_llm_server_is_asked_once_per_request(monkeypatch):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from moduai.config import get_settings

    hits = []

    class Broken(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("MODUAI_LLM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
        get_settings.cache_clear()
        res = generate_copy(parse_profile(BASE), ["place", "kakao"], variants=3, month=5)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == ["/v1/chat/completions"]
    variants = [v for c in res.channels for v in c.variants]
    assert len(variants) == 6 and all(v.fell_back and "서버 내부 오류, 상태 코드 500" in v.reason for v in variants)
    assert "모두 빵집은" in variants[0].text  # the offline text, still grammatical


def test_every_category_and_channel_renders_without_particle_slips():
    from moduai.ai.phrasebank import load_phrasebank

    for key, cat in load_phrasebank().items():
        prof = parse_profile(dict(BASE, 이름=f"동네 {cat.noun}", 업종=key, 상권={"같은_업종_수": 12},
                                  이벤트={"제목": "오픈 기념", "기간": "이번 주", "내용": "전 메뉴 10% 할인"}))
        res = generate_copy(prof, None, month=8)
        assert len(res.channels) == 6
        for ch in res.channels:
            for v in ch.variants:
                assert "가번 주" not in v.text and "{" not in v.text and "}" not in v.text, (key, v.text)
                assert v.within_limit, (key, ch.channel, v.char_count)


def test_shipped_example_profile_loads_and_missing_file_points_to_it(tmp_path):
    from moduai.marketing.profile import EXAMPLE_PATH, load_profile

    prof = load_profile(EXAMPLE_PATH)
    assert prof.name == "모두의 브런치" and prof.strengths == ["직접 구운 빵", "조용한 창가 자리"]
    with pytest.raises(InputError, match="example_profile.yaml"):
        load_profile(tmp_path / "없음.yaml")
