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
from quotes.exports import records, sql
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
    monkeypatch.setattr(sql, "FETCH_SIZE", CHUNK)


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
    if fmt in ("csv", "json") and sql.available():
        pytest.skip("no ClaimRecords on PostgreSQL: see test_the_sql_path_reads_a_batch_at_a_time")
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


@pytest.mark.skipif(not sql.available(), reason="PostgreSQL's export path")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_sql_path_reads_a_batch_at_a_time(
    report: Report, fmt: str, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_claims(report.article, 6 * CHUNK)  # 4 + 24 claims: 7 full batches and an empty one
    real = sql.fetch_batch
    fetched: list[int] = []

    def fetch(cursor: Any, size: int) -> list[tuple[Any, ...]]:
        rows = real(cursor, size)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(sql, "fetch_batch", fetch)
    export = exports.export_article(report.article, fmt, include_unchecked=True)
    assert fetched == [CHUNK]  # the query and its first batch ran before the first byte
    seen = []
    for _chunk in export.chunks:
        seen.append(len(fetched))
    # one batch read per piece written: never more than FETCH_SIZE rows in hand
    assert fetched == [CHUNK] * 7 + [0]
    assert seen[-1] == len(fetched) and sorted(seen) == seen and len(set(seen)) == 8


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
