"""Independent question sets about the shipped plan (tests/questions/independent/): each written by a helper that
read the plan, the contract and the gold table but never the code, in wordings nobody here had tuned for, with
all gold written before the first run. They record first contact and hold the ground since gained.

- first.yaml (45 questions): first run 40/45; 42/45 after the writer corrected two of its own labels; 44/45 after
  two general fixes (哪几家 asks which units; the role asked is the asking pieces'). Left: 网上卖东西 (网上 for
  网络, a synonym that sent other answers astray).
- second.yaml (45 entries, 59 turns): first run 48/59 (tuned 34/41, held out 14/18); 56/59 (tuned 40/41, held
  out 16/18) after general fixes: a unit's stem alone as a follow-up (质监呢), 哪几条, 口管, 里头, 前头单位,
  人、财、物等 said 人财物, how many units asked (一共有多少家). Left: 还有呢 after a task read as the next related
  task (the writer wanted more of the same task; the set's own note calls its gold arguable) and the follow-up
  that comes after it, and 那商标保户呢 after 广告业发展 (the previous topic's words favour 商标品牌).

`python app.py eval tests/questions/independent/<set>.yaml -v` prints every failure.

Two plans of the compilation nobody here had read (tests/data/unseen/: 郑州's 工作要点 from henan.txt, 瑞昌's
实施方案 from jiangxi.txt), each loaded alone with the shipped knowledge, and 33 questions about each written by
a helper from the raw text (tests/questions/unseen/): first run 郑州 24/33 (27/33 after three of its own gold
entries were corrected), 瑞昌 28/33 with 14 answers naming 瑞昌's units by the shipped plan's names (盟发改委);
now 30/33 and 33/33. Two more, of other forms (a bureau's measures ending "（注册处、科信处负责）" from hubei.txt;
廊坊's 61 measures from hebei.txt, one bracket after each subsection covering its items, most with no lead):
first run 31/33 and 32/33 (with 处室 and 省机关纪委 read as units, and the shipped plan's example offered), now
33/33 and 32/33. Two more at the end (广州's 政务服务 方案 from guangdong.txt, 吉林 交通运输厅's from jilin.txt): 33/33
each at first contact; and 莆田's (fujian.txt) 20/33 → 31/33 (its gold reads a "以下…不再列出" note as carried to every
later task: so does the reading now, a stated convention read in full) and 忻州's (shanxi.txt) 21/33 → 31/33.
Seven more (2026-12-07), first run → now: 扬州's 任务清单 (jiangsu.txt) 30 → 32, 广东's 个体工商户 measures (guangdong.txt)
28 → 32, 咸阳's 要点 (shaanxi.txt) 33, 广西's 公共资源交易 要点 (guangxi.txt) 16 → 25 (its keys are item titles standing
apart: see its header), 上海口岸's measures (shanghai.txt) 28 → 32, 辽宁's 稳经济 measures (liaoning.txt) 31 → 33, and
娄底's two 要点 (hunan.txt) 19 → 32. Four more after those: 泰安's 实施意见 (jiangsu.txt) 19 → 21 (its gold reads a
以下…不再一一列出 note as adding no units: 11 turns), 安徽 住建厅's 分工方案 (anhui.txt) 30 → 31, 哈密's 工作方案 (xinjiang.txt)
18 → 21 (its gold drops 有关部门（单位） after 等: 8 turns) and 陕西's 跨部门综合监管 实施意见 (shaanxi.txt) 32. And four
more: the State Council's 中小微企业 measures (national.txt) 31 → 33, 南京 应急管理局's measures (jiangsu.txt) 31 → 32,
黄浦区's 行动方案 (shanghai.txt) 22 → 23 (its writer takes an item as one task, the reading its paragraphs) and 陕西
市场监管局's 实施方案 (shaanxi.txt) 32. Four more: 广东's 招商引资 measures 29 → 32, 佛山's 工程建设 方案 31, 上海's 民间投资
measures 29 → 31 and 上海's 政务公开 要点 30 → 31. And 安阳's 实施方案 (henan.txt) 32, 赣州's 工作方案 (jiangxi.txt) 33,
杭州's 征求意见稿 (zhejiang.txt) 19 → 31 (the evaluator now splits names at 、 as the contract does) and 福州's 八大举措
(fujian.txt) 28.
`python app.py eval --corpus tests/data/unseen/<plan> tests/questions/unseen/<plan>.yaml -v`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qa.evaluate import evaluate

INDEPENDENT = Path(__file__).resolve().parent / "questions" / "independent"
# set → (floor of all turns, floor of the held-out turns), as achieved: they only go up
FLOORS = {"first": (44 / 45, 14 / 15), "second": (56 / 59, 16 / 18), "third": (69 / 70, 23 / 23)}


def test_every_independent_set_has_its_floor():
    assert {p.stem for p in INDEPENDENT.glob("*.yaml")} == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_independent_set_scores_at_least_its_floor(assistant, name):
    items = yaml.safe_load((INDEPENDENT / f"{name}.yaml").read_text(encoding="utf-8"))
    report = evaluate(assistant, items, name)
    lines = "\n".join(report.lines(verbose=True))
    held = report.by_part["held_out"]
    assert report.rate >= FLOORS[name][0] - 1e-9 and sum(held) / len(held) >= FLOORS[name][1] - 1e-9, lines


UNSEEN = Path(__file__).resolve().parent / "data" / "unseen"
UNSEEN_SETS = Path(__file__).resolve().parent / "questions" / "unseen"
UNSEEN_FLOORS = {"zhengzhou": 32 / 33, "ruichang": 1.0, "hubei-scjg": 1.0, "langfang": 32 / 33,
                 "guangzhou-zwfw": 1.0, "jilin-jtt": 1.0, "putian": 31 / 33, "xinzhou": 31 / 33,
                 "yangzhou": 32 / 33, "guangdong-gtgsh": 32 / 33, "xianyang": 1.0, "guangxi-ggzy": 25 / 33,
                 "shanghai-kouan": 32 / 33, "liaoning-wjj": 1.0, "loudi": 32 / 33, "taian": 21 / 33,
                 "anhui-zjt": 31 / 33, "hami": 21 / 33, "shaanxi-zhjg": 32 / 33, "national-zxqy": 1.0,
                 "nanjing-yjj": 32 / 33, "huangpu": 23 / 33, "shaanxi-scjg": 32 / 33, "guangdong-zsyz": 32 / 33,
                 "foshan-gcjs": 31 / 33, "shanghai-mjtz": 31 / 33, "shanghai-zwgk": 31 / 33, "anyang": 32 / 33,
                 "ganzhou": 1.0, "hangzhou": 31 / 33, "fuzhou": 28 / 33}


@pytest.fixture(scope="module")
def unseen():
    """Each unseen plan's assistant, loaded alone with the shipped knowledge."""
    from qa import Assistant, StateStore

    root = Path(__file__).resolve().parent.parent
    return {
        name: Assistant.from_folder(UNSEEN / name, store=StateStore(":memory:"), knowledge=root / "corpus")
        for name in UNSEEN_FLOORS
    }


