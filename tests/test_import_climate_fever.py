"""manage.py import_climate_fever: Climate-FEVER claims with Wikipedia sentences as evidence."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quotes.models import Article, Claim, Evidence, Source, Verdict
from quotes.services import refresh_after_bulk_import

SAMPLE = Path(__file__).parent / "fixtures" / "climate_fever_sample.jsonl"
LINES = SAMPLE.read_text("utf-8").splitlines()


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_climate_fever", str(path), *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Article.objects.count(),
        Claim.objects.count(),
        Source.objects.count(),
        Evidence.objects.count(),
        Verdict.objects.count(),
    )


def write(tmp_path: Path, lines: list[str], name: str = "sample.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return path


def edited(line: int, change: Any) -> str:
    """Line `line` of the sample (1-based), parsed, changed in place by `change`, re-dumped."""
    value = json.loads(LINES[line - 1])
    change(value)
    return json.dumps(value)


def test_it_imports_claims_with_their_sentences_as_evidence(db: None) -> None:
    out = run(SAMPLE)

    assert "Imported 4 Climate-FEVER claims with 20 pieces of evidence" in out
    assert "from 15 Wikipedia articles (15 new sources)" in out
    # 4 claims, 15 distinct Wikipedia articles, 5 sentences each, and no verdicts.
    assert counts() == (4, 4, 15, 20, 0)
    claim = Claim.objects.select_related("article").get(
        article__title__startswith="Climate-FEVER 2002:"
    )
    article = claim.article
    assert article.title == (
        "Climate-FEVER 2002: Carbon dioxide is a trace gas, so it cannot warm the planet."
    )
    assert (article.outlet, article.body) == (
        "Climate-FEVER",
        "Carbon dioxide is a trace gas, so it cannot warm the planet.",
    )
    assert (claim.start, claim.end, claim.exact) == (0, len(article.body), article.body)
    assert (claim.kind, claim.attribution_method, claim.speaker) == (
        Claim.Kind.STATEMENT,
        "climate-fever",
        None,
    )
    assert claim.history.get().history_change_reason == "Imported from Climate-FEVER"
    first = claim.evidence.select_related("source").order_by("id").first()
    assert first is not None
    assert first.source.title == "Greenhouse gas"
    assert first.source.publisher == "Wikipedia"
    assert first.source.url == "https://en.wikipedia.org/wiki/Greenhouse_gas"
    assert first.excerpt == (
        "Without greenhouse gases, the average temperature of Earth's surface would be about "
        "−18 °C, rather than the present average of 15 °C."
    )
    assert first.note == (
        "Climate-FEVER evidence “Greenhouse gas:5”: REFUTES (votes REFUTES, REFUTES; "
        "entropy 0.00). Claim 2002 is labelled REFUTES over all its evidence."
    )


def test_surrounding_space_is_trimmed_and_long_claims_shorten_only_the_title(
    db: None, tmp_path: Path
) -> None:
    long_claim = "Warming " * 60

    def lengthen(value: dict[str, Any]) -> None:
        value["claim"] = long_claim

    run(write(tmp_path, [LINES[3], edited(1, lengthen)]))

    trimmed = Claim.objects.get(article__title__startswith="Climate-FEVER 4004:")
    assert (
        trimmed.exact
        == "Sea level rise is no faster today than in the 1800s – it’s a ‘natural cycle’."
    )
    long = Claim.objects.select_related("article").get(
        article__title__startswith="Climate-FEVER 1001:"
    )
    assert long.exact == long.article.body == long_claim.strip()
    assert len(long.article.title) == 300


def test_evidence_labels_become_stances(db: None) -> None:
    run(SAMPLE)

    stances = {
        (e.claim.article.title.split(":")[0], e.note.split("”")[0].split("“")[1]): e.stance
        for e in Evidence.objects.select_related("claim__article")
    }
    assert stances[("Climate-FEVER 1001", "Arctic sea ice decline:2")] == "corroborates"
    assert stances[("Climate-FEVER 1001", "Sea ice:17")] == "context"
    assert stances[("Climate-FEVER 2002", "Greenhouse gas:5")] == "disputes"
    assert stances[("Climate-FEVER 3003", "Medieval Warm Period:4")] == "corroborates"
    assert stances[("Climate-FEVER 3003", "Medieval Warm Period:7")] == "disputes"
    by_stance = {
        stance: Evidence.objects.filter(stance=stance).count() for stance in Evidence.Stance
    }
    assert by_stance == {
        Evidence.Stance.CORROBORATES: 4,
        Evidence.Stance.DISPUTES: 5,
        Evidence.Stance.CONTEXT: 11,
    }


def test_claim_labels_do_not_become_verdicts(db: None) -> None:
    run(SAMPLE)

    assert Verdict.objects.count() == 0
    disputed = Evidence.objects.filter(claim__article__title__startswith="Climate-FEVER 3003:")
    assert all(
        e.note.endswith("Claim 3003 is labelled DISPUTED over all its evidence.") for e in disputed
    )


def test_one_source_per_wikipedia_article_shared_between_claims(db: None) -> None:
    run(SAMPLE)

    warming = Source.objects.get(url="https://en.wikipedia.org/wiki/Global_warming")
    assert warming.evidence.count() == 4
    assert warming.evidence.values("claim").distinct().count() == 4
    # Two sentences of one article for one claim: two pieces of evidence, one source.
    ice = Source.objects.get(title="Arctic sea ice decline")
    assert sorted(ice.evidence.values_list("excerpt", flat=True)) == [
        "Sea ice in the Arctic has declined in recent decades in area and volume due to climate change.",
        "The September minimum extent has fallen by about 13 percent per decade since satellite observations began in 1979.",
    ]


def test_urls_are_spelt_as_wikipedia_links_them(db: None) -> None:
    run(SAMPLE)

    urls = dict(Source.objects.values_list("title", "url"))
    wiki = "https://en.wikipedia.org/wiki/"
    assert urls["Earth's energy budget"] == wiki + "Earth%27s_energy_budget"
    assert urls["Watts Up With That?"] == wiki + "Watts_Up_With_That%3F"
    assert urls["Climate change (general concept)"] == wiki + "Climate_change_(general_concept)"
    assert urls["Post-glacial rebound"] == wiki + "Post-glacial_rebound"


def test_an_existing_source_is_reused_unchanged(db: None) -> None:
    mine = Source.objects.create(
        url="https://en.wikipedia.org/wiki/Global_warming", title="GW (my copy)", publisher="WP"
    )

    out = run(SAMPLE)

    assert "from 15 Wikipedia articles (14 new sources)" in out
    assert Source.objects.count() == 15
    mine.refresh_from_db()
    assert (mine.title, mine.publisher, mine.evidence.count()) == ("GW (my copy)", "WP", 4)


def test_reimporting_duplicates_nothing(db: None) -> None:
    run(SAMPLE)
    before = counts()

    out = run(SAMPLE)

    assert counts() == before
    assert "Imported 0 Climate-FEVER claims with 0 pieces of evidence" in out
    assert "line 1: claim 1001 already imported" in out
    assert "line 4: claim 4004 already imported" in out


def test_limit_then_the_rest_reuses_the_sources(db: None) -> None:
    out = run(SAMPLE, "--limit", "2")

    assert "Imported 2 Climate-FEVER claims with 10 pieces of evidence" in out
    assert counts() == (2, 2, 8, 10, 0)

    out = run(SAMPLE)

    assert "Imported 2 Climate-FEVER claims with 10 pieces of evidence" in out
    assert "from 8 Wikipedia articles (7 new sources)" in out  # Global warming is reused
    assert counts() == (4, 4, 15, 20, 0)
    assert Source.objects.filter(title="Global warming").count() == 1


def test_limit_must_be_positive(db: None) -> None:
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        run(SAMPLE, "--limit", "0")


def test_crlf_a_bom_and_blank_lines_are_accepted(db: None, tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n\r\n".join(LINES).encode("utf-8") + b"\r\n")

    out = run(path)

    assert "Imported 4 Climate-FEVER claims" in out
    assert counts() == (4, 4, 15, 20, 0)


def test_unusable_claims_are_skipped_with_the_reason(db: None, tmp_path: Path) -> None:
    def unknown_claim_label(value: dict[str, Any]) -> None:
        value["claim_label"] = "MAYBE"

    def unknown_evidence_label(value: dict[str, Any]) -> None:
        value["evidences"][2]["evidence_label"] = "PARTLY"

    def empty_claim(value: dict[str, Any]) -> None:
        value["claim"] = "  "

    def no_title(value: dict[str, Any]) -> None:
        value["evidences"][0]["article"] = ""

    lines = [
        LINES[0],
        edited(2, unknown_claim_label),
        edited(3, unknown_evidence_label),
        edited(4, empty_claim),
        edited(2, no_title),
        LINES[0],
    ]

    out = run(write(tmp_path, lines))

    assert "Imported 1 Climate-FEVER claims with 5 pieces of evidence" in out
    assert "line 2: unknown claim label 'MAYBE'" in out
    assert "line 3: evidences[2] has the unknown label 'PARTLY'" in out
    assert "line 4: empty claim" in out
    assert "line 5: evidences[0] has no article title" in out
    assert "line 6: claim 1001 is also on line 1" in out
    assert counts() == (1, 1, 4, 5, 0)


def test_a_file_of_unusable_claims_only_is_refused(db: None, tmp_path: Path) -> None:
    def unknown(value: dict[str, Any]) -> None:
        value["claim_label"] = "MAYBE"

    with pytest.raises(CommandError, match="No claim of .* could be imported:\n  line 1: unknown"):
        run(write(tmp_path, [edited(1, unknown)]))

    assert counts() == (0, 0, 0, 0, 0)


def _set(path: str, value: Any) -> Any:
    """A change for edited(): set a field, `evidences.1.article` style, or delete it (...)."""

    def change(record: dict[str, Any]) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        target: Any = record
        for key in keys[:-1]:
            target = target[key]
        if value is ...:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return change


# Every case puts the bad line third, after two good ones that must not be imported either.
BAD_LINES = [
    ("not json at all", "line 3 is not valid JSON"),
    (LINES[2][:-20], "line 3 is not valid JSON"),
    ("[1, 2, 3]", "line 3 is an array, not a JSON object"),
    ("null", "line 3 is null, not a JSON object"),
    (edited(3, _set("claim", ...)), "line 3: claim is missing"),
    (edited(3, _set("claim_id", ...)), "line 3: claim_id is missing"),
    (edited(3, _set("claim_label", ...)), "line 3: claim_label is missing"),
    (edited(3, _set("evidences", ...)), "line 3: evidences is missing"),
    (edited(3, _set("evidences.1.article", ...)), r"line 3: evidences\[1\].article is missing"),
    (edited(3, _set("evidences.4.evidence", ...)), r"line 3: evidences\[4\].evidence is missing"),
    (edited(3, _set("claim", 42)), "line 3: claim should be a string, not a number"),
    (edited(3, _set("claim_id", True)), "line 3: claim_id should be a string, not a boolean"),
    (edited(3, _set("claim_id", "3:3")), "line 3: claim_id '3:3' should be 1 to 100 characters"),
    (edited(3, _set("claim_label", None)), "line 3: claim_label should be a string, not null"),
    (edited(3, _set("evidences", "none")), "line 3: evidences should be an array, not a string"),
    (edited(3, _set("evidences.0", "text")), r"evidences\[0\] should be an object, not a string"),
    (
        edited(3, _set("evidences.2.evidence_label", 1)),
        r"line 3: evidences\[2\].evidence_label should be a string, not a number",
    ),
    (edited(3, _set("evidences.2.votes", "SUPPORTS")), r"evidences\[2\].votes should be an array"),
    (edited(3, _set("evidences.2.votes.0", 1)), r"evidences\[2\].votes\[0\] should be a string"),
    (edited(3, _set("evidences.2.entropy", "low")), r"evidences\[2\].entropy should be a number"),
    (edited(3, _set("claim", "CO\u0000 rises")), "line 3: claim contains a NUL character"),
    (edited(3, _set("claim_id", "3\u0000")), "line 3: claim_id contains a NUL character"),
    (
        LINES[2].replace('"claim":"', '"claim":"\\ud83d ', 1),
        r"line 3: claim contains an unpaired surrogate \(\\ud83d\)",
    ),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES)
def test_a_bad_line_refuses_the_whole_file(
    db: None, tmp_path: Path, line: str, message: str
) -> None:
    path = write(tmp_path, [LINES[0], LINES[1], line, LINES[3]])

    with pytest.raises(CommandError, match=message) as excinfo:
        run(path)

    assert "Nothing was imported" in str(excinfo.value)
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n \r\n\n", "is empty"),
        (b"\n" + LINES[0].encode()[:50] + b"\x00\x01" + b"\n", "line 2 contains NUL bytes"),
        (LINES[0].encode() + b"\n" + b'{"claim": "\xff\xfe"}\n', "line 2 is not valid UTF-8"),
        (LINES[0].encode("utf-16"), "line 1 contains NUL bytes"),
        (b"id\tlabel\tstatement\n1\ttrue\tx\n", "line 1 is not valid JSON"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    db: None, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run(path)

    assert counts() == (0, 0, 0, 0, 0)


def test_a_bad_file_leaves_an_earlier_import_alone(db: None, tmp_path: Path) -> None:
    run(SAMPLE, "--limit", "1")
    before = counts()

    with pytest.raises(CommandError, match="line 2 is not valid JSON"):
        run(write(tmp_path, [LINES[1], "{", LINES[2]]))

    assert counts() == before


def test_a_failure_while_writing_rolls_everything_back(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Evidence.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        run(SAMPLE)

    assert counts() == (0, 0, 0, 0, 0)


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.jsonl")


def test_the_number_of_queries_does_not_grow_with_the_rows(db: None, tmp_path: Path) -> None:
    two = write(tmp_path, LINES[:2], "two.jsonl")
    four = write(tmp_path, LINES, "four.jsonl")
    refresh_after_bulk_import()  # statistics exist in both runs (SQLite: sqlite_stat1)

    with CaptureQueriesContext(connection) as small:
        run(two)
    assert counts() == (2, 2, 8, 10, 0)
    Evidence.objects.all().delete()
    Source.objects.all().delete()
    Article.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        run(four)

    assert counts() == (4, 4, 15, 20, 0)
    assert len(large) == len(small)
    # 9 for the import; refresh_after_bulk_import before the new claims' similar claims are
    # looked for (the tables' sizes from the catalogue: 2 queries on SQLite, 1 on
    # PostgreSQL; ANALYZE of each table grown by a tenth or more; on PostgreSQL one
    # statement that cleans the GIN indexes' pending lists);
    # up to 4 for the similar claims (quotes/similar.py: their texts, the lexeme
    # statistics, one search, one insert); then the command's refresh_after_bulk_import
    # for the evidence and sources too (sizes, up to 7 ANALYZE, the GIN statement)
    assert len(large) <= 30, [q["sql"] for q in large.captured_queries]


def test_a_numeric_claim_id_is_read_as_its_digits(db: None, tmp_path: Path) -> None:
    run(write(tmp_path, [edited(3, _set("claim_id", 3003))]))
    before = counts()

    out = run(SAMPLE)

    assert "line 3: claim 3003 already imported" in out
    assert counts()[:2] == (before[0] + 3, before[1] + 3)
