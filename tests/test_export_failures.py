"""A failed export is never a silent, truncated 200; a pathological search is never a 500.

What can fail before the response starts (the filter, the query, the first chunk of
claims) fails before it starts; what fails in the middle of a streamed export ends the
stream with a visible note in the format itself, and the connection is then broken off
(the exception reaches the server), so no client mistakes the file for a complete one.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from quotes import exports
from quotes.exports import records, sql
from tests.test_exports import Report, add_claims, make_report

CHUNK = 4
DASHES = "-" * 33
PATHOLOGICAL = [
    DASHES,
    "- " * 40,
    "-& " * 40,
    "tax " + "- " * 40 + "cut",
    "-!" * 40 + "cut",
    '-"' * 40 + "tax",
    "-" * 200 + "tax",
    "tax or " * 60,
    '"' * 99,
    "-\u2014" * 60,
    "\\" * 100 + "'" * 100,
]


@pytest.fixture
def report(fact_checker: User) -> Report:
    made = make_report(reviewer=fact_checker)
    add_claims(made.article, 3 * CHUNK)
    return made


def fail_after_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The third read of claims fails, on the ORM path (records) and the SQL path alike."""
    monkeypatch.setattr(records, "CHUNK_SIZE", CHUNK)
    real = records.RecordStream._load

    def load(self: records.RecordStream, offset: int) -> list[records.ClaimRecord]:
        if offset >= 2 * CHUNK:
            raise DatabaseError("server closed the connection unexpectedly")
        return real(self, offset)

    monkeypatch.setattr(records.RecordStream, "_load", load)
    monkeypatch.setattr(sql, "FETCH_SIZE", CHUNK)
    real_fetch = sql.fetch_batch
    fetched = []

    def fetch(cursor: Any, size: int) -> list[tuple[Any, ...]]:
        fetched.append(size)
        if len(fetched) > 2:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_fetch(cursor, size)

    monkeypatch.setattr(sql, "fetch_batch", fetch)


def read_until_broken(response: Any) -> bytes:
    chunks: list[bytes] = []
    with pytest.raises(exports.ExportInterrupted):
        for chunk in response.streaming_content:
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "html", "claimreview"])
def test_a_failure_mid_stream_ends_the_export_visibly(
    checker_client: Client, report: Report, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_after_first_chunk(monkeypatch)

    response = checker_client.get(reverse("reports:article_export", args=[report.article.pk, fmt]))

    assert response.status_code == 200  # the first chunks went out before the failure
    data = read_until_broken(response).decode()
    assert "EXPORT FAILED" in data
    assert "incomplete" in data
    assert "server closed the connection" not in data  # no internals in the file


def test_the_csv_failure_note_is_a_row_of_its_own(
    checker_client: Client, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_after_first_chunk(monkeypatch)

    response = checker_client.get(reverse("reports:claims_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(read_until_broken(response).decode("utf-8-sig"))))

    assert rows[0][0] == "claim_id"
    assert len(rows) == 1 + 2 * CHUNK + 1
    assert rows[-1][0].startswith("EXPORT FAILED")


def test_the_html_failure_note_is_an_alert_inside_the_report(
    checker_client: Client, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_after_first_chunk(monkeypatch)

    response = checker_client.get(reverse("reports:claims_export", args=["html"]))
    html = read_until_broken(response).decode()

    assert '<p class="export-failed" role="alert">' in html
    assert html.count('class="claim ') == 2 * CHUNK


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "html"])
def test_a_failure_before_the_first_byte_is_not_a_200(
    fact_checker: User, report: Report, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> list[Any]:
        raise DatabaseError("tsquery stack too small")

    monkeypatch.setattr(records.RecordStream, "_load", broken)
    monkeypatch.setattr(sql, "fetch_batch", broken)
    client = Client(raise_request_exception=False)
    client.force_login(fact_checker)

    response = client.get(reverse("reports:claims_export", args=[fmt]))

    assert response.status_code == 500
    assert not response.streaming


@pytest.mark.parametrize("q", PATHOLOGICAL)
def test_pathological_searches_list_claims(checker_client: Client, report: Report, q: str) -> None:
    response = checker_client.get(reverse("quotes:claims"), {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize("q", PATHOLOGICAL)
def test_pathological_searches_export_whole_files(
    checker_client: Client, report: Report, q: str
) -> None:
    response = checker_client.get(reverse("reports:claims_export", args=["csv"]), {"q": q})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "claim_id"
    assert all(not row[0].startswith("EXPORT FAILED") for row in rows)
