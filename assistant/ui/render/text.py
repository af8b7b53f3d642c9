"""Text into HTML: :func:`esc` for every value put into a page, :func:`esc_lines` keeping line breaks,
:func:`yuan` for amounts, and ``_get``, which reads a field of a reply, citation or step whether it is an object
or a mapping. Part of :mod:`assistant.ui.render`, which re-exports the public names.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from assistant.rules.money import format_yuan


def esc(text: Any) -> str:
    """HTML-escape any value (quotes too): user text shows as typed and never runs."""
    return html.escape("" if text is None else str(text), quote=True)


def esc_lines(text: Any) -> str:
    """Escape, then keep line breaks."""
    return esc(text).replace("\n", "<br>")


def yuan(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "—"
    try:
        return format_yuan(int(value))
    except (TypeError, ValueError):
        return esc(value)


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)
