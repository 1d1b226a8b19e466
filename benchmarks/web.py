"""Page latency as the archive grows, on SQLite and PostgreSQL, in one run.

    .venv/bin/python benchmarks/web.py [--repeat 15] [--sizes 1000,12836] [--dbs sqlite,postgres]
    make bench-1m   # --sizes 12836,128360,1000000 --dbs postgres --repeat 9

Loads LIAR (../shared/data/liar/liar_all.tsv) through `import_liar` when ../shared is there,
else synthetic claims, with a published verdict of ours on one claim in ten; sizes beyond
LIAR's 12,836 statements grow it by near-copies on PostgreSQL (benchmarks/archive.py), then
VACUUM ANALYZE. Each (database, size) runs in a fresh subprocess on a throwaway database.
Prints median and p95 latency and the query count per page at every size, then each size's
ratio to the smallest (goal <= 1.5) and whether the query counts are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIAR = ROOT.parent / "shared" / "data" / "liar" / "liar_all.tsv"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "factcheck_bench"
GOAL = 1.5  # a page at any size within 1.5x of the same page at the smallest size


def pages() -> list[tuple[str, str]]:
    from django.urls import reverse

    from quotes import similar
    from quotes.models import Article, Claim, Speaker
    from quotes.search import similar_claims

    article = Article.objects.order_by("id").first()
    # LIAR statement 9867 has near-duplicates among the first 1,000 statements, so its page
    # lists similar claims at both sizes (the first claim has none: its page measured an
    # empty list). Synthetic data: the first claim.
    # Its near-copies (benchmarks/archive.py) are found similar as a newsroom's import would
    # have found them, through quotes.similar: the archive copies LIAR's pairs, not these.
    family = Claim.objects.filter(article__title__startswith="LIAR 9867:")
    similar.compute(list(family.values_list("pk", flat=True)))
    claim = family.first() or Claim.objects.order_by("id").first()
    # The speaker with the most claims: the heaviest scorecard.
    busiest = Speaker.objects.order_by("-claim_count").first()
    assert article and claim and busiest
    assert similar_claims(claim), "the claim page should list similar claims"
    claims = reverse("quotes:claims")
    return [
        ("dashboard", reverse("quotes:dashboard")),
        ("claims", claims),
        ("claims filtered", f"{claims}?kind=statement&rating=false"),
        # A word that fills the first page at both sizes (86 matches at 1k, 1,105 at 13k).
        # "tax cuts" matched 8 claims at 1k and 178 at 13k: the ratio compared a page of 8
        # claims with a page of 50, not the same page over more data.
        ("claims searched", f"{claims}?q=tax"),
        ("claims last page", f"{claims}?page=last"),
        ("article workbench", reverse("quotes:article", args=[article.pk])),
        ("speaker page", reverse("quotes:speaker", args=[busiest.pk])),
        ("speakers A to Z", reverse("quotes:speakers")),
        ("speakers most claims", f"{reverse('quotes:speakers')}?sort=claims"),
        ("claim + similar", reverse("quotes:claim", args=[claim.pk])),
        ("admin claims", reverse("admin:quotes_claim_changelist")),
        ("admin claims searched", f"{reverse('admin:quotes_claim_changelist')}?q=tax"),
        ("admin verdicts", reverse("admin:quotes_verdict_changelist")),
        ("admin speakers", reverse("admin:quotes_speaker_changelist")),
        ("admin articles", reverse("admin:quotes_article_changelist")),
    ]


def load(size: int) -> None:
    from archive import LIAR_ROWS, grow, import_base
    from django.db import connection

    import_base(min(size, LIAR_ROWS))
    if connection.vendor == "postgresql":
        grow(size)  # VACUUM ANALYZE too, at every size, as after each step of the run
    elif size > LIAR_ROWS:
        raise SystemExit("beyond LIAR's 12,836 statements the archive grows on PostgreSQL only")


def synthetic(size: int) -> None:
    import random

    from quotes.models import Article, Claim, Rating, Speaker, Verdict

    rng = random.Random(7)
    ratings = list(Rating.objects.all())
    speakers = Speaker.objects.bulk_create(
        [Speaker(name=f"Speaker {i}", normalized_name=f"speaker {i}") for i in range(size // 4)]
    )
    words = "tax budget jobs crime border climate health schools wages prices".split()
    articles, claims = [], []
    for i in range(size):
        text = " ".join(rng.choice(words) for _ in range(12)) + "."
        articles.append(Article(title=f"Statement {i}", body=text, outlet="Synthetic"))
    Article.objects.bulk_create(articles, batch_size=1000)
    for article in Article.objects.all():
        claims.append(
            Claim(
                article=article,
                start=0,
                end=len(article.body),
                exact=article.body,
                speaker=rng.choice(speakers),
                position=1,
            )
        )
    Claim.objects.bulk_create(claims, batch_size=1000)
    Verdict.objects.bulk_create(
        [
            Verdict(claim=c, rating=rng.choice(ratings), rationale="Synthetic.")
            for c in Claim.objects.all()
        ],
        batch_size=1000,
    )
    from quotes.services import refresh_after_bulk_import

    refresh_after_bulk_import()  # as import_liar does


def worker(size: int, repeat: int) -> dict[str, dict[str, float]]:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    # DEBUG is off, so pages link hashed static files: build the manifest (staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)
    # import_liar refreshes the planner statistics (and PostgreSQL's GIN pending lists)
    # itself, as any bulk import does; on PostgreSQL the archive is also VACUUM ANALYZEd, as
    # autovacuum would have done by the time an archive holds that many claims.
    load(size)
    user = User.objects.create_superuser("bench", "", "bench-password-not-secret")
    client = Client()
    client.force_login(user)
    results: dict[str, dict[str, float]] = {}
    for name, url in pages():
        client.get(url)  # warm up caches and connections
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.sort()
        results[name] = {
            "median_ms": statistics.median(times),
            "p95_ms": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
            "queries": len(ctx.captured_queries),
        }
    return results


def run_worker(db: str, size: int, repeat: int) -> dict[str, dict[str, float]]:
    extra = {"SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "testserver"}
    args = [__file__, "--worker", str(size), "--repeat", str(repeat)]
    return in_throwaway_database(db, args, extra, f"{db} at {size}")  # type: ignore[no-any-return]


def in_throwaway_database(
    db: str, args: list[str], extra: dict[str, str], what: str, name: str = PG_BENCH_DB
) -> Any:
    """Run `python args...` on a new database (sqlite or postgres) and give back the JSON it
    prints last; the database goes afterwards, whatever happened."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
        **extra,
    }
    tmp = tempfile.mkdtemp()
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        pg_admin("DROP DATABASE IF EXISTS {db}", "CREATE DATABASE {db}", name=name)
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        out = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if db != "sqlite":
            pg_admin("DROP DATABASE IF EXISTS {db}", name=name)
    if out.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_admin(*statements: str, name: str = PG_BENCH_DB) -> None:
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement.format(db=name))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", type=int)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", default="1000,12836")
    parser.add_argument("--dbs", default="sqlite,postgres")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"data: {'LIAR via import_liar' if LIAR.is_file() else 'synthetic'}; "
        f"{args.repeat} requests per page"
    )
    ok = within_goal = True
    for db in args.dbs.split(","):
        started = time.perf_counter()
        runs = [run_worker(db, size, args.repeat) for size in sizes]
        took = time.perf_counter() - started
        print(f"\n{db}: {' / '.join(f'{s:,}' for s in sizes)} claims ({took:.0f} s)")
        print(
            f"{'page':22}"
            + "".join(f" {'med ms':>8} {'p95 ms':>8}" for _ in sizes)
            + "".join(f" {'ratio':>6}" for _ in sizes[1:])
            + "  queries"
        )
        first = runs[0]
        for name in first:
            ratios = [run[name]["median_ms"] / first[name]["median_ms"] for run in runs[1:]]
            counts = [int(run[name]["queries"]) for run in runs]
            same = len(set(counts)) == 1
            ok &= same
            within_goal &= all(r <= GOAL for r in ratios)
            print(
                f"{name:22}"
                + "".join(f" {r[name]['median_ms']:8.1f} {r[name]['p95_ms']:8.1f}" for r in runs)
                + "".join(f" {r:6.2f}" for r in ratios)
                + f"  {'/'.join(map(str, counts))}"
                + ("" if same else "  <- query count grows")
                + ("" if all(r <= GOAL for r in ratios) else f"  <- ratio above {GOAL}")
            )
    print("\nquery counts identical at both sizes" if ok else "\nquery counts differ")
    print(f"every ratio <= {GOAL}" if within_goal else f"some ratios above {GOAL}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
