"""Backup and restore of about 80k records, on SQLite and PostgreSQL, in one run.

    .venv/bin/python benchmarks/backup.py [--dbs sqlite,postgres] [--no-loaddata]

Loads LIAR (../shared/data/liar/liar_all.tsv) and Climate-FEVER
(../shared/data/climate_fever/climate-fever.jsonl) when ../shared is there, else 16,000
synthetic LIAR rows; then times `export_all`, and the restore of that file into an empty,
migrated database twice: "before" with Django's loaddata (what import_all ran until it
inserted in batches) and "after" with import_all. Each database runs in a fresh subprocess
on a throwaway database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LIAR = SHARED / "liar" / "liar_all.tsv"
CLIMATE = SHARED / "climate_fever" / "climate-fever.jsonl"
PG_BENCH_DB = f"factcheck_bench_backup_{os.getpid()}"  # runs side by side never share one


def synthetic_liar(path: Path, rows: int = 16_000) -> None:
    rng = random.Random(7)
    labels = ["pants-fire", "false", "barely-true", "half-true", "mostly-true", "true"]
    words = "tax budget jobs crime border climate health schools wages prices".split()
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            statement = " ".join(rng.choice(words) for _ in range(14)).capitalize() + "."
            cells = [f"{i}.json", rng.choice(labels), statement, "taxes", f"speaker-{i % 900}"]
            out.write("\t".join(cells + ["Senator", "Ohio", "none"] + ["0"] * 5 + ["a speech"]))
            out.write("\n")


def fresh() -> None:
    """An empty database with what the migrations seed (rating scale, groups)."""
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    import_module("quotes.migrations.0002_default_ratings_and_groups").seed(apps, None)


def counts() -> dict[str, int]:
    from django.apps import apps

    from quotes.backup import BACKUP_MODELS

    return {label: apps.get_model(label)._default_manager.count() for label in BACKUP_MODELS}


def worker(loaddata: bool) -> dict[str, float]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    tmp = Path(tempfile.mkdtemp())
    try:
        liar = LIAR
        if not liar.is_file():
            liar = tmp / "liar.tsv"
            synthetic_liar(liar)
        call_command("import_liar", str(liar), verbosity=0, stdout=open(os.devnull, "w"))
        if CLIMATE.is_file():
            call_command(
                "import_climate_fever", str(CLIMATE), verbosity=0, stdout=open(os.devnull, "w")
            )
        expected = counts()
        backup = tmp / "backup.json"
        results: dict[str, float] = {"records": sum(expected.values())}
        start = time.perf_counter()
        call_command("export_all", str(backup), stdout=open(os.devnull, "w"))
        results["export_all"] = time.perf_counter() - start
        results["mb"] = backup.stat().st_size / 1e6
        if loaddata:
            fresh()
            start = time.perf_counter()
            with transaction.atomic():
                call_command("loaddata", str(backup), verbosity=0)
            results["loaddata"] = time.perf_counter() - start
            assert counts() == expected, "loaddata restored other counts"
        fresh()
        start = time.perf_counter()
        call_command("import_all", str(backup), stdout=open(os.devnull, "w"))
        results["import_all"] = time.perf_counter() - start
        assert counts() == expected, "import_all restored other counts"
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_worker(db: str, loaddata: bool) -> dict[str, float]:
    from web import in_throwaway_database  # benchmarks/web.py

    args = [__file__, "--worker"] + ([] if loaddata else ["--no-loaddata"])
    return in_throwaway_database(db, args, {}, db, PG_BENCH_DB)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument(
        "--no-loaddata", action="store_true", help="Skip the slow 'before' restore."
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(worker(not args.no_loaddata)))
        return
    print(f"data: {'LIAR + Climate-FEVER' if LIAR.is_file() else 'synthetic LIAR rows'}")
    print(
        f"{'database':10} {'records':>8} {'MB':>6} {'export_all s':>13} "
        f"{'before: loaddata s':>19} {'after: import_all s':>20} {'speed-up':>9}"
    )
    for db in args.dbs.split(","):
        r = run_worker(db, not args.no_loaddata)
        before = r.get("loaddata")
        print(
            f"{db:10} {int(r['records']):>8,} {r['mb']:>6.1f} {r['export_all']:>13.1f} "
            + (f"{before:>19.1f} " if before else f"{'-':>19} ")
            + f"{r['import_all']:>20.1f} "
            + (f"{before / r['import_all']:>8.1f}×" if before else f"{'-':>9}")
        )


if __name__ == "__main__":
    main()
