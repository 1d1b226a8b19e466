"""quotes.imports: one way to read a file, one speaker registry, data-set rows by real fields."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from quotes.imports.speakers import SpeakerRegistry, find_speaker
from quotes.imports.text import ImportRefused, read_text
from quotes.models import Article, ExternalReview, Rating, Speaker
from quotes.text import ProposedSpeaker

FIXTURES = Path(__file__).parent / "fixtures"
LIAR = FIXTURES / "liar_sample.tsv"
CLIMATE = FIXTURES / "climate_fever_sample.jsonl"


def run(command: str, path: Path) -> str:
    out = io.StringIO()
    call_command(command, str(path), stdout=out)
    return out.getvalue()


# --- read_text ---------------------------------------------------------------------------


def test_read_text_drops_a_byte_order_mark_from_bytes_and_paths(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(codecs.BOM_UTF8 + "café\n".encode())

    assert read_text(path) == read_text(path.read_bytes()) == "café\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"one\ntwo\x00\n", r"line 2 contains NUL bytes"),
        (b"one\ntwo\nthr\xe9e", r"line 3 is not valid UTF-8 \(byte 11\)"),
        (codecs.BOM_UTF8 + b"\xff", r"line 1 is not valid UTF-8 \(byte 3\)"),
        (b"x" * 11, "11 characters long; the limit is 10"),
    ],
)
def test_read_text_refuses_what_is_not_text(data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        read_text(data, max_chars=10)


def test_read_text_refuses_a_large_file_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 41)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read"))

    with pytest.raises(ImportRefused, match="41 bytes; the limit is 10 characters"):
        read_text(path, max_chars=10)


def test_read_text_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="No such file"):
        read_text(tmp_path / "nothing.txt")


# --- SpeakerRegistry ----------------------------------------------------------------------


def test_the_registry_finds_speakers_by_name_or_alias(db: None) -> None:
    mayor = Speaker.objects.create(name="Jane Doe")
    mayor.add_alias("Mayor Doe")
    registry = SpeakerRegistry.load()

    assert registry.find("jane  DOE") == mayor
    assert registry.find("Mayor Doe") == mayor
    assert find_speaker("mayor doe") == mayor
    assert registry.find("John Roe") is None and find_speaker("John Roe") is None
    assert registry.get_or_create("Mayor Doe", role="x") == mayor
    assert registry.get_or_create("x" * 300) is None  # its key would not fit: unattributed


def test_deferred_speakers_are_created_in_one_insert(db: None) -> None:
    registry = SpeakerRegistry.load()
    first = registry.get_or_create("New Person", defer=True, role="Senator")
    again = registry.get_or_create("new person", defer=True)

    with CaptureQueriesContext(connection) as queries:
        registry.save_deferred()

    assert first is again
    assert len(queries) == 1
    assert Speaker.objects.get().role == "Senator"


def test_resolve_matches_a_proposed_alias_and_records_the_new_names(db: None) -> None:
    known = Speaker.objects.create(name="Barack Obama")
    registry = SpeakerRegistry.load()

    speaker = registry.resolve(ProposedSpeaker("President Obama", "person", "President", ()))
    other = registry.resolve(ProposedSpeaker("Mr. Obama", "person", None, ("Barack Obama",)))

    assert speaker != known  # a different name with no shared alias is another speaker
    assert other == known
    assert known.aliases.filter(alias="Mr. Obama").exists()


# --- data-set rows --------------------------------------------------------------------------


def test_data_set_rows_carry_their_data_set_and_id(db: None) -> None:
    run("import_liar", LIAR)
    run("import_climate_fever", CLIMATE)

    assert sorted(Article.objects.filter(dataset="liar").values_list("external_id", flat=True)) == [
        "101",
        "102",
        "103",
        "104",
    ]
    assert Article.objects.filter(dataset="climate-fever", external_id="2002").exists()
    with pytest.raises(IntegrityError):
        Article.objects.create(title="x", body="x", dataset="liar", external_id="101")


def test_a_reimport_finds_imported_rows_by_id_not_by_title(db: None) -> None:
    run("import_liar", LIAR)
    run("import_climate_fever", CLIMATE)
    # an editor retitles the articles: the rows are still the data set's
    Article.objects.update(title="Retitled")

    liar = run("import_liar", LIAR)
    climate = run("import_climate_fever", CLIMATE)

    assert "Imported 0 LIAR statements" in liar
    assert "Imported 0 Climate-FEVER claims" in climate
    assert Article.objects.count() == 8


def test_import_liar_finds_a_rating_whose_slug_an_editor_renamed(db: None) -> None:
    Rating.objects.filter(slug="pants-fire").update(slug="pants-on-fire")

    out = run("import_liar", LIAR)

    assert "Imported 4 LIAR statements" in out
    assert ExternalReview.objects.filter(rating__slug="pants-on-fire").count() == 1


def test_articles_outside_data_sets_never_collide(db: None) -> None:
    Article.objects.create(title="a", body="a")
    Article.objects.create(title="b", body="b")

    assert Article.objects.filter(dataset__isnull=True, external_id__isnull=True).count() == 2
