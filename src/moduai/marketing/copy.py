"""Marketing copy from a shop profile: 플레이스 소개글, SNS posts, 전단 문구, 이벤트 공지.

Each channel gets several variants within its length limits (``channels.yaml``), every variant is checked
for 과장·허위 표현 (``banned_claims.yaml``), and 상권 facts lead the copy when ``moduai.commerce`` (or the
profile) knows them — e.g. only two 브런치 카페 within 500 m → "반경 500m 안에 카페가 2곳뿐이에요."
Text comes from :func:`moduai.ai.generate`: a configured LLM server, or the offline Kiwi templates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from moduai.ai.korean import fill_template
from moduai.ai.llm import LLMResult, OfflineDraft, backend_status, generate
from moduai.ai.phrasebank import category_for_code, resolve_category, season_of
from moduai.commerce import taxonomy
from moduai.errors import InputError
from moduai.marketing.claims import ClaimWarning, check_claims
from moduai.marketing.faithful import Claim, unsupported_claims
from moduai.marketing.profile import ShopProfile
from moduai.marketing.trade_area_facts import TradeAreaFacts, fetch_trade_area_facts

DATA_DIR = Path(__file__).with_name("data")
#: Above this share of generated (synthetic) stores, counts never go into customer-facing copy: a number
#: in an advertisement must be true, and a generated store set only resembles the real one.
MAX_SYNTHETIC_SHARE_FOR_CLAIMS = 0.05
FEW_SAME_CATEGORY = 3  # at most this many same-업종 stores nearby → lead with scarcity
MANY_SAME_CATEGORY = 10
VARIANTS_MAX = 3


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    max_chars: int
    target_chars: int
    hashtags: int


@lru_cache(maxsize=1)
def load_channels() -> dict[str, Channel]:
    raw = yaml.safe_load((DATA_DIR / "channels.yaml").read_text(encoding="utf-8"))
    return {k: Channel(k, v["label"], int(v["max_chars"]), int(v["target_chars"]), int(v.get("hashtags", 0)))
            for k, v in raw.items()}


@lru_cache(maxsize=1)
def _templates() -> dict:
    return yaml.safe_load((DATA_DIR / "copy_templates.yaml").read_text(encoding="utf-8"))


@dataclass
class CopyVariant:
    text: str
    hashtags: list[str]
    char_count: int
    within_target: bool
    within_limit: bool
    warnings: list[ClaimWarning]
    backend: str
    fell_back: bool
    reason: str | None
    # Claims of the text that no input supports (always empty for a shown variant: a language model's text
    # with such claims is replaced by the offline draft, see :mod:`moduai.marketing.faithful`).
    unsupported: list[Claim] = field(default_factory=list)


@dataclass
class ChannelCopy:
    channel: str
    label: str
    max_chars: int
    target_chars: int
    variants: list[CopyVariant]


@dataclass
class CopyResult:
    """Copy for every requested channel, with the profile, 상권 facts used and the generator's status."""

    profile: ShopProfile
    channels: list[ChannelCopy]
    trade_area: TradeAreaFacts | None
    trade_area_note: str
    backend: dict
    season: str
    profile_warnings: list[ClaimWarning] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lead: str = ""  # the 상권 sentence that opens the copy (its facts count as inputs)


def validate_channels(channels: list[str] | str | None) -> list[str]:
    known = load_channels()
    if channels is None or channels == [] or channels == "all":
        return list(known)
    if isinstance(channels, str):
        channels = [c.strip() for c in channels.split(",") if c.strip()]
    aliases = {c.label: c.key for c in known.values()} | {"인스타그램": "instagram", "블로그": "blog",
                                                           "카카오": "kakao", "전단": "flyer", "이벤트": "event",
                                                           "플레이스": "place"}
    out = []
    for c in channels:
        key = aliases.get(c, c)
        if key not in known:
            raise InputError(
                f"'channel' 값 '{c}'은(는) 지원하지 않습니다. 가능한 값: {', '.join(known)}. 예: --channel instagram",
                field="channel",
            )
        out.append(key)
    return out


