"""Training data for the intent reader, and training itself (cached in the state folder).

The sentences come from two places, neither of them the eval sets:
- ``assistant/nlu/training.yaml``: hand-written, genre-level frames with placeholders — ``{item}``, ``{money}``,
  ``{option}``, ``{clause}``, ``{place}``, ``{fact}`` — filled from each loaded policy's data (its item aliases,
  its choice options, its clause labels, how users phrase its facts);
- ``corpus/<policy-id>/nlu.yaml``: a policy's own example sentences (optional).
Every sentence is read by the same :class:`~assistant.nlu.parse.NLU` as a user's message and masked, so the
reader is trained on exactly what it will see. The trained reader is cached under ``$POLICY_QA_HOME/nlu/``,
keyed by a fingerprint of everything it was trained on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cn2an
import yaml

from assistant.errors import DataError
from assistant.nlu.genre import GENRE_FILE, Genre
from assistant.nlu.intents import NLU_INTENTS
from assistant.nlu.reader import TrainedIntentReader
from assistant.nlu.vocabulary import Catalog

log = logging.getLogger(__name__)

TRAINING_FILE = Path(__file__).with_name("training.yaml")
#: Bump when the features or the generator change, so cached readers are retrained.
READER_VERSION = "6"
#: Samples drawn per template that has placeholders.
SAMPLES_PER_TEMPLATE = 4
_PLACEHOLDER = re.compile(r"\{(item|money|option|clause|place|fact)\}")
_FACT_FRAMES = ("{cue}", "已经{cue}了", "我们{cue}了", "{cue}了", "是{cue}的", "有{cue}")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    source: str
    """'genre' (training.yaml) or the id of the policy whose nlu.yaml or data it came from."""


def load_templates(path: Path = TRAINING_FILE) -> dict[str, list[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise DataError(f"无法读取意图训练数据 {path}：{err}") from err
    if not isinstance(data, Mapping):
        raise DataError(f"意图训练数据 {path} 应为 意图: [句子…] 的映射")
    unknown = set(data) - set(NLU_INTENTS)
    if unknown:
        raise DataError(f"意图训练数据 {path} 含未知意图：{sorted(unknown)}")
    return {str(k): [str(s) for s in v or []] for k, v in data.items()}


def _money_spellings(rng: random.Random) -> Iterator[str]:
    while True:
        wan = rng.choice([5, 12, 30, 45, 80, 100, 150, 260, 300, 480, 600, 750, 900, 1200, 2000, 3500, 8000])
        style = rng.randrange(8)
        if style == 0:
            yield f"{wan}万"
        elif style == 1:
            yield f"{wan}万元"
        elif style == 2:
            yield f"{cn2an.an2cn(str(wan))}万"
        elif style == 3:
            yield f"{wan}w"
        elif style == 4:
            yield f"{wan * 10_000:,}元"
        elif style == 5:
            yield f"{wan / 10_000:g}亿" if wan >= 1000 else f"{wan}万块"
        elif style == 6:
            yield f"{cn2an.an2cn(str(wan))}来万" if wan < 1000 else f"{wan}多万"
        else:
            yield f"RMB {wan / 100:g} million"


class _Fillers:
    """Values for each placeholder, from the loaded policies' data and the genre."""

    def __init__(self, catalog: Catalog, genre: Genre, rng: random.Random) -> None:
        self.rng = rng
        self.items = [a.text for p in catalog for i in p.items for a in i.aliases if a.weight >= 1.0]
        self.options: list[str] = []
        self.facts: list[str] = []
        self.clauses = [i.label for p in catalog for i in p.items]
        for p in catalog:
            for name, spec in p.facts.items():
                cues = p.cues(name)
                if spec.type == "choice":
                    self.options += list(spec.options or ())
                    self.options += [a for aliases in cues.option_aliases.values() for a in aliases]
                elif spec.type == "bool":
                    self.facts += [f.format(cue=c) for c in cues.cues[:4] for f in _FACT_FRAMES[:3]]
        self.places = list(genre.places)
        self.money = _money_spellings(rng)

    def fill(self, template: str) -> str | None:
        def one(m: re.Match[str]) -> str:
            kind = m.group(1)
            if kind == "money":
                return next(self.money)
            pool = {"item": self.items, "option": self.options, "clause": self.clauses,
                    "place": self.places, "fact": self.facts}[kind]
            if not pool:
                raise LookupError(kind)
            return str(self.rng.choice(pool))

        try:
            return _PLACEHOLDER.sub(one, template)
        except LookupError:
            return None  # no policy provides this placeholder (e.g. no items yet)


