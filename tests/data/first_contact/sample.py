"""How the first-contact sample of issue #20 was drawn from ../shared/corpus/compilation (run from the project root).

A document starts at a compilation entry: a line opening with an item number ("5. ", or "10." alone) whose
text, joined with up to three following lines, ends with its date in brackets ("（2023 年3 月11 日）").
Eligible documents name units with a role word on at least 15 lines and are not one of the ten plans of
../shared/corpus/real (cut from these files: their `# source:` lines give the province and line range). Twelve are drawn with random.Random(20261206).sample over the
eligible ones in file-then-line order; the first six drawn are the tuning half, the other six are held out.
The draw reads only the raw text, never the parser's output.
"""

import random
import re
import sys
from pathlib import Path

ENTRY_START = re.compile(r"^\s*\d{1,3}\s*[.．](?:\s|$)")
ENTRY_DATE = re.compile(r"[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]\s*$")
ROLE_LINE = re.compile(r"牵头|责任单位|责任部门|配合|负责")


def entries(path: Path) -> list[tuple[int, int, str]]:
    """(first line, last line, title) of each entry of one compilation file, 1-based and inclusive."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = []
    for i, line in enumerate(lines):
        if not ENTRY_START.match(line):
            continue
        joined = ""
        for j in range(i, min(i + 4, len(lines))):
            joined += lines[j].strip()
            if ENTRY_DATE.search(joined):
                starts.append((i, j, joined))
                break
    out = []
    for k, (i, j, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        out.append((i + 1, end, title))
    return out


SOURCE = re.compile(r"city/(\S+?)\.txt(?: lines (\d+)-(\d+))?")


def real_ranges(folder: Path) -> dict[str, list[tuple[int, int]]]:
    """Province → the compilation line ranges (1-based, the compilation's own `# source:` line counted) of
    the ten real plans."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for path in folder.glob("*.txt"):
        m = SOURCE.search(path.read_text(encoding="utf-8").splitlines()[0])
        if m and m.group(2):
            ranges.setdefault(m.group(1), []).append((int(m.group(2)) + 1, int(m.group(3)) + 1))
    return ranges


def main(folder: str = "../shared/corpus/compilation") -> None:
    eligible = []
    real = real_ranges(Path(folder).parent / "real")
    for path in sorted(Path(folder).glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        province = SOURCE.search(lines[0]).group(1)
        for first, last, title in entries(path):
            if any(first <= b and a <= last for a, b in real.get(province, [])):
                continue
            roles = sum(1 for line in lines[first - 1:last] if ROLE_LINE.search(line))
            if roles >= 15:
                eligible.append((path.name, first, last, roles, title))
    drawn = random.Random(20261206).sample(eligible, 12)
    print(f"{len(eligible)} eligible documents")
    for n, (name, first, last, roles, title) in enumerate(drawn):
        half = "tuning" if n < 6 else "held-out"
        print(f"{half}\t{name}\t{first}-{last}\t{roles}\t{title}")


if __name__ == "__main__":
    main(*sys.argv[1:])
