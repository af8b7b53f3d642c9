"""Small whole numbers as people write them in counts and places ("3", "三", "两", "俩", "上百" → 百 → 100).

Amounts of money are read in :mod:`assistant.rules.money`; this is for counts of things ("服务上百家企业",
"这三样", "第二场"). A numeral that is not a number (a lone 百 of "上百家" is one hundred; anything cn2an cannot
read) never raises: the reader gets ``None`` and treats the count as not said.
"""

from __future__ import annotations

import cn2an

_SPOKEN = str.maketrans({"两": "二", "俩": "二", "〇": "零"})


def small_int(numeral: str) -> int | None:
    """``numeral`` (Arabic or Chinese digits) as an int, or ``None`` when it is not a number."""
    text = numeral.strip().translate(_SPOKEN)
    if text.isdigit():
        return int(text)
    if text[:1] in ("百", "千"):
        text = "一" + text  # "上百家", "千把个": a bare 百/千 is one of it
    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError):
        return None
    return int(value) if float(value).is_integer() else None
