"""A compilation (汇编) read as its documents: entry headings found, each document its own plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.reading.documents import document_starts, entry_issuer, entry_title, split_documents
from qa.reading.sources import SourceText

ROOT = Path(__file__).resolve().parent.parent

COMPILATION = """# source: a compilation
（三）河北
1. 甲市市场监督管理局关于印发2023 年全市知识产权行政
保护实施方案的通知（2023 年3 月11 日）
甲市监函〔2023〕113 号
各县（区）市场监督管理局：
现将《2023 年全市知识产权行政保护实施方案》印发给你们，请抓好贯彻落实。
甲市市场监督管理局
2023 年3 月11 日
2023 年全市知识产权行政保护实施方案
一、主要任务
1.强化行政保护。加大执法力度。（市市场监管局牵头，市公安局配合）
2.完善评价体系。推动考核落地。（市发展改革委负责）

# Page 158:
2.
乙市人民政府办公室关于印发乙市2023 年优化营商环境工作要点
的通知（2023 年4 月19 日）
乙政办发〔2023〕10 号
各县人民政府，市人民政府各工作部门：
现将《乙市2023 年优化营商环境工作要点》印发给你们，请认真贯彻执行。
乙市人民政府办公室
2023 年4 月19 日
乙市2023 年优化营商环境工作要点
一、提升政务服务
1.推行一网通办。（市行政审批局牵头，市大数据局配合）
2.压缩办理时限。（市行政审批局、市住建局按职责分工负责）
"""


def source(text: str, name: str = "hebei.txt") -> SourceText:
    return SourceText(name, tuple(text.split("\n")), "utf-8")


def test_entry_headings_start_documents_and_keep_the_file_numbering():
    lines = source(COMPILATION).lines
    assert [lines[i][:4] for i in document_starts(lines)] == ["1. 甲", "2."]
    documents = split_documents(source(COMPILATION))
    assert len(documents) == 2  # the compilation's own two lines go with no document
    first, second = documents
    assert first.source.lines[15] == "" and second.source.lines[15] == "2." and second.source.lines[2] == ""
    assert len(first.source.lines) == len(second.source.lines) == len(lines)
    assert entry_title(second.heading) == "乙市2023年优化营商环境工作要点"


def test_each_document_is_a_plan_of_its_own(segmenter):
    clauses = segmenter.segment(source(COMPILATION))
    docs = list(dict.fromkeys(c.doc for c in clauses))
    assert docs == ["2023年全市知识产权行政保护实施方案", "乙市2023年优化营商环境工作要点"]
    strengthen = next(c for c in clauses if "强化行政保护" in c.text)
    assert strengthen.doc == docs[0] and strengthen.lead == ("市市场监管局",) and strengthen.path == "一、1"
    shorten = next(c for c in clauses if "压缩办理时限" in c.text)
    assert shorten.doc == docs[1] and shorten.lead == () and shorten.cooperate == ("市行政审批局", "市住建局")
    letters = [c for c in clauses if c.kind == "letter" and c.doc == docs[1]]
    assert any("乙政办发〔2023〕10 号" in c.text for c in letters)  # its own document number
    assert len({c.id for c in clauses}) == len(clauses)


def test_a_single_plan_a_table_of_contents_and_a_cited_notice_are_not_split():
    one = "某市2023年工作要点\n一、任务\n1.推进改革。（市发改委牵头）"
    assert split_documents(source(one))[0].heading == ""
    toc = "1. 甲市关于印发方案的通知（2023 年3 月11 日）\n....................\n" \
          "2. 乙市关于印发要点的通知（2023 年4 月19 日）\n....................\n"
    assert document_starts(source(toc).lines) == []
    cited = "5.全面落实《省政府关于实行清单管理的通知》（2023 年3 月1 日）要求，做好衔接。\n" * 2
    assert document_starts(source(cited).lines) == []


def test_entry_titles_and_issuers():
    heading = "6. 廊坊市人民政府办公室印发关于进一步优化营商环境的61 条措施的通知（2023 年4 月14 日）"
    assert entry_title(heading) == "关于进一步优化营商环境的61条措施"
    assert entry_issuer(heading) == "廊坊市人民政府办公室"
    assert entry_title("8. 某省关于印发《某省营商环境行动方案》的通知（2023 年1 月4 日）") == "某省营商环境行动方案"
    assert entry_title("6. 云港市优化营商环境条例（征求意见稿）（2023 年3 月28 日）") == "云港市优化营商环境条例（征求意见稿）"


def test_two_plans_of_one_title_are_told_apart_by_their_facts(tmp_path):
    """Two cities' plans of the same title (进一步优化营商环境…实施方案 of 漳州 and 安阳 in the compilation): each
    one's date and issuer are its own, asked by its number."""
    from qa import Assistant, StateStore

    same_title = COMPILATION.replace("乙市2023 年优化营商环境工作要点", "2023 年全市知识产权行政保护实施方案").replace(
        "2023 年全市知识产权行政\n保护实施方案的通知", "2023 年全市知识产权行政保护实施方案的通知"
    )
    first_half, _, second_half = same_title.partition("# Page 158:")
    (tmp_path / "hebei.txt").write_text(first_half, encoding="utf-8")  # one file each, as two provinces' files
    (tmp_path / "henan.txt").write_text("# source: a compilation\n（四）河南\n" + second_half, encoding="utf-8")
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    assert len({c.doc for c in assistant.clauses}) == 1 and len(assistant.catalogue) == 2
    first = assistant.ask("甲市监函〔2023〕113号是什么时候印发的")
    assert "3月11日" in first.answer.replace(" ", "") and "4月19日" not in first.answer.replace(" ", "")
    second = assistant.ask("乙政办发〔2023〕10号是谁印发的")
    assert "乙市人民政府办公室" in second.answer and "甲市" not in second.answer, second.answer


