"""The plans' language, written once: unit-name endings, place prefixes, duty labels, role words,
deadline labels and the cue words of questions. Every pattern of the library is composed from these
lists; staff extend some of them from corpus/terms.yaml (see `Vocabulary.extended`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 委员会 is tried before 委)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# -- brackets and separators ---------------------------------------------------------------
OPENERS = "(（〔[【［"  # "(责任单位:…)", "〔市市场监管局，…〕", "［牵头单位：市司法局］"
CLOSERS = ")）〕]】］"
# Brackets and quotes whose opening keeps a wrapped line running on.
OPEN_CLOSE = {"(": ")", "（": "）", "《": "》", "“": "”", "[": "]", "〔": "〕", "［": "］"}
# A list of units is split at these, outside brackets and quotes ("盟发改委、盟财政局"; not inside 县〔市、区〕).
LIST_SEPARATORS = "、,，;；"
# Words that join two units only when both sides look like units ("省工业和信息化厅及省直有关单位"), never
# inside one ("住房和城乡建设局", "工业和信息化局"); "A及其所属单位" is one unit.
UNIT_JOINERS = ("和", "及")
# What a responsibility line separates its role groups with ("A牵头，B、C配合，D落实").
ROLE_GROUP_SEPARATORS = ",，;；。"

# -- unit names ----------------------------------------------------------------------------
# Endings of a government department: a bare one in a list takes the list's prefix (发改委 → 盟发改委).
DEPARTMENT_ENDINGS = (
    "局",
    "委",
    "办",
    "厅",
    "院",
    "所",
    "室",
    "委员会",
    "办公室",
    "中心",
    "分院",
    "支行",
    "小组",
    "政府",
    "部门",
    "单位",
    "机构",
    "会",  # 总工会 → 区总工会, 贸促会
    "联",  # 工商联 → 区工商联, 妇联
)
# Endings of units that never take a list's prefix: a bureau's own divisions (审批处, 造价站, 法规科), companies
# (电力公司, 新城公司) and branches named after their own place (广东银保监局, 铜川银保监分局, 山西证监局).
OWN_NAME_ENDINGS = (
    "处", "站", "科", "公司", "银保监局", "银保监分局", "证监局", "海关", "中支", "交易所", "分署", "车务段",
)
# Endings of any unit a plan gives a duty: departments and also 海关, 银行, 街道, 妇联, 总队, 医院 ….
UNIT_ENDINGS = DEPARTMENT_ENDINGS + OWN_NAME_ENDINGS + (
    "部",  # 市委统战部
    "开发区",  # 广元经济技术开发区
    "高新区",
    "街道",
    "乡镇",
    "镇",
    "银行",
    "集团",
    "社",
    "馆",
    "校",
    "园区",
    "党委",
    "总队",
    "支队",
    "大队",
    "医院",
    "分行",  # 人民银行广州分行
    "大学",  # 延安大学
    "学院",
    "专班",  # 厅行业治理提升专班
)
# Endings that close the named units of "A、B等相关单位" (the rest is the group they belong to): any unit's
# ("市贸促会等市级相关部门", "市政府督查室等").
NAMED_BEFORE_ETC = UNIT_ENDINGS
# Endings an issuing body's line has (锡林郭勒盟工商行政管理局, 三亚市人民政府办公室).
ISSUER_ENDINGS = ("局", "办公室", "政府", "委员会", "厅", "委", "办", "院", "中心", "公司", "部", "海关")

# A unit standing as the label of its own duties, in a section dividing the work ("四、职责分工" / "地区营商局：" /
# "拟定…，在政务服务大厅设置…"): that unit does them. Not an addressee list ("各区人民政府，市政府各委、办、局：").
OWNER_ENDINGS = alternation((*ISSUER_ENDINGS, "企业"))  # and the firms a duty falls to (供水供电供气供热通讯企业)
# Its duties open with a verb of doing (负责…, 拟定…, 要立足…): not a contact ("市发展改革委：张三"), not a heading's
# gloss ("坚持以人民为中心：把群众满意…").
DUTY_VERBS = ("负责", "牵头", "拟定", "制定", "组织", "落实", "承担", "做好", "配合", "协助", "统筹", "指导", "推进", "督促",
              "会同", "主要负责", "要", "按照", "根据", "加强", "建立", "完善", "提供", "开展", "审核", "受理", "办理")
DUTY_OWNER = re.compile(rf"(?P<unit>[^\W\d_各][^\W\d_、，,：:；;。]{{0,17}}?(?:{OWNER_ENDINGS}))[：:]"
                        rf"(?P<rest>(?:{alternation(DUTY_VERBS)}).*|\s*)", re.S)
# Endings staff keep when they abbreviate a unit (资规局, 中院, 市场监管局).
ABBREVIATION_ENDINGS = ("局", "委", "院", "厅", "海关", "中心", "政府", "办", "部", "公司")  # 组织部: 市委组织部
# The fewest characters an abbreviation by such an ending has (2 for the others): 金融办 but not 办; 供电公司 of
# 国网泰安供电公司, but never 公司 alone.
SHORTEST_ABBREVIATION = {"办": 3, "公司": 4}
# Words of a name staff write short, as (full, short): 郑州市人民政府 is 郑州市政府, 湖北省人民政府办公厅 湖北省政府办公厅.
NAME_SHORT_FORMS = (("人民政府", "政府"),)
# An office ending a name, said short, with the words above or not: 汕尾市人民政府办公室 is 汕尾市政府办 (市政府办).
OFFICE_SHORT_FORMS = (("办公室", "办"), ("办公厅", "办"))
# Endings of a unit named in a question but not in the plans (盟教育局牵头哪些工作).
QUESTION_UNIT_ENDINGS = ("局", "委", "委员会", "办公室", "厅", "院", "中心", "政府")
# Administrative prefixes a unit name can start with (盟发改委, 市财政局, 区教育局 …), and the longer ones
# ("自治区公安厅、商务厅" → 自治区商务厅), a party committee's among them (市委组织部: 组织部 of the 市委).
PREFIX_CHARS = "盟市区县旗州省"
PREFIX_WORDS = ("自治区党委", "自治区", "省委", "市委", "区委", "县委", "州委", "盟委", "旗委")
# Place endings of a plan's title (锡林郭勒盟, 三亚市, 内蒙古自治区).
PLACE_ENDINGS = ("自治区", "盟", "市", "县", "区", "旗", "州", "省")
# The peoples an autonomous place's full name holds before 自治区/州/县/旗, each written with or without 族:
# staff write the place without them (广西壮族自治区 → 广西, 凉山彝族自治州 → 凉山州, 凉山; 伊犁哈萨克自治州 → 伊犁).
# A one-character people is taken only with its 族 (白, 水 and 京 open place names too).
AUTONOMOUS_PEOPLES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
# What an autonomous place's level opens with (凉山彝族自治州, 鄂伦春自治旗; 自治区 is a level of its own).
AUTONOMOUS = "自治"
# A prefecture's two-character level (大兴安岭地区, 喀什地区): staff write the place without it (大兴安岭).
PREFECTURE = "地区"
# Two-character openings that begin with a prefix character but are words, not prefixes (市监局: 市场监管局).
NOT_PREFIXED = frozenset(
    {"市场", "市政", "市级", "区域", "区级", "县域", "县级", "省级", "州级", "旗级", "盟级", "盟员", "市监"}
)
# Areas that end as a district does and are no administrative place (对标湾区, 工业园区, 旅游景区), two characters
# each (not 城区: 东城区 and 阳泉市城区 are districts).
NOT_PLACE_AREAS = ("湾区", "园区", "景区", "社区", "片区", "辖区", "小区", "街区", "厂区", "校区", "港区")
# A note of the document's attachments in its body ("附件：…任务分解表（略）", "附件1：", "附件"): no task's text.
ATTACHMENT_NOTE = re.compile(r"附件\s*(?:[\d一二三四五六七八九十]{1,2}\s*)?(?:[:：]|$|\s)")
# A department's own office issuing for it ("吉林省医疗保障局办公室"), after the department's last character.
DEPARTMENT_OFFICES = ("办公室", "办公厅")
DEPARTMENT_ENDS = "局厅委办署院会"
# A note after a cover letter's signature: the seal (盖章, 印章), or one body sealing for another (代章: SEAL_NOTE).
SIGNATURE_NOTE = re.compile(r"\s*[（(](?:代章|印章|盖章|章)[)）]$")
SEAL_NOTE = re.compile(r"\s*[（(]代章[)）]$")
# Words of an administrative level that open a group's name and never take a list's prefix ("各市、县级政府":
# 县级政府, not 省县级政府).
LEVEL_WORDS = ("省级", "市级", "县级", "区级", "州级", "旗级", "盟级", "乡级", "镇级")
# Words that follow a prefix although their first character makes a word with it (市+政府, 市+政务).
PREFIXED_WORDS = frozenset({"政府", "政务", "政法", "政协"})
# Openings and endings of the name of a group of units (各有关部门, 成员单位): never given a prefix.
GROUP_OPENINGS = ("各", "具有", "相关", "有关", "开展", "其他", "其它", "所属", "成员")
GROUP_ENDINGS = ("单位", "部门", "机构")
# Unit names that keep their own place and are never prefixed (国家税务总局…, 中国人民银行…).
NATIONAL_OPENINGS = ("国家", "中国", "自治区", "人民银行", "人行", "国网", "民航")
# Bodies of a place: a two-character place and one of these keeps its own place (南沙区政府, 天河区人民法院),
# while "大湾区办" after "市地方金融监管局" is 市大湾区办 (a longer place keeps its own: 育才生态区管理委员会).
PLACE_BODIES = ("政府", "法院", "检察院", "党委")
# Zones a unit can be named after, which then keeps its own name (崖州湾科技城管理局, 广元国际铁路港管委会).
ZONE_WORDS = (
    "科技城", "产业园", "工业园", "科技园", "园区", "新区", "开发区", "高新区", "保税区", "自贸区", "示范区",
    "合作区", "铁路港", "空港", "港区", "功能区",
)
# The issuing office's own bodies (机关纪委, 机关党委; not 机关事务管理局, a department; a 厅's or 局's own 厅督查小组,
# 厅机关各处室): a list's prefix is never theirs.
OWN_BODY_OPENINGS = ("机关纪委", "机关党委", "机关工会", "厅机关", "局机关", "厅督查", "局督查", "厅办公室", "局办公室")
# Provinces: a name opening with one keeps its own place (广东银保监局, 山西证监局, 贵州电网公司).
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)

# -- duty labels and role words ------------------------------------------------------------
# Labels that open a responsibility block, "(责任单位:…)", by the role their units take ("（牵头：X；配合：Y）").
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头责任单位", "主责单位", "牵头")
DUTY_LABELS = ("责任单位", "责任部门", "责任处室", "责任科室")
COOPERATE_LABELS = (
    "配合单位", "配合部门", "协办单位", "协办部门", "协同单位", "协同部门", "参与单位", "参与部门", "配合",
)
DEADLINE_LABELS = ("完成时限", "完成时间", "时间节点", "时限要求", "整改时限", "办结时限")
OPENING_LABELS = LEAD_LABELS + DUTY_LABELS
ALL_LABELS = OPENING_LABELS + COOPERATE_LABELS + DEADLINE_LABELS
# What a piece of a free-form duty line ends with, and the role it gives ("A牵头，B、C配合，D落实"):
# lead; cooperate; responsible ("A、B负责": lead, but cooperate beside a 牵头 unit: "X牵头，Y负责"); shared
# ("按职责分工负责": like responsible, and also cooperate after units named with no role, "A，B按职责分工负责").
ROLE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("牵头并按职责分工负责", "lead"),
    ("牵头落实", "lead"),
    ("牵头实施", "lead"),
    ("为牵头单位", "lead"),  # "X为牵头单位，Y为配合单位"
    ("为牵头部门", "lead"),
    ("为配合单位", "cooperate"),
    ("为配合部门", "cooperate"),
    ("为责任单位", "responsible"),
    ("负总责", "lead"),  # "X负总责，Y具体负责"
    ("主办", "lead"),
    ("配合落实", "cooperate"),
    ("配合实施", "cooperate"),
    ("具体负责", "responsible"),
    ("各自负责", "responsible"),
    ("负责实施", "responsible"),
    ("按照职责分工负责", "shared"),
    ("按职责分别牵头负责", "lead"),  # "A、B等单位按职责分别牵头负责"
    ("分别牵头负责", "lead"),
    ("均为责任单位", "responsible"),  # "各市州、县市区人民政府均为责任单位"
    ("按职责完成有关工作", "shared"),  # "各县（市、区）人民政府按职责完成有关工作"
    ("按照职能负责", "shared"),  # "…等部门按照职能负责"
    ("按职责分工", "shared"),  # "…等相关部门按职责分工，各县（区）人民政府落实"
    ("按职能负责", "shared"),
    ("按职责完成", "shared"),
    ("配合完成", "cooperate"),  # "市公安局配合完成"
    ("牵头完成", "lead"),
    ("负责完成", "responsible"),
    ("按职责分工负责", "shared"),
    ("按照职责负责", "shared"),
    ("按职责负责", "shared"),
    ("分工负责", "shared"),
    ("按照职责分工落实", "cooperate"),
    ("按职责分工落实", "cooperate"),
    ("按职责分工配合", "cooperate"),
    ("分别牵头", "lead"),
    ("牵头负责", "lead"),
    ("共同牵头", "lead"),
    ("共同负责", "responsible"),
    ("分别负责", "responsible"),
    ("负责落实", "responsible"),
    ("牵头", "lead"),
    ("主责", "lead"),
    ("配合", "cooperate"),
    ("协助", "cooperate"),
    ("协同", "cooperate"),
    ("协办", "cooperate"),
    ("参与", "cooperate"),
    ("结合实际贯彻落实", "cooperate"),  # "各市、县（市、区）人民政府结合实际贯彻落实"
    ("结合实际落实", "cooperate"),
    ("贯彻落实", "cooperate"),
    ("落实", "cooperate"),
    ("负责", "responsible"),
)
# How a plan states once which units of a bare list lead, by where they stand, and the convention each
# states: "逗号前为牵头单位" (comma_leads: units before the first comma lead), "排名第一位的为牵头责任单位",
# "列第一位者为牵头单位", "排在第一位的为牵头单位" (first_leads: the first-listed unit leads).
CONVENTION_POSITIONS = {
    "逗号前": "comma_leads",
    "第一位": "first_leads",
    "第一个": "first_leads",
    "首位": "first_leads",
}
# The "no lead" half of such a statement ("逗号前为牵头单位，未明确牵头单位的按职责分工负责"): a list with no comma
# then names no lead (comma_leads_strict).
CONVENTION_NO_LEAD = ("未明确牵头", "未标明牵头", "未注明牵头", "未列明牵头", "没有逗号", "无逗号")
# Words that may open such a statement ("排名第一位", "列首位").
CONVENTION_OPENINGS = ("排名", "排在", "位列", "列", "排")
# Words that make a statement inside one block hold for the whole plan ("排名第一位的为牵头责任单位，下同",
# "逗号前为牵头单位，以下工作…"); without one, "(…，列第一位者为牵头单位)" is that block's own.
PLAN_WIDE_WORDS = ("下同", "以下", "后同", "全文", "均同", "本方案")
# Words of a task or a sentence, never of a unit's name: a block whose "units" hold them ran on into prose.
PROSE_WORDS = (
    "推进", "加强", "开展", "建立", "完善", "实施", "提升", "优化", "落实好", "做好", "确保", "按照", "结合", "强化",
)
# Words of a sentence that no unit's name ever holds ("…管委会各级各部门要认真贯彻落实…", "括号中为牵头负责部门").
STATEMENT_WORDS = ("要认真", "贯彻落实", "决策部署", "工作要求", "括号中", "括号内")
# Words a statement in a block names beside its units ("括号中为牵头负责部门、人员、电话"): no units.
NOT_UNITS = frozenset({"人员", "电话", "联系人", "下同", "同上", "以下同", "联系电话"})
# Deadlines a free-form duty line may hold beside its units ("X牵头，Y配合，2023年底前完成", "长期坚持").
DEADLINE_WORDS = ("长期坚持", "持续推进", "持续开展", "持续实施", "长期", "年底前", "月底前")
# A contact's telephone number in a block, after its unit and person ("（公共服务处，王鸿雁，63916867）"), and the
# contact as a whole (the person's name and the number): neither names a unit.
PHONE_NUMBER = r"\s*(?:\d{3,4}\s*[-－—]\s*)?\d{7,8}\s*|\s*1\d{10}\s*"
BLOCK_CONTACT = rf"[,，、]\s*(?:[\u4e00-\u9fff]{{2,4}}\s*[,，、])?(?:{PHONE_NUMBER})(?=$|[,，、;；。])"
# Role words whose presence marks a bracket as a duty block ("(市发改委牵头,市财政局配合)").
BLOCK_ROLE_WORDS = ("牵头", "负责", "配合", "协助", "参与")
# How staff and the pages name the two roles.
ROLE_NAMES = {"lead": "牵头单位", "cooperate": "配合单位"}
RESPONSIBLE_NAME = "责任单位"  # units named with no lead/cooperate split
DEADLINE_NAME = "完成时限"

# A duty stated inside a task's sentence ("由市工信局、市中小企业服务局牵头负责，市各有关部门配合", "由区政府和
# 市直部门共同牵头推动…", "由省行政审批政务信息管理局负责统筹组织…"), or by a unit opening a sentence as its subject
# ("第五条 省发改委负责指导和协调…", "省行政审批政务信息管理局负责汇总…": the rules and 办法 of a compilation): read
# where a task has no block, and it states one such duty only (SENTENCE_DUTY: an article giving each of several
# units its part names none). A unit 负责 ends as a unit does ("由各县(市、区)认领负责" names no unit).
_DUTY_UNIT_END = alternation((*ISSUER_ENDINGS, "管委会", "部门", "机构", "单位"))
_PLACED = r"(?:[盟市区县旗州省]|自治区)"  # a unit's own place opening its name
IN_SENTENCE_LEAD = (
    rf"由(?P<lead>(?:{_PLACED}|各)[^，。；,;由]{{1,40}}?)(?:负责)?(?:共同|分别)?牵头(?:负责)?"
    r"(?:[，、,]\s*(?:会同)?(?P<cooperate>[^，。；,;]{2,60}?)(?:配合|参与|协助))?"
    rf"|由(?P<held>(?:{_PLACED}|各)[^，。；,;由]{{0,38}}?(?:{_DUTY_UNIT_END}))负责"
    rf"|(?:^|(?<=[。；;])|(?<=条))\s*(?P<subject>{_PLACED}[^\W\d_、，。；,;由的]{{1,28}}?"
    rf"(?:{alternation(ISSUER_ENDINGS)}))负责"
)
# A unit 负责 is read only within this many characters of its paragraph's opening: an article's subject, not a step
# of a procedure deep in a task ("…由市政公用服务单位负责申报，相关审批部门实行容缺受理").
SENTENCE_DUTY_OPENING = 80
# Any part of a sentence whose unit is charged with a duty ("各省辖市政府和济源示范区管委会负责…", "省政府办公厅（省政务
# 大数据局）负责…"): a second one beside a unit 负责 read above leaves the task's units unread.
SENTENCE_DUTY = (rf"(?:^|(?<=[，。；,;])|(?<=条))[^，。；,;]{{1,40}}?(?:{_DUTY_UNIT_END}|）|\))(?:共同|分别)?(?:负责|牵头)")

# -- document parts ------------------------------------------------------------------------
CN_NUMERALS = "一二三四五六七八九十百"
# What a plan's title ends with (实施方案, 工作要点, 行动计划 …).
DOCUMENT_TYPES = ("方案", "规划", "意见", "办法", "计划", "措施", "细则", "要点", "规定", "决定", "通知")
# What follows the issuer's name in a compilation's entry heading ("X关于印发…", "X印发关于…的通知", "X转发…").
ANNOUNCING_WORDS = ("关于", "印发", "转发")
# Words a compilation's entry heading holds beside its date ("1. …关于印发…的通知（2023 年3 月11 日）",
# "6. 云港市优化营商环境条例（征求意见稿）（2023 年3 月28 日）"): qa/reading/documents.py.
ENTRY_WORDS = DOCUMENT_TYPES + ("关于", "印发", "条例", "公告", "任务", "标准", "清单", "举措")
# Words that name the plan itself ("这个文件的文号"), not a topic within it.
DOCUMENT_WORDS = frozenset({"文件", "通知", "方案", "实施方案", "本方案", "规划", "意见"})

# -- questions -----------------------------------------------------------------------------
# What staff call the units they ask for ("哪个部门", "配合处室是哪个": a bureau's own divisions are 处室/科室).
UNIT_WORDS = ("单位", "部门", "机构", "处室", "科室")
# The nouns a question about a unit's part in a task asks with ("是什么角色", "起什么作用", "是什么身份"): never its topic
ROLE_QUESTION_WORDS = ("角色", "作用", "身份")
LEAD_CUES = ("牵头", "主导", "主抓", "带头", "领头", "挑头", "打头", "主责", "挂帅", "抓总")
# Role cue words that name nothing else (not 主导 of 主导产业, 带头 of 党员带头, 辅助 of 辅助决策): never a topic
COLLOQUIAL_ROLE_WORDS = ("领头", "挑头", "打头", "挂帅", "抓总", "主抓", "打下手", "按职责分工", "分工负责")
COOPERATE_CUES = ("配合", "协助", "协办", "辅助", "帮忙", "打下手", "按职责分工", "分工负责")
# Words asking who takes part at all: beside a lead cue ("谁牵头、还有哪些单位参与") the question asks both roles.
TAKING_PART_CUES = ("参与", "参加", "涉及")
# Follow-ups open with these ("那配合单位呢？", "还有呢").
FOLLOW_UP_OPENINGS = ("那", "那么", "还有", "另外", "再问", "以及", "那个", "换成", "如果是", "其中")
# Characters jieba glues to a neighbour into a word of no topic when the plans never use it: a preposition
# before its object ("按市分工" → 按市, "由省负责" → 由省) and a verb's complement after it ("压到几天" → 压到).
GLUED_OPENINGS = "按由从对向在于以将把被给经"
GLUED_ENDINGS = "到至要"  # 压到, 前要 ("什么时候前要交")
# A question word jieba glues to the character after it ("哪天前要交" → 哪天前, "哪天交"): no topic either.
GLUED_QUESTION_WORDS = ("哪天", "哪年", "哪月", "几号", "几时", "何时", "多久")
# Function words and question words: no evidence about a clause's topic (left out of every index).
STOP_WORDS = frozenset(
    """
