"""Staff's edits from the admin pages, written where staff would write them by hand: a synonym or an input
slip in terms.yaml, a unit alias in units.yaml, a clause's units in `<plan>.corrections.yaml`.

Every write is checked first (the words, and that the file still reads back as it should with only the
intended change), the file as it was is copied to a backup folder (the newest `Backups.kept` per file are
kept), and the new text replaces the old at once (a temporary file renamed over it), so a reader never sees
half a file, and a write that fails (a full disk) leaves the file as it was. terms.yaml and units.yaml keep
their comments and layout: one line is replaced or added in the section. Lock files live in a folder of their
own beside the backups (the instance folder), never in the corpus folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .corrections import corrections_path
from .limits import ReadingLimits

__all__ = [
    "Backups",
    "EditError",
    "add_correction",
    "add_synonym",
    "add_unit_alias",
    "clean_unit",
    "clean_word",
    "set_clause_units",
]

MAX_WORD = 20  # a word of a question or of the plans
MAX_UNIT = 30  # the longest real unit names run to about 25 characters
MAX_WORDS = 10  # the plans' words one synonym stands for
MAX_UNITS = 40  # the units of one clause
MAX_LISTED_UNIT = 60  # a unit in a clause's list: the parser reads some longer than MAX_UNIT, kept as read
BACKUPS_KEPT = 10  # per file by default (BACKUPS_KEPT); older backups are removed
MAX_BACKUP_NAME = 200  # bytes of a file's name in its backups' names (a file name holds 255 at most)
# What a word never holds: line breaks and other control characters, YAML's and the plans' punctuation.
NOT_IN_A_WORD = re.compile(r"[\x00-\x1f\x7f#:{}\[\],&*!|>'\"%@`。，；：？！、]")
NOT_IN_A_UNIT = re.compile(r"[\x00-\x1f\x7f#:{}\[\],&*!|>'\"%@`。，；：？！、]")
# A unit of a clause's list may hold a list inside brackets or quotes, as the plans write them:
# 县〔市、区、特区〕人民政府, 各县(市、区), 联合“双随机、一公开”监管工作联席会议成员单位.
BRACKETED = re.compile(r"〔[^〔〕]*〕|（[^（）]*）|\([^()]*\)|【[^【】]*】|“[^“”]*”|「[^「」]*」|《[^《》]*》")
LIST_MARKS = re.compile(r"[、，,；;]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_lock = threading.Lock()


class EditError(ValueError):
    """An edit that was refused; the message says why, for staff."""


def clean_word(value: object, what: str, limit: int = MAX_WORD, pattern: re.Pattern = NOT_IN_A_WORD) -> str:
    """A word as staff typed it, trimmed; EditError names what is wrong with it."""
    if not isinstance(value, str):
        raise EditError(f"{what}必须是文字")
    word = value.strip()
    if not word:
        raise EditError(f"{what}不能为空")
    if len(word) > limit:
        raise EditError(f"{what}“{word[:limit]}…”太长（最多{limit}个字）")
    bad = pattern.search(word)
    if bad:
        shown = repr(bad.group()) if bad.group().isspace() or ord(bad.group()) < 32 else f"“{bad.group()}”"
        raise EditError(f"{what}“{word}”含有不能使用的字符 {shown}")
    return word


def clean_words(
    values: Iterable[object], what: str, most: int, limit: int = MAX_WORD, pattern: re.Pattern = NOT_IN_A_WORD
) -> list[str]:
    """Several words (each checked), each once, in order."""
    words = list(dict.fromkeys(clean_word(v, what, limit, pattern) for v in values if str(v).strip()))
    if len(words) > most:
        raise EditError(f"{what}最多{most}个，收到{len(words)}个")
    return words


def split_words(text: str) -> list[str]:
    """Words typed in one box, separated by commas, 、, semicolons or spaces."""
    return [w for w in re.split(r"[,，、;；\s]+", text or "") if w]


def clean_unit(value: object, what: str) -> str:
    """One unit of a clause's list, trimmed; EditError when it is not one unit.

    A list mark (、，；) or a sign of punctuation is refused only outside brackets and quotes: the plans name
    units such as 县〔市、区、特区〕人民政府, which must be kept whole, never cut at their 、.
    """
    if not isinstance(value, str):
        raise EditError(f"{what}必须是文字")
    unit = value.strip()
    if not unit:
        raise EditError(f"{what}不能为空")
    if len(unit) > MAX_LISTED_UNIT:
        raise EditError(f"{what}“{unit[:MAX_LISTED_UNIT]}…”太长（最多{MAX_LISTED_UNIT}个字）")
    if CONTROL.search(unit):
        raise EditError(f"{what}“{unit}”含有不能使用的字符（换行或控制字符）")
    outside = unit
    while True:  # brackets within brackets: the innermost go first
        inner = BRACKETED.sub("", outside)
        if inner == outside:
            break
        outside = inner
    if LIST_MARKS.search(outside):
        raise EditError(f"{what}每行只写一个单位：“{unit}”像是几个单位，请分行填写")
    bad = NOT_IN_A_UNIT.search(outside)
    if bad:
        raise EditError(f"{what}“{unit}”含有不能使用的字符“{bad.group()}”")
    return unit


def clean_units(values: Iterable[object], what: str) -> list[str]:
    """A clause's list of units (each checked whole), each once, in order."""
    units = list(dict.fromkeys(clean_unit(v, what) for v in values if str(v).strip()))
    if len(units) > MAX_UNITS:
        raise EditError(f"{what}最多{MAX_UNITS}个，收到{len(units)}个")
    return units


