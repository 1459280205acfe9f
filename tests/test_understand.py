"""Question understanding: intents, units in any form, topics, follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def analyze(assistant):
    return assistant.analyzer.analyze


@pytest.mark.parametrize(
    "question, intent, role",
    [
        ("简易注销有哪些配合单位？", "cooperate", "cooperate"),
        ("企业简易注销登记由哪个部门牵头？", "lead", "lead"),
        ("强制退出机制的责任单位是哪些？", "who", ""),
        ("12315投诉举报平台归哪个单位管？", "who", ""),
        ("盟质监局牵头哪些工作？", "unit_tasks", "lead"),
        ("财政局要配合啥", "unit_tasks", "cooperate"),
        ("盟科技局涉及哪些工作？", "unit_tasks", ""),
        ("联系人是谁？", "fact", ""),
        ("到2020年全盟有效注册商标要达到多少件？", "fact", ""),
        ("明厨亮灶", "content", ""),
        ("负面清单那块谁挑头", "lead", "lead"),
    ],
)
def test_intents(analyze, question, intent, role):
    query = analyze(question)
    assert (query.intent, query.role) == (intent, role)


@pytest.mark.parametrize(
    "question",
    [
        "盟质监局牵头哪些工作",
        "质监局牵头哪些工作",
        "锡林郭勒盟质量技术监督局牵头哪些工作",
        "锡盟质监局牵头哪些工作",
    ],
)
def test_unit_in_any_form(analyze, question):
    assert analyze(question).units == ("盟质监局",)


def test_merged_unit_stands_for_its_members(analyze):
    assert set(analyze("市场监管局牵头哪些工作").units) == {"盟工商局", "盟质监局", "盟食药局"}


def test_abbreviation_of_a_unit(both_assistant):
    assert both_assistant.analyzer.analyze("资规局牵头了哪些事").units == ("市自然资源和规划局",)
    assert both_assistant.analyzer.analyze("中院牵头的任务有哪些").units == ("市中级人民法院",)


def test_topic_leaves_out_form_words(analyze):
    query = analyze("简易注销有哪些配合单位？")
    assert "简易注销" in query.terms and not {"配合", "单位", "哪些"} & set(query.terms)


def test_typo_is_mended(analyze):
    assert analyze("药品医疗器械监管谁牵投").intent == "lead"


def test_follow_up_keeps_topic_and_changes_role(analyze):
    first = analyze("简易注销由哪个单位牵头？")
    context = dict(first.to_context(), anchor=["x-31"])
    second = analyze("那配合单位呢？", context)
    assert second.intent == "cooperate" and second.terms == first.terms and second.anchor == ("x-31",)


def test_follow_up_keeps_role_and_changes_topic(analyze):
    second = analyze("那广告监管呢？", analyze("网络市场监管谁牵头？").to_context())
    assert second.intent == "lead" and "广告" in second.terms and not second.anchor


def test_follow_up_about_another_unit(analyze):
    second = analyze("那质监局呢？", analyze("工商局牵头哪些工作").to_context())
    assert (second.intent, second.units, second.role) == ("unit_tasks", ("盟质监局",), "lead")


@pytest.mark.parametrize("question", ["那哪几家配合？", "哪几家牵头", "那几家配合"])
def test_which_or_how_many_units_names_no_topic(analyze, question):
    """哪几家 / 几家 ask which or how many units: words of the question's form, never its topic, so that "那哪几家
    配合？" after a task keeps it."""
    assert analyze(question).terms == (), analyze(question)


def test_new_question_is_not_a_follow_up(analyze):
    second = analyze("计量体系建设谁负责？", analyze("简易注销由哪个单位牵头？").to_context())
    assert not second.follow_up and "计量" in second.terms


def test_over_long_question_is_cut(assistant):
    query = assistant.analyzer.analyze("简易注销" * 5000)
    assert len(query.terms) < 10


def test_traditional_characters_are_read(analyze):
    assert analyze("簡易註銷有哪些配合單位？").terms == analyze("简易注销有哪些配合单位？").terms


def test_slips_are_read_and_recorded(analyze):
    query = analyze("证照分里谁牵头")
    assert query.intent == "lead" and query.reading == (("证照分里", "证照分离"),)


