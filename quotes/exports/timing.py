"""Whether a streamed export can finish inside a web worker's timeout, decided before it starts.

gunicorn kills a worker that has not finished its response within its timeout
(WEB_WORKER_TIMEOUT, `make serve`'s --timeout): a streamed export cut off that way has
already sent its 200, so the client is left with a truncated file that looks whole. So the
web views count the claims first (capped, so the count costs no more than the export it
saves) and send an export that would take longer than INLINE_SHARE of the timeout to a
background job (quotes/background_reports.py), which writes a file to download.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from quotes.exports import sql
from quotes.exports.base import ExportError
from quotes.models import Claim

# Claims per second each path streams at, measured by benchmarks/exports.py on the 2-core
# machine with other work running, and rounded down: the SQL path (PostgreSQL's CSV and
# JSON) wrote 37-54k (CSV) and 23-29k (JSON) claims/s at 128k claims; the ORM path (every
# other format, and SQLite's CSV and JSON) 2.5-4k for CSV, HTML about half the rate of
# the others (README, "Exports").
SQL_RATE = {"csv": 20_000, "json": 12_000}
ORM_RATE = 1_000
ORM_RATE_HTML = 500
# The share of the worker timeout an export may take: the rest is the margin for a loaded
# machine and a slow client.
INLINE_SHARE = 0.5


class ExportDeferred(ExportError):
    """An export too large to finish within one request: it belongs to a background job."""

    def __init__(self, fmt: str, count: int) -> None:
        super().__init__(
            f"The {fmt.upper()} export of {count:,} or more claims takes longer than one "
            "request may, so it is prepared in the background."
        )
        self.fmt = fmt
        self.count = count


def rate(fmt: str) -> int:
    """Claims per second the export of `fmt` streams at, on this database."""
    if sql.available() and fmt in SQL_RATE:
        return SQL_RATE[fmt]
    return ORM_RATE_HTML if fmt == "html" else ORM_RATE


def inline_limit(fmt: str) -> int:
    """The most claims an export in `fmt` may hold to be streamed within one request."""
    return int(rate(fmt) * settings.WEB_WORKER_TIMEOUT * INLINE_SHARE)


def check_inline(claims: QuerySet[Claim], fmt: str) -> None:
    """Raise ExportDeferred when the export of `claims` in `fmt` cannot finish in a request.

    The count stops at the limit (COUNT over a LIMIT subquery): it reads at most
    inline_limit() ids however large the archive, where a plain COUNT(*) of a million
    claims costs as much as the first seconds of the export.
    """
    limit = inline_limit(fmt)
    count = claims.order_by().values("pk")[: limit + 1].count()
    if count > limit:
        raise ExportDeferred(fmt, count)