# -- the YAML files ----------------------------------------------------------------------------------
def add_synonym(
    folder: Path, word: str, plan_words: Iterable[str], backups: Path | Backups, shipped: Path | None = None
) -> Path:
    """terms.yaml `synonyms:` gains `word: [plan words]` (merged with what the word already stood for)."""
    word = clean_word(word, "问题里的词")
    targets = clean_words(plan_words, "方案里的词", MAX_WORDS)
    if not targets:
        raise EditError("请至少填写一个方案里的词")
    backups = Backups.of(backups)
    path = _own_copy(Path(folder), "terms.yaml", shipped)
    with _editing(path, backups):
        data = _read_mapping(path)
        section = _section(data, "synonyms", path)
        old = section.get(word)
        merged = list(dict.fromkeys([*(_as_list(old)), *targets]))
        if len(merged) > MAX_WORDS:
            raise EditError(f"“{word}”已对应{len(_as_list(old))}个词，加上后超过{MAX_WORDS}个")
        _write_entry(path, data, "synonyms", word, merged, backups)
    return path


def save_renames(folder: Path, text: str, backups: Path | Backups, shipped: Path | None = None,
                 limits: ReadingLimits = ReadingLimits()) -> int:
    """corpus/renames.yaml replaced by `text` (the admin's editor), once it reads whole: valid YAML within the
    limits, every entry right. Returns the number of entries; raises EditError saying what is wrong."""
    from .knowledge import load_yaml_mapping
    from .renames import RENAMES_FILE, parse_renames

    if not isinstance(text, str) or len(text.encode("utf-8")) > limits.yaml_bytes:
        raise EditError(f"内容超过 {limits.yaml_bytes} 字节的上限")
    text = text.replace("\r\n", "\n")
    backups = Backups.of(backups)
    path = _own_copy(Path(folder), RENAMES_FILE, shipped)
    with tempfile.TemporaryDirectory() as scratch:  # read as the loader reads it: the same limits, the same checks
        trial = Path(scratch) / RENAMES_FILE
        trial.write_text(text, encoding="utf-8")
        problems: list[str] = []
        data = load_yaml_mapping(trial, problems, limits)
        entries = parse_renames(data, problems) if data else ()
    if text.strip() and not data and not problems:
        problems.append("文件里没有 renames: 列表")
    if problems:
        raise EditError("；".join(problems[:5]))
    with _editing(path, backups):
        replace_file(path, text if text.endswith("\n") else text + "\n", backups)
    return len(entries)


def add_correction(
    folder: Path, typed: str, meant: str, backups: Path | Backups, shipped: Path | None = None
) -> Path:
    """terms.yaml `corrections:` gains `typed: meant`: an input-method slip read as what was meant."""
    typed = clean_word(typed, "输错的词")
    meant = clean_word(meant, "正确的词")
    if typed == meant:
        raise EditError("输错的词和正确的词相同")
    backups = Backups.of(backups)
    path = _own_copy(Path(folder), "terms.yaml", shipped)
    with _editing(path, backups):
        data = _read_mapping(path)
        _section(data, "corrections", path)
        _write_entry(path, data, "corrections", typed, meant, backups)
    return path


