"""Output shared by the data-set import commands."""

from __future__ import annotations

from django.core.management.base import OutputWrapper

SHOWN = 50


def write_skipped(stdout: OutputWrapper, skipped: list[str]) -> None:
    """List the skipped rows with their reasons, the first SHOWN of them."""
    if not skipped:
        return
    stdout.write(f"Skipped {len(skipped)}:")
    for reason in skipped[:SHOWN]:
        stdout.write(f"  {reason}")
    if len(skipped) > SHOWN:
        stdout.write(f"  ... and {len(skipped) - SHOWN} more")
