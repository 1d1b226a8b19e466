"""Report exports (login required) and the public permalink of a published verdict."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from quotes import exports
from quotes.exports.claimreview import RatingScale, build_claimreview
from quotes.exports.records import first_publications, permalink, person_name
from quotes.http import AuthenticatedHttpRequest
from quotes.models import Article, Claim, Evidence, ReportFile, Verdict

# What json_script escapes: inside <script> the HTML parser ends the element at "</",
# and "<!--" changes how it parses, so <, > and & are written as JSON escapes.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: object) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, safe against "</script>"."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - every character that could end the script is escaped


def _respond(export: exports.Export) -> HttpResponseBase:
    response: HttpResponseBase
    if export.streaming:
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    else:
        response = HttpResponse(b"".join(export.chunks), content_type=export.content_type)
    # The HTML report opens in the browser (to read or print); the rest download.
    disposition = "inline" if export.fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    return response


def _queue(
    request: HttpRequest, fmt: str, *, article: Article | None = None, query: str = ""
) -> HttpResponseBase:
    """Hand an export too large for one request to a worker; redirect to its page.

    The same request again (a reload) finds the report already being prepared rather
    than queuing a second one, unless that one is older than render_report's time limit:
    its worker was lost.
    """
    from quotes import tasks

    lost = timezone.now() - dt.timedelta(seconds=tasks.render_report.time_limit or 0)
    report = ReportFile.objects.filter(
        requested_by_id=request.user.pk,
        fmt=fmt,
        article=article,
        query=query,
        status=ReportFile.Status.PENDING,
        created__gt=lost,
    ).first()
    if report is None:
        report = ReportFile.objects.create(
            requested_by_id=request.user.pk, fmt=fmt, article=article, query=query
        )
        tasks.send_report(report.pk)
    return redirect(report)


def _export_or_error(
    request: HttpRequest, build: Callable[[], exports.Export], queue: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    try:
        return _respond(build())
    except exports.ExportDeferred:
        # Streamed, it would outlast the worker's timeout and end as a truncated 200.
        return queue()
    except exports.PdfPending as pending:
        # a large PDF renders in the background: this page reloads until the file is there
        response = render(
            request,
            "quotes/reports/pdf_pending.html",
            {"count": pending.count, "seconds": max(5, pending.count // 20)},
            status=202,
        )
        response["Retry-After"] = "5"
        return response
    except exports.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    except exports.ExportError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")


@require_GET
@login_required
@permission_required("quotes.view_claim", raise_exception=True)
def article_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    article = get_object_or_404(Article, pk=pk)
    # "include claims not yet checked": by default a report on an article is our findings
    include = request.GET.get("unchecked") == "1"
    return _export_or_error(
        request,
        lambda: exports.export_article(article, fmt, include_unchecked=include, background=True),
        lambda: _queue(request, fmt, article=article, query="unchecked=1" if include else ""),
    )


@require_GET
@login_required
@permission_required("quotes.view_claim", raise_exception=True)
def claims_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    # Imported here, not at module level: quotes.filters belongs to the browser pages.
    from quotes.filters import ClaimFilter

    filterset = ClaimFilter(
        request.GET, queryset=Claim.objects.all(), request=request, published_only=True
    )
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
        )
        return HttpResponseBadRequest(
            f"The filter is not valid: {problems}", content_type="text/plain; charset=utf-8"
        )
    description = filterset.describe()
    return _export_or_error(
        request,
        lambda: exports.export_claims(filterset.qs, fmt, description=description, background=True),
        lambda: _queue(request, fmt, query=request.GET.urlencode()),
    )


@require_GET
def public_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    # Drafts and verdicts in review are not public: they 404 like unknown ids.
    verdict = get_object_or_404(
        Verdict.objects.select_related("claim__article", "claim__speaker", "rating", "reviewer"),
        pk=pk,
        status=Verdict.Status.PUBLISHED,
    )
    claim = verdict.claim
    evidence = Evidence.objects.filter(claim=claim).select_related("source").order_by("created")
    first_published = first_publications([verdict]).get(verdict.pk)
    review = build_claimreview(claim, verdict, RatingScale.load(), first_published=first_published)
    context = {
        "verdict": verdict,
        "first_published": first_published,
        "reviewer": person_name(verdict.reviewer),
        "claim": claim,
        "article": claim.article,
        "evidence": evidence,
        "permalink": permalink(verdict),
        "claimreview_json": json_ld(review),
        "org_name": settings.FACTCHECK_ORG_NAME,
        "org_url": settings.FACTCHECK_ORG_URL,
    }
    return render(request, "quotes/reports/verdict.html", context)


@require_POST
@login_required
@permission_required("quotes.view_claim", raise_exception=True)
def background_report(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Queue a report (an article's, or the claims list's filter) for a worker."""
    from quotes import tasks

    fmt = request.POST.get("fmt", "")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest("Unknown format.", content_type="text/plain; charset=utf-8")
    article_id = request.POST.get("article", "")
    article = None
    if article_id:
        if not (article_id.isascii() and article_id.isdigit()):
            return HttpResponseBadRequest("Unknown article.", content_type="text/plain")
        article = get_object_or_404(Article, pk=int(article_id))
    query = request.POST.get("query", "")[:4000]
    report = ReportFile.objects.create(
        requested_by=request.user, fmt=fmt, article=article, query=query
    )
    tasks.send_report(report.pk)
    return redirect(report)


def _own_report(request: HttpRequest, pk: int) -> ReportFile:
    report = get_object_or_404(ReportFile, pk=pk)
    if report.requested_by_id != request.user.pk and not request.user.has_perm(
        "quotes.publish_verdict"
    ):
        raise Http404  # someone else's report: editors may see it, others not even that
    return report


@require_GET
@login_required
@permission_required("quotes.view_claim", raise_exception=True)
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report(request, pk)
    return render(request, "quotes/report_file.html", {"report": report})


@require_GET
@login_required
@permission_required("quotes.view_claim", raise_exception=True)
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = _own_report(request, pk)
    if report.status != ReportFile.Status.READY or not report.file:
        raise Http404
    disposition = "inline" if report.fmt == "html" else "attachment"
    response = FileResponse(report.file.open("rb"), content_type=report.content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{report.filename}"'
    return response
