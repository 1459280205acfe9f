"""What staff check after adding a plan: per plan, the convention found, clauses and tasks, and what looks
wrong — a task with no units, a "unit" that is no unit, a unit named once that is close to another (a
likely typo), corrections that no longer match."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..records import Clause
from ..vocabulary import (
    GROUP_ENDINGS,
    GROUP_OPENINGS,
    ROLE_ENDINGS,
    UNIT_ENDINGS,
    alternation,
    unit_ending_pattern,
)
from .documents import split_documents
from .duties import DEADLINE_PIECE, detect_convention, not_a_unit
from .sources import SourceText
from .units import is_group, unit_prefix

UNIT_END = unit_ending_pattern(UNIT_ENDINGS)
MAX_UNIT_LENGTH = 40  # the longest real names (省…“双随机、一公开”监管工作联席会议成员单位) run to 36
# What a unit name never holds: sentence punctuation; and, unless it ends as a unit does, the verbs that
# open a task (推进, 加强 …: 市营商环境建设推进中心 is a unit, 加强部门协作做好维权援助工作 is not).
PUNCTUATION = re.compile(r"[。；;！？!?：:]")
TASK_VERBS = re.compile(r"推进|加强|开展|建立|完善|实施|提升|优化|落实好|做好|确保")
ROLE_TAIL = re.compile(rf"(?:{alternation(w for w, _ in ROLE_ENDINGS)})+$")
LABELLED_ROLE = re.compile(r"牵头单位|配合单位|协办单位|参与单位|牵头部门|配合部门")
BLOCK_PIECES = re.compile(r"[、，,；;:：（）()〔〕。\n]")  # the pieces of a block, for prose read in it
CONVENTION_NAMES = {"comma_leads": "逗号前为牵头单位", "comma_leads_strict": "逗号前为牵头单位，无逗号的不列牵头单位",
                    "first_leads": "列第一位的为牵头单位", "": "无（各条自行标明）"}


@dataclass
class PlanCheck:
    """The check of one plan."""

    source: str
    title: str
    convention: str = ""
    clauses: int = 0
    tasks: int = 0  # clauses that give some unit a role
    problems: list[str] = field(default_factory=list)
    how: str = ""  # how its file was read ("OFD", "LibreOffice 转换（.doc）", "PDF，OCR 识读 3 页（请核对）")

    def lines(self) -> list[str]:
        """The report of this plan as lines of text."""
        head = [f"《{self.title}》 ({self.source})", *([f"  读取方式：{self.how}"] if self.how else []),
                f"  约定：{CONVENTION_NAMES.get(self.convention, self.convention)}",
                f"  条款 {self.clauses}，有责任单位的任务 {self.tasks}"]
        return head + [f"  ! {p}" for p in self.problems] + ([] if self.problems else ["  未发现问题"])


def looks_like_unit(name: str) -> bool:
    """Whether a parsed name reads as a unit: not too long, no punctuation or task verb, a unit's ending."""
    if len(name) > MAX_UNIT_LENGTH or PUNCTUATION.search(name):
        return False
    bare = re.sub(r"[(（〔\[][^)）〕\]]*[)）〕\]]", "", name)  # 各县（市、区）人民政府 → 各县人民政府
    if UNIT_END.search(bare):
        return True
    return not TASK_VERBS.search(bare) and (bare.startswith(GROUP_OPENINGS) or bare.endswith(GROUP_ENDINGS))


def near_misses(counts: Counter) -> list[tuple[str, str]]:
    """(once, other): a department named once whose name is another's with one character slipped."""
    names = [u for u in counts if not is_group(u)]
    pairs = []
    for once in (u for u in names if counts[u] == 1 and len(u) >= 3):
        other = next((o for o in names if o != once and _slipped(once, o)), None)
        if other:
            pairs.append((once, other))
    return pairs


def _slipped(a: str, b: str) -> bool:
    """A slip of typing: an ending dropped or added (盟食药/盟食药局), or one character replaced by one
    of the same sound (盟食药局/盟食要局); two departments one character apart (民政局/财政局) are not."""
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        return len(diff) == 1 and same_sound(*diff[0])
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and long.startswith(short) and unit_prefix(short) == unit_prefix(long)


def same_sound(a: str, b: str) -> bool:
    """Whether two characters share a pinyin reading, tones ignored (False where pypinyin is missing)."""
    try:
        from pypinyin import Style, pinyin
    except ImportError:
        return False
    readings = [set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]) for ch in (a, b)]
    return bool(readings[0] & readings[1])


@dataclass(frozen=True)
class TaskReview:
    """One task as the admin's review page shows it: the clause and what looks wrong with its reading."""

    clause: Clause
    flags: tuple[str, ...] = ()


# What a block says of roles: without any of these words its units' roles were guessed (a plain list leads).
ROLE_SAID = re.compile(alternation([w for w, _ in ROLE_ENDINGS] + ["会同", "逗号前", "第一位", "主责", "牵头", "配合"]))


OCR_READ = "已用 OCR 识读"  # how the reading notes of a scanned PDF say so (pdf.py), in the corpus warnings
OCR_FLAG = "OCR 识读，请核对原件"


def read_by_ocr(warnings: Iterable[str]) -> frozenset[str]:
    """The plan files whose pages were read by OCR, from the corpus warnings that their readings left."""
    return frozenset(w.split(":", 1)[0] for w in warnings if OCR_READ in w)


