"""Imported fact checks were stored as Verdicts: move them to ExternalReview.

ClaimReview imports made *published* verdicts and LIAR imports verdicts in review, so
other organisations' findings showed as "our verdict" and went out in our exports.
Each becomes an ExternalReview. The verdict itself is deleted unless a reviewer of ours
has taken it over (a reviewer set, or LIAR's imported rationale rewritten): that one is
our work now and stays, beside the external record.
"""

import re

from django.db import migrations

CLAIMREVIEW_NOTE = "The ClaimReview this verdict was imported from."
LIAR_RATIONALE = re.compile(r"PolitiFact label “([^”]*)”, statement ([^)]+)\)")


def _forward(apps, schema_editor):
    Claim = apps.get_model("quotes", "Claim")
    Evidence = apps.get_model("quotes", "Evidence")
    ExternalReview = apps.get_model("quotes", "ExternalReview")
    Rating = apps.get_model("quotes", "Rating")
    Source = apps.get_model("quotes", "Source")
    Verdict = apps.get_model("quotes", "Verdict")
    HistoricalVerdict = apps.get_model("quotes", "HistoricalVerdict")

    drop: list[int] = []
    claims = Claim.objects.filter(
        attribution_method__in=["claimreview", "liar"], verdict__isnull=False
    ).select_related("verdict__rating", "article")
    for claim in claims.iterator(chunk_size=1000):
        verdict = claim.verdict
        rating = verdict.rating
        on_scale = rating if rating.value is not None and not rating.needs_review else None
        review = ExternalReview(claim=claim, origin=claim.attribution_method)
        if claim.attribution_method == "liar":
            match = LIAR_RATIONALE.search(verdict.rationale)
            review.publisher_name = "PolitiFact"
            review.publisher_url = "https://www.politifact.com/"
            review.rating_label = match.group(1) if match else rating.label
            review.external_id = match.group(2) if match else ""
            review.rating = rating  # LIAR's labels map onto our scale one to one
            review.claim_location = claim.context
            ours = verdict.reviewer_id is not None or not verdict.rationale.startswith(
                "Imported from LIAR"
            )
        else:
            origin = (
                Evidence.objects.filter(claim=claim, note=CLAIMREVIEW_NOTE)
                .select_related("source")
                .first()
            )
            if origin is not None:
                review.review_url = origin.source.url
                review.publisher_name = origin.source.publisher
                source_id = origin.source_id
                origin.delete()
                if not Evidence.objects.filter(source_id=source_id).exists():
                    Source.objects.filter(pk=source_id).delete()
            review.rating_label = rating.label
            review.rating = on_scale
            review.published_at = verdict.published_at
            if not verdict.rationale.startswith("Imported from a ClaimReview"):
                review.headline = verdict.rationale[:500]
            if claim.article.url:
                review.appearances = [{"url": claim.article.url}]
            review.claim_date = claim.article.published
            ours = verdict.reviewer_id is not None
        review.save()
        if not ours:
            drop.append(verdict.pk)
    for start in range(0, len(drop), 1000):
        ids = drop[start : start + 1000]
        Verdict.objects.filter(pk__in=ids).delete()
        # their history too: it records an import, not a check of ours
        HistoricalVerdict.objects.filter(id__in=ids).delete()
    # Labels that imports added to the scale only to hold other organisations' ratings.
    Rating.objects.filter(needs_review=True, verdicts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("quotes", "0013_external_reviews_speaker_url")]

    operations = [migrations.RunPython(_forward, migrations.RunPython.noop)]
