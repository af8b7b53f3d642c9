"""Session fixtures for the rules tests."""

from __future__ import annotations