@pytest.mark.parametrize("name", sorted(UNSEEN_FLOORS))
def test_an_unseen_plans_questions_score_at_least_their_floor(unseen, name):
    items = yaml.safe_load((UNSEEN_SETS / f"{name}.yaml").read_text(encoding="utf-8"))
    report = evaluate(unseen[name], items, name)
    assert report.rate >= UNSEEN_FLOORS[name] - 1e-9, "\n".join(report.lines(verbose=True))


def test_another_plans_units_keep_their_own_names(unseen):
    """The shipped units.yaml names the 锡盟 plan's units (发改委 → 盟发改委): never 瑞昌's or 郑州's."""
    for name, assistant in unseen.items():
        named = {u for c in assistant.clauses for u in c.lead + c.cooperate}
        assert named and not [u for u in named if u.startswith("盟")], (name, sorted(named))
    assert {"发改委", "市监局"} <= {u for c in unseen["ruichang"].clauses for u in c.lead}


def test_a_unit_the_plan_lacks_is_said_so_in_its_own_name_never_as_the_shipped_plans_or_anothers(unseen):
    """Asked of 瑞昌's plan alone: 市场监管局 is no 盟市场监督管理局 (the shipped units.yaml's), and the tail 管理局 of
    市场监督管理局 is no abbreviation of 应急管理局: the plan lacks the name, and its nearest real units are offered."""
    ruichang = unseen["ruichang"]
    for question, name in (("市场监管局牵头哪些工作", "市场监管局"), ("市场监督管理局有哪些任务", "市场监督管理局")):
        answer = ruichang.ask(question)
        assert not answer.citations and "盟" not in answer.answer and f"没有名为{name}的单位" in answer.answer, answer
        assert "市监局" in answer.suggestions[0], answer.suggestions
    assert ruichang.ask("应急局有哪些任务").subject_units == ("应急管理局",)  # an abbreviation keeps its head


