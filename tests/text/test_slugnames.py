"""Readable names from LIAR's slugs: casing rules, not a list of names."""

from __future__ import annotations

import pytest

from quotes.text.slugnames import kind_from_slug, name_from_slug, slug_key


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("john-mccain", "John McCain"),
        ("claire-mccaskill", "Claire McCaskill"),
        ("beto-orourke", "Beto O'Rourke"),
        ("christine-odonnell", "Christine O'Donnell"),
        ("h-marlene-otoole", "H. Marlene O'Toole"),
        ("dave-obey", "Dave Obey"),
        ("charles-odimgbe", "Charles Odimgbe"),
        ("george-w-bush", "George W. Bush"),
        ("alex-mcmurtrie-jr", "Alex McMurtrie Jr."),
        ("colin-van-ostern", "Colin van Ostern"),
        ("aclu-north-carolina", "ACLU of North Carolina"),
        ("naacp", "NAACP"),
        ("wisconsin-state-afl-cio", "Wisconsin State AFL-CIO"),
        ("us-chamber-commerce", "US Chamber of Commerce"),
        ("nrcc", "NRCC"),
        ("barack-obama", "Barack Obama"),
        ("chain-email", "Chain email"),
        ("facebook-posts", "Facebook posts"),
    ],
)
def test_names_are_rebuilt_with_casing_rules(slug: str, name: str) -> None:
    assert name_from_slug(slug) == name


@pytest.mark.parametrize(
    ("slug", "party", "kind"),
    [
        ("chain-email", "none", "other"),
        ("viral-image", "none", "other"),
        ("blog-posting", "none", "other"),
        ("one-wisconsin-now", "organization", "organisation"),
        ("democratic-national-committee", "none", "organisation"),
        ("national-rifle-association", "none", "organisation"),
        ("rush-limbaugh", "none", "person"),
        ("barack-obama", "democrat", "person"),
    ],
)
def test_media_and_organisations_are_not_persons(slug: str, party: str, kind: str) -> None:
    assert kind_from_slug(slug, party) == kind


def test_slug_key_folds_names_as_slugs_do() -> None:
    assert slug_key("Beto O'Rourke") == slug_key("beto-orourke")
    assert slug_key("ACLU of North Carolina") == slug_key("aclu-north-carolina")
    assert slug_key("José Núñez") == slug_key("jose-nunez")
