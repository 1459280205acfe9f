"""Plans uploaded through the admin pages: a safe file name, the type told by the content, and a trial read
before the file joins the corpus, so that a plan that does not load never replaces what is serving."""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from qa.answering.compose import document_name
from qa.reading.check import PlanCheck, check_corpus
from qa.reading.corrections import corrections_path
from qa.reading.knowledge_edit import Backups
from qa.reading.sources import PLAN_SUFFIXES, UnreadableSource, decode_text

MAX_NAME = 80  # characters of a stored file name, suffix included
# bytes (UTF-8) of a stored file name: a name holds 255 at most, and its corrections file, backups and
# temporary files add up to 45 more (76 four-byte characters would not even be stored)
MAX_NAME_BYTES = 150
STALE_STAGING = 3600.0  # seconds after which a staging folder is a killed upload's, not one in progress
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
KINDS = {".pdf": "PDF", ".docx": "Word (.docx)", ".txt": "文本", ".ofd": "OFD", ".doc": "Word/WPS (.doc、.wps)",
         ".wps": "Word/WPS (.doc、.wps)"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and WPS files


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
        raise UploadError(f"只能上传 .txt、.docx、.pdf、.ofd、.doc 或 .wps 文件，收到的是“{name[:60]}”")
    stem = UNSAFE.sub("_", stem).strip("._ ")[: MAX_NAME - len(suffix)]
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.strip("._ ")
    if not stem or stem.lower().split(".")[0] in WINDOWS_RESERVED:
        # a name of its own: two such uploads in one second must not replace each other
        stem = "plan-" + time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(4)
    return stem + suffix


def kind_of(head: bytes, truncated: bool = False) -> str | None:
    """The plan type a file's first bytes are (.pdf, .docx, .txt, .doc), by content; None when none of them.
    A zip is told .docx (.ofd is a zip too); an OLE2 file or RTF is told .doc (.wps is the same kind)."""
    if head[:1024].lstrip().startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith((OLE2, b"{\\rtf")):
        return ".doc"
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
        raise UploadError("文件内容不是文本、Word、WPS、OFD 或 PDF")
    if (kind, suffix) in ((".docx", ".ofd"), (".doc", ".wps")):
        kind = suffix  # an .ofd is a zip as a .docx is (told apart by its parts below); WPS writes Word's format
    if kind != suffix:
        raise UploadError(f"文件名是 {suffix}，内容却是{KINDS[kind]}：请改正扩展名后再上传")
    if kind in (".doc", ".wps"):
        from qa.reading.convert import INSTALL, soffice

        if soffice() is None:
            raise UploadError(f"读取 {suffix} 文件需要在服务器上安装 LibreOffice（{INSTALL}）")
    if kind == ".ofd":
        try:
            with zipfile.ZipFile(path) as archive:
                if not any(n.lower().lstrip("/") == "ofd.xml" for n in archive.namelist()):
                    raise UploadError("这个 .ofd 文件里没有 OFD 入口文件（OFD.xml）")
        except zipfile.BadZipFile as exc:
            raise UploadError(f"这个 .ofd 文件已损坏：{exc}") from None
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
    # the loaded plans whose tasks share topics with it (title, topics): their answers will show both plans
    shared: list[tuple[str, list[str]]] = field(default_factory=list)

    def shared_text(self) -> str:
        """What the upload report says of the topics the plan shares with loaded plans ('' for none)."""
        if not self.shared:
            return ""
        said = "；".join(f"与{document_name(title)}都涉及：{'、'.join(topics)}" for title, topics in self.shared[:5])
        more = f"；另有{len(self.shared) - 5}个方案" if len(self.shared) > 5 else ""
        return f"。{said}{more}。这些问题今后会分别给出各方案的回答"


def trial_read(staged: Path, corpus_dir: Path, shipped: Path, limits=None, serving=None) -> Trial:
    """Read a staged plan as the corpus would (its units.yaml and terms.yaml); UploadError when it fails.
    `serving` (the assistant answering now) says which loaded plans share topics with it."""
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
    if not any(c.kind in ("heading", "paragraph") or c.units for c in mine):
        # a title (and a preamble) alone is no plan: nothing in it could answer a question
        raise UploadError(
            "只读出了标题" + ("和序言" if any(c.kind == "preamble" for c in mine) else "")
            + "，没有读出任何条款（任务或段落）：请检查文件是否完整"
        )
    reports = check_corpus(mine, {}, [], frozenset(corpus.units.canonical_names))
    shared = [(plan.title, topics) for plan, topics in serving.shared_topics(mine)] if serving is not None else []
    return Trial(
        staged.name,
        len(mine),
        sum(1 for c in mine if c.units),
        mine[0].doc,
        reports[0] if reports else None,
        problems,
        shared,
    )


def clean_staging(folder: Path, older_than: float = STALE_STAGING) -> int:
    """Remove the staging folders that killed uploads left behind (older than `older_than` seconds); how many.

    Younger ones may be uploads in progress in another worker, and are left alone.
    """
    removed = 0
    with contextlib.suppress(OSError):
        for entry in Path(folder).glob("upload-*"):
            with contextlib.suppress(OSError):
                if time.time() - entry.lstat().st_mtime > older_than:
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
                    removed += 1
    return removed


def discard(staged: Path) -> None:
    """Remove a staged upload's folder (after it failed or was installed)."""
    shutil.rmtree(staged.parent, ignore_errors=True)


def stage(upload, folder: Path, name: str, limit: int) -> Path:
    """Save an uploaded file to a fresh staging folder under `folder`, refusing it past `limit` bytes.

    On any failure (too large, a full disk) the staging folder is removed at once.
    """
    folder.mkdir(parents=True, exist_ok=True)
    clean_staging(folder)
    staging = Path(tempfile.mkdtemp(prefix="upload-", dir=folder))
    target = staging / name
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := upload.stream.read(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise UploadError(f"文件超过 {size_text(limit)} 的上限")
                out.write(chunk)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def install(staged: Path, corpus_dir: Path, backups: Backups) -> Path | None:
    """Move a staged plan into the corpus folder; a plan of the same name is backed up first.

    A copy that fails (a full disk) leaves the corpus folder as it was: no half file, no temporary.
    """
    target = corpus_dir / staged.name
    saved = backups.copy(target) if target.exists() else None
    temporary = corpus_dir / f".{staged.name}.part"
    try:
        shutil.copyfile(staged, temporary)  # then renamed: the reloader never reads half a file
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    discard(staged)
    return saved


def remove(corpus_dir: Path, name: str, backups: Backups) -> Path:
    """Take a plan (and its corrections file) out of the corpus, into the backups folder."""
    plan = corpus_dir / name
    if plan.parent != corpus_dir or not plan.is_file() or plan.suffix.lower() not in PLAN_SUFFIXES:
        raise UploadError(f"方案文件夹里没有“{name}”")
    target = backups.move(plan)
    fixes = corrections_path(plan)
    if fixes.is_file():
        backups.move(fixes)
    return target
