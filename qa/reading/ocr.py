"""Reading scanned pages by OCR: tesseract (its chi_sim model), one page at a time, within limits; then the
words that matter mended where plain OCR slips on them.

A scanned PDF page (a picture, no text layer) is rendered by pdfium (pypdfium2, which pdfplumber brings) at
OCR_DPI, no larger than ReadingLimits.ocr_pixels, and read by the tesseract program without a shell, with
ReadingLimits.ocr_page_seconds a page and ocr_seconds for the whole file (past either, it is killed and the
file skipped with a message that says so); at most ocr_pages pages are read. Without tesseract or its
Chinese model, OCR is off and the message says what to install.

Plain OCR slips on exactly the words a duty rests on: 牵头 comes out as 奉头, 盟住建局 as 嚼住建局, a stray 人
before 金融办. So the text read by OCR is mended by shape: a role word (牵头, 配合 …) or a label (责任单位 …)
one character off, where one stands (after a unit's name, before a colon); and a unit's name that is not in the
unit directory (units.yaml) nor named again in the plan, but is one character off (two in a long name) from
one that is — replaced when one unit alone is that close (a tie between units is broken by the differing
characters' pinyin), and listed for staff to check when none or several are. A place character (盟, 市, 区 …)
is never added, dropped or swapped: 市发改委 is another unit than 盟发改委.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..vocabulary import ALL_LABELS, PREFIX_CHARS, ROLE_ENDINGS, UNIT_ENDINGS, unit_ending_pattern
from .check import looks_like_unit
from .limits import ReadingLimits
from .sources import SourceText, UnreadableSource

LANGUAGE = "chi_sim"
# pdfium is not thread-safe: an upload read in a request may render while the reloader's thread does
PDFIUM = threading.Lock()
OCR_DPI = 200  # tesseract reads 10–16 pt Chinese best at ~30–45 px a character
INSTALL = "Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-chi-sim; Windows: install Tesseract with its " \
          "chi_sim model"
PAGE_MARK = re.compile(r"# Page (\d+):")
CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"
SPACE_IN_CHINESE = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")  # Chinese has no spaces; tesseract adds some
ROLE_WORDS = tuple(sorted({w for w, _ in ROLE_ENDINGS}, key=len, reverse=True))
SHORT_ROLES = tuple(w for w in ROLE_WORDS if len(w) == 2)
LABELS = tuple(w for w in dict.fromkeys(ALL_LABELS) if len(w) >= 4)
UNIT_END = unit_ending_pattern(UNIT_ENDINGS)
UNIT_LAST_CHARS = "".join(sorted({e[-1] for e in UNIT_ENDINGS}))
# A role word where one stands: right after a unit's name, before punctuation or the line's end.
ROLE_SLOT = re.compile(rf"(?<=[{UNIT_LAST_CHARS}])([\u4e00-\u9fff]{{2}})(?=[,，、。;；)）]|$)")
LABEL_SLOT = re.compile(r"([\u4e00-\u9fff]{4,6})(?=[:：])")
NAME = re.compile(r"[\u4e00-\u9fff]{3,20}")
NAME_DELIMITERS = re.compile(r"[^\u4e00-\u9fff]+")
# Where a unit's name stands in a list or a block: after an opening, a colon or a separator, and before a
# separator, a closing or a role word ("(责任单位:盟工商局牵头,盟编办、盟发改委配合。)"); prose is left alone.
LIST_OPENING = "(（〔[【:：、,，;；"
LIST_CLOSING = "、,，;；)）〕]】。"


# -- tesseract -----------------------------------------------------------------------------------------------

def tesseract() -> str | None:
    """The tesseract program, or None when it is missing."""
    found = shutil.which("tesseract")
    if found or os.name != "nt":
        return found
    place = Path(r"C:\Program Files\Tesseract-OCR\tesseract.exe")
    return str(place) if place.is_file() else None


@functools.lru_cache(maxsize=4)
def _languages(program: str) -> frozenset[str]:
    """The models a tesseract program has (asked once per process)."""
    try:
        done = subprocess.run([program, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in done.stdout.decode(errors="replace").splitlines()[1:])


def ocr_missing() -> str:
    """'' when scanned pages can be read; otherwise what is missing and what to install."""
    program = tesseract()
    if program is None:
        return f"OCR (文字识别) is off: tesseract is not installed ({INSTALL})"
    if LANGUAGE not in _languages(program):
        return f"OCR (文字识别) is off: tesseract has no Chinese model {LANGUAGE} ({INSTALL})"
    return ""


def read_pages(path: Path, numbers: list[int], pictures: dict[int, int],
               limits: ReadingLimits = ReadingLimits()) -> dict[int, list[str]]:
    """The lines of the PDF pages `numbers` (1-based) read by OCR, each mended as far as the vocabulary allows
    (see fix_words); `pictures` gives the pixels of each page's largest picture. UnreadableSource naming the file
    when OCR is off or a limit is passed."""
    missing = ocr_missing()
    if missing:
        raise UnreadableSource(f"{path.name}: {len(numbers)} scanned page(s) with no text layer; {missing}")
    if len(numbers) > limits.ocr_pages:
        raise UnreadableSource(f"{path.name}: {len(numbers)} scanned pages, more than the {limits.ocr_pages} OCR "
                               f"reads in one file (扫描页过多)")
    for number in numbers:
        if pictures.get(number, 0) > 2 * limits.ocr_pixels:
            raise UnreadableSource(f"{path.name}: page {number} holds a picture of {pictures[number]} pixels, more "
                                   f"than the {2 * limits.ocr_pixels} OCR may read (图片过大)")
    import pypdfium2

    program = tesseract()
    deadline = time.monotonic() + limits.ocr_seconds
    read: dict[int, list[str]] = {}
    try:
        with PDFIUM:
            document = pypdfium2.PdfDocument(str(path))
    except Exception as exc:  # pdfium's own error on a file pdfplumber could read
        raise UnreadableSource(f"{path.name}: its scanned pages cannot be rendered ({type(exc).__name__})") from exc
    with tempfile.TemporaryDirectory(prefix="qa-ocr-") as folder:
        try:
            for number in numbers:
                image = Path(folder) / f"page-{number}.png"
                with PDFIUM:
                    _render(document, number, image, limits.ocr_pixels)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise UnreadableSource(f"{path.name}: OCR took longer than the {limits.ocr_seconds} s allowed for "
                                           f"one file (识读超时)")
                seconds = min(limits.ocr_page_seconds, left)
                text = _tesseract(program, image, seconds, f"{path.name}: page {number}")
                read[number] = [fix_words(line) for line in ocr_lines(text)]
                image.unlink()
        finally:
            with PDFIUM:
                document.close()
    return read


def _render(document, number: int, target: Path, most_pixels: int) -> None:
    """Render page `number` (1-based) as a greyscale PNG at OCR_DPI, scaled down to at most `most_pixels`."""
    page = document[number - 1]
    try:
        width, height = page.get_size()  # points
        scale = min(OCR_DPI / 72, math.sqrt(most_pixels / max(1.0, width * height)))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            bitmap.to_pil().save(target, dpi=(round(scale * 72),) * 2)
        finally:
            bitmap.close()
    finally:
        page.close()


def _tesseract(program: str, image: Path, seconds: float, what: str) -> str:
    """tesseract's text of one page image; stopped (with everything it started) after `seconds`."""
    # One thread: OpenMP's threads fight each other on a busy machine (one page took 24 s with them, 4.6 s without).
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    arguments = [program, str(image), "stdout", "-l", LANGUAGE, "--psm", "6", "--dpi", str(OCR_DPI)]
    group = {"start_new_session": True} if os.name != "nt" else \
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
    try:
        process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=environment, **group)
    except OSError as exc:
        raise UnreadableSource(f"{what}: tesseract could not be started ({exc.strerror or exc})") from exc
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise UnreadableSource(f"{what}: OCR took longer than the {round(seconds)} s allowed for a page and was "
                               f"stopped (识读超时)") from None
    finally:
        _stop(process)
    if process.returncode != 0:
        said = err.decode(errors="replace").strip().splitlines()
        raise UnreadableSource(f"{what}: tesseract failed" + (f" ({said[-1][:200]})" if said else ""))
    return out.decode("utf-8", errors="replace")


