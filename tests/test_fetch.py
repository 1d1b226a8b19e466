"""Fetching by URL is a security boundary: tests against a local HTTP server."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from quotes import intake
from quotes.fetch import FEED_TYPES, FetchFailed, FetchRefused, check_address, fetch

ARTICLE = (
    "<html><head><title>Budget row | Daily Example</title>"
    '<meta name="author" content="Jane Roe">'
    '<meta property="og:site_name" content="Daily Example">'
    '<meta property="article:published_time" content="2026-11-20T08:00:00Z">'
    "</head><body><nav>Home | World | Sport</nav><article><h1>Budget row</h1>"
    "<p>The finance minister said on Tuesday that spending on schools would rise by five "
    "percent next year, a figure the opposition disputes.</p>"
    "<p>“We will not raise taxes to pay for it,” the minister told reporters in the capital. "
    "Critics said the numbers did not add up and asked for an independent review.</p>"
    "</article><footer>Copyright Daily Example</footer></body></html>"
)


@pytest.fixture
def server(httpserver: HTTPServer, settings: Any) -> Iterator[HTTPServer]:
    """The test server, reachable as localhost:PORT only: 127.0.0.1 stays refused."""
    settings.FETCH_ALLOWED_HOSTS = [f"localhost:{httpserver.port}"]
    settings.FETCH_READ_TIMEOUT = 1
    settings.FETCH_TOTAL_TIMEOUT = 3
    yield httpserver


def test_it_fetches_a_page_and_extracts_the_article(server: HTTPServer) -> None:
    server.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
    page = intake.fetch_article(server.url_for("/story"))
    assert page.title.startswith("Budget row")
    assert page.byline == "Jane Roe"
    assert page.outlet == "Daily Example"
    assert str(page.published) == "2026-11-20"
    assert "We will not raise taxes" in page.text
    assert "Home | World" not in page.text and "Copyright" not in page.text
    assert page.text.startswith("The finance minister said")  # the headline is the title
    # paragraphs are separated by a blank line, as the workbench expects
    assert "\n\n" in page.text


def test_plain_text_is_taken_as_it_is(server: HTTPServer) -> None:
    server.expect_request("/t.txt").respond_with_data(
        "A title line\n\nThe mayor said the bridge would open in May.", content_type="text/plain"
    )
    page = intake.fetch_article(server.url_for("/t.txt"))
    assert page.title == "A title line"
    assert "bridge would open" in page.text


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/a", "javascript:alert(1)", "gopher://x/", "//x/y"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchRefused, match="Only http and https"):
        fetch(url)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("100.64.0.1", "private"),
        ("0.0.0.0", "private"),  # noqa: S104
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("fc00::1", "private"),
    ],
)
def test_addresses_off_the_internet_are_refused(address: str, why: str) -> None:
    with pytest.raises(FetchRefused, match=why):
        check_address(address)


def test_public_addresses_pass() -> None:
    check_address("93.184.215.14")
    check_address("2606:2800:21f:cb07:6820:80da:af6b:8b2e")


def test_a_loopback_url_is_refused_before_connecting(server: HTTPServer) -> None:
    server.expect_request("/secret").respond_with_data("internal", content_type="text/plain")
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(f"http://127.0.0.1:{server.port}/secret")
    with pytest.raises(FetchRefused, match="loopback"):
        fetch("http://localhost:6379/")  # named, but resolves to loopback: refused after DNS
    assert server.log == []


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    def fake_dns(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    with pytest.raises(FetchRefused, match=r"private .*10\.0\.0\.7"):
        fetch("https://intranet.example.org/")


def test_an_unknown_host_is_refused_with_a_message() -> None:
    with pytest.raises(FetchRefused, match="could not be resolved"):
        fetch("http://no-such-host.invalid/")


def test_a_redirect_to_loopback_is_refused(server: HTTPServer) -> None:
    server.expect_request("/secret").respond_with_data("internal", content_type="text/plain")
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{server.port}/secret"}
    )
    with pytest.raises(FetchRefused, match="loopback"):
        fetch(server.url_for("/go"))
    assert [request.path for request, _ in server.log] == ["/go"]


def test_a_redirect_to_metadata_is_refused(server: HTTPServer) -> None:
    server.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(FetchRefused, match="link-local"):
        fetch(server.url_for("/go"))


def test_redirects_on_allowed_hosts_are_followed_and_the_final_url_kept(
    server: HTTPServer,
) -> None:
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(ARTICLE, content_type="text/html")
    page = fetch(server.url_for("/old"))
    assert page.url == server.url_for("/new")


def test_endless_redirects_are_refused(server: HTTPServer) -> None:
    server.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchRefused, match="redirected more than"):
        fetch(server.url_for("/loop"))


def test_an_oversized_body_is_refused(server: HTTPServer, settings: Any) -> None:
    settings.FETCH_MAX_BYTES = 10_000
    server.expect_request("/big").respond_with_data("x" * 20_000, content_type="text/plain")
    with pytest.raises(FetchRefused, match="larger than the limit of 10,000 bytes"):
        fetch(server.url_for("/big"))


def test_an_oversized_body_without_length_is_cut_off(server: HTTPServer, settings: Any) -> None:
    settings.FETCH_MAX_BYTES = 100_000

    def stream(request: Request) -> Response:
        chunks = (b"<p>" + b"y" * 10_000 + b"</p>" for _ in range(1_000))  # 10 MB, unannounced
        return Response(chunks, content_type="text/html")

    server.expect_request("/stream").respond_with_handler(stream)
    with pytest.raises(FetchRefused, match="larger than the limit"):
        fetch(server.url_for("/stream"))


def test_a_compression_bomb_is_refused(server: HTTPServer, settings: Any) -> None:
    settings.FETCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b" " * 5_000_000)  # 5 MB unpacked from about 5 kB
    server.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchRefused, match="larger than the limit"):
        fetch(server.url_for("/bomb"))


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/json", ""])
def test_other_content_types_are_refused(server: HTTPServer, content_type: str) -> None:
    def answer(request: Request) -> Response:
        response = Response(b"\x89PNG", content_type=content_type or None)
        if not content_type:
            del response.headers["Content-Type"]
        return response

    server.expect_request("/file").respond_with_handler(answer)
    with pytest.raises(FetchRefused, match="not a web page or text"):
        fetch(server.url_for("/file"))


def test_feeds_accept_feed_types_only(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data("<rss/>", content_type="application/rss+xml")
    assert fetch(server.url_for("/feed"), accept=FEED_TYPES).content == b"<rss/>"
    with pytest.raises(FetchRefused, match="not a web page"):
        fetch(server.url_for("/feed"))


def test_client_errors_are_refused_and_server_errors_may_be_retried(server: HTTPServer) -> None:
    server.expect_request("/gone").respond_with_data("no", status=404)
    server.expect_request("/down").respond_with_data("no", status=503)
    with pytest.raises(FetchRefused, match="answered 404") as refused:
        fetch(server.url_for("/gone"))
    assert not isinstance(refused.value, FetchFailed)
    with pytest.raises(FetchFailed, match="503"):
        fetch(server.url_for("/down"))


def test_a_slow_server_times_out(server: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late", content_type="text/plain")

    server.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="did not answer in time|stopped sending"):
        fetch(server.url_for("/slow"))
    assert time.monotonic() - started < 1.4


def test_a_page_without_article_text_is_refused(server: HTTPServer) -> None:
    server.expect_request("/empty").respond_with_data(
        "<html><body><img src=a.png></body></html>", content_type="text/html"
    )
    with pytest.raises(FetchRefused, match="No article text"):
        intake.fetch_article(server.url_for("/empty"))


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://exa mple.org/", "http://user:pw@example.org/", "x" * 3000]
)
def test_malformed_urls_are_refused_with_a_message(url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch(url)
