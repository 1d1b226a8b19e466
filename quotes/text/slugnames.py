"""Readable names from data-set slugs ("beto-orourke" -> "Beto O'Rourke").

LIAR names its speakers by PolitiFact's URL slugs: lower case, punctuation and short
words dropped ("aclu-north-carolina", "us-chamber-commerce"). A registry name always
wins over what is rebuilt here (match with `slug_key`); these rules only make the best
of a slug nobody registered.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

# Irish surnames written O'X; only these stems, since Obey, Odimgbe or Olson are not O'Bey.
_O_STEMS = frozenset(
    "boyle brien brian callaghan connell connor day dea dell donnell donoghue dowd "
    "driscoll flaherty gorman grady hagan halloran hara hare keefe leary loughlin "
    "mahony malley mara neal neil neill reilly riley rourke scanlon shea sullivan toole".split()
)
# Acronyms of US politics that contain vowels (those without vowels are caught by rule).
_ACRONYMS = frozenset(
    "aarp abc aclu afl afscme aipac cio cia epa fbi gop irs lgbt msnbc naacp naral nasa "
    "nato nea nra seiu uaw usa us aft ice".split()
)
_PARTICLES = frozenset("de del della der di du la le van von da dos".split())
_LOWER = frozenset("and for of on the to in at by".split())
_SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}
# Where a claim circulated without anyone behind it: these are not speakers.
_MEDIA = frozenset(
    "email emails mail mailer flier flyer flyers posts post posting postings tweet tweets "
    "image images meme memes video videos blog blogs bloggers website websites "
    "petition chain viral billboard ads".split()
)
_ORGANISATION_WORDS = frozenset(
    "pac committee association party union league council foundation institute coalition "
    "fund campaign club center centre network society chamber alliance federation project "
    "group action caucus organization organisation america americans inc corporation "
    "company board commission department office agency university college school news "
    "times post journal tribune magazine network".split()
)

_STATES = frozenset(
    "alabama alaska arizona arkansas california colorado connecticut delaware florida georgia "
    "hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland "
    "massachusetts michigan minnesota mississippi missouri montana nebraska nevada "
    "new-hampshire new-jersey new-mexico new-york north-carolina north-dakota ohio oklahoma "
    "oregon pennsylvania rhode-island south-carolina south-dakota tennessee texas utah "
    "vermont virginia washington west-virginia wisconsin wyoming".split()
)

SpeakerKind = Literal["person", "organisation", "other"]


def _word(token: str, position: int, count: int) -> str:
    if token in _SUFFIXES and position > 0:
        return _SUFFIXES[token]
    if token in _ACRONYMS or (len(token) > 1 and not re.search(r"[aeiouy]", token)):
        return token.upper()
    if 0 < position < count - 1 and (token in _LOWER or token in _PARTICLES):
        return token
    if len(token) == 1 and count > 1:
        return token.upper() + "."  # a middle initial: george-w-bush
    if token.startswith("mc") and len(token) > 3:
        return "Mc" + token[2:].capitalize()
    if token.startswith("o") and token[1:] in _O_STEMS:
        return "O'" + token[1:].capitalize()
    return token.capitalize()


def name_from_slug(slug: str) -> str:
    """The readable name of a slug: "john-mccain" -> "John McCain", "aclu" -> "ACLU"."""
    tokens = [t for t in re.split(r"[-_\s]+", slug.strip().lower()) if t]
    if kind_from_slug(slug) == "other":
        # "chain-email": a kind of source, not a proper name
        return " ".join(tokens).capitalize()
    words = [_word(t, i, len(tokens)) for i, t in enumerate(tokens)]
    # Slugs drop "of": "aclu-north-carolina" is the ACLU *of* North Carolina, and
    # "us-chamber-commerce" the US Chamber of Commerce.
    rest = "-".join(tokens[1:])
    if len(tokens) > 1 and words[0].isupper() and words[0] != "US" and rest in _STATES:
        words.insert(1, "of")
    for i in range(len(tokens) - 1, 0, -1):
        if tokens[i - 1] == "chamber" and tokens[i] == "commerce":
            words.insert(i, "of")
        if tokens[i - 1] == "afl" and tokens[i] == "cio":
            words[i - 1 : i + 1] = ["AFL-CIO"]
    return " ".join(words)


def kind_from_slug(slug: str, party: str = "") -> SpeakerKind:
    """Whether a slug names a person, an organisation, or a medium (chain email, posts)."""
    tokens = set(re.split(r"[-_\s]+", slug.strip().lower()))
    if tokens & _MEDIA:
        return "other"
    if party.strip().lower() in ("organization", "organisation"):
        return "organisation"
    if tokens & _ORGANISATION_WORDS or (tokens & _ACRONYMS) - {"us"}:
        return "organisation"
    return "person"


def slug_key(name: str) -> str:
    """A name folded as slugs fold it: "ACLU of North Carolina" -> "aclunorthcarolina".

    Accents, case, punctuation and the short words slugs drop are ignored, so a slug
    finds the registry's "Beto O'Rourke" or "ACLU of North Carolina".
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text.replace("'", "").replace("’", ""))
    return "".join(w for w in words if w not in _LOWER and w != "a")
