"""Export cost: time and peak memory (RSS) of every format at 1k and 25k claims, and PDFs as
the web serves them at 100, 1,000 and 2,000 claims (the limit; gunicorn times out at 30 s).

    .venv/bin/python benchmarks/exports.py [--sizes 1000,25000] [--body-kb 400]
        [--pdf-sizes 100,1000,2000]

Builds a throwaway SQLite database in /tmp with one article per size, each with a
400 KB body and that many claims in it (the shape that cost gigabytes when every claim
read its article's body): a speaker on every claim, a verdict on every claim (every
other one published, so the history is exported too) and a source as evidence. Then
each format exports each article in a fresh process, and the table shows its time, the
process's peak RSS after Django and the data set-up were loaded ("base") and at the
end ("peak"), and the bytes written. Flat memory means "peak" is the same at 1k and 25k
claims. PDF is refused past its limit (MAX_PDF_CLAIMS), before any claim is read.

The PDF table is the web view's path: the seconds until the request answers (the file
itself up to PDF_INLINE_LIMIT claims, else "being prepared") and until the background
job's file is there.

    .venv/bin/python benchmarks/exports.py --pg DB,DB [--formats csv,json] [--path sql|orm]

The archive on PostgreSQL: the whole claims list exported (as /reports/claims.csv does)
from each named database, e.g. clones of benchmarks/archive.py's archive_130k and
archive_1m (clone them, never read the templates themselves), each export in a fresh
process: claims per second, peak RSS, MiB written, and the seconds the web view spends
deciding whether the export fits in a request (quotes/exports/timing.py's capped count).
`--path orm` forces the ORM path of SQLite (records.py), to compare.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "json", "claimreview", "md", "html", "pdf")


def setup_django(db_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.test_settings")
    import django

    django.setup()


def build(sizes: list[int], body_kb: int) -> dict[int, int]:
    """One article per size, `body_kb` KB long, with `size` claims; returns their ids."""
    from django.core.management import call_command
    from django.utils import timezone

    from quotes.models import Article, Claim, Evidence, Rating, Source, Speaker, Verdict

    call_command("migrate", verbosity=0)
    ratings = list(Rating.objects.all())
    speakers = Speaker.objects.bulk_create(
        Speaker(name=f"Speaker {n}", normalized_name=f"speaker {n}") for n in range(300)
    )
    sources = Source.objects.bulk_create(
        Source(url=f"https://stats.example.org/table-{n}", title=f"Table {n}") for n in range(50)
    )
    now = timezone.now()
    articles = {}
    for size in sizes:
        sentence = "Prices rose by {n} per cent in the north, the minister said. "
        parts, length, n = [], 0, 0
        while length < body_kb * 1000 or n < size:
            part = sentence.format(n=n)
            parts.append(part)
            length += len(part)
            n += 1
        body = "".join(parts)
        article = Article.objects.create(title=f"{size:,} claims", body=body)
        spans, start = [], 0
        for part in parts:
            spans.append((start, start + len(part) - 1))
            start += len(part)
        step = len(spans) / size
        chosen = [spans[int(i * step)] for i in range(size)]
        claims = Claim.objects.bulk_create(
            Claim(
                article=article,
                position=i + 1,
                start=s,
                end=e,
                exact=body[s:e],
                prefix=body[max(0, s - 32) : s],
                suffix=body[e : e + 32],
                speaker=speakers[i % len(speakers)],
                attribution_method="generated",
            )
            for i, (s, e) in enumerate(chosen)
        )
        Verdict.objects.bulk_create(
            Verdict(
                claim=c,
                rating=ratings[i % len(ratings)],
                rationale="The figures show otherwise. " * 4,
                status=Verdict.Status.PUBLISHED if i % 2 else Verdict.Status.IN_REVIEW,
                published_at=now if i % 2 else None,
            )
            for i, c in enumerate(claims)
        )
        Evidence.objects.bulk_create(
            Evidence(claim=c, source=sources[i % 50], stance="disputes", excerpt="A figure.")
            for i, c in enumerate(claims)
        )
        articles[size] = article.pk
    return articles


def high_water_kib() -> int:
    """The process's peak RSS so far (VmHWM), in KiB.

    Not getrusage's ru_maxrss: Linux carries that over from the parent through fork and
    exec, so every child would report the parent's peak.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def measure(fmt: str, article_id: int) -> None:
    """In a fresh process: export one article, print seconds, base and peak RSS, bytes."""
    from quotes import exports
    from quotes.models import Article

    article = Article.objects.get(pk=article_id)
    base = high_water_kib()
    started = time.perf_counter()
    try:
        export = exports.export_article(article, fmt, include_unchecked=True)
        written = sum(len(chunk) for chunk in export.chunks)
    except exports.ExportTooLarge:
        written = -1
    elapsed = time.perf_counter() - started
    peak = high_water_kib()
    print(f"{elapsed} {base} {peak} {written}")


def measure_pdf(article_id: int) -> None:
    """In a fresh process: the web view's PDF of one article (every claim): seconds until
    the request answers, seconds until the file is there, pages, bytes."""
    from pypdf import PdfReader

    from quotes import exports
    from quotes.exports import pdf
    from quotes.models import Article

    article = Article.objects.get(pk=article_id)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        export = exports.export_article(article, "pdf", include_unchecked=True, background=True)
        data = b"".join(export.chunks)
        answered = done = time.perf_counter() - started
    except exports.PdfPending as pending:
        answered = time.perf_counter() - started
        pdf._threads[pending.job.key].join()
        done = time.perf_counter() - started
        data = pending.job.path.read_bytes()
    # CPU seconds of the whole process (the job's thread included): the machine's load
    # stretches the wall-clock times, not these
    used = time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"{answered} {done} {used} {pages} {len(data)}")