def add_unit_alias(
    folder: Path, unit: str, alias: str, backups: Path | Backups, shipped: Path | None = None
) -> Path:
    """units.yaml `units:` gains `alias` among the other names of `unit`."""
    unit = clean_word(unit, "单位", MAX_UNIT, NOT_IN_A_UNIT)
    alias = clean_word(alias, "别名", MAX_UNIT, NOT_IN_A_UNIT)
    if unit == alias:
        raise EditError("别名和单位名称相同")
    backups = Backups.of(backups)
    path = _own_copy(Path(folder), "units.yaml", shipped)
    with _editing(path, backups):
        data = _read_mapping(path)
        section = _section(data, "units", path)
        for canonical, names in section.items():
            if str(canonical) != unit and (str(canonical) == alias or alias in map(str, _as_list(names))):
                raise EditError(f"“{alias}”已经是“{canonical}”的名称，不能再给“{unit}”")
        names = _as_list(section.get(unit))
        if alias in names:
            raise EditError(f"“{alias}”已经是“{unit}”的别名")
        _write_entry(path, data, "units", unit, [*names, alias], backups)
    return path


def _own_copy(folder: Path, name: str, shipped: Path | None) -> Path:
    """The corpus folder's own file; the shipped one copied in first, so that its entries are kept."""
    path = folder / name
    if not path.is_file():
        if not folder.is_dir():
            raise EditError(f"方案文件夹 {folder} 不存在")
        source = Path(shipped) / name if shipped else None
        text = source.read_text(encoding="utf-8-sig") if source is not None and source.is_file() else ""
        write_at_once(path, text)  # a copy cut short (a full disk) must not become the corpus's file
    return path


def _read_mapping(path: Path) -> dict:
    """The file's YAML mapping; EditError when it does not read (staff fix it by hand first)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EditError(
            f"{path.name} 现在不是有效的 YAML，请先手工修正：{str(exc).splitlines()[0]}"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EditError(f"{path.name} 的顶层不是映射（key: value），请先手工修正")
    return data


def _section(data: dict, name: str, path: Path) -> dict:
    """A top-level mapping section of the file ({} when absent)."""
    section = data.get(name)
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise EditError(f"{path.name} 中的 {name}: 不是映射，请先手工修正")
    return section


def _as_list(value: object) -> list[str]:
    """A YAML scalar or list as a list of strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def entry_line(key: str, value: object, indent: str = "  ") -> str:
    """One `key: value` line of a section, flow style, quoted where YAML needs it."""
    text = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True, width=10_000).strip()
    return indent + text[1:-1].strip() + "\n"  # {key: [a, b]} → key: [a, b]


def set_entry(text: str, section: str, key: str, value: object) -> str:
    """The text with `key: value` set in the top-level `section:`; every other line kept as it was."""
    lines = text.splitlines(keepends=True)
    header = next(
        (i for i, line in enumerate(lines) if re.match(rf"{re.escape(section)}:\s*(#.*)?$", line)), None
    )
    if header is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + f"{section}:\n" + entry_line(key, value)
    indent, last, found = None, header, None
    i = header + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            i += 1
            continue
        if not line[0].isspace():
            break  # the next top-level key
        own = line[: len(line) - len(line.lstrip())]
        indent = indent or own
        if own == indent and found is None and _line_key(line) == key:
            found = i
        last = i
        i += 1
    indent = indent or "  "
    new = entry_line(key, value, indent)
    if found is None:
        return (
            "".join(lines[: last + 1])
            + ("" if lines[last].endswith("\n") else "\n")
            + new
            + "".join(lines[last + 1 :])
        )
    end = found + 1  # a block value ("key:" then "    - a") runs over the lines indented deeper
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(indent + " ")):
        end += 1
    while end > found + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the entry stay
    return "".join(lines[:found]) + new + "".join(lines[end:])


