"""HTML: the report as a page to read or print (and the source of the PDF)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from quotes.exports.base import ExportError
from quotes.exports.records import NO_VERDICT, RecordStream, iter_records
from quotes.models import Article, Claim


def report_css() -> str:
    path = finders.find("css/report.css")
    if not path or isinstance(path, list):
        raise ExportError("The report stylesheet static/css/report.css is missing.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


TEMPLATE = "quotes/reports/report.html"


def render_html(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    description: str = "",
    scope: str = "",
    mode: str = "web",
) -> Iterator[str]:
    """Render the HTML report in pieces: the head, the claims chunk by chunk, the foot.

    `mode` is "web" (links the stylesheet: the app's CSP forbids inline styles),
    "file" (embeds the stylesheet, for a self-contained file from the command line) or
    "pdf" (no stylesheet: WeasyPrint is given it directly). The query and the first
    chunk of claims run now, the rest as the pieces are read; only one chunk of claims
    is held at a time, so memory does not grow with the report.
    """
    records = iter_records(claims)
    context = {
        "title": title,
        "article": article,
        "count": records.count,
        "description": description,
        "scope": scope,
        "org_name": settings.FACTCHECK_ORG_NAME,
        "org_url": settings.FACTCHECK_ORG_URL,
        "generated": timezone.now(),
        "mode": mode,
        "inline_css": report_css() if mode == "file" else "",
        "no_verdict": NO_VERDICT,
    }
    return _pieces(context, records)


def _pieces(context: dict[str, Any], records: RecordStream) -> Iterator[str]:
    yield render_to_string(f"{TEMPLATE}#head", context)
    offset = 0
    for chunk in records.chunks():
        yield render_to_string(
            f"{TEMPLATE}#claims", {**context, "records": chunk, "offset": offset}
        )
        offset += len(chunk)
    yield render_to_string(f"{TEMPLATE}#foot", context)


def failure_trailer(note: str) -> bytes:
    """The note as an alert after the last whole claim, and the page closed."""
    alert = f'<p class="export-failed" role="alert">{escape(note)}</p>'
    return f"{alert}\n</main></body></html>\n".encode()