@pytest.mark.parametrize(
    "question, units, role",
    [
        ("工商牵头的事儿都有啥", ("盟工商局",), "lead"),
        ("质监那边要配合的活有哪些", ("盟质监局",), "cooperate"),
        ("盟商务局 工作", ("盟商务局",), ""),
    ],
)
def test_a_unit_named_without_its_ending(analyze, question, units, role):
    query = analyze(question)
    assert (query.intent, query.units, query.role) == ("unit_tasks", units, role)


@pytest.mark.parametrize("question", ["法制办理流程谁负责", "金融办事窗口由谁牵头"])
def test_a_units_ending_that_begins_a_verb_names_no_unit(analyze, question):
    assert analyze(question).units == (), question  # 办 of 办理, 办事: not 盟行署法制办, 盟金融办


def test_a_unit_whose_name_ends_so_is_still_read(analyze):
    assert analyze("盟金融办牵头哪些工作").units == ("盟金融办",)


def test_a_roles_word_is_never_the_topic(analyze):
    from qa.vocabulary import COLLOQUIAL_ROLE_WORDS, LEAD_CUES

    for cue in set(LEAD_CUES) & set(COLLOQUIAL_ROLE_WORDS):  # 挑头, 挂帅, 抓总: the role asked, not a topic
        query = analyze(f"简易注销谁{cue}")
        assert query.intent == "lead" and query.terms == analyze("简易注销谁牵头").terms, (cue, query)


@pytest.mark.parametrize("question", ["广告监管由谁来抓", "请列出广告监管的责任单位", "谁来抓广告监管"])
def test_the_askers_frame_words_are_no_topic(assistant, question):
    answer = assistant.ask(question)  # 由谁来, 列出: the asking, weighing nothing against the plans
    assert answer.intent == "who" and answer.units == ("盟工商局",) and "加强广告监管" in answer.citations[0].text


@pytest.mark.parametrize("question", ["质监局都干嘛", "盟质监局平时干吗", "盟质监局干啥的"])
def test_what_a_unit_does_asks_its_tasks(analyze, question):
    query = analyze(question)
    assert query.intent == "unit_tasks" and query.units == ("盟质监局",), query


@pytest.mark.parametrize("question, operation", [("工商和质监都参与的任务", "and"), ("工商与质监共同牵头的工作有哪些", "and")])
def test_two_units_named_by_their_stems_and_joined(analyze, question, operation):
    query = analyze(question)
    assert query.intent == "set" and query.operation == operation and query.units == ("盟工商局", "盟质监局"), query


def test_the_new_rules_leave_units_and_topics_alone(analyze):
    assert analyze("金融办事项有哪些").units == ("盟金融办",)  # asked tasks: 办 of 金融办, not of 办事
    assert analyze("科技和金融结合的工作有哪些").intent != "set"  # two topics joined, no participation asked
    assert analyze("办理营业执照需要什么身份证明").intent != "yes_no"  # 身份证明, no role asked
    assert "辅助" in analyze("辅助决策系统谁牵头").terms  # 辅助 of 辅助决策, not the role


@pytest.mark.parametrize("question, intent", [
    ("哪几家负责规范执法行为这块", "who"),  # which units, not how many
    ("规范执法行为哪几家负责", "who"),
    ("发改委牵头搞公平竞争审查联席会议，配合的是哪几家", "cooperate"),  # the lead named as context, 配合 asked
    ("简易注销，谁牵头，谁配合", "who"),  # both asked, in two pieces
    ("简易注销谁牵头谁配合", "who"),
    ("简易注销谁牵头、还有哪些单位参与", "who"),  # the lead, and every unit taking part
    ("简易注销由谁牵头，涉及哪些部门", "who"),
    ("简易注销谁牵头", "lead"),
    ("组织开展涉及营商环境的地方性法规谁牵头", "lead"),  # 涉及 of the task, not asked
    ("简易注销谁牵头，涉及哪些内容", "lead"),  # what it covers, not who
    ("盟工商局牵头、盟财政局参与的工作有哪些", "set"),  # units named: the tasks both have, the roles as written
])
def test_the_role_asked_is_the_asking_pieces(analyze, question, intent):
    assert analyze(question).intent == intent


