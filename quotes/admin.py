"""The editors' back office: where verdicts are held, reviewed and published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from quotes.models import (
    Article,
    Claim,
    Evidence,
    ExternalReview,
    Rating,
    Source,
    Speaker,
    SpeakerAlias,
    Verdict,
    claims_per_row,
)
from quotes.services import ArticleRejected, check_body
from quotes.signals import ratings_in_history
from quotes.text import normalize_name

PUBLISH_PERM = "quotes.publish_verdict"
# The longest search the change lists and autocompletes run: no name or title is longer,
# and SQLite refuses LIKE patterns past 50,000 bytes.
MAX_SEARCH = 500


def can_publish(request: HttpRequest) -> bool:
    return request.user.has_perm(PUBLISH_PERM)


def readable_id(field: Any, value: Any) -> bool:
    """Whether `value` can be looked up as `field`: forged ids ("abc", "1.5", 10**30) made
    Django's `__in` lookups raise ValueError or OverflowError, a 500 instead of a refusal."""
    try:
        python = field.to_python(value)
    except ValidationError:
        return False
    if isinstance(python, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or low <= python) and (high is None or python <= high)
    return python is not None


def readable_ids(model: Any, values: list[str]) -> bool:
    return all(readable_id(model._meta.pk, value) for value in values)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """The autocomplete widget, showing back only values that can be ids.

    A form sent back with an error shows the chosen value by looking it up; a forged value
    that is no id made that lookup raise, so the error page was a 500.
    """

    def optgroups(self, name: str, value: Sequence[str], attr: Any = None) -> Any:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        ids = [item for item in value if readable_id(target, item)]
        return super().optgroups(name, ids, attr)


class CheckedInputMixin:
    """Forged values get an error, never a 500, in every admin form and inline."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class CheckedAdminMixin(CheckedInputMixin):
    """... and in the change lists, their actions, searches and history pages."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> Any:
        # PostgreSQL refuses NUL in a query; the autocomplete sends its term unchecked.
        search_term = search_term.replace("\x00", "")[:MAX_SEARCH]
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not readable_ids(self.model, selected):  # type: ignore[attr-defined]
            self.message_user(  # type: ignore[attr-defined]
                request, "The selection was not valid: reload the page.", messages.ERROR
            )
            return None  # the change list again, with the message
        return super().response_action(request, queryset)  # type: ignore[misc]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple_history looks the id up unchecked: "abc" raised ValueError
        if not readable_ids(self.model, [unquote(object_id)]):  # type: ignore[attr-defined]
            raise Http404
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc, no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        history = self.model.history.model  # type: ignore[attr-defined]
        if not (
            readable_ids(self.model, [unquote(object_id)])  # type: ignore[attr-defined]
            and readable_ids(history, [version_id])
        ):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc, no-any-return]