def _line_key(line: str) -> str | None:
    """The key of a one-line entry `  key: value`, read as YAML (None for anything else)."""
    try:
        parsed = yaml.safe_load(line.strip())
    except yaml.YAMLError:
        head = line.strip().split(":", 1)[0]
        try:
            parsed = yaml.safe_load(head + ":")
        except yaml.YAMLError:
            return None
    if isinstance(parsed, dict) and len(parsed) == 1:
        return str(next(iter(parsed)))
    return None


def _write_entry(path: Path, data: dict, section: str, key: str, value: object, backups: Backups) -> None:
    """Set one entry, check the file reads back with exactly that change, back up, replace."""
    text = path.read_text(encoding="utf-8-sig")
    new_text = set_entry(text, section, key, value)
    expected = dict(data)
    expected[section] = dict(_section(data, section, path))
    expected[section][key] = value
    try:
        again = yaml.safe_load(new_text) or {}
    except yaml.YAMLError as exc:
        raise EditError(f"写入后 {path.name} 将无法读取（{str(exc).splitlines()[0]}），未修改") from None
    if _normal(again) != _normal(expected):
        raise EditError(f"{path.name} 的格式无法自动修改（{section}: 下的写法特殊），请手工修改")
    replace_file(path, new_text, backups)


def _normal(data: object) -> object:
    """YAML data with keys as strings, for comparing what a file says."""
    if isinstance(data, dict):
        return {str(k): _normal(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_normal(v) for v in data]
    return data


# -- corrections files ------------------------------------------------------------------------------
def set_clause_units(
    plan: Path,
    clause_id: str,
    lead: Iterable[str],
    cooperate: Iterable[str],
    backups: Path | Backups,
    deadline: str | None = None,
) -> Path:
    """`<plan>.corrections.yaml` gains (or updates) the entry that gives clause `clause_id` these units.

    `lead` and `cooperate` are lists, one unit each, written as given: never joined and split again, which
    would cut 县〔市、区、特区〕人民政府 at its 、. `deadline` None keeps the deadline as it is (the plan's, or
    the one an earlier correction of this clause set).
    """
    if isinstance(lead, str) or isinstance(cooperate, str):
        raise TypeError("lead and cooperate are lists of units, not text")
    backups = Backups.of(backups)
    clause_id = clean_word(clause_id, "条款编号", 64)
    lead_units = clean_units(lead, "牵头单位")
    cooperating = [u for u in clean_units(cooperate, "配合单位") if u not in lead_units]
    path = corrections_path(Path(plan))
    with _editing(path, backups):
        data = _read_mapping(path) if path.is_file() else {}
        entries = data.get("clauses") or []
        if not isinstance(entries, list):
            raise EditError(f"{path.name} 中的 clauses: 不是列表，请先手工修正")
        mine = [e for e in entries if isinstance(e, dict) and str(e.get("id", "")) == clause_id]
        kept = [e for e in entries if not any(e is m for m in mine)]
        entry: dict = {"id": clause_id, "lead": lead_units, "cooperate": cooperating}
        if deadline is not None:
            entry["deadline"] = clean_word(deadline, "完成时限", 40) if deadline.strip() else ""
        elif mine and "deadline" in mine[-1]:  # None: as it is now, which may be an earlier correction's
            entry["deadline"] = mine[-1]["deadline"]
        data["clauses"] = [*kept, entry]
        head = "".join(line for line in _leading_comments(path))
        if not head:
            head = (
                f"# Corrections to the units the parser read in {Path(plan).name}; written by the admin "
                "pages\n# and by hand alike (format: qa/reading/corrections.py).\n"
            )
        text = head + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=10_000
        )
        replace_file(path, text, backups)
    return path


def _leading_comments(path: Path) -> list[str]:
    """The comment lines at the top of a file, kept when it is rewritten."""
    if not path.is_file():
        return []
    lines = []
    for line in path.read_text(encoding="utf-8-sig").splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line if line.endswith("\n") else line + "\n")
    return lines


# -- writing -----------------------------------------------------------------------------------------
def write_at_once(path: Path, text: str) -> None:
    """Replace a file with `text` at once (a temporary file renamed over it); on failure nothing changes."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def replace_file(path: Path, text: str, backups: Path | Backups) -> Path | None:
    """Back the file up, then replace it with `text` at once; the backup's path (None for a new file)."""
    saved = Backups.of(backups).copy(path) if path.is_file() else None
    write_at_once(path, text)
    return saved