的 了 是 在 和 与 及 或 等 对 为 将 把 被 由 从 以 于 向 按 按照 通过 进行 开展 有 有关 相关 其 之 所 这 那 那么
个 些 哪 哪个 哪些 哪家 谁 什么 怎么 怎样 如何 吗 呢 吧 啊 呀 么 嘛 请问 请 问 一下 一 下 我 我们 你 你们 他 它
要 需要 应 应该 应当 能 能够 可以 会 该 都 也 还 又 就 并 并且 而 而且 上 中 内 里 方面 工作 有没有 是不是 多少 几
哪里 哪儿 时候 什么样 具体 主要 一些 一个 这个 那个 这些 那些 告诉 说 说说 讲 讲讲 介绍 一下子
""".split()
)
# Words of a question's form, not its topic (beyond the stop words): left out of the retrieval query.
FORM_WORDS = STOP_WORDS | frozenset(
    """
牵头 配合 协助 协办 主导 主抓 负责 责任 单位 部门 机构 主管 管 归 承担 职责 任务 事项 事情 事 角色 参与 涉及 干 做 啥
时间 日期 期限 几号 哪天 数量 号码 分别 内容 规定 意思 情况 来 还有 另外 再 条 一条 那条 这条 那一条 这一条 块 那块
这块 一块 谁负责 谁来管 谁管 啥时候 什么时候 怎么回事 回事 哪几 几个 哪几个 几次 几项 最晚 怎么样 啥样 现在 别人 手机
手机号 电话号码 截止 多久 时限 完成时限 完成时间 达到 有事 打 要求是 完成 分工 分工负责 按职责 职责分工 本文件 电子版
由谁来 谁来 谁来抓 来抓 谁抓 抓总 干嘛 干吗 干啥 干什么 做什么 做啥 平时
发到 全称 全名 简称 哪一年 哪年 能 叫 叫啥 是啥 是谁 有啥 哪位 办 弄 搞 没有 何时
几天 几日 多少天 多少日 几个月 几年 多少年 多长时间 多长
几条 哪几条 几家 哪几家 口管 口子 里头 里面 这份 那份
包括 包含 涵盖
""".split()
) | frozenset(UNIT_WORDS) | frozenset(COLLOQUIAL_ROLE_WORDS)  # a role said so is never the topic (挑头)

# How a task is to be done, asked with no topic of its own (怎么安排的, 有什么要求, 是怎么部署的): a frame, whose
# 安排/要求/部署 are no topic (they are, in 安排专项资金 or 工作要求明确).
CONTENT_FRAME = re.compile(
    r"(?:怎么|如何|怎样|咋|有(?:什么|啥|哪些))(?:安排|要求|部署)"
    r"|要求(?=在?(?:什么时候|啥时候|何时|哪天|几月|多久|哪年))"  # "要求什么时候完成": when, not a topic 要求
    # "这条是哪个部分的": where the clause talked about stands, not the plan's 部分
    r"|(?<=这条|一条|这项|一项|该条|该项)(?:是|在|属于)?(?:哪个|哪一|哪)(?:部分|节|章|块)(?:的|里)?"
    # "这个是哪一条", "这条在哪", "出自哪一条": where the clause talked about stands (its 出处), no topic
    r"|^(?:那|那么)?(?:这|这个|这条|这项|它|那条|那个|该条)?(?:是|在|出自|属于|来自)(?:方案的?)?"
    r"(?:哪一条|哪条|第几条|哪个条款|哪一款|哪个部分|哪部分|哪里|哪儿|哪)(?:的|里|规定的)?(?=[？?。]*$)"
)
# "方案里", "文件中", "这个清单上": where the asker looks, not a topic (the plan's own word 方案 is one in 方案编制)
IN_THE_PLAN = re.compile(r"(?:这个|本|该)?(?:方案|文件|通知|清单|要点)(?:里面?|里头|中|上面?|当中)")

# A plan pointed at by its place in the answer before, which named several ("第二个方案呢", "最后一个的配合单位呢").
ORDINAL_PLAN = re.compile(
    r"^(?:那|那么)?(?:第(?P<n>[一二两三四五六七八九十\d]{1,3})个|(?P<last>最后一个))(?:方案|文件|清单|地方)?的?"
)
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def ordinal_number(written: str) -> int:
    """The number an ordinal writes (3, 三, 十二); 0 for none."""
    if written.isdigit():
        return int(written)
    if "十" in written:
        tens, _, ones = written.partition("十")
        return CHINESE_DIGITS.get(tens, 1 if not tens else 0) * 10 + CHINESE_DIGITS.get(ones, 0)
    return CHINESE_DIGITS.get(written, 0)


# A role asked A-not-A ("参不参与", "牵不牵头", "负不负责", "管不管"; "要不要…配合", "需不需要"): read as 是否参与,
# 是否牵头, 是否要 … (its 不 denies nothing).
A_NOT_A = re.compile(r"(?P<verb>[参负管牵配协要需])不(?P=verb)")
# Asking whether something can be ("能不能不用申请直接兑现", "可不可以网上办"): the asking only; its 不能 names nothing.
# Not a word's last character: 功能不能实现, 商会不会员, 银行不行.
MODAL_A_NOT_A = re.compile(
    r"(?<![功可职才技智效性动潜本体热产赋节储电核只万])能不能|可不可以|可以不可以"
    r"|(?<![商协机社学工开大理体都聚约省领])会不会|(?<![银执运进推实施发试通同举步])行不行"
)

# How a question asks when ("什么时候", "啥时候", "几时" …): the date fact, the plan's 印发 date.
WHEN_WORDS = ("什么时候", "啥时候", "啥时", "几时", "何时", "什么时间", "啥时间", "哪个时间", "哪一天", "多会儿", "哪天")
WHEN = "|".join(WHEN_WORDS)

# What kind of fact a question asks for, by its cue words (first match wins).
FACT_TYPES = [
    ("fullname", re.compile(r"全称|全名|简称|缩写")),
    ("email", re.compile(r"邮箱|电子邮件|电邮|email|e-mail")),
    ("docnum", re.compile(r"文号|字号|文件号")),
    ("person", re.compile(r"联系人|找谁联系|经办人")),
    ("phone", re.compile(r"电话|手机|号码|传真|联系方式")),
    (
        "date",
        re.compile(
            rf"{WHEN}|截止|期限|时限|日期|几号|几月|哪年|哪一年|完成时间|时间节点|多久|落款"
        ),
    ),
    # 几家 asks a number, 哪几家 which units
    ("number", re.compile(r"多少|(?<!哪)几(?:件|个|家|项|场|次|所|名|万|亿|成|倍)|数量|比例|比率|达到|目标是|比重")),
    ("list", re.compile(r"几大|哪几|原则|哪些方面|分别是")),
]

# A document number (冀政办字〔2023〕4号, 工信部企业函﹝2023﹞4号, 国发[2017]6号): its year in any bracket plans use.
NUMBER_OPEN, NUMBER_CLOSE = "〔\\[(（【﹝", "〕\\])）】﹞"
DOC_NUMBER = rf"[\u4e00-\u9fff]{{1,10}}[{NUMBER_OPEN}]\s*\d{{4}}\s*[{NUMBER_CLOSE}]\s*\d+\s*号"

# Facts a clause can hold, by the answer type a question asks for (2023年6月底前, 6000件, 宋莉 …).
FACT_PATTERNS = {
    "date": re.compile(
        r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:前|底|以前)?|\d{1,2}\s*月\s*\d{1,2}\s*日前?"
        r"|\d{4}\s*年底?|\d+\s*个?(?:工作日|日|天|月)内"
        r"|(?<![\d年])\d{1,2}\s*月(?:底|末|中旬|上旬|下旬)前?"  # "9 月底前", the year the plan's
        r"|(?<![\d\s])(?:年底|年末|上半年|下半年)前"  # "年底前"
    ),
    "number": re.compile(r"\d+(?:\.\d+)?\s*(?:%|件|个|家|项|场|次|所|名|万|亿|倍|户|小时|平方米|公里)"),
    "phone": re.compile(r"\d{5,}"),
    "person": re.compile(r"联系人\s*[:：]\s*\S{2,4}"),
    "list": re.compile(r"“[^”]{4,}、[^”]{2,}”"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "docnum": re.compile(DOC_NUMBER),
}
# Facts that name one thing in a plan: a clause holding one is the answer even when few words match.
DISTINCT_FACTS = ("person", "phone", "email", "docnum")


def unit_ending_pattern(endings: Iterable[str]) -> re.Pattern:
    """A pattern matching a name that ends with one of `endings` ('…局$')."""
    return re.compile(f"(?:{alternation(endings)})$")


@dataclass(frozen=True)
class Vocabulary:
    """The lists staff may extend from corpus/terms.yaml (`vocabulary:`), with the shipped defaults."""

    unit_endings: tuple[str, ...] = UNIT_ENDINGS
    department_endings: tuple[str, ...] = DEPARTMENT_ENDINGS
    stop_words: frozenset[str] = STOP_WORDS
    form_words: frozenset[str] = FORM_WORDS
    lead_cues: tuple[str, ...] = LEAD_CUES
    cooperate_cues: tuple[str, ...] = COOPERATE_CUES
    extra_roles: tuple[tuple[str, str], ...] = field(default=())  # (role word, lead | cooperate)

    def extended(self, data: Mapping) -> "Vocabulary":
        """These lists with the words of a `vocabulary:` mapping added (unknown keys are ignored)."""

        def words(key: str) -> tuple[str, ...]:
            value = data.get(key)
            values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            return tuple(str(w) for w in values if isinstance(w, (str, int)) and str(w).strip())

        roles = data.get("role_words") if isinstance(data.get("role_words"), Mapping) else {}
        return replace(
            self,
            unit_endings=self.unit_endings + words("unit_endings"),
            department_endings=self.department_endings + words("department_endings"),
            stop_words=self.stop_words | set(words("stop_words")),
            form_words=self.form_words | set(words("stop_words")) | set(words("form_words")),
            lead_cues=self.lead_cues + words("lead_cues"),
            cooperate_cues=self.cooperate_cues + words("cooperate_cues"),
            extra_roles=self.extra_roles
            + tuple((str(w), str(r)) for w, r in roles.items() if r in ("lead", "cooperate")),
        )

    @property
    def role_endings(self) -> tuple[tuple[str, str], ...]:
        """Role words a duty piece ends with, longest first, staff's additions included."""
        return tuple(sorted(ROLE_ENDINGS + self.extra_roles, key=lambda pair: -len(pair[0])))


