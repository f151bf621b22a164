"""Assistant API document (`POST /api/v1/ask`), derived from :class:`moduai.assistant.Answer` (``moduai ask --json``)."""

from __future__ import annotations

from moduai.assistant.results import Answer
from moduai.web.schemas.derive import public_model

AnswerPublic = public_model(Answer)
