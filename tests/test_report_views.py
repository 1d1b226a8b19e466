"""The report views: exports behind login, and the public permalink of a verdict."""

from __future__ import annotations

import builtins
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quotes import exports
from quotes.models import Claim, Verdict
from tests import factories
from tests.test_exports import SECRETS, Report, add_claims, make_report

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "claimreview.schema.json").read_text("utf-8")
)
STREAMED = {"csv", "json", "claimreview", "md", "html"}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "claimreview": "application/ld+json",
}


@pytest.fixture
def report(fact_checker: User) -> Report:
    return make_report(reviewer=fact_checker)


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def article_url(report: Report, fmt: str) -> str:
    return reverse("reports:article_export", args=[report.article.pk, fmt])


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_exports_need_login(client: Client, report: Report, fmt: str) -> None:
    for url in (article_url(report, fmt), reverse("reports:claims_export", args=[fmt])):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_article_export_serves_each_format(
    checker_client: Client, report: Report, fmt: str
) -> None:
    response = checker_client.get(article_url(report, fmt))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response.streaming == (fmt in STREAMED)
    disposition = "inline" if fmt == "html" else "attachment"
    assert response["Content-Disposition"].startswith(
        f'{disposition}; filename="article-{report.article.pk}-budget-b-night-b'
    )
    data = body(response)
    assert data
    if fmt != "pdf":
        for secret in SECRETS:
            assert secret.encode() not in data


def test_article_export_csv_parses_back(checker_client: Client, report: Report) -> None:
    response = checker_client.get(article_url(report, "csv"), {"unchecked": "1"})

    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [r["text"] for r in rows][:2] == [report.published.exact, report.draft.exact]
    assert [r["status"] for r in rows] == ["published"] + [exports.NO_VERDICT] * 3


def test_html_report_links_its_stylesheet_under_the_csp(
    checker_client: Client, report: Report
) -> None:
    response = checker_client.get(article_url(report, "html"), {"unchecked": "1"})

    html = body(response).decode()
    assert "style-src 'self'" in response["Content-Security-Policy"]
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("style") == []
    assert soup.select("[style]") == []
    assert soup.find("link", rel="stylesheet")["href"] == "/static/css/report.css"
    assert len(soup.select("article.claim")) == 4


def test_unknown_article_is_404(checker_client: Client, db: None) -> None:
    response = checker_client.get(reverse("reports:article_export", args=[999999, "csv"]))

    assert response.status_code == 404


def test_unknown_format_is_404(checker_client: Client, report: Report) -> None:
    response = checker_client.get(f"/reports/articles/{report.article.pk}.docx")

    assert response.status_code == 404


def test_exports_only_answer_get(checker_client: Client, report: Report) -> None:
    response = checker_client.post(article_url(report, "csv"))

    assert response.status_code == 405


def test_pdf_without_pango_is_503_naming_it(
    checker_client: Client, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)

    response = checker_client.get(article_url(report, "pdf"))

    assert response.status_code == 503
    assert b"pango" in response.content


def test_pdf_past_the_limit_is_400_with_advice(
    checker_client: Client, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports.pdf, "MAX_PDF_CLAIMS", 2)

    response = checker_client.get(article_url(report, "pdf"), {"unchecked": "1"})

    assert response.status_code == 400
    assert b"export CSV or JSON" in response.content


def test_claims_export_follows_the_claims_filter(checker_client: Client, report: Report) -> None:
    other = make_report(speaker_name="Bob Other")
    speaker = other.published.speaker
    assert speaker is not None

    response = checker_client.get(
        reverse("reports:claims_export", args=["csv"]), {"speaker": speaker.pk}
    )

    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [r["claim_id"] for r in rows] == [str(other.published.pk)]


def test_claims_export_with_a_bad_filter_is_400(checker_client: Client, report: Report) -> None:
    response = checker_client.get(
        reverse("reports:claims_export", args=["csv"]), {"date_after": "not a date"}
    )

    assert response.status_code == 400
    assert b"The filter is not valid" in response.content


def test_claims_export_queries_do_not_grow(
    checker_client: Client, report: Report, django_assert_max_num_queries: Any
) -> None:
    url = reverse("reports:claims_export", args=["json"])
    add_claims(report.article, 2)
    with django_assert_max_num_queries(20) as small:
        body(checker_client.get(url))
    add_claims(report.article, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body(checker_client.get(url))


# --- the public permalink -------------------------------------------------------------


def ld_blocks(html: str) -> list[Any]:
    soup = BeautifulSoup(html, "html.parser")
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


def test_public_verdict_page_needs_no_login(client: Client, report: Report) -> None:
    response = client.get(reverse("reports:verdict", args=[report.verdict.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text(" ")
    assert report.published.exact in text
    assert "Ann <i>Evil</i> *Star*" in text
    assert "False" in soup.select_one(".verdict-rating").get_text()
    assert "Figures show a rise.</script><script>alert(2)</script>" in text
    assert "Stats <office>" in text and "Some prices fell." in text
    # Escaped: the only <script> elements are the JSON-LD data block.
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]
    assert soup.select("[style]") == [] and soup.find_all("style") == []


def test_public_verdict_embeds_a_valid_claimreview(client: Client, report: Report) -> None:
    response = client.get(reverse("reports:verdict", args=[report.verdict.pk]))

    html = response.content.decode()
    [review] = ld_blocks(html)
    jsonschema.validate(review, SCHEMA)
    assert review["url"] == f"http://127.0.0.1:8000/v/{report.verdict.pk}/"
    assert review["reviewBody"].startswith("Figures show a rise.</script>")
    # "</" never appears inside the data block, so it cannot end the script early.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None and "</" not in block.group(1)
    assert "\\u003C/script\\u003E" in block.group(1)
    # Data blocks are not executed, so script-src 'self' (no unsafe-inline) is enough.
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("status", [Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW])
def test_unpublished_verdicts_have_no_public_page(
    client: Client, report: Report, status: str
) -> None:
    verdict = Verdict.objects.get(claim=report.draft if status == "draft" else report.review)

    response = client.get(reverse("reports:verdict", args=[verdict.pk]))

    assert response.status_code == 404
    assert b"SECRET" not in response.content


def test_an_unpublished_verdict_loses_its_page(
    client: Client, report: Report, editor: User
) -> None:
    report.verdict.unpublish(by=editor, reason="The figure was wrong.")

    response = client.get(reverse("reports:verdict", args=[report.verdict.pk]))

    assert response.status_code == 404


def test_unknown_verdict_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("reports:verdict", args=[424242])).status_code == 404


def test_public_page_queries_do_not_grow_with_evidence(
    client: Client, report: Report, django_assert_max_num_queries: Any
) -> None:
    url = reverse("reports:verdict", args=[report.verdict.pk])
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for _ in range(10):
        factories.EvidenceFactory(claim=report.published)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.count(b'class="stance-') == 12
    assert Claim.objects.get(pk=report.published.pk).evidence.count() == 12
