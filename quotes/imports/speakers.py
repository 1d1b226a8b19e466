"""The speaker registry as imports see it: one lookup by name or alias, after normalising."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from quotes.models import NAME_KEY_LENGTH, Speaker, SpeakerAlias
from quotes.text import ProposedSpeaker, normalize_name
from quotes.text.slugnames import slug_key

# Keys per IN (...) list: well inside SQLite's limit on parameters.
LOOKUP_BATCH = 1000


def usable_key(name: str) -> str:
    """The registry key of a name, or "" for no name or one whose key outgrows its column."""
    key = normalize_name(name)
    return key if len(key) <= NAME_KEY_LENGTH else ""


def find_speaker(name: str) -> Speaker | None:
    """The one speaker with this name or alias, by two indexed queries (for a form)."""
    key = usable_key(name)
    if not key:
        return None
    speaker = Speaker.objects.filter(normalized_name=key).first()
    if speaker is None:
        alias = SpeakerAlias.objects.filter(normalized=key).select_related("speaker").first()
        speaker = alias.speaker if alias else None
    return speaker


def fill_slug_keys() -> int:
    """Give speakers and aliases without a slug key theirs (rows inserted raw, as a backup
    written before the key existed restores them); how many were missing."""
    speakers = list(Speaker.objects.filter(slug_key="").only("pk", "name"))
    for speaker in speakers:
        speaker.slug_key = slug_key(speaker.name)[:NAME_KEY_LENGTH]
    Speaker.objects.bulk_update(speakers, ["slug_key"], batch_size=LOOKUP_BATCH)
    aliases = list(SpeakerAlias.objects.filter(slug_key="").only("pk", "normalized"))
    for alias in aliases:
        alias.slug_key = slug_key(alias.normalized)[:NAME_KEY_LENGTH]
    SpeakerAlias.objects.bulk_update(aliases, ["slug_key"], batch_size=LOOKUP_BATCH)
    return len(speakers) + len(aliases)


class SpeakerRegistry:
    """Every speaker by normalised name and alias, loaded once for an import of many rows.

    `get_or_create` finds a speaker or creates it at once; with `defer=True` it only builds
    the row, and `save_deferred()` creates all of them in one bulk insert (data sets).
    """

    def __init__(self, by_key: dict[str, Speaker]) -> None:
        self.by_key = by_key
        self.deferred: list[Speaker] = []

    @classmethod
    def load(cls) -> SpeakerRegistry:
        by_key: dict[str, Speaker] = {s.normalized_name: s for s in Speaker.objects.all()}
        for alias in SpeakerAlias.objects.select_related("speaker"):
            by_key.setdefault(alias.normalized, alias.speaker)
        return cls(by_key)

    @classmethod
    def for_names(cls, names: Iterable[str], slugs: Iterable[str] = ()) -> SpeakerRegistry:
        """The part of the registry an import of these names (and data-set slugs) can reach.

        Found through the unique indexes of normalised names and aliases, and the slug-key
        indexes for `slugs`: the speakers so named, with all of their aliases. Unlike
        load(), the cost follows the file, not the registry (67k speakers at a million
        claims). get_or_create() of one of `names` then finds the speaker load() would.
        """
        keys = sorted({key for key in map(usable_key, names) if key})
        folded = sorted({key for key in map(slug_key, slugs) if key})
        ids: set[int] = set()
        for start in range(0, max(len(keys), len(folded)), LOOKUP_BATCH):
            some_keys = keys[start : start + LOOKUP_BATCH]
            some_slugs = folded[start : start + LOOKUP_BATCH]
            ids.update(
                Speaker.objects.filter(
                    Q(normalized_name__in=some_keys) | Q(slug_key__in=some_slugs)
                ).values_list("pk", flat=True)
            )
            ids.update(
                SpeakerAlias.objects.filter(
                    Q(normalized__in=some_keys) | Q(slug_key__in=some_slugs)
                ).values_list("speaker_id", flat=True)
            )
        by_key: dict[str, Speaker] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), LOOKUP_BATCH):
            speakers = list(Speaker.objects.filter(pk__in=ordered[start : start + LOOKUP_BATCH]))
            by_key.update((s.normalized_name, s) for s in speakers)
            by_id = {s.pk: s for s in speakers}
            for alias in SpeakerAlias.objects.filter(speaker_id__in=list(by_id)):
                by_key.setdefault(alias.normalized, by_id[alias.speaker_id])
        return cls(by_key)

    def find(self, name: str) -> Speaker | None:
        return self.by_key.get(usable_key(name))

    def get_or_create(self, name: str, *, defer: bool = False, **fields: Any) -> Speaker | None:
        """The speaker of this name or alias; a new one with `fields` when there is none.

        None for no name, or one too long to key: such a claim stays unattributed.
        """
        key = usable_key(name)
        if not key:
            return None
        speaker = self.by_key.get(key)
        if speaker is None:
            # bulk_create skips Speaker.save(), which sets the normalised name and slug key
            speaker = Speaker(
                name=name.strip()[:200],
                normalized_name=key,
                slug_key=slug_key(name)[:NAME_KEY_LENGTH],
                **fields,
            )
            if defer:
                self.deferred.append(speaker)
            else:
                speaker.save()
            self.by_key[key] = speaker
        return speaker

    def save_deferred(self, batch_size: int = 1000) -> None:
        Speaker.objects.bulk_create(self.deferred, batch_size=batch_size)
        self.deferred = []

    def match(self, proposed: ProposedSpeaker) -> Speaker | None:
        """The registry speaker a proposal names, by name or alias, without creating one."""
        keys = [normalize_name(n) for n in (proposed.name, *proposed.aliases)]
        return next((self.by_key[k] for k in keys if k in self.by_key), None)

    def resolve(self, proposed: ProposedSpeaker) -> Speaker:
        """The speaker the text pipeline proposes, matched by its name or any of its aliases.

        A new speaker is created with the pipeline's kind and role; a known one gains the
        role if it had none. The names the article used become aliases.
        """
        speaker = self.match(proposed)
        if speaker is None:
            speaker = Speaker.objects.create(
                name=proposed.name.strip()[:200],
                kind=proposed.kind if proposed.kind in Speaker.Kind.values else "person",
                role=(proposed.role or "")[:300],
            )
        elif not speaker.role and proposed.role:
            speaker.role = proposed.role[:300]
            speaker.save(update_fields=["role"])
        self.by_key[speaker.normalized_name] = speaker
        for alias in [proposed.name, *proposed.aliases]:
            if normalize_name(alias) not in self.by_key:
                created = speaker.add_alias(alias)
                if created is not None:
                    self.by_key[created.normalized] = speaker
        return speaker
