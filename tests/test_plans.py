"""Several plans at once (issue 21): the shipped plan, the Sanya plan and the ten real plans loaded together.

- each plan's own question set with the plan named in the question, as staff name it (a general transformation,
  `name_plan`), and hand-written questions naming a plan by place, issuer, title words, year or document number
  (tests/questions/plans/named.yaml): every citation from the named plan, and the set's own checks;
- 20 unscoped questions on topics several plans hold (shared.yaml): each plan that holds the topic named and
  cited, none that does not mention it;
- 10 follow-ups that keep the plan of the question before them (followups.yaml), and follow-ups after a question
  several plans answer (followups_several.yaml: one naming a plan or a unit is answered from that plan);
- 16 more unscoped questions on other shared topics (shared_new.yaml), gold written from the raw text before
  any change was measured on them: first contact tuned 5/8, held-out 7/8.

A third of each set is held out (`held_out: true`; for the transformed sets every third question) and reported
apart. `python tests/test_plans.py -v` prints the figures and the failures (`--all`: the held-out part too).
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "questions"
PLANS = QUESTIONS / "plans"
# each plan's own question set, by the plan's file stem
OWN_SETS = {
    "plan": QUESTIONS / "xilingol.yaml",
    "sanya-2023-business-environment-plan": QUESTIONS / "sanya.yaml",
    **{p.stem: p for p in sorted((QUESTIONS / "real").glob("*.yaml"))},
}
# floors with the twelve plans loaded together, as achieved (they only go up): each plan's own set with the plan
# named (alone, tests/test_evaluate.py and tests/test_real_plans.py ask 0.95 of the shipped plan's, 0.9 of Sanya's
# and 1.0 of each real plan's), and the other sets
OWN_FLOORS = {
    "plan": 0.98, "sanya-2023-business-environment-plan": 0.98, "anhui-duibiao-tisheng-2023": 1.0,
    "guangyuan-fangguanfu-yaodian-2023": 1.0, "guangzhou-jinrong-2023": 0.94, "guizhou-yingshang-renwu-2023": 1.0,
    "jinhua-zhujian-ershitiao-2023": 1.0, "kelamayi-fangguanfu-yaodian-2023": 0.95,
    "qingpu-yingshang-yaodian-2023": 1.0, "shanxi-jiaoyi-chengben-2023": 1.0,
    "tongchuan-fangguanfu-fengong-2023": 0.93, "yanan-minying-jingji-2023": 1.0,
}
# stems: a topic written as a unit's stem, asked who does it (招商工作谁牵头); 4/16 at first contact (tuned 3/11,
# held out 1/5), 16/16 after the stem rule left questions asking who to their topic
# followups_several: follow-ups after a question answered by several plans (那贵州呢, 是不是盟工商局牵头的, 贵州有什么
#安排); before the code for them turns tuned 6/8, held out 3/4; after, 8/8 and 4/4
# named_second and shared_fourth: written by helpers from the raw texts alone (their headers): first run named_second
# 26/30 (tuned 18/20, held out 8/10), 30/30 after general fixes; shared_fourth 9/20 (tuned 6/14, held out 3/6), left
# as found; conversations (20 dialogues, 58 turns, by a helper): first run 50/58 (tuned 35/41, held out 15/17), 55/58;
# units (a unit's tasks and roles across the twelve, by a helper): first run 33/38 (tuned 23/27, held out 10/11), 38/38
# shared 20/20 (issue 21's acceptance) since terms.yaml gave the plans' words for the business-environment
# indicators' names (获得电力, 用水用气) and 外资企业, a domain term it keeps whole can name a question's topic (惠企政策),
# only a word itself or a word terms.yaml gives for it holds a staff word (not its parts: 企业 of 外商投资企业), and two
# `may` were added to the gold (its header says which); the same took shared_new from 13/16 to 15/16, shared_fourth
# to 12/20 and conversations to 57/58; conversations 58/58 once a part straddling a question's word's own words
# (中小企业's 小企业) was no longer a word of the question
FLOORS = {"named": 0.94, "shared": 1.0, "followups": 0.9, "shared_new": 0.93, "shared_third": 0.66, "stems": 1.0,
          "followups_several": 1.0, "named_second": 1.0, "shared_fourth": 0.6, "conversations": 1.0, "units": 1.0}
# How staff name a plan in a question (the name is one of the plan's names in names.yaml, in turn).
FORMS = ("{name}的{q}", "{name}方案里，{q}", "在{name}的方案中，{q}", "{q}（{name}）", "按{name}这个文件，{q}")


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def plan_files() -> list[Path]:
    """The twelve plan files: the shipped one, Sanya's and the ten real ones (the bench times them too)."""
    from bench.bench_engine import TWELVE_PLANS

    return list(TWELVE_PLANS)


def twelve_plans(folder: Path):
    """The assistant over the twelve plans in `folder`, with the shipped knowledge."""
    from qa import Assistant, StateStore

    for path in plan_files():
        shutil.copy(path, folder / path.name)
    return Assistant.from_folder(folder, store=StateStore(":memory:"), knowledge=ROOT / "corpus")


def name_plan(question: str, names: list[str], n: int) -> str:
    """The question with its plan named as staff would, in the n-th of the forms, by the n-th name."""
    return FORMS[n % len(FORMS)].format(name=names[n % len(names)], q=question.rstrip("？?"))


def named_set(stem: str, names: list[str]) -> list[dict]:
    """A plan's own question set with the plan named in each question's first turn (follow-ups name none, and
    keep the plan); every third question held out."""
    items = []
    for n, entry in enumerate(read_yaml(OWN_SETS[stem])):
        turns = [dict(t, plan=stem) for t in entry.get("dialogue", [entry])]
        turns[0]["q"] = name_plan(str(turns[0]["q"]), names, n)
        item = {"dialogue": turns} if "dialogue" in entry else turns[0]
        items.append(dict(item, held_out=n % 3 == 2))
    return items


def stem_of(clause) -> str:
    return Path(clause.source).stem


def plan_checks(item: dict, answer, names: dict[str, list[str]]) -> list[str]:
    """Why an answer fails the plan checks of an item ([] when it passes)."""
    why = []
    got = list(dict.fromkeys(stem_of(c) for c in answer.citations))
    if "plan" in item and any(s != item["plan"] for s in got):
        why.append(f"cites other plans: {[s for s in got if s != item['plan']]}")
    if "plans" in item:
        must, may = set(item["plans"]), set(item.get("may", []))
        if must - set(got):
            why.append(f"plans not cited: {sorted(must - set(got))}")
        if set(got) - must - may:
            why.append(f"plans cited that do not hold it: {sorted(set(got) - must - may)}")
        unnamed = [s for s in must if not any(name in answer.answer for name in names[s])]
        if unnamed:
            why.append(f"answer does not name {sorted(unnamed)}")
    return why