def test_which_year_a_plan_was_issued_is_its_date(analyze):
    assert analyze("这个方案是哪一年发的").document == "date"


def test_a_frames_first_character_is_cut_from_the_topic_before_it():
    from qa.answering.understand import FRAME_CUT

    assert FRAME_CUT.sub(" ", "优化融资对接平台增质效归哪个单位管") == "优化融资对接平台增质效 归哪个单位管"
    assert FRAME_CUT.sub(" ", "简易注销由谁牵头") == "简易注销 由谁牵头"
    assert FRAME_CUT.sub(" ", "回归本源谁负责") == "回归本源谁负责"  # 归 of a word, no frame after it
    assert FRAME_CUT.sub(" ", "用水用气报装有哪些配合单位") == "用水用气报装 有哪些配合单位"  # not 装有


@pytest.mark.parametrize("question, terms", [
    ("网络市场监管有什么要求", ("网络", "市场", "监管", "市场监管")),
    ("特种设备安全监管怎么安排的", ("特种", "设备", "特种设备", "安全", "监管", "安全监管")),
    ("方案里对特种设备有什么要求", ("特种", "设备", "特种设备")),
    ("人财物向基层倾斜这个事归哪个口管", ("财物", "人财物", "基层", "倾斜")),  # 口管: the line of work asked
])
def test_a_frame_asking_how_or_where_is_no_topic(analyze, question, terms):
    assert analyze(question).terms == terms


def test_a_task_whose_name_holds_a_documents_part_asked_who_is_a_task(analyze):
    assert analyze("基层政务公开事项目录归谁管").document == ""  # 目录 of the task's name, not the plan's parts
    assert analyze("这个方案的目录").document == "parts"


def test_an_unknown_banks_name_is_said_so_never_mended_into_a_topic(assistant):
    """人民银行锡盟中心支行: its 支行 is no slip for 执行 (which named a 先照后证 clause and its units), its 锡盟中 no
    naming of a plan (中心), and the name is said as a whole, not also its part 人民银行."""
    answer = assistant.ask("人民银行锡盟中心支行要配合什么")
    assert not answer.citations and answer.answer.startswith("方案中没有名为人民银行中心支行的单位"), answer.answer
    assert assistant.ask("编办牵头的事一共几件").answer.startswith("盟编办牵头的任务共4项")


def test_which_division_asks_which_units(analyze):
    assert analyze("反垄断那块是哪几个处负责的").intent == "who"
    assert analyze("哪个厅牵头").intent == "lead"


def test_a_deadline_of_a_month_in_the_plans_year_is_a_date():
    from qa.vocabulary import FACT_PATTERNS

    assert FACT_PATTERNS["date"].search("各项工作措施在9 月底前全面落地").group(0) == "9 月底前"
    assert FACT_PATTERNS["date"].search("（责任单位：市政务局；完成时限：年底前）").group(0) == "年底前"
    assert FACT_PATTERNS["date"].search("2023年9月底前完成").group(0).startswith("2023年9月")  # the year's form first


def test_which_clauses_a_unit_has_are_its_tasks_and_how_many_units_is_no_statistic(analyze):
    assert analyze("住建那边涉及哪几条").intent == "unit_tasks"
    query = analyze("小微企业那条的配合单位一共有多少家")
    assert query.intent == "cooperate" and not query.asks.startswith("stats")
    assert analyze("全盟企业一共有多少家").asks != ""  # a count the plans rarely state


@pytest.mark.parametrize("question", ["创建政务服务示范大厅的牵头单位是哪个", "建设市民服务中心谁负责"])
def test_a_name_asked_which_unit_leads_it_is_a_topic_not_an_unknown_unit(analyze, question):
    query = analyze(question)
    assert query.unknown_units == () and query.intent in ("lead", "who") and query.terms, query


@pytest.mark.parametrize("question", ["商务工作谁牵头", "财政工作谁牵头", "科技工作哪些单位配合"])
def test_a_stem_no_title_writes_asked_who_is_the_unit(analyze, question):
    # no task of the shipped plan is titled 商务, 财政 or 科技: the stem names the unit, and the task is asked for
    # (a stem a title writes is the topic: 招商工作谁牵头, tests/questions/plans/stems.yaml)
    query = analyze(question)
    assert len(query.units) == 1 and not query.terms, query


