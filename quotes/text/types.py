"""The pipeline's values: plain frozen dataclasses, so callers never depend on internals."""

from __future__ import annotations

from dataclasses import dataclass, field

# The kind of a speaker the article describes but does not name: "a senior official".
UNNAMED = "unnamed"
# Kinds that are never a new registry speaker: a place ("Tehran said") and a people ("the
# Israelis") speak only through someone a reviewer names.
NOT_REGISTRABLE = frozenset({UNNAMED, "place", "group"})
# Below this confidence a proposal does not create a registry speaker: the rules under it
# (a sentence's subject without a speech verb, the sentence or paragraph before) are right
# about half the time or less, so the quote keeps the article's words for a reviewer.
MIN_NEW_SPEAKER_CONFIDENCE = 0.5


@dataclass(frozen=True)
class KnownSpeaker:
    """A speaker from the registry, passed in as plain data (the pipeline never sees the ORM)."""

    name: str
    kind: str = "person"
    aliases: tuple[str, ...] = ()
    role: str = ""


@dataclass(frozen=True)
class ProposedSpeaker:
    """A speaker the article names: what the importer needs to match or create a Speaker."""

    name: str
    kind: str
    role: str | None
    aliases: tuple[str, ...] = ()
    description: str = ""  # as the article gives it: "the chief of Lebanon’s group Hezbollah"

    def may_create(self, confidence: float) -> bool:
        """Whether an import may add this proposal to the registry as a new speaker.

        Never a place, a people or an unnamed source, never a name without a capital
        letter or longer than a name, and never below MIN_NEW_SPEAKER_CONFIDENCE; such
        a quote keeps the article's words in `speaker_text` and waits for a reviewer.
        """
        words = self.name.split()
        return (
            self.kind not in NOT_REGISTRABLE
            and confidence >= MIN_NEW_SPEAKER_CONFIDENCE
            and 0 < len(words) <= 7
            and words[0][:1].isupper()
        )

    @property
    def display_name(self) -> str:
        """The name as a reader needs it: "Foo Bar Council (FBC)", "Jo Roe, mayor of Ely"."""
        return self.described(self.description)

    def described(self, description: str) -> str:
        """The display name with a description: "Jo Roe, mayor of Ely", "Al Bo (D-Conn.)"."""
        short = [a for a in self.aliases if a.isupper() and " " not in a]
        name = f"{self.name} ({short[0]})" if short else self.name
        if description and description.strip("()") not in short:
            name = (
                f"{name} {description}" if description.startswith("(") else f"{name}, {description}"
            )
        return name


@dataclass(frozen=True)
class ClaimSpan:
    """One claim: `text == body[start:end]`.

    kind is "quote" (the words inside one pair of quotation marks) or "statement"
    (one sentence of the article's own voice). For quotes, `speaker` is the
    canonical name of the proposed speaker, `method` says which rule proposed it,
    `cue` is the word that signalled the speech ("said", "according to", ":") and
    `confidence` how much that rule is trusted, from 0 to 1.
    """

    kind: str
    start: int
    end: int
    text: str
    speaker: str | None = None
    method: str = "none"
    cue: str | None = None
    confidence: float = 0.0
    # how the text describes the speaker at this quote: "a Cuellar campaign spokesman"
    speaker_description: str = ""


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one article."""

    claims: list[ClaimSpan] = field(default_factory=list)
    speakers: list[ProposedSpeaker] = field(default_factory=list)
    outlet: str | None = None
