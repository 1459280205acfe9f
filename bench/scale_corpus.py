"""Make a corpus of N plans: copies of the shipped plan and the Sanya plan under distinct names."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "corpus" / "plan.txt", ROOT / "tests" / "data" / "sanya-2023-business-environment-plan.txt"]


def make_corpus(folder: Path, plans: int) -> Path:
    """Fill `folder` with `plans` plan files (alternating the two real plans) and the shipped YAML."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("units.yaml", "terms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    for n in range(plans):
        source = SOURCES[n % len(SOURCES)]
        shutil.copy(source, folder / f"{n:03d}-{source.name}")
    return folder


if __name__ == "__main__":
    make_corpus(Path(sys.argv[1]), int(sys.argv[2]))
