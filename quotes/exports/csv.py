"""CSV: one row per claim, streamed line by line.

UTF-8 with a byte order mark, which is how Excel knows the file is UTF-8 (without it,
"Café" opens as "CafÃ©"). Sources go in one cell, one per line, each with its date and URL.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from quotes.exports import sql
from quotes.exports.records import NO_VERDICT, ClaimRecord, iter_records, permalink, person_name
from quotes.models import SUMMARY_LENGTH, Claim, Evidence, shorten

CSV_COLUMNS = [
    "claim_id",
    "article_id",
    "article_title",
    "article_url",
    "article_outlet",
    "article_published",
    "context",
    "summary",
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
    "published_at",
    "rationale",
    "correction",
    "sources",
    "evidence_corroborates",
    "evidence_disputes",
    "evidence_context",
    "verdict_url",
]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


# After a leading + or -, what makes a spreadsheet compute rather than show text: a
# function call or DDE link ("+SUM(", "-cmd|"), a cell reference ("-A1"), another operator.
_EXECUTABLE_AFTER_SIGN = re.compile(r"\s*(?:[A-Za-z_][\w.]*\s*[(|!]|\$?[A-Za-z]{1,3}\$?\d|[-+=@])")
# A sum of numbers ("-2+3") is computed too, and its value replaces the text.
_ARITHMETIC = re.compile(r"[-+]?[\d.,\s%]+(?:[-+*/^][\d.,\s%]+)+")


def _cell(value: str) -> str:
    """Text a spreadsheet would run as a formula (CSV injection), made inert by a leading '.

    = and @ always start a formula, as do a leading tab or carriage return hiding one. A
    leading + or - does only before a function, a DDE link, a cell reference or
    arithmetic: "-5% unemployment" or "- a list item" are text and stay as written.
    """
    first = value[:1]
    if first in ("=", "@", "\t", "\r"):
        return "'" + value
    if first in ("+", "-") and (
        _EXECUTABLE_AFTER_SIGN.match(value, 1) or _ARITHMETIC.fullmatch(value)
    ):
        return "'" + value
    return value


def _sources(record: ClaimRecord) -> str:
    lines = []
    for e in record.evidence:
        source = e.source
        line = f"{e.get_stance_display()}: {source}"
        if source.publisher:
            line += f", {source.publisher}"
        if source.published:
            line += f", {source.published.isoformat()}"
        if str(source) != source.url:
            line += f" <{source.url}>"
        lines.append(line)
    return "\n".join(lines)


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
            _cell(claim.article.outlet),
            claim.article.published.isoformat() if claim.article.published else "",
            _cell(claim.context),
            _cell(record.summary),
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
            verdict.published_at.isoformat() if verdict and verdict.published_at else "",
            _cell(verdict.rationale) if verdict else "",
            _cell(record.correction),
            _cell(_sources(record)),
            str(counts[Evidence.Stance.CORROBORATES]),
            str(counts[Evidence.Stance.DISPUTES]),
            str(counts[Evidence.Stance.CONTEXT]),
            permalink(verdict) if verdict else "",
        ]


def iter_csv(claims: QuerySet[Claim]) -> Iterator[bytes]:
    """Stream the CSV export of `claims` as UTF-8 bytes, a line or a batch of lines at a time.

    The query and the first chunk of claims run now, the rest as the lines are read. On
    PostgreSQL the rows come from one query (quotes/exports/sql.py), elsewhere from
    ClaimRecords; the bytes are the same.
    """
    if sql.available():
        return _sql_lines(sql.row_batches(claims, full=False))
    return _lines(iter_records(claims))


def _lines(records: Iterable[ClaimRecord]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()  # the byte order mark by which Excel reads UTF-8
    for row in csv_rows(records):
        yield writer.writerow(row).encode()


_STANCES = dict(Evidence.Stance.choices)


def _sql_sources(items: list[list[Any]] | None) -> str:
    """_sources() from the json_agg of [stance, title, url, publisher, published]."""
    lines = []
    for stance, title, url, publisher, published in items or ():
        name = title or url  # str(Source)
        line = f"{_STANCES.get(stance, stance)}: {name}"
        if publisher:
            line += f", {publisher}"
        if published:
            line += f", {published}"  # the date as ISO text already
        if name != url:
            line += f" <{url}>"
        lines.append(line)
    return "\n".join(lines)


def sql_row(row: tuple[Any, ...], permalinks: sql.Permalinks) -> list[str]:
    """One claim's CSV row from the export query's columns: what csv_rows() writes."""
    (
        claim_id,
        article_id,
        title,
        url,
        outlet,
        published,
        context,
        summary,
        exact,
        position,
        kind,
        speaker,
        speaker_text,
        method,
        confidence,
        confirmed,
        verdict_id,
        rating,
        first,
        last,
        published_at,
        rationale,
        correction,
        evidence,
    ) = row
    counts = dict.fromkeys(_STANCES, 0)
    for item in evidence or ():
        counts[item[0]] = counts.get(item[0], 0) + 1
    verdict = verdict_id is not None
    return [
        str(claim_id),
        str(article_id),
        _cell(title),
        url,
        _cell(outlet),
        published.isoformat() if published else "",
        _cell(context),
        _cell(summary.strip() or shorten(exact, SUMMARY_LENGTH)),
        str(position),
        kind,
        _cell(exact),
        _cell(speaker or ""),
        _cell(speaker_text),
        method,
        "" if confidence is None else f"{confidence:.3f}",
        "yes" if confirmed else "no",
        _cell(rating) if verdict else "",
        "published" if verdict else NO_VERDICT,
        _cell(sql.full_name(first, last)) if verdict else "",
        published_at.isoformat() if verdict and published_at else "",
        _cell(rationale) if verdict else "",
        _cell(correction) if verdict else "",
        _cell(_sql_sources(evidence)),
        str(counts[Evidence.Stance.CORROBORATES]),
        str(counts[Evidence.Stance.DISPUTES]),
        str(counts[Evidence.Stance.CONTEXT]),
        permalinks(verdict_id) if verdict else "",
    ]


def _sql_lines(batches: Iterator[list[tuple[Any, ...]]]) -> Iterator[bytes]:
    permalinks = sql.Permalinks()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # the byte order mark by which Excel reads UTF-8
    writer.writerow(CSV_COLUMNS)
    # A batch of rows per piece of the response, not a line: a million yields and
    # encodes of 400 bytes cost more than writing the rows.
    for batch in batches:
        writer.writerows(sql_row(row, permalinks) for row in batch)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def failure_trailer(note: str) -> bytes:
    """A last row saying the file is incomplete, where a spreadsheet shows it."""
    return csv.writer(_Echo()).writerow([note]).encode()
