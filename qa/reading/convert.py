"""Reading .doc and .wps plans: LibreOffice converts them to .docx, which is then read as any .docx is.

LibreOffice runs headless, without a shell, in a temporary folder of its own that is removed afterwards: the
plan is copied in under a plain name, the .docx written there, and LibreOffice's user profile kept there too
(-env:UserInstallation), so that conversions running at once never share a profile (LibreOffice refuses a
profile in use, or worse, hands the job to the other process). It gets ReadingLimits.convert_seconds: past that
its whole process group is killed and the file is skipped with a message that says so. The plan's size was
checked before (plan_bytes), and the .docx it makes is read within the .docx limits (zip bombs, tags, text).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .limits import ReadingLimits
from .sources import UnreadableSource, read_docx

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and WPS files are OLE2 compound files
RTF = b"{\\rtf"  # Word also saves RTF under .doc
ZIP = b"PK\x03\x04"  # a .docx named .doc: read as it is
INSTALL = ("Debian/Ubuntu: apt-get install libreoffice-writer-nogui; Windows: install LibreOffice from "
           "libreoffice.org; or open it in Word or WPS and save it as .docx")
WINDOWS_PLACES = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def soffice() -> str | None:
    """LibreOffice's command (soffice on PATH, or where Windows installs it), or None when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found or os.name != "nt":
        return found
    return next((place for place in WINDOWS_PLACES if Path(place).is_file()), None)


def missing_message(suffix: str = ".doc/.wps") -> str:
    """What staff read when LibreOffice is not there: what to install."""
    return f"reading a {suffix} file needs LibreOffice, which is not installed (未安装 LibreOffice): {INSTALL}"


def read_converted(path: Path, limits: ReadingLimits = ReadingLimits()) -> list[str]:
    """The paragraphs of a .doc or .wps plan, converted to .docx by LibreOffice; UnreadableSource naming the file
    when it is no Word or WPS document, LibreOffice is missing, fails or takes longer than the limit."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnreadableSource(f"{path.name}: cannot be read ({exc.strerror})") from exc
    if head.startswith(ZIP):
        return read_docx(path, limits)  # a .docx under another name
    if not head.startswith((OLE2, RTF)):
        raise UnreadableSource(f"{path.name}: not a Word or WPS document (不是 Word/WPS 文档)")
    command = soffice()
    if command is None:
        raise UnreadableSource(f"{path.name}: {missing_message(path.suffix.lower())}")
    with tempfile.TemporaryDirectory(prefix="qa-convert-") as folder:
        work = Path(folder)
        plan = work / f"plan{path.suffix.lower()}"  # a plain name: nothing in it reads as an option or a path
        shutil.copyfile(path, plan)
        _run(command, plan, work, path.name, limits.convert_seconds)
        converted = work / "out" / "plan.docx"
        if not converted.is_file():
            said = (work / "soffice.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise UnreadableSource(f"{path.name}: LibreOffice could not convert it (无法转换，文件可能已损坏)"
                                   + (f": {said[-1][:200]}" if said else ""))
        if converted.stat().st_size > limits.docx_unpacked_bytes:
            raise UnreadableSource(f"{path.name}: converted to a .docx of more than {limits.docx_unpacked_bytes} bytes")
        return read_docx(converted, limits)


def _run(command: str, plan: Path, work: Path, name: str, seconds: int) -> None:
    """Run LibreOffice on `plan` in `work`, its output and profile there; stopped (its whole process group)
    after `seconds`."""
    arguments = [command, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
                 "--nologo", "--nodefault", "--nofirststartwizard", "--norestore", "--nolockcheck",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(plan)]
    environment = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
    group = {"start_new_session": True} if os.name != "nt" else \
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
    with open(work / "soffice.log", "wb") as log:  # a file, not a pipe: a child left behind cannot hold it
        try:
            process = subprocess.Popen(arguments, cwd=work, env=environment, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, **group)
        except OSError as exc:
            raise UnreadableSource(f"{name}: LibreOffice could not be started ({exc.strerror or exc}); "
                                   f"{INSTALL}") from exc
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise UnreadableSource(f"{name}: LibreOffice did not finish converting it within {seconds} s and was "
                                   f"stopped (转换超时)") from None
        finally:
            _stop(process)  # whatever it started and left running goes with it


def _stop(process: subprocess.Popen) -> None:
    """Kill the process and every process it started (its own group), and reap it."""
    if os.name != "nt":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        with contextlib.suppress(OSError):
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, timeout=10,
                           check=False)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
