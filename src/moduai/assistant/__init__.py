"""모두의 AI 도우미: a Korean question → the platform's own tools → an answer with the tools' numbers.

Public API::

    ask(question, conversation=None, router=None) -> Answer
    OfflineRouter / LLMRouter / KeywordRouter      route a question to (tool, arguments)
    load_tools()                                   the tool descriptions (tools.yaml)
"""

from moduai.assistant.router import KeywordRouter, LLMRouter, OfflineRouter
from moduai.assistant.service import Answer, Conversation, ask
from moduai.assistant.tools import load_tools, run_tool

__all__ = ["Answer", "Conversation", "KeywordRouter", "LLMRouter", "OfflineRouter", "ask", "load_tools", "run_tool"]
