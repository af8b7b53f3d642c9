"""The corpus's retrieval vocabulary: the words jieba must keep whole and the query words that stand for them.

A policy's own vocabulary is data, not code. It comes from three places, for every policy of the corpus, merged:

* ``corpus/<policy-id>/retrieval.yaml`` (its sections are documented at the top of that file): ``terms`` the
  tokenizer keeps whole and weighs double, and ``synonyms`` that expand a query ("规上" → "规模以上"). A policy
  without the file contributes nothing from it; a malformed file raises :class:`~assistant.errors.DataError`.
* the policy's region from ``meta.yaml`` ("嘉定区"),
* every phrase the policy itself puts in quotation marks (“两化”, “一事一议”).

The vocabulary shapes only the in-memory lexical index and the query; the Chroma index holds the clause texts'
vectors, which no word list changes, so the vocabulary is not part of its content hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.corpus import Corpus, Policy
from assistant.errors import DataError

RETRIEVAL_FILE = "retrieval.yaml"
_SECTIONS = ("terms", "synonyms")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")


@dataclass(frozen=True)
class Vocabulary:
    """Terms and query synonyms, in file order (hashable, so an analyser can be cached per vocabulary)."""

    terms: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    """(what a user writes, the policy's words it stands for), the words separated by spaces."""

    def merged(self, other: Vocabulary) -> Vocabulary:
        """Both vocabularies: terms once each; a synonym both define expands to both targets."""
        targets: dict[str, list[str]] = {}
        for source, target in (*self.synonyms, *other.synonyms):
            seen = targets.setdefault(source, [])
            if target not in seen:
                seen.append(target)
        return Vocabulary(
            terms=tuple(dict.fromkeys((*self.terms, *other.terms))),
            synonyms=tuple((source, " ".join(words)) for source, words in targets.items()),
        )


def quoted_terms(text: str) -> list[str]:
    """Phrases a policy puts in quotation marks (“两化”, “一事一议”), split at 、."""
    terms: list[str] = []
    for match in _QUOTED.finditer(text):
        terms.extend(part.strip() for part in re.split(r"[、，,]", match.group(1)) if len(part.strip()) >= 2)
    return terms


def policy_vocabulary(policy: Policy, folder: Path) -> Vocabulary:
    """One policy's vocabulary: its ``retrieval.yaml`` (if any), its region and its quoted phrases."""
    from_text = Vocabulary(terms=tuple(t for t in (policy.meta.region, *quoted_terms(policy.text)) if t))
    return read_vocabulary(folder / RETRIEVAL_FILE).merged(from_text)


def corpus_vocabulary(corpus: Corpus) -> Vocabulary:
    """The merged vocabulary of every policy of the corpus (in the corpus's order)."""
    vocabulary = Vocabulary()
    for policy in corpus:
        vocabulary = vocabulary.merged(policy_vocabulary(policy, corpus.root / policy.policy_id))
    return vocabulary


def read_vocabulary(path: Path) -> Vocabulary:
    """Read one ``retrieval.yaml``; a missing file is an empty vocabulary, a malformed one a DataError."""
    if not path.is_file():
        return Vocabulary()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataError(f"无法读取检索词表 {path}：{err}") from err
    if data is None:
        return Vocabulary()
    if not isinstance(data, dict):
        raise DataError(f"检索词表 {path} 应是一个映射（terms、synonyms），实际是 {type(data).__name__}。")
    unknown = [str(key) for key in data if key not in _SECTIONS]
    if unknown:
        raise DataError(
            f"检索词表 {path} 有未知的部分 {'、'.join(unknown)}（只允许 {'、'.join(_SECTIONS)}）。"
        )
    return Vocabulary(
        terms=tuple(_strings(data.get("terms"), path)),
        synonyms=tuple(_synonyms(data.get("synonyms"), path)),
    )


def _strings(value: Any, path: Path) -> Iterable[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"检索词表 {path} 的 terms 应是词语列表，实际是 {type(value).__name__}。")
    for n, term in enumerate(value, start=1):
        if not isinstance(term, str) or not term.strip():
            raise DataError(f"检索词表 {path} 的 terms 第 {n} 项应是非空词语，实际是 {term!r}。")
    return [term.strip() for term in value]


def _synonyms(value: Any, path: Path) -> Iterable[tuple[str, str]]:
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