def test_a_plan_called_by_its_kind_is_the_document(tmp_path):
    """"这个要点是哪个单位发的", "方案的文号" asked of a plan that calls itself a 要点: facts of the document (方案, a
    word the plan never writes, is the plan itself, not a topic it lacks)."""
    from qa import Assistant, StateStore

    second = COMPILATION.partition("# Page 158:")[2]
    (tmp_path / "yi.txt").write_text("\n".join(second.splitlines()[2:]), encoding="utf-8")
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    for question in ("这个要点是哪个单位发的", "这份要点是谁印发的"):
        assert assistant.ask(question).answer.startswith("发文单位：乙市人民政府办公室"), question
    for question in ("方案的文号", "这份文件的文号是多少"):
        assert "乙政办发〔2023〕10" in assistant.ask(question).answer, question


ENTRY_HEADINGS = ROOT / "tests" / "data" / "entry_headings"  # a made-up compilation file of four documents


def test_an_entry_heading_standing_as_the_title_gives_the_documents_facts():
    """"1. 甲省人民政府办公厅关于加快建设…的实施意见（2023 年5 月17 日）" / "甲政办发〔2023〕15 号", with no cover letter
    (as hubei.txt's first two documents): the issuers before 关于, the date in brackets, the number after it."""
    from qa.reading.documents import heading_facts

    assert heading_facts(["1. 甲省人民政府办公厅关于加快建设高质量人力资源市场", "体系的实施意见（2023 年5 月17 日）",
                          "甲政办发〔2023〕15 号", "各市、州、县人民政府："]) == (
        ("甲省人民政府办公厅",), "2023年5月17日", "甲政办发〔2023〕15号")
    assert heading_facts(["2. 湖北省商务厅武汉海关关于进一步提升", "…的公告（2023 年2 月24 日）"])[0] == ("湖北省商务厅", "武汉海关")
    assert heading_facts(["为深入实施就业优先战略，到2025 年…"]) == ((), "", "")
    # "X印发关于…的通知": the issuer before 印发 as before 关于
    assert heading_facts(["5. 吉安市人民政府办公室印发关于进一步优化营商环境降低市", "场主体制度性交易成本政策措施的通知（2023 年4 月4 日）",
                          "吉府办字〔2023〕22 号"]) == (("吉安市人民政府办公室",), "2023年4月4日", "吉府办字〔2023〕22号")


