"""Import cost against the archive's size: `import_liar` of 100 new statements at 13k and 1M claims.

    .venv/bin/python benchmarks/imports.py [--templates archive_13k,archive_1m]
        [--prefix bench_imports] [--runs 5] [--databases DB,DB] [--root DIR]

Clones each PostgreSQL template database (benchmarks/archive.py builds archive_13k,
archive_130k and archive_1m: LIAR grown by near-copies) as PREFIX_TEMPLATE, migrates it,
then imports 100 rows of ../shared/data/liar/liar_all.tsv under new ids RUNS times, each
in a fresh process (`manage.py import_liar`'s handle(), Django's start-up not counted),
and prints the median seconds per size and their ratio to the first size. The clones are
dropped at the end. `--databases` measures existing databases instead (nothing cloned or
dropped); `--root` runs another checkout's code (to measure before a change).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIAR = ROOT.parent / "shared" / "data" / "liar" / "liar_all.tsv"
PG = "postgres://postgres@127.0.0.1:5432/"
ROWS = 100


def psql(statement: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", statement],
        check=True,
    )


def new_rows(path: Path, tag: str) -> None:
    """ROWS statements of LIAR under ids no archive holds: `tag`-<id>."""
    lines = LIAR.read_text("utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1 : ROWS + 1]:
        cells = line.split("\t")
        cells[1] = f"{tag}-{cells[1]}"
        out.append("\t".join(cells))
    path.write_text("\n".join(out) + "\n", "utf-8")


def measure(path: str) -> None:
    """In a fresh process: import one file, print the seconds."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_liar", path, stdout=io.StringIO())
    print(time.perf_counter() - started)


def run(root: Path, database: str, path: Path) -> float:
    env = {**os.environ, "DATABASE_URL": PG + database, "PYTHONPATH": str(root)}
    env.setdefault("SECRET_KEY", "benchmark-only-secret")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=root,
    )
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--templates", default="archive_13k,archive_1m")
    parser.add_argument("--prefix", default="bench_imports")
    parser.add_argument("--databases", default="", help="measure these, cloning nothing")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--measure", help="internal")
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, os.getcwd())
        measure(args.measure)
        return

    if args.databases:
        databases, clones = args.databases.split(","), []
    else:
        clones = [f"{args.prefix}_{t}" for t in args.templates.split(",")]
        databases = clones
        for template, clone in zip(args.templates.split(","), clones, strict=True):
            psql(f"DROP DATABASE IF EXISTS {clone}")
            psql(f"CREATE DATABASE {clone} TEMPLATE {template}")
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                check=True,
                cwd=args.root,
                env={**os.environ, "DATABASE_URL": PG + clone, "SECRET_KEY": "benchmark"},
            )
    try:
        medians = []
        print(f"{'database':<28}{'median s':>10}{'ratio':>8}  runs (s)")
        with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
            for database in databases:
                times = []
                for n in range(args.runs):
                    path = Path(tmp) / f"{database}-{n}.tsv"
                    new_rows(path, f"bench{int(time.time() * 1000)}-{n}")
                    times.append(run(args.root, database, path))
                medians.append(statistics.median(times))
                runs = " ".join(f"{t:.2f}" for t in times)
                ratio = medians[-1] / medians[0]
                print(f"{database:<28}{medians[-1]:>10.2f}{ratio:>8.2f}  {runs}", flush=True)
    finally:
        for clone in clones:
            psql(f"DROP DATABASE IF EXISTS {clone}")


if __name__ == "__main__":
    main()
