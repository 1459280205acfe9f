"""Cue words of the questions staff type that qa/vocabulary.py does not hold: what a question asks that
plans do not state (fees, procedures, articles of law …), questions about the document itself, asking for
more, and words of the spoken form ("那边", "事儿") that name no topic."""

from __future__ import annotations

import re

from ..vocabulary import DOCUMENT_TYPES, TITLE_ENDINGS, WHEN

# Words of a question's spoken form that say nothing about its topic (beyond vocabulary.FORM_WORDS).
SPOKEN_FORM_WORDS = frozenset(
    """
事儿 活儿 活有 那边 这边 那块 这块 那条 这条 那项 这项 那个 方面 都有 有啥 都是 是啥 啥事 干啥 都干 干些 一般 大概 现在
具体 到底 究竟 呀 哈 哦 嗯 吧 能 得 给 给我 一下 帮我 查查 查一下 看看 问问 想问 想知道 知道 了解 请教 麻烦 需不需要
有些 都有些 换成 换 要是 如果是 一共 总共 共计 合计 总计 加起来 咱们 咱 俺们 俺 大家 不是 是否 对不对 对吗 没错 不对 是吧
""".split()
)

# "还有呢", "其他的呢", "还有别的吗": the next related clauses of the same topic.
MORE = re.compile(
    r"^(?:那|那么)?(?:还有|其他|其它|别的|另外|再来|继续|更多)(?:的|呢|吗|啥|什么|别的|其他的?|没有)*$"
)