def _stop(process: subprocess.Popen) -> None:
    """Kill the process and its group, and reap it."""
    if os.name != "nt":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
        process.communicate(timeout=5)


# -- mending what OCR read -----------------------------------------------------------------------------------

def ocr_lines(text: str) -> list[str]:
    """tesseract's text as lines: blank lines dropped, the spaces it puts between Chinese characters removed."""
    return [SPACE_IN_CHINESE.sub("", line).strip() for line in text.splitlines() if line.strip()]


def _one_off(word: str, options: Iterable[str]) -> str | None:
    """The one option of the same length that differs from `word` in one character, else None."""
    close = [o for o in options if len(o) == len(word) and sum(a != b for a, b in zip(o, word)) == 1]
    return close[0] if len(close) == 1 else None


def fix_words(line: str) -> str:
    """Role words and labels one character off, where they stand, read as the words (盟工商局奉头 → 盟工商局牵头,
    责仟单位: → 责任单位:)."""
    def role(match: re.Match) -> str:
        word = match.group(1)
        return word if word in SHORT_ROLES else _one_off(word, SHORT_ROLES) or word

    def label(match: re.Match) -> str:
        text = match.group(1)
        for size in range(min(6, len(text)), 3, -1):  # the label is the end of the run before the colon
            tail = text[-size:]
            if tail in LABELS:
                return text
            fixed = _one_off(tail, LABELS)
            if fixed:
                return text[:-size] + fixed
        return text

    return LABEL_SLOT.sub(label, ROLE_SLOT.sub(role, line))


