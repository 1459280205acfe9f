"""Plans uploaded through the admin pages: a safe file name, the type told by the content, and a trial read
before the file joins the corpus, so that a plan that does not load never replaces what is serving."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from qa.reading.check import PlanCheck, check_corpus
from qa.reading.corrections import corrections_path
from qa.reading.sources import PLAN_SUFFIXES, UnreadableSource, decode_text

MAX_NAME = 80  # characters of a stored file name, suffix included
# What a stored name keeps: letters and digits of any script (Chinese included), and - _ . ( ) （ ）
UNSAFE = re.compile(r"[^\w\-.()（）]+")
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}
KINDS = {".pdf": "PDF", ".docx": "Word (.docx)", ".txt": "文本"}


def size_text(size: int) -> str:
    """A size as staff read it: 20 MB, 100 KB."""
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class UploadError(ValueError):
    """An upload that was refused; the message says why, for staff."""


def safe_plan_name(name: str) -> str:
    """A file name safe to store in the corpus folder: no folders, no odd characters, a plan's suffix."""
    name = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    suffix = "." + suffix.lower()
    if suffix not in PLAN_SUFFIXES:
        raise UploadError(f"只能上传 .txt、.docx 或 .pdf 文件，收到的是“{name[:60]}”")
    stem = UNSAFE.sub("_", stem).strip("._ ")[: MAX_NAME - len(suffix)].strip("._ ")
    if not stem or stem.lower().split(".")[0] in WINDOWS_RESERVED:
        stem = "plan-" + time.strftime("%Y%m%d-%H%M%S")
    return stem + suffix


def kind_of(head: bytes, truncated: bool = False) -> str | None:
    """The plan type a file's first bytes are (.pdf, .docx, .txt), by content; None when none of them."""
    if head[:1024].lstrip().startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx"  # a zip: checked for word/document.xml by check_content
    if truncated:  # cut back to a line end, so that a character split at the cut does not fail the text
        end = head.rfind(b"\n")
        head = head[: end + 1] if end > 0 else head
    try:
        decode_text(head)
    except UnreadableSource:
        return None
    return ".txt"


def check_content(path: Path, suffix: str) -> None:
    """UploadError unless the file's content is the type its name says."""
    with open(path, "rb") as handle:
        head = handle.read((1 << 20) + 1)
    if not head.strip():
        raise UploadError("文件是空的")
    kind = kind_of(head[: 1 << 20], truncated=len(head) > 1 << 20)
    if kind is None:
        raise UploadError("文件内容不是文本、Word (.docx) 或 PDF")
    if kind != suffix:
        raise UploadError(f"文件名是 {suffix}，内容却是{KINDS[kind]}：请改正扩展名后再上传")
    if kind == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise UploadError("这个 .docx 文件里没有 Word 正文（word/document.xml）")
        except zipfile.BadZipFile as exc:
            raise UploadError(f"这个 .docx 文件已损坏：{exc}") from None


@dataclass
class Trial:
    """What a trial read of an uploaded plan found."""

    name: str
    clauses: int = 0
    tasks: int = 0
    title: str = ""
    report: PlanCheck | None = None
    warnings: list[str] = field(default_factory=list)


def trial_read(staged: Path, corpus_dir: Path, shipped: Path, limits=None) -> Trial:
    """Read a staged plan as the corpus would (its units.yaml and terms.yaml); UploadError when it fails."""
    from qa.reading.corpus import load_corpus

    knowledge = corpus_dir if (corpus_dir / "units.yaml").is_file() else shipped
    try:
        corpus = (
            load_corpus(staged.parent, knowledge, limits) if limits else load_corpus(staged.parent, knowledge)
        )
    except Exception as exc:  # a reader's bug must refuse the upload, not serve a broken index
        raise UploadError(f"读取失败：{type(exc).__name__}: {exc}") from None
    # units.yaml/terms.yaml of the corpus (not of the staging folder) serve: load_corpus falls back to
    # `knowledge` for both, so the trial reads units as the corpus will
    mine = [c for c in corpus.clauses if c.source == staged.name]
    problems = [w for w in corpus.warnings if staged.name in w]
    if not mine:
        raise UploadError("；".join(problems) or "没有读出任何条款")
    reports = check_corpus(mine, {}, [], frozenset(corpus.units.canonical_names))
    return Trial(
        staged.name,
        len(mine),
        sum(1 for c in mine if c.units),
        mine[0].doc,
        reports[0] if reports else None,
        problems,
    )


def stage(upload, folder: Path, name: str, limit: int) -> Path:
    """Save an uploaded file to a fresh staging folder under `folder`, refusing it past `limit` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="upload-", dir=folder))
    target = staging / name
    size = 0
    with open(target, "wb") as out:
        while chunk := upload.stream.read(1 << 16):
            size += len(chunk)
            if size > limit:
                out.close()
                shutil.rmtree(staging, ignore_errors=True)
                raise UploadError(f"文件超过 {size_text(limit)} 的上限")
            out.write(chunk)
    return target


def install(staged: Path, corpus_dir: Path, backups: Path) -> Path | None:
    """Move a staged plan into the corpus folder; a plan of the same name is backed up first."""
    target = corpus_dir / staged.name
    saved = None
    if target.exists():
        backups.mkdir(parents=True, exist_ok=True)
        saved = backups / f"{target.name}.{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
        shutil.copy2(target, saved)
    temporary = corpus_dir / f".{staged.name}.part"
    shutil.copyfile(staged, temporary)  # then renamed: the reloader never reads half a file
    temporary.replace(target)
    shutil.rmtree(staged.parent, ignore_errors=True)
    return saved


def remove(corpus_dir: Path, name: str, backups: Path) -> Path:
    """Take a plan (and its corrections file) out of the corpus, into the backups folder."""
    plan = corpus_dir / name
    if plan.parent != corpus_dir or not plan.is_file() or plan.suffix.lower() not in PLAN_SUFFIXES:
        raise UploadError(f"方案文件夹里没有“{name}”")
    backups.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = backups / f"removed-{stamp}-{name}"
    shutil.move(plan, target)
    fixes = corrections_path(plan)
    if fixes.is_file():
        shutil.move(fixes, backups / f"removed-{stamp}-{fixes.name}")
    return target
