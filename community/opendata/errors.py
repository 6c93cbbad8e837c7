"""Errors that stop a whole file from being read; problems in single rows are reported, not raised."""

from __future__ import annotations


class OpenDataError(ValueError):
    """Base class: the file as a whole cannot be imported. The message is for the user, in Japanese."""


class EncodingError(OpenDataError):
    """The bytes are neither UTF-8 nor CP932 (Shift_JIS)."""


class LayoutError(OpenDataError):
    """The header row matches none of the known layouts of the requested kind.

    ``expected`` maps each layout title to the columns it needs; ``missing`` to those the file lacks,
    so a caller can show them in its own way as well as through the message.
    """

    def __init__(
        self,
        message: str,
        expected: dict[str, tuple[str, ...]] | None = None,
        missing: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__(message)
        self.expected = expected or {}
        self.missing = missing or {}
