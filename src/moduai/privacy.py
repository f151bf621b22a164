"""Finding and masking personal data in cells and in free text (floor module: standard library only).

What is recognised, and how it is masked (what is stored and shown is the masked form):

==================  ==========================================  ==========================
kind                written forms                               masked
==================  ==========================================  ==========================
``rrn``             주민등록번호·외국인등록번호 ``900101-1234567``,   ``900101-*******``
                    ``9001011234567`` (7th digit 1–8, real
                    month/day; no checksum: numbers issued since
                    2020-10 have none)
``card``            13–19 digits, optionally grouped by space    ``****-****-****-1234``
                    or hyphen, passing the Luhn check           (separators kept)
``email``           ``name@domain.tld``                          ``n***@domain.tld``
``phone``           010/011/016–019, 02, 031–064, 070, 0502–0508 ``010-****-5678``
                    (안심번호); separators ``-``, ``.``, space,     ``02-***-4567``
                    ``(02)``; ``+82-10-…``, ``+82 2 …``
``name``            a cell that is a name: ``김민수``, ``김 민수``,   ``김*수``, ``김 *수``,
                    ``홍길동(VIP)``, ``김철수 님``, ``John Kim``;     ``홍*동(VIP)``, ``김*수 님``
                    in free text only a name with a title
                    (``김철수 님``, ``홍길동씨``, ``이영희 고객님``)
                    or next to a phone number
                    (``010-9999-0000 김철수``)
==================  ==========================================  ==========================

Not personal, left alone: prices (``12,000원``), dates (``2025-03-04``, ``20250304``), 사업자등록번호
(``123-45-67890``), 대표번호 (``1588-1234``), numbers without a leading 0 (``111111111``), card-length
numbers that fail the Luhn check, and role words before a title (사장님, 이모님, 기사님 …).

Names in free text are found by a heuristic (a common surname, one or two more syllables, then a title);
a review that names someone without a title is not caught — the owner is told so on the upload page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------------------- detectors
_RRN = re.compile(
    r"(?<![\d*])(?P<birth>\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\s?[-–]?\s?(?P<rest>[1-8]\d{6})(?![\d*])"
)
_DIGIT_RUN = re.compile(r"(?<![\d*.,])\d+(?:[ -]\d+)*(?![\d*])")
_EMAIL = re.compile(r"(?<![\w.+-])(?P<local>[A-Za-z0-9._%+-]{1,64})@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_SEP = r"(?:\s?[-.]\s?|\s)?"
_PHONE = re.compile(
    r"(?<![\d*+])"
    r"(?:"
    r"(?:\+\s?82|(?<![\d])82(?=[-.\s]?1[016789]))" + _SEP + r"(?:\(0\)|0)?(?P<ih>1[016789]|2|[3-6][1-5]|70|50[2-8])"
    r"|"
    r"\(?(?P<dh>01[016789]|02|0[3-6][1-5]|070|050[2-8])\)?"
    r")" + _SEP + r"(?P<mid>\d{3,4})" + _SEP + r"(?P<tail>\d{4})(?![\d*])"
)

# The 80 most common surnames (통계청 2015 인구주택총조사 성씨 순위, over 99 % of people) plus compounds.
_SURNAMES = (
    "남궁|황보|제갈|선우|독고|사공|서문|"
    "김|이|박|최|정|강|조|윤|장|임|한|오|서|신|권|황|안|송|전|홍|유|고|문|양|손|배|백|허|남|심|노|하|곽|성|차|"
    "주|우|구|민|류|나|진|지|엄|채|원|천|방|공|현|함|변|염|여|추|도|소|석|선|설|마|길|연|위|표|명|기|반|라|왕|"
    "금|옥|육|인|맹|제|모|탁|국|어|은|편|용|예|경|봉|사|부|황"
)
# Words that look like surname + syllables but are roles or common nouns before 님/씨.
_NOT_NAMES = frozenset(
    "사장 사모 이모 이모부 기사 선생 선배 고객 원장 주인 장모 감독 박사 하느 여사 고수 조리사 도우미 대표 회원 "
    "직원 점장 실장 팀장 부장 과장 차장 소장 국장 반장 회장 총무 주방장 주방 신랑 신부 남편 오빠 임금 공주 왕자 "
    "도련 서방 유튜버 마음 정성 모두 우리 여러분 고객분 사장님 알바 알바생 배달원 배송기사 기사분 전문가 강사 "
    "교수 목사 스님 수녀 의사 간호사 약사 변호사 세무사 작가 문의 안내 구매 주문 예약 손님 진짜 정말 "
    "방문 사용 이용 연락처 연락 전화 전화번호 번호 휴대폰 문의처 상담 예약처 부모 어머 아버 할머 할아 형수 제수 동서 처형 처제 매형 매제 자제 지인 친구".split()
)
_TITLE_CELL = r"(?:\s*(?:\([^()]{0,20}\)|\[[^\[\]]{0,20}\]|고객님|회원님|사장님|대표님|선생님|고객|회원|손님|귀하|님|씨))"
_NAME_CELL = re.compile(
    rf"^(?P<name>(?:{_SURNAMES})[가-힣]{{1,3}}?|(?:{_SURNAMES}) [가-힣]{{1,3}}?)(?P<title>{_TITLE_CELL}*)$"
)
_ANY_HANGUL_NAME = re.compile(rf"^(?P<name>[가-힣]{{2,5}}?|[가-힣]{{1,2}} [가-힣]{{1,3}}?)(?P<title>{_TITLE_CELL}*)$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*){1,3}$")
_TEXT_NAME = re.compile(
    rf"(?<![가-힣])(?P<name>(?:{_SURNAMES})[가-힣]{{1,2}})(?P<title>\s?(?:고객님|회원님|님)|씨(?![가-힣]{{2}}))"
)
_FULL_NAME = rf"(?P<name>(?:{_SURNAMES})[가-힣]{{2}})"
_PARTICLE = r"(?:님|씨|고객님|이고|이며|이요|입니다|으로|로|이|가|은|는|을|를|께|에게)?"
_NEAR_PHONE_NAME = re.compile(rf"(?<![가-힣]){_FULL_NAME}{_PARTICLE}(?![가-힣])")
_NAME_BEFORE_PHONE = re.compile(rf"(?<![가-힣]){_FULL_NAME}(?:님|씨)?[\s,/:()]{{0,3}}$")


@dataclass(frozen=True)
class Found:
    """One piece of personal data in a text: its kind, where it is, and its masked form."""

    kind: str  # rrn | card | email | phone | name
    start: int
    end: int
    value: str
    masked: str


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by every payment card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# ----------------------------------------------------------------------------------------- maskers
def _mask_rrn(m: re.Match) -> str:
    return f"{m['birth']}-*******"


def _mask_card(raw: str) -> str:
    digits = sum(ch.isdigit() for ch in raw)
    seen = 0
    out = []
    for ch in raw:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 4 else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_email(m: re.Match) -> str:
    return f"{m['local'][0]}***@{m['domain']}"


def _mask_phone_match(m: re.Match) -> str:
    head = m["dh"] or "0" + m["ih"]
    return f"{head}-{'*' * len(m['mid'])}-{m['tail']}"


def mask_phone(value: str) -> str:
    """``010-1234-5678`` / ``01012345678`` / ``+82 10-1234-5678`` → ``010-****-5678``; landlines keep the
    area code (``02-123-4567`` → ``02-***-4567``).  Text without a phone number is returned unchanged."""
    m = _PHONE.search(value)
    return value if not m else value[: m.start()] + _mask_phone_match(m) + value[m.end():]


def _mask_syllables(name: str) -> str:
    """김민수 → 김*수, 김수 → 김*, 남궁민수 → 남**수; spaces stay where they were (김 민수 → 김 *수)."""
    letters = [ch for ch in name if not ch.isspace()]
    n = len(letters)
    if n <= 1:
        return name
    keep = {0} if n == 2 else {0, n - 1}
    out, i = [], 0
    for ch in name:
        if ch.isspace():
            out.append(ch)
            continue
        out.append(ch if i in keep else "*")
        i += 1
    return "".join(out)


def _mask_latin(value: str) -> str:
    words = []
    for w in value.split():
        words.append(w if len(w) <= 1 else w[0] + "*" * max(1, len(w) - 2) + (w[-1] if len(w) > 2 else ""))
    return " ".join(words)


def mask_name(value: str) -> str:
    """A person's name (a cell that holds a name, a nickname or an author): Korean names keep the first and
    last syllable (김민수 → 김*수, 김 민수 → 김 *수), titles stay (홍길동(VIP) → 홍*동(VIP), 김철수 님 →
    김*수 님); other words keep their first and last letter (John Kim → J**n K*m)."""
    v = value.strip()
    m = _ANY_HANGUL_NAME.match(v)
    if m:
        return _mask_syllables(m["name"]) + m["title"]
    return _mask_latin(v)


# ----------------------------------------------------------------------------------------- finding
def _structured(text: str) -> list[Found]:
    found: list[Found] = []

    def free(a: int, b: int) -> bool:
        return all(b <= f.start or a >= f.end for f in found)

    for m in _RRN.finditer(text):
        found.append(Found("rrn", m.start(), m.end(), m.group(0), _mask_rrn(m)))
    for a, b in _card_spans(text):
        if free(a, b):
            found.append(Found("card", a, b, text[a:b], _mask_card(text[a:b])))
    for m in _EMAIL.finditer(text):
        if free(m.start(), m.end()):
            found.append(Found("email", m.start(), m.end(), m.group(0), _mask_email(m)))
    for m in _PHONE.finditer(text):
        if free(m.start(), m.end()):
            found.append(Found("phone", m.start(), m.end(), m.group(0), _mask_phone_match(m)))
    return sorted(found, key=lambda f: f.start)


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Spans of whole digit groups (``4111 1111 1111 1111``, ``4111111111111111``) holding 13–19 digits that
    pass the Luhn check; a run of several numbers is tried group by group, longest first."""
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\d+", run.group(0))]
        i = 0
        while i < len(groups):
            for j in range(len(groups) - 1, i - 1, -1):
                a, b = groups[i][0], groups[j][1]
                digits = re.sub(r"\D", "", text[a:b])
                if 13 <= len(digits) <= 19 and luhn_ok(digits):
                    spans.append((a, b))
                    i = j
                    break
            i += 1
    return spans