@dataclass
class Score:
    """Pass counts of one set, tuned and held-out parts apart."""

    tuned: list[bool] = field(default_factory=list)
    held_out: list[bool] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        every = self.tuned + self.held_out
        return sum(every) / len(every) if every else 0.0

    def line(self, label: str, held_out: bool = True) -> str:
        """The figures; the held-out part's only when asked (it stays unseen while tuning)."""
        part = lambda oks: f"{sum(oks)}/{len(oks)} {sum(oks) / max(len(oks), 1):6.1%}"  # noqa: E731
        line = f"{label:48s} tuned {part(self.tuned):>13s}"
        return line + (f"   held out {part(self.held_out):>13s}   all {part(self.tuned + self.held_out)}"
                       if held_out else "")


def score(assistant, items: list[dict], names: dict[str, list[str]], label: str) -> Score:
    """Ask every question (dialogues in one session each); the set's own checks and the plan checks."""
    from qa.evaluate import check

    result = Score()
    for n, entry in enumerate(items):
        session = f"{label}-{n}-{time.time_ns()}"
        oks = []
        for item in entry.get("dialogue", [entry]):
            answer = assistant.ask(str(item["q"]), session)
            own = [] if "plans" in item and "key" not in item else check(item, answer)
            why = own + plan_checks(item, answer, names)
            oks.append(not why)
            if why:
                result.failures.append(f"{'HELD ' if entry.get('held_out') else ''}{item['q']}: {'; '.join(why)}")
        (result.held_out if entry.get("held_out") else result.tuned).extend(oks)
    return result


@pytest.fixture(scope="module")
def twelve(tmp_path_factory):
    return twelve_plans(tmp_path_factory.mktemp("twelve"))


@pytest.fixture(scope="module")
def names():
    return read_yaml(PLANS / "names.yaml")


def test_the_sets_are_whole(names):
    assert set(names) == set(OWN_SETS) == {p.stem for p in plan_files()}
    assert len(read_yaml(PLANS / "shared.yaml")) == 20
    assert len(read_yaml(PLANS / "followups.yaml")) == 10
    assert len(read_yaml(PLANS / "shared_new.yaml")) == 16


def test_naming_a_plan_as_staff_do():
    assert name_plan("简易注销谁牵头？", ["锡林郭勒盟", "锡盟"], 0) == "锡林郭勒盟的简易注销谁牵头"
    assert name_plan("简易注销谁牵头？", ["锡林郭勒盟", "锡盟"], 1) == "锡盟方案里，简易注销谁牵头"
    assert name_plan("简易注销谁牵头", ["贵州"], 3) == "简易注销谁牵头（贵州）"


# -- the catalogue (qa/plans.py): names from the plans themselves -------------------------------------
def test_each_plan_is_named_by_its_own_title_issuer_letter_and_preamble(twelve):
    plans = twelve.catalogue.by_id
    xilingol = plans["plan"]
    assert xilingol.places == ("锡林郭勒盟", "锡林郭勒", "锡盟")  # the league's short form by the general rule
    assert xilingol.cited_places == ("内蒙古自治区", "内蒙古")  # the region its preamble cites
    assert (xilingol.issuer, xilingol.date, xilingol.years) == ("锡林郭勒盟工商行政管理局", "2018年5月8日", ("2018",))
    qingpu = plans["qingpu-yingshang-yaodian-2023"]
    assert {"青浦区", "青浦", "上海市", "上海"} <= set(qingpu.places) and qingpu.short == "青浦区"  # every level
    assert plans["guizhou-yingshang-renwu-2023"].number == "黔府办函〔2023〕16号"
    assert plans["anhui-duibiao-tisheng-2023"].short == "安徽省"  # a title with no place: its issuer's
    assert plans["yanan-minying-jingji-2023"].places[:2] == ("延安市", "延安")  # 中共延安市委: the party aside
    assert len({p.short for p in twelve.catalogue}) == 12


@pytest.mark.parametrize("question, plan, left", [
    ("锡盟方案里，简易注销谁牵头", "plan", "简易注销谁牵头"),
    ("内蒙古的方案里信用修复谁牵头", "plan", "信用修复谁牵头"),
    ("盟工商局印发的方案里，简易注销谁牵头", "plan", "简易注销谁牵头"),
    ("2018年的方案里信用修复谁负责", "plan", "信用修复谁负责"),
    ("贵州这个清单是谁印发的", "guizhou-yingshang-renwu-2023", "这个文件是谁印发的"),
    ("营商环境责任清单里企业注销谁牵头", "guizhou-yingshang-renwu-2023", "企业注销谁牵头"),
    ("黔府办函16号里破产案件分流有哪些配合单位", "guizhou-yingshang-renwu-2023", "破产案件分流有哪些配合单位"),
    ("上海的方案里免申即享谁负责", "qingpu-yingshang-yaodian-2023", "免申即享谁负责"),
    ("简易注销谁牵头（克拉玛依）", "kelamayi-fangguanfu-yaodian-2023", "简易注销谁牵头"),
    ("山西省人民政府办公厅印发的方案里，政府采购谁牵头", "shanxi-jiaoyi-chengben-2023", "政府采购谁牵头"),
    ("山西省人民政府办公厅方案里，政府采购谁牵头", "shanxi-jiaoyi-chengben-2023", "政府采购谁牵头"),  # no 印发
    ("按盟工商局这个文件，简易注销谁牵头", "plan", "简易注销谁牵头"),
    ("政府采购谁牵头（山西省人民政府办公厅）", "shanxi-jiaoyi-chengben-2023", "政府采购谁牵头"),  # issuer in brackets
    ("山西省人民政府办公厅的政府采购谁牵头", "shanxi-jiaoyi-chengben-2023", "政府采购谁牵头"),  # issuer in full, 的
    ("黔府办函〔2023〕16号的破产案件分流有哪些配合单位", "guizhou-yingshang-renwu-2023", "破产案件分流有哪些配合单位"),
    ("“数字贵州”建设谁牵头", "guizhou-yingshang-renwu-2023", "“数字贵州”建设谁牵头"),  # a quoted name keeps its place
    ("三亚市财政局牵头哪些工作", "sanya-2023-business-environment-plan", "三亚市财政局牵头哪些工作"),
    # a province before a place names nothing of its own: it goes with the place
    ("四川广元的放管服工作要点是哪天印发的", "guangyuan-fangguanfu-yaodian-2023", "这个文件是哪天印发的"),
    ("浙江省金华的方案里施工许可谁牵头", "jinhua-zhujian-ershitiao-2023", "施工许可谁牵头"),
    # document words one after another end one title; 那份 after a year names a document
    ("2018年那份十三五市场监管规划实施方案是谁印发的", "plan", "这个文件是谁印发的"),
    # an issuer's name before 那份 names the document it issued (政府办 of 政府办公厅 is no unit's name)
    ("安徽省政府办公厅那份对标提升举措里政务服务谁牵头", "anhui-duibiao-tisheng-2023", "政务服务谁牵头"),
])
def test_a_question_names_its_plan_and_loses_only_the_naming_words(twelve, question, plan, left):
    scope = twelve._scope(question)
    assert scope.plans == (plan,) and scope.text == left, scope


