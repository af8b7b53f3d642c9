"""What every tab of the app shares: the title, the as-of date parser, limits and the generic error."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from assistant.errors import InputError

TITLE = "政策问答助手"
#: Events of one kind run at most this many at a time (2 cores; the model and index are shared).
CONCURRENCY = int(os.environ.get("POLICY_QA_UI_CONCURRENCY") or 4)
GENERIC_ERROR = "抱歉，系统暂时无法处理这个问题，请稍后再试或换个说法。"


def parse_as_of(value: Any) -> date:
    """The as-of date from a date input ("2025-06-01", "2025-06-01 00:00:00", a timestamp or empty)."""
    if value in (None, ""):
        return date.today()
    if isinstance(value, int | float):
        return date.fromtimestamp(value)
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"测算日期“{value}”无法识别，请按 2025-06-01 的格式填写。") from None
