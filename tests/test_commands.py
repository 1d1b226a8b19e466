from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from quotes.models import Article, Claim, Speaker, SpeakerAlias

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "quotes" / "demo" / "seed_article.txt"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Article.objects.count(),
        Claim.objects.count(),
        Speaker.objects.count(),
        SpeakerAlias.objects.count(),
    )


def test_import_article_prints_the_new_id_and_attributes_quotes(tmp_path: Path) -> None:
    out = run(
        "import_article",
        str(SEED),
        "--title",
        "Seed",
        "--url",
        "https://example.org/a",
        "--published",
        "2022-01-03",
        "--byline",
        "Staff",
    )

    article = Article.objects.get()
    assert out.strip() == str(article.pk)
    assert article.outlet == "irannewsupdate"
    assert article.published.isoformat() == "2022-01-03"
    quotes = article.claims.filter(kind="quote").select_related("speaker")
    by_speaker: dict[str, int] = {}
    for claim in quotes:
        by_speaker[claim.speaker.name] = by_speaker.get(claim.speaker.name, 0) + 1
        assert article.body[claim.start : claim.end] == claim.exact
    assert by_speaker == {
        "National Council of Resistance of Iran": 4,
        "Mohammad Bagher Ghalibaf": 1,
        "Hassan Nasrallah": 1,
        "Maryam Rajavi": 1,
    }
    ncri = Speaker.objects.get(name="National Council of Resistance of Iran")
    assert ncri.kind == "organisation"
    assert "NCRI" in set(ncri.aliases.values_list("alias", flat=True))


def test_a_second_import_reuses_speakers_through_aliases(tmp_path: Path) -> None:
    run("import_article", str(SEED))
    speakers = Speaker.objects.count()
    later = tmp_path / "later.txt"
    later.write_text("The NCRI said, “The regime is weaker than ever before.”\n", encoding="utf-8")

    run("import_article", str(later), "--title", "Later")

    assert Speaker.objects.count() == speakers
    claim = Article.objects.get(title="Later").claims.get(kind="quote")
    assert claim.speaker.name == "National Council of Resistance of Iran"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait, said Pierre.", "UTF-8"),
    ],
)
def test_import_article_rejects_bad_files_and_writes_nothing(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(bad))
    assert counts() == (0, 0, 0, 0)


@override_settings(MAX_ARTICLE_CHARS=100)
def test_import_article_rejects_text_over_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The mayor said the budget grew. " * 10, encoding="utf-8")
    with pytest.raises(CommandError, match="limit is 100 characters"):
        call_command("import_article", str(big))
    assert counts() == (0, 0, 0, 0)


def test_import_article_rejects_a_missing_file_and_a_bad_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_article", str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="--published"):
        call_command("import_article", str(SEED), "--published", "3 Jan")
    assert counts() == (0, 0, 0, 0)


def test_import_article_exits_with_status_1_on_bad_input(tmp_path: Path) -> None:
    import subprocess
    import sys

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(empty)],
        cwd=SEED.parents[2],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "factcheck.test_settings",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        check=False,
    )
    assert result.returncode == 1
    assert "empty" in result.stderr


def test_load_demo_is_idempotent() -> None:
    first = run("load_demo")
    before = counts()
    second = run("load_demo")

    assert "Loaded the demo article" in first
    assert "already loaded" in second
    assert counts() == before
    assert before[1] > 7


def test_ensure_local_user_creates_one_account_with_a_random_password() -> None:
    out = run("ensure_local_user")
    user = User.objects.get()
    password = out.split("password: ")[1].split()[0]
    assert user.is_superuser
    assert user.check_password(password)
    assert user.groups.filter(name="Editor").exists()

    again = run("ensure_local_user")
    assert "password:" not in again
    assert User.objects.count() == 1
    assert "http://127.0.0.1:8000/" in again
