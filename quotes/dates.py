"""The dates a record may carry: far enough back for any archive, never past what a page can show.

PostgreSQL stores years 4713 BC to 294276 AD and Python years 1 to 9999, so a date at either
edge of Python's range ("0001-01-01T00:00:00+14:00") stores on one side and overflows on the
other, in UTC conversion, formatting and arithmetic: every page that shows it fails. Every entry
point (imports, forms, the admin, backups) keeps dates within these bounds.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2200, 12, 31)
RANGE = f"between {EARLIEST.year} and {LATEST.year}"


def in_range(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= LATEST


def validate_sane_date(value: dt.date | dt.datetime | None) -> None:
    """Django validator: a date (or date and time) within EARLIEST..LATEST."""
    if value is not None and not in_range(value):
        raise ValidationError(
            f"Give a date {RANGE}, not {value.isoformat()[:10]}.", code="date_out_of_range"
        )
