"""Reading a ``retrieval.yaml`` (a policy's or the genre's): each section checked, and a malformed file stopped with a
:class:`~assistant.errors.DataError` that names the file and the part that is wrong (a key written twice in one mapping
is an error, not last-one-wins)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import DataError
from assistant.retrieval.places import KINDS, POSITIONS, places
from assistant.retrieval.sense import PLACE, Sense

_SENSE_KEYS = ("phrasings", "clauses", "anchors", "kinds")


def load_sections(path: Path, sections: tuple[str, ...]) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataError(f"无法读取检索词表 {path}：{err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(f"检索词表 {path} 应是一个映射（{'、'.join(sections)}），实际是 {type(data).__name__}。")
    unknown = [str(key) for key in data if key not in sections]
    if unknown:
        raise DataError(
            f"检索词表 {path} 有未知的部分 {'、'.join(unknown)}（只允许 {'、'.join(sections)}）。"
        )
    return data


def strings(value: Any, path: Path, section: str = "terms") -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"检索词表 {path} 的 {section} 应是词语列表，实际是 {type(value).__name__}。")
    for n, term in enumerate(value, start=1):
        if not isinstance(term, str | int) or not str(term).strip():
            raise DataError(f"检索词表 {path} 的 {section} 第 {n} 项应是非空词语，实际是 {term!r}。")
        if section == "terms" and not isinstance(term, str):
            raise DataError(f"检索词表 {path} 的 {section} 第 {n} 项应是非空词语，实际是 {term!r}。")
    return [str(term).strip() for term in value]


def place_senses(value: Any, positions: Any, path: Path) -> list[Sense]:
    """The genre's ``places`` (for a kind of heading-only part, the measure words a caller counts such parts by:
    "第二大类", "第3部分") and ``place_positions`` (the words for the first, middle and last of them: "最前面的那一小类").
    Each place becomes a sense carried by the part at that place (:mod:`assistant.retrieval.places`)."""
    if value is None:
        return []
    if not isinstance(value, dict) or any(k not in KINDS for k in value):
        raise DataError(f"检索词表 {path} 的 places 应是（{'、'.join(KINDS)}）到量词列表的映射。")
    if positions is not None and (not isinstance(positions, dict) or any(k not in POSITIONS for k in positions)):
        raise DataError(f"检索词表 {path} 的 place_positions 应是（{'、'.join(POSITIONS)}）到词语列表的映射。")
    units = {kind: strings(words, path, f"places 中的“{kind}”") for kind, words in value.items()}
    said = {p: strings(words, path, f"place_positions 中的“{p}”") for p, words in (positions or {}).items()}
    return [Sense(f"{PLACE}{kind} {place}", phrasings, None, (), (), (kind,), place)
            for kind, place, phrasings in places(units, said)]


def read_senses(value: Any, path: Path, policy_id: str | None) -> list[Sense]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise DataError(f"检索词表 {path} 的 senses 应是“义项名: {{phrasings, …}}”的映射。")
    senses: list[Sense] = []
    for name, body in value.items():
        where = f"senses 中的“{name}”"
        if not isinstance(body, dict):
            raise DataError(f"检索词表 {path} 的 {where} 应是映射（{'、'.join(_SENSE_KEYS)}）。")
        unknown = [str(k) for k in body if k not in _SENSE_KEYS]
        if unknown:
            raise DataError(f"检索词表 {path} 的 {where} 有未知的键 {'、'.join(unknown)}。")
        phrasings = strings(body.get("phrasings"), path, f"{where}的 phrasings")
        clauses = strings(body.get("clauses"), path, f"{where}的 clauses")
        anchors = strings(body.get("anchors"), path, f"{where}的 anchors")
        kinds = strings(body.get("kinds"), path, f"{where}的 kinds")
        if not phrasings:
            raise DataError(f"检索词表 {path} 的 {where} 没有 phrasings（用户的问法）。")
        if not (clauses or anchors or kinds):
            raise DataError(f"检索词表 {path} 的 {where} 应以 clauses、anchors 或 kinds 指明所属条款。")
        senses.append(
            Sense(
                str(name),
                tuple(" ".join(p.split()) for p in phrasings),
                policy_id,
                tuple(clauses),
                tuple(anchors),
                tuple(kinds),
            )
        )
    return senses


def read_synonyms(value: Any, path: Path) -> Iterable[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise DataError(
            f"检索词表 {path} 的 synonyms 应是“问法: 政策用词”的映射，实际是 {type(value).__name__}。"
        )
    pairs: list[tuple[str, str]] = []
    for source, target in value.items():
        if not isinstance(source, str) or not source.strip():
            raise DataError(f"检索词表 {path} 的 synonyms 有一个问法不是非空词语：{source!r}。")
        if not isinstance(target, str) or not target.strip():
            raise DataError(
                f"检索词表 {path} 的 synonyms 中“{source}”应对应非空的政策用词，实际是 {target!r}。"
            )
        pairs.append((source.strip(), " ".join(target.split())))
    return pairs


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, except that a key written twice in one mapping is an error (not last-one-wins)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: construct_mapping below reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)
