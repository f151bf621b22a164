"""moduai — 모두의 AI 지역 플랫폼.

Domains live in their own sub-packages (``regions``, ``data``, ``commerce``, ``balance``, ``programs``,
``marketing``); ``web`` and ``cli`` are thin adapters over them.
"""

__version__ = "0.1.0"