@pytest.mark.parametrize(
    "question, intent",
    [
        ("计量体系 牵头单位", "lead"),
        ("标准体系 负责单位", "who"),
        ("简易注销 配合", "cooperate"),
        ("明厨亮灶", "content"),
    ],
)
def test_bare_keywords(analyze, question, intent):
    assert analyze(question).intent == intent


@pytest.mark.parametrize(
    "question, document",
    [
        ("这个文是哪个单位发的", "issuer"),
        ("落款日期是哪天", "date"),
        ("这个文件发给哪些单位", "recipients"),
        ("这个方案是谁起草的", "drafter"),
        ("这方案依据的是哪两个文件", "basis"),
        ("方案分几个部分", "parts"),
        ("方案的主要目标是什么", "goals"),
        ("这个文件公开吗", "letter"),
        ("商标品牌建设贯彻的是行署哪个文件", ""),  # about a task, not the document
        ("简易注销谁牵头", ""),
    ],
)
def test_facts_about_the_document_itself(analyze, question, document):
    assert analyze(question).document == document


@pytest.mark.parametrize(
    "question, asks",
    [
        ("简易注销要交多少钱", "money"),
        ("七日无理由退货的运费谁出", "money"),
        ("特种设备作业人员证怎么考", "procedure"),
        ("企业名称核准需要准备哪些材料", "procedure"),
        ("反不正当竞争法第几条管虚假宣传", "law"),
        ("企业简易注销公告期是多少天", "duration"),
        ("驰名商标认定需要满足什么条件", "condition"),
        ("全盟去年新登记了多少户市场主体", "stats"),
        ("锡盟工商局办公地址在哪", "location"),
        ("到2020年全盟有效注册商标要达到多少件", "count:件"),
        ("企业名称核准改革要哪几家配合", ""),  # which units, not how many
        ("诚信之星推荐评选谁牵头", ""),  # 推荐 of a task, not asked of the assistant
        ("推荐一部好看的电影", "advice"),
        ("你推荐哪家代办公司", "advice"),
        ("推荐一批示范企业由谁牵头", ""),
        ("推荐个体工商户参评诚信之星谁负责", ""),
        ("降低市政管廊接入费用谁牵头", ""),  # a task about fees, not a fee
        ("提高税费服务满意度的牵头单位是哪个", ""),  # 税费 names the task's topic
        ("这笔税款要交多少", "money"),
        ("数字政府建设怎么考核", ""),
    ],
)
def test_what_plans_rarely_state_is_noticed(analyze, question, asks):
    assert analyze(question).asks == asks


def test_more_continues_the_topic(analyze):
    first = analyze("违法广告整治谁管")
    more = analyze("还有呢", dict(first.to_context(), anchor=["x-46"]))
    assert more.more and more.terms == first.terms and more.seen == ("x-46",) and more.intent == "content"
    again = analyze("其他的呢", dict(more.to_context(), anchor=["x-60"]))
    assert again.seen == ("x-46", "x-60")


def test_analyzer_checks_its_normaliser(assistant):
    from qa.answering.understand import QuestionAnalyzer

    with pytest.raises(ValueError, match="normaliser"):
        QuestionAnalyzer(assistant.analyzer.tokenizer, {}, assistant.lexicon, normaliser="opencc")


@pytest.mark.parametrize(
    "question",
    ["还有呢", "其他的呢", "那配合单位呢？", "它牵头哪些？", "谁牵头？", "配合的呢", "那广告监管呢？", "那质监局呢？"],
)
def test_a_follow_up_needs_the_context(assistant, question: str):
    assert assistant.analyzer.needs_context(question) is True


@pytest.mark.parametrize(
    "question",
    ["简易注销有哪些配合单位？", "盟质监局牵头哪些工作？", "简易注销由哪个单位牵头？", "计量体系建设谁负责？",
     "特种设备安全监管谁负责"],
)
def test_a_self_contained_question_needs_no_context(assistant, question: str):
    assert assistant.analyzer.needs_context(question) is False


