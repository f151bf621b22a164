"""Home page: what the platform offers, by module."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request

from moduai import __version__
from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class ModuleCard:
    href: str
    title: str
    who: str
    what: str
    status: str = "사용 가능"


@dataclass
class HomeContext:
    version: str
    modules: list[ModuleCard] = field(default_factory=list)


MODULES = [
    ModuleCard("/commerce", "상권 분석", "소상공인 · 청년 창업자",
               "어디에 열지, 내 상권은 어떤지: 반경 업종 구성, 과밀도, 허프 모델, 빈 업종, 입지 순위"),
    ModuleCard("/balance", "지역균형 모니터", "지자체 기획 담당자",
               "시군구·시도·5극3특 지표, 지니·타일 격차 분해, 종합 균형지수와 가중치 시나리오"),
    ModuleCard("/programs", "지원사업 매칭", "창업자 · 소상공인 · 농가 · 공장",
               "내 조건으로 받을 수 있는 지원사업과 그 이유, 마감 달력"),
    ModuleCard("/marketing", "마케팅 자동화", "가게 사장님",
               "소개글·SNS 문구, 1년 콘텐츠 달력, 리뷰 분석과 답글, 고객 RFM"),
    ModuleCard("/regions", "지역 찾기", "모든 사용자",
               "시도·시군구·읍면동 코드와 경계, 5극3특 권역, 주요 통계"),
    ModuleCard("/data", "데이터 출처", "모든 사용자",
               "화면의 모든 숫자가 어디서 왔는지: 출처, 라이선스, 연도, 범위"),
]


@router.get("/", include_in_schema=False)
def home(request: Request):
    """홈."""
    return render_page(request, "home.html", HomeContext(__version__, MODULES), title="모두의 AI 지역 플랫폼")
