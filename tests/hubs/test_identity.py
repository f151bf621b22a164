"""사업자등록번호 check digits on real published numbers (computed by hand), keyed person identity, masking."""

from __future__ import annotations

import pytest

from moduai.errors import InputError
from moduai.hubs import identity as ID


# Hand computation, weights 1,3,7,1,3,7,1,3,5 then + ⌊9th digit × 5 / 10⌋, check = (10 − sum mod 10) mod 10:
# 삼성전자 124-81-00998: 1+6+28+8+3+0+0+27+45 = 118, +⌊45/10⌋=4 → 122 → 8 ✓
# 네이버   220-81-62517: 2+6+0+8+3+42+2+15+5 = 83, +⌊5/10⌋=0 → 83 → 7 ✓
# 카카오   120-81-47521: 1+6+0+8+3+28+7+15+10 = 78, +⌊10/10⌋=1 → 79 → 1 ✓
@pytest.mark.parametrize("number, check", [("124-81-00998", 8), ("220-81-62517", 7), ("120-81-47521", 1)])
def test_brn_check_digit_on_published_numbers(number, check):
    digits = number.replace("-", "")
    assert ID.brn_check_digit(digits[:9]) == check
    assert ID.normalise_brn(number) == digits
    assert ID.format_brn(digits) == number


@pytest.mark.parametrize("bad", ["124-81-00997", "220-81-62518", "12481009", "12a8100998"])
def test_brn_wrong_check_digit_or_shape_is_refused(bad):
    with pytest.raises(InputError) as e:
        ID.normalise_brn(bad)
    assert e.value.field == "brn"


def test_prospective_founders_have_no_number():
    assert ID.normalise_brn("") is None and ID.normalise_brn(None) is None


def test_person_key_normalises_spacing_and_phone_forms():
    k = b"x" * 40
    a = ID.person_key("김 민수", "1990-01-02", "010-1234-5678", key=k)
    b = ID.person_key("김민수", "1990-01-02", "+82 10 1234 5678", key=k)
    c = ID.person_key("김민수", "1990-01-03", "01012345678", key=k)
    assert a == b != c and len(a) == 64
    assert ID.person_key("김민수", "1990-01-02", "01012345678", key=b"y" * 40) != a  # keyed, not a plain hash


def test_masks():
    assert ID.mask_person_name("김민수") == "김*수" and ID.mask_person_name("남궁민수") == "남**수"
    assert ID.mask_phone("010-1234-5678") == "010-****-5678"
