"""One LLM interface, two backends: an OpenAI-compatible server, or the offline Kiwi template generator.

``generate()`` always returns an :class:`LLMResult`.  With no ``MODUAI_LLM_BASE_URL`` the offline
generator runs.  When a server is configured but times out, answers with an HTTP error or sends a reply
that is not a chat completion, the call falls back to the offline generator and says so:
``fell_back=True`` and a Korean ``reason`` that pages show next to the text.

The HTTP backend speaks the chat-completions protocol (``POST {base_url}/chat/completions``) that vLLM,
Ollama (``/v1``), llama.cpp's server and OpenAI itself accept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from moduai.ai.korean import fill_template
from moduai.config import Settings, get_settings
from moduai.errors import DataUnavailable, failure_words, http_status_words

Message = dict[str, str]

SYSTEM_PROMPT = (
    "당신은 한국 소상공인의 마케팅 문구를 쓰는 카피라이터입니다. 과장·허위 표현(최고, 유일, 1등, 100%, 완치 등)을 "
    "쓰지 말고, 주어진 사실만 사용해 자연스러운 한국어로 답하세요. 설명 없이 문구만 출력하세요."
)


@dataclass(frozen=True)
class OfflineDraft:
    """What the offline generator fills: candidate templates (phrase-bank data) and their slot values.

    ``variant`` picks the template deterministically (``templates[variant % len(templates)]``), so the same
    input always gives the same text.
    """

    templates: tuple[str, ...]
    slots: dict[str, Any] = field(default_factory=dict)
    variant: int = 0

    def render(self) -> str:
        if not self.templates:
            raise DataUnavailable("오프라인 생성기에 쓸 문구 양식이 없습니다.", detail="empty template list")
        return fill_template(self.templates[self.variant % len(self.templates)], **self.slots)


@dataclass(frozen=True)
class LLMResult:
    """Generated text and where it came from.

    ``backend`` is ``"openai-compatible"`` or ``"offline"``; ``fell_back`` is True when a configured
    server failed and the offline text was used instead, with the Korean ``reason``.
    """

    text: str
    backend: str
    fell_back: bool = False
    reason: str | None = None
    model: str | None = None


class LLMBackendError(Exception):
    """The HTTP backend could not produce text; ``reason`` is Korean and shown to the user."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason = reason
        self.detail = detail


class OpenAICompatibleBackend:
    """Chat-completions client over httpx for vLLM, Ollama, llama.cpp or any compatible server."""

    name = "openai-compatible"

    def __init__(self, base_url: str, model: str | None, api_key: str | None, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model or "default"
        self.api_key = api_key
        self.timeout_s = timeout_s

    def complete(self, messages: list[Message], *, temperature: float = 0.7, max_tokens: int = 600) -> str:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        payload = {"model": self.model, "messages": messages, "temperature": temperature, "max_tokens": max_tokens}
        url = f"{self.base_url}/chat/completions"
        import httpx  # deferred: httpx (+ rich via its CLI) ≈ 0.1 s; only a configured LLM server needs it

        try:
            resp = httpx.post(url, json=payload, headers=headers, timeout=self.timeout_s)
        except httpx.TimeoutException as exc:
            raise LLMBackendError(f"언어 모델 서버가 {self.timeout_s:g}초 안에 답하지 않았습니다.", repr(exc)) from exc
        except httpx.HTTPError as exc:
            raise LLMBackendError(f"언어 모델 서버에 연결할 수 없습니다({failure_words(exc)}).", repr(exc)) from exc
        if resp.status_code >= 400:
            raise LLMBackendError(
                f"언어 모델 서버가 오류로 답했습니다({http_status_words(resp.status_code)}).", resp.text[:200]
            )
        try:
            body = resp.json()
            content = body["choices"][0]["message"]["content"]
        except (json.JSONDecodeError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMBackendError("언어 모델 서버의 응답 형식이 올바르지 않습니다.", resp.text[:200]) from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMBackendError("언어 모델 서버가 빈 답을 보냈습니다.", resp.text[:200])
        return content.strip()


def configured_backend(settings: Settings | None = None) -> OpenAICompatibleBackend | None:
    """The HTTP backend when ``MODUAI_LLM_BASE_URL`` is set, else None (offline)."""
    s = settings or get_settings()
    if not s.llm_base_url:
        return None
    return OpenAICompatibleBackend(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout_s)


def backend_status(settings: Settings | None = None) -> dict[str, Any]:
    """What will run, for pages and ``moduai system``: never includes the API key."""
    backend = configured_backend(settings)
    if backend is None:
        return {"backend": "offline", "label": "오프라인 문구 생성기 (형태소 분석기 키위 + 문구 양식)", "model": None}
    return {"backend": backend.name, "label": f"언어 모델 서버 ({backend.model})", "model": backend.model,
            "base_url": backend.base_url}


def generate(
    prompt: str | list[Message],
    *,
    offline: OfflineDraft | None = None,
    temperature: float = 0.7,
    max_tokens: int = 600,
    settings: Settings | None = None,
) -> LLMResult:
    """Generate text for ``prompt`` (a user prompt or a list of chat messages).

    Uses the configured OpenAI-compatible server if any; on timeout, HTTP error or malformed reply it
    falls back to ``offline`` (``fell_back=True`` with the Korean reason).  With no server configured the
    offline draft is rendered directly.  Raises :class:`DataUnavailable` when neither can answer.
    """
    messages = (
        [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}]
        if isinstance(prompt, str)
        else list(prompt)
    )
    backend = configured_backend(settings)
    if backend is not None:
        try:
            text = backend.complete(messages, temperature=temperature, max_tokens=max_tokens)
            return LLMResult(text=text, backend=backend.name, model=backend.model)
        except LLMBackendError as exc:
            if offline is None:
                raise DataUnavailable(exc.reason + " 오프라인 생성기로 대신할 양식도 없습니다.", detail=exc.detail) from exc
            return LLMResult(
                text=offline.render(), backend="offline", fell_back=True,
                reason=exc.reason + " 오프라인 문구 생성기로 대신 작성했습니다.",
            )
    if offline is None:
        raise DataUnavailable(
            "언어 모델 서버가 설정되지 않았고(MODUAI_LLM_BASE_URL), 이 요청에는 오프라인 양식이 없습니다.",
            detail="no LLM configured and no offline draft",
        )
    return LLMResult(text=offline.render(), backend="offline")
