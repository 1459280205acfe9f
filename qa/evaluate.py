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


def unit_gold_keys(gold: dict, unit: str, role: str) -> list[str]:
    """The keys of every paragraph of a gold table ({id: {key, lead, cooperate}}) where `unit` has `role` (lead,
    cooperate or any): a unit's tasks as the contract's scorer reads them for a question that lists no keys."""
    want, keys = unit_key(unit), []
    for entry in gold.values():
        if not isinstance(entry, dict) or not entry.get("key"):
            continue
        leads, helps = unit_set(entry.get("lead")), unit_set(entry.get("cooperate"))
        if (role in ("lead", "any") and want in leads) or (role in ("cooperate", "any") and want in helps):
            keys.append(str(entry["key"]))
    return keys


def check(item: dict, answer: Answer, gold: dict | None = None) -> list[str]:
    """Why an answer fails a question of the set ([] when it passes); `gold`: the set's responsibility table, for a
    unit's tasks asked without their keys (the contract's dev.yaml beside its clauses.yaml)."""
    if item.get("type") == "unit_tasks" and "keys" not in item and gold and item.get("unit"):
        item = {**item, "keys": unit_gold_keys(gold, str(item["unit"]), str(item.get("role", "any")))}
    kind = item["type"]
    texts = [folded(c.text) for c in answer.citations]
    if kind == "oos":
        return (
            [] if not answer.found and not answer.citations else ["should have said the plans hold nothing"]
        )
    if kind == "unknown_unit":
        return _unknown_unit(item, answer)
    why = [] if answer.found else ["found is false"]
    if item.get("key"):
        keys = _keys(item["key"])
        if not texts or not any(k in texts[0] for k in keys):
            why.append(
                f"top citation is not the clause of {keys[0][:16]} (got {texts[0][:20] if texts else 'none'})"
            )
    if kind in ("lead", "cooperate", "who", "yes_no") and "units" in item:
        got, want = unit_set(answer.units), unit_set(item["units"])  # split as the shared scorer splits them
        if got != want:
            why.append(f"units: missing {sorted(want - got)} extra {sorted(got - want)}")
    if kind == "unit_tasks" or "keys" in item:  # exactly these clauses cited (a unit's tasks, a set)
        keys = _keys(item.get("keys", []))
        missed = [k for k in keys if not any(k in t for t in texts)]
        stray = [t[:16] for t in texts if not any(k in t for k in keys)]
        if missed:
            why.append(f"{len(missed)}/{len(keys)} tasks not cited, e.g. {missed[0][:16]}")
        if stray:
            why.append(f"{len(stray)} citations not the unit's, e.g. {stray[0]}")
    if kind == "fact" or "expect" in item:
        lost = [e for e in item.get("expect", []) if folded(str(e)) not in folded(answer.answer)]
        if lost:
            why.append(f"answer lacks {lost}")
    if "count" in item and not _states_count(answer.answer, int(item["count"])):
        why.append(f"answer does not state the count {item['count']}")
    if "yes" in item:
        opening = folded(answer.answer)
        said = "不是" if opening.startswith(("不是", "否")) else "是" if opening.startswith("是") else ""
        if said != ("是" if item["yes"] else "不是"):
            why.append(f"answer should open with {'是' if item['yes'] else '不是'} (got {opening[:8]!r})")
    if "first" in item and not _opens_with(answer.answer, str(item["first"])):
        why.append(f"answer should open with {item['first']} (got {folded(answer.answer)[:12]!r})")
    if "roles" in item:
        why += _role_words(answer.answer, item["roles"])
    return why


def _states_count(text: str, count: int) -> bool:
    """Whether a reply states a count ("共6个", "29项"; "没有" for none)."""
    text = folded(text)
    if count == 0 and re.search(r"没有|无|0\s*[项个家条]", text):
        return True
    return bool(re.search(rf"(?<![\d.]){count}\s*(?:项|个|家|条)", text))


def _opens_with(text: str, name: str) -> bool:
    """Whether a reply opens with a name (a unit compared without its 盟 prefix)."""
    text = folded(text)
    return text.startswith(folded(name)) or text.startswith(unit_key(name))


