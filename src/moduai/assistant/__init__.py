"""모두의 AI 도우미: a Korean question → the platform's own tools → an answer with the tools' numbers.

Public API::

    ask(question, conversation=None, router=None) -> Answer
    OfflineRouter / LLMRouter / KeywordRouter      route a question to (tool, arguments)
    load_tools()                                   the tool descriptions (tools.yaml)

The names are loaded on first use (PEP 562): ``from moduai.assistant import Answer`` reads the dataclasses
only (:mod:`moduai.assistant.results`), while ``ask`` and the routers bring in the tools and, through them,
every domain (pandas, shapely, scipy …) — the web app starts without them.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "Answer": "results", "Conversation": "results", "ToolCall": "results",
    "KeywordRouter": "router", "LLMRouter": "router", "OfflineRouter": "router",
    "ask": "service", "load_tools": "tools", "run_tool": "tools",
}

__all__ = ["Answer", "Conversation", "KeywordRouter", "LLMRouter", "OfflineRouter", "ask", "load_tools", "run_tool"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"moduai.assistant.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
