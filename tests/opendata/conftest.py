"""Fixture CSVs of our own, kept small and readable in tests/opendata/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture
def fixture_bytes():
    def read(name: str) -> bytes:
        return (DATA_DIR / name).read_bytes()

    return read
