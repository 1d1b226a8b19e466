"""Large PDFs render in the background: the request answers at once, the file comes later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from quotes.exports import pdf
from quotes.models import Verdict
from tests import factories

# The job's thread reads through its own connection: the rows must be committed. The
# migrations' rating scale and groups are restored after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def big_report(settings: Any, tmp_path: Path, monkeypatch: Any) -> str:
    """An article of three published claims, "large" once the inline limit is 2."""
    settings.REPORTS_DIR = tmp_path
    monkeypatch.setattr(pdf, "PDF_INLINE_LIMIT", 2)
    article = factories.ArticleFactory()
    for n in range(3):
        factories.VerdictFactory(
            claim=factories.ClaimFactory(article=article, start=n, end=n + 1, position=n),
            status=Verdict.Status.PUBLISHED,
        )
    return reverse("reports:article_export", args=[article.pk, "pdf"])


def test_a_large_pdf_answers_being_prepared_then_serves_the_file(
    big_report: str, editor: Any
) -> None:
    client = Client()
    client.force_login(editor)

    first = client.get(big_report)

    assert first.status_code == 202
    assert first["Retry-After"] == "5"
    assert b"Preparing the PDF" in first.content and b'http-equiv="refresh"' in first.content
    [thread] = pdf._threads.values()
    thread.join(timeout=300)
    second = client.get(big_report)
    assert second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    data = b"".join(second.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    pdf._threads.clear()


def test_an_edit_makes_a_new_file(big_report: str, editor: Any) -> None:
    client = Client()
    client.force_login(editor)
    client.get(big_report)
    for thread in pdf._threads.values():
        thread.join(timeout=300)
    pdf._threads.clear()
    assert client.get(big_report).status_code == 200

    Verdict.objects.update(rationale="Changed after the file was made.", version=9)

    assert client.get(big_report).status_code == 202
    for thread in pdf._threads.values():
        thread.join(timeout=300)
    pdf._threads.clear()


def test_a_failed_job_says_why_and_tries_again(
    big_report: str, editor: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise pdf.PdfUnavailable("Pango is missing")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    client = Client()
    client.force_login(editor)
    client.get(big_report)
    for thread in pdf._threads.values():
        thread.join(timeout=60)
    pdf._threads.clear()

    failed = client.get(big_report)

    assert failed.status_code == 400
    assert b"The PDF could not be made: Pango is missing" in failed.content
    assert client.get(big_report).status_code == 202  # a new attempt
    for thread in pdf._threads.values():
        thread.join(timeout=60)
    pdf._threads.clear()
