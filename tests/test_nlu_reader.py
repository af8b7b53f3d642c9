"""The compiled intent reader scores exactly as the scikit-learn pipeline it was fitted with, on texts it never
saw (blank runs, capitals, characters outside the vocabulary, empty text), with and without embeddings."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from assistant.nlu.reader import EMBED_WEIGHT, NGRAMS, C, TrainedIntentReader, _framed
from assistant.retrieval.embedders import FakeEmbedder

TRAIN = [
    ("Ⓘ能补多少", "award"), ("Ⓘ最高给多少钱", "award"), ("投了Ⓜ，能拿多少", "award"), ("Ⓘ奖励多少", "award"),
    ("Ⓘ能申请吗", "eligibility"), ("我们符合条件吗", "eligibility"), ("有资格申请Ⓘ吗", "eligibility"),
    ("Ⓒ说的是什么", "lookup"), ("Ⓒ原文", "lookup"), ("政策什么时候到期", "lookup"),
    ("abc 能 补 多少", "award"), ("今天天气怎么样", "out_of_scope"), ("推荐个菜谱", "out_of_scope"), ("股票会涨吗", "out_of_scope"),
]
UNSEEN = ["Ⓘ  到底能补   多少？", "ABC Ⓘ 能申请吗", "完全没见过的字句龘", "", "Ⓒ", "  ", "天气"]


def _sklearn_pipeline(masked: list[str], labels: list[str], embedder: FakeEmbedder | None) -> tuple:
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True)
    grams = vectorizer.fit_transform([_framed(m) for m in masked])

    def features(texts: list[str]) -> object:
        x = vectorizer.transform([_framed(t) for t in texts])
        if embedder is None:
            return x
        vectors = np.asarray(embedder.encode(texts), dtype=np.float32) * EMBED_WEIGHT
        return hstack([x, csr_matrix(vectors)]).tocsr()

    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(
        grams if embedder is None else features(masked), labels
    )
    return model, features


@pytest.mark.parametrize("with_embedding", [False, True])
def test_compiled_scores_equal_scikit_learns_on_unseen_text(with_embedding: bool) -> None:
    masked = [m for m, _ in TRAIN]
    labels = [label for _, label in TRAIN]
    embedder = FakeEmbedder() if with_embedding else None
    reader = TrainedIntentReader.fit(masked, masked, labels, embedder)
    model, features = _sklearn_pipeline(masked, labels, embedder)
    expected = model.predict_proba(features(UNSEEN))
    for text, row in zip(UNSEEN, expected, strict=True):
        got = reader._probabilities(text, text)
        assert list(reader.classes) == [str(c) for c in model.classes_]
        np.testing.assert_allclose(got, row, atol=1e-9)


def test_a_binary_reader_scores_both_classes() -> None:
    data = [(m, label) for m, label in TRAIN if label in ("award", "lookup")]
    reader = TrainedIntentReader.fit([m for m, _ in data], [m for m, _ in data], [label for _, label in data])
    model, features = _sklearn_pipeline([m for m, _ in data], [label for _, label in data], None)
    for text in UNSEEN:
        np.testing.assert_allclose(reader._probabilities(text, text), model.predict_proba(features([text]))[0],
                                   atol=1e-9)


def test_answering_never_imports_scikit_learn_or_scipy() -> None:
    # They cost seconds of cold start: a reader loaded from its cache scores with numpy alone.
    script = (
        "import pickle, sys\n"
        "from assistant.nlu.reader import TrainedIntentReader\n"
        "reader = pickle.loads(sys.stdin.buffer.read())\n"
        "reader.scores('Ⓘ能补多少')\n"
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))\n"
    )
    import pickle

    reader = TrainedIntentReader.fit([m for m, _ in TRAIN], [m for m, _ in TRAIN], [label for _, label in TRAIN])
    out = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(reader), capture_output=True, check=True)
    assert out.stdout.decode().strip() == "[]"
