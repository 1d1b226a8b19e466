"""What every export format shares: the finished Export and the errors users see."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FAILED_NOTE = (
    "EXPORT FAILED: a server error stopped this export part-way, so this file is "
    "incomplete. Try again, or narrow the filter."
)


class ExportError(Exception):
    """An export that cannot be made; the message says why, for the user."""


class ExportInterrupted(ExportError):
    """A streamed export failed after its first bytes had gone out."""


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


def guarded(chunks: Iterable[bytes], fmt: str, trailer: Callable[[str], bytes]) -> Iterator[bytes]:
    """`chunks`, ended by a visible note in the format itself if reading them fails.

    A streamed response has sent its status (200) by then, so the failure must show in
    the file: the note (`trailer`) says it is incomplete. Then ExportInterrupted goes up
    to the server, which breaks off the connection instead of ending the response
    normally, so clients (browsers' downloads, curl) report the transfer as failed too.
    """
    try:
        yield from chunks
    except Exception as exc:
        logger.exception("The %s export failed after it had started", fmt)
        yield trailer(FAILED_NOTE)
        raise ExportInterrupted(FAILED_NOTE) from exc
