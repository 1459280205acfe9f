"""A corpus folder read into clauses, with its unit directory and lexicon."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..records import Clause
from .corrections import apply_corrections, corrections_path, load_corrections
from .duties import DutyParser
from .knowledge import Lexicon, load_lexicon, load_units
from .limits import ReadingLimits
from .segment import Segmenter
from .sources import read_corpus
from .units import UnitDirectory


@dataclass
class Corpus:
    """What a corpus folder holds: clauses, the unit directory, the lexicon, and what was skipped."""

    clauses: list[Clause]
    units: UnitDirectory
    lexicon: Lexicon
    warnings: list[str] = field(default_factory=list)
    stale_corrections: list[str] = field(default_factory=list)  # corrections that match no one clause


def load_corpus(folder: str | Path, knowledge: str | Path | None = None,
                limits: ReadingLimits = ReadingLimits()) -> Corpus:
    """Read and segment every plan in `folder`, with its units.yaml and terms.yaml.

    Where `folder` has no units.yaml or terms.yaml, those of `knowledge` (the shipped corpus) serve. A file
    over one of `limits` is skipped with a warning that names it and the limit.
    """
    folder = Path(folder)
    warnings: list[str] = []
    if not folder.is_dir():
        warnings.append(f"corpus folder {folder} does not exist")

    def source_of(name: str) -> Path:
        return folder if (folder / name).is_file() or knowledge is None else Path(knowledge)

    units = load_units(source_of("units.yaml"), warnings, limits)
    lexicon = load_lexicon(source_of("terms.yaml"), warnings, limits)
    sources, skipped = read_corpus(folder, limits)
    warnings += skipped
    segmenter = Segmenter(DutyParser(units, lexicon.vocabulary))
    clauses: list[Clause] = []
    stale: list[str] = []
    for source in sources:
        found = segmenter.segment(source)
        if not found:
            warnings.append(f"skipped {source.name}: no text")
        fixes = load_corrections(corrections_path(folder / source.name), units, warnings, limits)
        if fixes:
            found, unmatched = apply_corrections(found, fixes, source.name)
            stale += unmatched
        clauses += found
    return Corpus(clauses, units, lexicon, warnings + stale, stale)