def measure_pg(fmt: str, path: str) -> None:
    """In a fresh process: export every claim of the database as the web serves it (in the
    request, or by the background job when too large); print seconds, claims, base and
    peak RSS, bytes, the seconds of the inline-or-background decision and who served it."""
    from django.db import transaction

    from quotes import exports
    from quotes.exports import sql, timing
    from quotes.models import Claim

    if path == "orm":
        sql.available = lambda: False  # type: ignore[assignment]
    started = time.perf_counter()
    try:
        timing.check_inline(Claim.objects.all(), fmt)
        served = "request"
    except exports.ExportDeferred:
        served = "job"
    decided = time.perf_counter() - started
    claims = Claim.objects.count()
    base = high_water_kib()
    started = time.perf_counter()
    # the background job reads in one transaction (quotes/background_reports.py)
    with transaction.atomic() if served == "job" else contextlib.nullcontext():
        chunks = exports.export_claims(Claim.objects.all(), fmt).chunks
        written = sum(len(chunk) for chunk in chunks)
    elapsed = time.perf_counter() - started
    print(f"{elapsed} {claims} {base} {high_water_kib()} {written} {decided} {served}")


def main_pg(databases: list[str], formats: list[str], path: str) -> None:
    header = (
        "database",
        "format",
        "claims",
        "seconds",
        "claims/s",
        "peak MiB",
        "MiB out",
        "decide s",
    )
    print("{:<20}{:<7}{:>10}{:>9}{:>10}{:>10}{:>9}{:>10}".format(*header), flush=True)
    for database in databases:
        for fmt in formats:
            out = subprocess.run(
                [sys.executable, __file__, "--measure-pg", database, fmt, path],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            ).stdout.split()
            elapsed, claims, peak = float(out[0]), int(out[1]), int(out[3])
            written, decided, served = int(out[4]), float(out[5]), out[6]
            print(
                f"{database:<20}{fmt:<7}{claims:>10,}{elapsed:>9.1f}{claims / elapsed:>10,.0f}"
                f"{peak / 1024:>10.1f}{written / 2**20:>9.1f}{decided:>10.2f}  {served}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,25000")
    parser.add_argument("--body-kb", type=int, default=400)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--pdf-sizes", default="100,1000,2000")
    parser.add_argument("--measure", nargs=3, metavar=("DB", "FORMAT", "ARTICLE"), help="internal")
    parser.add_argument("--measure-pdf", nargs=2, metavar=("DB", "ARTICLE"), help="internal")
    parser.add_argument("--pg", default="", help="PostgreSQL databases to export from")
    parser.add_argument("--path", choices=("sql", "orm"), default="sql")
    parser.add_argument("--measure-pg", nargs=3, metavar=("DB", "FORMAT", "PATH"), help="internal")
    args = parser.parse_args()
    if args.measure_pg:
        database, fmt, path = args.measure_pg
        sys.path.insert(0, str(ROOT))
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
        os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
        import django

        django.setup()
        measure_pg(fmt, path)
        return
    if args.pg:
        formats = "csv,json" if args.formats == ",".join(FORMATS) else args.formats
        main_pg(args.pg.split(","), formats.split(","), args.path)
        return
    if args.measure_pdf:
        db, article_id = args.measure_pdf
        setup_django(db)
        measure_pdf(int(article_id))
        return
    if args.measure:
        db, fmt, article_id = args.measure
        setup_django(db)
        measure(fmt, int(article_id))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    pdf_sizes = [int(s) for s in args.pdf_sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        os.environ["REPORTS_DIR"] = str(Path(tmp) / "reports")
        setup_django(db)
        started = time.perf_counter()
        articles = build(sorted(set(sizes + pdf_sizes)), args.body_kb)
        print(
            f"set-up: {len(sizes)} articles of {args.body_kb} KB with "
            f"{', '.join(f'{s:,}' for s in sizes)} claims in {time.perf_counter() - started:.1f} s"
        )
        header = ("format", "claims", "seconds", "base MiB", "peak MiB", "MiB out")
        print("\n{:<12}{:>8}{:>10}{:>10}{:>10}{:>9}".format(*header))
        for fmt in args.formats.split(","):
            for size in sizes:
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", db, fmt, str(articles[size])],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                ).stdout.split()
                elapsed, base, peak, written = float(out[0]), int(out[1]), int(out[2]), int(out[3])
                result = "refused" if written < 0 else f"{written / 2**20:.1f}"
                print(
                    f"{fmt:<12}{size:>8,}{elapsed:>10.2f}{base / 1024:>10.1f}"
                    f"{peak / 1024:>10.1f}{result:>9}",
                    flush=True,
                )
        if pdf_sizes:
            header = ("web PDF", "claims", "answer s", "file s", "CPU s", "pages", "MiB")
            print("\n{:<12}{:>8}{:>10}{:>10}{:>8}{:>8}{:>7}".format(*header), flush=True)
        for size in pdf_sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--measure-pdf", db, str(articles[size])],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            ).stdout.split()
            print(
                f"{'pdf':<12}{size:>8,}{float(out[0]):>10.2f}{float(out[1]):>10.1f}"
                f"{float(out[2]):>8.1f}{int(out[3]):>8,}{int(out[4]) / 2**20:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
