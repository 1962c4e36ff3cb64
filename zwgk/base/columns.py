"""The 政府信息公开专栏's columns and the categories of 法定主动公开内容.

Column names: 国办公开办函〔2019〕61号 asks every 专栏 for the same names (政府信息公开指南,
政府信息公开制度, 法定主动公开内容, 政府信息公开年报); 基层政务公开标准目录 is 国办发〔2019〕54号's.
Categories: the fifteen items of 《中华人民共和国政府信息公开条例》（国务院令第711号）第二十条,
each under a short name an editor writes in a document's `category`, then three of the
专栏's own (政策文件, 政策解读, and 政府信息公开制度, which fills the 制度 column).
"""
from __future__ import annotations

GUIDE = "政府信息公开指南"
RULES = "政府信息公开制度"
ACTIVE = "法定主动公开内容"
CATALOG = "基层政务公开标准目录"
REPORTS = "政府信息公开年报"
APPLY = "依申请公开"

# (category, item of 第二十条, its words)
ARTICLE_20 = (
    ("规范性文件", "（一）", "行政法规、规章和规范性文件"),
    ("机构职能", "（二）", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"),
    ("规划信息", "（三）", "国民经济和社会发展规划、专项规划、区域规划及相关政策"),
    ("统计信息", "（四）", "国民经济和社会发展统计信息"),
    ("行政许可", "（五）", "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"),
    ("行政处罚和行政强制", "（六）", "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定"),
    ("财政预决算", "（七）", "财政预算、决算信息"),
    ("行政事业性收费", "（八）", "行政事业性收费项目及其依据、标准"),
    ("政府集中采购", "（九）", "政府集中采购项目的目录、标准及实施情况"),
    ("重大建设项目", "（十）", "重大建设项目的批准和实施情况"),
    ("民生政策", "（十一）", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"),
    ("突发公共事件", "（十二）", "突发公共事件的应急预案、预警信息及应对情况"),
    ("监督检查", "（十三）", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"),
    ("公务员招考", "（十四）", "公务员招考的职位、名额、报考条件等事项以及录用结果"),
    ("其他主动公开信息", "（十五）", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"),
)
POLICY = "政策文件"
INTERPRETATION = "政策解读"

# Every value a document's `category` may take, in the order 法定主动公开内容 lists them.
CATEGORIES = (POLICY, INTERPRETATION) + tuple(name for name, _item, _words in ARTICLE_20) + (RULES,)


def category_heading(category: str) -> str:
    """How a category is headed on the 法定主动公开内容 page: an item of 第二十条 in its own words."""
    for name, item, words in ARTICLE_20:
        if name == category:
            return f"{item}{words}"
    return category
