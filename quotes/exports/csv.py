"""CSV: one row per claim, streamed line by line."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from quotes.exports.records import NO_VERDICT, ClaimRecord, iter_records, permalink, person_name
from quotes.models import Claim, Evidence

CSV_COLUMNS = [
    "claim_id",
    "article_id",
    "article_title",
    "article_url",
    "position",
    "kind",
    "text",
    "speaker",
    "speaker_as_written",
    "attribution_method",
    "confidence",
    "speaker_confirmed",
    "rating",
    "status",
    "reviewer",
    "evidence_corroborates",
    "evidence_disputes",
    "evidence_context",
    "verdict_url",
]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection);
    # a leading apostrophe makes them show it as text.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(records: Iterable[ClaimRecord]) -> Iterator[list[str]]:
    """The CSV table as rows of strings, header first: one row per claim."""
    yield list(CSV_COLUMNS)
    for record in records:
        claim, verdict = record.claim, record.verdict
        counts = record.stance_counts
        yield [
            str(claim.pk),
            str(claim.article_id),
            _cell(claim.article.title),
            claim.article.url,
            str(claim.position),
            claim.kind,
            _cell(claim.exact),
            _cell(claim.speaker.name if claim.speaker else ""),
            _cell(claim.speaker_text),
            claim.attribution_method,
            "" if claim.confidence is None else f"{claim.confidence:.3f}",
            "yes" if claim.speaker_confirmed else "no",
            _cell(verdict.rating.label) if verdict else "",
            verdict.status if verdict else NO_VERDICT,
            _cell(person_name(verdict.reviewer)) if verdict else "",
            str(counts[Evidence.Stance.CORROBORATES]),
            str(counts[Evidence.Stance.DISPUTES]),
            str(counts[Evidence.Stance.CONTEXT]),
            permalink(verdict) if verdict else "",
        ]


def iter_csv(claims: QuerySet[Claim]) -> Iterator[bytes]:
    """Stream the CSV export of `claims` as UTF-8 bytes, one line at a time.

    The query and the first chunk of claims run now, the rest as the lines are read.
    """
    return _lines(iter_records(claims))


def _lines(records: Iterable[ClaimRecord]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    for row in csv_rows(records):
        yield writer.writerow(row).encode()


def failure_trailer(note: str) -> bytes:
    """A last row saying the file is incomplete, where a spreadsheet shows it."""
    return csv.writer(_Echo()).writerow([note]).encode()
