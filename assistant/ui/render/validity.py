"""A policy's validity on the as-of date: the small tag (有效 / 已过期 / 未生效) and the header's status line.
Part of :mod:`assistant.ui.render`, which re-exports them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.corpus.dates import cn_date
from assistant.corpus.validity import validity_status
from assistant.ui.render.text import esc


def validity_tag(in_force: bool | None, meta: Any = None, as_of: date | None = None) -> str:
    """A small tag: 有效 / 已过期 / 未生效 (the last two need the policy's dates to tell apart)."""
    if in_force is None:
        return ""
    if in_force:
        return '<span class="pqa-tag pqa-tag-ok">有效</span>'
    text = "不在有效期"
    if meta is not None and as_of is not None:
        text = {"expired": "已过期", "not_yet": "未生效"}.get(validity_status(meta, as_of), text)
    return f'<span class="pqa-tag pqa-tag-off">{text}</span>'


def policy_status(meta: Any, as_of: date) -> str:
    """'《…》 有效 · 有效期至 2025年12月31日' for the header."""
    until = f"有效期至{cn_date(meta.valid_until)}" if meta.valid_until else "长期有效"
    return (f'<span class="pqa-policy"><span class="pqa-policy-name">《{esc(meta.name)}》</span>'
            f'{validity_tag(meta.in_force(as_of), meta, as_of)}<span class="pqa-muted">{until}</span></span>')
