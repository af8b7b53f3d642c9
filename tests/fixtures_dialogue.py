"""Session fixtures for the dialogue tests."""

from __future__ import annotations
