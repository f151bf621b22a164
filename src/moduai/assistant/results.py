"""What the assistant answers with, and what a conversation carries: plain dataclasses with no import of the
tools, so the web app's response models and type hints can name them without loading every domain."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Answer", "Conversation", "ToolCall"]


@dataclass
class Conversation:
    """What a follow-up may reuse: the last tool and its arguments."""

    last_tool: str | None = None
    last_arguments: dict = field(default_factory=dict)
    pending_tool: str | None = None  # the tool of a clarifying question still open


@dataclass
class ToolCall:
    name: str
    label: str
    arguments: dict
    link: str
    sources: list[str]


@dataclass
class Answer:
    question: str
    kind: str  # 'answer' | 'clarify' | 'error'
    text: str
    calls: list[ToolCall]
    router: str
    note: str | None = None
    candidates: list[str] = field(default_factory=list)
    unfaithful_numbers: list[str] = field(default_factory=list)
