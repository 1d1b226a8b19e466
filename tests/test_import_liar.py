"""manage.py import_liar: the LIAR TSV format, with or without a header row."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quotes import exports
from quotes.models import Article, Claim, ExternalReview, Speaker, Verdict

SAMPLE = Path(__file__).parent / "fixtures" / "liar_sample.tsv"
HEADER = (
    "split\tid\tlabel\tstatement\tsubjects\tspeaker\tspeaker_job_title\tstate_info\t"
    "party_affiliation\tbarely_true_count\tfalse_count\thalf_true_count\tmostly_true_count\t"
    "pants_on_fire_count\tcontext\n"
)


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_liar", str(path), stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Article.objects.count(),
        Claim.objects.count(),
        ExternalReview.objects.count(),
        Speaker.objects.count(),
        Verdict.objects.count(),
    )


def test_it_imports_each_statement_with_politifacts_rating_beside_it(db: None) -> None:
    out = run(SAMPLE)

    assert "Imported 4 LIAR statements" in out
    claim = Claim.objects.select_related("article", "speaker").get(
        article__title="LIAR 101: taxes, county-budget"
    )
    article = claim.article
    assert article.outlet == "PolitiFact"
    assert article.body == (
        "Says the county budget <script>alert(1)</script> doubled in two years."
    )
    assert (claim.start, claim.end, claim.exact) == (0, len(article.body), article.body)
    assert (claim.kind, claim.attribution_method) == (Claim.Kind.STATEMENT, "liar")
    assert (claim.context, claim.subjects) == ("a mailer", "taxes, county-budget")
    speaker = claim.speaker
    assert speaker is not None
    assert (speaker.name, speaker.role, speaker.party, speaker.state) == (
        "Jane Q. Official",
        "County commissioner",
        "republican",
        "Ohio",
    )
    # PolitiFact's finding, not a verdict of ours: nothing to publish, export or count
    assert not Verdict.objects.exists()
    review = claim.external_reviews.select_related("rating").get()
    assert (review.origin, review.external_id) == (ExternalReview.Origin.LIAR, "101")
    assert (review.publisher_name, review.rating_label) == ("PolitiFact", "Barely True")
    assert review.rating is not None and review.rating.slug == "mostly-false"
    assert review.claim_location == "a mailer"
    assert review.summary == "PolitiFact rated this Barely True"


def test_labels_map_onto_the_scale_and_speakers_are_shared(db: None) -> None:
    run(SAMPLE)

    ratings = list(
        ExternalReview.objects.order_by("claim_id").values_list("rating__slug", flat=True)
    )
    assert ratings == ["mostly-false", "pants-fire", "true", "half-true"]
    assert Speaker.objects.filter(name="Jane Q. Official").get().claims.count() == 2
    # a chain email is where a claim circulated, not a person
    chain = Speaker.objects.get(name="Chain email")
    assert (chain.kind, chain.role) == (Speaker.Kind.OTHER, "")


def test_imported_ratings_stay_out_of_our_exports(db: None) -> None:
    run(SAMPLE)

    reviews = json.loads(b"".join(exports.export_claims(Claim.objects.all(), "claimreview").chunks))

    assert reviews == []


def test_a_header_row_is_detected(db: None, tmp_path: Path) -> None:
    path = tmp_path / "with_header.tsv"
    rows = SAMPLE.read_text("utf-8").splitlines()
    path.write_text(HEADER + "".join(f"train\t{row}\n" for row in rows), "utf-8")

    out = run(path)

    assert "Imported 4 LIAR statements" in out
    assert Article.objects.filter(title__startswith="LIAR 10").count() == 4


def test_an_existing_speaker_is_reused(db: None) -> None:
    existing = Speaker.objects.create(name="Bob Example", role="Mayor of Example")

    run(SAMPLE)

    assert Speaker.objects.filter(normalized_name=existing.normalized_name).count() == 1
    assert existing.claims.count() == 1


def test_reimporting_skips_imported_statements(db: None) -> None:
    run(SAMPLE)
    before = counts()

    out = run(SAMPLE)

    assert counts() == before
    assert "Imported 0 LIAR statements" in out
    assert "line 1: statement 101 already imported" in out


def test_bad_rows_are_skipped_with_the_reason(db: None, tmp_path: Path) -> None:
    path = tmp_path / "mixed.tsv"
    good = SAMPLE.read_text("utf-8").splitlines()[0]
    bad_label = good.replace("101.json\tbarely-true", "201.json\tsorta-true")
    empty = good.replace("101.json", "202.json").replace(
        "Says the county budget <script>alert(1)</script> doubled in two years.", " "
    )
    path.write_text("\n".join([good, bad_label, empty]) + "\n", "utf-8")

    out = run(path)

    assert "Imported 1 LIAR statements" in out
    assert "line 2: unknown label 'sorta-true'" in out
    assert "line 3: empty statement" in out
    assert counts()[:3] == (1, 1, 1)


def test_names_from_slugs_find_registry_speakers_and_aliases(db: None, tmp_path: Path) -> None:
    mccain = Speaker.objects.create(name="John McCain")
    beto = Speaker.objects.create(name="Robert Francis O'Rourke")
    beto.add_alias("Beto O'Rourke")
    aclu = Speaker.objects.create(name="ACLU of North Carolina", kind=Speaker.Kind.ORGANISATION)
    good = SAMPLE.read_text("utf-8").splitlines()[0]
    rows = [
        good.replace("101.json", f"{300 + n}.json").replace("jane-q-official", slug)
        for n, slug in enumerate(
            ["john-mccain", "beto-orourke", "aclu-north-carolina", "bill-oreilly", "dave-obey"]
        )
    ]
    path = tmp_path / "names.tsv"
    path.write_text("\n".join(rows) + "\n", "utf-8")

    run(path)

    assert [c.speaker for c in Claim.objects.order_by("article__title")[:3]] == [
        mccain,
        beto,
        aclu,
    ]
    assert Speaker.objects.filter(name="Bill O'Reilly").exists()
    assert Speaker.objects.filter(name="Dave Obey").exists()  # not O'Bey
    assert Speaker.objects.count() == 5


def test_party_organization_makes_an_organisation(db: None, tmp_path: Path) -> None:
    good = SAMPLE.read_text("utf-8").splitlines()[0]
    row = good.replace("jane-q-official", "one-wisconsin-now").replace("republican", "organization")
    path = tmp_path / "org.tsv"
    path.write_text(row + "\n", "utf-8")

    run(path)

    speaker = Speaker.objects.get()
    assert (speaker.name, speaker.kind, speaker.party) == (
        "One Wisconsin Now",
        Speaker.Kind.ORGANISATION,
        "",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"just\tthree\tcolumns\n", "line 1 has 3 tab-separated columns, expected 14"),
        (b"a,comma,separated,file\n", "line 1 has 1 tab-separated columns"),
        (b"\xff\xfe1\t2\n", "is not valid UTF-8"),
        (b"1\x002\n", "NUL bytes"),
        (HEADER.replace("\tlabel", "\tlabel_x").encode(), "does not look like LIAR"),
        (
            b"id\tlabel\tstatement\tspeaker\n1\ttrue\tx\n",
            "lacks the columns subjects, speaker_job_title",
        ),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    db: None, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run(path)

    assert counts() == (0, 0, 0, 0, 0)


def test_a_short_row_anywhere_refuses_the_whole_file(db: None, tmp_path: Path) -> None:
    path = tmp_path / "short.tsv"
    lines = SAMPLE.read_text("utf-8").splitlines()
    lines[2] = "\t".join(lines[2].split("\t")[:10])
    path.write_text("\n".join(lines) + "\n", "utf-8")

    with pytest.raises(CommandError, match="line 3: 10 columns where the file has 14"):
        run(path)

    assert counts() == (0, 0, 0, 0, 0)


def test_a_file_of_unknown_labels_only_is_refused(db: None, tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text(
        SAMPLE.read_text("utf-8").replace("\tbarely-true\t", "\tmeh\t").splitlines()[0] + "\n",
        "utf-8",
    )

    with pytest.raises(CommandError, match="unknown label 'meh'"):
        run(path)

    assert counts() == (0, 0, 0, 0, 0)


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.tsv")


def test_the_new_claims_are_indexed_before_their_similar_claims_are_looked_for(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Searched before, every search read the GIN index's pending list of all the new rows
    # (PostgreSQL): importing LIAR into an empty database took minutes instead of seconds.
    from quotes import services, tasks

    events: list[str] = []
    refresh = services.refresh_after_bulk_import
    send = tasks.send

    def refreshing(*args: object, **kwargs: object) -> None:
        events.append("refresh")
        refresh(*args, **kwargs)  # type: ignore[arg-type]

    def sending(task: object, *args: object) -> None:
        events.append(f"send {getattr(task, 'name', task)}")
        send(task, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "refresh_after_bulk_import", refreshing)
    monkeypatch.setattr(tasks, "send", sending)
    run(SAMPLE)

    similar = [i for i, e in enumerate(events) if "compute_similar_claims" in e]
    assert similar and "refresh" in events[: similar[0]]
