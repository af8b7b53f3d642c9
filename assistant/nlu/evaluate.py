"""How well the intent reader generalises: k-fold over the hand-written frames, each fold trained without
its frames (so a frame is never scored by a reader that saw it), reported per intent.

    python -m assistant.nlu.evaluate [--folds 5] [--no-embedding]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Sequence

from assistant.nlu.inputs import normalise
from assistant.nlu.intents import NLU_INTENTS
from assistant.nlu.reader import TrainedIntentReader
from assistant.nlu.training import generate, load_templates


def held_out_accuracy(nlu: object, embedder: object | None, folds: int = 5, seed: int = 1) -> dict[str, object]:
    templates = load_templates()
    frames = [(intent, f) for intent, fs in templates.items() for f in fs]
    random.Random(seed).shuffle(frames)
    per: Counter[str] = Counter()
    right: Counter[str] = Counter()
    confused: Counter[tuple[str, str]] = Counter()
    for k in range(folds):
        train: dict[str, list[str]] = {}
        test: dict[str, list[str]] = {}
        for i, (intent, frame) in enumerate(frames):
            (test if i % folds == k else train).setdefault(intent, []).append(frame)
        examples = generate(nlu.catalog, nlu.genre, train)  # type: ignore[attr-defined]
        texts = [normalise(e.text) for e in examples]
        reader = TrainedIntentReader.fit(
            [nlu.extract(t).masked for t in texts], texts, [e.intent for e in examples], embedder  # type: ignore[attr-defined]
        )
        nlu.reader = reader  # type: ignore[attr-defined]
        for e in generate(nlu.catalog, nlu.genre, test, seed=99):  # type: ignore[attr-defined]
            got = nlu.parse(normalise(e.text)).intent  # type: ignore[attr-defined]
            per[e.intent] += 1
            right[e.intent] += got == e.intent
            if got != e.intent:
                confused[(e.intent, got)] += 1
    total = sum(per.values())
    return {
        "accuracy": sum(right.values()) / total if total else None,
        "cases": total,
        "per_intent": {i: (right[i], per[i]) for i in NLU_INTENTS if per[i]},
        "confusions": confused.most_common(10),
    }


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.config import Settings
    from assistant.corpus import load_corpus
    from assistant.nlu import NLU, build_catalog, load_genre, section_titles
    from assistant.rules import load_all_rules

    parser = argparse.ArgumentParser(description="意图识别的留出评测（按句式分折）")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-embedding", action="store_true", help="只用字符特征")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    corpus = load_corpus(settings.corpus_dir, extra=settings.extra_corpus_dirs)
    rules = load_all_rules(corpus)
    nlu = NLU(build_catalog(corpus, rules), load_genre(), None, section_titles(corpus))
    embedder = None
    if not args.no_embedding:
        from assistant.retrieval.embedders import load_embedder

        embedder = load_embedder(settings.embedding_model)
    report = held_out_accuracy(nlu, embedder, args.folds)
    print(f"留出句式准确率：{report['accuracy']:.3f}（{report['cases']} 句，{args.folds} 折）")
    per_intent: dict[str, tuple[int, int]] = report["per_intent"]  # type: ignore[assignment]
    for intent, (ok, n) in per_intent.items():
        print(f"  {intent:<13} {ok}/{n}")
    print("最常见的混淆：", report["confusions"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
