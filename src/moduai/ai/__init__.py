"""Shared AI plumbing: one LLM interface (HTTP or offline), Korean NLP utilities, a sentiment model."""

from moduai.ai.llm import LLMResult, OfflineDraft, generate

__all__ = ["LLMResult", "OfflineDraft", "generate"]