class ClaimInline(CheckedInputMixin, admin.TabularInline):
    model = Claim
    fields = (
        "position",
        "kind",
        "exact",
        "speaker",
        "attribution_method",
        "confidence",
        "speaker_confirmed",
    )
    readonly_fields = ("position", "exact", "attribution_method", "confidence")
    autocomplete_fields = ("speaker",)
    extra = 0
    can_delete = True
    show_change_link = True
    ordering = ("start",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Claims are spans of the body: they are made by import or by selecting text.
        return False


class ArticleAdminForm(forms.ModelForm):
    def clean_body(self) -> str:
        # Held to the import's rules (not empty, no NUL, MAX_ARTICLE_CHARS), and with the
        # browser's CRLF stored as LF, as the page shows it: claim offsets count on the page.
        body: str = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        try:
            return check_body(body)
        except ArticleRejected as exc:
            raise ValidationError(str(exc)) from exc


@admin.register(Article)
class ArticleAdmin(CheckedAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "outlet", "published", "claim_count", "created")
    # "created" as a filter (today, past 7 days, this month, this year), not as
    # date_hierarchy: the hierarchy lists the days that have articles with a DISTINCT over
    # every article, on each view of the list.
    list_filter = ("outlet", "published", "created")
    search_fields = ("title", "outlet", "url", "byline")
    readonly_fields = ("imported_by", "created")
    fieldsets = (
        (None, {"fields": ("title", "outlet", "url", "published", "byline")}),
        ("Text", {"fields": ("body",), "classes": ("collapse",)}),
        ("Import", {"fields": ("imported_by", "created")}),
    )
    inlines = [ClaimInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).annotate(n_claims=claims_per_row("article"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj: Article) -> int:
        return obj.n_claims  # type: ignore[attr-defined, no-any-return]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Offsets index the body: once claims exist it must not change under them.
        if obj is not None and obj.pk:
            return (*self.readonly_fields, "body")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if not change:
            obj.imported_by = request.user
        super().save_model(request, obj, form, change)


class EvidenceInline(CheckedInputMixin, admin.TabularInline):
    model = Evidence
    fields = ("source", "stance", "excerpt", "note", "added_by")
    readonly_fields = ("added_by",)
    autocomplete_fields = ("source",)
    extra = 0


class VerdictInline(CheckedInputMixin, admin.StackedInline):
    model = Verdict
    fields = ("rating", "status", "rationale", "reviewer", "published_by", "published_at")
    readonly_fields = ("published_by", "published_at")
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Publishing goes through the Verdict admin, where it is permission-checked. Only an
        # editor names another reviewer: a fact-checker's new verdict is their own.
        extra = () if can_publish(request) else ("reviewer",)
        return (*self.readonly_fields, "status", *extra)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # `obj` is the claim. Its published verdict is an editor's to change: a fact-checker
        # rewriting it here would change what readers see without review.
        verdict = getattr(obj, "verdict", None) if obj is not None else None
        if verdict is not None and verdict.is_published and not can_publish(request):
            return False
        return super().has_change_permission(request, obj)


class ExternalReviewInline(admin.StackedInline):
    """Other organisations' fact checks of the claim: a record of what they found, read-only."""

    model = ExternalReview
    extra = 0
    can_delete = False
    fields = (
        "summary",
        "publisher_name",
        "publisher_url",
        "review_url",
        "headline",
        "published_at",
        "rating_label",
        "rating",
        "claim_location",
        "claim_date",
        "appearances",
        "speaker_url",
    )
    readonly_fields = fields

    @admin.display(description="finding")
    def summary(self, obj: ExternalReview) -> str:
        return obj.summary

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(CheckedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "short_text",
        "article",
        "speaker",
        "kind",
        "rating",
        "status",
        "attribution_method",
        "cue",
        "confidence",
        "speaker_confirmed",
    )
    list_select_related = ("article", "speaker", "verdict__rating")
    list_filter = (
        "kind",
        "speaker_confirmed",
        "verdict__status",
        "verdict__rating",
        "attribution_method",
    )
    search_fields = ("exact", "speaker__name", "article__title")
    autocomplete_fields = ("speaker",)
    readonly_fields = (
        # the offsets index this article's body: the claim cannot move to another
        "article",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "speaker_text",
        "attribution_method",
        "cue",
        "confidence",
        "created",
    )
    fieldsets = (
        (None, {"fields": ("article", "kind", "exact", "speaker", "speaker_confirmed")}),
        (
            "Why this speaker was proposed",
            {"fields": ("speaker_text", "attribution_method", "cue", "confidence")},
        ),
        (
            "Anchor",
            {"fields": ("position", "start", "end", "prefix", "suffix"), "classes": ("collapse",)},
        ),
        ("Context", {"fields": ("summary", "context", "subjects", "created")}),
    )
    inlines = [EvidenceInline, ExternalReviewInline, VerdictInline]
    list_per_page = 50

    @admin.display(description="claim", ordering="exact")
    def short_text(self, obj: Claim) -> str:
        return str(obj)

    @admin.display(description="rating", ordering="verdict__rating__order")
    def rating(self, obj: Claim) -> str:
        verdict = getattr(obj, "verdict", None)
        return str(verdict.rating) if verdict else "—"

    @admin.display(description="status", ordering="verdict__status")
    def status(self, obj: Claim) -> str:
        verdict = getattr(obj, "verdict", None)
        return verdict.get_status_display() if verdict else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Claims are spans of a body: made by import or by selecting text. (Added here,
        # with no offsets, a claim failed on the database's NOT NULL: a 500.)
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            if isinstance(instance, Verdict) and instance.reviewer_id is None:
                instance.reviewer = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class VerdictForm(forms.ModelForm):
    class Meta:
        model = Verdict
        fields = ("claim", "rating", "rationale", "status", "reviewer")


@admin.action(description="Publish selected verdicts", permissions=["publish"])
def publish_verdicts(
    modeladmin: VerdictAdmin, request: HttpRequest, queryset: QuerySet[Verdict]
) -> None:
    count = 0
    for verdict in queryset.exclude(status=Verdict.Status.PUBLISHED):
        verdict.publish(by=request.user)
        count += 1
    modeladmin.message_user(request, f"Published {count} verdict(s).", messages.SUCCESS)


@admin.action(description="Unpublish selected verdicts (back to review)", permissions=["publish"])
def unpublish_verdicts(
    modeladmin: VerdictAdmin, request: HttpRequest, queryset: QuerySet[Verdict]
) -> None:
    count = 0
    for verdict in queryset.filter(status=Verdict.Status.PUBLISHED):
        verdict.unpublish(by=request.user)
        count += 1
    modeladmin.message_user(request, f"Unpublished {count} verdict(s).", messages.SUCCESS)


@admin.register(Verdict)
class VerdictAdmin(CheckedAdminMixin, SimpleHistoryAdmin):
    form = VerdictForm
    list_display = (
        "claim",
        "speaker",
        "rating",
        "status",
        "reviewer",
        "published_by",
        "published_at",
        "updated",
    )
    list_select_related = ("claim__speaker", "rating", "reviewer", "published_by")
    list_filter = ("status", "rating", "published_at")
    search_fields = ("claim__exact", "rationale", "claim__speaker__name")
    raw_id_fields = ("claim",)
    readonly_fields = ("published_by", "published_at", "version")
    actions = [publish_verdicts, unpublish_verdicts]
    change_form_template = "admin/quotes/verdict/change_form.html"
    history_list_display = ["status", "rating"]

    @admin.display(description="speaker", ordering="claim__speaker__name")
    def speaker(self, obj: Verdict) -> str:
        return str(obj.claim.speaker or "—")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return can_publish(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published verdict is an editor's to change: a fact-checker saving it as a draft
        # unpublished it, and a new rationale went out unreviewed. They see it read-only.
        if obj is not None and obj.is_published and not can_publish(request):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A verdict judges one claim: moving it would pin its rating on another. Only an
        # editor names another reviewer: a fact-checker's new verdict is their own.
        fields = tuple(self.readonly_fields)
        if not can_publish(request):
            fields += ("reviewer",)
        if obj is not None and obj.pk:
            fields += ("claim",)
        return fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not can_publish(request) and "status" in form.base_fields:
            # Fact-checkers move a verdict between draft and review; publishing is an editor's call.
            field = form.base_fields["status"]
            field.choices = [c for c in Verdict.Status.choices if c[0] != Verdict.Status.PUBLISHED]
        return form

    def save_model(self, request: HttpRequest, obj: Verdict, form: Any, change: bool) -> None:
        if obj.reviewer_id is None:
            obj.reviewer = request.user
        if obj.status == Verdict.Status.PUBLISHED and obj.published_at is None:
            obj.publish(by=request.user)
            return
        if obj.status != Verdict.Status.PUBLISHED:
            obj.published_at = None
            obj.published_by = None
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        context["can_publish"] = can_publish(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Verdict) -> HttpResponse:
        for flag, action, done in (
            ("_publish", obj.publish, "published"),
            ("_unpublish", obj.unpublish, "sent back to review"),
        ):
            if flag in request.POST:
                if not can_publish(request):
                    self.message_user(request, "Only editors can do that.", messages.ERROR)
                else:
                    action(request.user)
                    self.message_user(request, f"The verdict was {done}.", messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class SpeakerAliasFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # Each alias is checked against the database alone: two forms of one save with the
        # same name ("NCRI", "the ncri.") passed, then broke the unique key, a 500.
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("alias"):
                continue
            key = normalize_name(data["alias"])
            if key in seen:
                raise ValidationError(f"“{data['alias']}” is given twice: keep one.")
            seen.add(key)


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    formset = SpeakerAliasFormSet
    fields = ("alias",)
    extra = 1


class MergeSpeakersForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this speaker; the others become its aliases",
    )


@admin.register(Speaker)
class SpeakerAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "role", "party", "alias_list", "claim_count")
    list_filter = ("kind", "party")
    search_fields = ("name", "aliases__alias", "role")
    inlines = [SpeakerAliasInline]
    actions = ["merge_speakers"]
    fields = ("name", "kind", "role", "party", "state", "url")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Speaker]:
        return (
            super()
            .get_queryset(request)
            .annotate(n_claims=claims_per_row("speaker"))
            .prefetch_related("aliases")
        )

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj: Speaker) -> int:
        return obj.n_claims  # type: ignore[attr-defined, no-any-return]

    @admin.display(description="aliases")
    def alias_list(self, obj: Speaker) -> str:
        return ", ".join(a.alias for a in obj.aliases.all())

    @admin.action(description="Merge selected speakers into one", permissions=["change"])
    def merge_speakers(
        self, request: HttpRequest, queryset: QuerySet[Speaker]
    ) -> HttpResponse | None:
        speakers = list(queryset.order_by("name"))
        if len(speakers) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return None
        form = MergeSpeakersForm(request.POST if "apply" in request.POST else None)
        form.fields["target"].queryset = queryset  # type: ignore[attr-defined]
        if form.is_valid():
            target: Speaker = form.cleaned_data["target"]
            moved = target.merge(speakers)
            self.message_user(
                request,
                f"Merged {len(speakers) - 1} speaker(s) into {target.name}; "
                f"{moved} claim(s) moved.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/quotes/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge speakers",
                "form": form,
                "speakers": speakers,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Source)
class SourceAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "publisher", "published", "url")
    search_fields = ("title", "url", "publisher")
    list_filter = ("publisher",)


@admin.register(Evidence)
class EvidenceAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("claim", "source", "stance", "added_by", "created")
    list_select_related = ("claim", "source", "added_by")
    list_filter = ("stance",)
    raw_id_fields = ("claim",)
    autocomplete_fields = ("source",)
    search_fields = ("excerpt", "note", "source__title", "claim__exact")


@admin.register(Rating)
class RatingAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("label", "value", "colour", "order", "needs_review")
    list_editable = ("order",)
    list_filter = ("needs_review",)
    prepopulated_fields = {"slug": ("label",)}
    search_fields = ("label",)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # quotes.signals refuses to delete a rating that verdict history names: say so here
        # (the page lists it as protected) instead of failing on the delete itself.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        used = ratings_in_history([obj.pk for obj in objs])
        protected = [
            *protected,
            *(f"{obj}: used in the history of a verdict" for obj in objs if obj.pk in used),
        ]
        return deleted, counts, perms_needed, protected
