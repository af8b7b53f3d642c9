"""User input hygiene: normalise a chat message and reject what cannot be answered.

Control characters are dropped, full-width letters and digits become ASCII (NFKC), traditional
characters become simplified (OpenCC), whitespace is collapsed. Empty, emoji-only and over-long messages get a clear Chinese message instead of an answer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.nlu.genre import load_genre
from assistant.nlu.pasted import flatten_paste

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

#: Without example questions from the loaded policies, what can be asked, in general words.
_GENERAL_EXAMPLE = "某项支持能补多少、企业能否申请、政策什么时候到期"


def _examples(examples: Sequence[str]) -> str:
    """The loaded policies' example questions (``examples.yaml``; those without figures), or general words."""
    plain = [e for e in examples if not re.search(r"\d", e)][:2]
    return "或".join(f"“{e}”" for e in plain) if plain else _GENERAL_EXAMPLE


def empty_message(examples: Sequence[str] = ()) -> str:
    return f"请输入您想咨询的问题，例如：{_examples(examples)}"


def no_text_message(examples: Sequence[str] = ()) -> str:
    return f"没有看懂您的问题。请用文字描述您想了解的内容，例如：{_examples(examples)}"


@dataclass(frozen=True)
class CheckedInput:
    """A normalised message, or the reason it cannot be answered (``problem`` is a Chinese sentence)."""

    text: str
    problem: str | None = None


def too_long_message(limit: int) -> str:
    return f"您的问题过长（超过{limit}字）。请只保留想咨询的问题和关键数字，例如项目投资金额、认定级别。"


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


#: Digits of one amount typed with stray spaces: a lone digit and the rest before 万 ("6 00万", "2 800万"), or
#: thousands grouped by spaces before 元 ("2 500 000 元") — not two amounts side by side ("投1200 市里补了200",
#: "审计分别80 150万").
_SPACED_DIGITS = re.compile(r"(?<![\d.])(?<!\d )\d (?:\d{2,3})(?=\s*(?:万|亿|w|W))|(?<![\d.])\d{1,3}(?: \d{3})+(?=\s*(?:元|块))")


def normalise(text: str) -> str:
    """NFKC, traditional → simplified characters, Taiwan / Hong Kong words → mainland words and common typing
    slips → the words meant (genre data), chat apps' emoticon codes → an emoji, no control characters, single
    spaces, no spaces inside an amount."""
    genre = load_genre()
    text = flatten_paste(_CONTROL.sub("", text or ""), genre.paste_words())  # a form or table: its lines as sentences
    text = genre.chat_codes.sub("🙂", unicodedata.normalize("NFKC", text))  # "[捂脸]": an emoji, not words
    text = genre.mainland(_t2s().convert(text))
    text = re.sub(r"\s+", " ", _CONTROL.sub("", text)).strip()
    return _SPACED_DIGITS.sub(lambda m: m.group(0).replace(" ", ""), text)


def check_input(text: str | None, max_chars: int, examples: Sequence[str] = ()) -> CheckedInput:
    """Normalise ``text``; set ``problem`` when it is empty, too long or has no words or digits (the message
    suggests ``examples``, the loaded policies' example questions)."""
    raw = text if isinstance(text, str) else ""
    if len(raw) > max_chars * 4:  # do not even normalise a huge paste
        return CheckedInput(raw[:max_chars], too_long_message(max_chars))
    clean = normalise(raw)
    if not clean:
        return CheckedInput("", empty_message(examples))
    if len(clean) > max_chars:
        return CheckedInput(clean[:max_chars], too_long_message(max_chars))
    if not _MEANINGFUL.search(clean):
        return CheckedInput(clean, no_text_message(examples))
    return CheckedInput(clean)
