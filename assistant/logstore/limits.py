"""What the log accepts and keeps: the feedback reasons a user can give, the longest comment, and the longest
question or answer stored (longer text is cut with a marker, :func:`cap_text`).

Part of :mod:`assistant.logstore`, which re-exports every public name here.
"""

from __future__ import annotations

#: Reasons a user can give with 没用 (or 有用, rarely); the 记录 tab filters by them.
REASONS: tuple[str, ...] = ("金额错误", "条款引用错误", "政策已过期", "没有回答问题", "其他")

#: Longest free-text feedback comment kept, in characters.
MAX_COMMENT_CHARS = 2000

#: Longest question or answer stored, in characters; longer text is cut and marked (see :func:`cap_text`).
MAX_LOGGED_CHARS = 4000


def cap_text(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """``text`` itself when it is at most ``limit`` characters, else its start and a marker saying so."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…［已截断：原文共 {len(text)} 字，只记录前 {limit} 字］"
