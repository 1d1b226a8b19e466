"""PDF: the HTML report laid out by WeasyPrint, up to MAX_PDF_CLAIMS claims."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from quotes.exports.base import Export, ExportError, ExportTooLarge, PdfUnavailable
from quotes.exports.html import render_html, report_css
from quotes.models import Article, Claim, Evidence

# WeasyPrint lays out every page in memory; past this a PDF takes minutes and
# hundreds of MB, so the user is asked to narrow the filter (CSV/JSON have no limit).
MAX_PDF_CLAIMS = 2000


def check_size(count: int) -> None:
    """Raise ExportTooLarge past MAX_PDF_CLAIMS claims."""
    if count > MAX_PDF_CLAIMS:
        raise ExportTooLarge(
            f"{count:,} claims is too many for a PDF (the limit is {MAX_PDF_CLAIMS:,}): "
            "narrow the filter, or export CSV or JSON."
        )


def render_pdf(
    claims: QuerySet[Claim],
    *,
    title: str,
    article: Article | None = None,
    description: str = "",
    scope: str = "",
) -> bytes:
    """Render the report as PDF through WeasyPrint.

    Raises PdfUnavailable naming the missing system libraries when WeasyPrint cannot
    load them, and ExportTooLarge past MAX_PDF_CLAIMS claims.
    """
    check_size(claims.count())
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
    html = "".join(
        render_html(
            claims, title=title, article=article, description=description, scope=scope, mode="pdf"
        )
    )
    document = HTML(string=html, base_url=settings.PUBLIC_BASE_URL)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=report_css())])
    return pdf


# --- large PDFs in the background ---------------------------------------------------------

# WeasyPrint lays out about 15 claims per CPU second here (benchmarks/exports.py): a
# report up to this size renders within the request, well inside gunicorn's 30 s timeout;
# a larger one renders in a background thread, and its URL answers "being prepared" until
# the file is there.
PDF_INLINE_LIMIT = 100
# A job marked running for longer than this was lost with its worker: start it again.
STALE_JOB_SECONDS = 15 * 60
_threads: dict[str, threading.Thread] = {}


class PdfPending(Exception):
    """A large PDF is being rendered in the background; ask again for the file."""

    def __init__(self, job: PdfJob, count: int) -> None:
        super().__init__(f"The PDF of {count:,} claims is being prepared.")
        self.job = job
        self.count = count


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            yield chunk


def pdf_in_background(
    claims: QuerySet[Claim],
    *,
    title: str,
    filename: str,
    article: Article | None,
    description: str,
    scope: str,
) -> Export | None:
    """The PDF file of a large report once its background job has made it.

    Returns None when the report is small enough to render within the request. Raises
    PdfPending while the job runs (starting it if needed), ExportError if it failed.
    """
    count = claims.count()
    check_size(count)
    if count <= PDF_INLINE_LIMIT:
        return None
    job = PdfJob.for_claims(
        claims, title=title, article=article, description=description, scope=scope
    )
    state = job.state()
    if state == "ready":
        return Export("pdf", "application/pdf", f"{filename}.pdf", _file_chunks(job.path), True)
    if state == "failed":
        raise ExportError(f"The PDF could not be made: {job.take_error()} Try again.")
    job.start()
    raise PdfPending(job, count)


@dataclass(frozen=True)
class PdfJob:
    """A PDF rendered in the background, kept on disk where every worker process sees it.

    Its key covers everything the PDF shows (the claims with their versions, verdict
    statuses and evidence, the title and the filter), so an edit makes a new file rather
    than serving an old one.
    """

    key: str
    claim_ids: tuple[int, ...]
    title: str
    description: str
    scope: str
    article_id: int | None

    @classmethod
    def for_claims(
        cls,
        claims: QuerySet[Claim],
        *,
        title: str,
        article: Article | None,
        description: str,
        scope: str,
    ) -> PdfJob:
        rows = list(
            claims.order_by("pk").values_list(
                "pk", "version", "verdict__version", "verdict__status", "speaker_id"
            )
        )
        evidence = list(
            Evidence.objects.filter(claim_id__in=[r[0] for r in rows])
            .order_by("pk")
            .values_list("pk", "claim_id")
        )
        digest = hashlib.sha256(
            json.dumps([rows, evidence, title, description, scope, MAX_PDF_CLAIMS]).encode()
        ).hexdigest()[:32]
        return cls(
            digest,
            tuple(r[0] for r in rows),
            title,
            description,
            scope,
            article.pk if article else None,
        )

    @staticmethod
    def directory() -> Path:
        path = Path(settings.REPORTS_DIR)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def path(self) -> Path:
        return self.directory() / f"{self.key}.pdf"

    @property
    def marker(self) -> Path:
        return self.directory() / f"{self.key}.running"

    @property
    def error_path(self) -> Path:
        return self.directory() / f"{self.key}.error"

    def state(self) -> str:
        """ "ready", "running", "failed" or "new"."""
        if self.path.is_file():
            return "ready"
        if self.error_path.is_file():
            return "failed"
        try:
            age = time.time() - self.marker.stat().st_mtime
        except FileNotFoundError:
            return "new"
        return "running" if age < STALE_JOB_SECONDS else "new"

    def start(self) -> None:
        """Start rendering in a thread, unless another request already did."""
        if self.state() == "new":
            self.marker.unlink(missing_ok=True)  # a stale marker of a lost job
        try:
            # exclusive create: of two requests at once, one starts the job
            with self.marker.open("x"):
                pass
        except FileExistsError:
            return
        thread = threading.Thread(target=self._run, name=f"pdf-{self.key}", daemon=True)
        _threads[self.key] = thread
        thread.start()

    def take_error(self) -> str:
        """The failure's message, cleared so that the next request tries again."""
        message = self.error_path.read_text("utf-8")
        self.error_path.unlink(missing_ok=True)
        return message

    def _run(self) -> None:
        try:
            article = (
                None
                if self.article_id is None
                else Article.objects.filter(pk=self.article_id).first()
            )
            pdf = render_pdf(
                Claim.objects.filter(pk__in=self.claim_ids),
                title=self.title,
                article=article,
                description=self.description,
                scope=self.scope,
            )
            partial = self.path.with_suffix(".partial")
            partial.write_bytes(pdf)
            partial.replace(self.path)
        except Exception as exc:  # noqa: BLE001 - the user reads the reason on the page
            self.error_path.write_text(str(exc) or type(exc).__name__, "utf-8")
        finally:
            self.marker.unlink(missing_ok=True)
            connection.close()
