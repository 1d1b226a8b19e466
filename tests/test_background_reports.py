"""Large reports rendered by a task and offered for download when ready."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from quotes.models import ReportFile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def test_a_claims_report_is_rendered_in_the_background_and_downloaded(
    checker_client: Client,
) -> None:
    verdict = factories.VerdictFactory(status="published", false=True)
    response = checker_client.post("/reports/background", {"fmt": "csv", "query": "rating=false"})
    report = ReportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.status == "ready" and report.filename == "claims-report.csv"
    page = checker_client.get(report.get_absolute_url()).content.decode()
    assert "Download claims-report.csv" in page
    download = checker_client.get(f"/reports/files/{report.pk}/download")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert verdict.claim.exact[:20] in body
    assert download["Content-Disposition"] == 'attachment; filename="claims-report.csv"'


def test_an_article_report_in_the_background(checker_client: Client) -> None:
    article = factories.ArticleFactory()
    checker_client.post("/reports/background", {"fmt": "md", "article": article.pk})
    assert ReportFile.objects.get().status == "ready"


def test_a_pending_report_reloads_and_cannot_be_downloaded(
    checker_client: Client, fact_checker: object
) -> None:
    report = ReportFile.objects.create(requested_by=fact_checker, fmt="pdf")
    page = checker_client.get(report.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "Being prepared" in page
    assert checker_client.get(f"/reports/files/{report.pk}/download").status_code == 404


def test_a_bad_filter_fails_with_a_message(checker_client: Client) -> None:
    checker_client.post("/reports/background", {"fmt": "csv", "query": "rating=nope"})
    report = ReportFile.objects.get()
    assert report.status == "failed" and "not valid" in report.error
    assert "Could not be made" in checker_client.get(report.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data", [{"fmt": "exe"}, {"fmt": "pdf", "article": "abc"}, {"fmt": "pdf", "article": "99999"}]
)
def test_bad_requests_are_refused(checker_client: Client, data: dict[str, str]) -> None:
    assert checker_client.post("/reports/background", data).status_code in (400, 404)
    assert not ReportFile.objects.exists()


def test_someone_elses_report_is_not_found(checker_client: Client) -> None:
    other = factories.fact_checker(username="other")
    report = ReportFile.objects.create(requested_by=other, fmt="csv", status="ready")
    assert checker_client.get(report.get_absolute_url()).status_code == 404
    assert checker_client.get(f"/reports/files/{report.pk}/download").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_report_renders_in_a_thread_after_the_request_answered(
    checker_client: Client, settings: object
) -> None:
    # Inline, a report too large for one request ran inside it, and gunicorn's timeout cut
    # it off: the request now answers at once and a thread of the web process renders it.
    from quotes import tasks

    settings.REPORTS_IN_THREAD = True  # type: ignore[attr-defined]
    verdict = factories.VerdictFactory(status="published", false=True)
    started = threading.Event()
    release = threading.Event()
    from quotes import background_reports

    real = background_reports.render

    def slow_render(report_id: int) -> bool:
        started.set()
        release.wait(10)
        return real(report_id)

    background_reports.render = slow_render  # type: ignore[assignment]
    try:
        response = checker_client.post(
            "/reports/background", {"fmt": "csv", "query": "rating=false"}
        )
        report = ReportFile.objects.get()
        assert response.status_code == 302
        assert started.wait(10), "the thread did not start"
        assert ReportFile.objects.get().status == "pending"  # answered before rendering
        thread = tasks.report_threads.get(report.pk)
        release.set()
        if thread is not None:
            thread.join(30)
    finally:
        background_reports.render = real  # type: ignore[assignment]
    report.refresh_from_db()
    assert report.status == "ready"
    download = checker_client.get(f"/reports/files/{report.pk}/download")
    assert verdict.claim.exact[:20] in b"".join(download.streaming_content).decode("utf-8-sig")
