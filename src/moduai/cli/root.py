"""The ``moduai`` Typer application: thin commands that call domain functions and render their results.

Every command takes ``--json`` and then prints exactly one JSON document on stdout.  Errors of the
platform's vocabulary (:mod:`moduai.errors`) are caught in one place (:class:`_ModuaiGroup`): the Korean
message goes to stderr (as JSON when ``--json`` was given) with the error's exit code, never a traceback.
"""

from __future__ import annotations

import typer

from moduai.cli import assistant, regions, system
from moduai.cli.output import ModuaiGroup

app = typer.Typer(
    cls=ModuaiGroup,
    help="모두의 AI 지역 플랫폼 — 상권 분석 · 지역균형 · 지원사업 매칭 · 마케팅 (moduai)",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

regions.register(app)
assistant.register(app)
system.register(app)
# The command groups: imported only when named (see ModuaiGroup), in the order ``--help`` lists them.
ModuaiGroup.lazy_groups = {
    "data": ("moduai.cli.data", "app", "데이터셋 카탈로그 (출처·라이선스·연도·범위)"),
    "commerce": ("moduai.cli.commerce", "app", "상권 분석: 가져오기, 보고서, 입지 추천"),
    "balance": ("moduai.cli.balance", "app", "지역균형 지표, 격차, 종합지수"),
    "programs": ("moduai.cli.programs", "app", "지원사업 매칭과 검색"),
    "marketing": ("moduai.cli.marketing", "app", "소상공인 마케팅: 문구, 달력, 리뷰, 고객"),
    "talent": ("moduai.cli.talent", "app", "AI 인재: 훈련 성과, 권역 상한·하한 매칭, 지역 잔류"),
    "grants": ("moduai.cli.grants", "app", "자율형 포괄보조: 배분 모의실험, 비교, 사업 조합"),
    "impact": ("moduai.cli.impact", "app", "성과 추적: 지원 집중도, 이중차분 효과, 생존"),
    "fieldai": ("moduai.cli.fieldai", "app", "현장 AI: 센서 기록 점검, 이상 탐지, 예측, 경보"),
    "hubs": ("moduai.cli.hubs", "app", "지역 AI 거점센터: 기관·기수·성과 기록과 KPI"),
    "users": ("moduai.cli.users", "app", "계정과 역할, 내보내기·삭제, 감사 기록"),
    "keys": ("moduai.cli.users", "keys_app", "세션 키와 고객 식별자 키 바꾸기"),
}
