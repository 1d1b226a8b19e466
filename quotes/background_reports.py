"""Large reports rendered by a worker instead of inside a request (a PDF of thousands of
claims takes longer than a web worker may): the request records a ReportFile and queues
tasks.render_report, which calls the same builders as the views (quotes/exports)."""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from quotes import exports
from quotes.models import Claim, ReportFile


def build(report: ReportFile) -> exports.Export:
    data = QueryDict(report.query)
    if report.article_id is not None:
        return exports.export_article(
            report.article,  # type: ignore[arg-type]
            report.fmt,
            include_unchecked=data.get("unchecked") == "1",
        )
    from quotes.filters import ClaimFilter

    filterset = ClaimFilter(data, queryset=Claim.objects.all(), published_only=True)
    if not filterset.is_valid():
        raise exports.ExportError("The filter is not valid any more.")
    return exports.export_claims(filterset.qs, report.fmt, description=filterset.describe())


def render(report_id: int) -> bool:
    """Render a pending report to its file (idempotent: a finished one is left alone)."""
    with transaction.atomic():
        report = ReportFile.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status != ReportFile.Status.PENDING:
            return False
    try:
        # spooled to disk as it is produced, so a large CSV never sits whole in memory;
        # read in one transaction, so that PostgreSQL's exports read their cursor as the
        # query runs instead of first writing the whole result aside (quotes/exports/sql.py)
        with tempfile.TemporaryFile() as spool, transaction.atomic():
            export = build(report)
            for chunk in export.chunks:
                spool.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            spool.seek(0)
            report.file.save(f"{report.pk}-{export.filename}", File(spool), save=False)
    except exports.ExportError as exc:
        report.status, report.error = ReportFile.Status.FAILED, str(exc)
    else:
        report.status = ReportFile.Status.READY
        report.filename, report.content_type = export.filename, export.content_type
    report.finished = timezone.now()
    report.save()
    return report.status == ReportFile.Status.READY