# -- responsibility blocks and task layout (qa/reading/blocks.py, qa/reading/segment.py) ----------------
# More endings of a unit named in a bracket of units ("人民银行广州分行", "延安大学", "各区县",
# "广元国际铁路港管委会").
BLOCK_UNIT_ENDINGS = ("分行", "大学", "学院", "开发区", "新区", "管委会", "区县", "工会", "商会", "协会")
# How the name of a group of units opens ("各区县", "各地级以上市政府", "各成员单位").
GROUP_MARKS = ("各",)
# Words that join role words after a list of units ("A牵头并按职责分工负责", "A、B分别负责", "A、B共同落实").
ROLE_LINKS = ("并", "共同", "分别")
# Remarks a bracket of units may hold beside them, stating the plan's convention ("逗号前为牵头单位",
# "排名第一位的为牵头责任单位，下同", "以下工作均涉及各县（区）政府…，不再一一列出").
CONVENTION_REMARKS = ("为牵头", "下同", "不再一一列出", "同上", "不再列出", "不再单独列出")
# A remark in a block that speaks for the tasks below it and names no unit of its own task ("以下任务均需各县区人民
# 政府（管委会）落实，不再列出", "以下政策均需市、县（市、区）人民政府落实，不再单独列出"): left out of the block.
BLOCK_REMARK = r"[(（]?以下[^。；;()（）]{0,40}?(?:[(（][^()（）]{0,10}[)）][^。；;()（）]{0,30}?)*不再(?:一一|单独)?列出[)）]?"
# The units such a remark says take part in every task below it, read into each of them (a stated convention, read
# in full): "以下任务均需[各县区人民政府（管委会）]落实", "以下责任单位中均包含[各市、县〔区〕政府]", "以下工作均涉及
# [各县（区）政府和…管委会]", "[各县市区人民政府、娄底经开区管委会]均为责任单位，以下不再列出".
STANDING_UNITS = (
    r"以下[^。；;，,]{0,12}?均(?:需|须|要|由)(?P<units>[^。；;]{2,60}?)(?:结合实际)?(?:贯彻|组织)?(?:落实|负责|执行)",
    r"以下[^。；;，,]{0,12}?均(?:涉及|包含|包括)(?P<units>[^。；;，,]{2,60}?)[，,、\s]*不再",
    r"(?P<units>[^。；;，,()（）〔〕]{2,60}?)均为责任单位[，,\s]*以下",
)
# Labels of the plan's own division of work after a higher level's ("（省…负责）（市分工方案：…负责）"):
# the block so labelled gives the task's units.
DIVISION_LABELS = ("分工方案", "分工安排", "任务分工")
# Lead-in lines before a parent task's sub-measures ("具体举措：", "具体措施："): never part of a task.
LEAD_IN_WORDS = ("具体举措", "具体措施", "主要举措", "主要措施", "工作措施", "具体任务")
# What an article's marker ends with ("第六条加快…"): each article is a numbered task.
ARTICLE_MARKERS = ("条",)
# Where an annex starts ("附件：…", "附件2"): it never runs on from the task before it.
ANNEX_OPENINGS = ("附件", "附表")
# What a plan's title can end with beyond DOCUMENT_TYPES ("创优营商环境对标提升举措（2023 版）",
# "贵州省2023年度优化营商环境重点任务清单").
TITLE_ENDINGS = ("举措", "清单", "公告", "征求意见稿")
# A document pointed at ("这个清单", "这份方案", "该文件"): in a conversation, the plan talked about.
# A document pointed at: by its kind ("这个清单", "该方案"), or by a bare pointer opening a question about it ("这个是
#哪天发的", "它是谁印发的": the document the conversation is about, asked a fact of it).
POINTED_DOCUMENT = re.compile(
    rf"(?:这个|这份|该|本|此)(?:{alternation(DOCUMENT_TYPES + TITLE_ENDINGS + ('文件', '文'))})"
    r"|^(?:那|那么)?(?:这个|这份|那个|那份|这|它)(?=是|哪|啥|什么|谁|由|在|几)"
)
# Words a task-division table's header row is made of ("序号 重点任务 主要内容 牵头部门 责任单位").
TABLE_HEADER_WORDS = (
    "序号",
    "编号",
    "重点任务",
    "主要任务",
    "工作任务",
    "任务",
    "主要内容",
    "工作内容",
    "具体内容",
    "内容",
    "工作措施",
    "具体措施",
    "措施",
    "牵头部门",
    "牵头单位",
    "责任部门",
    "责任单位",
    "配合部门",
    "配合单位",
    "完成时限",
    "完成时间",
    "时间节点",
    "时限",
    "备注",
    "事项",
    "工作事项",
)
# What an empty cell of a table copied out of a PDF holds ("—", "/", "无").
EMPTY_CELLS = ("—", "－", "-", "/", "／", "无", "——", "--")


