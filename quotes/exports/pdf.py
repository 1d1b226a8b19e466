"""PDF: the HTML report laid out by WeasyPrint, up to MAX_PDF_CLAIMS claims."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import QuerySet

from quotes.exports.base import ExportTooLarge, PdfUnavailable
from quotes.exports.html import render_html, report_css
from quotes.models import Article, Claim

# WeasyPrint lays out every page in memory; past this a PDF takes minutes and
# hundreds of MB, so the user is asked to narrow the filter (CSV/JSON have no limit).
MAX_PDF_CLAIMS = 2000


def render_pdf(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    filters: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Render the report as PDF through WeasyPrint.

    Raises PdfUnavailable naming the missing system libraries when WeasyPrint cannot
    load them, and ExportTooLarge past MAX_PDF_CLAIMS claims.
    """
    count = claims.count()
    if count > MAX_PDF_CLAIMS:
        raise ExportTooLarge(
            f"{count:,} claims is too many for a PDF (the limit is {MAX_PDF_CLAIMS:,}): "
            "narrow the filter, or export CSV or JSON."
        )
    try:
        from weasyprint import CSS, HTML
    except OSError as exc:
        # WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi at import time.
        raise PdfUnavailable(
            "PDF export needs WeasyPrint's system libraries (pango, harfbuzz, fontconfig): "
            "install them, e.g. `apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"libharfbuzz0b fontconfig`. ({exc})"
        ) from exc
    # At most MAX_PDF_CLAIMS claims, so the whole page fits in memory (WeasyPrint needs it).
    html = "".join(render_html(claims, title=title, article=article, filters=filters, mode="pdf"))
    document = HTML(string=html, base_url=settings.PUBLIC_BASE_URL)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=report_css())])
    return pdf