def _name_of(piece: str) -> str:
    """A piece of text between punctuation as a unit's name: role words at its end dropped ('' if no unit)."""
    stripped = True
    while stripped:
        stripped = False
        for word in ROLE_WORDS:
            if piece.endswith(word) and len(piece) > len(word):
                piece, stripped = piece[: -len(word)], True
    if piece in LABELS or not NAME.fullmatch(piece) or not UNIT_END.search(piece):
        return ""
    return piece


def _distance(slip: str, name: str) -> int | None:
    """How far an OCR slip is from a real name: 1 for one character replaced, added or dropped (2 replaced in a
    name of six or more), never through a place character; None when farther."""
    if len(slip) == len(name):
        diff = [(a, b) for a, b in zip(slip, name) if a != b]
        if len(diff) > (2 if len(name) >= 6 else 1) or any(a in PREFIX_CHARS and b in PREFIX_CHARS for a, b in diff):
            return None
        return len(diff)
    if abs(len(slip) - len(name)) != 1:
        return None
    # A character added or lost only at the start: OCR reads a speck before a name as a character (人金融办); in
    # the middle it is another wording (具有行政审批权的 / 具有行政审批权限的各有关部门).
    short, long = sorted((slip, name), key=len)
    return 1 if long[1:] == short and long[0] not in PREFIX_CHARS else None


def _sound_alike(slip: str, name: str) -> int:
    """How many of the replaced characters share a pinyin reading with the name's (0 where pypinyin is missing)."""
    if len(slip) != len(name):
        return 0
    try:
        from pypinyin import Style, pinyin
    except ImportError:
        return 0

    def readings(ch: str) -> set[str]:
        return set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])

    return sum(1 for a, b in zip(slip, name) if a != b and readings(a) & readings(b))