def short_name(name: str, most: int = MAX_BACKUP_NAME) -> str:
    """A file name cut to at most `most` bytes (UTF-8), with a digest of the whole when it was cut."""
    if len(name.encode()) <= most:
        return name
    digest = "~" + hashlib.sha256(name.encode()).hexdigest()[:8]
    cut = name
    while len(cut.encode()) > most - len(digest):
        cut = cut[:-1]
    return cut + digest


def time_stamp() -> str:
    """The time now to the nanosecond, as backups are named: 20240131-120000-123456789 (sorts by time)."""
    now = time.time_ns()
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now // 10**9)) + f"-{now % 10**9:09d}"


@dataclass(frozen=True)
class Backups:
    """Where edits keep the files they replace (`<name>.<time>`) or remove (`removed-<time>-<name>`): the
    newest `kept` of each file, older ones removed; the edits' lock files in `locks` (default: a folder
    `locks` beside this one, in the instance folder)."""

    folder: Path
    kept: int = BACKUPS_KEPT
    locks: Path | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kept, int) or isinstance(self.kept, bool) or self.kept < 1:
            raise ValueError(f"BACKUPS_KEPT must be 1 or more, got {self.kept!r}")
        object.__setattr__(self, "folder", Path(self.folder))
        object.__setattr__(self, "locks", Path(self.locks) if self.locks else self.folder.parent / "locks")

    @classmethod
    def of(cls, backups: Path | str | Backups) -> Backups:
        """A Backups as given, or the default one of a folder."""
        return backups if isinstance(backups, Backups) else cls(Path(backups))

    def copy(self, path: Path) -> Path:
        """A copy of the file, named by the time; a copy cut short (a full disk) is removed, not kept."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{short_name(path.name)}.{time_stamp()}"
        try:
            shutil.copy2(path, target)
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
        self.prune(path.name)
        return target

    def move(self, path: Path) -> Path:
        """Move a file that is being removed into the backups (`removed-<time>-<name>`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"removed-{time_stamp()}-{short_name(path.name)}"
        try:
            shutil.move(path, target)  # a rename on one file system; across two, a copy, then the delete
        except BaseException:
            if path.exists():  # the copy failed: the file is still where it was
                with contextlib.suppress(OSError):
                    target.unlink()
            raise
        self.prune(path.name)
        return target

    def prune(self, name: str) -> None:
        """Remove the oldest backups of the file `name` beyond the newest `kept`."""
        short = re.escape(short_name(name))
        pattern = re.compile(
            rf"(?:{short}\.(?P<kept>\d{{8}}-\d{{6}}-\d{{9}})"
            rf"|removed-(?P<removed>\d{{8}}-\d{{6}}(?:-\d{{9}})?)-{short})"
        )
        found = []
        for entry in self.folder.iterdir() if self.folder.is_dir() else ():
            match = pattern.fullmatch(entry.name)
            if match:
                stamp = match.group("kept") or match.group("removed")
                found.append((stamp if len(stamp) > 15 else stamp + "-000000000", entry.name, entry))
        for _, _, stale in sorted(found)[: -self.kept]:
            with contextlib.suppress(OSError):
                stale.unlink()

    def lock_file(self, path: Path) -> Path:
        """The lock file of an edited file: in `locks`, named by the file and a digest of its full path."""
        digest = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:12]
        return self.locks / f"{short_name(Path(path).name, 100)}-{digest}.lock"


def remove_old_locks(folder: Path) -> None:
    """Remove the lock files earlier versions kept beside the files they guarded (.terms.yaml.lock, …)."""
    for lock in Path(folder).glob(".*.yaml.lock"):
        with contextlib.suppress(OSError):
            lock.unlink()


@contextlib.contextmanager
def _editing(path: Path, backups: Backups) -> Iterator[None]:
    """One edit at a time: across threads, and across worker processes where the system can lock files."""
    with _lock:
        try:
            import fcntl
        except ImportError:  # Windows: one server process (waitress) edits, the thread lock suffices
            yield
            return
        lock_path = backups.lock_file(path)  # outside the corpus folder: never in git status, never served
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
