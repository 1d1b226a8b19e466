"""The text pipeline on adversarial articles: every shape should stay linear in its length.

    .venv/bin/python benchmarks/pathological.py [--small N] [--web | --web-only]

Each text is built at two sizes, 4x apart; the ratio of the times should be near 4 (a
quadratic step would show 16), and the rate (characters per second) near that of real
news, printed first. The pipeline's times are CPU times, so other work on the machine
does not move the ratios. --web then times a preview and an import through the import page
(Django's test client on a throwaway SQLite database) of the largest article the import
accepts (MAX_ARTICLE_CHARS) built from the costliest shapes, the time that request holds a
web worker. Needs nothing outside the project.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quotes.text import analyze  # noqa: E402

NEWS = (
    "Foreign Minister Jane Roe said on Monday that the talks would resume. "
    "“We are ready to sign the agreement within weeks,” she told reporters in Geneva. "
    "Her counterpart, John Smith, was less certain. “Nothing is agreed until everything "
    "is agreed,” he said, adding that the next round would start in March.\n\n"
)

SHAPES: dict[str, Callable[[int], str]] = {
    "quotes in one sentence": lambda n: "“x y z” ― " * n,
    "pronoun after every quote": lambda n: "John Smith met Jane Roe, “we win,” he said, " * n,
    "a new name per quote": lambda n: " ".join(
        f"Person{i} Name{i} said “x y z,” she said," for i in range(n)
    ),
    "quote paragraphs": lambda n: "“We will win this,” said Jo Roe.\n\n“And soon.”\n\n" * n,
    "capitalised words": lambda n: "Alpha Beta Gamma Delta " * (n * 5),
    # one run of capitalised function words: each was popped from the run's front
    "function words": lambda n: "The In But Mr. " * (n * 5),
    "unclosed quotes": lambda n: "“open " * (n * 5),
    "apostrophes": lambda n: "Trump's O'Neill's 'em ' " * n * 2,
    # issue 15: straight marks around two words, 6 characters a quote
    "straight quotes": lambda n: '"a b" ' * (n * 5),
    # issue 15: party labels, alone and after a name
    "party labels": lambda n: "(D-Tenn.) " * (n * 3),
    "named party labels": lambda n: "Rep. Jo Roe (D-Tenn.) said “we win this.” " * n,
    "datelines": lambda n: "BAGHDAD (Reuters) - Talks resumed. “We will win,” he said.\n" * n,
    "honorific chains": lambda n: (
        ("Adviser to the Prime Minister and Spokesperson for the Ministry of Foreign Affairs ") * n
    ),
}


SIZES = (5_000, 20_000)


def args_sizes() -> tuple[int, int]:
    return SIZES


def timed(text: str) -> float:
    """CPU seconds of one analyze(): the same as wall time on an idle machine, and
    unchanged when other sessions share its cores."""
    started = time.process_time()
    analyze(text)
    return time.process_time() - started


def pipeline() -> None:
    small, large = args_sizes()
    analyze(NEWS)  # the gazetteer loads once per process, before anything is timed
    news = NEWS * 400
    rate = len(news) / timed(news)
    print(f"real-news rate: {rate / 1e6:.2f} M chars/s ({len(news):,} chars)")
    print(
        f"{'shape':26s} {'chars':>9s} {'s':>6s} {'chars':>9s} {'s':>6s} {'ratio':>6s} "
        f"{'M chars/s':>9s} {'x news':>7s}"
    )
    for name, build in SHAPES.items():
        a, b = build(small), build(large)
        ta, tb = timed(a), timed(b)
        flag = "  <- grows faster than the text" if tb / ta > 6 else ""
        shape_rate = len(b) / tb
        print(
            f"{name:26s} {len(a):9d} {ta:6.2f} {len(b):9d} {tb:6.2f} {tb / ta:6.1f} "
            f"{shape_rate / 1e6:9.2f} {rate / shape_rate:7.1f}{flag}"
        )


def web() -> None:
    """Preview and import of the largest accepted article, through the import page."""
    folder = tempfile.mkdtemp(prefix="pathological-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench")
    user.groups.add(Group.objects.get(name="Fact-checker"))
    client = Client()
    client.force_login(user)
    limit = settings.MAX_ARTICLE_CHARS
    print(f"\nthrough the import page, articles of {limit:,} characters (MAX_ARTICLE_CHARS):")
    for name in ("real news", "straight quotes", "party labels", "named party labels"):
        unit = NEWS if name == "real news" else SHAPES[name](1)
        body = (unit * (limit // len(unit) + 1))[: limit - 1]
        for action in ("preview", "save"):
            started = time.perf_counter()
            response = client.post("/import/", {"text": body, "title": name, action: "1"})
            seconds = time.perf_counter() - started
            print(f"  {name:20s} {action:8s} {seconds:6.2f} s  (HTTP {response.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--web", action="store_true", help="also time the import page")
    parser.add_argument("--web-only", action="store_true", help="only time the import page")
    parser.add_argument("--small", type=int, default=5_000, help="repetitions of the small size")
    args = parser.parse_args()
    global SIZES
    SIZES = (args.small, args.small * 4)
    if not args.web_only:
        pipeline()
    if args.web or args.web_only:
        web()


if __name__ == "__main__":
    main()
