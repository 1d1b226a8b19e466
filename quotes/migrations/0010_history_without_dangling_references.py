"""Repair verdict history that points at deleted rows (possible before quotes.signals).

Past versions naming a deleted account stop naming it, as the verdict itself does (SET_NULL).
A past version whose rating was deleted gets the rating back as a placeholder, flagged for an
editor, so the history page, the JSON export and backups can read it again.
"""

from django.conf import settings
from django.db import migrations


def repair(apps, schema_editor):
    HistoricalVerdict = apps.get_model("quotes", "HistoricalVerdict")
    Rating = apps.get_model("quotes", "Rating")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = User.objects.values("pk")
    for field in ("reviewer", "published_by", "history_user"):
        HistoricalVerdict.objects.filter(**{f"{field}__isnull": False}).exclude(
            **{f"{field}_id__in": users}
        ).update(**{field: None})
    missing = (
        HistoricalVerdict.objects.exclude(rating_id__in=Rating.objects.values("pk"))
        .values_list("rating_id", flat=True)
        .distinct()
    )
    for pk in missing:
        Rating.objects.create(
            pk=pk,
            label=f"Deleted rating {pk}",
            slug=f"deleted-rating-{pk}",
            needs_review=True,
            description="Recreated because the history of a verdict used it.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0009_verdict_review_note"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
