"""The command-line contract the benchmarks and the attribution scorer rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "quotes" / "demo" / "seed_article.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "quotes.text", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_jsonl_prints_one_object_per_file(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(
        "Intro line here now.\r\n\r\nJane Doe said, “It works on Windows too.”\r\n".encode()
    )
    result = run("--jsonl", str(SEED), str(crlf))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(SEED), str(crlf)]
    for line, path in zip(lines, (SEED, crlf), strict=True):
        with open(path, encoding="utf-8", newline="") as handle:
            body = handle.read()
        for claim in line["claims"]:
            assert set(claim) == {
                "kind",
                "start",
                "end",
                "text",
                "speaker",
                "method",
                "cue",
                "confidence",
            }
            assert body[claim["start"] : claim["end"]] == claim["text"]
    seed_quotes = [c for c in lines[0]["claims"] if c["kind"] == "quote"]
    assert len(seed_quotes) == 7
    assert sum("NCRI" in (c["speaker"] or "") for c in seed_quotes) == 4
    assert [c["speaker"] for c in lines[1]["claims"] if c["kind"] == "quote"] == ["Jane Doe"]


def test_the_package_imports_no_django() -> None:
    code = "import sys, quotes.text; print(any(m.startswith('django') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_unreadable_file_is_reported_and_the_rest_still_run(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9 au lait")
    result = run("--jsonl", str(bad), str(SEED))
    assert result.returncode == 1
    assert "latin1.txt" in result.stderr
    assert len(result.stdout.splitlines()) == 1
