"""A national archive on PostgreSQL: LIAR grown by near-copies to any number of claims.

    .venv/bin/python benchmarks/archive.py [--sizes 12836,128360,1000000] [--prefix archive]

Builds one PostgreSQL database per size (archive_13k, archive_130k, archive_1m), each migrated,
with LIAR imported through `import_liar`, 10 % of its claims carrying a published verdict of
ours, then grown by near-copies and VACUUM ANALYZEd: the data the 1M benchmarks read
(benchmarks/web.py --sizes ... uses `grow` for its own throwaway databases). A database
that exists is dropped and rebuilt. Clone one for your own measurements with
`CREATE DATABASE mine TEMPLATE archive_1m`.

Near-copies: round k copies every LIAR article, claim, PolitiFact review and verdict of ours
with a short phrase appended to the statement ("…, again in 2019"), k weeks older, under
the same speaker, except that a quarter of the speakers are cloned each round ("Name (k)")
and take that round's claims: the registry grows with the archive (13k → 1M claims:
3.3k → 66k speakers) and the busiest speaker gathers ~60 % of the rounds' claims, as
prolific speakers do. Rows go in through COPY with ids we choose, so a million claims load
in minutes rather than the hours the ORM would take.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LIAR = ROOT.parent / "shared" / "data" / "liar" / "liar_all.tsv"
PG_URL = "postgres://postgres@127.0.0.1:5432/{db}"
PHRASES = (
    "again",
    "in a speech",
    "on television",
    "at a rally",
    "in an interview",
    "on social media",
    "in a debate",
    "in a statement",
    "to reporters",
    "in a newsletter",
    "on the radio",
    "in an op-ed",
)
LIAR_ROWS = 12836
PUBLISHED_SHARE = 10  # one claim in ten carries a published verdict of ours


def label(size: int) -> str:
    """12836 -> 13k, 128360 -> 130k, 1000000 -> 1m: two significant figures."""
    rounded = round(size, 2 - len(str(size)))
    return f"{rounded // 1_000_000}m" if rounded >= 1_000_000 else f"{rounded // 1000}k"


def import_base(size: int) -> None:
    """LIAR's first `size` statements (synthetic ones when ../shared is absent), through the
    importer a newsroom uses, then published verdicts of ours on one claim in ten."""
    import tempfile

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.utils import timezone

    from quotes.models import Claim, ExternalReview, Rating, Verdict

    if LIAR.is_file():
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
            with LIAR.open(encoding="utf-8") as src:
                for i, line in enumerate(src):
                    if i > size:  # header + size rows
                        break
                    f.write(line)
        call_command("import_liar", f.name, verbosity=0)
        os.unlink(f.name)
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from web import synthetic

        synthetic(size)
        Verdict.objects.all().delete()
    editor, _ = User.objects.get_or_create(username="archive-editor")
    ratings = {r.pk: r for r in Rating.objects.all()}
    fallback = next(iter(ratings.values()))
    theirs = dict(
        ExternalReview.objects.filter(rating__isnull=False).values_list("claim_id", "rating_id")
    )
    now = timezone.now()
    Verdict.objects.bulk_create(
        [
            Verdict(
                claim_id=pk,
                rating=ratings.get(theirs.get(pk, -1), fallback),
                rationale="Checked against the record for the archive benchmark.",
                status=Verdict.Status.PUBLISHED,
                reviewer=editor,
                published_by=editor,
                published_at=now,
            )
            for pk in Claim.objects.order_by("id").values_list("id", flat=True)[::PUBLISHED_SHARE]
        ],
        batch_size=2000,
    )


def _columns(cursor: Any, table: str) -> dict[str, str]:
    # Generated columns (claim.exact_tsv) are PostgreSQL's to fill: COPY must leave them out.
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    )
    return dict(cursor.fetchall())


def _rows(cursor: Any, table: str, columns: dict[str, str]) -> list[dict[str, Any]]:
    from psycopg import sql

    query = sql.SQL("SELECT {} FROM {} ORDER BY id").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
    )
    cursor.execute(query)
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _copy(cursor: Any, table: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    from psycopg.types.json import Jsonb

    cols = ", ".join(f'"{c}"' for c in columns)
    json = [c for c, kind in columns.items() if kind in ("json", "jsonb")]
    with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            for c in json:
                if row[c] is not None:
                    row[c] = Jsonb(row[c])
            copy.write_row([row[c] for c in columns])


def grow(size: int) -> None:
    """Copy the database's LIAR rows (and their verdicts) in rounds until it holds `size` claims."""
    from django.db import connection
    from psycopg import sql

    from quotes import counters
    from quotes.text import normalize_name

    assert connection.vendor == "postgresql", "the archive grows on PostgreSQL"
    connection.ensure_connection()
    # psycopg 3, for COPY; in Django's autocommit mode, so each COPY commits as it ends and
    # VACUUM may run.
    raw = connection.connection
    assert raw.autocommit
    with raw.cursor() as cur:
        tables = {
            t: _columns(cur, t)
            for t in ("quotes_article", "quotes_claim", "quotes_externalreview")
            + ("quotes_verdict", "quotes_speaker", "quotes_similarclaim")
        }
        articles = _rows(cur, "quotes_article", tables["quotes_article"])
        claims = _rows(cur, "quotes_claim", tables["quotes_claim"])
        reviews = _rows(cur, "quotes_externalreview", tables["quotes_externalreview"])
        verdicts = _rows(cur, "quotes_verdict", tables["quotes_verdict"])
        # Two LIAR claims that say nearly the same thing still do with the same phrase added
        # to both: each round copies the pairs, so the table grows with the archive. Pairs
        # between a claim and its own copies are left to benchmarks/web.py (quotes.similar).
        pairs = _rows(cur, "quotes_similarclaim", tables["quotes_similarclaim"])
        speakers = _rows(cur, "quotes_speaker", tables["quotes_speaker"])
        have = len(claims)
        rounds = -(-size // have) - 1  # round 0 is what is there
        body_of = {a["id"]: a["body"] for a in articles}
        taken = {s["normalized_name"] for s in speakers}
        next_id = {}
        for table in tables:
            last = sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
            cur.execute(last)
            next_id[table] = cur.fetchone()[0] + 1
        remaining = size - have
        for k in range(1, max(rounds, 0) + 1):
            take = min(have, remaining)
            remaining -= take
            phrase = PHRASES[(k - 1) % len(PHRASES)]
            age = dt.timedelta(weeks=k)
            # A quarter of the speakers, a different quarter each round, is cloned.
            clones = {}
            new_speakers = []
            for s in speakers:
                if s["id"] % 4 == k % 4:
                    row = dict(s, id=next_id["quotes_speaker"], name=f"{s['name']} ({k})")
                    row["normalized_name"] = normalize_name(row["name"])
                    if row["normalized_name"] in taken:  # LIAR has its own "John Taylor (2)"
                        continue
                    taken.add(row["normalized_name"])
                    next_id["quotes_speaker"] += 1
                    clones[s["id"]] = row["id"]
                    new_speakers.append(row)
            _copy(cur, "quotes_speaker", tables["quotes_speaker"], new_speakers)
            article_id, claim_id = {}, {}
            new_articles, new_claims = [], []
            for c in claims[:take]:
                a_old = c["article_id"]
                if a_old not in article_id:
                    article_id[a_old] = next_id["quotes_article"]
                    next_id["quotes_article"] += 1
                claim_id[c["id"]] = next_id["quotes_claim"]
                next_id["quotes_claim"] += 1
            for a in articles:
                if a["id"] not in article_id:
                    continue
                body = a["body"]
                row = dict(a, id=article_id[a["id"]], created=a["created"] - age)
                row["body"] = f"{body.rstrip().rstrip('.')}, {phrase}."
                row["title"] = f"{a['title']} ({k})"[:300]
                if a["external_id"]:
                    row["external_id"] = f"{a['external_id']}.{k}"
                if a["published"]:
                    row["published"] = a["published"] - age
                new_articles.append(row)
            _copy(cur, "quotes_article", tables["quotes_article"], new_articles)
            for c in claims[:take]:
                body = body_of[c["article_id"]]
                row = dict(c, id=claim_id[c["id"]], article_id=article_id[c["article_id"]])
                row["created"] = c["created"] - age
                if c["speaker_id"] in clones:
                    row["speaker_id"] = clones[c["speaker_id"]]
                if c["start"] == 0 and c["end"] == len(body):  # LIAR: the claim is the body
                    row["exact"] = f"{body.rstrip().rstrip('.')}, {phrase}."
                    row["end"] = len(row["exact"])
                new_claims.append(row)
            _copy(cur, "quotes_claim", tables["quotes_claim"], new_claims)
            for table, rows in (("quotes_externalreview", reviews), ("quotes_verdict", verdicts)):
                copies = []
                for r in rows:
                    if r["claim_id"] not in claim_id:
                        continue
                    row = dict(r, id=next_id[table], claim_id=claim_id[r["claim_id"]])
                    next_id[table] += 1
                    if row.get("external_id"):
                        row["external_id"] = f"{row['external_id']}.{k}"
                    copies.append(row)
                _copy(cur, table, tables[table], copies)
            table = "quotes_similarclaim"
            copies = []
            for r in pairs:
                if r["claim_id"] in claim_id and r["other_id"] in claim_id:
                    mine, other = claim_id[r["claim_id"]], claim_id[r["other_id"]]
                    copies.append(dict(r, id=next_id[table], claim_id=mine, other_id=other))
                    next_id[table] += 1
            _copy(cur, table, tables[table], copies)
            copied = have * (k - 1) + take
            print(f"  round {k}/{rounds}: {copied:,} claims copied", file=sys.stderr)
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {next_id[table]})"
            )
    # COPY went past the speakers' maintained counters (quotes.counters): count them again.
    counters.recount()
    with raw.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def worker(size: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    import_base(min(size, LIAR_ROWS))
    grow(size)
    print(f"{size:,} claims in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def pg(statement: str) -> None:
    import psycopg

    url = PG_URL.format(db="test").replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def build(size: int, prefix: str) -> str:
    name = f"{prefix}_{label(size)}"
    pg(f'DROP DATABASE IF EXISTS "{name}"')
    pg(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": PG_URL.format(db=name),
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
    }
    subprocess.run([sys.executable, __file__, "--worker", str(size)], env=env, check=True)
    return name


def size_report(name: str) -> str:
    import psycopg

    url = PG_URL.format(db=name).replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database())),"
            " (SELECT count(*) FROM quotes_claim), (SELECT count(*) FROM quotes_speaker)"
        ).fetchone()
    assert row
    return f"{name}: {row[1]:,} claims, {row[2]:,} speakers, {row[0]} on disk"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", type=int)
    parser.add_argument("--sizes", default="12836,128360,1000000")
    parser.add_argument("--prefix", default="archive")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        name = build(size, args.prefix)
        print(f"{size_report(name)}; built in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
