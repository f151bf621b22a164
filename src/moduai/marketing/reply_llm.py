"""Optional: let the configured language model rewrite reply drafts, most urgent reviews first.

The offline template reply is both the starting point given to the model and the fallback.  At most
``limit`` reviews are sent (flagged → negative → mixed → positive, newest first within each); a server
that fails once is not asked again in the same call, and every affected reply says so.
"""

from __future__ import annotations

from dataclasses import replace

from moduai.ai.llm import LLMResult, OfflineDraft, configured_backend, generate
from moduai.errors import InputError
from moduai.marketing.reviews import ReviewAnalysis, ReviewInsight

LLM_REPLY_LIMIT = 30
_PRIORITY = {"negative": 1, "mixed": 2, "positive": 3}

SYSTEM = (
    "당신은 한국 소상공인 가게의 사장님을 대신해 손님 리뷰에 답글 초안을 씁니다. 말투: {tone}. "
    "3문장 이내로, 리뷰에 나온 내용에만 답하세요. 환불 금액·보상 같은 약속이나 사실이 아닌 말은 쓰지 말고, "
    "건강·위생 문제에는 사과하고 매장으로 연락을 부탁하세요. 답글만 출력하세요."
)


def _order(insights: list[ReviewInsight]) -> list[int]:
    return sorted(range(len(insights)), key=lambda i: (
        0 if insights[i].flags else _PRIORITY.get(insights[i].sentiment, 4), -insights[i].date.toordinal()))


def polish_replies_with_llm(analysis: ReviewAnalysis, *, shop: str, limit: int = LLM_REPLY_LIMIT) -> ReviewAnalysis:
    """A copy of ``analysis`` whose most urgent ``limit`` replies were rewritten by the configured model.

    Raises :class:`InputError` when no model server is configured (the offline drafts are already there).
    """
    if configured_backend() is None:
        raise InputError("언어 모델 서버가 설정되지 않았습니다(MODUAI_LLM_BASE_URL). 답글은 오프라인 초안으로 이미 만들어져 있습니다.",
                         field="llm")
    if not 1 <= limit <= 200:
        raise InputError(f"'limit' 값은 1~200이어야 합니다. 받은 값: {limit}.", field="limit")
    reviews = list(analysis.reviews)
    failure: str | None = None
    for i in _order(reviews)[:limit]:
        r = reviews[i]
        if not r.reply:  # no shop name: no draft to polish (see reviews.shop_for_replies)
            continue
        draft = OfflineDraft((r.reply.replace("{", "(").replace("}", ")"),), {})
        if failure is None:
            messages = [
                {"role": "system", "content": SYSTEM.format(tone=analysis.tone)},
                {"role": "user", "content": (
                    f"가게: {shop}\n별점: {r.rating if r.rating is not None else '없음'}\n리뷰: {r.text}\n"
                    f"감성: {r.sentiment_ko}\n측면: {', '.join(f'{a.aspect}({a.polarity})' for a in r.aspects) or '없음'}\n"
                    f"주의: {', '.join(f.flag for f in r.flags) or '없음'}\n참고 초안: {r.reply}")},
            ]
            res = generate(messages, offline=draft, temperature=0.5, max_tokens=300)
            if res.fell_back:
                failure = res.reason
        else:
            res = LLMResult(text=draft.render(), backend="offline", fell_back=True, reason=failure)
        reviews[i] = replace(r, reply=res.text, reply_backend=res.backend, reply_note=res.reason if res.fell_back else None)
    attention = sorted((x for x in reviews if x.flags), key=lambda x: (x.flags[0].priority, x.date))
    return replace(analysis, reviews=reviews, attention=attention)
