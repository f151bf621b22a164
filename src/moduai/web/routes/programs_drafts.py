"""Operator pages: draft rules read from an imported announcement — review the spans, confirm or edit."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from moduai.accounts.deps import require_operator
from moduai.accounts.schemas import UserPublic
from moduai.errors import InputError
from moduai.programs import service
from moduai.web.errors import page_message
from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class DraftPageContext:
    user: UserPublic
    review: service.DraftReview
    rules_yaml: str
    error: str | None = None
    error_lead: str = "저장하지 않았습니다"  # what was not done: the rules were not saved, or the draft not rejected


@router.get("/programs/admin/{slug}/drafts", include_in_schema=False)
def admin_drafts(request: Request, slug: str, user: UserPublic = Depends(require_operator)):
    """운영자: 공고문에서 읽은 초안 조건 (근거 문구와 신뢰도) 확인."""
    review = service.draft_review(slug, author=user.email)
    return render_page(request, "programs/admin_drafts.html", DraftPageContext(user, review, review.proposed_yaml),
                       title="초안 조건 확인")


@router.post("/programs/admin/{slug}/drafts", include_in_schema=False)
def admin_confirm_drafts(request: Request, slug: str, rules_yaml: str = Form(""),
                         user: UserPublic = Depends(require_operator)):
    """운영자: 초안 조건을 확인(또는 고쳐서) 확정 규칙으로 저장 — 새 규칙 버전."""
    try:
        program = service.confirm_draft_rules(slug, rules_yaml, author=user.email)
    except InputError as exc:
        review = service.draft_review(slug, author=user.email)
        return render_page(request, "programs/admin_drafts.html", DraftPageContext(user, review, rules_yaml, page_message(exc.message)),
                           title="초안 조건 확인", status_code=422)
    return RedirectResponse(f"/programs/admin?message=확정 규칙을 저장했습니다: {program.slug}", status_code=303)


@router.post("/programs/admin/{slug}/drafts/reject", include_in_schema=False)
def admin_reject_draft(request: Request, slug: str, criterion_id: str = Form(""), reason: str = Form(""),
                       user: UserPublic = Depends(require_operator)):
    """운영자: 잘못 읽은 초안 조건을 거절 (누가·언제·왜) — 같은 공고문에는 다시 제안하지 않음."""
    try:
        service.reject_draft(slug, criterion_id, reason, author=user.email)
    except InputError as exc:
        review = service.draft_review(slug, author=user.email)
        return render_page(request, "programs/admin_drafts.html",
                           DraftPageContext(user, review, review.proposed_yaml, page_message(exc.message),
                                            "거절하지 않았습니다"),
                           title="초안 조건 확인", status_code=422)
    return RedirectResponse(f"/programs/admin/{slug}/drafts#rejections", status_code=303)
