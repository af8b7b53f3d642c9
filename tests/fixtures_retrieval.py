"""Session fixtures for the retrieval tests."""

from __future__ import annotations