def _is_role_word(name: str) -> bool:
    """Role words (사장, 이모 …) and verb forms (주세요, 했다) that a surname-led pattern would catch."""
    return name in _NOT_NAMES or name[:2] in _NOT_NAMES or name[:3] in _NOT_NAMES or name[-1] in "요다죠까면며네"


def find_personal(text: str) -> list[Found]:
    """Every piece of personal data in free ``text`` (see the module table), in order, not overlapping."""
    found = _structured(text)

    def free(a: int, b: int) -> bool:
        return all(b <= f.start or a >= f.end for f in found)

    for m in _TEXT_NAME.finditer(text):
        name = m["name"]
        if m["title"] == "씨" and len(name) < 3:  # 마음씨, 솜씨: only a full name before 씨
            continue
        if _is_role_word(name) or not free(m.start("name"), m.end("name")):
            continue
        found.append(Found("name", m.start("name"), m.end("name"), name, _mask_syllables(name)))
    # A full name (surname + two syllables) right before or after a phone number, as in a contact cell
    # pasted into a review: "010-9999-0000 김철수", "김철수 010-9999-0000".
    for phone in [f for f in found if f.kind == "phone"]:
        after = _NEAR_PHONE_NAME.match(text, _skip_joiners(text, phone.end))
        if after and not _is_role_word(after["name"]) and free(after.start(), after.end("name")):
            found.append(Found("name", after.start(), after.end("name"), after["name"], _mask_syllables(after["name"])))
        before = _NAME_BEFORE_PHONE.search(text[: phone.start])
        if before and not _is_role_word(before["name"]) and free(before.start("name"), before.end("name")):
            found.append(Found("name", before.start("name"), before.end("name"), before["name"],
                               _mask_syllables(before["name"])))
    return sorted(found, key=lambda f: f.start)


