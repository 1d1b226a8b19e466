"""The fact-checker's data: articles, the claims in them, who said them, and what is true."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from quotes.dates import validate_sane_date
from quotes.text import make_selector, normalize_name
from quotes.text.excerpt import excerpt
from quotes.text.slugnames import slug_key as fold_slug

# Only web addresses a reader can open: no javascript:, data: or file: URLs.
http_url_validator = URLValidator(schemes=["http", "https"])
# The length of Speaker.normalized_name and SpeakerAlias.normalized.
NAME_KEY_LENGTH = 200
TOO_LONG_A_NAME = "This name is too long once normalised: shorten it."
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a7f37.")


# The characters of a URL that its lookup indexes hold (see ExternalReview.Meta).
URL_HEAD = 200

# Google's ClaimReview guidance: claimReviewed should stay under about 75 characters.
SUMMARY_LENGTH = 75


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.–—-") + "…"


class StaleEdit(Exception):
    """Raised when a reviewer saves a form built from an older version of a record."""

    def __init__(self, current: VersionedModel) -> None:
        super().__init__("This record was changed by someone else since you opened it.")
        self.current = current


class ReviewError(Exception):
    """A change the review workflow refuses; the message says why, for the reviewer."""


class VersionedModel(models.Model):
    """Optimistic locking: every transition in quotes.review bumps `version`.

    Two reviewers may open the same claim or verdict; the second save must not
    silently overwrite the first, so a transition names the version its form was built
    from and compares it with the locked row's.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Article(VersionedModel):
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True, help_text="Publication or website.")
    url = models.URLField("URL", max_length=2000, blank=True, validators=[http_url_validator])
    published = models.DateField(
        "publication date", null=True, blank=True, validators=[validate_sane_date]
    )
    byline = models.CharField(max_length=300, blank=True)
    body = models.TextField(
        help_text="The text exactly as imported; every claim's offsets index into it."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    # A row of a data set (LIAR, Climate-FEVER) and its id there: a re-import finds the rows
    # it already has through the unique index, not by reading titles. NULL for other
    # articles, so that they never collide in that index.
    dataset = models.CharField(max_length=40, null=True, blank=True, editable=False)
    external_id = models.CharField(
        "id in the data set", max_length=100, null=True, blank=True, editable=False
    )
    awaiting_analysis = models.BooleanField(
        default=False,
        editable=False,
        help_text="Stored, but the background analysis has not created its claims yet.",
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # Dashboard: newest first.
            models.Index(fields=["-created", "-id"], name="article_newest_idx"),
            # Admin: the outlet filter's choices, by a loose index scan (quotes.admin_lists).
            models.Index(fields=["outlet"], name="article_outlet_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "external_id"], name="article_dataset_row_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quotes:article", args=[self.pk])


class Speaker(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        # Where a claim circulated with no one behind it: a chain email, a viral image.
        OTHER = "other", "Other source (chain email, viral post…)"

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=NAME_KEY_LENGTH, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(
        "role or description", max_length=300, blank=True, help_text="e.g. Foreign Minister."
    )
    party = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    url = models.URLField(
        "URL",
        max_length=2000,
        blank=True,
        validators=[http_url_validator],
        help_text="A page that identifies the speaker (official site, Wikipedia, Wikidata); "
        "exported as ClaimReview sameAs.",
    )
    # The name folded as data sets' slugs fold it ("beto-orourke" -> "betoorourke"), so an
    # import finds a slug's speaker by index instead of folding every name in the registry
    # (67k speakers at a million claims: 1.3 s per import of 100 rows).
    slug_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    # Maintained by quotes.counters in the transaction of every change to the speaker's
    # claims; `manage.py recount_speakers` recomputes it. Counting per page view cost
    # "most claims first" a correlated count per speaker: 4.3 s at 1M claims.
    claim_count = models.IntegerField("claims", default=0, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            # Speakers list and admin: "most claims first", newest first among equals (the
            # admin's own tie-break, -pk), a stable order for keyset pages.
            models.Index(fields=["-claim_count", "-id"], name="speaker_most_claims_idx"),
            # Admin speakers: the party filter's choices (admin_lists.distinct_values).
            models.Index(fields=["party"], name="speaker_party_idx"),
            # LIAR import: the registry speakers a file's slugs name (quotes/imports/speakers.py).
            models.Index(fields=["slug_key"], name="speaker_slug_key_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalized_name = normalize_name(self.name)
        self.slug_key = fold_slug(self.name)[:NAME_KEY_LENGTH]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quotes:speaker", args=[self.pk])

    def clean(self) -> None:
        self.normalized_name = normalize_name(self.name)
        if not self.normalized_name:
            raise ValidationError({"name": "A speaker needs a name."})
        if len(self.normalized_name) > NAME_KEY_LENGTH:
            # normalising can lengthen a name (NFKC turns some signs into words)
            raise ValidationError({"name": TOO_LONG_A_NAME})
        clash = Speaker.objects.filter(normalized_name=self.normalized_name).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"name": f"“{clash[0].name}” is already in the registry."})

    def add_alias(self, alias: str) -> SpeakerAlias | None:
        """Record another name for this speaker, unless it is its own name or taken."""
        key = normalize_name(alias)
        if not key or key == self.normalized_name or len(key) > NAME_KEY_LENGTH:
            return None
        existing = SpeakerAlias.objects.filter(normalized=key).first()
        if existing is not None:
            return existing if existing.speaker_id == self.pk else None
        if Speaker.objects.filter(normalized_name=key).exists():
            return None
        return SpeakerAlias.objects.create(speaker=self, alias=alias.strip())

    def merge(self, others: list[Speaker], *, by: Any) -> int:
        """Merge `others` into this speaker (editors): see quotes.review.merge_speakers."""
        from quotes import review

        return review.merge_speakers(self, others, by=by)


class SpeakerTally(models.Model):
    """How many of a speaker's claims carry our published verdict with this rating.

    Maintained like Speaker.claim_count (quotes.counters). Imported fact checks
    (ExternalReview) are another organisation's findings and are not counted.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="tallies")
    rating = models.ForeignKey("Rating", on_delete=models.CASCADE, related_name="+")
    published = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "rating"], name="speaker_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_id}: {self.published} × {self.rating_id}"


class SpeakerAlias(models.Model):
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    normalized = models.CharField(max_length=NAME_KEY_LENGTH, unique=True, editable=False)
    # As Speaker.slug_key, of the normalised alias.
    slug_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "speaker aliases"
        ordering = ["alias"]
        indexes = [
            # LIAR import: the aliases a file's slugs name (quotes/imports/speakers.py).
            models.Index(fields=["slug_key"], name="speakeralias_slug_key_idx"),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalized = normalize_name(self.alias)
        self.slug_key = fold_slug(self.normalized)[:NAME_KEY_LENGTH]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.normalized = normalize_name(self.alias)
        if not self.normalized:
            raise ValidationError({"alias": "An alias cannot be empty."})
        if len(self.normalized) > NAME_KEY_LENGTH:
            raise ValidationError({"alias": TOO_LONG_A_NAME})
        taken = SpeakerAlias.objects.filter(normalized=self.normalized).exclude(pk=self.pk)
        if (
            taken.exists()
            or Speaker.objects.filter(normalized_name=self.normalized)
            .exclude(pk=self.speaker_id)
            .exists()
        ):
            raise ValidationError({"alias": "This name already belongs to another speaker."})


class Claim(VersionedModel):
    class Kind(models.TextChoices):
        QUOTE = "quote", "Direct quote"
        STATEMENT = "statement", "Statement"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveIntegerField(default=0, help_text="Order in the article.")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the body.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    # W3C Web Annotation TextQuoteSelector, so the claim can be found again if the body changes.
    exact = models.TextField()
    prefix = models.CharField(max_length=32, blank=True)
    suffix = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    attribution_method = models.CharField(
        max_length=40, blank=True, help_text="How the speaker was found: a rule name, or manual."
    )
    cue = models.CharField(max_length=100, blank=True, help_text="The word that signalled speech.")
    confidence = models.FloatField(
        null=True, blank=True, help_text="The machine's confidence in the speaker, 0 to 1."
    )
    speaker_text = models.CharField(
        "speaker as written",
        max_length=300,
        blank=True,
        help_text="How the article names or describes the speaker at this quote, e.g. "
        "“a longtime adviser to Trump” for a source it does not name.",
    )
    speaker_confirmed = models.BooleanField(
        "speaker confirmed", default=False, help_text="A reviewer checked the speaker."
    )
    context = models.CharField(
        max_length=300, blank=True, help_text="Where it was said (speech, interview, post...)."
    )
    summary = models.CharField(
        max_length=120,
        blank=True,
        help_text="The claim in a few words, shown beside the exact words and sent as "
        "ClaimReview's claimReviewed (keep it under about 75 characters). Empty: the exact "
        "words, shortened at a word.",
    )
    subjects = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    # The article's `created`, copied so that the claims list (newest article first) is one
    # index walk on the claims table: ordered through the join, a filtered list walked the
    # articles' index and probed each article's claims (38k articles for 50 rows at 1M).
    # Database triggers (migration 0017) set it on every insert and update of a claim and
    # follow a change of the article's date, whatever the path (ORM, bulk_create, a
    # backup's raw insert, COPY, queryset.update): the value in memory is never written
    # over theirs. Not in the history: it is the article's, not the claim's.
    article_created = models.DateTimeField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["article_created"])

    class Meta:
        ordering = ["article_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_not_empty"),
        ]
        indexes = [
            # Workbench: an article's claims in reading order.
            models.Index(fields=["article", "start"], name="claim_article_start_idx"),
            # Claims list (quotes.paging, CLAIM_LIST_ORDER): the whole order, so that a page
            # and the next by keyset are one bounded index walk, and ?page=last the same
            # walk backwards.
            models.Index(
                fields=["-article_created", "-article", "start", "id"], name="claim_list_idx"
            ),
            # the same per kind, the claims list's most used filter
            models.Index(
                fields=["kind", "-article_created", "-article", "start", "id"],
                name="claim_kind_list_idx",
            ),
            # Admin: the attribution method filter's choices, by a loose index scan
            # (quotes.admin_lists); the ClaimReview import: its own claims, without reading
            # the archive's others.
            models.Index(fields=["attribution_method"], name="claim_method_idx"),
        ]

    def __str__(self) -> str:
        return excerpt(self.exact, 80)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, keeping the speakers' counters and the stored similar claims in step."""
        from quotes import counters, similar

        fields = kwargs.get("update_fields")
        if fields is not None and not {"speaker", "speaker_id", "exact"} & set(fields):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            before = counters.claim_before_save(self.pk)
            old_text = similar.stored_text(self.pk) if before is not None else None
            super().save(*args, **kwargs)
            counters.claim_saved(before, self)
            if old_text != self.exact:
                similar.claims_changed([self.pk])

    def get_absolute_url(self) -> str:
        return reverse("quotes:claim", args=[self.pk])

    @property
    def short_summary(self) -> str:
        """The reviewer's summary, else the exact words cut at a word near 75 characters."""
        return self.summary.strip() or shorten(self.exact, SUMMARY_LENGTH)

    def clean(self) -> None:
        body = self.article.body if self.article_id else ""
        if self.start is None or self.end is None:
            return
        if not (0 <= self.start < self.end <= len(body)):
            raise ValidationError("The claim's span must lie inside the article text.")

    def anchor(self) -> None:
        """Fill the selector fields from the article body and the span."""
        selector = make_selector(self.article.body, self.start, self.end)
        self.exact, self.prefix, self.suffix = selector.exact, selector.prefix, selector.suffix

    def attach_source(
        self, source: Source, stance: str, *, by: Any, excerpt: str = "", note: str = ""
    ) -> Evidence:
        """Attach `source` as seen at this copy's version: see quotes.review.attach_evidence."""
        from quotes import review

        return review.attach_evidence(
            self,
            by=by,
            version=self.version,
            source=source,
            stance=stance,
            excerpt=excerpt,
            note=note,
        )


class Source(models.Model):
    url = models.URLField("URL", max_length=2000, unique=True, validators=[http_url_validator])
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published = models.DateField(
        "publication date", null=True, blank=True, validators=[validate_sane_date]
    )
    archived_url = models.URLField(
        "archived copy URL", max_length=2000, blank=True, validators=[http_url_validator]
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class Evidence(models.Model):
    class Stance(models.TextChoices):
        CORROBORATES = "corroborates", "Corroborates"
        DISPUTES = "disputes", "Disputes"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    excerpt = models.TextField(blank=True, help_text="The passage of the source that matters.")
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["created", "id"]
        indexes = [
            # Claims list: "has evidence" and stance filters.
            models.Index(fields=["claim", "stance"], name="evidence_claim_stance_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class RatingManager(models.Manager["Rating"]):
    def get_by_natural_key(self, slug: str) -> Rating:
        return self.get(slug=slug)


class Rating(models.Model):
    label = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    value = models.IntegerField(
        null=True,
        blank=True,
        help_text="Numeric value for ClaimReview's ratingValue; empty for labels off the scale.",
    )
    colour = models.CharField(max_length=7, default="#6e7781", validators=[colour_validator])
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    needs_review = models.BooleanField(
        default=False, help_text="Created by an import from a label the scale did not know."
    )

    objects = RatingManager()

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str]:
        # Backups refer to ratings by slug, so a restore matches the migration-seeded scale.
        return (self.slug,)


class Verdict(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="verdict")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    rationale = models.TextField(help_text="Why this rating: what the evidence shows.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The fact-checker who wrote the verdict.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, validators=[validate_sane_date])
    review_note = models.TextField(
        "editor's note",
        blank=True,
        help_text="Why an editor sent the verdict back to the fact-checker.",
    )
    correction_note = models.TextField(
        blank=True,
        help_text="Why the verdict was last unpublished, as the editor wrote it: "
        "what a republished verdict corrected.",
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        permissions = [("publish_verdict", "Can publish and unpublish verdicts")]
        indexes = [
            # Claims list and exports: status filter; public pages: published only.
            models.Index(fields=["status"], name="verdict_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, keeping the speaker's tally of published verdicts in step."""
        from quotes import counters

        with transaction.atomic():
            before = counters.verdict_before_save(self.pk)
            super().save(*args, **kwargs)
            counters.verdict_saved(before, self)

    def get_public_url(self) -> str:
        return reverse("reports:verdict", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def status_text(self) -> str:
        return str(self.get_status_display()).lower()

    def publish(self, by: Any) -> None:
        """Publish this verdict as read (editors): see quotes.review.publish_verdict."""
        from quotes import review

        review.publish_verdict(self, by=by)

    def unpublish(self, by: Any, reason: str) -> None:
        """Back to review with a reason (editors): see quotes.review.unpublish_verdict."""
        from quotes import review

        review.unpublish_verdict(self, by=by, reason=reason)


class ExternalReview(models.Model):
    """Another organisation's fact check of a claim, as imported (ClaimReview, LIAR).

    A record of someone else's finding, never a Verdict: we do not publish it, export it
    as our ClaimReview or count it in our scorecards. Our own verdict on the same claim
    is a separate thing.
    """

    class Origin(models.TextChoices):
        CLAIMREVIEW = "claimreview", "ClaimReview markup"
        LIAR = "liar", "LIAR data set"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="external_reviews")
    origin = models.CharField(max_length=20, choices=Origin.choices)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The data set's id for the review, if any."
    )
    publisher_name = models.CharField(max_length=200, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    review_url = models.URLField(
        "review URL", max_length=2000, blank=True, validators=[http_url_validator]
    )
    headline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField("review date", null=True, blank=True)
    published_offset = models.IntegerField(
        null=True,
        blank=True,
        help_text="The review date's UTC offset as the publisher wrote it, in minutes.",
    )
    rating_label = models.CharField(
        "publisher's rating", max_length=200, help_text="The rating in the publisher's words."
    )
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    rating = models.ForeignKey(
        Rating,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="on our scale",
        help_text="The publisher's rating mapped onto our scale, when its numbers allow.",
    )
    claim_location = models.CharField(
        "where it was said",
        max_length=300,
        blank=True,
        help_text="e.g. “an address to Congress” (itemReviewed.name, LIAR's context).",
    )
    claim_date = models.DateField("date of the claim", null=True, blank=True)
    appearances = models.JSONField(
        default=list,
        blank=True,
        help_text="Where the claim appeared: a list of {url, headline, publisher, date}.",
    )
    speaker_url = models.URLField(
        "speaker's URL", max_length=2000, blank=True, validators=[http_url_validator]
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "fact check by another organisation"
        verbose_name_plural = "fact checks by other organisations"
        ordering = ["claim_id", "published_at", "id"]
        indexes = [
            # ClaimReview import: is a review URL of the file already imported? The first
            # URL_HEAD characters only: a btree entry of a 2,000-character URL of non-ASCII
            # characters would pass PostgreSQL's limit (2,704 bytes).
            models.Index(Left("review_url", URL_HEAD), name="externalreview_url_head_idx"),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def publisher(self) -> str:
        if self.publisher_name:
            return self.publisher_name
        host = urlsplit(self.publisher_url or self.review_url).hostname or ""
        return host.removeprefix("www.") or "Another organisation"

    @property
    def local_published(self) -> Any:
        """The review date in the publisher's own time zone, as written."""
        if self.published_at is None:
            return None
        if self.published_offset is None:
            return timezone.localtime(self.published_at)
        zone = dt.timezone(dt.timedelta(minutes=self.published_offset))
        return self.published_at.astimezone(zone)

    @property
    def summary(self) -> str:
        """“AFP Factual rated this False on 2020-03-10”."""
        text = f"{self.publisher} rated this {self.rating_label}"
        if self.published_at is not None:
            text += f" on {self.local_published.date().isoformat()}"
        return text


def claims_per_row(field: str) -> Coalesce:
    """The number of claims whose `field` is the row, as a correlated subquery.

    Not Count("claims"): that joins every claim and groups the whole table for every query
    the change list runs (both counts, each list filter's DISTINCT), although only the
    page's rows show the number. The subquery is computed for the rows shown only.
    """
    counts = (
        Claim.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class Feed(models.Model):
    """An RSS or Atom feed whose new entries are imported as articles (quotes/feeds.py)."""

    url = models.URLField("feed URL", max_length=2000, unique=True, validators=[http_url_validator])
    outlet = models.CharField(
        max_length=200, blank=True, help_text="Given to every article from this feed."
    )
    active = models.BooleanField(default=True, help_text="Polled every FEED_POLL_MINUTES.")
    last_polled = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(
        blank=True, editable=False, help_text="Why the last poll failed; empty after a success."
    )
    failures = models.PositiveIntegerField(
        "failures in a row", default=0, editable=False, help_text="Each one doubles the wait."
    )
    next_poll = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Not polled again before this time."
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["outlet", "url"]

    def __str__(self) -> str:
        return self.outlet or self.url


class FeedEntry(models.Model):
    """One entry seen in a feed, so that it is imported once, whichever feed lists it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be fetched"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    feed = models.ForeignKey(Feed, null=True, on_delete=models.SET_NULL, related_name="entries")
    # The entry's id (guid) if it has one, else its link: unique across feeds.
    key = models.CharField(max_length=2000, unique=True)
    url = models.URLField("URL", max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "feed entries"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title or self.url


class ClaimMatch(models.Model):
    """A new claim that says what an already checked claim says (quotes/matching.py).

    The checked claim carries our published verdict or an imported fact check."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    checked = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="Similarity of the two texts, 0 to 1.")
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "claim matches"
        ordering = ["claim", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "checked"], name="claim_match_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ≈ {self.checked_id} ({self.score:.2f})"


class SimilarClaim(models.Model):
    """Two claims in different articles that say nearly the same thing (quotes/similar.py).

    Computed when a claim is created or its text changes, from a bounded set of candidates;
    the claim page reads them instead of scanning the trigram index at every view. Each
    pair is stored once, the smaller id as `claim`."""

    # no index of their own: the unique constraint and the indexes below lead with them
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", db_index=False)
    other = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.FloatField(help_text="Trigram similarity of the two texts, 0 to 1.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "other"], name="similar_claim_unique"),
            models.CheckConstraint(condition=Q(claim__lt=F("other")), name="similar_claim_ordered"),
        ]
        indexes = [
            # The claim page: a claim's pairs on either side, best first.
            models.Index(fields=["claim", "-score"], name="similar_claim_score_idx"),
            models.Index(fields=["other", "-score"], name="similar_other_score_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ≈ {self.other_id} ({self.score:.2f})"


class ReportFile(models.Model):
    """A report rendered in the background (quotes/tasks.render_report), kept to download."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    fmt = models.CharField("format", max_length=20)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE)
    query = models.TextField(blank=True, help_text="The claims list's filter, as a query string.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="reports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.filename or f"{self.fmt} report {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:file", args=[self.pk])
