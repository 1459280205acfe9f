"""Scoring the assistant on a question set: per-type pass rates and latency."""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field

from .assistant import Assistant
from .measure import percentile
from .records import Answer

QUOTES = "“”‘’\"'「」『』"
PREFIXES = ("锡林郭勒盟", "锡盟", "盟")


def folded(text: str) -> str:
    """Text compared as a reader would: width-folded, without white space."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def unit_key(name: str) -> str:
    """A unit's comparable form: folded, without quotes or a leading 锡林郭勒盟/盟."""
    text = folded(name)
    for quote in QUOTES:
        text = text.replace(quote, "")
    for prefix in PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix) :]
    return text


def _keys(value) -> list[str]:
    return [folded(v) for v in (value if isinstance(value, list) else [value]) if v]


def check(item: dict, answer: Answer) -> list[str]:
    """Why an answer fails a question of the set ([] when it passes)."""
    kind = item["type"]
    texts = [folded(c.text) for c in answer.citations]
    if kind == "oos":
        return (
            [] if not answer.found and not answer.citations else ["should have said the plans hold nothing"]
        )
    why = [] if answer.found else ["found is false"]
    if item.get("key"):
        keys = _keys(item["key"])
        if not texts or not any(k in texts[0] for k in keys):
            why.append(
                f"top citation is not the clause of {keys[0][:16]} (got {texts[0][:20] if texts else 'none'})"
            )
    if kind in ("lead", "cooperate", "who") and "units" in item:
        got, want = {unit_key(u) for u in answer.units}, {unit_key(u) for u in item["units"]}
        if got != want:
            why.append(f"units: missing {sorted(want - got)} extra {sorted(got - want)}")
    if kind == "unit_tasks":
        keys = _keys(item.get("keys", []))
        missed = [k for k in keys if not any(k in t for t in texts)]
        stray = [t[:16] for t in texts if not any(k in t for k in keys)]
        if missed:
            why.append(f"{len(missed)}/{len(keys)} tasks not cited, e.g. {missed[0][:16]}")
        if stray:
            why.append(f"{len(stray)} citations not the unit's, e.g. {stray[0]}")
    if kind == "fact":
        lost = [e for e in item.get("expect", []) if folded(str(e)) not in folded(answer.answer)]
        if lost:
            why.append(f"answer lacks {lost}")
    return why


@dataclass
class Report:
    """Results of one run over a question set."""

    by_type: dict[str, list[bool]] = field(default_factory=dict)
    by_cat: dict[str, list[bool]] = field(default_factory=dict)  # by the item's `cat:`, where it has one
    latencies: list[float] = field(default_factory=list)
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Share of questions passed."""
        results = [ok for oks in self.by_type.values() for ok in oks]
        return sum(results) / len(results) if results else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds."""
        return percentile(self.latencies, q) * 1000

    def lines(self, verbose: bool = False) -> list[str]:
        """The report as lines of text."""
        out = [f"FAIL [{kind}] {q}: {'; '.join(why)}" for q, kind, why in self.failures] if verbose else []
        for kind, oks in sorted(self.by_type.items()):
            out.append(f"{kind:11s} {sum(oks):3d}/{len(oks):3d}  {sum(oks) / len(oks):6.1%}")
        for cat, oks in sorted(self.by_cat.items()):
            out.append(f"{'cat ' + cat:15s} {sum(oks):3d}/{len(oks):3d}  {sum(oks) / len(oks):6.1%}")
        out.append(
            f"latency per question: p50 {statistics.median(self.latencies or [0]) * 1000:.2f} ms, "
            f"p99 {self.percentile(0.99):.2f} ms"
        )
        total = sum(len(v) for v in self.by_type.values())
        out.append(f"passed {round(self.rate * total)}/{total} = {self.rate:.1%}")
        return out


def evaluate(assistant: Assistant, items: list[dict], label: str = "eval") -> Report:
    """Ask every question of a set (dialogues in one session each) and score the answers."""
    report = Report()
    for n, entry in enumerate(items):
        turns = entry["dialogue"] if "dialogue" in entry else [entry]
        session = f"{label}-{n}-{time.time_ns()}"
        for turn, item in enumerate(turns):
            started = time.perf_counter()
            answer = assistant.ask(str(item["q"]), session)
            report.latencies.append(time.perf_counter() - started)
            why = check(item, answer)
            kind = "dialogue" if turn > 0 else item["type"]
            report.by_type.setdefault(kind, []).append(not why)
            if item.get("cat"):
                report.by_cat.setdefault(str(item["cat"]), []).append(not why)
            if why:
                report.failures.append((str(item["q"]), kind, why))
    return report


@dataclass
class GoldReport:
    """How many tasks of a gold responsibility table the parsed clauses get exactly right."""

    exact: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (gold id, why)

    @property
    def rate(self) -> float:
        """Share of gold tasks whose clause has exactly the gold lead and cooperating units."""
        total = len(self.exact) + len(self.wrong)
        return len(self.exact) / total if total else 0.0

    def lines(self, verbose: bool = False) -> list[str]:
        """The report as lines of text."""
        out = [f"WRONG {gold_id}: {why}" for gold_id, why in self.wrong] if verbose else []
        out.append(f"tasks exact {len(self.exact)}/{len(self.exact) + len(self.wrong)} = {self.rate:.1%}")
        return out


def unit_set(names) -> set[str]:
    """Units compared as the shared scorer does: split at list separators, folded, prefix-stripped."""
    return {unit_key(part) for name in names or [] for part in re.split(r"[、,，;；]", name) if part.strip()}


def score_gold(clauses, gold: dict) -> GoldReport:
    """Score parsed clauses against a gold table {id: {key, lead, cooperate}}: the one clause holding the
    key must have exactly the gold units in each role."""
    report = GoldReport()
    texts = [(c, folded(c.text)) for c in clauses if c.kind != "heading"]
    entries = [(gold_id, entry) for gold_id, entry in gold.items() if isinstance(entry, dict)]
    for name, rows in gold.items():  # a table's rows under one key ("table: [{key, lead, …}, …]")
        if isinstance(rows, list):
            entries += [(f"{name}{n}", row) for n, row in enumerate(rows, 1) if isinstance(row, dict)]
    for gold_id, entry in entries:
        key = folded(str(entry["key"]))
        holding = [c for c, text in texts if key in text]
        if len(holding) != 1:
            report.wrong.append((gold_id, f"key {key[:16]} is in {len(holding)} clauses"))
            continue
        clause = holding[0]
        why = []
        for role in ("lead", "cooperate"):
            got, want = unit_set(getattr(clause, role)), unit_set(entry.get(role, []))
            if got != want:
                why.append(f"{role}: missing {sorted(want - got)} extra {sorted(got - want)}")
        if why:
            report.wrong.append((gold_id, "; ".join(why)))
        else:
            report.exact.append(gold_id)
    return report
