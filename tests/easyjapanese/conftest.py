"""Fixtures for the やさしい日本語 tests (urgent notices come from the signage tests' fixtures)."""

from tests.signage.conftest import make_urgent  # noqa: F401 - shared fixture