def test_a_document_of_another_kind_than_the_plan_is_not_it(twelve):
    """"自治区的市场监管规划" is the 规划 the 锡盟 实施方案 carries out, not that 实施方案: title words name a plan
    only as the kind of document it is (文件: any)."""
    assert twelve._scope("自治区的市场监管规划是哪个文号").plans == ()
    assert twelve._scope("市场监管规划实施方案是哪个文号").plans == ("plan",)
    assert twelve._scope("对标提升举措里政务服务谁牵头").plans == ("anhui-duibiao-tisheng-2023",)  # （2023版）after it


def test_a_joint_letter_is_issued_by_every_body_that_signs_it(twelve):
    for question in ("延安的方案是谁印发的", "延安的方案是哪个单位联合印发的", "延安的方案是哪些单位印发的"):
        assert twelve.ask(question).answer.startswith("发文单位：中共延安市委、延安市人民政府。"), question
    # the issuer read from a compilation's entry heading, without the entry's number ("4. 克拉玛依市…关于印发")
    assert twelve.ask("克拉玛依的方案是谁印发的").answer.startswith("发文单位：克拉玛依市人民政府办公室。")


def test_a_draft_is_named_as_staff_call_it():
    """"…的征求意见稿里": the plan whose title ends （征求意见稿） (the draft is a kind of document too)."""
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("打造营商环境最优市赋能高质量发展实施意见（征求意见稿）", "杭州市发改委"), ("优化营商环境方案", "台州市人民政府")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)])
    assert catalogue.scope_of("杭州市发改委的征求意见稿里外摆谁牵头").plans == (catalogue.plans[0].id,)


def test_a_title_joining_two_documents_is_of_both_kinds():
    """"2023年营商环境建设实施方案和实施清单" (one letter issuing both) is a 方案 and a 清单: "吉林交通厅2023年营商环境方案"
    names it, the abbreviated issuer telling it from the other offices' 实施方案 of the same year."""
    from qa.plans import Catalogue
    from qa.records import Clause

    from qa.index.jieba_import import jieba

    issued = [("2023年营商环境建设实施方案和实施清单", "吉林省交通运输厅"),
              ("吉林省科学技术厅2023年度营商环境建设实施方案", "吉林省科学技术厅"),
              ("吉林省发展改革委2023年营商环境建设实施方案", "吉林省发展改革委")]
    # cut by jieba as the assistant's index cuts (the default pairs of characters would hold 厅2 of 科学技术厅2023)
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)], words=jieba.lcut)
    for question in ("吉林交通厅2023年营商环境方案里，城市公交谁负责", "吉林交通厅2023年营商环境实施清单里，城市公交谁负责"):
        assert catalogue.scope_of(question).plans == ("汇编-1",), question
    # a topic joined to another inside a title is no document joined to another: that plan is no 规划
    from qa.plans import _of_kind

    assert not _of_kind("关于推进国土空间规划和用途管制改革的实施方案", "规划")
    assert catalogue.scope_of("吉林科技厅2023年营商环境方案里，科技成果转化谁负责").plans == ("汇编-2",)


def test_an_issuer_written_short_names_its_plan():
    """郑州市政府 is 郑州市人民政府 as staff write it (NAME_SHORT_FORMS), 省政府办公厅 a 省人民政府办公厅."""
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("郑州市2023年优化营商环境工作要点", "郑州市人民政府"), ("娄底市2023年政务管理服务工作要点", "娄底市人民政府"),
              ("河南省优化营商环境方案", "河南省人民政府办公厅")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)])
    for question in ("郑州市政府印发的工作要点里，一照多址改革谁牵头", "郑州市政府的工作要点里，一照多址改革谁牵头"):
        scope = catalogue.scope_of(question)
        assert scope.plans == ("汇编-1",) and "政府" not in scope.text, scope  # the issuer's words taken out
    assert catalogue.scope_of("河南省政府办公厅印发的方案里，一照多址改革谁牵头").plans == ("汇编-3",)
    # the short form names in full only: 市政府 alone is every city's government, no plan of its own
    assert catalogue.scope_of("市政府印发的方案里政务服务谁负责").plans == ()


def test_an_issuers_name_read_as_a_unit_names_its_plan_only_before_a_document_word():
    """A joint notice's departments are its issuer and units too: asked of the unit's tasks, no plan is named (the
    unit's name stays, `keep` marking it as the assistant passes it); before 印发 or 方案, the plan is."""
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("专利公开实施的指导意见", "省发展改革委、省科技厅"), ("优化营商环境方案", "省人民政府办公厅")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)])
    unit = (0, len("省发展改革委"))
    assert catalogue.scope_of("省发展改革委负责哪些任务", keep=(unit,)).plans == ()
    assert catalogue.scope_of("省发展改革委的配合任务有哪些", keep=(unit,)).plans == ()  # the unit's own tasks
    assert catalogue.scope_of("省发展改革委计划怎么推进专利公开", keep=(unit,)).plans == ()  # 计划 the verb
    named = catalogue.scope_of("省发展改革委印发的方案里专利公开谁负责", keep=(unit,))
    assert named.plans == ("汇编-1",) and named.text == "专利公开谁负责", named


@pytest.mark.parametrize("question", ["市场准入负面清单谁负责", "攻克市场准入难题谁牵头", "2023年底前要完成哪些任务",
                                      "实施方案的主要目标是什么", "省市场监管局牵头哪些工作",
                                      # a title's words going on as a topic: 清单管理制度, not a document named
                                      "营商环境任务清单管理制度谁负责", "重点任务清单动态调整谁负责"])
def test_words_that_name_no_one_plan_scope_nothing(twelve, question):
    scope = twelve._scope(question)
    assert len(scope.plans) != 1 and scope.text == question, scope


def test_plans_are_named_by_id_or_name_and_a_compilations_documents_apart(twelve, tmp_path):
    from qa.plans import Catalogue
    from qa.records import Clause

    assert twelve.catalogue.named("锡盟").id == twelve.catalogue.named("plan").id == "plan"
    assert twelve.catalogue.named("天津") is None and twelve.catalogue.named("2023年") is None
    clauses = [Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
               for n, (doc, issuer) in enumerate([("河北省甲方案", "河北省应急管理厅"), ("张家口市乙方案", "张家口市人民政府办公室")])]
    catalogue = Catalogue(clauses)
    assert [p.id for p in catalogue] == ["汇编-1", "汇编-2"]
    assert catalogue.scope_of("张家口的方案里谁牵头").plans == ("汇编-2",)
    assert catalogue.scope_of("扩张市场谁牵头").plans == ()  # 张市 of 张家口市, but 市场 is a word


