"""How many threads BLAS may use for a block of numpy work (the dense scoring of a search), via threadpoolctl.

On a shared 2-core machine, BLAS spreading one small matrix product over every core slows concurrent searches
down; the searcher limits it per call. Without threadpoolctl the limit is a no-op.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _threadpools() -> Any:
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController()
    except Exception:  # threadpoolctl missing: leave BLAS as it is
        return None


def blas_threads(threads: int) -> AbstractContextManager[Any]:
    """Limit BLAS to ``threads`` threads for the block (a no-op without threadpoolctl)."""
    controller = _threadpools()
    return controller.limit(limits=max(1, threads), user_api="blas") if controller is not None else nullcontext()
