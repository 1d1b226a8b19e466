"""Exports cost the same per claim whatever the article's length or the number of claims.

The figures (peak RSS and time at 1k and 25k claims) are in benchmarks/exports.py; these
tests pin down the two properties that keep them flat: no article body is read per claim,
and no format holds more than a chunk or two of records at once.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quotes import exports
from quotes.exports import records
from quotes.models import Claim
from tests.test_exports import Report, add_claims, consume, make_report

STREAMED = ["csv", "json", "claimreview", "md", "html"]
CHUNK = 4


@pytest.fixture
def report(db: None) -> Report:
    return make_report()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "CHUNK_SIZE", CHUNK)


def body_reads(queries: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in queries if '"quotes_article"."body"' in q["sql"]]


@pytest.mark.parametrize("fmt", STREAMED)
def test_an_article_export_reads_no_body_per_claim(
    report: Report, fmt: str, small_chunks: None
) -> None:
    add_claims(report.article, 5 * CHUNK)

    with CaptureQueriesContext(connection) as ctx:
        consume(exports.export_article(report.article, fmt).chunks)

    # The article itself is loaded before the export, with its body; the claims are
    # read in six chunks, and none of them reads the body again.
    assert body_reads(ctx.captured_queries) == []


@pytest.mark.parametrize("fmt", STREAMED)
def test_a_claims_export_reads_no_body_at_all(report: Report, fmt: str, small_chunks: None) -> None:
    add_claims(report.article, 3 * CHUNK)

    with CaptureQueriesContext(connection) as ctx:
        consume(exports.export_claims(Claim.objects.all(), fmt).chunks)

    assert body_reads(ctx.captured_queries) == []


@pytest.mark.parametrize("fmt", STREAMED)
def test_no_format_holds_more_than_two_chunks_of_records(
    report: Report, fmt: str, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_claims(report.article, 6 * CHUNK)
    alive: weakref.WeakValueDictionary[int, records.ClaimRecord] = weakref.WeakValueDictionary()

    class Tracked(records.ClaimRecord):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            alive[id(self)] = self

    monkeypatch.setattr(records, "ClaimRecord", Tracked)
    most = made = 0
    for _chunk in exports.export_article(report.article, fmt).chunks:
        gc.collect()
        most = max(most, len(alive))
        made += 1
    assert made > 2  # streamed: the records went out in pieces
    assert 0 < most <= 2 * CHUNK


def test_the_html_report_is_streamed_and_counts_its_claims(
    report: Report, small_chunks: None
) -> None:
    add_claims(report.article, 2 * CHUNK)

    export = exports.export_article(report.article, "html", include_unchecked=True)

    assert export.streaming
    html = b"".join(export.chunks).decode()
    assert "<dt>Claims</dt><dd>12</dd>" in html
    numbers = [f'<span class="claim-number">{n}.</span>' for n in range(1, 13)]
    assert all(number in html for number in numbers)
    assert html.rstrip().endswith("</html>")
