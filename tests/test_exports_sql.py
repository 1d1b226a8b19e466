"""PostgreSQL's CSV and JSON exports (one query, quotes/exports/sql.py) write exactly what the
ORM path (quotes/exports/records.py, SQLite's) writes: compared byte for byte on claims
with the values that break naive writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from quotes import exports
from quotes.exports import sql
from quotes.models import Article, Claim, Evidence, Verdict
from tests import factories
from tests.test_exports import PUBLISHED_AT, make_report

pytestmark = pytest.mark.skipif(
    not sql.available(), reason="the SQL path is PostgreSQL's; SQLite exports through the ORM"
)

TRICKY = [
    'She said, "we\'ll cut it", then left.',
    "Line one\nline two\r\nline three",
    "+SUM(A1:A2) was the total",
    "-2+3",
    "-5% unemployment is text",
    "@cmd|' /C calc'!A0",
    "\tTab first",
    "Café, naïve — 東京 😀 “quoted”",
]


def _tricky_article(reviewer: User, other: User) -> Article:
    body = " ".join(TRICKY)
    article = factories.ArticleFactory(
        title='=HYPERLINK("x"), a "title"', outlet="Outlet, Inc.", body=body, published=None
    )
    speaker = factories.SpeakerFactory(name='-Smith, "Jo" 😀', role="Mayor, acting")
    speaker.add_alias("Zed, J.")
    speaker.add_alias("Ann-Jo")
    start = 0
    claims = []
    for position, text in enumerate(TRICKY, start=1):
        start = body.index(text, start)
        claims.append(
            factories.ClaimFactory(
                article=article,
                start=start,
                end=start + len(text),
                position=position,
                speaker=speaker if position % 2 else None,
                confidence=None if position == 3 else 0.12345,
                context="=A1 interview, live" if position == 2 else "",
                summary="  " if position == 4 else ("Short, sharp" if position == 5 else ""),
                speaker_text="@the mayor" if position == 1 else "",
            )
        )
    untitled = factories.SourceFactory(title="", publisher="", url="https://x.example.org/a,b")
    dated = factories.SourceFactory(
        title='Report "2", part 1', publisher="Office, the", published=dt.date(2023, 2, 1)
    )
    for claim in claims[:3]:
        factories.EvidenceFactory(claim=claim, source=untitled, stance=Evidence.Stance.CONTEXT)
        factories.EvidenceFactory(
            claim=claim, source=dated, stance=Evidence.Stance.CORROBORATES, note='n,\n"q"'
        )
    # published, unpublished with a reason, published again: a correction
    corrected = factories.VerdictFactory(
        claim=claims[0], status=Verdict.Status.PUBLISHED, rationale="=1+1, first", reviewer=other
    )
    corrected.published_at = dt.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=dt.UTC)
    corrected._change_reason = "Published"  # type: ignore[attr-defined]
    corrected.save()
    corrected.status, corrected.correction_note = Verdict.Status.IN_REVIEW, "-A1 was wrong"
    corrected.rationale = "DRAFT-SECRET in between"
    corrected.save()
    corrected.status, corrected.rationale = Verdict.Status.PUBLISHED, 'Fixed, "now"\nright'
    corrected.published_at = PUBLISHED_AT
    corrected.save()
    factories.VerdictFactory(claim=claims[1], status=Verdict.Status.DRAFT, rationale="DRAFT-SECRET")
    factories.VerdictFactory(
        claim=claims[2], status=Verdict.Status.IN_REVIEW, rationale="REVIEW-SECRET"
    )
    published = factories.VerdictFactory(
        claim=claims[3], status=Verdict.Status.PUBLISHED, reviewer=reviewer
    )
    published.published_at = None  # published before dates were recorded
    published.save()
    return article


@pytest.fixture
def tricky(fact_checker: User, monkeypatch: pytest.MonkeyPatch) -> Any:
    fact_checker.first_name, fact_checker.last_name = "Zoë", "O'Brien, Jr."
    fact_checker.save()
    nameless = factories.editor(username="nameless")
    make_report(reviewer=fact_checker)
    _tricky_article(fact_checker, nameless)
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)


def both_paths(monkeypatch: pytest.MonkeyPatch, build: Any) -> tuple[bytes, bytes]:
    new = b"".join(build().chunks)
    with monkeypatch.context() as orm:
        orm.setattr(sql, "available", lambda: False)
        old = b"".join(build().chunks)
    return new, old


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_sql_path_writes_the_orm_paths_bytes(
    tricky: None, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, old = both_paths(monkeypatch, lambda: exports.export_claims(Claim.objects.all(), fmt))

    assert new == old
    assert b"DRAFT-SECRET" not in new and b"REVIEW-SECRET" not in new


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_filtered_or_article_export_is_the_same_too(
    tricky: None, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = Article.objects.get(outlet="Outlet, Inc.")
    filtered = Claim.objects.filter(speaker__isnull=False, kind="statement").distinct()

    assert len(set(both_paths(monkeypatch, lambda: exports.export_claims(filtered, fmt)))) == 1
    new, old = both_paths(
        monkeypatch, lambda: exports.export_article(article, fmt, include_unchecked=True)
    )
    assert new == old


def test_the_csv_cells_are_defused_and_parse_back(tricky: None) -> None:
    data = b"".join(exports.export_claims(Claim.objects.all(), "csv").chunks)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    texts = {r["text"] for r in rows}

    assert "Line one\nline two\r\nline three" in texts
    assert "'+SUM(A1:A2) was the total" in texts and "'-2+3" in texts
    assert "-5% unemployment is text" in texts and "'@cmd|' /C calc'!A0" in texts
    assert "Café, naïve — 東京 😀 “quoted”" in texts
    first = next(r for r in rows if r["text"].startswith("She said"))
    assert first["article_title"] == '\'=HYPERLINK("x"), a "title"'
    assert first["correction"] == "'-A1 was wrong" and first["reviewer"] == ""
    assert first["sources"] == (
        "Context: https://x.example.org/a,b\n"
        'Corroborates: Report "2", part 1, Office, the, 2023-02-01 <'
        + Evidence.objects.filter(source__published__isnull=False).first().source.url  # type: ignore[union-attr]
        + ">"
    )


def test_json_keeps_a_corrections_first_publication_and_its_history(tricky: None) -> None:
    data = json.loads(b"".join(exports.export_claims(Claim.objects.all(), "json").chunks))
    claim = next(c for c in data["claims"] if c["text"].startswith("She said"))

    verdict = claim["verdict"]
    assert verdict["first_published_at"] == "2024-01-02T03:04:05.120000+00:00"
    assert verdict["correction_note"] == "-A1 was wrong"
    # created published, then dated, then republished: the draft in between is not history
    rationales = [h["rationale"] for h in verdict["history"]]
    assert rationales == ["=1+1, first", "=1+1, first", 'Fixed, "now"\nright']
    assert claim["speaker"]["aliases"] == ["Ann-Jo", "Zed, J."]
