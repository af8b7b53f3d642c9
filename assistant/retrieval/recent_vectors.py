"""The vectors of the last few single texts an embedder encoded.

One turn embeds the same message twice — the intent reader reads it, then retrieval searches with it — so the
embedder keeps the last few single-text vectors and answers a repeat from them. Batches are never memoised,
and :meth:`RecentVectors.clear` forgets everything (benchmarks that time every question as if new).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

#: Enough for the texts of one turn in a few concurrent conversations.
RECENT_SIZE = 32


class RecentVectors:
    """A small least-recently-used map text → vector (copies in, copies out)."""

    def __init__(self, size: int = RECENT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._items.get(text)
            if vector is None:
                return None
            self._items.move_to_end(text)
            return vector.copy()

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._items[text] = vector.copy()
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
