"""CSV and JSON exports on PostgreSQL: one query yields every column, read by a server-side cursor.

The ORM path (records.py) builds a Claim with its article, speaker, verdict, evidence and
aliases as model instances for every claim, chunk by chunk: about 2.5-7k claims a second,
so under gunicorn's 30 s timeout an export of the whole archive was cut off part-way.
Here one SELECT joins the article, speaker, published verdict, rating and reviewer, and
aggregates each claim's evidence (and, for JSON, the speaker's aliases and the verdict's
published history) with json_agg in LATERAL subqueries that probe their claim's index;
a named (server-side) cursor hands over FETCH_SIZE plain tuples at a time, and csv.py and
json.py write them in the very format of the ORM path (tests/test_exports_sql.py compares
the two byte for byte). benchmarks/exports.py --pg measures the rate and peak memory.

SQLite keeps the ORM path: it is the development database, where archives stay small.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from quotes.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    Source,
    Speaker,
    SpeakerAlias,
    Verdict,
)

# Tuples per FETCH from the server-side cursor: ~1 MB of CSV, a few MB of Python objects.
FETCH_SIZE = 2000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def available() -> bool:
    """True where this path applies (PostgreSQL); elsewhere the exports use the ORM path."""
    return connection.vendor == "postgresql"


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models: dict[str, Any] = {
        "claim": Claim,
        "article": Article,
        "speaker": Speaker,
        "alias": SpeakerAlias,
        "verdict": Verdict,
        "history": Verdict.history.model,
        "rating": Rating,
        "user": get_user_model(),
        "evidence": Evidence,
        "source": Source,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


# The columns both formats read, in this order: csv.py and json.py unpack them by position.
COMMON = [
    ("id", "c.id"),
    ("article_id", "c.article_id"),
    ("title", "a.title"),
    ("url", "a.url"),
    ("outlet", "a.outlet"),
    ("published", "a.published"),
    ("context", "c.context"),
    ("summary", "c.summary"),
    ("exact", "c.exact"),
    ("position", "c.position"),
    ("kind", "c.kind"),
    ("speaker", "s.name"),
    ("speaker_text", "c.speaker_text"),
    ("method", "c.attribution_method"),
    ("confidence", "c.confidence"),
    ("confirmed", "c.speaker_confirmed"),
    ("verdict_id", "v.id"),
    ("rating", "r.label"),
    ("reviewer_first", "u.first_name"),
    ("reviewer_last", "u.last_name"),
    ("published_at", "v.published_at"),
    ("rationale", "v.rationale"),
    ("correction", "v.correction_note"),
]
# Evidence in the ORM path's order (created, id); CSV needs the source's name and date.
CSV_COLUMNS = [
    *COMMON,
    (
        "evidence",
        "(SELECT json_agg(json_build_array(e.stance, src.title, src.url, src.publisher,"
        " src.published) ORDER BY e.created, e.id) FROM {evidence} e"
        " JOIN {source} src ON src.id = e.source_id WHERE e.claim_id = c.id)",
    ),
]
# Times inside json_agg travel as epoch microseconds: PostgreSQL's JSON writes fractions
# of a second without trailing zeros, Python's isoformat() with six digits.
JSON_COLUMNS = [
    *COMMON,
    ("byline", "a.byline"),
    ("start", "c.start"),
    ("end", "c.end"),
    ("prefix", "c.prefix"),
    ("suffix", "c.suffix"),
    ("subjects", "c.subjects"),
    ("cue", "c.cue"),
    ("speaker_id", "s.id"),
    ("speaker_kind", "s.kind"),
    ("speaker_role", "s.role"),
    ("speaker_party", "s.party"),
    ("speaker_state", "s.state"),
    ("verdict_status", "v.status"),
    ("rating_slug", "r.slug"),
    ("rating_value", "r.value"),
    (
        "aliases",
        "(SELECT json_agg(al.alias ORDER BY al.alias) FROM {alias} al WHERE al.speaker_id = s.id)",
    ),
    (
        "evidence",
        "(SELECT json_agg(json_build_array(e.stance, e.excerpt, e.note,"
        " (extract(epoch FROM e.created) * 1000000)::bigint, src.url, src.title,"
        " src.publisher, src.published, src.archived_url) ORDER BY e.created, e.id)"
        " FROM {evidence} e JOIN {source} src ON src.id = e.source_id"
        " WHERE e.claim_id = c.id)",
    ),
    ("history", "hs.items"),
    ("first_published", "hs.first"),
]
# The published versions of a published verdict (never the drafts in between), oldest
# first, and when it was first published (for a verdict republished after a correction).
HISTORY_JOIN = (
    " LEFT JOIN LATERAL (SELECT json_agg(json_build_array("
    "(extract(epoch FROM h.history_date) * 1000000)::bigint, h.history_type,"
    " h.history_change_reason, hu.first_name, hu.last_name, hr.label, hr.slug, hr.value,"
    " h.rationale) ORDER BY h.history_date, h.history_id) AS items,"
    " min(h.published_at) AS first"
    " FROM {history} h LEFT JOIN {rating} hr ON hr.id = h.rating_id"
    " LEFT JOIN {user} hu ON hu.id = h.history_user_id"
    " WHERE h.id = v.id AND h.status = 'published') hs ON true"
)


def export_sql(claims: QuerySet[Claim], *, full: bool) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of the export of `claims`: JSON's columns with `full`, else CSV's.

    Only a *published* verdict is joined (the integrity rule of records.py): a claim
    whose verdict is a draft or in review comes out with no verdict at all.
    """
    tables = _tables()
    columns = JSON_COLUMNS if full else CSV_COLUMNS
    select = ", ".join(expression.format(**tables) for _, expression in columns)
    # Only table names (quoted by the backend) and this module's constant expressions are
    # formatted in; every value, the filter's included, goes as a parameter.
    sql = (
        f"SELECT {select} FROM {tables['claim']} c"  # noqa: S608
        f" JOIN {tables['article']} a ON a.id = c.article_id"
        f" LEFT JOIN {tables['speaker']} s ON s.id = c.speaker_id"
        f" LEFT JOIN {tables['verdict']} v ON v.claim_id = c.id AND v.status = %s"
        f" LEFT JOIN {tables['rating']} r ON r.id = v.rating_id"
        f" LEFT JOIN {tables['user']} u ON u.id = v.reviewer_id"
    )
    params: list[Any] = [Verdict.Status.PUBLISHED]
    if full:
        sql += HISTORY_JOIN.format(**tables)
    query = claims.query
    if query.where or query.is_sliced or query.distinct or query.combinator:
        # Re-selecting by id keeps the filter's joins, DISTINCT or annotations out of the
        # export's own query, as records.export_queryset does.
        inner, inner_params = claims.order_by().values("pk").query.sql_with_params()
        sql += f" WHERE c.id IN ({inner})"
        params.extend(inner_params)
    # The report order of records.export_queryset; claim_article_start_idx gives the
    # article order, so PostgreSQL sorts each article's claims, never the whole table.
    sql += " ORDER BY c.article_id, c.position, c.start, c.id"
    return sql, tuple(params)


