"""The editors' back office: where verdicts are held, reviewed and published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from quotes import review
from quotes.admin_lists import LargeTableAdminMixin, distinct_values_filter
from quotes.models import (
    Article,
    Claim,
    Evidence,
    ExternalReview,
    Feed,
    FeedEntry,
    Rating,
    ReviewError,
    Source,
    Speaker,
    SpeakerAlias,
    StaleEdit,
    Verdict,
    claims_per_row,
)
from quotes.search import is_postgres, match_claims
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
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        history = self.model.history.model  # type: ignore[attr-defined]
        if not (
            readable_ids(self.model, [unquote(object_id)])  # type: ignore[attr-defined]
            and readable_ids(history, [version_id])
        ):
            raise Http404
        if (
            request.method == "POST"
            and not history.objects.filter(history_id=version_id, id=unquote(object_id)).exists()
        ):
            raise Http404
        if request.method == "POST":
            # Reverting saved the old copy as it was: a published verdict became a draft
            # with a fact-checker's text, a claim got back old offsets and an old version
            # (so stale forms passed again). Old versions are for reading; changes go
            # through the change form and its checked transitions.
            raise PermissionDenied("Old versions cannot be restored; edit the current one.")
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        # Saves go through quotes.review inside the admin's transaction: a refusal rolls
        # it all back and comes back as a message on the current version, never a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except StaleEdit as exc:
            status = 409
            self.message_user(  # type: ignore[attr-defined]
                request,
                "Not saved: someone else changed this since you opened it (it is now version "
                f"{exc.current.version}). Here is the current version: apply your change again.",
                messages.ERROR,
            )
        except ReviewError as exc:
            status = 400
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)  # type: ignore[attr-defined]
        # the current version's form, with the message, under the refusal's status
        request.method = "GET"
        response = super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        response.status_code = status
        return response

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except (StaleEdit, ReviewError) as exc:
            self.message_user(request, f"Not deleted: {exc}", messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(request.get_full_path())


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the change form was built from, as the workbench forms do.

    For evidence it is the claim's version: evidence is part of its claim.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["expected_version"]
        if self.instance.pk is None:
            field.required = False
        else:
            holder = self.instance.claim if isinstance(self.instance, Evidence) else self.instance
            field.initial = holder.version


def expected(form: Any) -> int:
    return int(form.cleaned_data["expected_version"])


def changed(form: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


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
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("start",)

    # A list to read: claims change one at a time on their own change form (or the
    # workbench), through the checked transitions; made by import or by selecting text.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ArticleAdminForm(VersionedAdminForm):
    def clean_body(self) -> str:
        # Held to the import's rules (not empty, no NUL, MAX_ARTICLE_CHARS), and with the
        # browser's CRLF stored as LF, as the page shows it: claim offsets count on the page.
        body: str = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        try:
            return check_body(body)
        except ArticleRejected as exc:
            raise ValidationError(str(exc)) from exc


@admin.register(Article)
class ArticleAdmin(LargeTableAdminMixin, CheckedAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "outlet", "published", "claim_count", "created")
    # "created" as a filter (today, past 7 days, this month, this year), not as
    # date_hierarchy: the hierarchy lists the days that have articles with a DISTINCT over
    # every article, on each view of the list. The outlets by a loose scan of
    # article_outlet_idx (quotes.admin_lists), not a SELECT DISTINCT of every article.
    list_filter = (distinct_values_filter("outlet", "outlet"), "published", "created")
    search_fields = ("title", "outlet", "url", "byline")
    readonly_fields = ("imported_by", "created")
    fieldsets = (
        (None, {"fields": ("title", "outlet", "url", "published", "byline", "expected_version")}),
        ("Text", {"fields": ("body",), "classes": ("collapse",)}),
        ("Import", {"fields": ("imported_by", "created")}),
    )
    inlines = [ClaimInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).annotate(n_claims=claims_per_row("article"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj: Article) -> int:
        return obj.n_claims  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Offsets index the body: once claims exist it must not change under them.
        if obj is not None and obj.pk:
            return (*self.readonly_fields, "body")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if change:
            review.edit_article(
                obj,
                by=request.user,
                version=expected(form),
                changes=changed(form, review.ARTICLE_METADATA),
            )
            return
        if isinstance(request.user, User):  # the admin's users are logged in
            obj.imported_by = request.user
        super().save_model(request, obj, form, change)


def claim_is_frozen(obj: Any) -> bool:
    verdict = getattr(obj, "verdict", None) if isinstance(obj, Claim) else None
    return verdict is not None and verdict.is_published


class EvidenceInline(CheckedInputMixin, admin.TabularInline):
    """Saved through review.attach/edit/detach_evidence by ClaimAdmin.save_formset."""

    model = Evidence
    fields = ("source", "stance", "excerpt", "note", "added_by")
    readonly_fields = ("added_by",)
    autocomplete_fields = ("source",)
    extra = 0

    # `obj` is the claim: while its verdict is published its evidence is frozen.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not claim_is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not claim_is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not claim_is_frozen(obj) and super().has_delete_permission(request, obj)


class VerdictInline(admin.StackedInline):
    """The claim's verdict, to read: it is written, published and unpublished on its own
    change form (the link), where each change is a checked transition."""

    model = Verdict
    fields = ("rating", "status", "rationale", "reviewer", "published_by", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClaimAdminForm(VersionedAdminForm):
    class Meta:
        model = Claim
        fields = ("kind", "speaker", "speaker_confirmed", "context", "subjects")


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
class ClaimAdmin(LargeTableAdminMixin, CheckedAdminMixin, SimpleHistoryAdmin):
    form = ClaimAdminForm
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
        # by a loose scan of claim_method_idx (quotes.admin_lists), not a SELECT DISTINCT
        # over every claim
        distinct_values_filter("attribution_method", "attribution method"),
    )
    search_fields = ("exact", "speaker__name", "article__title")
    search_help_text = "Words of the claim, or a speaker's name or alias."
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
        "position",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "article",
                    "kind",
                    "exact",
                    "speaker",
                    "speaker_confirmed",
                    "expected_version",
                )
            },
        ),
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

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> Any:
        # PostgreSQL: the claims list's search (the stored vector exact_tsv and its GIN
        # index, and speakers by name or alias), not the admin's UPPER(...) LIKE '%tax%'
        # OR'ed across the claim, its speaker and its article: that read every claim with
        # both joins. ?q=tax: 1,742 ms -> 43 ms at 1M claims (62 -> 30 ms at 13k). Words
        # match as in the claims list (stemmed: "taxes" finds "tax"); an article's title is
        # searched in the articles' list. SQLite keeps the admin's substring search.
        search_term = search_term.replace("\x00", "")[:MAX_SEARCH]
        if is_postgres() and search_term.strip():
            return match_claims(queryset, search_term), False
        return super().get_search_results(request, queryset, search_term)

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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # While the verdict is published the claim is frozen: what may still change is
        # its context, which readers do not see.
        if claim_is_frozen(obj):
            return (*self.readonly_fields, "kind", "speaker", "speaker_confirmed")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        review.edit_claim(
            obj,
            by=request.user,
            version=expected(form),
            changes=changed(form, list(review.EDITABLE_CLAIM_FIELDS)),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Evidence:
            return super().save_formset(request, form, formset, change)
        claim: Claim = form.instance
        user = request.user
        # what the admin's change message reads
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            if not inline.has_changed() or inline in formset.deleted_forms:
                continue
            evidence: Evidence = inline.instance
            data = inline.cleaned_data
            if evidence.pk is None:
                formset.new_objects.append(evidence)
                review.attach_evidence(
                    claim,
                    by=user,
                    version=claim.version,
                    source=data["source"],
                    stance=data["stance"],
                    excerpt=data.get("excerpt", ""),
                    note=data.get("note", ""),
                )
            else:
                fields = ("source", "stance", "excerpt", "note")
                formset.changed_objects.append((evidence, inline.changed_data))
                review.edit_evidence(
                    evidence, by=user, version=claim.version, changes=changed(inline, fields)
                )
            claim.refresh_from_db(fields=["version"])
        for inline in formset.deleted_forms:
            if inline.instance.pk is not None:
                formset.deleted_objects.append(inline.instance)
                review.detach_evidence(inline.instance, by=user, version=claim.version)
                claim.refresh_from_db(fields=["version"])


class VerdictForm(VersionedAdminForm):
    status = forms.ChoiceField(
        label="Save as",
        choices=[(Verdict.Status.DRAFT, "Draft"), (Verdict.Status.IN_REVIEW, "In review")],
        help_text="Editors publish a verdict in review with the button below.",
    )
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Editors: why you unpublish (kept as the correction note).",
    )

    class Meta:
        model = Verdict
        fields = ("claim", "rating", "rationale", "status", "reviewer")


def _each(
    modeladmin: VerdictAdmin,
    request: HttpRequest,
    verdicts: QuerySet[Verdict],
    transition: Any,
    done: str,
) -> None:
    """Apply one transition to each selected verdict, as the editor saw it listed."""
    count, refused = 0, []
    for verdict in verdicts:
        try:
            transition(verdict, by=request.user)
            count += 1
        except (StaleEdit, ReviewError) as exc:
            refused.append(f"“{verdict.claim}”: {exc}")
    modeladmin.message_user(request, f"{done} {count} verdict(s).", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not changed: " + " ".join(refused), messages.WARNING)


@admin.action(description="Publish selected verdicts (in review)", permissions=["publish"])
def publish_verdicts(
    modeladmin: VerdictAdmin, request: HttpRequest, queryset: QuerySet[Verdict]
) -> None:
    _each(
        modeladmin, request, queryset.select_related("claim"), review.publish_verdict, "Published"
    )


@admin.register(Verdict)
class VerdictAdmin(LargeTableAdminMixin, CheckedAdminMixin, SimpleHistoryAdmin):
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
    readonly_fields = ("published_by", "published_at", "correction_note", "version")
    actions = [publish_verdicts]
    change_form_template = "admin/quotes/verdict/change_form.html"
    history_list_display = ["status", "rating"]

    @admin.display(description="speaker", ordering="claim__speaker__name")
    def speaker(self, obj: Verdict) -> str:
        return str(obj.claim.speaker or "—")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return can_publish(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published verdict is read-only for everyone; an editor's form stays open for
        # the unpublish button (and its reason).
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
        if obj is not None and obj.is_published:
            fields += ("rating", "rationale", "status", "reviewer")
        return tuple(dict.fromkeys(fields))

    def save_model(self, request: HttpRequest, obj: Verdict, form: Any, change: bool) -> None:
        user = request.user
        version = expected(form) if change else 0
        if not obj.is_published and (not change or form.has_changed()):
            names = ("rating", "rationale", "status", "reviewer")
            if not change or any(name in form.changed_data for name in names):
                reviewer = form.cleaned_data.get("reviewer") if can_publish(request) else None
                saved = review.save_verdict(
                    obj.claim,
                    by=user,
                    version=version,
                    rating=form.cleaned_data["rating"],
                    rationale=form.cleaned_data["rationale"],
                    status=form.cleaned_data["status"],
                )
                if reviewer is not None and reviewer != saved.reviewer:
                    Verdict.objects.filter(pk=saved.pk).update(reviewer=reviewer)
                obj.pk, version = saved.pk, saved.version
                obj.refresh_from_db()
        # The change form's buttons: each its transition, on the version just saved.
        if "_publish" in request.POST:
            review.publish_verdict(obj, by=user, version=version)
            self._done = "The verdict was published."
        elif "_unpublish" in request.POST:
            review.unpublish_verdict(
                obj, by=user, reason=form.cleaned_data.get("reason", ""), version=version
            )
            self._done = "The verdict was unpublished: back in review, with its correction note."

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        context["can_publish"] = can_publish(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Verdict) -> HttpResponse:
        done = getattr(self, "_done", None)
        if done and ("_publish" in request.POST or "_unpublish" in request.POST):
            self.message_user(request, done, messages.SUCCESS)
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
class SpeakerAdmin(LargeTableAdminMixin, CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "role", "party", "alias_list", "claim_count")
    # The parties by a loose scan of speaker_party_idx: SELECT DISTINCT party read every
    # speaker, 18 ms at the 1M archive's 67k speakers, the slowest query of the page.
    list_filter = ("kind", distinct_values_filter("party", "party"))
    search_fields = ("name", "aliases__alias", "role")
    inlines = [SpeakerAliasInline]
    actions = ["merge_speakers"]
    fields = ("name", "kind", "role", "party", "state", "url")
    # A unique key, so that the admin adds no "-pk" tie-break and walks its index for a
    # page: ordering by name sorted every speaker (27 ms at 67k speakers, the 1M archive).
    ordering = ("normalized_name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Speaker]:
        # claim_count is the maintained counter (quotes/counters.py): no count per row.
        # Sorted by it at 1M claims: 6,118 ms -> 48-110 ms (unsorted: 175 -> 58-104 ms).
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_list(self, obj: Speaker) -> str:
        return ", ".join(a.alias for a in obj.aliases.all())

    # Merging deletes speakers and moves claims: editors only (the delete permission).
    @admin.action(description="Merge selected speakers into one", permissions=["delete"])
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
            try:
                moved = review.merge_speakers(target, speakers, by=request.user)
            except ReviewError as exc:
                self.message_user(request, f"Not merged: {exc}", messages.ERROR)
                return None
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


class EvidenceAdminForm(VersionedAdminForm):
    class Meta:
        model = Evidence
        fields = ("claim", "source", "stance", "excerpt", "note")


@admin.register(Evidence)
class EvidenceAdmin(CheckedAdminMixin, admin.ModelAdmin):
    """Every save and delete is a transition on the claim: attach, edit, detach."""

    form = EvidenceAdminForm
    list_display = ("claim", "source", "stance", "added_by", "created")
    list_select_related = ("claim", "source", "added_by")
    list_filter = ("stance",)
    raw_id_fields = ("claim",)
    autocomplete_fields = ("source",)
    search_fields = ("excerpt", "note", "source__title", "claim__exact")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk:
            return ("claim", "added_by")
        return ("added_by",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and claim_is_frozen(obj.claim)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and claim_is_frozen(obj.claim)
        return not frozen and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            fields = ("source", "stance", "excerpt", "note")
            saved = review.edit_evidence(
                obj, by=request.user, version=expected(form), changes=changed(form, fields)
            )
        else:
            claim = data["claim"]
            saved = review.attach_evidence(
                claim,
                by=request.user,
                version=claim.version,
                source=data["source"],
                stance=data["stance"],
                excerpt=data.get("excerpt", ""),
                note=data.get("note", ""),
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        review.detach_evidence(obj, by=request.user, version=obj.claim.version)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        refused = []
        for evidence in queryset.select_related("claim", "source"):
            try:
                review.detach_evidence(evidence, by=request.user, version=evidence.claim.version)
            except (StaleEdit, ReviewError) as exc:
                refused.append(f"{evidence}: {exc}")
        if refused:
            self.message_user(request, "Not detached: " + " ".join(refused), messages.WARNING)


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


@admin.action(description="Poll selected feeds now", permissions=["change"])
def poll_now(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
    from quotes import tasks

    feeds = list(queryset.filter(active=True).values_list("pk", flat=True))
    # an editor asking now lifts the back-off
    queryset.filter(pk__in=feeds).update(next_poll=None)
    for feed_id in feeds:
        tasks.send(tasks.poll_feed, feed_id)
    modeladmin.message_user(
        request,
        f"Polling {len(feeds)} feed(s)"
        + (" in the background." if not tasks.runs_inline() else ": done."),
        messages.SUCCESS,
    )


@admin.register(Feed)
class FeedAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "url", "active", "last_polled", "failures", "next_poll", "error")
    list_filter = ("active",)
    search_fields = ("url", "outlet")
    fields = ("url", "outlet", "active", "last_polled", "last_error", "failures", "next_poll")
    readonly_fields = ("last_polled", "last_error", "failures", "next_poll")
    actions = [poll_now]

    @admin.display(description="last error")
    def error(self, obj: Feed) -> str:
        return obj.last_error[:120] or "—"


@admin.register(FeedEntry)
class FeedEntryAdmin(CheckedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "feed", "status", "published", "created", "article", "error")
    list_filter = ("status", "feed")
    list_select_related = ("feed", "article")
    search_fields = ("title", "url")
    readonly_fields = (
        "feed",
        "key",
        "url",
        "title",
        "published",
        "status",
        "error",
        "article",
        "created",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entries come from polling
