"""Prompt files under ``prompts/``: loaded, validated, and filled; a missing variable raises.

After simonw/llm ``templates.py``: a prompt is a plain text file with ``{variable}`` fields. Loading
lists its fields; :meth:`Prompt.render` refuses to run with a field missing or an unknown one given,
so a typo in a prompt or in the code fails loudly instead of sending a half-filled prompt.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from assistant.config import DEFAULT_PROMPTS_DIR
from assistant.errors import DataError


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    fields: frozenset[str]

    def render(self, **values: object) -> str:
        missing = self.fields - values.keys()
        if missing:
            raise DataError(f"提示词 {self.name} 缺少变量：{'、'.join(sorted(missing))}")
        unknown = values.keys() - self.fields
        if unknown:
            raise DataError(f"提示词 {self.name} 没有这些变量：{'、'.join(sorted(unknown))}")
        return self.text.format(**{k: str(v) for k, v in values.items()})


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    path = Path(prompts_dir or DEFAULT_PROMPTS_DIR) / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"找不到提示词文件 {path}") from err
    try:
        fields = frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f)
    except ValueError as err:
        raise DataError(f"提示词文件 {path} 格式错误：{err}") from err
    if any(not f.isidentifier() for f in fields):
        raise DataError(f"提示词文件 {path} 含有无效变量名：{sorted(fields)}")
    return Prompt(name, text, fields)
