"""python -m quotes.text --jsonl FILE...: claims of each file as one JSON object per line."""

from __future__ import annotations

import argparse
import json
import sys

from quotes.text.pipeline import analyze


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quotes.text", description=__doc__)
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per file and line")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    status = 0
    out = sys.stdout
    for path in args.files:
        try:
            # newline="" keeps "\r\n" as it is, so offsets index the file's exact text
            with open(path, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = 1
            continue
        analysis = analyze(text)
        speakers = {s.name: s for s in analysis.speakers}
        claims = []
        for claim in analysis.claims:
            name = claim.speaker
            if name in speakers:
                speaker = speakers[name]
                name = speaker.described(claim.speaker_description or speaker.description)
            # a plain dict: dataclasses.asdict deep-copies and costs a third of the run
            claims.append(
                {
                    "kind": claim.kind,
                    "start": claim.start,
                    "end": claim.end,
                    "text": claim.text,
                    "speaker": name,
                    "method": claim.method,
                    "cue": claim.cue,
                    "confidence": claim.confidence,
                }
            )
        record = {"file": path, "claims": claims}
        if not args.jsonl:
            record["outlet"] = analysis.outlet
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
