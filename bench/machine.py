"""The machine a benchmark ran on: CPU, cores, memory, Python, load, date (for bench/RESULTS.md)."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path


def _first(path: str, key: str) -> str:
    """The value of the first `key: value` line of a /proc file, or ''."""
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return ""


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages (other work on the CPUs makes figures noisy)."""
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def facts() -> dict[str, str]:
    """What a reader needs to compare figures: CPU model, cores, memory, OS, Python, date."""
    memory_kib = (_first("/proc/meminfo", "MemTotal").split() or [""])[0]
    debian = Path("/etc/debian_version")
    return {
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": str(os.cpu_count() or 0),
        "memory": f"{int(memory_kib) / 1024 / 1024:.1f} GiB" if memory_kib else "unknown",
        "os": f"{platform.system()} {platform.release()}"
        + (f", Debian {debian.read_text().strip()}" if debian.is_file() else ""),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load": "%.2f %.2f %.2f" % load_average(),
    }