def test_an_unseen_plan_offers_no_example_of_the_shipped_plans_units(unseen):
    """terms.yaml's examples are the shipped plan's: 盟质监局牵头哪些工作 over 廊坊's plan would be answered as its
    市市场监管局（原质监局）; an example is offered only when the plans answer it as it is written."""
    for name, assistant in unseen.items():
        assert assistant.examples and not [q for q in assistant.examples if "盟" in q], (name, assistant.examples)


def test_a_whole_province_files_documents_named_or_not():
    """hubei.txt loaded whole (nine documents), 40 questions and dialogues by a helper, most naming their document:
    each turn passes its own checks and cites that document alone (tests/questions/unseen/hubei-file.yaml)."""
    from qa import Assistant, StateStore
    from qa.evaluate import check

    root = Path(__file__).resolve().parent.parent
    assistant = Assistant.from_folder(UNSEEN.parent / "unseen_file", store=StateStore(":memory:"), knowledge=root / "corpus")
    items = yaml.safe_load((UNSEEN_SETS / "hubei-file.yaml").read_text(encoding="utf-8"))
    passed = {"tuned": [], "held": []}
    failures = []
    for n, entry in enumerate(items):
        for item in entry.get("dialogue", [entry]):
            answer = assistant.ask(str(item["q"]), f"hubei-{n}")
            why = check(item, answer)
            cited = {assistant.catalogue.plan_of(c) for c in answer.citations}
            if item.get("plan") and cited != {item["plan"]}:
                why.append(f"cites {sorted(cited)}")
            passed["held" if entry.get("held_out") else "tuned"].append(not why)
            failures += [f"{item['q']}: {'; '.join(why)}"] if why else []
    assert sum(passed["tuned"]) >= 24 and sum(passed["held"]) >= 13, "\n".join(failures)


def test_how_long_a_plan_holds_is_its_validity_sentence(unseen):
    """莆田's plan writes "有效期至2025 年12 月31 日": asked how long it holds, that sentence, not "no period stated"."""
    for question in ("这个方案有效期到什么时候", "有效期多久"):
        assert "有效期至2025 年12 月31 日" in unseen["putian"].ask(question).answer, question


EIGHTEEN = Path(__file__).resolve().parent / "questions" / "eighteen"
# set → floor, as achieved (first run: named 42/44, shared 8/14; see each set's header). shared 10 → 13/14 once a
# domain term of terms.yaml (歇业) or the staff word inside a compound (破产 of 企业破产) could be a question's topic,
# and 联合测绘 was given as a form of 多测合一
# shared_fifth: 20 more topics by another helper, first run 9/20 (its header)
EIGHTEEN_FLOORS = {"named": 44 / 44, "shared": 13 / 14, "conversations": 46 / 47, "shared_fifth": 15 / 20}


