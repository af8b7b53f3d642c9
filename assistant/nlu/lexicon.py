"""How users phrase a policy's facts: ``corpus/<policy-id>/lexicon.yaml``.

Each fact of ``rules.yaml`` may have ``cues`` (the words users put next to it: "已投入", "上级补助"…),
``negative_cues`` (words that make a yes/no fact false: "分公司", "早就是«item»") and, for a choice, ``option_aliases``
(other ways to name an option: "市里认定" for 市级), ``open_cues`` (words that raise a fact the text leaves open:
"高校" for 法人企业 — the answer cites the condition as to be confirmed) and ``weak_cues`` (a milder thing than the
fact: "罚款" for a 重大违法 — to confirm when said, false when denied). No figures: this file is about wording only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import DataError


@dataclass(frozen=True)
class FactCues:
    """How users write one fact."""

    cues: tuple[str, ...] = ()
    negative_cues: tuple[str, ...] = ()
    open_cues: tuple[str, ...] = ()
    """Words that raise the fact without settling it ("高校" for 法人企业): cited as to be confirmed."""
    weak_cues: tuple[str, ...] = ()
    """Words for a milder thing than the fact ("罚款" beside "重大违法"): said, the fact is left to confirm; denied
    ("没有任何违法记录"), the fact is false too."""
    intensifiers: tuple[str, ...] = ()
    """Words that, in a weak cue's clause, make it the fact itself ("重大" in "重大安全生产事故被处罚")."""
    option_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    given: bool = False
    """Money given to the enterprise (support already received), not money it spent or earned: an amount said as
    given to us ("镇里…给过我们25万") is read as such a fact first."""
    describes: bool = False
    """A property of the project (its subject, its field), true whether it is done or only planned ("打算办一场
    «topic»大赛"), unlike an achievement under way ("贯标还在做")."""


def load_lexicon(path: Path) -> dict[str, FactCues]:
    """Read a policy's ``lexicon.yaml`` (fact name → cues); a missing file means no cues."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        facts = data.get("facts") or {}
        return {
            name: FactCues(
                cues=tuple(entry.get("cues") or ()),
                negative_cues=tuple(entry.get("negative_cues") or ()),
                open_cues=tuple(entry.get("open_cues") or ()),
                weak_cues=tuple(entry.get("weak_cues") or ()),
                intensifiers=tuple(entry.get("intensifiers") or ()),
                option_aliases={k: tuple(v) for k, v in (entry.get("option_aliases") or {}).items()},
                describes=bool(entry.get("describes", False)),
                given=bool(entry.get("given", False)),
            )
            for name, entry in facts.items()
        }
    except (OSError, yaml.YAMLError, AttributeError, TypeError) as err:
        raise DataError(f"词表文件 {path} 格式错误：{err}") from err
