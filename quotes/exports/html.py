"""HTML: the report as a page to read or print (and the source of the PDF)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from quotes.exports.base import ExportError
from quotes.exports.records import NO_VERDICT, iter_records
from quotes.models import Article, Claim


def report_css() -> str:
    path = finders.find("css/report.css")
    if not path or isinstance(path, list):
        raise ExportError("The report stylesheet static/css/report.css is missing.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_html(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    filters: Sequence[tuple[str, str]] = (),
    mode: str = "web",
) -> str:
    """Render the HTML report.

    `mode` is "web" (links the stylesheet: the app's CSP forbids inline styles),
    "file" (embeds the stylesheet, for a self-contained file from the command line) or
    "pdf" (no stylesheet: WeasyPrint is given it directly).
    """
    records = list(iter_records(claims))
    context = {
        "title": title,
        "article": article,
        "records": records,
        "filters": filters,
        "org_name": settings.FACTCHECK_ORG_NAME,
        "org_url": settings.FACTCHECK_ORG_URL,
        "generated": timezone.now(),
        "mode": mode,
        "inline_css": report_css() if mode == "file" else "",
        "no_verdict": NO_VERDICT,
    }
    return render_to_string("quotes/reports/report.html", context)
