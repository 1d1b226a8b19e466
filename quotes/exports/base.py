"""What every export format shares: the finished Export and the errors users see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ExportError(Exception):
    """An export that cannot be made; the message says why, for the user."""


class PdfUnavailable(ExportError):
    """WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) are missing."""


class ExportTooLarge(ExportError):
    """Too many claims for a paginated format."""


@dataclass(frozen=True)
class Export:
    """A finished export: its bytes (possibly a lazy generator) and how to serve it."""

    fmt: str
    content_type: str
    filename: str
    chunks: Iterable[bytes]
    streaming: bool
