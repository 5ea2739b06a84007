"""Readable ids for drafted figures that match no loaded indicator: the subject's
words in English, from a glossary of the words reports of this kind use
(技术合同成交额 -> ``tech-contract-turnover``), never pinyin. Where the glossary
covers too little of a subject, the id starts with ``todo-`` so that the curator
sees it is to be renamed; the English label is always a visible TODO, with the
glossary's words as a hint where they cover the whole subject.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cqfacts.text.report import detection_text

# Longest first when read; a word mapped to "" is read and left out (verbs, fillers).
_GLOSSARY = {
    # science, technology and innovation
    "科学技术": "sci-tech", "科技": "sci-tech", "科研": "research", "研发": "rd",
    "研究与试验发展": "rd", "研究": "research", "创新": "innovation", "技术": "tech",
    "高新技术": "high-tech", "高技术": "high-tech", "高新区": "high-tech-zones",
    "企业": "enterprises", "科技型": "tech-based", "中小": "small", "规上": "above-scale",
    "规模以上": "above-scale", "专利": "patents", "发明": "invention", "授权": "granted",
    "申请": "applications", "拥有量": "held", "万人": "per-10k", "每万人口": "per-10k",
    "合同": "contract", "成交额": "turnover", "交易额": "turnover", "成果": "results",
    "转化": "transfer", "转移": "transfer", "论文": "papers", "实验室": "labs",
    "重点": "key", "国家级": "national", "国家": "national", "市级": "municipal",
    "省级": "provincial", "平台": "platforms", "基地": "bases", "中心": "centres",
    "机构": "institutions", "新型": "new-type", "孵化": "incubation", "孵化器": "incubators",
    "众创空间": "makerspaces", "园区": "parks", "人才": "talent", "人员": "personnel",
    "院士": "academicians", "专家": "experts", "特派员": "commissioners", "团队": "teams",
    "项目": "projects", "专项": "programmes", "资金": "funds", "经费": "funding",
    "投入": "investment", "投资": "investment", "强度": "intensity", "基金": "fund",
    "贷款": "loans", "融资": "financing", "上市": "listed", "奖": "awards", "奖励": "awards",
    "指数": "index", "水平": "level", "综合": "overall", "排名": "rank", "全国": "national",
    "西部": "west", "全球": "global", "贡献率": "contribution-rate", "进步": "progress",
    "素质": "literacy", "科学": "science", "科普": "popular-science", "攻关": "key-research",
    "关键": "key", "核心": "core", "产业": "industry", "产业链": "industry-chain",
    "集群": "clusters", "数字": "digital", "数据": "data", "人工智能": "ai",
    "智能": "smart", "制造": "manufacturing", "新材料": "new-materials", "装备": "equipment",
    "仪器": "instruments", "设备": "equipment", "大型": "large", "开放共享": "shared",
    "合作": "cooperation", "国际": "international", "协议": "agreements",
    # economy and statistics
    "地区生产总值": "gdp", "生产总值": "gdp", "增加值": "value-added", "工业": "industrial",
    "总产值": "output", "产值": "output", "营业收入": "revenue", "收入": "income",
    "利润": "profits", "税收": "tax", "财政": "fiscal", "支出": "spending",
    "一般公共预算": "budget", "社会消费品零售总额": "retail-sales", "消费": "consumption",
    "零售": "retail", "进出口": "trade", "出口": "exports", "进口": "imports",
    "外贸": "trade", "固定资产投资": "fixed-asset-investment", "居民": "residents",
    "人均": "per-capita", "可支配收入": "disposable-income", "城镇": "urban",
    "农村": "rural", "常住人口": "population", "人口": "population", "就业": "jobs",
    "失业率": "unemployment-rate", "价格": "prices", "物价": "prices", "粮食": "grain",
    "产量": "output", "面积": "area", "公路": "roads", "铁路": "railways",
    "高速公路": "expressways", "高速铁路": "high-speed-rail", "里程": "length",
    "货运量": "freight", "客运量": "passengers", "旅客": "passengers", "货物": "goods",
    "能源": "energy", "电力": "power", "发电量": "power-output", "用电量": "power-use",
    "碳": "carbon", "排放": "emissions", "森林": "forest", "覆盖率": "coverage",
    "空气": "air", "优良天数": "good-air-days", "比例": "share", "比重": "share",
    "占比": "share", "教育": "education", "受教育年限": "years-of-schooling",
    "学校": "schools", "学生": "students", "高校": "universities", "医疗": "medical",
    "医院": "hospitals", "卫生": "health", "床位": "beds", "医生": "doctors",
    "预期寿命": "life-expectancy", "死亡率": "mortality", "出生率": "birth-rate",
    "养老": "pension", "保险": "insurance", "参保": "insured", "住房": "housing",
    "旅游": "tourism", "游客": "visitors", "文化": "culture", "体育": "sports",
    "宽带": "broadband", "5G": "5g", "基站": "base-stations", "互联网": "internet",
    "用户": "users", "电子商务": "e-commerce", "网络": "online", "市场主体": "businesses",
    "民营": "private", "外资": "foreign", "金融": "finance", "存款": "deposits",
    "余额": "balance", "增长": "growth", "增速": "growth", "总量": "total", "总数": "total",
    "数量": "number", "新增": "new", "新认定": "newly-certified", "累计": "cumulative",
    "年均": "annual-average", "竞争力": "competitiveness", "恩格尔系数": "engel-coefficient",
    "系数": "coefficient", "率": "rate",
    # read and left out: verbs, places, fillers
    "全市": "", "我市": "", "全省": "", "重庆": "", "重庆市": "", "全社会": "",
    "组织实施": "", "实施": "", "建成": "", "获得": "", "引进": "", "获批": "",
    "达到": "", "实现": "", "完成": "", "开展": "", "推动": "", "其中": "", "的": "",
    "和": "-and-", "与": "-and-", "及": "-and-",
}  # fmt: skip
_WORDS = sorted(_GLOSSARY, key=len, reverse=True)
_WORD = re.compile("|".join(map(re.escape, _WORDS)))
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Share of a subject's Chinese characters the glossary must cover for a readable id.
_COVERED = 0.7
_ID_WORDS = 6
_UNSAFE = re.compile(r"[^a-z0-9]+")


class Reading:
    """A subject read through the glossary: its English words and how much they cover
    (:func:`reading` reads each subject once)."""

    def __init__(self, subject: str) -> None:
        text = detection_text(subject)
        words: list[str] = []
        covered = fillers = 0
        for found in _WORD.finditer(text):
            english = _GLOSSARY[found[0]]
            # A filler (全市, 的) is read, but neither covers the subject nor is it.
            if english:
                covered += len(_CJK.findall(found[0]))
                words.append(english)
            else:
                fillers += len(_CJK.findall(found[0]))
        total = len(_CJK.findall(text)) - fillers
        self.share = covered / total if total else 0.0
        self.words = [word for word in "-".join(words).split("-") if word]
        # Words like "and" at an end say nothing.
        while self.words and self.words[-1] == "and":
            self.words.pop()
        while self.words and self.words[0] == "and":
            self.words.pop(0)

    @property
    def complete(self) -> bool:
        return self.share >= 1.0 and bool(self.words)

    def fact_id(self, kind: str) -> str:
        """A kebab-case id: the English words, ``todo-`` first where they cover too
        little of the subject, ``-rank`` last for a rank."""
        words = list(dict.fromkeys(self.words))[:_ID_WORDS]
        if kind == "rank" and "rank" not in words:
            words.append("rank")
        if self.share < _COVERED or not words:
            words = ["todo", *words] if words else ["todo", kind]
        return _UNSAFE.sub("-", "-".join(words).lower()).strip("-")

    def label_en(self) -> str:
        """A visible TODO, with the glossary's words where they cover the subject."""
        if self.complete:
            return "TODO: " + " ".join(self.words) + " (glossary words, to check)"
        return "TODO: English label"


@lru_cache(maxsize=4096)
def reading(subject: str) -> Reading:
    """A subject's :class:`Reading`, made once: a long report repeats its subjects."""
    return Reading(subject)