def how_read(name: str, warnings: Iterable[str] = ()) -> str:
    """How a plan file is read, for staff, from its name and the corpus warnings (a view reads no file again)."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    how = {".ofd": "OFD", ".doc": "LibreOffice 转换（.doc）", ".wps": "LibreOffice 转换（.wps）",
           ".docx": "Word (.docx)", ".pdf": "PDF", ".txt": "文本"}.get(suffix, "")
    return f"{how}，部分或全部页面经 OCR 识读（请核对）" if name in read_by_ocr(warnings) else how


def review_tasks(clauses: Sequence[Clause], everywhere: Sequence[Clause] = (),
                 known: frozenset[str] = frozenset(), ocr: frozenset[str] = frozenset()) -> list[TaskReview]:
    """Every task of a plan (a clause naming units, or a numbered paragraph among tasks that do) with what
    looks wrong: no units, a name that does not look like a unit, a role the reading had to guess (no role
    word or label; inherited from a heading; a section closed by one block), a unit named nowhere else; and
    whether OCR read it (`ocr`: the plan files read by OCR, read_by_ocr)."""
    counts = Counter(u for c in (everywhere or clauses) for u in c.units)
    assigning = {c.parent for c in clauses if c.kind == "paragraph" and c.units}
    reviews = []
    for clause in clauses:
        if clause.kind != "paragraph" or not clause.path or not (clause.units or clause.parent in assigning):
            continue
        flags = []
        if not clause.units:
            flags.append("没有责任单位")
        flags += [f"“{u}”不像单位名称" for u in clause.units if u not in known and not looks_like_unit(u)]
        duty = "".join(clause.duty_text.split())
        if clause.units and not LABELLED_ROLE.search(duty) and not ROLE_SAID.search(duty):
            flags.append("角色为推断：标注未写牵头或配合，所列单位均按牵头")
        if clause.units and duty and duty not in "".join(clause.text.split()):
            flags.append("责任单位取自上级标题或本节末尾的标注")
        flags += [f"“{u}”只在此处出现" for u in clause.units if counts[u] == 1 and u not in known]
        if clause.source in ocr:
            flags.append(OCR_FLAG)
        reviews.append(TaskReview(clause, tuple(flags)))
    return reviews


def check_plan(source: str, clauses: Sequence[Clause], convention: str = "",
               known: frozenset[str] = frozenset()) -> PlanCheck:
    """Check one plan's clauses; `known` units (units.yaml) always pass as units."""
    report = PlanCheck(source, clauses[0].doc if clauses else source, convention, len(clauses))
    report.tasks = sum(1 for c in clauses if c.lead or c.cooperate)
    # Under a heading whose other paragraphs name units, a paragraph naming none is a task left without.
    assigning = {c.parent for c in clauses if c.kind == "paragraph" and c.units}
    parents = {c.parent for c in clauses}
    paths = {c.id: c.path for c in clauses}
    for clause in clauses:
        if clause.path == paths.get(clause.parent, None) and clause.kind == "paragraph":
            continue  # an unnumbered introduction under its heading, before the numbered measures
        leaf = clause.kind == "paragraph" or clause.id not in parents  # "3.推广…。" alone reads as a heading
        lead_in = clause.text.rstrip().endswith(("：", ":"))  # "具体举措：" opens the measures below it
        if leaf and not lead_in and clause.level != 1 and clause.path and clause.parent in assigning \
                and not clause.units:
            report.problems.append(f"{clause.path}“{clause.title}”没有责任单位 [{clause.id}]")
    for clause in clauses:  # prose in a block, left out of the units: the block may be misread
        for piece in BLOCK_PIECES.split(clause.duty_text):
            name = ROLE_TAIL.sub("", piece.strip())
            if len(name) >= 4 and not_a_unit(name) and not DEADLINE_PIECE.search(name):
                report.problems.append(f"“{name}”不像单位名称，未作为单位读入（见{clause.path or clause.title} [{clause.id}]）")
    counts = Counter(u for c in clauses for u in c.units)
    for unit in counts:
        if unit not in known and not looks_like_unit(unit):
            first = next(c for c in clauses if unit in c.units)
            report.problems.append(f"“{unit}”不像单位名称（见{first.path or first.title} [{first.id}]）")
    for once, other in near_misses(counts):
        report.problems.append(f"“{once}”只出现一次，与“{other}”只差一个字，可能是笔误")
    return report


def _convention_at(conventions: str | list[tuple[int, str]], line: int) -> str:
    """The convention of the document holding `line`: a file's one, or the last document starting before it."""
    if isinstance(conventions, str):
        return conventions
    return next((c for first, c in reversed(conventions) if first <= line), "")


def file_conventions(source: SourceText) -> list[tuple[int, str]]:
    """(first line, convention) of each document of a plan file: a compilation's documents state their own."""
    conventions = []
    for part in split_documents(source):
        first = next((n for n, line in enumerate(part.source.lines, 1) if line.strip()), 1)
        conventions.append((first, detect_convention("\n".join(part.source.lines))))
    return conventions


def check_corpus(clauses: Iterable[Clause], conventions: dict[str, str | list[tuple[int, str]]],
                 stale: Iterable[str], known: frozenset[str] = frozenset(),
                 how: dict[str, str] | None = None) -> list[PlanCheck]:
    """Check every plan of a corpus, each document of a compilation apart; corrections that no longer match go
    to the plan they name. `conventions` gives each file's convention, or for a compilation (first line,
    convention) of each document; `how`, how each file was read."""
    by_document: dict[tuple[str, str], list[Clause]] = {}
    for clause in clauses:
        by_document.setdefault((clause.source, clause.doc), []).append(clause)
    reports = [check_plan(s, cs, _convention_at(conventions.get(s, ""), cs[0].lines[0]), known)
               for (s, _), cs in by_document.items()]
    for report in reports:
        report.how = (how or {}).get(report.source, "")
    for line in stale:
        source = line.split(":", 1)[0]
        target = next((r for r in reports if r.source == source), None)
        (target.problems if target else reports[0].problems if reports else []).append(line)
    return reports
