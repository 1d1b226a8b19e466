"""Report builders: HTML, PDF (WeasyPrint), Markdown, CSV, JSON and ClaimReview JSON-LD.

The views (quotes/report_views.py) and `manage.py export_report` both call
export_article() / export_claims(), so a report is the same wherever it is made. One
module per format; `records` loads the claims they all read (only published verdicts).

Every format but PDF is a generator over the claims in chunks (the related rows
select_related or prefetched per chunk, no article body), so memory stays flat and the
number of queries grows with the number of chunks, not of claims; on PostgreSQL, CSV and
JSON read one query through a server-side cursor instead (`sql`). PDF is capped at
MAX_PDF_CLAIMS claims. The web views stream only what can finish within the worker's
timeout (`timing`); larger exports are written by a background job.
"""

from __future__ import annotations

import re

from django.db.models import QuerySet

from quotes.exports import csv, html, json, markdown
from quotes.exports.base import (
    Export,
    ExportError,
    ExportInterrupted,
    ExportTooLarge,
    PdfUnavailable,
    guarded,
)
from quotes.exports.claimreview import iter_claimreview
from quotes.exports.markdown import md_escape, md_url
from quotes.exports.pdf import (
    MAX_PDF_CLAIMS,
    PDF_INLINE_LIMIT,
    PdfPending,
    pdf_in_background,
    render_pdf,
)
from quotes.exports.records import CHUNK_SIZE, NO_VERDICT, ClaimRecord, iter_records
from quotes.exports.timing import ExportDeferred, check_inline
from quotes.models import Article, Claim, Verdict

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "MAX_PDF_CLAIMS",
    "NO_VERDICT",
    "PDF_INLINE_LIMIT",
    "PdfPending",
    "ClaimRecord",
    "Export",
    "ExportDeferred",
    "ExportError",
    "ExportInterrupted",
    "ExportTooLarge",
    "PdfUnavailable",
    "build_export",
    "export_article",
    "export_claims",
    "iter_records",
    "md_escape",
    "md_url",
]

FORMATS = ("html", "pdf", "md", "csv", "json", "claimreview")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


def build_export(
    claims: QuerySet[Claim],
    fmt: str,
    *,
    title: str,
    filename: str,
    article: Article | None = None,
    description: str = "",
    scope: str = "",
    standalone: bool = False,
    background: bool = False,
) -> Export:
    """Build the export of `claims` in `fmt` (one of FORMATS).

    `description` states in words which claims these are ("Said by Barack Obama, rated
    False"), `scope` what the report leaves out; the people-facing formats print both.
    With `background` (the web views), a PDF of more than PDF_INLINE_LIMIT claims is
    rendered by a background job: PdfPending until its file is ready; any other format
    raises ExportDeferred when it could not finish within the web worker's timeout
    (quotes/exports/timing.py), for the view to queue it as a ReportFile.

    Every format but PDF comes back as a lazy generator (streaming=True) whose query and
    first chunk of claims have already run, so those errors raise here, before a
    response starts; PDF is rendered now (PdfUnavailable, ExportTooLarge raise here).
    `standalone` embeds the stylesheet in HTML, for files written outside the web app.
    """
    if background and fmt in FORMATS and fmt != "pdf":
        check_inline(claims, fmt)
    if fmt == "csv":
        chunks = guarded(csv.iter_csv(claims), fmt, csv.failure_trailer)
        return Export(fmt, "text/csv; charset=utf-8", f"{filename}.csv", chunks, True)
    if fmt == "json":
        chunks = guarded(json.iter_json(claims, article=article), fmt, json.failure_trailer)
        return Export(fmt, "application/json", f"{filename}.json", chunks, True)
    if fmt == "claimreview":
        chunks = guarded(iter_claimreview(claims), fmt, json.failure_trailer)
        return Export(fmt, "application/ld+json", f"{filename}.claimreview.json", chunks, True)
    if fmt == "md":
        chunks = guarded(
            markdown.iter_markdown(
                claims, title=title, article=article, description=description, scope=scope
            ),
            fmt,
            markdown.failure_trailer,
        )
        return Export(fmt, "text/markdown; charset=utf-8", f"{filename}.md", chunks, True)
    if fmt == "html":
        pieces = html.render_html(
            claims,
            title=title,
            article=article,
            description=description,
            scope=scope,
            mode="file" if standalone else "web",
        )
        chunks = guarded((p.encode() for p in pieces), fmt, html.failure_trailer)
        return Export(fmt, "text/html; charset=utf-8", f"{filename}.html", chunks, True)
    if fmt == "pdf":
        if background:
            ready = pdf_in_background(
                claims,
                title=title,
                filename=filename,
                article=article,
                description=description,
                scope=scope,
            )
            if ready is not None:
                return ready
        pdf = render_pdf(claims, title=title, article=article, description=description, scope=scope)
        return Export(fmt, "application/pdf", f"{filename}.pdf", [pdf], False)
    raise ExportError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")


PUBLISHED_ONLY = "Only claims with a published verdict are included."
WITH_UNCHECKED = (
    "Includes claims not yet checked: they show no rating. Only published verdicts are shown."
)
LIST_SCOPE = "Only published verdicts are shown; other claims say so."


def export_article(
    article: Article,
    fmt: str,
    *,
    include_unchecked: bool = False,
    standalone: bool = False,
    background: bool = False,
) -> Export:
    """The report on one article in `fmt`: its checked claims, or all with `include_unchecked`.

    A report on an article goes out as what we found in it, so by default it lists the
    claims with a published verdict only.
    """
    claims = article.claims.all()
    if not include_unchecked:
        claims = claims.filter(verdict__status=Verdict.Status.PUBLISHED)
    return build_export(
        claims,
        fmt,
        title=article.title,
        filename=f"article-{article.pk}-{_slug(article.title)}",
        article=article,
        scope=WITH_UNCHECKED if include_unchecked else PUBLISHED_ONLY,
        standalone=standalone,
        background=background,
    )


def export_claims(
    claims: QuerySet[Claim],
    fmt: str,
    *,
    description: str = "",
    standalone: bool = False,
    background: bool = False,
) -> Export:
    """The report on a filtered list of claims (from the claims page) in `fmt`.

    `description` is the filter in words (ClaimFilter.describe()).
    """
    return build_export(
        claims,
        fmt,
        title="Claims report",
        filename="claims-report",
        description=description,
        scope=LIST_SCOPE,
        standalone=standalone,
        background=background,
    )