def test_an_entry_heading_naming_another_document_gives_way_to_the_title_its_letter_gives():
    """A compilation's entry heading that names another document than the one after it (guangxi.txt's first): the
    title the cover letter quotes as the document it gives, which the title in the text opens; else the entry's."""
    from qa.reading.documents import given_title

    letter = ["1.广西壮族自治区机关事务管理局关于印发2023 年持续深化公", "桂政办发〔2023〕27 号",
              "《广西贯彻落实〈“十四五”市场监管现代化规划〉实施方案》已经自治区人民政府同意，现印发给你们，请认真贯彻落实。"]
    entry = "2023年持续深化公共资源交易平台整合共享工作要点"
    assert given_title(entry, "广西贯彻落实《“十四五”市场监管现代化规划》", letter) == \
        "广西贯彻落实〈“十四五”市场监管现代化规划〉实施方案"
    # the entry names it (most share their words with the title): the entry's, as always
    assert given_title("广西贯彻落实《“十四五”市场监管现代化规划》实施方案", "广西贯彻落实《“十四五”市场监管现代化规划》",
                       letter) == ""
    # a title the letter does not quote is no ground to doubt the entry
    assert given_title(entry, "广西贯彻落实《“十四五”市场监管现代化规划》", letter[:2]) == ""


@pytest.fixture(scope="module")
def entries():
    from qa import Assistant, StateStore

    return Assistant.from_folder(ENTRY_HEADINGS, store=StateStore(":memory:"), knowledge=ROOT / "corpus")


def test_each_documents_facts_and_names_in_a_compilation_file(entries):
    plans = {p.id: p for p in entries.catalogue}
    assert (plans["jia-1"].issuer, plans["jia-1"].date, plans["jia-1"].number) == (
        "甲省人民政府办公厅", "2023年5月17日", "甲政办发〔2023〕15号")
    assert plans["jia-2"].issuer == "甲省商务厅、乙海关"
    asked = {
        "甲政办发〔2023〕15号是什么时候印发的": ("jia-1", "2023年5月17日"),
        "商务厅和乙海关公告是什么时候发布的": ("jia-2", "2023年2月24日"),  # two issuers joined, a 公告
        "甲省商务厅乙海关的公告是谁发的": ("jia-2", "甲省商务厅、乙海关"),
        "省政府办公厅人力资源市场体系的意见里职业技能培训谁负责": ("jia-1", "省人社厅"),  # a title holding 的
        "省市场监管局控制成本若干措施里一照多址谁负责": ("jia-3", "注册处"),  # the issuer tells two titles apart
    }
    for question, (plan, said) in asked.items():
        answer = entries.ask(question)
        assert answer.plans == (plan,) and said in answer.answer, (question, answer.plans, answer.answer)


def test_a_follow_up_opening_with_among_them_keeps_the_document(entries):
    entries.ask("甲省商务厅乙海关的公告是谁发的", "among")
    answer = entries.ask("其中出口退税有什么措施", "among")
    assert answer.plans == ("jia-2",) and "出口退税" in answer.citations[0].text


def test_a_notice_of_two_documents_is_titled_by_the_first_and_a_headings_title_clause_gives_its_facts():
    from qa.reading.documents import entry_title

    assert entry_title("2. 浙江省知识产权局等关于印发《关于推进专利公开实施的指导意见》《浙江省专利公开实施办法（试行）》"
                       "的通知（2023 年6 月27 日）") == "关于推进专利公开实施的指导意见"


def test_a_headings_date_broken_over_lines_and_the_number_after_it():
    from qa.reading.documents import heading_facts

    front = ["7. 忻州市人民政府办公室关于印发忻州市12345 政务服务便民", "热线与110 报警服务台高效对接联动实施方案的通知",
             "（2023 年5", "月4 日）", "忻政办发〔2023〕19 号", "各县（市、区）人民政府："]
    assert heading_facts(front) == (("忻州市人民政府办公室",), "2023年5月4日", "忻政办发〔2023〕19号")


def test_the_plans_own_number_is_on_a_line_of_its_own_never_one_a_sentence_cites(assistant):
    """The shipped plan (a draft sent for comments) has no number of its own: its preamble cites 国发〔2017〕6号."""
    assert not assistant.ask("文号是多少").found
    assert "内政发〔2017〕135号" in assistant.ask("自治区的市场监管规划是哪个文号").answer  # a cited one, asked by name



