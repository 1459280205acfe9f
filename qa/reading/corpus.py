"""A corpus folder read into clauses, with its unit directory and lexicon."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..records import Clause
from .corrections import apply_corrections, corrections_path, load_corrections
from .duties import DutyParser
from .knowledge import Lexicon, load_lexicon, load_units
from .limits import ReadingLimits
from .plan_cache import PlanCache
from .renames import RENAMES_FILE, load_renames
from .segment import Segmenter
from .sources import UnreadableSource, plan_files, read_source
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
                limits: ReadingLimits = ReadingLimits(), cache: str | Path | None = None) -> Corpus:
    """Read and segment every plan in `folder`, with its units.yaml and terms.yaml.

    Where `folder` has no units.yaml or terms.yaml, those of `knowledge` (the shipped corpus) serve. A file
    over one of `limits` is skipped with a warning that names it and the limit. With `cache` (a folder), each
    plan's clauses are kept there and a plan that has not changed is not read again (see plan_cache.py).
    """
    folder = Path(folder)
    warnings: list[str] = []
    if not folder.is_dir():
        warnings.append(f"corpus folder {folder} does not exist")

    def source_of(name: str) -> Path:
        return folder if (folder / name).is_file() or knowledge is None else Path(knowledge)

    units = load_units(source_of("units.yaml"), warnings, limits)
    lexicon = load_lexicon(source_of("terms.yaml"), warnings, limits)
    lexicon = replace(lexicon, renames=load_renames(source_of(RENAMES_FILE), warnings, limits))
    plans = PlanCache(cache, [_bytes_of(source_of(n) / n) for n in ("units.yaml", "terms.yaml")], limits) \
        if cache else None
    paths, skipped = plan_files(folder)
    warnings += skipped
    segmenter = Segmenter(DutyParser(units, lexicon.vocabulary))
    clauses: list[Clause] = []
    stale: list[str] = []
    for path in paths:
        try:
            found = _clauses_of(path, segmenter, limits, plans, warnings)
        except UnreadableSource as exc:
            warnings.append(f"skipped {exc}")
            continue
        if not found:
            warnings.append(f"skipped {path.name}: no text")
        fixes = load_corrections(corrections_path(folder / path.name), units, warnings, limits)
        if fixes:
            found, unmatched = apply_corrections(found, fixes, path.name)
            stale += unmatched
        clauses += found
    if plans is not None:
        plans.prune()
    return Corpus(clauses, units, lexicon, warnings + stale, stale)


def _clauses_of(path: Path, segmenter: Segmenter, limits: ReadingLimits, plans: PlanCache | None,
                warnings: list[str]) -> list[Clause]:
    """A plan file's clauses: from the cache when it holds them, else read and segmented (and kept). What staff
    should know of its reading (pages read by OCR, unit names OCR misread) goes to `warnings`, kept with them."""
    key = None
    if plans is not None:
        try:
            key = plans.key(path)
        except OSError:
            key = None  # read_source says what is wrong with the file
        cached = plans.get(key) if key else None
        if cached is not None:
            warnings += [f"{path.name}: {note}" for note in plans.notes(key)]
            return cached
    # only a plan read anew needs it (not one from the cache): imported then
    from .ocr import correct_source

    # Names OCR misread are mended against the unit directory the plan is read with (units.yaml)
    source = correct_source(read_source(path, limits), segmenter.duties.units.alias_to_name)
    warnings += [f"{path.name}: {note}" for note in source.notes]
    found = segmenter.segment(source)
    if key is not None and found:
        plans.put(key, found, source.notes)
    return found


def _bytes_of(path: Path) -> bytes:
    """A knowledge file's bytes (empty when there is none): part of what a plan's parse depends on."""
    try:
        return path.read_bytes()
    except OSError:
        return b""
