"""A busy database is a conflict to retry, never a server error."""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse


def busy_database_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """SQLite answers "database is locked" when a write waited past the busy timeout
    (another long transaction held the lock): nothing was saved, so say so with a 409."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    def process_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            return HttpResponse(
                "Not saved: the database is busy with another change. Reload and try again.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        return None

    middleware.process_exception = process_exception  # type: ignore[attr-defined]
    return middleware