# A second eighteen: sixteen other documents of the compilation, from fifteen provinces, and their own questions,
# written by another helper before any run (tests/questions/eighteen_second/, SOURCES.md); first run named 30/40,
# shared 7/20 (each set's header)
EIGHTEEN_SECOND = EIGHTEEN.parent / "eighteen_second"
# shared_third: 24 more topics by a third helper, written after this set's fixes: 6/24, 7/24 once a bracketed aside
# weighed half (from a tuned entry); shared_fourth: 24 by a fourth helper, no failure seen: 10/24, 11/24 once coverage
# was judged on the five heaviest words; shared_fifth: 20 by a fifth helper, unseen, to check that: 4/20 → 5/20.
# Then a plan holding most of a long question at half the best BM25 (held_coverage): shared 14 → 16, shared_third
# 7 → 9, shared_fourth 11 → 13, shared_fifth 5 → 6 (and the first eighteen's shared_fifth 13 → 14)
EIGHTEEN_SECOND_FLOORS = {"named": 38 / 40, "shared": 16 / 20, "shared_third": 10 / 24, "shared_fourth": 14 / 24,
                          "shared_fifth": 6 / 20}


# A third eighteen: sixteen more documents of the compilation (eight also among ../shared/corpus/real's ten, with new
# questions), written by another helper before any run (tests/questions/eighteen_third/); first run named 33/44 turns,
# shared 1/20; shared_second by a third helper after held_coverage was chosen, never seen: 5/20 → 6/20.
# A topic told over several pieces before "这事谁牵头" kept whole (preamble.RUN_ON_WORDS): third shared 4 → 6, its
# shared_second 6 → 9, second shared_third 9 → 10, shared_fourth 13 → 14, first shared_fifth 14 → 15
EIGHTEEN_THIRD = EIGHTEEN.parent / "eighteen_third"
EIGHTEEN_THIRD_FLOORS = {"named": 39 / 44, "shared": 6 / 20, "shared_second": 9 / 20}
# A fourth eighteen: sixteen more documents (tests/questions/eighteen_fourth/), none used before; first run named
# 26/44 turns (tuned 22/31, held out 4/13), 31/44 (tuned 26/31, held out 5/13) after general fixes from tuned misses;
# named_second by another helper after those: first run 26/33, 28/33 after its own tuned misses (named then 33/44)
EIGHTEEN_FOURTH = EIGHTEEN.parent / "eighteen_fourth"
EIGHTEEN_FOURTH_FLOORS = {"named": 34 / 44, "named_second": 30 / 33, "shared": 8 / 20}  # shared: first run 8/20
# The issuer's or the date's heading cited first ("…关于印发…的通知（2023 年3 月18 日）", as most writers key those facts):
# third named 37 → 39/44, fourth named 33 → 34, named_second 28 → 29, crowded 44 → 48/48, crowded_third 47 → 49/50;
# named_second 29 → 30 once a title writing a compound's head and every other word was titled by the question
# Nine more: the seven documents of the compilation left that give each task its units, with the shipped plan and
# Sanya's (tests/questions/nine/); first run named 40/44 (tuned 27/30, held out 13/14), now 44/44
NINE = EIGHTEEN.parent / "nine"
NINE_FLOORS = {"named": 44 / 44}
# Crowded: eighteen plans already read, five of one province, four of another (tests/questions/crowded/), each
# question naming its plan among others of its place and kind; first run 42/48 (tuned 33/35, held out 9/13)
CROWDED = EIGHTEEN.parent / "crowded"
CROWDED_FLOORS = {"named": 48 / 48}
# Two more crowds by two more helpers (2026-12-08): 江西 ×6, 安徽 ×5, 福建 ×5; 河南 ×5, 湖北 ×4, 湖南 ×2, 江苏 ×3, 浙江 ×2
# (each folder's names.yaml); first run 39/50 (tuned 25/33, held out 14/17) and 44/50 (tuned 28/32, held out 16/18)
CROWDED_SECOND, CROWDED_THIRD = EIGHTEEN.parent / "crowded_second", EIGHTEEN.parent / "crowded_third"
CROWDED_SECOND_FLOORS, CROWDED_THIRD_FLOORS = {"named": 43 / 50}, {"named": 49 / 50}
# And two more: 广东 ×8, 陕西 ×7, 山西; 上海 ×10, 吉林 ×6 (first run 49/53: tuned 32/36, held out 17/17; 43/53: tuned
# 29/33, held out 14/20)
CROWDED_FOURTH, CROWDED_FIFTH = EIGHTEEN.parent / "crowded_fourth", EIGHTEEN.parent / "crowded_fifth"
# crowded_fifth's conversations (16, 3 to 5 turns, five turning to another plan): first run 63/68; crowded_sixth's
# shared topics (20, naming no plan): first run 12/20
CROWDED_FOURTH_FLOORS, CROWDED_FIFTH_FLOORS = {"named": 51 / 53}, {"named": 48 / 53, "conversations": 66 / 68}
# And two more: 湖北 ×4, 湖南 ×2, 山西 ×4, 河北 ×2, 新疆 ×3, 辽宁; the State Council's, 广西 ×2, 贵州, 黑龙江, 浙江 ×4,
# 江苏/山东 ×4, 福建 ×2 (first run 48/53: tuned 35/36, held out 13/17; 47/53: tuned 32/38, held out 15/15)
CROWDED_SIXTH, CROWDED_SEVENTH = EIGHTEEN.parent / "crowded_sixth", EIGHTEEN.parent / "crowded_seventh"
CROWDED_SIXTH_FLOORS, CROWDED_SEVENTH_FLOORS = {"named": 50 / 53, "shared": 12 / 20}, {"named": 48 / 53}
# And two drawn at random from tests/data/unseen (seed 2026): first run 53/56 (tuned 34/37, held out 19/19) and 48/56
# (tuned 31/37, held out 17/19)
CROWDED_EIGHTH, CROWDED_NINTH = EIGHTEEN.parent / "crowded_eighth", EIGHTEEN.parent / "crowded_ninth"
CROWDED_EIGHTH_FLOORS, CROWDED_NINTH_FLOORS = {"named": 54 / 56}, {"named": 50 / 56}
# Two more drawn at random (seed 1207): first run 42/46 (tuned 31/34, held out 11/12) and 43/45 (28/30, 15/15)
CROWDED_TENTH, CROWDED_ELEVENTH = EIGHTEEN.parent / "crowded_tenth", EIGHTEEN.parent / "crowded_eleventh"
CROWDED_TENTH_FLOORS, CROWDED_ELEVENTH_FLOORS = {"named": 42 / 46}, {"named": 44 / 45}
# And the last seven documents of the compilation that assign units and were never cut (rules and 办法 charging a unit in
# the sentence itself), with the shipped plan and Sanya's: first run 21/38 (tuned 16/28, held out 5/10)
CROWDED_TWELFTH, CROWDED_TWELFTH_FLOORS = EIGHTEEN.parent / "crowded_twelfth", {"named": 25 / 38}