@pytest.mark.parametrize(
    "question", ["简易注销有哪些配合单位？", "盟质监局牵头哪些工作？", "计量体系建设谁负责？", "明厨亮灶"]
)
def test_a_question_that_needs_no_context_is_read_the_same_with_one(analyze, question: str):
    """needs_context is False only where the context would change nothing."""
    context = dict(analyze("违法广告整治谁管").to_context(), anchor=["x-46"])
    assert analyze(question, context) == analyze(question)


@pytest.mark.parametrize("question", ["还有呢", "那配合单位呢？", "它牵头哪些？", "那广告监管呢？"])
def test_a_question_that_needs_context_is_read_otherwise_with_one(analyze, assistant, question: str):
    """needs_context is True where the context does change the reading."""
    assert assistant.analyzer.needs_context(question)
    context = dict(analyze("盟质监局牵头哪些工作？").to_context(), anchor=["x-46"])
    assert analyze(question, context) != analyze(question)


# -- issue 22: never a different unit; set, yes/no and comparison questions; follow-ups that switch ---------


@pytest.mark.parametrize("question, name", [("应急管理局牵头哪些工作", "应急管理局"), ("盟统计局涉及哪些事项", "盟统计局"),
                                            ("请问审计局在这个方案里承担什么任务", "审计局"), ("海关参与了哪些工作", "海关"),
                                            ("水务局配合哪些任务", "水务局"),
                                            ("交通运输局有什么分工", "交通运输局")])  # jieba cuts 交通运输/局有
def test_a_unit_the_plans_lack_is_never_read_as_another(analyze, question, name):
    query = analyze(question)
    assert query.units == () and query.unknown_units == (name,)


@pytest.mark.parametrize("question", ["产业布局有哪些任务", "一网通办的配合处室是哪个", "简易注销怎么办", "12315投诉办结谁负责"])
def test_words_ending_as_a_unit_does_are_not_units(analyze, question):
    assert analyze(question).unknown_units == ()


def test_an_abbreviation_starts_where_a_word_does(analyze):
    assert analyze("商务局牵头什么").units == ("盟商务局",)
    # its 务局 is no abbreviation of 盟商务局: 税务局 is the 2018 name of 盟国税局 and 盟地税局 (corpus/renames.yaml)
    assert analyze("税务局牵头什么").units == ("盟国税局", "盟地税局")


@pytest.mark.parametrize(
    "question, operation, members",
    [
        ("盟工商局和盟质监局都参与的任务", "and", [("盟工商局", "any", False), ("盟质监局", "any", False)]),
        ("工商局跟质监局共同牵头的工作", "and", [("盟工商局", "lead", False), ("盟质监局", "lead", False)]),
        ("工商局牵头、环保局配合的任务", "and", [("盟工商局", "lead", False), ("盟环保局", "cooperate", False)]),
        ("编办或者发改委牵头的工作有哪些", "or", [("盟编办", "lead", False), ("盟发改委", "lead", False)]),
        ("工商局牵头但质监局不参与的任务", "minus", [("盟工商局", "lead", False), ("盟质监局", "any", True)]),
        ("除了质监局，工商局牵头的还有哪些", "minus", [("盟质监局", "any", True), ("盟工商局", "lead", False)]),
    ],
)
def test_set_questions_name_each_unit_with_its_role(analyze, question, operation, members):
    query = analyze(question)
    assert query.intent == "set" and query.operation == operation
    assert [(names[0], role, denied) for names, role, denied in query.members] == members


@pytest.mark.parametrize("question", ["盟工商局和盟质监局牵头哪些工作", "盟工商局、盟质监局的任务都有哪些"])
def test_units_only_listed_together_ask_for_each_ones_tasks(analyze, question):
    assert analyze(question).intent == "unit_tasks"


@pytest.mark.parametrize(
    "question, intent",
    [
        ("是不是盟工商局牵头简易注销", "yes_no"),
        ("盟环保局是简易注销的配合单位吗", "yes_no"),
        ("特种设备安全监管是质监局负责的吧", "yes_no"),
        ("盟工商局和盟质监局谁牵头的多", "compare"),
        ("法制办比编办多牵头几项", "compare"),
        ("哪个单位牵头的任务最多", "compare"),
        ("简易注销有没有配合单位", "cooperate"),  # no unit named: which units, not whether
    ],
)
def test_yes_no_and_comparison_questions(analyze, question, intent):
    assert analyze(question).intent == intent


