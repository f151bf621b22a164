"""업종 words → KSIC codes through the commerce taxonomy (one mapping for the platform).

The commerce domain owns the 업종 vocabulary: :func:`moduai.commerce.taxonomy.resolve_category` turns
'카페', '커피', '치킨', '미용실' … into a 2023 상권업종 code, and the real 상가(상권)정보 rows pair every
소분류 with its 표준산업분류 (KSIC) code (:func:`moduai.commerce.generator.calibration`).  Programs only
call those two; a word commerce does not know stays without a code (the industry criterion then answers
"확인 필요" and names the field to fill).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from moduai.commerce import generator, taxonomy
from moduai.errors import InputError
from moduai.programs.profile import Profile


@dataclass(frozen=True)
class IndustryCode:
    """How an 업종 word was understood: the KSIC code (or section letter) and the path taken."""

    word: str
    ksic_code: str  # '56221', or a KSIC section letter ('I') when the word names a 대/중분류
    ksic_name: str | None
    category_code: str  # 2023 상권업종 code
    category_label: str

    @property
    def explanation(self) -> str:
        named = f" {self.ksic_name}" if self.ksic_name else ""
        return (f"업종 '{self.word}' → 상권업종 {self.category_label}({self.category_code}) → "
                f"KSIC {self.ksic_code}{named}")


def ksic_for_industry(word: str) -> IndustryCode | None:
    """The KSIC code of an 업종 word via the commerce taxonomy; None when commerce does not know the word."""
    try:
        category = taxonomy.resolve_category(word)
    except InputError:
        return None
    pair = generator.calibration().ksic.get(category.minor_code or "")
    if pair:
        code, name = pair
        digits = code[1:] if code[:1].isalpha() else code
        return IndustryCode(word, digits, name, category.code, category.label)
    # A 대/중분류 word ('음식점'): its 대분류 letter is the KSIC section.
    return IndustryCode(word, category.major_code[:1], None, category.code, category.label)


def with_industry_code(profile: Profile) -> Profile:
    """``profile`` with ``ksic_code`` filled from its 업종 word when only the word was given."""
    if profile.ksic_code or not profile.industry:
        return profile
    found = ksic_for_industry(profile.industry)
    if found is None:
        return profile
    return dataclasses.replace(profile, ksic_code=found.ksic_code, ksic_from=found.explanation)