def generate(catalog: Catalog, genre: Genre, templates: Mapping[str, list[str]], seed: int = 13) -> list[Example]:
    """Training sentences: every hand-written frame filled from the data, plus each policy's own examples."""
    rng = random.Random(seed)
    fillers = _Fillers(catalog, genre, rng)
    out: list[Example] = []
    for intent, frames in templates.items():
        for frame in frames:
            # One generator per frame: adding a policy changes the words drawn, never the draws themselves.
            fillers.rng = random.Random(f"{seed}:{intent}:{frame}")
            fillers.money = _money_spellings(fillers.rng)
            n = SAMPLES_PER_TEMPLATE if _PLACEHOLDER.search(frame) else 1
            seen: set[str] = set()
            for _ in range(n):
                text = fillers.fill(frame)
                if text and text not in seen:
                    seen.add(text)
                    out.append(Example(text, intent, "genre"))
    out += _with_background(out, rng)
    for policy in catalog:
        for intent, sentences in policy.examples.items():
            out += [Example(s, intent, policy.policy_id) for s in sentences]
    return out


#: Questions asked after a statement of facts ("我们是…，去年…，这个政策给多少奖励") keep the question's intent.
_QUESTION_INTENTS = ("award", "eligibility", "match", "lookup")
BACKGROUND_SHARE = 0.5


def _with_background(examples: list[Example], rng: random.Random) -> list[Example]:
    """Questions prefixed with one or two statements of fact taken from the ``inform`` sentences."""
    statements = [e.text.rstrip("。！!") for e in examples if e.intent == "inform" and len(e.text) >= 6]
    if not statements:
        return []
    out: list[Example] = []
    for e in examples:
        own = random.Random(f"{e.intent}:{e.text}")
        if e.intent in _QUESTION_INTENTS and own.random() < BACKGROUND_SHARE:
            lead = "，".join(own.sample(statements, k=own.choice((1, 2))))
            out.append(Example(f"{lead}，{e.text}", e.intent, e.source))
    # ... and statements strung together, with no question, stay statements.
    for _ in range(len(statements) // 2):
        out.append(Example("，".join(rng.sample(statements, k=rng.choice((2, 3)))), "inform", "genre"))
    return out


def fingerprint(catalog: Catalog, templates: Mapping[str, list[str]], embedder: Any | None = None) -> str:
    """A hash of everything the reader is trained on (templates, genre words, each policy's vocabulary)."""
    vocab = [
        [p.policy_id, [[i.item_id, [(a.text, a.weight) for a in i.aliases]] for i in p.items],
         sorted((n, list(c.cues), sorted(c.option_aliases.items())) for n, c in p.lexicon.items()),
         sorted(p.facts), sorted((k, list(v)) for k, v in p.examples.items())]
        for p in catalog
    ]
    model = str(getattr(embedder, "fingerprint", None) or embedder)
    genre = GENRE_FILE.read_text(encoding="utf-8")
    blob = json.dumps([READER_VERSION, SAMPLES_PER_TEMPLATE, model, templates, genre, vocab],
                      ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def train(
    nlu: Any, embedder: Any | None, templates: Mapping[str, list[str]] | None = None, seed: int = 13
) -> TrainedIntentReader:
    """Generate the sentences, read and mask each with ``nlu``, and fit the reader."""
    from assistant.nlu.inputs import normalise

    templates = templates if templates is not None else load_templates()
    examples = generate(nlu.catalog, nlu.genre, templates, seed)
    texts = [normalise(e.text) for e in examples]
    masked = [nlu.extract(t).masked for t in texts]
    return TrainedIntentReader.fit(
        masked, texts, [e.intent for e in examples], embedder, fingerprint(nlu.catalog, templates, embedder)
    )


def load_or_train(nlu: Any, embedder: Any | None, cache_dir: Path | None) -> TrainedIntentReader:
    """The reader for this catalog: from the cache when its fingerprint matches, else trained (and cached)."""
    import joblib

    templates = load_templates()
    fp = fingerprint(nlu.catalog, templates, embedder)
    path = cache_dir / f"intent-{fp[:20]}.joblib" if cache_dir else None
    if path is not None and path.is_file():
        try:
            reader = joblib.load(path)
            if isinstance(reader, TrainedIntentReader) and reader.fingerprint == fp:
                reader.embedder = embedder
                return reader
        except Exception as err:  # a damaged cache file is rebuilt, never fatal
            log.warning("重新训练意图模型（缓存不可用：%s）", err)
    reader = train(nlu, embedder, templates)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            joblib.dump(reader, tmp)
            tmp.replace(path)
        except OSError as err:  # a read-only state folder only costs the cache
            log.warning("无法缓存意图模型：%s", err)
    return reader