def fetch_batch(cursor: Any, size: int) -> list[tuple[Any, ...]]:
    """The next `size` rows of the cursor (a seam where tests make a stream fail)."""
    rows: list[tuple[Any, ...]] = cursor.fetchmany(size)
    return rows


def _batches(sql: str, params: tuple[Any, ...]) -> Iterator[list[tuple[Any, ...]]]:
    # A named cursor: PostgreSQL keeps the result and sends FETCH_SIZE rows per round
    # trip, so the process holds one batch whatever the number of claims. Outside a
    # transaction Django declares it WITH HOLD (the result is kept server-side until it is
    # closed), so no transaction stays open while a slow client reads.
    held = not connection.in_atomic_block
    cursor = connection.chunked_cursor()
    finished = False
    try:
        if not held:
            # In a transaction (the background job's, quotes/background_reports.py), the
            # cursor is read as it runs: plan it for all its rows, not the first tenth
            # (cursor_tuple_fraction), and without JIT, whose compiled expressions ran
            # slower than the interpreter here: 13.2 s -> 7.1 s to read the JSON
            # export's million rows. (WITH HOLD runs the whole query at DECLARE and writes
            # it to a temporary file: 11.8 s.) SET LOCAL ends with the transaction.
            with connection.cursor() as settings_cursor:  # not the named cursor: no DECLARE
                settings_cursor.execute("SET LOCAL cursor_tuple_fraction = 1; SET LOCAL jit = off")
        cursor.execute(sql, params)
        while True:
            rows = fetch_batch(cursor, FETCH_SIZE)
            yield rows
            if len(rows) < FETCH_SIZE:
                finished = True
                return
    finally:
        if finished or held:
            cursor.close()
        else:
            _forget(cursor)


def _forget(cursor: Any) -> None:
    """Drop a cursor declared inside a transaction without sending CLOSE.

    Such a cursor ends with its transaction. A response dropped unread is closed when it
    is collected, which may be after that transaction ended and another began (tests do
    this): a CLOSE of a cursor that no longer exists would abort the other transaction.
    """
    driver_cursor = getattr(cursor, "cursor", cursor)
    driver_cursor._close()


def row_batches(claims: QuerySet[Claim], *, full: bool) -> Iterator[list[tuple[Any, ...]]]:
    """The export's rows of `claims`, a batch at a time; see export_sql for the columns.

    The query and the first batch run now, so a query that cannot run fails before a
    streamed response has sent its first byte; the rest is read as the batches are.
    """
    batches = _batches(*export_sql(claims, full=full))
    first = next(batches)
    return itertools.chain([first], batches)


def from_epoch_us(value: int | None) -> dt.datetime | None:
    """An aware UTC datetime from epoch microseconds (exact, unlike a float timestamp)."""
    if value is None:
        return None
    return _EPOCH + dt.timedelta(microseconds=value)


def full_name(first: str | None, last: str | None) -> str:
    """records.person_name() from the two columns: the full name, "" without an account."""
    if first is None and last is None:
        return ""
    return f"{first or ''} {last or ''}".strip()


class Permalinks:
    """records.permalink() without a reverse() per row: the URL pattern resolved once."""

    _MARK = 987654321

    def __init__(self) -> None:
        url = settings.PUBLIC_BASE_URL + reverse("reports:verdict", args=[self._MARK])
        self.head, self.tail = url.split(str(self._MARK))

    def __call__(self, verdict_id: int) -> str:
        return f"{self.head}{verdict_id}{self.tail}"
