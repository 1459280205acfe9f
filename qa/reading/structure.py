"""The structure of a document: its headings (一、 (一) 1. (1) ① 第N条 第N章), where its body starts after the
cover letter, its title, the places it names, and what each part of a cover letter is. (A file's documents
are found by qa/reading/documents.py.)"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..vocabulary import (
    ARTICLE_MARKERS,
    DOC_NUMBER,
    DOCUMENT_TYPES,
    ISSUER_ENDINGS,
    LEAD_IN_WORDS,
    PLACE_ENDINGS,
    SIGNATURE_NOTE,
    TITLE_ENDINGS,
    alternation,
    unit_ending_pattern,
)
from ..vocabulary import (
    CN_NUMERALS as CN_NUM,
)
from .blocks import (
    find_duty_blocks,
)

if TYPE_CHECKING:
    from .layout import Paragraph

# Heading markers by level, with how each marker stands in a heading path; level 0 is 第一章 / 第一部分,
# level 1 also holds articles (第六条: above the （一） they may enumerate), level 5 is ①.
HEADINGS = [
    (0, re.compile(rf"^\s*(第[{CN_NUM}\d]+(?:章|部分|篇))\s*"), "{}"),
    (1, re.compile(rf"^\s*([{CN_NUM}]{{1,3}})\s*[、.．]\s*"), "{}、"),
    (2, re.compile(rf"^\s*[(（]\s*([{CN_NUM}]{{1,3}})\s*[)）]\s*"), "({})"),
    (1, re.compile(rf"^\s*(第[{CN_NUM}\d]{{1,4}}(?:{alternation(ARTICLE_MARKERS)}))\s*"), "{}"),
    (3, re.compile(r"^\s*(\d{1,3})\s*[.．、](?![\d.．])\s*"), "{}"),
    (4, re.compile(r"^\s*[(（]\s*(\d{1,3})\s*[)）]\s*"), "({})"),
    (5, re.compile(r"^\s*([①-⑳])\s*"), "{}"),
]


# A path ending in an article: a numbered task, as 1. is.
ARTICLE = re.compile(rf"第[^第]{{1,4}}(?:{alternation(ARTICLE_MARKERS)})$")
DATE_ONLY = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


TERMINAL = "。！？；;：:!?"
ORG_END = unit_ending_pattern(ISSUER_ENDINGS)


DOC_TYPE = re.compile(
    rf"(?:{alternation(DOCUMENT_TYPES + TITLE_ENDINGS)})[》”]?(?:[(（][^()（）]{{1,12}}[)）])?$"
)


PLACE = re.compile(rf"^(.{{2,8}}?)({alternation(PLACE_ENDINGS)})")
TITLE_SENTENCE = re.compile(r"^([^。！？；;!?]{2,40}?)[。！？!?]")


# "具体举措：": the lead-in to a parent task's sub-measures, a paragraph of its own.
LEAD_IN = re.compile(rf"^\s*(?:{alternation(LEAD_IN_WORDS)})\s*[:：]\s*$")


def heading_of(text: str) -> tuple[int, str, str] | None:
    """(level, marker, rest) when the text opens with a heading marker."""
    for level, pattern, marker in HEADINGS:
        match = pattern.match(text)
        if match and match.end() < len(text.rstrip()) + 1:
            rest = text[match.end() :]
            if level == 1 and rest[:1].isdigit():
                continue
            return level, marker.format(match.group(1)), rest
    return None


def body_start(paragraphs: list[Paragraph]) -> int:
    """Where the plan's body starts: its first 一、/(一)/第一条 heading, or after the cover notice when the
    notice has headings of its own and is signed and dated before the plan's title."""
    if not any(p.heading for p in paragraphs):
        return len(paragraphs)
    start = next((i for i, p in enumerate(paragraphs) if p.heading and p.heading[0] <= 2), len(paragraphs))
    for i in range(start, len(paragraphs) - 2):
        if DATE_ONLY.match(paragraphs[i].text):
            title = paragraphs[i + 1].text.strip()
            after = paragraphs[i + 2]
            if len(title) <= 60 and DOC_TYPE.search(title) and after.heading and after.heading[0] <= 2:
                return i + 2
            break
    return start


def _title_like(text: str) -> bool:
    """Whether a paragraph can be (the end of) a plan's title: short, unfinished, ending as titles do."""
    text = text.strip()
    return (
        len(text) <= 60
        and text[-1] not in TERMINAL
        and bool(DOC_TYPE.search(text))
        and not DATE_ONLY.match(text)
    )


def find_title(front: list[Paragraph]) -> tuple[int | None, int]:
    """Where the document title stands among the opening paragraphs: (first, end) or (None, 0). The first
    title-like paragraph after the cover letter's date is it; with no date, the last one."""
    candidates = [i for i, p in enumerate(front) if _title_like(p.text)]
    if not candidates:
        return None, 0
    dated = next((i for i, p in enumerate(front) if DATE_ONLY.match(p.text)), None)
    i = next((c for c in candidates if dated is not None and c > dated), candidates[-1])
    start = i
    while start > 0:
        before = front[start - 1].text.strip()
        if (
            len(before) > 30
            or before[-1] in TERMINAL + ")）"
            or DATE_ONLY.match(before)
            or ORG_END.search(before)
        ):
            break
        start -= 1
    return start, i + 1


