"""Who is who in one article: mentions folded into entities, seeded by the registry.

"The National Council of Resistance of Iran (NCRI)", "the NCRI" and "NCRI" become
one entity; "Mohammad Bagher Ghalibaf" and a later "Ghalibaf" too. Registry
speakers (from the database, as plain data) are matched by name and alias, so an
article that only says "the NCRI" still gets the registry's canonical name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from quotes.text.names import Mention
from quotes.text.naming import is_particle, name_keys, strip_particle
from quotes.text.normalize import normalize_name
from quotes.text.types import UNNAMED, KnownSpeaker, ProposedSpeaker


@dataclass(eq=False)  # identity: one object per speaker, compared and found by `is`
class Entity:
    name: str
    kind: str
    role: str = ""
    gender: str = ""
    aliases: set[str] = field(default_factory=set)
    known: bool = False  # from the registry: its name is canonical
    description: str = ""  # what the text says of the speaker after the name

    def proposal(self) -> ProposedSpeaker:
        aliases = tuple(
            sorted(a for a in self.aliases if normalize_name(a) != normalize_name(self.name))
        )
        return ProposedSpeaker(
            self.name, self.kind, self.role or self.description or None, aliases, self.description
        )


_FILLER = frozenset({"the", "a", "an", "of", "s", "for", "former", "then"})


def _surname(name: str) -> str:
    keys = name_keys(name)
    return normalize_name(keys[0]) if keys else ""


@functools.lru_cache(maxsize=4096)
def _without_particles(key: str) -> str:
    """ "al ansari" -> "ansari", "al-ansari" -> "ansari": how a later mention is matched."""
    words = [strip_particle(w) for w in key.split()]
    while len(words) > 1 and is_particle(words[0]):
        words.pop(0)
    return " ".join(words)


def _initials(name: str) -> str:
    """ "World Bank" -> "wb": the acronym a later mention may use for an organisation."""
    words = [w for w in name.split() if w[:1].isupper()]
    return "".join(w[0] for w in words).lower() if len(words) > 1 else ""


class Entities:
    """The article's speakers, looked up by any name, alias or surname they were given."""

    def __init__(self, registry: list[KnownSpeaker]) -> None:
        self._by_key: dict[str, Entity] = {}
        # any single word of a full name ("Lula", "Faisal"): weaker than a surname, and
        # None once two people share it
        self._by_word: dict[str, Entity | None] = {}
        self._registry: dict[str, KnownSpeaker] = {}
        self._registry_surnames: dict[str, KnownSpeaker | None] = {}
        self._registry_roles: dict[str, KnownSpeaker | None] = {}
        self.used: dict[Entity, None] = {}  # an ordered set, most recently used last
        for known in registry:
            for alias in (known.name, *known.aliases):
                self._registry.setdefault(normalize_name(alias), known)
            if known.kind == "person" and len(known.name.split()) > 1:
                key = _surname(known.name)
                self._registry_surnames[key] = None if key in self._registry_surnames else known
            if known.role:
                role = normalize_name(known.role)
                self._registry_roles[role] = None if role in self._registry_roles else known

    def _from_known(self, known: KnownSpeaker) -> Entity:
        entity = self._by_key.get(normalize_name(known.name))
        if entity is None:
            entity = Entity(
                known.name, known.kind, known.role, aliases=set(known.aliases), known=True
            )
            self._remember(entity, known.name)
            for alias in known.aliases:
                self._remember(entity, alias)
        return entity

    def _remember(self, entity: Entity, name: str) -> None:
        key = normalize_name(name)
        if key:
            self._by_key.setdefault(key, entity)
            bare = _without_particles(key)
            if bare != key:
                self._by_key.setdefault(bare, entity)
        if entity.kind == "person" and len(name.split()) > 1:
            keys = [normalize_name(k) for k in name_keys(name)]
            for surname in keys[:2]:
                self._by_key.setdefault(surname, entity)
            for word in keys[2:]:
                if self._by_word.get(word, entity) is not entity:
                    self._by_word[word] = None
                else:
                    self._by_word[word] = entity
        elif entity.kind == "organisation" and (initials := _initials(name)):
            self._by_key.setdefault(initials, entity)

    def lookup(self, name: str, kind: str = "person") -> Entity | None:
        """An entity the article or registry already knows by this name, or None."""
        key = normalize_name(name)
        entity = self._by_key.get(key) or self._by_key.get(_without_particles(key))
        if entity is None and " " not in key:
            entity = self._by_word.get(key)
        if entity is not None:
            return entity
        known = self._registry.get(key)
        if known is None and " " not in key:
            known = self._registry_surnames.get(key)
        if known is None and " " in key and kind == "person":
            # "Hassan Nasrallah" when the article earlier said only "Nasrallah"
            entity = self._by_key.get(_surname(name))
            if entity is not None and entity.kind == "person" and " " not in entity.name:
                entity.name = name
                self._remember(entity, name)
                return entity
        return self._from_known(known) if known is not None else None

    def by_role(self, phrase: str, loose: bool = False) -> Entity | None:
        """The entity a descriptive reference points to: "the Hezbollah chief".

        loose: the words may come from the role or from what the text said of the
        speaker ("Abbas’s spokesman" for "Nabil Abu Rudeineh, the spokesman for …
        chairman Mahmoud Abbas").
        """
        words = set(normalize_name(phrase).split()) - _FILLER
        if not words:
            return None
        former = "former" in normalize_name(phrase).split()
        for entity in reversed(self.used):
            told = entity.role + " " + entity.description if loose else entity.role
            told_words = set(normalize_name(told).split())
            if not former and "former" in told_words:
                continue  # "the president" is not the former president
            if told.strip() and words <= told_words:
                return entity
        key = " ".join(normalize_name(phrase).split())
        known = self._registry_roles.get(key)
        return self._from_known(known) if known is not None else None

    def add(self, mention: Mention) -> Entity:
        """The entity for a mention, created if the article names someone new."""
        entity = self.lookup(mention.name, mention.kind)
        if entity is None:
            entity = Entity(mention.name, mention.kind, mention.role, mention.gender)
            self._remember(entity, mention.name)
        else:
            if mention.role and not entity.role:
                entity.role = mention.role
            if mention.gender and not entity.gender:
                entity.gender = mention.gender
        if mention.name.isupper() and normalize_name(mention.name) != normalize_name(entity.name):
            entity.aliases.add(mention.name)  # "IMF" for the International Monetary Fund
        if mention.acronym_of:
            entity.aliases.add(mention.acronym_of)
            self._remember(entity, mention.acronym_of)
        return entity

    def body(self, phrase: str) -> Entity:
        """A body the article names by what it is: "the Syrian foreign ministry"."""
        name = phrase.removeprefix("the ").removeprefix("The ")
        entity = self.lookup(name, "organisation")
        if entity is None:
            entity = Entity(name, "organisation")
            self._remember(entity, name)
        self.mark_used(entity)
        return entity

    def latest_body(self, noun: str) -> Entity | None:
        """ "the ministry": the latest organisation whose name ends with that noun."""
        for entity in reversed(self.used):
            if entity.kind == "organisation" and normalize_name(entity.name).endswith(noun):
                return entity
        return None

    def unnamed(self, phrase: str) -> Entity:
        """A source the article describes but does not name: "a senior White House official"."""
        key = normalize_name(phrase)
        entity = self._by_key.get(key)
        if entity is None or entity.kind != UNNAMED:
            entity = Entity(phrase, UNNAMED)
            self._by_key[key] = entity
        return entity

    def mark_used(self, entity: Entity) -> None:
        self.used.pop(entity, None)
        self.used[entity] = None

    def proposals(self) -> list[ProposedSpeaker]:
        seen = dict.fromkeys(self._by_key.values())  # each entity once, in order
        return [e.proposal() for e in seen]
