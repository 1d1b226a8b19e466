"""Speakers list, busiest speaker, claim + similar claims and admin speakers on an existing
database (a clone of benchmarks/archive.py's archive_13k or archive_1m).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mine \\
        .venv/bin/python benchmarks/speaker_pages.py [--repeat 9] [--explain]

Prints, per page, the median and the query count of `--repeat` requests through the Django
test client with DEBUG off (as benchmarks/web.py does), and with --explain the EXPLAIN
(ANALYZE, BUFFERS) of the page's slowest query. It adds a superuser "bench-speakers" to
the database if missing, and changes nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def pages() -> list[tuple[str, str]]:
    from django.db.models import Count
    from django.urls import reverse

    from quotes.models import Claim, Speaker

    # the same claim and speaker as benchmarks/web.py
    claim = (
        Claim.objects.filter(article__title__startswith="LIAR 9867:").order_by("id").first()
        or Claim.objects.order_by("id").first()
    )
    busiest = Claim.objects.values("speaker").annotate(n=Count("pk")).order_by("-n")[0]["speaker"]
    assert claim is not None and Speaker.objects.filter(pk=busiest).exists()
    speakers = reverse("quotes:speakers")
    return [
        ("speakers A to Z", speakers),
        ("speakers most claims", f"{speakers}?sort=claims"),
        ("speaker page", reverse("quotes:speaker", args=[busiest])),
        ("claim + similar", reverse("quotes:claim", args=[claim.pk])),
        ("admin speakers", reverse("admin:quotes_speaker_changelist")),
        ("admin speakers by claims", reverse("admin:quotes_speaker_changelist") + "?o=-6"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    # DEBUG is off, so pages link hashed static files: build the manifest (staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.filter(username="bench-speakers").first() or (
        User.objects.create_superuser("bench-speakers", "", "bench-password-not-secret")
    )
    client = Client()
    client.force_login(user)
    print(f"{'page':26} {'median ms':>10} {'queries':>8}")
    for name, url in pages():
        client.get(url)  # warm up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        print(f"{name:26} {statistics.median(times):10.1f} {len(ctx.captured_queries):8}")
        if args.explain and connection.vendor == "postgresql":
            slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join("      " + row[0] for row in cursor.fetchall())
            print(f"    slowest ({float(slowest['time']) * 1000:.1f} ms):\n{plan}")


if __name__ == "__main__":
    main()