def load_eighteen(sets: Path, folder: Path):
    """The plans a set's names.yaml lists loaded together (the shipped plan, Sanya's and those cut from the
    compilation, each a file), and the names."""
    from qa import Assistant, StateStore

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "corpus" / "plan.txt", folder / "plan.txt")
    sanya = "sanya-2023-business-environment-plan.txt"
    shutil.copy(root / "tests" / "data" / sanya, folder / sanya)
    names = yaml.safe_load((sets / "names.yaml").read_text(encoding="utf-8"))
    for plan in names:
        if (UNSEEN / plan / "plan.txt").exists():
            shutil.copy(UNSEEN / plan / "plan.txt", folder / f"{plan}.txt")
    assert {p.stem for p in folder.iterdir()} == set(names)
    return Assistant.from_folder(folder, store=StateStore(":memory:"), knowledge=root / "corpus"), names


def assert_at_floor(loaded, sets: Path, name: str, floor: float) -> None:
    """A set of tests/questions/<sets>/ asked of its plans loaded together scores at least its floor."""
    from test_plans import score

    assistant, names = loaded
    items = yaml.safe_load((sets / f"{name}.yaml").read_text(encoding="utf-8"))
    result = score(assistant, items, names, name)
    assert result.rate >= floor - 1e-9, "\n".join(result.failures)