# What a question asks that implementation plans rarely state, each with the fact a clause must hold to
# answer it (HOLDS below; a kind not there is never held by a plan's clause).
MONEY_NOUN = r"钱|(?<![消浪])费(?!率)|税款|税额|资本|资金|补贴|奖金|奖励金|额度|罚款|罚金|价格|价钱|利息|保证金|工资|薪"
AMOUNT = r"多少|(?<!哪)几|多高|多大|谁出|谁付|谁承担|交吗|交不交|收不收|要交|要花"
ASKS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "law",
        re.compile(
            r"第几条|哪一?条(?:法|规定)?(?:规定|管)|法条|判几年|判多久|判刑|坐牢|量刑|刑期|犯法吗|违法吗"
        ),
    ),
    (
        "procedure",
        re.compile(
            r"(?:怎么|怎样|如何|咋)(?:样)?(?:办(?:理|证|照|执照|手续)|申请|申报|考(?![核评察虑])|开|注册|下载"
            r"|领取?|交|缴|查询|迁|移出|认定|获得|取得|补办|填|填报|鉴别|辨别|识别|挂失|续期|换(?:证|领|发)?|安装|装)"
            r"|怎么办|补办|挂失|需要[^，。,]{0,6}(?:证|证件|材料|资料|照片)吗"
            r"|(?:去|在|到)哪(?:儿|里)?(?:办|领|交|考|下载|申请|注册|查)|(?:办|考)(?:哪些|什么|啥)证"
            r"|(?:带|准备|提交|交|提供)(?:什么|哪些|啥)(?:材料|资料|证件)?|(?:什么|哪些|啥)(?:材料|资料|手续)"
            r"|(?:办理|申请|申报|注册|登记|认定|审批|报名)流程|流程(?:是什么|是啥|怎么|有哪些|如何)"
            r"|(?:什么|哪些|啥)流程|手续(?:是什么|有哪些|怎么)|办手续|要办执照|办执照吗"
        ),
    ),
    (
        "condition",
        re.compile(
            r"(?:满足|符合|具备|需要|要|有)(?:什么|哪些|啥)(?:条件|资格)|什么条件|哪些条件|条件是什么"
        ),
    ),
    ("rate", re.compile(r"(?:费率|利率|税率|汇率|保费).*(?:多少|几|多高|是啥|是什么)")),
    (
        "money",
        re.compile(
            rf"(?:{MONEY_NOUN}).*(?:{AMOUNT})|(?:{AMOUNT}).*(?:{MONEY_NOUN})"
            r"|罚多少|赔多少|赔几|多少税|收费标准|费用标准|收费多少|怎么收费|价格标准"
        ),
    ),
    ("ratio", re.compile(r"比例|百分之几|百分比|占比|几成")),
    (
        "duration",
        re.compile(
            r"多少天|几天|多少日|几日|多少个?工作日|几个工作日|多长时间|多久|几个月|多少年|几年|有效期|公告期|周期"
        ),
    ),
    (
        "stats",
        re.compile(
            # "一共有多少家企业", not "一共有多少个配合单位" (the units of a task, which the plans state)
            r"去年|前年|上一年|上年度|往年|历年|截至目前|目前有多少|现在有多少"
            # nor "配合单位一共有多少家" (家 ending the question: the units named before it)
            r"|(?:一共|总共)有多少(?!个?(?:配合|牵头|责任|参与)?(?:单位|部门|局|家单位|家部门)|家(?:[？?。!！，,呢啊呀吧]|$))"
            r"|统计(?:数据|数字)"
        ),
    ),
    (
        "location",
        re.compile(
            r"(?:地址|地点|位置)(?:在哪|是哪|是什么|是啥)|在哪(?:里|儿)?办公|在什么地方|怎么走|几楼|门牌"
        ),
    ),
    # 推荐 asked of the assistant ("推荐一下", "你推荐哪个"), not a task's (诚信之星推荐评选, 推荐上市)
    ("advice", re.compile(
        r"建议我|(?:你|您)推荐|推荐(?:一下|哪|什么|啥|给我|我)|推荐(?:一|个)[个部本家款]?(?:好|吧|呗|$)|划算|值不值|哪个好|哪家好"
        r"|应该选"
    )),
    (
        "count",
        re.compile(r"(?:多少|(?<!哪)几)(个|件|家|户|人次|人|名|项|次|倍|所|场|批次|批|份|条|万|亿|吨)"),
    ),
    ("date", re.compile(rf"几号|{WHEN}|截止")),
)
# How a refusal names what the plans do not state.
ASKS_NAMES = {
    "law": "法律条文和处罚",
    "procedure": "办理流程和材料",
    "condition": "条件和资格",
    "rate": "费率和利率",
    "money": "费用和金额",
    "ratio": "这个比例",
    "duration": "这个期限",
    "stats": "统计数字",
    "location": "地址",
    "advice": "个人建议",
    "count": "这个数字",
    "date": "这个日期",
}
NUMBER = r"(?:\d+|[一二两三四五六七八九十百]+)"
HOLDS = {
    "money": re.compile(r"\d[\d.,]*\s*(?:万|亿)?元"),
    "rate": re.compile(r"\d+(?:\.\d+)?\s*[%‰]|百分之"),
    "ratio": re.compile(r"\d+(?:\.\d+)?\s*%|百分之"),
    # 七日, 5个工作日, 3个月, 2年内 (not a date: 5月8日, 2020年)
    "duration": re.compile(
        rf"(?<![月\d]){NUMBER}\s*个?(?:工作日|小时|天|日|周)|{NUMBER}\s*个月|{NUMBER}\s*(?:年|月)(?:内|以内|之内)"
        r"|有效期(?:至|到|为|截至)"  # "有效期至2025 年12 月31 日": how long the plan holds
    ),
    # "由运输企业提出书面申请，…1个工作日内派员上门查验", "…涉嫌犯罪的，要及时移送…": a procedure, as a
    # plan may state it.
    "procedure": re.compile(
        r"提出(?:书面)?申请|(?:凭|持)[^。；]{1,20}(?:办理|申请)|(?:材料|流程|步骤|手续)(?:包括|为|如下)"
        r"|申请材料|办理流程"
        # "…发现…涉嫌犯罪的,要及时依法移送…": what to do when. Two characters of the sentence before 的, looked
        # behind at, not matched from every start (six times faster over a compilation's texts, the same hits)
        r"|(?<=[^。；][^。；])的[,，](?:要|应|应当|须|必须|由)"
    ),
    # "对被吊销营业执照后已届满3年，未处于…的企业，": conditions, as a plan may state them.
    "condition": re.compile(
        r"对[^。；]{8,}[的者][^。；,，]{0,6}[,，]|(?:符合|满足|具备)[^。；]{2,20}条件|条件(?:为|是)"
    ),
    "date": re.compile(
        r"\d{4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d+\s*个?(?:工作日|日|天)内"
        r"|(?<![\d年])\d{1,2}\s*月(?:底|末|中旬|上旬|下旬)前?|(?<![\d\s])(?:年底|年末|上半年|下半年)前"  # 9 月底前, 年底前
    ),
    "law": re.compile(r"第[一二三四五六七八九十百\d]+条"),
    "location": re.compile(r"地址[:：]"),
}

