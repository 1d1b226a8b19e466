"""An export that could not finish inside the web worker's timeout is never streamed into a
truncated 200: the view counts first and hands a large one to a background job (a
ReportFile to download), which without a broker runs inline and still writes the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quotes import exports, tasks
from quotes.exports import timing
from quotes.models import Claim, ReportFile
from tests.test_exports import Report, add_claims, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(fact_checker: Any) -> Report:
    made = make_report(reviewer=fact_checker)
    add_claims(made.article, 4)  # 8 claims, 5 of them with a published verdict
    return made


@pytest.fixture
def limit_of_five(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every format may stream 5 claims within a request: 2 s x 5 claims/s x 0.5."""
    settings.WEB_WORKER_TIMEOUT = 2
    monkeypatch.setattr(timing, "SQL_RATE", {"csv": 5, "json": 5})
    monkeypatch.setattr(timing, "ORM_RATE", 5)
    monkeypatch.setattr(timing, "ORM_RATE_HTML", 5)


def download(client: Client, report: ReportFile) -> bytes:
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_limit_is_the_rate_times_half_the_timeout(settings: Any) -> None:
    settings.WEB_WORKER_TIMEOUT = 30

    assert timing.inline_limit("csv") == timing.rate("csv") * 15
    assert timing.inline_limit("md") == timing.ORM_RATE * 15


def test_an_export_within_the_limit_streams_at_once(
    checker_client: Client, report: Report, settings: Any
) -> None:
    settings.WEB_WORKER_TIMEOUT = 30

    response = checker_client.get(reverse("reports:claims_export", args=["csv"]))

    assert response.status_code == 200 and response.streaming
    assert not ReportFile.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_a_claims_export_past_the_limit_is_prepared_in_the_background(
    checker_client: Client,
    fact_checker: Any,
    report: Report,
    limit_of_five: None,
    fmt: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fixed = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: fixed)  # JSON's generated_at

    response = checker_client.get(reverse("reports:claims_export", args=[fmt]), {"kind": ""})

    made = ReportFile.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert (made.requested_by, made.fmt, made.query, made.status) == (
        fact_checker,
        fmt,
        "kind=",
        ReportFile.Status.READY,  # no broker in the tests: the task ran inline
    )
    # the whole file, the same as the same export streamed
    export = exports.export_claims(Claim.objects.all(), fmt, description="All claims")
    expected = b"".join(export.chunks)
    assert download(checker_client, made) == expected
    assert b"EXPORT FAILED" not in expected


def test_the_background_file_of_an_article_keeps_the_unchecked_choice(
    checker_client: Client, report: Report, limit_of_five: None
) -> None:
    url = reverse("reports:article_export", args=[report.article.pk, "csv"])

    checker_client.get(url, {"unchecked": "1"})

    made = ReportFile.objects.get()
    assert (made.article, made.query) == (report.article, "unchecked=1")
    rows = list(csv.DictReader(io.StringIO(download(checker_client, made).decode("utf-8-sig"))))
    assert len(rows) == 8 and sum(r["status"] == "published" for r in rows) == 5


def test_a_reload_finds_the_report_being_prepared(
    checker_client: Client, report: Report, limit_of_five: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks, "send_report", queued.append)
    url = reverse("reports:claims_export", args=["json"])

    first = checker_client.get(url)
    second = checker_client.get(url)

    made = ReportFile.objects.get()
    assert made.status == ReportFile.Status.PENDING and queued == [made.pk]
    assert first["Location"] == second["Location"] == made.get_absolute_url()
    page = checker_client.get(made.get_absolute_url()).content.decode()
    assert "Being prepared" in page


def test_a_report_pending_past_the_tasks_time_limit_is_queued_again(
    checker_client: Client, report: Report, limit_of_five: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks, "send_report", queued.append)
    url = reverse("reports:claims_export", args=["csv"])
    checker_client.get(url)
    lost = ReportFile.objects.get()
    limit = tasks.render_report.time_limit
    ReportFile.objects.update(created=timezone.now() - dt.timedelta(seconds=limit + 1))

    response = checker_client.get(url)

    again = ReportFile.objects.exclude(pk=lost.pk).get()
    assert queued == [lost.pk, again.pk] and response["Location"] == again.get_absolute_url()


def test_the_count_stops_at_the_limit(report: Report, limit_of_five: None) -> None:
    with CaptureQueriesContext(connection) as ctx, pytest.raises(exports.ExportDeferred) as err:
        exports.export_claims(Claim.objects.all(), "csv", background=True)

    assert err.value.count == 6  # the limit and one: the rest is never counted
    [count] = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 6" in count


def test_a_json_file_made_in_the_background_parses(
    checker_client: Client, report: Report, limit_of_five: None
) -> None:
    checker_client.get(reverse("reports:claims_export", args=["json"]), {"speaker": ""})

    data = json.loads(download(checker_client, ReportFile.objects.get()))
    assert len(data["claims"]) == 8
