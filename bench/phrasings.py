"""New questions for the bench: tens of thousands of distinct phrasings made from the plans themselves.

Each is a question staff could type (a task's lead or cooperating units, who is responsible, its deadline,
what the plan says of it; a unit's tasks; whether a unit leads a task), made from the plans' own task titles
and units, the question forms of the evaluation sets, and the openings and endings people add ("请问",
"麻烦问一下，", "…呢？"). No two are the same text, so that a cache keyed by the question holds none of them
twice within a rotation longer than it (the app keeps 4,096): every answer is computed.

    python bench/phrasings.py                    # how many the shipped plan gives, and a sample
    python bench/phrasings.py --corpus DIR       # those of another corpus folder
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.records import Clause  # noqa: E402
from qa.reading.units import is_group  # noqa: E402

AT_LEAST = 40_000  # fewer would let a rotation of 4,096 cached answers plus some repeats hold a share of them
DEFAULT_COUNT = 50_000
SEED = 26  # the same list every run: runs and machines compare

# Forms of a question about one task ({t}: its title, or the title without its opening verb).
TOPIC_FORMS = (
    "{t}谁牵头", "{t}由哪个部门牵头", "{t}的牵头单位是哪个", "{t}是哪个局牵头的", "{t}归哪个部门牵头",
    "{t}有哪些配合单位", "{t}需要哪些部门配合", "{t}配合的是谁", "{t}都有哪些单位参与",
    "{t}的责任单位是哪些", "{t}谁负责", "{t}归哪个单位管", "{t}由哪些单位负责",
    "{t}的完成时限是什么时候", "{t}什么时候完成", "{t}是怎么要求的", "关于{t}方案里怎么说",
)
# Forms of a question about one unit's tasks ({u}: a unit the plans give a task).
UNIT_FORMS = (
    "{u}牵头哪些工作", "{u}需要配合哪些任务", "{u}负责哪些事", "{u}有哪些任务", "{u}牵头的任务有哪些",
    "{u}承担什么工作", "{u}要配合做什么",
)
# Forms asking whether a unit has a role in a task.
YES_NO_FORMS = ("是不是{u}牵头{t}", "{t}是{u}牵头的吗", "{u}参与{t}吗")
OPENINGS = ("", "请问", "请问一下，", "你好，", "您好，请问", "麻烦问一下，", "想了解一下，", "我想问下",
            "领导让我问一下，", "打扰一下，")
ENDINGS = ("？", "", "呢？", "啊", "？谢谢", "，麻烦告诉我")
# A title's opening verb, left out in a second, shorter form of the topic (加强广告监管 → 广告监管).
OPENING_VERB = re.compile(r"^(?:加强|加快|推进|推动|完善|建立|健全|强化|深化|继续深化|全面|积极|实施|实行|开展|落实|严格|规范|支持|改革|提升|优化)")
TITLE_LENGTH = (3, 16)  # a title that short or long reads as a topic staff would type


def topics(clauses: Iterable[Clause]) -> list[str]:
    """The topics of the plans' tasks: each task title, and the title without its opening verb, once each."""
    found: dict[str, None] = {}
    for clause in clauses:
        title = clause.title.strip()
        if not (clause.lead or clause.cooperate) or not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
            continue
        found[title] = None
        short = OPENING_VERB.sub("", title)
        if short != title and len(short) >= 3:
            found[short] = None
    return list(found)


def units(clauses: Iterable[Clause]) -> list[str]:
    """The units the plans give a task (no groups such as 各有关部门), in first-seen order."""
    return list(dict.fromkeys(u for c in clauses for u in (*c.lead, *c.cooperate) if not is_group(u)))


def phrasings(clauses: Sequence[Clause], count: int = DEFAULT_COUNT, seed: int = SEED) -> list[str]:
    """Up to `count` distinct questions made from the plans' task titles and units, in a shuffled order (the
    same for the same plans and seed), the kinds of question mixed all along the list."""
    cores: list[str] = []
    for topic in topics(clauses):
        cores += [form.format(t=topic) for form in TOPIC_FORMS]
    for unit in units(clauses):
        cores += [form.format(u=unit) for form in UNIT_FORMS]
    for clause in clauses:  # a unit with a task, asked of that task
        title = clause.title.strip()
        if TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
            for unit in clause.units[:3]:
                if not is_group(unit):
                    cores += [form.format(u=unit, t=title) for form in YES_NO_FORMS]
    cores = list(dict.fromkeys(cores))
    random.Random(seed).shuffle(cores)
    # each core question with every opening and ending, taken a core at a time in turn, so that the first
    # N of the list hold as many different questions (not only wordings) as they can
    wordings = [(o, e) for o in OPENINGS for e in ENDINGS]
    random.Random(seed + 1).shuffle(wordings)
    made: dict[str, None] = {}
    for opening, ending in wordings:
        for core in cores:
            # "…吗" takes no "呢" or "啊" after it
            made[f"{opening}{core}{'？' if core.endswith('吗') and ending[:1] in '呢啊' and ending else ending}"] = None
            if len(made) >= count:
                break
        if len(made) >= count:
            break
    out = list(made)
    random.Random(seed + 2).shuffle(out)
    return out


def of_folder(folder: Path | None = None, count: int = DEFAULT_COUNT) -> list[str]:
    """The phrasings of a corpus folder's plans (the shipped corpus by default)."""
    from qa.reading.corpus import load_corpus

    corpus = load_corpus(folder or ROOT / "corpus", ROOT / "corpus")
    return phrasings(corpus.clauses, count)


def main(argv: list[str] | None = None) -> int:
    """Print how many distinct phrasings the plans give, and a sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a corpus folder (default: the shipped one)")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--show", type=int, default=10, help="how many to print")
    args = parser.parse_args(argv)
    made = of_folder(args.corpus, args.count)
    print(f"{len(made)} distinct phrasings ({len(set(made))} distinct texts)")
    for question in made[: args.show]:
        print(f"  {question}")
    return 0 if len(made) >= min(AT_LEAST, args.count) else 1


if __name__ == "__main__":
    sys.exit(main())