def test_most_of_an_amount_is_no_comparison_of_units(analyze):
    assert analyze("信易贷最多能贷多少钱").intent != "compare"


def test_a_topic_switch_takes_the_new_topic_and_keeps_the_frame(analyze):
    first = analyze("食品安全全过程监管谁牵头")
    context = dict(first.to_context(), anchor=["food"])
    second = analyze("那药品呢？", context)
    assert second.intent == "lead" and second.terms == ("药品",) and not second.anchor
    assert second.seen == ("food",) and "监管" in second.context and "食品" not in second.context


def test_a_unit_switch_after_yes_no_keeps_the_task_and_role(analyze):
    first = analyze("是不是盟工商局牵头简易注销")
    second = analyze("那盟环保局呢", dict(first.to_context(), anchor=["x-31"]))
    assert second.intent == "yes_no" and second.anchor == ("x-31",)
    assert second.members == ((("盟环保局",), "lead", False),)


def test_an_abbreviation_beside_a_name_written_in_full_is_read_too(both_assistant):
    query = both_assistant.analyzer.analyze("市税务局和市商务局都参与了哪些")
    assert query.intent == "set" and query.unknown_units == ()
    assert [names for names, _, _ in query.members] == [("国家税务总局三亚市税务局",), ("市商务局",)]


def test_abbreviations_are_looked_for_among_the_names_holding_their_characters(both_assistant):
    from qa.answering.understand import HoldingIndex
    from qa.reading.units import is_abbreviation

    names = both_assistant.analyzer.full_names
    index = HoldingIndex(names)
    for span in ("工商局", "市场监管局", "资规局", "质监", "三亚财政", "不存在局"):
        holding = [n for n in names if set(span) <= set(n)]
        assert index.candidates(span) == holding  # every name that could be abbreviated, in the names' order
        assert [n for n in holding if is_abbreviation(span, n)] == [n for n in names if is_abbreviation(span, n)]


def test_the_procedure_pattern_finds_what_it_found_before_over_every_real_plan():
    # the "…的，要…" branch looks behind at two characters instead of matching from every start: the same
    # clauses hold a procedure, over the shipped plan and the ten real plans
    import re
    from pathlib import Path

    from qa import load_corpus
    from qa.answering.cues import HOLDS

    before = re.compile(
        r"提出(?:书面)?申请|(?:凭|持)[^。；]{1,20}(?:办理|申请)|(?:材料|流程|步骤|手续)(?:包括|为|如下)"
        r"|申请材料|办理流程"
        r"|[^。；]{2,}的[,，](?:要|应|应当|须|必须|由)"
    )
    root = Path(__file__).resolve().parent
    texts = [c.text for c in load_corpus(root / "data" / "real").clauses]
    texts += [c.text for c in load_corpus(root.parent / "corpus").clauses]
    texts += ["发现涉嫌犯罪的，要及时移送", "的，要", "。的，要", "a的,由", "；b的，须", "ab的，必须"]
    found = [bool(HOLDS["procedure"].search(t)) for t in texts]
    assert found == [bool(before.search(t)) for t in texts] and sum(found) > 10


def test_a_staff_word_inside_a_longer_word_of_jiebas_is_read_as_written(tmp_path):
    """terms.yaml's 新基建 (新型基础设施) in "新基建投资", which jieba cuts 新/基建投资."""
    from qa import Assistant, StateStore

    (tmp_path / "plan.txt").write_text(
        "某市支持民间投资若干措施\n一、扩大投资\n1.鼓励民间资本投资新型基础设施。（责任单位：市发展改革委）\n"
        "2.支持民间资本参与城市更新。（责任单位：市住房城乡建设管理委）\n",
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parent.parent
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=root / "corpus")
    assert "新基建" in assistant.analyzer.analyze("新基建投资谁负责").terms
    assert assistant.ask("新基建投资谁负责").units == ("市发展改革委",)
