"""Checked-claim matching on PostgreSQL: time per new claim at 1k and 100k checked
claims, and precision and recall of the top match on a labelled set.

    .venv/bin/python benchmarks/matching.py [--sizes 1000,100000] [--threshold 0.4]

Checked claims are LIAR statements (../shared/data/liar/liar_all.tsv, loaded through
`import_liar`, so they are imported fact checks), topped up past LIAR's 12,836 with
statements generated from LIAR's own words by a word-bigram chain (realistic word
frequencies, no real statement repeated). The labelled set is ours:
benchmarks/matching_pairs.tsv rewords 58 LIAR statements by hand (the originals are
always among the checked claims) and benchmarks/matching_unrelated.txt has 50 claims no
LIAR statement makes. For each probe the top match is taken:
- precision: of the probes given a match, how many got their own original;
- recall: of the 58 reworded probes, how many got their original.
Runs on a throwaway database (factcheck_bench_matching on 127.0.0.1:5432), dropped at
the end. Needs ../shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIAR = ROOT.parent / "shared" / "data" / "liar" / "liar_all.tsv"
PAIRS = ROOT / "benchmarks" / "matching_pairs.tsv"
UNRELATED = ROOT / "benchmarks" / "matching_unrelated.txt"
DB = "factcheck_bench_matching"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL = 2.0


def lines(path: Path) -> list[str]:
    return [
        line.rstrip("\n")
        for line in path.open(encoding="utf-8")
        if line.strip() and not line.startswith("#")
    ]


def liar_rows() -> list[list[str]]:
    with LIAR.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return [header] + list(reader)


def write_tsv(rows: list[list[str]]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")
        return f.name


def synthetic(statements: list[str], n: int, seed: int = 7) -> list[str]:
    """n statements from a word-bigram chain over LIAR's statements."""
    rng = random.Random(seed)
    follows: dict[str, list[str]] = defaultdict(list)
    starts = []
    for text in statements:
        words = text.split()
        if len(words) < 4:
            continue
        starts.append(words[0])
        for a, b in zip(words, words[1:] + ["<end>"], strict=True):
            follows[a].append(b)
    out = []
    while len(out) < n:
        word, words = rng.choice(starts), []
        while word != "<end>" and len(words) < 40:
            words.append(word)
            word = rng.choice(follows.get(word) or ["<end>"])
        if len(words) >= 6:
            out.append(" ".join(words))
    return out


def add_checked(texts: list[str]) -> None:
    """Bulk-add checked claims the way import_liar stores them (with an ExternalReview)."""
    from quotes.models import Article, Claim, ExternalReview

    for i in range(0, len(texts), 5000):
        chunk = texts[i : i + 5000]
        articles = Article.objects.bulk_create(
            [Article(title=t[:300], outlet="PolitiFact", body=t) for t in chunk]
        )
        claims = Claim.objects.bulk_create(
            [
                Claim(article=a, start=0, end=len(a.body), exact=a.body, attribution_method="liar")
                for a in articles
            ]
        )
        ExternalReview.objects.bulk_create(
            [
                ExternalReview(
                    claim=c, origin="liar", publisher_name="PolitiFact", rating_label="False"
                )
                for c in claims
            ]
        )


def measure(probes: list[tuple[str, str | None]], threshold: float) -> dict[str, float]:
    from quotes import matching
    from quotes.models import Article

    matching.MATCH_THRESHOLD = threshold
    matching.forget_statistics()
    by_title = {
        title.split(":", 1)[0]: pk
        for pk, title in Article.objects.filter(title__startswith="LIAR ").values_list(
            "claims__pk", "title"
        )
    }
    times, hits, given, wrong = [], 0, 0, []
    matching.find_matches("warm up the statistics cache and the connection")
    for text, liar_id in probes:
        started = time.perf_counter()
        found = matching.find_matches(text)
        times.append((time.perf_counter() - started) * 1000)
        if found:
            given += 1
            if liar_id is not None and found[0].claim_id == by_title.get(f"LIAR {liar_id}"):
                hits += 1
            else:
                wrong.append(text[:60])
    pairs = sum(1 for _, liar_id in probes if liar_id is not None)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(len(times) * 0.95) - 1],
        "precision": hits / given if given else 1.0,
        "recall": hits / pairs,
        "given": given,
        "hits": hits,
        "wrong": wrong,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args()
    if not LIAR.is_file():
        sys.exit(f"{LIAR} not found: this benchmark needs ../shared.")
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from quotes import matching
    from quotes.services import refresh_after_bulk_import

    threshold = args.threshold if args.threshold is not None else matching.MATCH_THRESHOLD
    try:
        call_command("migrate", verbosity=0)
        rows = liar_rows()
        header, data = rows[0], rows[1:]
        col = header.index("id")
        pairs = [line.split("\t", 1) for line in lines(PAIRS)]
        wanted = {liar_id for liar_id, _ in pairs}
        originals = [r for r in data if r[col] in wanted]
        others = [r for r in data if r[col] not in wanted]
        assert len(originals) == len(wanted), "every reworded statement is in LIAR"
        probes: list[tuple[str, str | None]] = [(text, liar_id) for liar_id, text in pairs]
        probes += [(text, None) for text in lines(UNRELATED)]

        sizes = [int(s) for s in args.sizes.split(",")]
        results = {}
        loaded = 0
        statement = header.index("statement")
        for size in sizes:
            liar_part = (originals + others)[loaded : min(size, len(data))]
            if liar_part:
                call_command("import_liar", write_tsv([header, *liar_part]), verbosity=0)
                loaded += len(liar_part)
            if size > loaded:
                add_checked(synthetic([r[statement] for r in data], size - loaded))
                loaded = size
            refresh_after_bulk_import()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM quotes_claim")
                n = cursor.fetchone()[0]
            results[size] = measure(probes, threshold)
            r = results[size]
            print(
                f"{n:>7,} checked claims: median {r['median_ms']:.2f} ms, p95 "
                f"{r['p95_ms']:.2f} ms per new claim; top match precision {r['precision']:.3f}, "
                f"recall {r['recall']:.3f} ({r['hits']} right of {r['given']} matched, "
                f"{len(pairs)} reworded + {len(probes) - len(pairs)} unrelated, threshold "
                f"{threshold})"
            )
            for text in r["wrong"]:  # type: ignore[attr-defined]
                print(f"    wrong or spurious: {text}")
        if len(sizes) >= 2:
            ratio = results[sizes[-1]]["median_ms"] / results[sizes[0]]["median_ms"]
            verdict = "OK" if ratio <= GOAL else "OVER"
            print(f"time ratio {sizes[-1]:,}/{sizes[0]:,}: {ratio:.2f} (goal <= {GOAL}) {verdict}")
    finally:
        connection.close()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
