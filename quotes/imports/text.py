"""Reading an uploaded or named file as text, with one set of rules for every import."""

from __future__ import annotations

import codecs
from pathlib import Path


class ImportRefused(ValueError):
    """Input an import cannot use; the message says why, for the user. Nothing was written."""


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(source: bytes | Path, *, name: str = "The file", max_chars: int | None = None) -> str:
    """Decode a file (its bytes, or its path) as UTF-8 text, or raise ImportRefused.

    Refuses a missing file, one larger than `max_chars` characters could be (before
    reading it), NUL bytes (a binary file, and PostgreSQL stores no NUL), invalid UTF-8,
    and text over `max_chars`. A leading byte order mark is dropped. Messages name the
    line, so a person can find the problem in a large file.
    """
    if isinstance(source, Path):
        if not source.is_file():
            raise ImportRefused(f"No such file: {source}")
        # 4 bytes is the most a UTF-8 character takes: refuse before reading a huge file.
        if max_chars is not None and source.stat().st_size > max_chars * 4:
            raise ImportRefused(
                f"{name} is {source.stat().st_size:,} bytes; the limit is {max_chars:,} characters."
            )
        data = source.read_bytes()
    else:
        data = source
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportRefused(
            f"{name}, line {_line(data, nul)} contains NUL bytes: "
            "this looks like a binary file, not text."
        )
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        raise ImportRefused(
            f"{name}, line {_line(data, exc.start + bom)} is not valid UTF-8 "
            f"(byte {exc.start + bom}): save it as UTF-8 text and retry."
        ) from exc
    if max_chars is not None and len(text) > max_chars:
        raise ImportRefused(
            f"{name} is {len(text):,} characters long; the limit is {max_chars:,} characters."
        )
    return text
