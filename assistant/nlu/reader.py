"""The trained intent reader: logistic regression over character n-grams of the masked message plus the
sentence embedding of the message itself.

Masking (``Ⓘ能补多少``) lets a few hundred hand-written frames and the sentences generated from each policy's
data generalise to items and amounts the reader never saw; the embedding (the same model retrieval uses)
carries paraphrases that share no characters with any frame. On frames held out of training (5-fold by frame,
``python -m assistant.nlu.evaluate``) the embedding lifts accuracy from about 0.87 to 0.95. Below
:data:`~assistant.nlu.intents.FALLBACK_THRESHOLD` the reader says ``vague`` (Rasa's FallbackClassifier).


Inference is plain numpy: after fitting, the vectoriser and the model are compiled into their arrays (n-gram
vocabulary, idf, coefficients), so answering never imports scikit-learn or scipy — they cost seconds of cold
start — and a message is scored without their input validation. :func:`TrainedIntentReader.fit` checks the
compiled scores against scikit-learn's own on the training sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assistant.nlu.intents import FALLBACK_INTENT, FALLBACK_THRESHOLD, NLU_INTENTS, NluIntent

#: Weight of the embedding block beside the TF-IDF block (chosen on held-out frames: 0.5 → 0.93, 1 → 0.94,
#: 2 → 0.95, 3 → 0.94).
EMBED_WEIGHT = 2.0
C = 8.0
NGRAMS = (1, 3)
#: scikit-learn's character analyser turns runs of two or more blanks into one space before cutting n-grams.
_BLANK_RUNS = re.compile(r"\s\s+")


def _framed(masked: str) -> str:
    # Start and end marks let the n-grams see "^那…呢$" and "…吗$".
    return f"^{masked}$"


class TrainedIntentReader:
    """Scores intents; ``embedder`` (any object with ``encode(texts) -> ndarray``) is optional.

    Holds only arrays: ``vocabulary`` (n-gram → column), ``idf``, ``coef`` (classes × features: the n-gram
    columns, then the embedding's), ``intercept`` and ``classes``.
    """

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        embedder: Any | None,
        fingerprint: str = "",
    ) -> None:
        self.vocabulary = dict(vocabulary)
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.classes = tuple(classes)
        self.embedder = embedder
        self.uses_embedding = coef.shape[1] > len(self.vocabulary)
        self.fingerprint = fingerprint

    def __getstate__(self) -> dict[str, Any]:
        # The embedder is a loaded model: never pickled with the reader; attach it again after loading.
        state = dict(self.__dict__)
        state["embedder"] = None
        return state

    @classmethod
    def fit(
        cls,
        masked: Sequence[str],
        texts: Sequence[str],
        labels: Sequence[str],
        embedder: Any | None = None,
        fingerprint: str = "",
    ) -> TrainedIntentReader:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        unknown = set(labels) - set(NLU_INTENTS)
        if unknown:
            raise ValueError(f"unknown intents in training data: {sorted(unknown)}")
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True)
        features = vectorizer.fit_transform([_framed(m) for m in masked])
        if embedder is not None:
            vectors = np.asarray(embedder.encode(list(texts)), dtype=np.float32) * EMBED_WEIGHT
            features = hstack([features, csr_matrix(vectors)]).tocsr()
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(features, list(labels))
        reader = cls(
            {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            np.asarray(vectorizer.idf_, dtype=np.float64),
            np.asarray(model.coef_, dtype=np.float64),
            np.asarray(model.intercept_, dtype=np.float64),
            [str(c) for c in model.classes_],
            embedder,
            fingerprint,
        )
        # The compiled arrays must score exactly as the fitted model does (a few sentences are enough).
        sample = slice(0, min(20, len(masked)))
        expected = model.predict_proba(features[sample])
        got = np.vstack([reader._probabilities(m, t) for m, t in zip(masked[sample], texts[sample], strict=True)])
        if not np.allclose(expected, got, atol=1e-6):
            raise RuntimeError("compiled intent reader disagrees with scikit-learn")
        return reader

    def _grams(self, masked: str) -> np.ndarray:
        """The TF-IDF vector of the framed text (sublinear tf, l2-normalised), as scikit-learn computes it."""
        text = _BLANK_RUNS.sub(" ", _framed(masked).lower())
        counts: dict[int, int] = {}
        low, high = NGRAMS
        for n in range(low, high + 1):
            for i in range(len(text) - n + 1):
                column = self.vocabulary.get(text[i : i + n])
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0) * self.idf[columns]
        norm = float(np.sqrt(values @ values))
        return np.zeros(0) if not norm else np.vstack([columns, values / norm])

    def _probabilities(self, masked: str, text: str) -> np.ndarray:
        logits = self.intercept.copy()
        grams = self._grams(masked)
        if grams.size:
            columns = grams[0].astype(np.int64)
            logits += self.coef[:, columns] @ grams[1]
        if self.uses_embedding:
            if self.embedder is None:
                raise RuntimeError("this intent reader was trained with sentence embeddings: attach the embedder")
            vector = np.asarray(self.embedder.encode([text]), dtype=np.float32)[0].astype(np.float64) * EMBED_WEIGHT
            logits += self.coef[:, len(self.vocabulary):] @ vector
        if len(self.classes) == 2:  # a binary model scores the second class only
            p = 1.0 / (1.0 + np.exp(-logits[0]))
            return np.array([1.0 - p, p])
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def scores(self, masked: str, text: str = "") -> Mapping[NluIntent, float]:
        probs = self._probabilities(masked, text or masked)
        out: dict[NluIntent, float] = {k: float(p) for k, p in zip(self.classes, probs, strict=True)}  # type: ignore[misc]
        if max(out.values()) < FALLBACK_THRESHOLD:
            out[FALLBACK_INTENT] = max(out.values()) + 1e-6
        return out