# -- questions, round 2 (issue 22) --
# Endings of a name in a question that reads as a unit's (税务局, 盟教育局, 海关, 消防救援支队): a question
# naming one the plans do not hold is told so, never answered for another unit.
QUESTION_UNIT_NAME_ENDINGS = QUESTION_UNIT_ENDINGS + (
    "办", "海关", "支队", "大队", "总队", "银行", "分行", "支行", "公司", "集团",
)
# Units staff name by two characters alone ("海关参与了哪些工作"); any other name needs three.
LONE_UNIT_WORDS = frozenset({"海关", "法院", "税务", "消防", "人行", "央行", "银行", "邮局", "团委", "妇联", "侨办", "台办"})
# A unit's ending followed by these characters is a verb's first character, not an ending: 优化办 of 优化办理破产,
# 办税, 办事; 服务处 of 服务处理 (办公 stays an ending's: 政府办公室).
# A unit's ending word this common in general text (jieba's frequency: 管理局 500, 办公室 4373, 委员会 24831; 税务局
# 43, 商务局 13) is a common noun: alone it abbreviates no unit whose name it only ends (应急管理局).
GENERIC_NAME_FREQUENCY = 100
# A topic named by words each this common in jieba's dictionary names nothing of its own (…这些登记业务: 登记 1,810,
# 业务 7,737); a name holds a rarer word (包容审慎监管: 包容 152, 审慎 145; 免证办; 多测合一).
GENERAL_WORD_FREQUENCY = 1000
VERB_AFTER_ENDING = {"办": frozenset("理事税件结法学案成证照电公"), "处": frozenset("理置罚分")}  # 办公厅: the name goes on
# Words that end as a unit's name does but name none (布局, 举办, 怎么办, 重心).
NOT_UNIT_WORDS = frozenset(
    """
布局 格局 当局 大局 全局 结局 僵局 出局 开局 骗局 时局 政局 定局 棋局 赌局 饭局 变局 破局 新局 残局 终局
么办 咋办 好办 难办 举办 承办 主办 督办 协办 交办 开办 创办 兴办 代办 包办 操办 查办 严办 侦办 去办 来办 要办 能办
在办 已办 待办 合办 公办 民办 试办 筹办 经办 置办 照办 申办 领办 帮办 快办 急办 专办 易办 会办 可办 就办
通办 联办 网办 掌办 即办 秒办 一办 集办 并办 共办 督查办
重心 核心 中心 民心 信心 用心 关心 放心 安心 初心 决心 耐心 精心 细心 热心 诚心 良心
书院 剧院 庭院 宅院 大院 影院 戏院 寺院
""".split()
)
# Words of a question that say nothing of its topic, beyond the form words: fillers of speech, the asker's errand
# and role, politeness (qa/index/salience.py weighs them 0, so that the plans' lacking them refuses nothing).
LIGHT_WORDS = frozenset(
    """
嗯 嗯嗯 呃 额 啊 哦 噢 唉 哎 诶 呀 啦 哈 嘛 吧 那个 这个 那个啥 就是 就是说 然后 总共 一共 一共是 总共是 到底 究竟
其实 反正 大概 差不多 基本上 问下 问问 想问 想问问 想问下 问一问 问一下 请问 麻烦 麻烦您 帮忙 帮我 查一下 查下 查查
看一下 看下 看看 确认 确认一下 核实 核实一下 了解 了解一下 知道 想知道 弄清楚 搞清楚 说清楚 告诉我 你好 您好 你好呀
早上好 上午好 下午好 晚上好 谢谢 谢谢你 多谢 感谢 辛苦 辛苦了 打扰 打扰了 不好意思 抱歉 请教 劳驾 老师 同志 领导
主任 科长 局长 处长 部长 书记 盟长 旗长 县长 市长 股长 所长 站长 同事 工作人员 新来 新人 科室 我们 咱们 本人 他们
刚 刚刚 刚才 刚从 过来 回来 会上 开会 开完会 开完 协调会 汇报 整理 写 总结 年度总结 引用 迎检 自查 下周 明天 今天
上午 下午 路上 一直 讨论 半天 交代 接到 收到 让我 叫我 要用 核对 确定 确定一下 这边 那边 旗里 盟里 市里 县里 区里
所里 局里 单位里 方案里 文件里 里面 问 想 要 需要 帮 替 再问 再问一个 明白 明白了 好的 懂了 清楚 不太 熟悉 准备
正在 比较 时间 紧 赶紧 急 着急 急用 一下下 那啥 啥的 什么的 列出 列一下 列下 列举 罗列 给出 说一下 讲一下 说说 讲讲
省事 省心 跑腿 少跑腿 老百姓 百姓 东西 被坑 不干 不想干 不做了 不开了 各个部门 各部门 各个单位 起来
""".split()
)
# Words that say how a task is done, not what it is about: the plans write them around every topic ("简化…手续",
# "优化…流程", "压缩…时限"), so a question's topic lies in its other words. Beside such a word (注销 of
# "注销手续简化这块谁牵头") they weigh RetrievalSettings.manner_weight of their idf; alone they keep it all.
MANNER_WORDS = frozenset(
    """
简化 精简 优化 压缩 缩短 减少 提速 提效 加快 便利 便利化 便捷 高效 手续 流程 环节 程序 时限 步骤
推进 推行 推动 实施 落实 开展 加强 强化 完善 健全 深化 提升 提高 规范 创新 探索 建立 全面 进一步 持续 提供 做好
""".split()
)
# A system named by its practice and this ending (告知承诺制, 用地清单制, 首问负责制): a plan writing the practice
# (告知承诺) holds it.
SYSTEM_SUFFIX = "制"


