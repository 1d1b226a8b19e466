"""Imports find what they need by index: speakers and aliases keep their slug key
(quotes.text.slugnames.slug_key), so a LIAR import finds the registry speakers its slugs name
without folding every name in the registry; the ClaimReview import looks up review URLs by
their head (and its own claims through 0017's claim_method_idx)."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models.functions import Left

from quotes.text.slugnames import slug_key

BATCH = 2000


def fill_slug_keys(apps: Any, schema_editor: Any) -> None:
    for label, source in (("Speaker", "name"), ("SpeakerAlias", "normalized")):
        model = apps.get_model("quotes", label)
        rows = model.objects.using(schema_editor.connection.alias).only("pk", source)
        changed = []
        for row in rows.iterator(BATCH):
            row.slug_key = slug_key(getattr(row, source))[:200]
            changed.append(row)
            if len(changed) == BATCH:
                model.objects.bulk_update(changed, ["slug_key"])
                changed = []
        model.objects.bulk_update(changed, ["slug_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0018_speaker_counters"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="slug_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="speakeralias",
            name="slug_key",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_slug_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="speaker",
            index=models.Index(fields=["slug_key"], name="speaker_slug_key_idx"),
        ),
        migrations.AddIndex(
            model_name="speakeralias",
            index=models.Index(fields=["slug_key"], name="speakeralias_slug_key_idx"),
        ),
        migrations.AddIndex(
            model_name="externalreview",
            index=models.Index(Left("review_url", 200), name="externalreview_url_head_idx"),
        ),
    ]
