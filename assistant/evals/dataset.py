"""Eval cases: the YAML format of ``evals/answers/*.yaml``, validated at load time.

One file is a YAML list of cases::

    - id: award-smart-factory-cap
      question: 已获得上海市智能工厂授牌，项目实际投资800万元，能拿多少？   # or turns: [..., ...]
      as_of: "2026-11-25"          # optional; default: the assistant's today
      intent: award                # award | eligibility | lookup | out_of_scope | clarify
      clauses: ["1"]               # clause ids that must be cited
      amount_wan: 200              # optional: exact expected amount in 万元
      must_include: ["200万元"]     # optional substrings of the answer
      must_not_include: ["1000万"]  # optional
      category: award              # optional; default: the file name without .yaml

Expectations apply to the reply to the last turn. A turn of ``turns`` is either the user's text or a mapping
``{say: text, intent:, clauses:, amount_wan:, must_include:, must_not_include:}`` whose expectations apply to
the reply to that turn (a story, as in Rasa's test stories); the case passes only when every turn's do. Any problem in a file (bad YAML, unknown key, missing field,
duplicate id, an amount that is not a whole number of yuan) raises :class:`~assistant.errors.DataError` naming
the file and the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.config import REPO_ROOT
from assistant.dialogue.reply import Intent
from assistant.errors import DataError

#: Where the answer-accuracy cases live (every ``*.yaml`` in it is one category).
DEFAULT_ANSWERS_DIR = REPO_ROOT / "evals" / "answers"
#: The retrieval dataset (queries → clause ids), read by ``assistant.evals.retrieval_eval``.
DEFAULT_RETRIEVAL_FILE = REPO_ROOT / "evals" / "retrieval.yaml"

_WAN = Decimal(10_000)


def _strings(value: Any) -> Any:
    """``clauses: [5]`` is as good as ``["5"]``; a single string is a one-item list."""
    if value is None:
        return value
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError("必须是字符串列表")
    out = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise ValueError(f"列表项必须是字符串：{item!r}")
        out.append(item)
    return tuple(out)


def _exact_wan(value: Any) -> Any:
    # YAML reads 12.5 as a float; go through its shortest repr so 199.8 stays 199.8, not 199.80000000000001.
    if isinstance(value, bool):
        raise ValueError("amount_wan 必须是数字")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as err:
            raise ValueError(f"amount_wan 不是数字：{value!r}") from err
    return value


class TurnExpectation(BaseModel):
    """One user turn of a story, with what the reply to it must do (every field optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    say: str
    intent: Intent | None = None
    clauses: tuple[str, ...] | None = None
    amount_wan: Decimal | None = None
    must_include: tuple[str, ...] = ()
    must_not_include: tuple[str, ...] = ()

    @field_validator("amount_wan", mode="before")
    @classmethod
    def _wan(cls, value: Any) -> Any:
        return _exact_wan(value)

    @field_validator("clauses", "must_include", "must_not_include", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _strings(value)

    @property
    def has_expectations(self) -> bool:
        return any(
            x not in (None, ()) for x in (self.intent, self.clauses, self.amount_wan, self.must_include,
                                          self.must_not_include)
        )


class MatchExpectation(BaseModel):
    """What 政策匹配 must say of one item: its status, and its figure when it fits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal["eligible", "need_info", "not_eligible"]
    amount_wan: Decimal | None = None
    policy: str | None = None

    @field_validator("amount_wan", mode="before")
    @classmethod
    def _wan(cls, value: Any) -> Any:
        return _exact_wan(value)


class EvalCase(BaseModel):
    """One answer-accuracy case. Build with :func:`load_cases`, which also sets ``category`` and ``source``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str | None = None
    turns: tuple[str | TurnExpectation, ...] | None = None
    as_of: date | None = None
    intent: Intent
    clauses: tuple[str, ...] = ()
    amount_wan: Decimal | None = None
    must_include: tuple[str, ...] = ()
    must_not_include: tuple[str, ...] = ()
    matches: dict[str, MatchExpectation] | None = None
    """政策匹配: item id → expected status (and figure) in the reply's ``matches``."""
    category: str | None = None
    source: str | None = None
    """The file the case came from (set by the loader; not written in the YAML)."""

    @field_validator("matches", mode="before")
    @classmethod
    def _match_keys(cls, value: Any) -> Any:
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("amount_wan", mode="before")
    @classmethod
    def _exact_decimal(cls, value: Any) -> Any:
        return _exact_wan(value)

    @field_validator("clauses", "must_include", "must_not_include", mode="before")
    @classmethod
    def _list_of_strings(cls, value: Any) -> Any:
        return _strings(value)

    @field_validator("turns", mode="before")
    @classmethod
    def _turns(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value if value is None else (value,)
        if not isinstance(value, list | tuple):
            raise ValueError("turns 必须是列表")
        out: list[Any] = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str | dict | TurnExpectation):
                raise ValueError(f"turns 的每一项是一句话或 {{say: …}}：{item!r}")
            out.append(item)
        return tuple(out)

    @model_validator(mode="after")
    def _check(self) -> EvalCase:
        if (self.question is None) == (self.turns is None):
            raise ValueError("必须且只能给出 question 或 turns 之一")
        if self.turns is not None and not self.turns:
            raise ValueError("turns 不能为空列表")
        if any(not c.strip() for c in self.clauses):
            raise ValueError("clauses 中有空的条款编号")
        if self.amount_wan is not None:
            if self.amount_wan < 0:
                raise ValueError("amount_wan 不能为负数")
            if (self.amount_wan * _WAN) % 1 != 0:
                raise ValueError(f"amount_wan={self.amount_wan} 换算成元不是整数")
        return self

    @property
    def user_turns(self) -> tuple[str, ...]:
        """The user's messages in order; expectations apply to the reply to the last one."""
        if self.turns is None:
            return (self.question or "",)
        return tuple(t if isinstance(t, str) else t.say for t in self.turns)

    def turn_expectations(self) -> list[tuple[int, TurnExpectation]]:
        """(index, expectations) of the turns that state expectations of their own (the last one's too)."""
        return [
            (n, t) for n, t in enumerate(self.turns or ()) if isinstance(t, TurnExpectation) and t.has_expectations
        ]

    @property
    def last_turn(self) -> str:
        return self.user_turns[-1]

    @property
    def expected_yuan(self) -> int | None:
        """``amount_wan`` in integer yuan (exact: validated to be a whole number of yuan)."""
        return None if self.amount_wan is None else int(self.amount_wan * _WAN)


def _describe(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        where = ".".join(str(p) for p in e.get("loc", ())) or "（整条）"
        if e.get("type") == "extra_forbidden":
            parts.append(f"未知字段 {where}")
        elif e.get("type") == "missing":
            parts.append(f"缺少字段 {where}")
        else:
            msg = str(e.get("msg", "")).removeprefix("Value error, ")
            parts.append(f"{where}：{msg}")
    return "；".join(parts)


#: A folder of cases nobody may tune on; its evals print scores only (see ``is_blind``).
BLIND_DIR_NAME = "blind"


def is_blind(paths: Iterable[Path | str] | None) -> bool:
    """Whether any of these case files lies in a blind folder (``evals/blind/…``).

    A blind set is measured, never read: printing its failed questions would show them to the people
    tuning the product, so the eval commands print only the summary for it.
    """
    return any(BLIND_DIR_NAME in Path(p).parts for p in paths or ())


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a folder stands for every ``*.yaml``/``*.yml`` in it, sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise DataError(f"评测目录 {path} 中没有 .yaml 文件")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"评测数据文件不存在：{path}")
    return files


def load_file(path: Path) -> list[EvalCase]:
    """The cases of one YAML file, each tagged with its category (the file name unless given) and source."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise DataError(f"评测数据文件 {path} 不是合法的 YAML：{err}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"无法读取评测数据文件 {path}：{err}") from err
    if data is None:
        return []
    if not isinstance(data, list):
        raise DataError(f"评测数据文件 {path} 的顶层必须是用例列表（YAML list），而不是 {type(data).__name__}")
    cases: list[EvalCase] = []
    for n, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            raise DataError(f"评测数据文件 {path} 第{n}条不是键值对（mapping）：{raw!r}")
        if "source" in raw:
            raise DataError(f"评测数据文件 {path} 第{n}条：未知字段 source")
        label = f"第{n}条（id={raw.get('id')}）" if raw.get("id") else f"第{n}条"
        try:
            case = EvalCase.model_validate({**raw, "source": str(path)})
        except ValidationError as err:
            raise DataError(f"评测数据文件 {path} {label}格式错误：{_describe(err)}") from err
        if case.category is None:
            case = case.model_copy(update={"category": path.stem})
        cases.append(case)
    return cases


def load_cases(paths: Sequence[Path | str] | None = None) -> list[EvalCase]:
    """All cases of the given files or folders (default: ``evals/answers``); ids must be unique overall."""
    files = expand_paths(paths if paths else [DEFAULT_ANSWERS_DIR])
    cases: list[EvalCase] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in load_file(path):
            if case.id in seen:
                raise DataError(f"评测用例 id 重复：{case.id}（{seen[case.id]} 与 {path}）")
            seen[case.id] = str(path)
            cases.append(case)
    if not cases:
        raise DataError("没有找到任何评测用例：" + "、".join(str(p) for p in files))
    return cases
