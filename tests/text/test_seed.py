"""The article that started the project, end to end through the text pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotes.text import Analysis, analyze

SEED = Path(__file__).resolve().parents[2] / "quotes" / "demo" / "seed_article.txt"
NCRI = "National Council of Resistance of Iran"


@pytest.fixture(scope="module")
def body() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def analysis(body: str) -> Analysis:
    return analyze(body)


# the seed's quotations in order, by speaker (benchmarks/attribution.py reports against it)
SEED_SPEAKERS = [
    NCRI,
    "Mohammad Bagher Ghalibaf",
    NCRI,
    "Hassan Nasrallah",
    NCRI,
    "Maryam Rajavi",
    NCRI,
]


def test_seven_direct_quotations_with_their_speakers(analysis: Analysis) -> None:
    quotes = [c for c in analysis.claims if c.kind == "quote"]
    assert [c.speaker for c in quotes] == SEED_SPEAKERS
    assert quotes[3].text == "logistical support"


def test_nested_quotations_stay_inside_the_ncri_quote(analysis: Analysis) -> None:
    quotes = [c.text for c in analysis.claims if c.kind == "quote"]
    assert not any(q in ("beloved commander", "child killer") for q in quotes)
    nested = quotes[4]
    assert nested.startswith("The Iranian regime’s “beloved commander” was")
    assert nested.endswith("“child killer” among Syrians.")


def test_offsets_slice_the_body_exactly(body: str, analysis: Analysis) -> None:
    for claim in analysis.claims:
        assert body[claim.start : claim.end] == claim.text


def test_no_sentence_break_after_abbreviations(analysis: Analysis) -> None:
    statements = [c.text for c in analysis.claims if c.kind == "statement"]
    assert any(s.endswith("by U.S. forces.") and s.startswith("Just as") for s in statements)
    assert not any(s.startswith("Popular Mobilization") for s in statements)
    assert not any(s.startswith("forces.") for s in statements)


def test_the_source_line_is_the_outlet_not_a_claim(analysis: Analysis) -> None:
    assert analysis.outlet == "irannewsupdate"
    assert not any("irannewsupdate" in c.text for c in analysis.claims)


def test_the_ncri_is_one_organisation_with_its_acronym(analysis: Analysis) -> None:
    speakers = {s.name: s for s in analysis.speakers}
    assert set(speakers) == {NCRI, "Mohammad Bagher Ghalibaf", "Hassan Nasrallah", "Maryam Rajavi"}
    assert speakers[NCRI].kind == "organisation"
    assert speakers[NCRI].aliases == ("NCRI",)
    assert speakers["Maryam Rajavi"].kind == "person"


def test_statements_are_sentences_outside_quotes(analysis: Analysis) -> None:
    statements = [c for c in analysis.claims if c.kind == "statement"]
    assert len(statements) >= 12
    assert all(c.method == "sentence" and c.speaker is None for c in statements)
