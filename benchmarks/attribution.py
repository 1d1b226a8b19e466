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
        analysis = analyze(text)
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
            rows.append((claim.confidence, bool(right)))
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
