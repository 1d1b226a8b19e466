"""Attribution quality and speed with the project's shared scorer, on three sets.

    .venv/bin/python benchmarks/attribution.py [--split dev] [--show-misses N] [--runs N]

- news_dev: international news (../shared/data/news_dev), scored through the CLI;
- PolNeAR (`--split`, dev by default): US political news, scored through the CLI, with
  the in-process rate of analyze() over the split (best of `--runs` passes, each in a
  fresh process) and the share of speaker errors that fall in the lowest-confidence
  fifth (how well confidence ranks errors last);
- the seed article: its 7 quotations and their speakers (tests/text/test_seed.py).

Needs ../shared for the first two (skipped with a message without it).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_attribution.py"
POLNEAR = SHARED / "data" / "polnear" / "polnear_train_dev.jsonl"
NEWS_DEV = SHARED / "data" / "news_dev" / "news_dev.jsonl"
sys.path[:0] = [str(SCORER.parent), str(ROOT)]

from quotes.text import analyze  # noqa: E402
from tests.text.test_seed import SEED, SEED_SPEAKERS  # noqa: E402


def records(path: Path, split: str | None) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [r for r in rows if split is None or r.get("split") == split]


def score(path: Path, split: str | None, show_misses: int) -> int:
    """The scorer's own figures, through the CLI as it documents."""
    command = [
        sys.executable,
        str(SCORER),
        "--data",
        str(path),
        "--cmd",
        f"{sys.executable} -m quotes.text --jsonl",
        "--show-misses",
        str(show_misses),
    ]
    if split:
        command += ["--split", split]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def one_pass(path: Path, split: str | None) -> None:
    """Time one pass of analyze() over the set in this process, as JSON on stdout."""
    texts = [str(r["text"]) for r in records(path, split)]
    # the gazetteer loads once per process (about 0.2 s): on another article, so that
    # the pass below meets its own names for the first time, as an import does
    analyze(SEED.read_text(encoding="utf-8"))
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        analyze(text)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"chars": sum(len(t) for t in texts), "wall": wall, "cpu": cpu}))


def throughput(path: Path, split: str | None, runs: int) -> str:
    """analyze() in process, best of `runs` passes, each in a fresh process.

    A fresh process per run: the pipeline caches what it has read (names, places), so
    a second pass over the same articles in one process would be faster than any
    import. CPU time is printed beside wall time because other work on the machine
    stretches the wall time but not the CPU time.
    """
    command = [sys.executable, __file__, "--one-pass", "--split", split or ""]
    passes = [
        json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        for _ in range(runs)
    ]
    chars = passes[0]["chars"]
    walls = sorted(chars / p["wall"] / 1e6 for p in passes)
    cpus = sorted(chars / p["cpu"] / 1e6 for p in passes)
    return (
        f"in process, one pass per fresh process, best of {runs}: {chars:,} chars, "
        f"{walls[-1]:.2f} M chars/s wall ({walls[0]:.2f}-{walls[-1]:.2f}), "
        f"{cpus[-1]:.2f} M chars/s CPU ({cpus[0]:.2f}-{cpus[-1]:.2f})"
    )


def calibration(rows: list[dict[str, object]]) -> str:
    import score_attribution as scorer

    ranked: list[tuple[float, bool]] = []
    for record in rows:
        analysis = analyze(str(record["text"]))
        speakers = {s.name: s for s in analysis.speakers}
        # the speaker as the CLI prints it: the name and what the article says of them
        quotes = [
            (c, speakers[c.speaker].described(c.speaker_description))
            for c in analysis.claims
            if c.kind == "quote" and c.speaker in speakers
        ]
        for gold in scorer.gold_for(record):
            if not gold["key"]:
                continue
            span = gold["span"]
            best = max(
                quotes, key=lambda q: scorer.overlap((q[0].start, q[0].end), span), default=None
            )
            if best is None:
                continue
            claim, said = best
            if scorer.overlap((claim.start, claim.end), span) * 2 < span[1] - span[0]:
                continue
            right = re.search(rf"(?<!\w){re.escape(gold['key'])}(?!\w)", said.lower())
            ranked.append((claim.confidence, bool(right)))
    ranked.sort(key=lambda r: r[0])
    errors = sum(1 for _, ok in ranked if not ok)
    fifth = ranked[: max(1, len(ranked) // 5)]
    low = sum(1 for _, ok in fifth if not ok)
    if not errors:
        return "calibration: no speaker errors"
    return (
        f"calibration: {errors} speaker errors among {len(ranked)} attributed gold quotes; "
        f"{low} ({low / errors:.0%}) are in the lowest-confidence fifth"
    )


def seed() -> str:
    quotes = [c for c in analyze(SEED.read_text(encoding="utf-8")).claims if c.kind == "quote"]
    right = sum(1 for c, s in zip(quotes, SEED_SPEAKERS, strict=False) if c.speaker == s)
    return (
        f"seed article: {right}/{len(SEED_SPEAKERS)} quotations with the right speaker "
        f"({len(quotes)} found)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5, help="passes timed for the rate")
    parser.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_pass:
        one_pass(POLNEAR, args.split or None)
        return 0
    status = 0
    if not SCORER.exists():
        print(f"skipped news_dev and PolNeAR: {SCORER} is missing (they need ../shared)")
    else:
        for name, path, split in (("news_dev", NEWS_DEV, None), ("PolNeAR", POLNEAR, args.split)):
            if not path.exists():
                print(f"skipped {name}: {path} is missing")
                continue
            print(f"== {name}{f' {split}' if split else ''}")
            status |= score(path, split, args.show_misses)
            if name == "PolNeAR":
                rows = records(path, split)
                print(throughput(path, split, args.runs))
                print(calibration(rows))
    print("== seed")
    print(seed())
    return status


if __name__ == "__main__":
    sys.exit(main())
