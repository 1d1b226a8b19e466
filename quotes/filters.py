"""The claims list's filters: one FilterSet, shared by the page and the claims export."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse_lazy

from quotes.matching import already_checked
from quotes.models import Article, Claim, Evidence, Rating, Speaker, SpeakerAlias, Verdict
from quotes.search import search_claims
from quotes.text import normalize_name

ANY = "Any"


class AnyBooleanWidget(django_filters.widgets.BooleanWidget):
    """Yes / No / Any (django-filter says "Unknown" for the empty choice)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", "Yes"), ("false", "No")]


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Words in the claim",
        method="filter_text",
        # a search of a whole article's length overflowed PostgreSQL's tsquery parser
        max_length=500,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    article = django_filters.ModelChoiceFilter(
        queryset=Article.objects.order_by("-created", "-pk"),
        empty_label=ANY,
        help_text="The newest articles; any other from its page (“In the claims list”).",
    )
    speaker = django_filters.ModelChoiceFilter(
        queryset=Speaker.objects.all(),
        empty_label=ANY,
        help_text="Choose it from the speaker's page.",
    )
    said_by = django_filters.CharFilter(
        label="Said by",
        method="filter_said_by",
        max_length=200,
        help_text="A speaker's name or alias, or the words for an unnamed source.",
        widget=forms.TextInput(
            attrs={
                "list": "speaker-names",
                "autocomplete": "off",
                "data-autocomplete": reverse_lazy("quotes:speaker_search"),
            }
        ),
    )
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices, empty_label=ANY)
    has_evidence = django_filters.BooleanFilter(
        label="Has evidence", method="filter_has_evidence", widget=AnyBooleanWidget
    )
    stance = django_filters.ChoiceFilter(
        label="Evidence stance",
        choices=Evidence.Stance.choices,
        method="filter_stance",
        empty_label=ANY,
    )
    rating = django_filters.ModelChoiceFilter(
        field_name="verdict__rating",
        label="Verdict rating",
        queryset=Rating.objects.all(),
        to_field_name="slug",
        empty_label=ANY,
        method="filter_verdict",
    )
    status = django_filters.ChoiceFilter(
        field_name="verdict__status",
        label="Verdict status",
        choices=Verdict.Status.choices,
        empty_label=ANY,
        method="filter_verdict",
    )
    reviewer = django_filters.ModelChoiceFilter(
        field_name="verdict__reviewer",
        label="Verdict by",
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        empty_label=ANY,
    )
    already_checked = django_filters.BooleanFilter(
        label="Already checked",
        method="filter_already_checked",
        widget=AnyBooleanWidget,
        help_text="Says what a claim with a published or imported fact check says.",
    )
    # Two filters rather than one range widget, so that each date input has its own label.
    date_after = django_filters.DateFilter(
        field_name="article__published",
        lookup_expr="gte",
        label="Article published from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_before = django_filters.DateFilter(
        field_name="article__published",
        lookup_expr="lte",
        label="Article published until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Claim
        fields = ["q", "article", "speaker", "said_by", "kind"]

    def __init__(self, *args: Any, published_only: bool = False, **kwargs: Any) -> None:
        # Exports say nothing of unpublished verdicts, so their rating and status filters
        # look at published verdicts only: "in review, rated False" must not list the
        # claims a checker rated False before review. The claims page filters all.
        self.published_only = published_only
        super().__init__(*args, **kwargs)

    def filter_verdict(self, queryset: QuerySet[Claim], name: str, value: Any) -> QuerySet[Claim]:
        if value in (None, ""):
            return queryset
        queryset = queryset.filter(**{name: value})
        if self.published_only:
            queryset = queryset.filter(verdict__status=Verdict.Status.PUBLISHED)
        return queryset

    # Articles and speakers run to tens of thousands: the article <select> offers the newest
    # ARTICLE_CHOICES and the chosen one, the speaker's only the chosen one (set from a
    # speaker's page; "Said by" finds speakers by name), so the page stays small and fast.
    # Validation still checks any id against the whole table.
    SELECTED_ONLY = ("article", "speaker")
    ARTICLE_CHOICES = 100

    @property
    def form(self) -> forms.Form:
        form = super().form
        if not getattr(form, "_selected_only", False):
            for name in self.SELECTED_ONLY:
                field = form.fields[name]
                value = str(self.data.get(name, "")) if self.data else ""
                rows = field.queryset.only("pk", "title" if name == "article" else "name")
                chosen = list(rows.filter(pk=value)) if value.isdigit() else []
                if name == "article":
                    newest = rows[: self.ARTICLE_CHOICES]
                    chosen += [a for a in newest if a not in chosen]
                field.widget.choices = [("", ANY)] + [(obj.pk, str(obj)) for obj in chosen]
            form._selected_only = True
        return form

    def describe(self) -> str:
        """The filter in words, for a report's header: "Said by Barack Obama, rated False".

        Call after is_valid(); an empty filter reads "All claims".
        """
        data = self.form.cleaned_data
        phrases: list[str] = []
        kind = data.get("kind")
        if kind:
            phrases.append({"quote": "Direct quotes", "statement": "Statements"}.get(kind, kind))
        if data.get("speaker"):
            phrases.append(f"said by {data['speaker'].name}")
        if data.get("said_by"):
            phrases.append(f"said by “{data['said_by'].strip()}”")
        if data.get("article"):
            phrases.append(f"in “{data['article'].title}”")
        if data.get("q"):
            phrases.append(f"matching “{data['q'].strip()}”")
        if data.get("rating"):
            phrases.append(f"rated {data['rating'].label}")
        if data.get("status"):
            phrases.append(f"with a verdict {str(Verdict.Status(data['status']).label).lower()}")
        if data.get("reviewer"):
            user = data["reviewer"]
            phrases.append(f"checked by {user.get_full_name() or 'one reviewer'}")
        if data.get("has_evidence") is True:
            phrases.append("with evidence")
        elif data.get("has_evidence") is False:
            phrases.append("without evidence")
        if data.get("stance"):
            stance = {"corroborates": "corroborating", "disputes": "disputing"}.get(
                data["stance"], "giving context to"
            )
            phrases.append(f"with a source {stance} it")
        after, before = data.get("date_after"), data.get("date_before")
        if after and before:
            phrases.append(f"from articles published {after.isoformat()} to {before.isoformat()}")
        elif after:
            phrases.append(f"from articles published on or after {after.isoformat()}")
        elif before:
            phrases.append(f"from articles published on or before {before.isoformat()}")
        if not phrases:
            return "All claims"
        text = ", ".join(phrases)
        return text[0].upper() + text[1:]

    def filter_said_by(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        """Claims of the speaker with this name or alias; failing an exact name, of every
        speaker whose name or alias contains it, and of unnamed sources described so."""
        key = normalize_name(value)
        if not key:
            return queryset
        aliases = SpeakerAlias.objects.filter(speaker=OuterRef("speaker"))
        exact = Q(speaker__normalized_name=key) | Exists(aliases.filter(normalized=key))
        if Speaker.objects.filter(
            Q(normalized_name=key) | Exists(SpeakerAlias.objects.filter(normalized=key))
        ).exists():
            return queryset.filter(exact)
        return queryset.filter(
            Q(speaker__normalized_name__contains=key)
            | Exists(aliases.filter(normalized__contains=key))
            | Q(speaker__isnull=True, speaker_text__icontains=value.strip())
        )

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

    def filter_already_checked(
        self, queryset: QuerySet[Claim], name: str, value: bool | None
    ) -> QuerySet[Claim]:
        if value is None:
            return queryset
        matched = already_checked()
        return queryset.filter(matched) if value else queryset.exclude(matched)