def correct_names(lines: list[str], mend: set[int], directory: dict[str, str]) -> tuple[list[str], list[str]]:
    """Unit names in the lines `mend` (indexes) that OCR misread, replaced by the real name one slip away; and
    notes for staff: what was replaced, and the names that could not be matched to one unit.

    `directory` maps every known name (units.yaml's names and aliases) to its unit. A name the plan itself writes
    twice or more counts as known too, after the directory's names are mended."""
    lines = list(lines)
    fixed: Counter[tuple[str, str]] = Counter()
    unsure: dict[str, int] = {}
    for known in (directory, None):  # first the directory's names, then also the plan's own repeated ones
        if known is None:
            counts = Counter(_name_of(p) for line in lines for p in NAME_DELIMITERS.split(line))
            known = {**{n: n for n, c in counts.items() if n and c >= 2}, **directory}
        depth = 0  # brackets open at the start of each line: a block wraps over lines
        for index, line in enumerate(lines):
            if index in mend:
                lines[index] = _mend_line(line, known, fixed, unsure, depth)
            depth = max(0, depth + sum(line.count(c) for c in "(（") - sum(line.count(c) for c in ")）"))
    notes = []
    if fixed:
        notes.append("OCR 校正：" + "，".join(f"{a}→{b}" + (f" ×{n}" if n > 1 else "") for (a, b), n in fixed.items()))
    left = [name for name in unsure if not any(name == a for a, _ in fixed)]
    if left:
        notes.append("OCR 读出的单位名称未能核对（不在单位名录中，也不是书中其他名称的笔误），请核对："
                     + "、".join(left))
    return lines, notes


def _mend_line(line: str, known: dict[str, str], fixed: Counter, unsure: dict[str, int], depth: int) -> str:
    """One line with each misread unit name replaced, where one unit alone is one slip away; a name in a block
    (within brackets) that matches none is left for staff (`unsure`)."""
    out, at = [], 0
    for match in re.finditer(r"[\u4e00-\u9fff]+", line):
        piece = match.group()
        name = _name_of(piece)
        listed = (match.start() == 0 or line[match.start() - 1] in LIST_OPENING) and (
            len(name) < len(piece) or match.end() == len(line) or line[match.end()] in LIST_CLOSING)
        if not name or not listed or name in known:
            if name:
                unsure.pop(name, None)
            continue
        before = line[:match.start()]  # a name within brackets stands in a block (prose holds role words too)
        in_block = depth + sum(before.count(c) for c in "(（") > sum(before.count(c) for c in ")）")
        close = [(d, -_sound_alike(name, k), k) for k in known if (d := _distance(name, k)) is not None]
        best = min(close)[:2] if close else None
        tied = [k for d, s, k in close if (d, s) == best]
        if len({known[k] for k in tied}) != 1:
            if in_block and looks_like_unit(name):
                unsure.setdefault(name, 0)
            continue
        # of names of the one unit: the one the directory keys it by, else the shortest
        real = max(tied, key=lambda k: (known[k] == k, -len(k)))
        out.append(line[at:match.start()] + real + piece[len(name):])
        at = match.end()
        fixed[(name, real)] += 1
    return "".join(out) + line[at:]


def correct_source(source: SourceText, directory: dict[str, str]) -> SourceText:
    """A source whose pages were read by OCR, with the unit names on those pages mended against `directory`
    (every known name → its unit) and the plan's own repeated names; its notes say what was mended and what
    could not be."""
    if not source.ocr:
        return source
    pages, page = set(source.ocr), 0
    mend = set()
    for index, line in enumerate(source.lines):
        marker = PAGE_MARK.fullmatch(line)
        if marker:
            page = int(marker.group(1))
        elif page in pages:
            mend.add(index)
    lines, notes = correct_names(list(source.lines), mend, directory)
    return replace(source, lines=tuple(lines), notes=source.notes + tuple(notes))