def _skip_joiners(text: str, i: int) -> int:
    while i < len(text) and text[i] in " ,/:()":
        i += 1
    return i


def _apply(text: str, found: list[Found]) -> str:
    out, pos = [], 0
    for f in found:
        out.append(text[pos: f.start])
        out.append(f.masked)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str) -> str:
    """Mask every piece of personal data found in free ``text`` (review bodies, notes)."""
    return _apply(text, find_personal(text))


def is_phone(value: str) -> bool:
    """True when the whole of ``value`` is one phone number."""
    m = _PHONE.fullmatch(value.strip())
    return m is not None


def mask_identifier(value: str) -> str:
    """Mask a cell that identifies a person (a customer column): phone → 010-****-1234, name → 김*수 (with a
    space or a title kept), e-mail, card and 주민등록번호 masked, several in one cell each masked
    (``010-9999-0000 김철수`` → ``010-****-0000 김*수``); anything else (member numbers like C-0012, values
    already masked) unchanged."""
    v = value.strip()
    if not v or "*" in v:
        return v
    found = _structured(v)
    if not found:
        m = _ANY_HANGUL_NAME.match(v)  # in an identifier column any Korean word of 2–5 syllables is a name
        if m:
            return _mask_syllables(m["name"]) + m["title"]
        if _LATIN_NAME.match(v):
            return _mask_latin(v)
        return v
    # Whatever is left between the numbers is masked when it looks like a name.
    out, pos = [], 0
    for f in [*found, Found("end", len(v), len(v), "", "")]:
        out.append(_mask_name_segment(v[pos: f.start]))
        out.append(f.masked)
        pos = f.end
    return "".join(out)


def mask_person(value: str) -> str:
    """Mask a cell that names its author (a review's 작성자): numbers and e-mails as in
    :func:`mask_identifier`, and any other word as a name (nicknames too: 맛집헌터 → 맛**터)."""
    v = value.strip()
    if not v or "*" in v:
        return v
    return mask_identifier(v) if _structured(v) else mask_name(v)


def _mask_name_segment(segment: str) -> str:
    core = segment.strip(" ,/:()")
    if not core:
        return segment
    m = _NAME_CELL.match(core) or _ANY_HANGUL_NAME.match(core)
    if m:
        masked = _mask_syllables(m["name"]) + m["title"]
    elif _LATIN_NAME.match(core) or re.fullmatch(r"[A-Za-z]{2,}", core):
        masked = _mask_latin(core)
    else:
        return segment
    i = segment.index(core)
    return segment[:i] + masked + segment[i + len(core):]


def normalise_phone(value: str) -> str | None:
    """The digits of a phone number in domestic form (``+82 10-1234-5678`` → ``01012345678``), or None."""
    m = _PHONE.fullmatch(value.strip())
    if not m:
        return None
    head = m["dh"] or "0" + m["ih"]
    return head + m["mid"] + m["tail"]
