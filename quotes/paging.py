"""Pages of long lists at the same cost at any size: keyset pagination and estimated counts.

Shared by the workbench's lists (claims, dashboard) and the admin's change lists
(quotes.admin). Measured on PostgreSQL 15, LIAR grown to 1M claims (benchmarks/web.py): an
OFFSET page reads and throws away every row before it, and Paginator counts every row of
the list for its "Page N of M", so the last page of the claims list (?page=20000) took
728 ms at 1M (53 ms at 13k); ?page=last now takes 25 ms at 1M (31 ms at 13k). Here a
page is the rows after (or before) the last one shown, in the list's order, found through
an index in that order: the next page, the previous one, the first and the last cost the
same at any size and at any depth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict

# Pages that old links name by number (?page=N, from before keyset pagination) are served
# by OFFSET up to this one: at 50 rows a page, at most 1,000 rows skipped, a bounded walk
# of the list's index. Past it, that page (and a message saying so).
MAX_NUMBERED_PAGE = 20
# Counts stop here: "500+ claims". Counting every match of a broad filter is a scan of
# everything it matches (86k rows for "tax" at 1M); nobody pages through hundreds. Each
# row counted can cost a probe of the claims table (kind + rating: the verdicts by rating,
# then each claim's kind): at 1,000 that count took 20 ms warm at 1M, more than the page.
COUNT_CAP = 500
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_BIGINT = 2**63 - 1


@dataclass(frozen=True)
class Count:
    """How many rows a list holds, as honestly as it could be found cheaply."""

    n: int
    exact: bool = True  # False: an estimate ("about n") or a floor ("n+")
    at_least: bool = False

    @property
    def n_text(self) -> str:
        return f"{self.n:,}"

    def __str__(self) -> str:
        if self.at_least:
            return f"{self.n:,}+"
        return f"{self.n:,}" if self.exact else f"about {self.n:,}"


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> Count:
    """Count the rows up to `cap`: SELECT count(*) FROM (... LIMIT cap + 1)."""
    # values("pk"): the count's subquery selects no annotation (a search's ts_rank per row)
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return Count(cap, exact=False, at_least=True) if n > cap else Count(n)


# PostgreSQL's estimate of a table's rows (pg_class.reltuples, kept by ANALYZE and
# autovacuum; -1 for a table never analysed).
ESTIMATE = "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass"


def list_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> Count:
    """The rows of a list: PostgreSQL's estimate for a whole table (COUNT(*) read all of
    the 1M claims: 82 ms, against 0.1 ms), else a count capped at `cap`.

    One query whichever it turns out to be: the estimate and the capped count are asked
    together, and PostgreSQL runs the count (an uncorrelated subquery, an InitPlan) only
    if the estimate is at most `cap`. Two queries for small tables and one for large ones
    made a page's query count depend on its table's size."""
    if queryset.query.where or connection.vendor != "postgresql":
        return capped_count(queryset, cap)
    sql, params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.n, CASE WHEN e.n > %s THEN NULL"  # noqa: S608 (our SQL and the ORM's)
            f" ELSE (SELECT count(*) FROM ({sql}) AS capped) END FROM ({ESTIMATE}) AS e(n)",
            [cap, *params, queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    estimate, counted = row if row else (None, None)
    if counted is None:
        return Count(int(estimate or 0), exact=False)
    n = int(counted)
    return Count(cap, exact=False, at_least=True) if n > cap else Count(n)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Keyset:
    """A list's order, unique on its last field: ("-article_created", "-article_id",
    "start", "pk"). The fields are integers or aware datetimes."""

    order: tuple[str, ...]
    datetimes: frozenset[str] = frozenset()

    @property
    def names(self) -> list[str]:
        return [name.lstrip("-") for name in self.order]

    def reversed(self) -> tuple[str, ...]:
        return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in self.order)

    def encode(self, values: Sequence[Any]) -> str:
        parts = []
        for name, value in zip(self.names, values, strict=True):
            if name in self.datetimes:
                value = (value - _EPOCH) // dt.timedelta(microseconds=1)
            parts.append(str(int(value)))
        return ".".join(parts)

    def decode(self, cursor: str) -> list[Any]:
        parts = cursor.split(".")
        if len(parts) != len(self.order) or len(cursor) > 200:
            raise BadCursor(cursor)
        values: list[Any] = []
        for name, part in zip(self.names, parts, strict=True):
            digits = part[1:] if part.startswith("-") else part
            if not (digits.isascii() and digits.isdigit()) or abs(int(part)) > _BIGINT:
                raise BadCursor(cursor)
            if name in self.datetimes:
                try:
                    values.append(_EPOCH + dt.timedelta(microseconds=int(part)))
                except OverflowError as exc:
                    raise BadCursor(cursor) from exc
            else:
                values.append(int(part))
        return values

    def beyond(self, values: Sequence[Any], *, forward: bool) -> Q:
        """The rows after `values` in this order (forward), or before them.

        Written as PostgreSQL plans it well: the leading field's bound on its own (an index
        condition: the walk starts at the cursor), then the exact lexicographic test (a
        filter over the few rows that share the leading value). Mixed directions (newest
        article first, then reading order) rule out one row comparison.
        """
        conditions = []
        for i, name in enumerate(self.order):
            descending = name.startswith("-") == forward
            op = "lt" if descending else "gt"
            equal = {self.names[j]: values[j] for j in range(i)}
            conditions.append(Q(**equal, **{f"{self.names[i]}__{op}": values[i]}))
        exact = Q()
        for condition in conditions:
            exact |= condition
        descending = self.order[0].startswith("-") == forward
        bound = Q(**{f"{self.names[0]}__{'lte' if descending else 'gte'}": values[0]})
        return bound & exact


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list, with the cursors of its neighbours."""

    object_list: list[Any]
    has_previous: bool
    has_next: bool
    previous_cursor: str | None = None
    next_cursor: str | None = None
    is_last: bool = False
    offset: int | None = None  # rows before this page, where known (first, numbered pages)
    message: str | None = None
    count: Count | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def start_index(self) -> int | None:
        return None if self.offset is None else self.offset + 1


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    keyset: Keyset,
    per_page: int,
    load: Callable[[list[Any]], list[Any]] | None = None,
) -> KeysetPage:
    """The page of `queryset` that the request names, in `keyset` order.

    `?after=C` / `?before=C`: the rows after or before cursor C (from a page's links);
    `?page=last`: the last rows; `?page=N` (old links): by OFFSET up to MAX_NUMBERED_PAGE;
    nothing: the first page. A damaged cursor or page number gives the first page and a
    message, never an error. The page holds the key values of its rows (one query on the
    index, not on the rows), passed to `load` to fetch what the page shows; without
    `load`, the queryset's own rows (the keys are read from their attributes).
    """
    params = request.GET
    after, before, number = params.get("after"), params.get("before"), params.get("page")
    forward_qs = queryset.order_by(*keyset.order)
    backward_qs = queryset.order_by(*keyset.reversed())
    message = None
    limit, keys = per_page + 1, load is not None
    try:
        if after:
            cut = keyset.decode(after)
            rows = _rows(forward_qs.filter(keyset.beyond(cut, forward=True)), keyset, limit, keys)
            page = _page(rows, keyset, per_page, has_previous=True, keys_only=keys)
            return _loaded(page, load)
        if before:
            cut = keyset.decode(before)
            rows = _rows(backward_qs.filter(keyset.beyond(cut, forward=False)), keyset, limit, keys)
            # Back at the start, this page may hold fewer rows than a page: the rows before
            # the cursor, so that walking back repeats none (the first page, whole, would
            # repeat some).
            has_previous = len(rows) > per_page
            page = KeysetPage(rows[:per_page][::-1], has_previous=has_previous, has_next=True)
            page.offset = None if has_previous else 0
            _link(page, keyset, keys)
            return _loaded(page, load)
    except BadCursor:
        message = "That page link is damaged or out of date: here is the first page."
    if number == "last":
        rows = _rows(backward_qs, keyset, limit, keys)
        page = KeysetPage(
            rows[:per_page][::-1], has_previous=len(rows) > per_page, has_next=False, is_last=True
        )
        _link(page, keyset, keys)
        return _loaded(page, load)
    offset = 0
    if number and number != "1" and message is None:
        if number.isascii() and number.isdigit() and int(number) >= 1:
            wanted = int(number)
            if wanted > MAX_NUMBERED_PAGE:
                message = (
                    f"Pages are no longer numbered past {MAX_NUMBERED_PAGE}: here is page "
                    f"{MAX_NUMBERED_PAGE}; go on with “Next” or jump to the last page."
                )
                wanted = MAX_NUMBERED_PAGE
            offset = (wanted - 1) * per_page
        else:
            message = f"“{number[:20]}” is not a page number: here is the first page."
    rows = _rows(forward_qs, keyset, limit, keys, offset)
    if not rows and offset:
        # an old link past the end of a list that has shrunk: its last page
        return keyset_page(_with(request, page="last"), queryset, keyset, per_page, load)
    page = _page(rows, keyset, per_page, has_previous=offset > 0, keys_only=keys)
    page.offset = offset
    page.message = message
    return _loaded(page, load)


