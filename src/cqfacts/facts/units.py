"""Units as the reports and queries write them, and what they are worth: the one
table of unit names, scales, families and English nouns. The figure finder
(:mod:`cqfacts.text.figures`), the query reader (:mod:`cqfacts.search.quantities`),
ranking (:mod:`cqfacts.derive.ranking`) and the English rendering
(:mod:`cqfacts.derive.english`) all read it, so a unit is added here once.

Literals only: this module is on the query path, where every import counts.
"""

# --- Units a report writes after a number (the figure finder) ------------------------

#: Measure words after a number (the finder tries the longest first, so that 个百分点
#: wins over 个).
MEASURE_WORDS = (
    "个百分点", "百分点", "%", "‰", "倍", "元", "美元", "欧元",
    "人次", "人年", "人", "名", "位", "户", "家次", "家", "所", "座", "个月", "个",
    "项", "件", "篇", "部", "册", "本", "份", "台套", "套", "台", "条", "类",
    "场次", "场", "次", "批", "支", "只", "头", "株", "种", "款", "颗", "辆", "架", "艘",
    "张", "例", "门", "处", "轮", "期", "方面", "强",
    "吨", "千克", "公斤", "克", "毫克", "微克", "亩", "公顷", "平方公里", "平方米", "立方米",
    "公里", "千米", "米", "厘米", "毫米", "微米", "纳米",
    "千瓦时", "千瓦", "兆瓦", "吉瓦", "瓦", "小时", "分钟", "秒", "天", "周", "岁",
)  # fmt: skip
#: Units in Latin letters, taken only when no letter follows (5G is a name, not 5 G).
LATIN_UNITS = (
    "kWh", "MWh", "GWh", "kW", "KW", "MW", "GW", "TB", "PB", "EB", "GB", "km",
    "Gbps", "EFLOPS", "PFLOPS", "TFLOPS",
)  # fmt: skip
#: Scale words between a number and its unit in a report (865.1亿元, 1.3万台/套), in
#: the order a pattern tries them (万亿 before 亿), each with its size.
MULTIPLIERS = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7,
               "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3}  # fmt: skip
#: Units of a rate: a change in one of them is preferred to a change in a count.
RATE_UNITS = ("%", "个百分点", "百分点", "倍", "‰")

# --- Units a query writes, and the families figures compare in -----------------------

#: Units a query may write after a number, in the order a pattern tries them; a
#: fact's own units are read by :data:`MYRIADS` and :data:`UNIT_FAMILIES`.
QUERY_UNITS = (
    "万元", "亿元", "元", "yuan", "cny", "rmb", "万人次", "人次", "万人", "人", "名",
    "家(次)", "家次", "家", "项", "个", "篇", "台/套", "台", "套", "万条", "条", "类", "张",
    "次", "小时", "%", "percent", "方面", "mw", "所", "座",
)  # fmt: skip
#: A unit's spellings and the family its figures compare in (casefolded keys).
UNIT_FAMILIES = {
    "元": "元", "yuan": "元", "cny": "元", "rmb": "元",
    "人": "人", "名": "人",
    "人次": "人次",
    "家": "家", "家(次)": "家", "家次": "家",
    "台": "台/套", "套": "台/套", "台/套": "台/套",
    "percent": "%",
}  # fmt: skip
#: A myriad before a unit scales it: 万人 is 10,000 人, 亿元 100,000,000 元.
MYRIADS = {"万": 1e4, "亿": 1e8}
#: Scale words a query writes after a number (1.9万, 3 million).
SCALES = {
    "千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9,
}  # fmt: skip

# --- Units converted into one another -------------------------------------------------

#: Money: each unit's size in yuan (exact integers: English renders them as decimals).
MONEY = {"元": 1, "万元": 10**4, "亿元": 10**8}
#: Head counts: each unit's size in people.
PEOPLE = {"人": 1, "名": 1, "万人": 10**4}
#: The units a ranking by value converts between, family by family.
CONVERTIBLE = (MONEY, PEOPLE)

# --- English --------------------------------------------------------------------------

#: Counts of a thing: the English after the number ("" for a bare number, whose thing
#: the label names: 7565家 high-tech enterprises is 7,565).
ENGLISH_NOUNS = {
    "家": "", "项": "", "个": "", "名": "", "人": "", "篇": "", "类": "", "张": "",
    "方面": "", "家(次)": "", "位": "", "次": " times", "小时": " hours",
    "台/套": " units/sets", "条": " records", "人次": " attendances", "MW": " MW",
    "%": "%", "个百分点": " percentage points", "百分点": " percentage points",
    "倍": "-fold", "件": "", "纳米": " nm",
}  # fmt: skip
