"""The genre's words, loaded from ``genre.yaml``: places, other schemes, off-topic words, injection and
attribution markers, dialogue-act cues and look-up topics.

These are words of Chinese support policies in general and of how enterprises talk about them; each policy's
own words (item aliases, how users phrase its facts, its region and issuer) come from its corpus folder
(:mod:`assistant.nlu.vocabulary`). A maintainer edits the YAML, not this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import fields
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import DataError
from assistant.nlu.genre_types import ACTS, LOOKUP_TOPICS, Act, Genre, LookupTopic

__all__ = ["ACTS", "GENRE_FILE", "LOOKUP_TOPICS", "Act", "Genre", "LookupTopic", "load_genre", "parse_genre"]

GENRE_FILE = Path(__file__).with_name("genre.yaml")


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise DataError(f"{GENRE_FILE}: {where} 应为非空正则表达式")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise DataError(f"{GENRE_FILE}: {where} 的正则表达式有误：{err}") from err


def _words(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataError(f"{GENRE_FILE}: {key} 应为非空字符串列表")
    return tuple(value)


#: The fields that hold one regular expression, each read from the key of the same name.
_PATTERN_FIELDS = tuple(f.name for f in fields(Genre) if f.type == "re.Pattern[str]")


def parse_genre(data: Mapping[str, Any]) -> Genre:
    """Validate the genre mapping; raise :class:`DataError` naming the field that is wrong."""
    try:
        places = data["places"]
        acts = data["acts"]
        topics = data["lookup_topics"]
        missing_acts = [a for a in ACTS if a not in acts]
        missing_topics = [t for t in LOOKUP_TOPICS if t not in topics]
        if missing_acts or missing_topics:
            raise DataError(f"{GENRE_FILE}: 缺少 {missing_acts + missing_topics}")
        return Genre(
            **{name: _compile(data[name], name) for name in _PATTERN_FIELDS},
            places=_words(places, "zh"),
            english_places=dict(places.get("en") or {}),
            registration_words=_words(places, "registration_words"),
            elsewhere=_words(places, "elsewhere"),
            home=_words(places, "home"),
            other_schemes=_words(data, "other_schemes"),
            other_scheme_patterns=tuple(
                _compile(p, f"other_scheme_patterns[{n}]") for n, p in enumerate(data.get("other_scheme_patterns") or [])
            ),
            off_topic=_words(data, "off_topic"),
            injection=tuple(_compile(p, f"injection[{n}]") for n, p in enumerate(data["injection"])),
            attribution=tuple(_compile(p, f"attribution[{n}]") for n, p in enumerate(data["attribution"])),
            acts={a: _compile(acts[a], f"acts.{a}") for a in ACTS},
            lookup_topics={t: _compile(topics[t], f"lookup_topics.{t}") for t in LOOKUP_TOPICS},
            topic_hints={str(t): str(w) for t, w in (data.get("topic_hints") or {}).items() if t in LOOKUP_TOPICS},
            relative_years={str(k): int(v) for k, v in data["relative_years"].items()},
            breakdown_parts=tuple(data["breakdown_parts"]),
            scales=tuple(sorted(((str(w).lower(), Fraction(str(f))) for w, f in (data.get("scales") or {}).items()),
                                key=lambda x: -len(x[0]))),
            unit_fixes=tuple((_compile(u["said"], f"unit_fixes[{n}]"), Fraction(str(u["factor"])))
                             for n, u in enumerate(data.get("unit_fixes") or [])),
            regional_words=tuple(sorted(((str(w), str(m)) for w, m in (data.get("regional_words") or {}).items()),
                                        key=lambda x: -len(x[0]))),
            quote_hints=tuple((str(w), tuple(map(str, m))) for w, m in (data.get("quote_hints") or {}).items()),
            applicant_place_says=str(data.get("applicant_place_says") or "{place}"),
        )
    except (KeyError, TypeError, AttributeError, ValueError, ZeroDivisionError) as err:
        raise DataError(f"{GENRE_FILE} 格式错误：{err}") from err


@functools.cache
def load_genre(path: Path = GENRE_FILE) -> Genre:
    """The genre vocabulary (cached: the file is read once per process)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取体裁词表 {path}：{err}") from err
    if not isinstance(data, Mapping):
        raise DataError(f"体裁词表 {path} 应为一个映射")
    return parse_genre(data)
