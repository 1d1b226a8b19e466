"""Attribution quality and speed on PolNeAR dev, with the project's shared scorer.

    .venv/bin/python benchmarks/attribution.py [--split dev] [--show-misses N]

Needs ../shared (the scorer and the data set); prints the scorer's figures, then
the share of speaker errors that fall in the lowest-confidence fifth of the
attributed quotes (how well confidence ranks errors last).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_attribution.py"
DATA = SHARED / "data" / "polnear" / "polnear_train_dev.jsonl"


def calibration(split: str) -> str:
    sys.path[:0] = [str(SCORER.parent), str(ROOT)]
    import score_attribution as scorer

    from quotes.text import analyze

    rows: list[tuple[float, bool]] = []
    for line in DATA.open(encoding="utf-8"):
        record = json.loads(line)
        if record.get("split") != split:
            continue
        text = record["text"]
        quotes = [c for c in analyze(text).claims if c.kind == "quote" and c.speaker]
        for gold in scorer.gold_for(record):
            if not gold["key"]:
                continue
            span = gold["span"]
            best = max(quotes, key=lambda c: scorer.overlap((c.start, c.end), span), default=None)
            if best is None or scorer.overlap((best.start, best.end), span) * 2 < span[1] - span[0]:
                continue
            right = re.search(rf"(?<!\w){re.escape(gold['key'])}(?!\w)", best.speaker.lower())
            rows.append((best.confidence, bool(right)))
    rows.sort(key=lambda r: r[0])
    errors = sum(1 for _, ok in rows if not ok)
    fifth = rows[: max(1, len(rows) // 5)]
    low = sum(1 for _, ok in fifth if not ok)
    return (
        f"calibration: {errors} speaker errors among {len(rows)} attributed gold quotes; "
        f"{low} ({low / errors:.0%}) are in the lowest-confidence fifth"
        if errors
        else "calibration: no speaker errors"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    if not SCORER.exists() or not DATA.exists():
        print(f"skipped: {SCORER} or {DATA} is missing (the benchmark needs ../shared)")
        return 0
    command = [
        sys.executable,
        str(SCORER),
        "--data",
        str(DATA),
        "--split",
        args.split,
        "--cmd",
        f"{sys.executable} -m quotes.text --jsonl",
        "--show-misses",
        str(args.show_misses),
    ]
    result = subprocess.run(command, cwd=ROOT, check=False)
    print(calibration(args.split))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