def _unique_words(warnings: list[ClaimWarning]) -> list[ClaimWarning]:
    """One warning per rule and matched text (the same word in the text and its hashtag warns once)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for w in warnings:
        if (w.word, w.found) not in seen:
            seen.add((w.word, w.found))
            out.append(w)
    return out


def _area_tag(location: str) -> str:
    # The most specific place word: "서울 동대문구 회기동" → 회기동
    return location.split()[-1] if location.split() else location


_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)


def drop_optional(template: str, slots: dict) -> str:
    """Remove ``[[ … ]]`` segments whose slots are empty, keep the others without the brackets."""

    def _keep(m: re.Match[str]) -> str:
        names = re.findall(r"\{(\w+)\}", m.group(1))
        return m.group(1) if all(str(slots.get(n) or "").strip() for n in names) else ""

    return _OPTIONAL.sub(_keep, template)


def resolve_profile_category(text: str):
    """(taxonomy category, phrase-bank category) for the owner's 업종 word: one mapping for the platform
    (:func:`moduai.commerce.taxonomy.resolve_category`), the phrase bank keyed by its code."""
    try:
        cat = taxonomy.resolve_category(text)
    except InputError:
        # Words the taxonomy does not know but the phrase bank lists (일반, 기타 …): no code, the bank's noun.
        try:
            return None, resolve_category(text)
        except InputError:
            pass
        raise
    return cat, category_for_code(cat.code)


def copy_inputs(profile: ShopProfile, lead: str) -> list[str]:
    """Every text the copy may take facts from: the profile, its event and the 상권 lead."""
    out = [profile.name, profile.category, profile.location, *profile.strengths, profile.price_range,
           profile.target, profile.menu or "", lead]
    if profile.event:
        out += ["이벤트", profile.event.title, profile.event.period, profile.event.detail]
    return out


def _hashtags(profile: ShopProfile, noun: str, menu: str | None, n: int) -> list[str]:
    if n <= 0:
        return []
    area = re.sub(r"\W", "", _area_tag(profile.location))
    tags = [fill_template(t, area_tag=area, noun=noun) for t in _templates()["hashtag_base"]]
    tags += ([re.sub(r"\s+", "", menu)] if menu else []) + [re.sub(r"\s+", "", profile.name)]
    tags += [re.sub(r"\s+", "", s) for s in profile.strengths if len(s) <= 12]
    seen: list[str] = []
    for raw in tags:
        t = re.sub(r"[^\w가-힣]", "", raw)
        if re.findall(r"\d+", t) != re.findall(r"\d+", raw):
            continue  # "1:1 질문" would become #11질문: a number nobody gave
        if t and t not in seen:
            seen.append(t)
    return ["#" + t for t in seen[:n]]


def _lead(profile: ShopProfile, facts: TradeAreaFacts | None, slots: dict) -> str:
    if facts is None:
        return ""
    leads = _templates()["leads"]
    n = facts.same_category_count
    # The shop itself may be in the store data: "few" counts others, so 0 or 1 both read as "only us".
    key = "none" if n <= 1 else "few" if n <= FEW_SAME_CATEGORY else "many" if n >= MANY_SAME_CATEGORY else None
    if key is None:
        return ""
    area = facts.area_name or _area_tag(profile.location)
    return fill_template(leads[key], **{**slots, "area": area, "radius": facts.radius_m, "count": n})


def _prompt(profile: ShopProfile, channel: Channel, lead: str, season_phrase: str, variant: int) -> str:
    facts = f"상권 정보: {lead.strip()}" if lead else "상권 정보: 없음"
    event = ""
    if profile.event:
        event = f"\n이벤트: {profile.event.title} / 기간 {profile.event.period} / {profile.event.detail}"
    return (
        f"{channel.label}을 {channel.target_chars}자 안팎(최대 {channel.max_chars}자)으로 써 주세요. "
        f"변형 {variant + 1}번: 앞의 변형과 다른 첫 문장으로 시작하세요.\n"
        f"가게 이름: {profile.name}\n업종: {profile.category}\n위치: {profile.location}\n"
        f"강점: {', '.join(profile.strengths)}\n가격대: {profile.price_range}\n타깃 손님: {profile.target}\n"
        f"대표 메뉴: {profile.menu or '없음'}\n계절 분위기: {season_phrase}\n{facts}{event}\n"
        "위에 적힌 사실만 쓰세요. 적히지 않은 메뉴·자리·시설·이벤트·할인·서비스·숫자는 절대 쓰지 마세요."
    )


def generate_copy(
    profile: ShopProfile,
    channels: list[str] | str | None = None,
    *,
    variants: int = VARIANTS_MAX,
    month: int | None = None,
    use_trade_area: bool = True,
) -> CopyResult:
    """Write ``variants`` versions of copy for each channel from ``profile``.

    Parameters
    ----------
    profile : ShopProfile
        업종, 위치, 강점, 가격대, 타깃 (and optionally 대표 메뉴, 좌표, 이벤트, 상권 facts).
    channels : list of str, optional
        Any of place, instagram, blog, kakao, flyer, event (default: all; ``event`` needs an event).
    variants : int
        1–3 versions per channel.
    month : int, optional
        Month whose season phrases are used (default: this month).
    use_trade_area : bool
        Ask ``moduai.commerce`` for same-업종 counts within 500 m when the profile has coordinates.
    """
    chans = validate_channels(channels)
    if not isinstance(variants, int) or not 1 <= variants <= VARIANTS_MAX:
        raise InputError(f"'variants' 값은 1~{VARIANTS_MAX}이어야 합니다. 받은 값: {variants}.", field="variants")
    month = month or dt.date.today().month
    season = season_of(month)
    _, cat = resolve_profile_category(profile.category)
    if "event" in chans and profile.event is None:
        if channels in (None, [], "all"):
            chans.remove("event")
        else:
            raise InputError("이벤트 공지를 쓰려면 가게 정보에 '이벤트'(제목·기간·내용)를 넣어 주세요.", field="event")
    facts, note = (fetch_trade_area_facts(profile) if use_trade_area else (None, "상권 정보를 쓰지 않았습니다."))
    menu = profile.menu  # never a default: a menu the owner did not name is an invented claim
    s = profile.strengths
    slots = {
        "shop": profile.name, "noun": cat.noun, "area": profile.location, "s1": s[0],
        "s2": s[1] if len(s) > 1 else s[0], "strengths": ", ".join(s), "price": profile.price_range,
        "target": profile.target, "menu": menu or "",
        "event_title": profile.event.title if profile.event else "", "event_period": profile.event.period if profile.event else "",
        "event_detail": profile.event.detail if profile.event else "",
    }
    if facts is not None and (facts.synthetic_share or 0) > MAX_SYNTHETIC_SHARE_FOR_CLAIMS:
        note += (f" 생성 데이터가 {facts.synthetic_share:.0%} 섞여 있어, 광고 문구에는 점포 수를 넣지 않았습니다"
                 " (광고의 숫자는 사실이어야 합니다).")
        lead = ""
    else:
        lead = _lead(profile, facts, slots)
    known = load_channels()
    failure: str | None = None
    out: list[ChannelCopy] = []
    for key in chans:
        ch = known[key]
        inputs = copy_inputs(profile, lead)
        items: list[CopyVariant] = []
        for v in range(variants):
            season_phrase = cat.season_phrases[season][v % 3]
            vslots = {**slots, "season_phrase": season_phrase, "lead": lead}
            templates = tuple(drop_optional(t, vslots) for t in _templates()[key])
            draft = OfflineDraft(templates, vslots, v)
            if failure is None:
                res = generate(_prompt(profile, ch, lead, season_phrase, v), offline=draft, temperature=0.8)
                if res.fell_back:
                    failure = res.reason
            else:
                # The server already failed once in this request: do not wait for its timeout 17 more times.
                res = LLMResult(text=draft.render(), backend="offline", fell_back=True, reason=failure)
            text = res.text
            tags = _hashtags(profile, cat.noun, menu, ch.hashtags)
            unsupported = unsupported_claims(text, inputs)
            if unsupported and res.backend != "offline":
                listed = ", ".join(c.text for c in unsupported[:5])
                res = LLMResult(text=draft.render(), backend="offline", fell_back=True,
                                reason=f"언어 모델이 입력에 없는 내용({listed})을 써서 오프라인 초안으로 바꿨습니다.")
                text = res.text
                unsupported = unsupported_claims(text, inputs)
            full = text + ("\n" + " ".join(tags) if tags else "")
            unsupported += [c for c in unsupported_claims(" ".join(tags), inputs) if c not in unsupported]
            items.append(CopyVariant(
                text=text, hashtags=tags, char_count=len(full), within_target=len(full) <= ch.target_chars,
                within_limit=len(full) <= ch.max_chars, warnings=_unique_words(check_claims(full)), backend=res.backend,
                fell_back=res.fell_back, reason=res.reason, unsupported=unsupported,
            ))
        out.append(ChannelCopy(key, ch.label, ch.max_chars, ch.target_chars, items))
    profile_text = " ".join([profile.name, *profile.strengths, profile.target, profile.menu or ""])
    return CopyResult(
        profile=profile, channels=out, trade_area=facts, trade_area_note=note, backend=backend_status(),
        season=season, profile_warnings=check_claims(profile_text), lead=lead,
        sources=(facts.sources if facts else []) + ["marketing-phrasebank"],
    )
