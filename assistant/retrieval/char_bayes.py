"""A multinomial naive Bayes text classifier over TF-IDF-weighted character 1–3-grams, in numpy alone.

Short questions in Chinese have no reliable word boundaries, and a caller's typo spoils a word but not every
character n-gram of it; naive Bayes over character n-grams is the classic strong baseline for such short texts, it
trains in closed form (one pass, milliseconds, deterministic) and needs no scikit-learn at run time. The weighting
follows scikit-learn's ``TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)`` (lowercased,
runs of white space as one space, smooth IDF, rows L2-normalised) and the model its ``MultinomialNB``; the choice
of this model over logistic regression is measured in docs/retrieval.md §9.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

NGRAMS = (1, 2, 3)
_SPACE = re.compile(r"\s\s+")


def char_ngrams(text: str) -> Counter[str]:
    """Counts of the character 1–3-grams of ``text`` (lowercased, runs of white space as one space)."""
    text = _SPACE.sub(" ", text.lower())
    return Counter(text[i : i + n] for n in NGRAMS for i in range(len(text) - n + 1))


class CharBayes:
    """Fit on texts with integer labels; :meth:`probabilities` gives P(label | text) over :attr:`labels`."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int], alpha: float) -> None:
        grams = [char_ngrams(t) for t in texts]
        vocabulary: dict[str, int] = {}
        for counts in grams:
            for gram in counts:
                vocabulary.setdefault(gram, len(vocabulary))
        self._vocabulary = vocabulary
        documents = np.zeros(len(vocabulary))
        for counts in grams:
            documents[[vocabulary[g] for g in counts]] += 1
        self._idf = np.log((1 + len(texts)) / (1 + documents)) + 1.0
        self.labels = np.array(sorted(set(labels)), dtype=np.int64)
        row_of = {int(label): i for i, label in enumerate(self.labels)}
        totals = np.zeros((len(self.labels), len(vocabulary)))
        for counts, label in zip(grams, labels, strict=True):
            totals[row_of[int(label)]] += self._weights(counts)
        smoothed = totals + alpha
        self._log_likelihood = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))
        sizes = np.bincount([row_of[int(label)] for label in labels], minlength=len(self.labels))
        self._log_prior = np.log(sizes / sizes.sum())

    def _weights(self, counts: Counter[str]) -> np.ndarray:
        """The TF-IDF row of one text (sublinear term frequency, L2-normalised); unknown n-grams are dropped."""
        row = np.zeros(len(self._vocabulary))
        for gram, n in counts.items():
            column = self._vocabulary.get(gram)
            if column is not None:
                row[column] = (1.0 + math.log(n)) * self._idf[column]
        norm = float(np.linalg.norm(row))
        return row / norm if norm > 0 else row

    def probabilities(self, text: str) -> np.ndarray:
        """P(label | text) for each of :attr:`labels` (summing to 1)."""
        joint = self._log_likelihood @ self._weights(char_ngrams(text)) + self._log_prior
        joint = np.exp(joint - joint.max())
        return joint / joint.sum()
