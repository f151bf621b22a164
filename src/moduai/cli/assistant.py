"""`moduai ask` (thin: parse, call the assistant, render)."""

from __future__ import annotations

import typer

from moduai.cli.output import JSON_OPTION, console, emit


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_cmd(question: str = typer.Argument(None, help="한국어 질문 (없으면 대화 모드)"),
                as_json: bool = JSON_OPTION) -> None:
        """모두의 AI 도우미: 질문하면 플랫폼의 도구로 계산해 출처와 함께 답합니다."""
        from moduai.assistant import Conversation, ask

        conv = Conversation()
        if question:
            emit(ask(question, conv), as_json, _render)
            return
        console.print("질문을 입력하세요 (끝내려면 빈 줄).")
        while True:
            try:
                q = input("> ").strip()
            except EOFError:
                break
            if not q:
                break
            emit(ask(q, conv), as_json, _render)


def _render(a) -> None:
    console.print(a.text)
    for c in a.calls:
        console.print(f"[dim]도구: {c.label} {c.arguments} · 자세히 보기: {c.link} · 출처: {', '.join(c.sources)}[/]")
    if a.note:
        console.print(f"[dim]{a.note}[/]")