# Questions about the document itself, by the part of it that answers them.
DOCUMENT_NAMES = (
    "征求意见稿",
    "实施方案",
    "本方案",
    "方案",
    "文件",
    "通知",
    "这个文",
    "本文",
    "来函",
    "公文",
    "发文",
    # a plan called by its kind, pointed at ("这个要点是哪个单位发的", "这份清单的文号")
    *(f"{this}{kind}" for kind in DOCUMENT_TYPES + TITLE_ENDINGS for this in ("这个", "这份", "该", "本")),
)
DOC_FACTS: tuple[tuple[str, re.Pattern], ...] = (
    ("drafter", re.compile(r"起草|草拟|拟稿|撰写|谁写的")),
    (
        "date",
        re.compile(
            r"落款(?:日期|时间)|(?:印发|发文|发布|下发|出台|成文|签发)(?:的)?(?:日期|时间)"
            rf"|(?:{WHEN}|哪一?年|几号|哪个月|几月)(?:印发|发布|下发|出台|发|制定)"
            rf"|(?:印发|发布|下发|出台|发)的?(?:是)?(?:{WHEN})"
        ),
    ),
    (
        "issuer",
        re.compile(
            r"发文(?:单位|机关)|落款单位|(?:印发|发布|制发)(?:单位|机关)|落款是?(?:哪|谁|什么)"
            r"|(?:哪个|哪家|哪些|哪几个|哪几家|什么|啥)(?:单位|部门|机关|机构)?(?:牵头)?(?:联合|共同)?(?:印发|下发|发布|出台|制发|发)的"
            r"|谁(?:牵头)?(?:联合|共同)?(?:印发|下发|发布|出台|发|制定|制发)的"
        ),
    ),
    ("recipients", re.compile(r"发给|主送|下发给|印发给|送给|发到(?:哪|了哪)|给哪些单位")),
    ("number", re.compile(r"文号|发文字号|文件号|字号")),
    (
        "goals",
        re.compile(
            r"^(?:方案|本方案|这个方案|文件)?的?(?:主要|总体|工作)?目标(?:是什么|是啥|有哪些|有啥|呢)?$"
        ),
    ),
    (
        "parts",
        re.compile(
            r"(?:分|分为|包括|包含|有)?(?:几|哪几|哪些|多少)个?(?:部分|板块|章|篇|大块)|结构|框架|目录|大纲"
        ),
    ),
    ("basis", re.compile(r"依据|根据|贯彻|依照|按照(?:什么|哪)|出台背景|上位文件|什么精神")),
)
# Form words of questions about the document (what is left is the topic, if any).
DOC_FACT_WORDS = frozenset(
    """
起草 草拟 拟稿 撰写 写 落款 日期 时间 印发 发文 发布 下发 出台 成文 签发 发 制定 制发 单位 机关 部门 机构 发给 主送 送给 送
发到 部分 板块 章 篇 结构 框架 目录 大纲 依据 根据 贯彻 贯彻落实 依照 按照 背景 上位 精神 两个 哪两个 几个 分 分为 包括 包含
中央 哪个 这个 那个 文 本 是 的 哪 几 哪几 目标 主要 总体 文号 字号 发文字号 文件号 号 多少 各个 分别 所有 全部 每个 各 都
""".split()
)
