"""Import by URL: the import page and `manage.py import_url`, against a local server."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_httpserver import HTTPServer

from quotes.models import Article, Claim
from tests.test_fetch import ARTICLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(httpserver: HTTPServer, settings: Any) -> HTTPServer:
    settings.FETCH_ALLOWED_HOSTS = [f"localhost:{httpserver.port}"]
    httpserver.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
    return httpserver


def test_the_import_page_offers_a_url(checker_client: Client) -> None:
    response = checker_client.get("/import/")
    assert b"Import from a URL" in response.content
    assert b'name="page_url"' in response.content


def test_fetching_a_url_fills_the_form_and_previews_without_saving(
    checker_client: Client, server: HTTPServer
) -> None:
    response = checker_client.post("/import/url", {"page_url": server.url_for("/story")})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value().startswith("Budget row")
    assert form["outlet"].value() == "Daily Example"
    assert form["url"].value() == server.url_for("/story")
    assert form["byline"].value() == "Jane Roe"
    assert "We will not raise taxes" in form["text"].value()
    assert b"Proposed claims" in response.content
    assert Article.objects.count() == 0


def test_the_previewed_article_is_imported_with_its_url(
    checker_client: Client, server: HTTPServer
) -> None:
    form = checker_client.post("/import/url", {"page_url": server.url_for("/story")}).context[
        "form"
    ]
    data = {name: form[name].value() or "" for name in ("title", "outlet", "url", "byline", "text")}
    data["published"] = "2026-11-20"
    response = checker_client.post("/import/", {**data, "save": "1"})
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.url == server.url_for("/story")
    assert article.claims.filter(kind=Claim.Kind.QUOTE).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/admin/", "loopback"),
        ("http://169.254.169.254/latest/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("ftp://example.org/", "Only http and https"),
        ("javascript:alert(1)", "Enter a valid URL"),
        ("http://no-such-host.invalid/", "could not be resolved"),
    ],
)
def test_refused_urls_answer_400_with_the_reason(
    checker_client: Client, url: str, message: str
) -> None:
    response = checker_client.post("/import/url", {"page_url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_a_redirect_to_loopback_is_refused_on_the_page(
    checker_client: Client, server: HTTPServer
) -> None:
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{server.port}/story"}
    )
    response = checker_client.post("/import/url", {"page_url": server.url_for("/go")})
    assert response.status_code == 400
    assert "loopback" in response.content.decode()


def test_an_oversized_page_is_refused_on_the_page(
    checker_client: Client, server: HTTPServer, settings: Any
) -> None:
    settings.FETCH_MAX_BYTES = 500
    response = checker_client.post("/import/url", {"page_url": server.url_for("/story")})
    assert response.status_code == 400
    assert "larger than the limit of 500 bytes" in response.content.decode()


def test_background_import_without_a_broker_runs_inline(
    checker_client: Client, server: HTTPServer, fact_checker: Any
) -> None:
    response = checker_client.post(
        "/import/url", {"page_url": server.url_for("/story"), "background": "on"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.imported_by == fact_checker
    assert not article.awaiting_analysis
    assert article.claims.exists()


def test_the_command_imports_each_url_and_reports_refusals(server: HTTPServer) -> None:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 2 URLs not imported"):
        call_command(
            "import_url",
            server.url_for("/story"),
            "http://127.0.0.1:9/",
            stdout=out,
            stderr=err,
        )
    article = Article.objects.get()
    assert f"article {article.pk}" in out.getvalue()
    assert "http://127.0.0.1:9/: not imported: It points to this machine" in err.getvalue()
    assert article.outlet == "Daily Example"
    assert article.claims.exists()


def test_the_command_does_not_import_a_url_twice_in_the_background(server: HTTPServer) -> None:
    for _ in range(2):
        call_command("import_url", "--background", server.url_for("/story"), stdout=StringIO())
    assert Article.objects.count() == 1
