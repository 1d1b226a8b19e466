"""The text pipeline on adversarial articles: every shape should stay linear in its length.

    .venv/bin/python benchmarks/pathological.py

Each text is built at two sizes, 4x apart; the ratio of the times should be near 4 (a
quadratic step would show 16). Needs nothing outside the project.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quotes.text import analyze

SHAPES: dict[str, Callable[[int], str]] = {
    "quotes in one sentence": lambda n: "“x y z” ― " * n,
    "pronoun after every quote": lambda n: "John Smith met Jane Roe, “we win,” he said, " * n,
    "a new name per quote": lambda n: " ".join(
        f"Person{i} Name{i} said “x y z,” she said," for i in range(n)
    ),
    "quote paragraphs": lambda n: "“We will win this,” said Jo Roe.\n\n“And soon.”\n\n" * n,
    "capitalised words": lambda n: "Alpha Beta Gamma Delta " * (n * 5),
    "unclosed quotes": lambda n: "“open " * (n * 5),
    "apostrophes": lambda n: "Trump's O'Neill's 'em ' " * n * 2,
}


def timed(text: str) -> float:
    started = time.perf_counter()
    analyze(text)
    return time.perf_counter() - started


def main() -> None:
    small, large = 5_000, 20_000
    print(f"{'shape':28s} {'chars':>9s} {'s':>6s} {'chars':>9s} {'s':>6s} {'ratio':>6s}")
    for name, build in SHAPES.items():
        a, b = build(small), build(large)
        ta, tb = timed(a), timed(b)
        flag = "  <- grows faster than the text" if tb / ta > 6 else ""
        print(f"{name:28s} {len(a):9d} {ta:6.2f} {len(b):9d} {tb:6.2f} {tb / ta:6.1f}{flag}")


if __name__ == "__main__":
    main()
