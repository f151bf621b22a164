"""마케팅 자동화 for 소상공인: copy, a content calendar, reviews and customers — all offline by default.

Modules (each a typed domain function; the CLI ``moduai marketing …`` and the pages under ``/marketing``
only parse input and render):

- :mod:`~moduai.marketing.copy`: 플레이스 소개글, SNS, 전단, 이벤트 공지 from a :class:`~moduai.marketing.profile.ShopProfile`
  (+ 상권 facts from ``moduai.commerce`` when available), with length limits and banned-claim checks.
- :mod:`~moduai.marketing.calendar`: 12 months of post ideas (공휴일 by law, 복날, 수능, commercial days), ICS.
- :mod:`~moduai.marketing.reviews`: sentiment, aspects, monthly trends, attention flags, reply drafts.
- :mod:`~moduai.marketing.customers`: RFM 1–3 scores, segments, coupon actions, 재방문율;
  :mod:`~moduai.marketing.abtest`: two-proportion z-test with a plain-Korean verdict.
- :mod:`~moduai.marketing.store`: imports persisted per shop, all-or-nothing, personal data masked.

Rules, templates and lexicons are data in ``marketing/data/*.yaml``.
"""