def test_a_follow_up_keeps_its_plan_and_another_named_takes_over(twelve):
    first = twelve.ask("贵州的简易注销谁牵头", "keep-1")
    assert first.plans == ("guizhou-yingshang-renwu-2023",)
    assert twelve.ask("那配合单位呢", "keep-1").plans == ("guizhou-yingshang-renwu-2023",)
    assert twelve.ask("那克拉玛依的呢", "keep-1").plans == ("kelamayi-fangguanfu-yaodian-2023",)


def test_several_plans_answer_with_their_own_units_and_the_conversations_plan_first(twelve):
    answer = twelve.ask("简易注销由谁牵头？")
    assert len(answer.plans) >= 4 and answer.citations[0].source.startswith(answer.plans[0])
    for plan, clause in zip(answer.plans, answer.citations):
        assert twelve.catalogue.plan_of(clause) == plan
    assert answer.units == answer.citations[0].lead
    twelve.ask("锡盟方案里信用修复谁负责", "first-1")
    again = twelve.ask("简易注销由谁牵头？", "first-1")
    assert again.plans[0] == "plan" and set(again.plans) == set(answer.plans)
    assert again.units == ("盟工商局",)


def test_a_plan_whose_task_is_titled_by_the_topic_answers_too(twelve):
    answer = twelve.ask("破产案件办理谁负责", "titled-1")
    titles = {plan: clause.title for plan, clause in zip(answer.plans, answer.citations)}
    assert titles["sanya-2023-business-environment-plan"] == "完善企业破产处理机制"  # holds 破产 alone
    assert titles["qingpu-yingshang-yaodian-2023"] == "完善办理破产联动机制"
    # 绿色 of 绿色金融 is no topic terms.yaml knows: the plans' 绿色通道 and 绿色家电 answer nothing
    green = twelve.ask("绿色金融由谁牵头？", "titled-2")
    assert not {"yanan-minying-jingji-2023", "tongchuan-fangguanfu-fengong-2023"} & set(green.plans), green.plans


@pytest.mark.parametrize("question, plan", [
    ("民营经济三年行动方案共有几项任务", "yanan-minying-jingji-2023"),
    ("重点任务分工方案由谁印发", "tongchuan-fangguanfu-fengong-2023"),
    ("对标提升举措有几条", "anhui-duibiao-tisheng-2023"),
])
def test_a_title_asked_about_names_its_plan(twelve, question, plan):
    assert twelve._scope(question).plans == (plan,)


def test_a_plan_turned_to_with_ne_is_asked_the_question_before(twelve):
    """"那安徽对标提升举措呢": the title before 呢 names the plan and only names it, so that the question before is
    asked of it (its own unit for 简易注销), and "…呢，哪天印发的" asks its date; its title's words are no topic."""
    assert twelve.ask("锡盟方案里，简易注销谁牵头？", "turned-1").units == ("盟工商局",)
    answer = twelve.ask("那安徽对标提升举措呢", "turned-1")
    assert answer.plans == ("anhui-duibiao-tisheng-2023",)
    assert (answer.units, answer.citations[0].title) == (("省市场监管局",), "便利破产企业简易注销")
    answer = twelve.ask("那延安民营经济三年行动方案呢，哪天印发的？", "turned-1")
    assert answer.plans == ("yanan-minying-jingji-2023",) and "2023 年4 月29 日" in answer.answer


def test_whether_a_unit_has_a_role_is_asked_of_the_plans_it_is_in(twelve):
    """盟工商局 is the shipped plan's alone: asked whether it leads 简易注销, the shipped plan answers (是), not the
    plan whose 简易注销 task matches best (克拉玛依's, where 盟工商局 has no part: 不是 would be wrong)."""
    answer = twelve.ask("是不是盟工商局牵头简易注销", "members-1")
    assert answer.answer.startswith("是。") and answer.plans == ("plan",), answer.answer
    role = twelve.ask("简易注销里盟环保局是什么角色", "members-2")
    assert role.answer.startswith("盟环保局是这项工作的配合单位"), role.answer
    # a task its plans lack: every plan is asked, and the unit has no part in it
    other = twelve.ask("是不是盟工商局牵头破产案件办理", "members-3")
    assert other.answer.startswith("不是。盟工商局没有参与这项工作"), other.answer


def test_a_name_standing_for_several_units_is_answered_with_those_in_the_task(twelve):
    """市场监管局 stands for each plan's and the renamed ones: a yes/no answer names those in the task, not every
    other plan's as "没有参与"."""
    answer = twelve.ask("是不是市场监管局牵头简易注销")
    first = answer.answer.splitlines()[0]
    assert first.startswith("是。") and "没有参与" not in first, first


def test_a_follow_up_after_several_plans_names_a_plan_or_a_units_plan(twelve):
    twelve.ask("简易注销谁牵头", "several-1")
    answer = twelve.ask("是不是盟工商局牵头的", "several-1")
    assert answer.answer.startswith("是。") and answer.plans == ("plan",)
    twelve.ask("简易注销谁牵头", "several-2")
    answer = twelve.ask("贵州有什么安排", "several-2")
    assert answer.found and answer.plans == ("guizhou-yingshang-renwu-2023",)


def test_who_alone_after_a_lead_question_asks_the_lead_of_the_plan_named(twelve):
    twelve.ask("保交楼工作谁牵头啊", "who-alone")
    answer = twelve.ask("铜川的是谁", "who-alone")
    assert answer.intent == "lead" and answer.units == ("市住建局",)
    twelve.ask("贵州的供应链金融发展谁牵头", "who-alone-2")
    assert twelve.ask("省财政厅在里面是配合单位吗", "who-alone-2").answer.startswith("是。")  # 里面: where


def test_an_abbreviation_keeps_a_names_head_and_its_prefix(twelve):
    """市监局: the 市 市场监管局 of each plan (克拉玛依, 三亚 …), not 市地方金融监管局 nor 省/区 ones."""
    assert twelve.ask("克拉玛依的市监局牵头哪些工作").subject_units == ("市市场监管局",)
    assert twelve.ask("三亚的市监局牵头哪些工作").subject_units == ("市市场监督管理局",)


