"""The claims list's filters: one FilterSet, shared by the page and the claims export."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from quotes.models import Article, Claim, Evidence, Rating, Speaker, Verdict
from quotes.search import search_claims


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Text", method="filter_text")
    article = django_filters.ModelChoiceFilter(queryset=Article.objects.order_by("-created"))
    speaker = django_filters.ModelChoiceFilter(queryset=Speaker.objects.all())
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)
    has_evidence = django_filters.BooleanFilter(label="Has evidence", method="filter_has_evidence")
    stance = django_filters.ChoiceFilter(
        label="Evidence stance", choices=Evidence.Stance.choices, method="filter_stance"
    )
    rating = django_filters.ModelChoiceFilter(
        field_name="verdict__rating", queryset=Rating.objects.all(), to_field_name="slug"
    )
    status = django_filters.ChoiceFilter(
        field_name="verdict__status", label="Verdict status", choices=Verdict.Status.choices
    )
    reviewer = django_filters.ModelChoiceFilter(
        field_name="verdict__reviewer",
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    date = django_filters.DateFromToRangeFilter(
        field_name="article__published",
        label="Article published between",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Claim
        fields = ["q", "article", "speaker", "kind"]

    def filter_text(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return search_claims(queryset, value)

    def filter_has_evidence(
        self, queryset: QuerySet[Claim], name: str, value: bool | None
    ) -> QuerySet[Claim]:
        if value is None:
            return queryset
        has = Exists(Evidence.objects.filter(claim=OuterRef("pk")))
        return queryset.filter(has) if value else queryset.exclude(has)

    def filter_stance(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(Exists(Evidence.objects.filter(claim=OuterRef("pk"), stance=value)))
