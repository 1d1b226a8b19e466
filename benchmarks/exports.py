"""Export throughput and memory: CSV and JSON at 1k and 12.8k claims, plus import_liar time.

    .venv/bin/python benchmarks/exports.py [--sizes 1000,12836]

Uses a throwaway SQLite database in /tmp. Loads LIAR (../shared/data/liar/liar_all.tsv)
through `manage.py import_liar` when ../shared is there (and prints how long that took),
else generates the same number of claims. Half the verdicts are then published and every
claim gets a piece of evidence, so exports carry verdicts, history and sources.

Prints, per format and size: rows per second, peak Python memory while streaming
(tracemalloc) and the number of queries. Flat memory and queries that grow with chunks,
not rows, are the goals.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIAR = ROOT.parent / "shared" / "data" / "liar" / "liar_all.tsv"
LIAR_ROWS = 12836


def setup_django(db_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.test_settings")
    import django

    django.setup()


def load_claims() -> None:
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if LIAR.is_file():
        started = time.perf_counter()
        call_command("import_liar", str(LIAR), stdout=io.StringIO())
        elapsed = time.perf_counter() - started
        print(f"import_liar {LIAR.name}: {LIAR_ROWS:,} rows in {elapsed:.2f} s")
    else:
        print(f"{LIAR} not found: generating {LIAR_ROWS:,} claims instead")
        generate(LIAR_ROWS)


def generate(count: int) -> None:
    from quotes.models import Article, Claim, Rating, Speaker, Verdict

    ratings = list(Rating.objects.all())
    speakers = Speaker.objects.bulk_create(
        Speaker(name=f"Speaker {n}", normalized_name=f"speaker {n}") for n in range(300)
    )
    articles = Article.objects.bulk_create(
        Article(title=f"Article {n}", body=f"Statement number {n} says prices fell by {n}%.")
        for n in range(count)
    )
    claims = Claim.objects.bulk_create(
        Claim(
            article=a,
            position=1,
            start=0,
            end=len(a.body),
            exact=a.body,
            speaker=speakers[n % len(speakers)],
            attribution_method="generated",
        )
        for n, a in enumerate(articles)
    )
    Verdict.objects.bulk_create(
        Verdict(claim=c, rating=ratings[n % len(ratings)], rationale="Generated.", status="review")
        for n, c in enumerate(claims)
    )


def enrich() -> None:
    """Publish every other verdict and give every claim a source, as a working desk would."""
    from django.utils import timezone

    from quotes.models import Claim, Evidence, Source, Verdict

    now = timezone.now()
    ids = list(Verdict.objects.order_by("id").values_list("id", flat=True)[::2])
    for start in range(0, len(ids), 900):
        Verdict.objects.filter(id__in=ids[start : start + 900]).update(
            status=Verdict.Status.PUBLISHED, published_at=now
        )
    sources = Source.objects.bulk_create(
        Source(url=f"https://stats.example.org/table-{n}", title=f"Table {n}") for n in range(50)
    )
    Evidence.objects.bulk_create(
        Evidence(claim_id=pk, source=sources[n % 50], stance="disputes", excerpt="A figure.")
        for n, pk in enumerate(Claim.objects.values_list("id", flat=True).iterator())
    )


def measure(fmt: str, size: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quotes import exports
    from quotes.models import Claim

    last_id = Claim.objects.order_by("id").values_list("id", flat=True)[size - 1]
    claims = Claim.objects.filter(id__lte=last_id)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        written = sum(len(c) for c in exports.export_claims(claims, fmt).chunks)
    elapsed = time.perf_counter() - started

    tracemalloc.start()
    sum(len(c) for c in exports.export_claims(claims, fmt).chunks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size / elapsed, peak / 2**20, len(queries.captured_queries), written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=f"1000,{LIAR_ROWS}")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        load_claims()
        enrich()
        header = ("format", "claims", "rows/s", "peak MiB", "queries", "MiB out")
        print("\n{:<8}{:>8}{:>10}{:>10}{:>9}{:>9}".format(*header))
        for fmt in ("csv", "json"):
            for size in sizes:
                rate, peak, queries, written = measure(fmt, size)
                print(
                    f"{fmt:<8}{size:>8,}{rate:>10,.0f}{peak:>10.1f}{queries:>9}"
                    f"{written / 2**20:>9.1f}"
                )


if __name__ == "__main__":
    main()