def test_a_units_tasks_in_several_plans_are_told_apart_by_plan(twelve):
    """"市税务局牵头哪些工作" with no plan named: each plan's tasks under its short title, as several plans' answers are."""
    answer = twelve.ask("市税务局牵头哪些工作")
    assert len(answer.plans) >= 2 and answer.answer.startswith(f"{len(answer.plans)}个方案都涉及这个问题")
    for plan in answer.plans:
        assert f"【{twelve.catalogue.by_id[plan].short}】" in answer.answer
    assert twelve.ask("盟工商局牵头哪些工作").answer.startswith("盟工商局牵头的任务共")  # one plan's: as before


def test_a_fact_of_the_document_asked_after_a_question_naming_its_plan_is_that_plans(twelve):
    """"这个是哪天发的", "这个文件文号是多少" after a question naming 锡盟's plan: that plan's date and number alone."""
    twelve.ask("锡盟那个实施方案里，特种设备安全监管谁负责？", "pointer-1")
    answer = twelve.ask("这个是哪天发的", "pointer-1")
    assert answer.plans == ("plan",) and "2018年5月8日" in answer.answer.replace(" ", ""), answer.answer
    twelve.ask("贵州的方案里，简易注销谁牵头？", "pointer-2")
    answer = twelve.ask("这个文件文号是多少", "pointer-2")
    assert answer.plans == ("guizhou-yingshang-renwu-2023",) and "黔府办函" in answer.answer, answer
    # asked first, the pointer points at no plan: every plan's date
    assert len(twelve.ask("这个是哪天发的", "pointer-3").plans) > 1
    # a task named after a fact of the document asks who is responsible for it, in the conversation's plan
    twelve.ask("贵州的方案里，简易注销谁牵头？", "pointer-6")
    twelve.ask("文号多少", "pointer-6")
    task = twelve.ask("那优化营商环境评价呢", "pointer-6")
    assert task.intent == "who" and task.plans == ("guizhou-yingshang-renwu-2023",), task
    # no pointer at all ("文号是多少"): the plan the conversation is about, unless every plan's is asked
    twelve.ask("贵州的方案里，简易注销谁牵头？", "pointer-4")
    assert twelve.ask("文号是多少", "pointer-4").plans == ("guizhou-yingshang-renwu-2023",)
    assert len(twelve.ask("各个方案的文号分别是多少", "pointer-4").plans) > 1
    # pointed at, the conversation's document however many of its facts are asked
    twelve.ask("贵州的方案里，简易注销谁牵头？", "pointer-5")
    assert twelve.ask("这个文件的发文单位和日期分别是什么", "pointer-5").plans == ("guizhou-yingshang-renwu-2023",)
    # asked of no plan, each plan's number (a document fact, as its date is); a cited document's, its own
    numbers = twelve.ask("文号是多少")
    assert len(numbers.plans) > 3 and "黔府办函〔2023〕16" in numbers.answer.replace(" ", ""), numbers.answer
    cited = twelve.ask("国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见文号是多少")
    assert "国办发〔2022〕30" in cited.answer.replace(" ", ""), cited.answer


def test_a_mistake_said_as_staff_say_it_finds_the_plans_word(twelve):
    """出错 is the plans' 错误 (terms.yaml): 三亚's 建立登记错误赔偿机制, not the tasks of 不动产登记 that say no 错误."""
    answer = twelve.ask("三亚2023年的营商环境实施方案，不动产登记出错的赔偿机制由谁牵头？")
    assert answer.citations[0].title == "建立登记错误赔偿机制" and answer.units == ("市自然资源和规划局",), answer


def test_a_year_or_a_number_names_its_plan_however_typed(twelve):
    """"2018年那个实施方案里" (a kind after the pointer), "…15号" typed with 年 between, and a plan named last."""
    assert twelve._scope("2018年那个实施方案里，公平竞争审查联席会议谁牵头").plans == ("plan",)
    number = next(p for p in twelve.catalogue if p.number).number  # e.g. 黔府办函〔2023〕16号
    prefix, year, serial = re.match(r"(\D+?)\s*〔(\d{4})〕\s*(\d+)", number).groups()
    for typed in (f"{prefix}{year}年{serial}号里，简易注销谁牵头", f"简易注销谁牵头 {prefix}{serial}号那个"):
        scope = twelve._scope(typed)
        assert scope.plans == (twelve.catalogue.named(number).id,) and scope.text == "简易注销谁牵头", (typed, scope)


def test_a_title_said_without_its_kind_or_with_a_year_after_a_pointer_names_its_plan():
    """"江门流程再造第三批里 永电租赁…" (no kind: the words inside, all of one title, name it); "三亚创建一流营商环境那个
    2023年方案" (the year between the pointer and the kind is the title's); a space ends a naming as a comma does."""
    from qa.index.jieba_import import jieba
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("江门市系统推进流程再造打造湾区服务高地第三批工作任务方案", "江门市人民政府办公室"),
              ("三亚市创建一流营商环境2023年实施方案", "三亚市人民政府办公室"), ("江门市优化营商环境工作方案", "江门市人民政府")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)], words=jieba.lcut)
    scope = catalogue.scope_of("江门流程再造第三批里 永电租赁 有配合单位吗")
    assert scope.plans == ("汇编-1",) and scope.text == "永电租赁 有配合单位吗", scope
    scope = catalogue.scope_of("三亚创建一流营商环境那个2023年方案是谁发的？")
    assert scope.plans == ("汇编-2",) and scope.text == "这个文件是谁发的？", scope
    scope = catalogue.scope_of("江门优化营商环境工作方案 简易注销谁牵头")
    assert scope.plans == ("汇编-3",) and scope.text == "简易注销谁牵头", scope
    # a topic's words inside (营商环境里: one word, every title's) name no plan, nor words before 中 of a word (中介)
    assert catalogue.scope_of("营商环境里简易注销谁牵头").plans == ()
    assert catalogue.scope_of("流程再造第三批工作中介服务谁牵头").plans == ()


