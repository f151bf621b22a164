"""Shared AI plumbing: one LLM interface (HTTP or offline), Korean NLP utilities, a sentiment model.

Kiwi and the sentiment model load lazily on first use, so importing this package is cheap.
"""

from moduai.ai.korean import (
    fill_template,
    get_kiwi,
    has_batchim,
    keywords,
    nouns,
    particle_for,
    split_sentences,
    tokenize,
)
from moduai.ai.llm import LLMResult, OfflineDraft, backend_status, generate
from moduai.ai.sentiment import positive_probability

__all__ = [
    "LLMResult", "OfflineDraft", "backend_status", "fill_template", "generate", "get_kiwi", "has_batchim",
    "keywords", "nouns", "particle_for", "positive_probability", "split_sentences", "tokenize",
]