def places_of(title: str) -> tuple[str, ...]:
    """Place names a plan's title opens with (锡林郭勒盟 → 锡林郭勒, 锡林郭勒盟; 三亚市 → 三亚, 三亚市)."""
    match = PLACE.match(title)
    return (match.group(1), match.group(1) + match.group(2)) if match else ()


# A letter's line opening so is a sentence broken where the page wrapped ("已经省人民政府 / 同意，现印发…"), not the
# signature, though it ends as a body's name does
SENTENCE_OPENING = re.compile(r"已经|已|现将|现|并|请|根据|按照|依据|为")


# A signature's first line, wrapped before its ending ("省城市功能品质提升与工程建设项目审批 / 制度改革部门联席会议
# 办公室（代章）"): a level or a place opening it, no punctuation in it (quotes are a name's: “放管服”改革)
SIGNATURE_OPENING = re.compile(
    rf"(?!附件)(?:中共|[省市县区盟旗州](?=[\u4e00-\u9fff])|[\u4e00-\u9fff]{{2,8}}?(?:{alternation(PLACE_ENDINGS)}))"
    r"[^\s，,。.；;：:、！!？?（）()《》【】\[\]]+$"
)
# What opens a signature of its own (三亚市人民政府办公室, 中共延安市委): no second line of the one before it
OWN_SIGNATURE = re.compile(rf"中共|[\u4e00-\u9fff]{{2,8}}?(?:{alternation(PLACE_ENDINGS)})")
SIGNATURE_LONGEST = 45  # characters of a wrapped signature, both lines


def signature(text: str) -> str:
    """The name a signature gives: its wrapped lines joined, without the seal note."""
    return SIGNATURE_NOTE.sub("", "".join(text.split()))


def letter_parts(texts: list[str]) -> list[str]:
    """What part of a cover letter each paragraph is; "" for a signature's first line, wrapped before the name's
    ending, which goes with the signature after it."""
    parts = [letter_part(text) for text in texts]
    for i in range(1, len(texts)):
        before = texts[i - 1].strip()
        if (
            parts[i] == "发文单位"
            and parts[i - 1] == "来函正文"
            and len(before) <= 25
            and len(before) + len(signature(texts[i])) <= SIGNATURE_LONGEST
            and SIGNATURE_OPENING.match(before)
            and not SENTENCE_OPENING.match(before)
            and not OWN_SIGNATURE.match(texts[i].strip())
        ):
            parts[i - 1] = ""
    return parts


def letter_part(text: str) -> str:
    """What part of a cover letter a paragraph is."""
    text = SIGNATURE_NOTE.sub("", text.strip())
    if not text:  # a seal's note alone ("（盖章）")
        return "附注"
    if re.search(r"联系人|联系电话|电话|手机", text):
        return "联系人及电话"
    if text.startswith("传真"):
        return "传真"
    if re.fullmatch(DOC_NUMBER, text):
        return "文号"
    if DATE_ONLY.match(text):
        return "日期"
    if text[-1] in ":：" and len(text) <= 40:
        return "主送单位"
    if len(text) <= 25 and ORG_END.search(text) and not SENTENCE_OPENING.match(text):
        return "发文单位"
    if text[0] in "(（" and text[-1] in ")）":
        return "附注"
    return "来函正文"


def heading_title(rest: str, paragraph: Paragraph, text: str, convention: str) -> tuple[str, int]:
    """A heading's title and where its own clause would end in `text`: after its title sentence, or the
    whole paragraph when it is a title alone (with its own block: "三、获得电力领域（省能源局牵头）")."""
    offset = len(text) - len(rest)
    spans = find_duty_blocks(rest, convention)
    body = rest[: spans[0][0]] if spans else rest
    sentence = TITLE_SENTENCE.match(body)
    if sentence and body[sentence.end() :].strip(PUNCT):
        return sentence.group(1).strip(), offset + sentence.end()
    title = body.strip(PUNCT)
    # "（七）继续深化…，畅通…。（…负责）": a sentence with its block, or a long one, is a task; a short one
    # ("（一）狠抓政策落地，全面推动…发展。") a title
    sentence_like = (
        bool(re.search(r"[，,]", title))
        and body.rstrip()[-1:] in "。.；;"
        and (bool(spans) or display_width(title) > 30)
    )
    if display_width(title) <= 60 and not re.search(f"[{TERMINAL}]", title) and not sentence_like:
        after = rest[spans[0][1] :] if spans else ""
        return title, len(text) if not after.strip(PUNCT) else offset
    clause = re.match(r"^([^，,。；;：:]{2,30})[，,。；;：:]", title)
    if clause:
        return clause.group(1), offset  # no title sentence: its first clause ("落实好…政策，…")
    first = heading_of(paragraph.first_line)
    if first and len(paragraph.first_line) < len(text) and len(first[2].strip(PUNCT)) >= 4:
        return first[2].strip(PUNCT), offset  # wrapped: the title is the heading's own line
    return title[:30], offset


def title_sentence(text: str) -> str:
    """The title sentence a paragraph opens with ("加强网络市场监管。…"), or ''."""
    match = TITLE_SENTENCE.match(text)
    if (
        match
        and len(match.group(1)) <= 25
        and not re.search(r"[,，:：]", match.group(1))
        and len(text) > match.end() + 4
    ):
        return match.group(1)
    return ""


PUNCT = " 。.；;，,、\n"


def display_width(text: str) -> float:
    """Width of a line in full-width characters (ASCII counts half)."""
    narrow = len(text.encode("ascii", "ignore"))  # (counted by the codec: much faster than a loop)
    return len(text) - narrow / 2