def test_a_title_named_whole_quoted_issued_with_another_or_opening_with_its_own_words_names_its_plan():
    """A title cut as one word ("那河南信用环境系统性改革方案里"); a dot in its words (2.0版) and its own words written
    before the naming (中国（河南）…); the document it carries out quoted before its kind (贯彻落实《…》实施方案); a title
    its letter issues with it (关于印发《A》和《B》); 中国 after a naming is no frame (…印发中国（河南）…)."""
    from qa.index.jieba_import import jieba
    from qa.plans import Catalogue
    from qa.records import Clause

    letters = [("信用环境系统性改革方案", "河南省发展和改革委员会", ""),
               ("中国（河南）自由贸易试验区2.0版建设实施方案", "河南省人民政府", ""),
               ("广西贯彻落实〈“十四五”市场监管现代化规划〉实施方案", "广西壮族自治区人民政府办公厅", ""),
               ("湖南省2023年政务管理服务工作要点", "湖南省人民政府办公厅",
                "湖南省人民政府办公厅关于印发《湖南省2023年政务管理服务工作要点》和《湖南省2023年政务公开工作要点》的通知"),
               ("2023年上海市政务公开工作要点", "上海市人民政府办公厅", "")]
    clauses = []
    for n, (doc, issuer, heading) in enumerate(letters):
        clauses.append(Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter"))
        if heading:
            clauses.append(Clause(f"b-{n}", doc, "汇编.txt", "", "来函正文", heading, "letter"))
    catalogue = Catalogue(clauses, words=jieba.lcut)
    ids = [p.id for p in catalogue.plans]
    assert catalogue.plans[3].also_titles == ("湖南省2023年政务公开工作要点",)
    for question, plan, rest in (
        ("那河南信用环境系统性改革方案里推动司法公信建设呢", 0, "推动司法公信建设呢"),
        ("河南自贸试验区2.0版实施方案里，原产地谁负责", 1, "原产地谁负责"),
        ("河南省人民政府印发中国（河南）自由贸易试验区2.0版建设实施方案，文号是多少？", 1, "文号是多少？"),
        ("广西贯彻落实《“十四五”市场监管现代化规划》实施方案，新药好药上市归谁管", 2, "新药好药上市归谁管"),
        ("湖南省2023年政务公开工作要点里，规章公开谁牵头", 3, "规章公开谁牵头"),
        ("2023年上海市政务公开工作要点里，规章公开谁牵头", 4, "规章公开谁牵头"),
    ):
        scope = catalogue.scope_of(question)
        assert scope.plans == (ids[plan],) and scope.text == rest, (question, scope)


def test_a_plan_naming_no_place_is_named_by_a_place_and_its_title_together():
    """"江西全省2023年度…工作方案": the plan signed "省…办公室" names no place of its own; the place and its whole title
    name it, not the other plans of 江西 (a title named whole, however long)."""
    from qa.index.jieba_import import jieba
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("全省2023年度深化工程建设项目审批制度改革提升“办理建筑许可”营商环境工作方案", "省城市功能品质提升与工程建设项目审批制度改革部门联席会议办公室"),
              ("江西省推进养老服务提质升级三年行动方案", "江西省人民政府办公厅"), ("吉安市降低成本若干措施", "吉安市人民政府办公室")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)], words=jieba.lcut)
    assert catalogue.plans[0].places == ()  # 省城市 of its issuer is no place
    scope = catalogue.scope_of("江西全省2023年度深化工程建设项目审批制度改革提升办理建筑许可营商环境工作方案，是哪个单位发的？")
    assert scope.plans == ("汇编-1",) and scope.text == "是哪个单位发的？", scope
    assert catalogue.scope_of("江西的方案里养老服务谁牵头").plans == ("汇编-2",)


def test_a_plan_pointed_at_by_its_place_in_the_answer_before(twelve):
    """"第二个方案呢" after an answer naming several plans: the same question of the second plan named."""
    first = twelve.ask("简易注销谁牵头", "pointed-1")
    assert len(first.plans) >= 3
    second = twelve.ask("第二个方案呢", "pointed-1")
    assert second.plans == (first.plans[1],) and second.intent == "lead" and "注销" in second.citations[0].text
    twelve.ask("简易注销谁牵头", "pointed-2")
    last = twelve.ask("最后一个的配合单位呢", "pointed-2")
    assert last.plans == (first.plans[-1],) and last.intent == "cooperate"
    twelve.ask("简易注销谁牵头", "pointed-3")
    assert twelve.ask("第九十九个呢", "pointed-3").plans != (first.plans[0],)  # past the plans named: none pointed at


def test_an_issuers_name_asked_of_its_tasks_is_the_unit(twelve):
    answer = twelve.ask("省市场监管局的牵头任务有哪些", "issuer-unit-1")
    assert answer.intent == "unit_tasks" and answer.found and "省市场监管局" in answer.answer


@pytest.mark.parametrize("stem", sorted(OWN_SETS))
def test_each_plans_questions_with_the_plan_named(twelve, names, stem):
    report = score(twelve, named_set(stem, names[stem]), names, stem)
    assert report.rate >= OWN_FLOORS[stem], "\n".join(report.failures)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_plan_sets(twelve, names, name):
    report = score(twelve, read_yaml(PLANS / f"{name}.yaml"), names, name)
    assert report.rate >= FLOORS[name], "\n".join(report.failures)


if __name__ == "__main__":  # the figures, per set
    import tempfile

    sys.path.insert(0, str(ROOT))
    verbose = "-v" in sys.argv
    held = "--all" in sys.argv  # the held-out part too: only at the end
    plan_names = read_yaml(PLANS / "names.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        qa = twelve_plans(Path(tmp))
        print(f"twelve plans, {len(qa.clauses)} clauses, built in {time.perf_counter() - started:.1f} s")
    totals = Score()
    for stem in sorted(OWN_SETS):
        report = score(qa, named_set(stem, plan_names[stem]), plan_names, stem)
        print(report.line(f"own set, named: {stem}", held))
        totals.tuned += report.tuned
        totals.held_out += report.held_out
        totals.failures += report.failures
    print(totals.line("own sets, named: all", held))
    if verbose:
        print("\n".join("    " + f for f in totals.failures if held or not f.startswith("HELD")))
    for set_name in sorted(FLOORS):
        report = score(qa, read_yaml(PLANS / f"{set_name}.yaml"), plan_names, set_name)
        print(report.line(set_name, held))
        if verbose:
            print("\n".join("    " + f for f in report.failures if held or not f.startswith("HELD")))


def test_a_topic_named_after_its_description_finds_the_plans_holding_it_by_that_name(twelve):
    """"孵化器、众创空间这些双创载体谁牵头建设": the plans holding the examples (安徽's, 三亚's) and the one holding the
    topic by its name (青浦's 双创载体) each answer; a word of general use after 的 names nothing of its own."""
    answer = twelve.ask("孵化器、众创空间这些双创载体谁牵头建设？")
    assert {"anhui-duibiao-tisheng-2023", "sanya-2023-business-environment-plan", "qingpu-yingshang-yaodian-2023"} <= set(
        answer.plans
    )
    # by its name: 青浦's 双创载体 first; 贵州's 创业孵化载体 beside its 双创示范基地 (双创 is 大众创业 in terms.yaml) too
    by_name = twelve.ask("双创载体谁牵头建设？").plans
    assert by_name[0] == "qingpu-yingshang-yaodian-2023" and set(by_name) <= {
        "qingpu-yingshang-yaodian-2023", "guizhou-yingshang-renwu-2023"}
    assert twelve._named_topic(twelve.analyzer.analyze("施工许可办理的改革谁牵头")) is None


def test_an_issuer_named_with_its_partners_and_date_and_a_title_with_its_kind_name_their_plan():
    """"浙江省知识产权局等7部门2023年6月印发的…意见里": the partners and the date stand between the issuer and its
    issuing word, the province before it; "…高质量发展的政策措施里": 政策 only opens the kind. Each naming goes whole."""
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("关于推进专利公开实施的指导意见", "省知识产权局、省发展改革委"),
              ("关于促进个体工商户高质量发展若干政策措施", "江苏省人民政府办公厅"),
              ("关于进一步提振市场信心促进经济平稳健康运行的若干政策举措", "安徽省人民政府")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)])
    scope = catalogue.scope_of("浙江省知识产权局等7部门2023年6月印发的专利公开实施指导意见里，加强数字赋能谁牵头")
    assert scope.plans == ("汇编-1",) and scope.text == "加强数字赋能谁牵头", scope
    scope = catalogue.scope_of("江苏促进个体工商户高质量发展的政策措施里，个体工商户参与政府采购这条由哪些部门负责")
    assert scope.plans == ("汇编-2",) and scope.text.startswith("个体工商户参与政府采购"), scope
    scope = catalogue.scope_of("安徽提振市场信心促进经济平稳健康运行的若干政策举措中，欠费不停水由哪些单位负责")
    assert scope.plans == ("汇编-3",) and scope.text.startswith("欠费不停水"), scope
    # the province before an issuer goes with it only when it is the plan's: 江苏's office issued no plan here
    assert catalogue.scope_of("江苏省知识产权局印发的指导意见里，加强数字赋能谁牵头").plans != ("汇编-1",)
    # 发 of 发放 issues nothing, across a date least of all (the issuer before an issuing word; its name written in
    # full names its plan anywhere, as before)
    assert catalogue._issuers("省知识产权局2023年发放的补贴谁负责", []) == []
    assert catalogue._issuers("省知识产权局2023年印发的意见", [])[0][2] == ("汇编-1",)


