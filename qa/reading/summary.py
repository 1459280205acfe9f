"""The reading of a whole folder at a glance (`python app.py check --summary DIR`): documents, task items, items
with units, responsibility annotations found in the text that the reading did not take as duties, and the role
words and unit endings it has never seen. Unlabeled text still tells how well plans are read."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..records import Clause
from ..vocabulary import ALL_LABELS, ROLE_ENDINGS, UNIT_ENDINGS, alternation
from .blocks import brackets

__all__ = ["ReadingSummary", "summarize"]

ROLE_WORDS = tuple(sorted({w for w, _ in ROLE_ENDINGS} | set(ALL_LABELS) | {"会同", "由"}, key=len, reverse=True))
ROLE = re.compile(alternation(w for w in ROLE_WORDS if w != "由"))
# A unit's name in running text: a few characters and a unit's ending (市发改委, 省市场监管局, 各县（市、区）政府).
UNIT_NAME = re.compile(rf"[\u4e00-\u9fff（）()]{{1,16}}?(?:{alternation(UNIT_ENDINGS)})")
# What stands after a unit in an annotation, up to the next separator: a role word, known or not ("督办").
AFTER_UNIT = re.compile(rf"^.*(?:{alternation(UNIT_ENDINGS)})([\u4e00-\u9fff]{{1,6}})$")
UNIT_ENDED = re.compile(rf"(?:{alternation(UNIT_ENDINGS)})$")
JOINED = ("及", "和", "与", "等")  # "…及各市": another unit, not a role word
LIST_PIECE = re.compile(r"[,，;；、]")
MAX_ANNOTATION = 300  # a bracket longer than this is text, not an annotation
UNIT_TAIL = 2  # a unit's ending, for "never seen": its last two characters


@dataclass
class ReadingSummary:
    """Counts over a folder's clauses, with an example of each kind of thing not read."""

    files: int = 0
    documents: int = 0
    items: int = 0  # numbered task paragraphs
    items_with_units: int = 0
    annotations: int = 0  # brackets and label lines holding a unit name and a role word
    annotations_read: int = 0
    unread: list[tuple[str, str]] = field(default_factory=list)  # (where, annotation)
    new_role_words: Counter = field(default_factory=Counter)
    new_unit_endings: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def lines(self, shown: int = 8) -> list[str]:
        """The summary as lines of text, in Chinese."""
        share = self.annotations_read / self.annotations if self.annotations else 1.0
        covered = self.items_with_units / self.items if self.items else 0.0
        out = [
            f"汇总：{self.files} 个文件，{self.documents} 份文件（文档）",
            f"  任务条目 {self.items}，有责任单位 {self.items_with_units}（{covered:.1%}）",
            f"  含单位名和角色词的标注 {self.annotations}，已读 {self.annotations_read}（{share:.1%}），"
            f"未读 {self.annotations - self.annotations_read}",
        ]
        out += [f"    未读：{where} {text[:60]}" for where, text in self.unread[:shown]]
        out.append(f"  未见过的角色词 {len(self.new_role_words)} 个")
        out += [f"    {w} ×{n}（例：{self.examples[w][:50]}）" for w, n in self.new_role_words.most_common(shown)]
        out.append(f"  未见过的单位结尾 {len(self.new_unit_endings)} 个")
        out += [f"    …{e} ×{n}（例：{self.examples[e]}）" for e, n in self.new_unit_endings.most_common(shown)]
        return out


def _annotations(clause: Clause) -> Iterable[str]:
    """The brackets and label lines of a clause's text that hold a unit name and a role word."""
    text = clause.text
    for start, end in brackets(text):
        inner = text[start:end]
        if len(inner) <= MAX_ANNOTATION and ROLE.search(inner) and UNIT_NAME.search(inner):
            yield inner
    for line in text.split("\n"):
        if re.match(rf"\s*(?:{alternation(ALL_LABELS)})\s*[:：]", line) and UNIT_NAME.search(line):
            yield line.strip()


def summarize(clauses: Sequence[Clause], known_roles: Iterable[str] = ROLE_WORDS) -> ReadingSummary:
    """Count what the reading made of a folder's clauses (the `python app.py check --summary` block)."""
    summary = ReadingSummary()
    summary.files = len({c.source for c in clauses})
    summary.documents = len({(c.source, c.doc) for c in clauses})
    roles = set(known_roles)
    unit_tails = {e[-UNIT_TAIL:] for e in UNIT_ENDINGS} | {e[-1:] for e in UNIT_ENDINGS}
    for clause in clauses:
        if clause.kind == "paragraph" and clause.path:
            summary.items += 1
            summary.items_with_units += bool(clause.lead or clause.cooperate)
        for annotation in _annotations(clause):
            summary.annotations += 1
            if "".join(annotation.split()) in "".join(clause.duty_text.split()):
                summary.annotations_read += 1
            else:
                summary.unread.append((f"{clause.source}:{clause.lines[0]}", annotation))
            for piece in LIST_PIECE.split(annotation.strip("()（）〔〕")):  # read or not: a role word it holds
                word = AFTER_UNIT.search(piece.strip())
                if not word or UNIT_ENDED.search(word[1]) or word[1].startswith(JOINED):
                    continue  # "…社会保障厅": the rest of a name; "…及各市": another unit
                if not any(word[1].endswith(r) or r.endswith(word[1]) for r in roles):
                    summary.new_role_words[word[1]] += 1
                    summary.examples.setdefault(word[1], annotation)
        for unit in clause.units:
            bare = re.sub(r"[（(〔][^）)〕]*[）)〕]", "", unit)
            if bare and bare[-1:] not in unit_tails and bare[-UNIT_TAIL:] not in unit_tails:
                summary.new_unit_endings[bare[-UNIT_TAIL:]] += 1
                summary.examples.setdefault(bare[-UNIT_TAIL:], unit)
    return summary