def _rows(
    queryset: QuerySet[Any], keyset: Keyset, limit: int, keys_only: bool, offset: int = 0
) -> list[Any]:
    if keys_only:
        queryset = queryset.values_list(*keyset.names)
    return list(queryset[offset : offset + limit])


def _page(
    rows: list[Any], keyset: Keyset, per_page: int, *, has_previous: bool, keys_only: bool
) -> KeysetPage:
    page = KeysetPage(rows[:per_page], has_previous=has_previous, has_next=len(rows) > per_page)
    _link(page, keyset, keys_only)
    return page


def _key(row: Any, keyset: Keyset, keys_only: bool) -> list[Any]:
    if keys_only:
        return list(row)
    return [getattr(row, name) for name in keyset.names]


def _link(page: KeysetPage, keyset: Keyset, keys_only: bool) -> None:
    rows = page.object_list
    if not rows:
        return
    if page.has_previous:
        page.previous_cursor = keyset.encode(_key(rows[0], keyset, keys_only))
    if page.has_next:
        page.next_cursor = keyset.encode(_key(rows[-1], keyset, keys_only))


def _loaded(page: KeysetPage, load: Callable[[list[Any]], list[Any]] | None) -> KeysetPage:
    if load is not None:
        page.object_list = load(page.object_list)
    return page


def _with(request: HttpRequest, **params: str) -> HttpRequest:
    data = QueryDict(mutable=True)
    data.update(params)
    copy = HttpRequest()
    copy.GET = data
    return copy
