"""Admin change lists at the same cost at any size: counts, filters and pages that do not
read the whole table. Any ModelAdmin takes them through LargeTableAdminMixin.

Measured on PostgreSQL 15 with LIAR grown to 1M claims (benchmarks/web.py): the claims
change list spent its time in two COUNT(*) of every claim (the page count and the "N
total" beside the search box) and a SELECT DISTINCT attribution_method over every claim
for its filter: 319 ms -> 38 ms at 1M claims (31 -> 26 ms at 13k); the articles' list
(COUNT(*) and SELECT DISTINCT outlet over 1M articles) 341 -> 77 ms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from quotes.paging import MAX_NUMBERED_PAGE, Count, list_count


class EstimatedCountPaginator(Paginator):
    """A Paginator that counts as quotes.paging.list_count does: PostgreSQL's estimate for
    a whole table, else a count that stops at 1,000; and offers MAX_NUMBERED_PAGE pages,
    so that no page reads and skips more than 1,000 rows (search or filter to go further).

    The templates say "about N" or "N+" (templates/admin/quotes/pagination.html and
    search_form.html read `count_label`)."""

    @cached_property
    def count_label(self) -> Count:
        return list_count(self.object_list)  # type: ignore[arg-type]  # a QuerySet here

    @cached_property
    def count(self) -> int:
        return self.count_label.n

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_NUMBERED_PAGE)


def distinct_values(model: type[Model], column: str, limit: int = 100) -> list[str]:
    """The distinct non-empty values of an indexed text column, at most `limit` of them.

    A loose index scan (a recursive CTE that jumps from one value to the next through the
    column's index): a few index probes per value, where SELECT DISTINCT reads every row.
    The same SQL runs on SQLite. `column` is a name from our code, never user input.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    sql = f"""
        WITH RECURSIVE v(value, n) AS (
            SELECT (SELECT {col} FROM {table} WHERE {col} > '' ORDER BY {col} LIMIT 1), 1
            UNION ALL
            SELECT (SELECT {col} FROM {table} WHERE {col} > v.value ORDER BY {col} LIMIT 1),
                   v.n + 1
            FROM v WHERE v.value IS NOT NULL AND v.n < %s
        )
        SELECT value FROM v WHERE value IS NOT NULL
    """  # noqa: S608 (table and column names are ours, quoted)
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]


class DistinctValuesFilter(admin.SimpleListFilter):
    """A list filter over a text column's values, found by distinct_values() (subclass it
    with `title` and `parameter_name`, the column's name), instead of the admin's
    AllValuesFieldListFilter and its SELECT DISTINCT over the whole table."""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        values = distinct_values(model_admin.model, str(self.parameter_name))
        return [(value, value) for value in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{str(self.parameter_name): value}) if value else queryset


def distinct_values_filter(column: str, title: str) -> type[DistinctValuesFilter]:
    return type(
        f"{column.title().replace('_', '')}Filter",
        (DistinctValuesFilter,),
        {"parameter_name": column, "title": title},
    )


class LargeTableAdminMixin:
    """Estimated counts, at most MAX_NUMBERED_PAGE pages, and no second count of the whole
    table beside the search box (show_full_result_count)."""

    paginator: type[Paginator] = EstimatedCountPaginator
    show_full_result_count = False
    # Facets count the rows behind every choice of every filter: a scan per filter.
    show_facets = admin.ShowFacets.NEVER