def test_an_issuer_opening_a_title_a_pointer_before_its_kind_and_a_plan_carried_out_name_their_plan():
    """"金华市住建局优化营商环境二十条措施里": the issuer, abbreviated, opens the title's words and counts as one the
    plan holds; "江西吉安降低…交易成本那份政策措施": a pointer stands between the title's words and its kind, after two
    places; "…规划的实施方案": the document that carries out the one before 的 is asked. Each naming goes whole."""
    from qa.plans import Catalogue
    from qa.records import Clause

    issued = [("金华市住房和城乡建设局优化营商环境二十条措施", "金华市住房和城乡建设局"),
              ("关于进一步优化营商环境降低市场主体制度性交易成本政策措施", "吉安市人民政府办公室"),
              ("山西省进一步优化营商环境降低市场主体制度性交易成本工作方案", "山西省人民政府办公厅"),
              ("广西贯彻落实〈“十四五”市场监管现代化规划〉实施方案", "广西壮族自治区人民政府办公厅")]
    catalogue = Catalogue([Clause(f"a-{n}", doc, "汇编.txt", "", "发文单位", issuer, "letter")
                           for n, (doc, issuer) in enumerate(issued)])
    scope = catalogue.scope_of("金华市住建局优化营商环境二十条措施里，提升涉审中介服务质量归哪些单位负责？")
    assert scope.plans == ("汇编-1",) and "优化营商环境" not in scope.text and "提升涉审中介服务质量" in scope.text, scope
    scope = catalogue.scope_of("江西吉安降低市场主体制度性交易成本那份政策措施，整治政务失信行为这条谁负责")
    assert scope.plans == ("汇编-2",) and scope.text == "整治政务失信行为这条谁负责", scope
    scope = catalogue.scope_of("广西贯彻落实十四五市场监管现代化规划的实施方案中，公平竞争审查谁牵头")
    assert scope.plans == ("汇编-4",) and scope.text == "公平竞争审查谁牵头", scope
    # without the pointer's 那份 nothing changes, and a kind after 的 alone is no title's
    assert catalogue.scope_of("山西降低市场主体制度性交易成本工作方案里，一件事谁牵头").plans == ("汇编-3",)
    assert catalogue.scope_of("降低成本的方案谁牵头").plans == ()
    # past 的 only a kind that carries out another: "…实施方案的措施有哪些" still names the plan
    assert catalogue.scope_of("广西贯彻落实十四五市场监管现代化规划实施方案的措施有哪些").plans == ("汇编-4",)
    # a pointer right after a name is left out of the title's words
    assert catalogue.scope_of("吉安那份降低市场主体制度性交易成本政策措施里，整治政务失信行为谁负责").plans == ("汇编-2",)


def test_an_autonomous_region_is_named_without_its_people_and_a_prefecture_without_its_level():
    """广西壮族自治区 is 广西 as staff write it (新疆维吾尔自治区: 新疆, 宁夏回族自治区: 宁夏); 内蒙古自治区 keeps 内蒙古."""
    from qa.plans import place_forms, places_in

    assert place_forms("广西壮族", "自治区") == ["广西壮族自治区", "广西壮族", "广西"]
    assert [place_forms(*p) for p in places_in("新疆维吾尔自治区人民政府")] == [["新疆维吾尔自治区", "新疆维吾尔", "新疆"]]
    assert place_forms("内蒙古", "自治区") == ["内蒙古自治区", "内蒙古"]
    assert place_forms("锡林郭勒", "盟") == ["锡林郭勒盟", "锡林郭勒", "锡盟"]
    # a prefecture without its level: 大兴安岭地区 → 大兴安岭 (地区 read as 地 + 区, both forms kept)
    assert "大兴安岭" in [f for p in places_in("大兴安岭地区优化营商环境领导小组办公室") for f in place_forms(*p)]
    assert place_forms("青浦", "区") == ["青浦区", "青浦"]


def test_an_autonomous_prefecture_county_or_banner_is_named_without_its_peoples():
    """凉山彝族自治州 is 凉山州 or 凉山; a name holding two peoples loses both; a place named after its people keeps it."""
    from qa.plans import place_forms, places_in

    def forms(name: str) -> list[list[str]]:
        return [place_forms(*p) for p in places_in(name)]

    assert forms("凉山彝族自治州人民政府办公室") == [["凉山彝族自治州", "凉山州", "凉山"]]
    assert forms("黔东南苗族侗族自治州人民政府") == [["黔东南苗族侗族自治州", "黔东南州", "黔东南"]]
    assert forms("红河哈尼族彝族自治州") == [["红河哈尼族彝族自治州", "红河州", "红河"]]
    assert forms("伊犁哈萨克自治州") == [["伊犁哈萨克自治州", "伊犁州", "伊犁"]]  # a people written without 族
    assert forms("大理白族自治州")[0][-1] == "大理"
    assert forms("内蒙古自治区呼伦贝尔市鄂伦春自治旗人民政府")[-1] == ["鄂伦春自治旗", "鄂伦春旗", "鄂伦春"]
    assert forms("鄂温克族自治旗")[0][-1] == "鄂温克"
    # a one-character people is taken only with its 族: 白城, 水城 are places
    assert forms("白城市") == [["白城市", "白城"]] and forms("水城县") == [["水城县", "水城"]]