# each set of plans loaded together: its folder of question sets, and each set's floor
PLAN_SETS = {
    "eighteen": (EIGHTEEN, EIGHTEEN_FLOORS),
    "eighteen_second": (EIGHTEEN_SECOND, EIGHTEEN_SECOND_FLOORS),
    "eighteen_third": (EIGHTEEN_THIRD, EIGHTEEN_THIRD_FLOORS),
    "eighteen_fourth": (EIGHTEEN_FOURTH, EIGHTEEN_FOURTH_FLOORS),
    "nine": (NINE, NINE_FLOORS),
    "crowded": (CROWDED, CROWDED_FLOORS),
    "crowded_second": (CROWDED_SECOND, CROWDED_SECOND_FLOORS),
    "crowded_third": (CROWDED_THIRD, CROWDED_THIRD_FLOORS),
    "crowded_fourth": (CROWDED_FOURTH, CROWDED_FOURTH_FLOORS),
    "crowded_fifth": (CROWDED_FIFTH, CROWDED_FIFTH_FLOORS),
    "crowded_sixth": (CROWDED_SIXTH, CROWDED_SIXTH_FLOORS),
    "crowded_seventh": (CROWDED_SEVENTH, CROWDED_SEVENTH_FLOORS),
    "crowded_eighth": (CROWDED_EIGHTH, CROWDED_EIGHTH_FLOORS),
    "crowded_ninth": (CROWDED_NINTH, CROWDED_NINTH_FLOORS),
    "crowded_tenth": (CROWDED_TENTH, CROWDED_TENTH_FLOORS),
    "crowded_eleventh": (CROWDED_ELEVENTH, CROWDED_ELEVENTH_FLOORS),
    "crowded_twelfth": (CROWDED_TWELFTH, CROWDED_TWELFTH_FLOORS),
}


@pytest.fixture(scope="module")
def plan_sets(tmp_path_factory):
    """Each set of plans of PLAN_SETS loaded together, once, on first use (the shipped plan, Sanya's and those cut
    from the compilation, each a file)."""
    loaded: dict[str, tuple] = {}

    def load(key: str):
        if key not in loaded:
            loaded[key] = load_eighteen(PLAN_SETS[key][0], tmp_path_factory.mktemp(key))
        return loaded[key]

    return load


@pytest.mark.parametrize(("plans", "name"), [(key, name) for key, (_, floors) in PLAN_SETS.items() for name in floors])
def test_plans_loaded_together_name_and_hold_their_plans_at_least_the_floor(plan_sets, plans, name):
    """Questions naming their plan answered from it alone; unscoped ones on shared topics naming every plan holding
    it (each set written by a helper from the raw texts before any run: see its header)."""
    folder, floors = PLAN_SETS[plans]
    assert_at_floor(plan_sets(plans), folder, name, floors[name])


def test_plans_holding_most_of_a_long_question_in_their_own_words_answer_too(plan_sets):
    """A question told in many words that each plan writes its own way ranks the plans far apart by BM25; a plan
    whose clause holds most of it (held_coverage) at half the best clause's BM25 (held_ratio) answers too."""
    from dataclasses import replace

    assistant, _ = plan_sets("eighteen_third")
    retriever = assistant.retriever
    query = assistant.analyzer.analyze("优化简易注销程序、畅通市场主体退出渠道这项任务，由哪些单位牵头、哪些单位配合？")
    holders = {"guizhou-yshj", "kelamayi-fgf", "shanxi-jcb", "anhui-dbts"}  # 简化市场主体注销程序, 扩大简易注销范围 …
    settings = retriever.settings
    assert holders <= {plan for plan, _, _ in retriever.best_per_plan(query, settings.plans_ratio)}
    try:
        retriever.settings = replace(settings, held_coverage=1.0)  # the rule off: BM25 near the best alone
        without = {plan for plan, _, _ in retriever.best_per_plan(query, settings.plans_ratio)}
    finally:
        retriever.settings = settings
    assert len(holders & without) < len(holders)
    assert not {"fujian-wzys", "henan-zmq", "jinhua-zjj"} & {p for p, _, _ in retriever.best_per_plan(query, 0.45)}
