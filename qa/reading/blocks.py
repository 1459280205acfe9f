"""Finding responsibility blocks in a paragraph: "(责任单位:…)", and bare closing brackets of units and roles."""

from __future__ import annotations

import re

from ..vocabulary import (
    BLOCK_ROLE_WORDS,
    CLOSERS,
    OPENERS,
    OPENING_LABELS,
    ROLE_ENDINGS,
    UNIT_ENDINGS,
    alternation,
    unit_ending_pattern,
)

# "(责任单位:盟工商局牵头,…)": an opening bracket, then a label that opens a block.
BLOCK_START = re.compile(rf"[{re.escape(OPENERS)}]\s*(?:{alternation(OPENING_LABELS)})\s*[:：]")
# "责任单位:盟工商局" at the start of a line of its own.
BARE_START = re.compile(rf"^\s*(?:{alternation(OPENING_LABELS)})\s*[:：]")
UNIT_END = unit_ending_pattern(UNIT_ENDINGS)
ROLE_WORD = re.compile(alternation(BLOCK_ROLE_WORDS))


def _unlabelled_block(text: str) -> tuple[int, int] | None:
    """A closing "(市发改委牵头,市财政局配合)": brackets at the end that hold only units and roles."""
    end = len(text.rstrip("。. \t"))
    if end == 0 or text[end - 1] not in CLOSERS:
        return None
    depth = 0
    for start in range(end - 1, -1, -1):
        if text[start] in CLOSERS:
            depth += 1
        elif text[start] in OPENERS:
            depth -= 1
            if depth == 0:
                break
    else:
        return None
    inner = text[start + 1 : end - 1]
    if not ROLE_WORD.search(inner) or len(inner) > 300:
        return None
    for piece in re.split(r"[,，;；。、]", inner):
        piece = piece.strip()
        for ending, _ in ROLE_ENDINGS:
            if piece.endswith(ending):
                piece = piece[: -len(ending)]
                break
        piece = re.sub(r"等.*$", "", piece) if "等" in piece else piece
        if piece and not UNIT_END.search(re.sub(r"\(.*?\)|（.*?）", "", piece)):
            return None
    return start, end


def find_duty_blocks(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of responsibility blocks in a paragraph, brackets included."""
    if BARE_START.match(text):
        return [(0, len(text))]
    spans = []
    for match in BLOCK_START.finditer(text):
        if spans and match.start() < spans[-1][1]:
            continue
        depth, end = 0, len(text)
        for i in range(match.start(), len(text)):
            if text[i] in OPENERS:
                depth += 1
            elif text[i] in CLOSERS:
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        spans.append((match.start(), end))
    if not spans:
        block = _unlabelled_block(text)
        if block:
            spans.append(block)
    return spans