def test_a_body_sealing_for_the_issuer_signs_only_where_no_heading_names_one(tmp_path):
    """"…协调领导小组办公室（代章）" seals for the issuer the entry heading names (克拉玛依市人民政府办公室); a heading
    naming none ("2. 关于印发…") leaves the sealing body, its wrapped name whole, as the issuer."""
    from qa import Assistant, StateStore

    body = "\n一、重点任务\n（一）推行简易注销。全面推行简易注销。（牵头单位：市市场监管局）\n"
    (tmp_path / "kl.txt").write_text(
        "4. 克拉玛依市人民政府办公室关于印发克拉玛依市2023 年“放管服”改革工作要点的通知（2023 年5 月10 日）\n"
        "各区人民政府：\n《克拉玛依市2023 年“放管服”改革工作要点》已经同意，现印发给你们。\n"
        "市推进政府职能转变和“放管服”改革\n协调领导小组办公室（代章）\n2023 年5 月10 日\n"
        "克拉玛依市2023 年“放管服”改革工作要点" + body, encoding="utf-8")
    (tmp_path / "jx.txt").write_text(
        "2. 关于印发全省2023 年度深化工程建设项目审批制度改革工作方案的通知（2023 年6 月14 日）\n"
        "省直有关单位：\n现将《全省2023 年度深化工程建设项目审批制度改革工作方案》印发给你们，请结合实际抓好落实。\n"
        "省城市功能品质提升与工程建设项目审批\n制度改革部门联席会议办公室（代章）\n2023 年6 月14 日\n"
        "全省2023 年度深化工程建设项目审批制度改革工作方案" + body, encoding="utf-8")
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    answer = assistant.ask("克拉玛依的放管服工作要点是谁发的").answer
    assert answer.startswith("发文单位：克拉玛依市人民政府办公室。"), answer
    answer = assistant.ask("全省2023年度深化工程建设项目审批制度改革工作方案是哪个单位发的").answer
    assert answer.startswith("发文单位：省城市功能品质提升与工程建设项目审批制度改革部门联席会议办公室。"), answer
    assert {p.issuer for p in assistant.catalogue} == {"克拉玛依市人民政府办公室",
                                                       "省城市功能品质提升与工程建设项目审批制度改革部门联席会议办公室"}


def test_the_heading_announcing_the_plan_is_cited_for_its_issuer_and_date(tmp_path):
    """"1. 江苏省人民政府办公厅印发…的通知（2023 年3 月18 日）" states who issued the plan and when, as the signature and
    the date line do: it is cited first (a heading naming the issuer short or another date is not)."""
    from qa import Assistant, StateStore

    (tmp_path / "js.txt").write_text(
        "1. 江苏省人民政府办公厅印发关于促进个体工商户高质量发展若干\n政策措施的通知（2023 年3 月18 日）\n苏政办规〔2023〕3 号\n"
        "各市、县（市、区）人民政府：\n《关于促进个体工商户高质量发展的若干政策措施》已经省人民政府同意，现印发给你们。\n"
        "江苏省人民政府办公厅\n2023 年3 月18 日\n关于促进个体工商户高质量发展的若干政策措施\n一、降低成本\n"
        "（一）减半收取检验费用。减半收取住宿餐饮业的电梯检验费。（省市场监管局负责）\n", encoding="utf-8")
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    issuer = assistant.ask("这个政策措施是谁发的")
    assert issuer.answer.startswith("发文单位：江苏省人民政府办公厅。") and "江苏省人民政府办公厅印发" in issuer.citations[0].text
    date = assistant.ask("这个政策措施是哪天印发的")
    assert "3 月18 日" in date.answer and date.citations[0].text.startswith("政策措施的通知（2023 年3 月18 日）"), date


def test_a_signature_written_short_is_answered_by_the_full_name_the_heading_gives(tmp_path):
    from qa import Assistant, StateStore

    (tmp_path / "gd.txt").write_text(
        "6. 广东省人民政府办公厅关于印发广东省培育扶持个体工商户若干措施的通知\n粤办函〔2023〕12 号\n"
        "各地级以上市人民政府，省政府各部门：\n《广东省培育扶持个体工商户若干措施》已经省人民政府同意，现印发给你们。\n"
        "省政府办公厅\n2023 年1 月12 日\n广东省培育扶持个体工商户若干措施\n一、降低成本\n"
        "1.降低融资成本。引导金融机构降低利率。（责任单位：省地方金融监管局）\n",
        encoding="utf-8",
    )
    assistant = Assistant.from_folder(tmp_path, store=StateStore(":memory:"), knowledge=ROOT / "corpus")
    answer = assistant.ask("这文件哪个单位发的").answer
    assert answer.startswith("发文单位：广东省人民政府办公厅（落款：省政府办公厅）"), answer
