"""Direct quotations: which quotation marks pair up, and which are apostrophes.

Curly marks nest (“… “beloved commander” …” is one quotation), straight double
marks alternate within a paragraph, single marks count as quotation marks only
where they cannot be apostrophes (Iran’s, wasn’t, the ’90s), and a quotation left
open at the end of a paragraph continues when the next paragraph opens with a
quotation mark, as news style does for quotes running over several paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quotes.text.segment import Span

_MARK = re.compile(r"[“”\"‘’'«»„‹›]")
_OPENS_NEXT = re.compile(r"\s*[“\"«„]")

# opening mark -> the kind of mark that closes it
_DOUBLE = "double"
_SINGLE = "single"
_STRAIGHT = "straight"
_STRAIGHT_SINGLE = "straight-single"
_GUILLEMET = "guillemet"
_GUILLEMET_SINGLE = "guillemet-single"


@dataclass(frozen=True)
class Quotation:
    """A top-level quotation: `start`/`end` are the inner text, `outer` includes the marks."""

    start: int
    end: int
    outer: Span
    mark: str  # "double", "single", "guillemet"…
    continues: bool = False  # left open at the paragraph's end, continued in the next
    continued: bool = False  # this paragraph's quotation continues the previous one


def _space_or_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or text[i].isspace()


def _pairs(text: str, start: int, end: int) -> tuple[list[tuple[int, int, str]], int | None, str]:
    """Top-level (open, close, kind) mark positions in text[start:end], plus an unclosed opener."""
    stack: list[tuple[int, str]] = []
    pairs: list[tuple[int, int, str]] = []

    def close(kind: str, at: int) -> bool:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][1] == kind:
                opened = stack[depth][0]
                del stack[depth:]
                if not stack:
                    pairs.append((opened, at, kind))
                return True
        return False

    last = len(text) - 1
    for match in _MARK.finditer(text, start, end):
        i = match.start()
        ch = text[i]
        before_letter = i > 0 and text[i - 1].isalnum()
        after_letter = i < last and text[i + 1].isalnum()
        if ch in "“„":
            stack.append((i, _DOUBLE))
        elif ch == "”":
            close(_DOUBLE, i)
        elif ch == "«":
            stack.append((i, _GUILLEMET))
        elif ch == "»":
            if not close(_GUILLEMET, i):
                continue  # "Source » outlet": a separator, not a quotation mark
        elif ch == "‹":
            stack.append((i, _GUILLEMET_SINGLE))
        elif ch == "›":
            close(_GUILLEMET_SINGLE, i)
        elif ch == '"':
            opening = _space_or_edge(text, i - 1) or text[i - 1] in "([{—–-/"
            closing = _space_or_edge(text, i + 1) or not after_letter
            has_open = any(kind == _STRAIGHT for _, kind in stack)
            if has_open and (closing or not opening):
                close(_STRAIGHT, i)
            elif not has_open:
                stack.append((i, _STRAIGHT))
        elif ch == "‘":
            if before_letter and after_letter:
                continue  # a mistyped apostrophe
            stack.append((i, _SINGLE))
        elif ch == "’":
            if before_letter and after_letter:
                continue  # Iran’s, wasn’t
            if any(kind == _SINGLE for _, kind in stack):
                close(_SINGLE, i)
        elif ch == "'":
            # ASCII single marks are read as quotation marks only inside another
            # quotation: at the top level they are far more often apostrophes
            # ("the '90s", "Jones' plan") or the doubled '' of some archives.
            if not stack or (before_letter and after_letter):
                continue
            has_open = any(kind == _STRAIGHT_SINGLE for _, kind in stack)
            if has_open and not after_letter:
                close(_STRAIGHT_SINGLE, i)
            elif not has_open and not before_letter and after_letter:
                stack.append((i, _STRAIGHT_SINGLE))
    unclosed = stack[0] if stack and stack[0][1] in (_DOUBLE, _GUILLEMET) else None
    return pairs, (unclosed[0] if unclosed else None), (unclosed[1] if unclosed else "")


def _inner(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotations(text: str, paragraphs: list[Span]) -> list[list[Quotation]]:
    """The top-level quotations of each paragraph, in order."""
    result: list[list[Quotation]] = []
    continuing = False
    for index, (p_start, p_end) in enumerate(paragraphs):
        found: list[Quotation] = []
        pairs, unclosed, unclosed_kind = _pairs(text, p_start, p_end)
        for opened, closed, kind in pairs:
            start, end = _inner(text, opened + 1, closed)
            if start < end:
                mark = "double" if kind in (_DOUBLE, _STRAIGHT) else kind.split("-")[0]
                found.append(
                    Quotation(
                        start,
                        end,
                        (opened, closed + 1),
                        mark,
                        continued=continuing and opened == p_start,
                    )
                )
        continuing = False
        if unclosed is not None and index + 1 < len(paragraphs):
            next_start = paragraphs[index + 1][0]
            if _OPENS_NEXT.match(text, next_start):
                start, end = _inner(text, unclosed + 1, p_end)
                if start < end:
                    found.append(
                        Quotation(
                            start,
                            end,
                            (unclosed, p_end),
                            "double" if unclosed_kind == _DOUBLE else "guillemet",
                            continues=True,
                            continued=unclosed == p_start and bool(result) and _ends_open(result),
                        )
                    )
                    continuing = True
        result.append(found)
    return result


def _ends_open(result: list[list[Quotation]]) -> bool:
    return bool(result[-1]) and result[-1][-1].continues