def system_stem(word: str, dictionary: Mapping[str, int]) -> str:
    """The practice a system's name is made of (告知承诺制 → 告知承诺), or '' for a word that names none: one whose
    制 ends a word of jieba's `dictionary` (联动机制, 总量控制, 规划编制: 机制, 控制, 编制)."""
    if len(word) < 4 or not word.endswith(SYSTEM_SUFFIX) or dictionary.get(word[-2:]):
        return ""
    return word[:-1]


# English words staff mix into a question, and the Chinese words they stand for (a voice or mixed input).
ENGLISH_WORDS = {
    "lead": "牵头",
    "leads": "牵头",
    "leading": "牵头",
    "leader": "牵头",
    "cooperate": "配合",
    "cooperates": "配合",
    "cooperating": "配合",
    "cooperation": "配合",
    "coordinate": "配合",
    "support": "配合",
    "supporting": "配合",
    "assist": "协助",
    "responsible": "负责",
    "responsibility": "责任",
    "charge": "负责",
    "owner": "负责",
    "who": "谁",
    "whom": "谁",
    "deadline": "完成时限",
    "deadlines": "完成时限",
    "due": "完成时限",
    "when": "什么时候",
    "unit": "单位",
    "units": "单位",
    "department": "部门",
    "departments": "部门",
    "agency": "部门",
    "agencies": "部门",
    "which": "哪些",
    "what": "什么",
    "tasks": "任务",
    "task": "任务",
    "work": "工作",
    "contact": "联系人",
    "phone": "电话",
}
# A yes/no question asking whether a unit alone has the role ("是不是光工商局一家负责", "只有质监局牵头吗").
# The cue stands right before the unit's name (光伏 is no cue: 光 with no unit after it).
ONLY_CUE = re.compile(
    r"(?:光|只有|只由|只是|只|仅仅|仅由|仅|单独由?|独自)(?=[^是不吗呢，,。？?]{1,10}?(?:局|委|办|厅|院|中心|政府|部|处))"
    r"|一家(?:单位|部门)?(?:负责|牵头|配合|来)"
)
# Particles of tone closing a question (哈, 呀, 啊 …; not 呢/吗/吧, which say it is a question or a follow-up).
CLOSING_PARTICLES = re.compile(r"(?<=[\u4e00-\u9fff])[哈呀啊嘛哦啦呗噢哟]+([？?！!。.～~\s]*)$")
# A question describing its topic before naming it ("轻微违法首次不罚、免罚清单这些包容审慎监管的事谁牵头", "群众办事
# 不用再带证照的免证办由哪个部门牵头", "…测绘合成一次做（多测合一）由哪个部门牵头"): the name, which plans holding the
# topic under that name are found by too.
_ASKS_AFTER = r"(?=由|归|谁|是谁|有哪些|哪|该|要|需要|的?配合|的?牵头|的?负责)"
NAMED_TOPIC = (
    re.compile(rf"(?:这些|这类|这一类|之类的?)(?P<topic>[\u4e00-\u9fff“”]{{2,12}}?)"
               rf"(?:的事情?|的工作|这事|这块|这项|工作|方面)?{_ASKS_AFTER}"),
    re.compile(rf"[（(](?P<topic>[\u4e00-\u9fff“”]{{2,10}})[)）]{_ASKS_AFTER}"),
    # "企业打12345热线反映问题，热线这块由哪个部门负责": after the case told, the topic named before 这块
    re.compile(rf"[，,；;]\s*(?P<topic>[\u4e00-\u9fff“”]{{2,10}}?)(?:这块|这一块|这方面|这事儿?|这件事|这项工作|这个事情?)"
               rf"(?:工作)?{_ASKS_AFTER}"),
    re.compile(rf"(?<=[\u4e00-\u9fff]{{6}})的(?P<topic>[\u4e00-\u9fff]{{2,5}}?){_ASKS_AFTER}"),
)
# Words of a question's form typed in pinyin ("qiantou 单位", "peihe"): read by their sound as the plans' words are.
SOUNDED_FORM_WORDS = ("牵头", "配合", "负责", "协助", "参与", "单位", "部门", "任务", "工作", "哪些", "哪个")
# English words of a question's form only (dropped when read): "who is responsible for X".
ENGLISH_FORM_WORDS = frozenset(
    "is are the a an of for on in to does do did be by with about please tell me us i we our".split()
)
# Fillers of speech a voice input writes (嗯, 呃): dropped before a question is read.
SPOKEN_FILLERS = ("嗯", "呃", "额", "唔")
# Chinese numerals read digit by digit, as a number is said ("一二三一五" → 12315; 幺 for 一).
SPOKEN_DIGITS = {"零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
                 "六": "6", "七": "7", "八": "8", "九": "9"}
# Every pinyin syllable without tones: a run of Latin letters made of them is pinyin ("shuang suiji yi gongkai").
PINYIN_SYLLABLES = frozenset(
    """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha
chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui
cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er
fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha
hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong
jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
le lei leng li lia lian liang liao lie lin ling liu long lou lu lv luan lue lve lun luo ma mai man mang mao me mei men
meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu
nong nou nu nv nuan nue nve nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian
qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai
san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun
shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa
wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin
ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi
zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
""".split()
)
# How the asker introduces themself before the question ("我是盟环保局办公室的", "我们单位是盟住建局"): the unit
# named there is who asks, not what is asked, unless the question asks about "我们单位/我们局/我们".
SELF_INTRODUCTIONS = ("我们单位是", "我单位是", "我是", "我们是", "我在", "我来自", "我们这里是", "本人是")
SELF_REFERENCES = ("我们单位", "我单位", "本单位", "我们局", "我局", "我们委", "我们办", "我们")