ROLE_LINE = {
    "lead": re.compile(r"牵头(?:单位)?[:：]([^；;。\n]*)"),
    "cooperate": re.compile(r"配合(?:单位)?[:：]([^；;。\n]*)"),
}
NONE_LISTED = re.compile(r"^(?:无|未列明|（未列明）|没有|—)?$")


def _role_words(text: str, roles: dict) -> list[str]:
    """Why a reply does not say each role's units in words before its source ("牵头单位：A；配合单位：无")."""
    head = text.split("出处")[0]
    why = []
    for role in ("lead", "cooperate"):
        match = ROLE_LINE[role].search(head)
        want = {unit_key(u) for u in roles.get(role) or []}
        if match is None:
            why.append(f"answer does not say {'牵头' if role == 'lead' else '配合'}：… in words")
            continue
        said = match.group(1).strip()
        got = set() if NONE_LISTED.match(said) else unit_set([said])
        if got != want:
            why.append(f"{role} in words: missing {sorted(want - got)} extra {sorted(got - want)}")
    return why


def _unknown_unit(item: dict, answer: Answer) -> list[str]:
    """Why a reply to a question naming a unit the plans lack fails: it must say so and list no other unit's
    tasks; or, where `or_units` lists the unit's predecessors in the plans (a renamed agency), answer for
    those alone."""
    allowed = {unit_key(u) for u in item.get("or_units", [])}
    named = {unit_key(u) for u in [*answer.subject_units, *answer.units]}
    if answer.found and allowed and named and named <= allowed:
        return []
    why = []
    if answer.found or answer.citations or answer.units or answer.subject_units:
        got = sorted(named) or [c.title for c in answer.citations[:2]]
        why.append(f"should say the plans name no {item['name']} (answered for {got})")
    if folded(item["name"]) not in folded(answer.answer):
        why.append(f"answer does not name {item['name']}")
    offered = folded(answer.answer + "".join(answer.suggestions))
    lost = [u for u in item.get("suggest", []) if unit_key(u) not in offered]
    if lost:
        why.append(f"nearest names not offered: {lost}")
    return why


@dataclass
class Report:
    """Results of one run over a question set."""

    by_type: dict[str, list[bool]] = field(default_factory=dict)
    by_cat: dict[str, list[bool]] = field(default_factory=dict)  # by the item's `cat:`, where it has one
    by_part: dict[str, list[bool]] = field(default_factory=dict)  # tuned | held_out (`held_out: true`)
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
        if "held_out" in self.by_part:
            for part, oks in sorted(self.by_part.items(), reverse=True):
                out.append(f"{part:11s} {sum(oks):3d}/{len(oks):3d}  {sum(oks) / len(oks):6.1%}")
        out.append(
            f"latency per question: p50 {statistics.median(self.latencies or [0]) * 1000:.2f} ms, "
            f"p99 {self.percentile(0.99):.2f} ms"
        )
        total = sum(len(v) for v in self.by_type.values())
        out.append(f"passed {round(self.rate * total)}/{total} = {self.rate:.1%}")
        return out


def evaluate(assistant: Assistant, items: list[dict], label: str = "eval", gold: dict | None = None) -> Report:
    """Ask every question of a set (dialogues in one session each) and score the answers (`gold`: see check)."""
    report = Report()
    for n, entry in enumerate(items):
        turns = entry["dialogue"] if "dialogue" in entry else [entry]
        part = "held_out" if entry.get("held_out") else "tuned"
        session = f"{label}-{n}-{time.time_ns()}"
        for turn, item in enumerate(turns):
            started = time.perf_counter()
            answer = assistant.ask(str(item["q"]), session)
            report.latencies.append(time.perf_counter() - started)
            why = check(item, answer, gold)
            kind = "dialogue" if turn > 0 else item["type"]
            report.by_type.setdefault(kind, []).append(not why)
            if item.get("cat"):
                report.by_cat.setdefault(str(item["cat"]), []).append(not why)
            report.by_part.setdefault(part, []).append(not why)
            if why:
                shown = f"{kind}, held out" if part == "held_out" else kind
                report.failures.append((str(item["q"]), shown, why))
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