def test_no_place_opens_with_a_level_or_ends_as_an_area():
    """省城市 of "省城市功能品质提升…办公室" and 对标湾区 of "赣州市对标湾区…" are no places."""
    from qa.plans import places_in

    assert places_in("省城市功能品质提升与工程建设项目审批制度改革部门联席会议办公室") == []
    assert places_in("赣州市对标湾区持续优化营商环境") == [("赣州", "市")]
    assert places_in("上海市青浦区人民政府") == [("上海", "市"), ("青浦", "区")]
    assert places_in("北京市东城区人民政府") == [("北京", "市"), ("东城", "区")]  # 城区 ends real districts
    assert places_in("济南市市中区人民政府") == [("济南", "市"), ("市中", "区")]


def test_a_plan_of_an_autonomous_banner_is_named_by_its_short_place(tmp_path):
    """"鄂伦春旗…" asks 鄂伦春自治旗's plan alone when its title writes the place in full."""
    (tmp_path / "elunchun.txt").write_text(
        "鄂伦春自治旗人民政府关于印发鄂伦春自治旗2023年持续优化营商环境工作方案的通知\n鄂政发〔2023〕5号\n"
        "鄂伦春自治旗2023年持续优化营商环境工作方案\n一、重点任务\n"
        "（一）推行企业简易注销登记。全面推行简易注销。（牵头单位：旗市场监督管理局；配合单位：旗税务局）\n",
        encoding="utf-8")
    (tmp_path / "liangshan.txt").write_text(
        "凉山彝族自治州人民政府办公室关于印发凉山彝族自治州优化营商环境实施方案的通知\n凉府办发〔2023〕12号\n"
        "凉山彝族自治州优化营商环境实施方案\n一、主要任务\n"
        "（一）推行企业简易注销登记。扩大简易注销适用范围。（牵头单位：州市场监管局；配合单位：州税务局）\n",
        encoding="utf-8")
    from qa import Assistant, StateStore

    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    assert assistant.ask("鄂伦春旗的方案里简易注销谁牵头").plans == ("elunchun",)
    assert assistant.ask("凉山州简易注销谁配合").plans == ("liangshan",)
    assert len(assistant.ask("简易注销谁牵头").plans) == 2


def test_a_plan_titled_with_a_kind_of_its_own_is_named_by_its_title_words_within_it(tmp_path):
    """"…六项工作机制中": a title ending in a kind the vocabulary lacks (机制, 制度) names its plan where the question
    goes on within it, the place and issuer before it going with it; the same words asked as a topic name none."""
    from qa import Assistant, StateStore

    (tmp_path / "zhangzhou.txt").write_text(
        "6. 漳州市科学技术局关于印发优化营商环境六项工作机制的通\n知（2023 年6 月25 日）\n漳科〔2023〕41 号\n"
        "局机关各科室、直属各单位：\n《漳州市科学技术局优化营商环境六项工作机制》已经局务会议研究同意，\n"
        "现印发给你们，请悉照执行。\n漳州市科学技术局\n2023 年6 月25 日\n漳州市科学技术局优化营商环境六项工作机制\n一、建立营商环境重点任务落实机制\n"
        "建立营商环境重点任务落实机制，及时完成营商环境重点任务。\n责任科室：政策法规科、办公室牵头，各科室配合\n"
        "二、建立联席会议制度\n定期召开联席会议，研究营商环境重点问题。\n责任科室：办公室\n",
        encoding="utf-8")
    (tmp_path / "jiangmen.txt").write_text(
        "江门市关于获得用水用气工作政企联席会议制度\n一、联席会议制度\n"
        "建立获得用水用气政企联席会议制度，协调解决报装问题。（牵头单位：市城市管理综合执法局；配合单位：市供水公司）\n",
        encoding="utf-8")
    (tmp_path / "shenpi.txt").write_text(
        "赣州市深化工程建设项目审批制度改革实施方案\n一、主要任务\n"
        "（一）推行联合验收。实行规划、消防等事项限时联合验收。（牵头单位：市住建局；配合单位：市自然资源局）\n",
        encoding="utf-8")
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    # another plan's own kind (制度 of 江门's) inside a title's words takes none of them
    assert assistant.catalogue.scope_of("深化工程建设项目审批制度改革实施方案里，联合验收谁牵头").plans == ("shenpi",)
    question = "漳州市科技局优化营商环境六项工作机制中，营商环境重点任务落实机制由哪个科室牵头？"
    scope = assistant._scope(question)
    assert scope.plans == ("zhangzhou",) and scope.text == "营商环境重点任务落实机制由哪个科室牵头？"
    assert assistant.ask(question).units == ("政策法规科", "办公室")
    # asked who issued it, the question asks of the document too; asked who leads a topic, of the topic
    assert assistant._scope("优化营商环境六项工作机制是哪个单位印发的").plans == ("zhangzhou",)
    assert assistant._scope("联席会议制度是谁牵头的").plans == ()
    assert assistant._scope("优化营商环境六项工作机制是否制定了考核办法").plans == ()
    # opening with a place named, a space ends it as a comma does
    assert assistant._scope("漳州科技局六项工作机制 文号多少").plans == ("zhangzhou",)
    # an issuer's office said short: 汕尾市人民政府办公室 is 汕尾市政府办 too
    from qa.plans import Plan, _issuer_bodies

    office = Plan(id="x", title="t", short="s", source="x", issuer="汕尾市人民政府办公室")
    assert {"汕尾市政府办", "汕尾市人民政府办", "汕尾市政府办公室"} <= {name for name, _ in _issuer_bodies(office)}
    # its office said short is a name in full only: 民政办 is no abbreviation of 人民政府办公室
    assert not any(body.endswith("办") for _, body in _issuer_bodies(office))
    # 发文字号 is the document's number as the standard for official documents calls it (terms.yaml)
    assert "漳科〔2023〕41" in assistant.ask("漳州的六项工作机制中，发文字号是什么？").answer
    # the title's closing bracket goes with its words ("…工作机制（试行）里")
    assert assistant.catalogue.scope_of("优化营商环境六项工作机制（试行）里谁牵头").text == "谁牵头"
    # a topic ending as a title does: no plan named, both plans' answers
    assert assistant.catalogue.scope_of("联席会议制度有哪些配合单位").plans == ()
    assert {"zhangzhou", "jiangmen"} <= set(assistant.ask("联席会议制度有哪些配合单位").plans)
