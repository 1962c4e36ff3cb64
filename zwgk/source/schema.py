"""Field declarations of every source file: the one source of truth.

The validator, the JSON Schemas for editors and the field reference are all derived
from these tables, so a field cannot be checked without being documented.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zwgk.base import AUDIENCES, CATEGORIES, MODES, VALIDITIES
from zwgk.base import annual_report as ar

# Kinds of value a field may hold.
TEXT = "text"              # one line or paragraph of text
TEXT_LIST = "text_list"    # a list of texts (a single text is accepted as a list of one)
DATE = "date"              # YYYY-MM-DD
CHOICE = "choice"          # one of `choices`
ID = "id"                  # an identifier used in URLs
ID_LIST = "id_list"
PATH_LIST = "path_list"    # paths relative to the county's content folder
INT = "int"
BOOL = "bool"
TEXT_MAP = "text_map"      # a mapping of text to text
RECORDS = "records"        # a list of mappings, each described by `fields`
MAPPING = "mapping"        # one mapping described by `fields`
COUNTS = "counts"          # non-negative whole numbers: a list, or one number as a list of one
AMOUNT = "amount"          # a non-negative number, decimals allowed (money)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
DATE_PATTERN = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"   # YYYY-MM-DD, a time after it is ignored


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: str          # the Chinese column name editors know
    help: str           # what it means, in Chinese
    example: Any
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: tuple["Field", ...] = ()
    default: Any = None


@dataclass(frozen=True)
class FileKind:
    name: str           # used for schema file names
    title: str          # Chinese title of the file kind
    where: str          # where such files live
    fields: tuple[Field, ...] = field(default_factory=tuple)


SYNONYM_FIELDS = (
    Field("terms", TEXT_LIST, "同义词", "互相当作对方检索的两个或更多词语，简称、俗称在前。", ["一卡通", "惠民惠农财政补贴资金一卡通"], required=True),
    Field("source", TEXT, "出处", "全称出自哪里（文件名称和文号），便于核对。", "本县惠民惠农补贴资金发放办法"),
)

PII_ALLOW_FIELDS = (
    Field("value", TEXT, "允许公开的号码", "允许出现在网站上的号码或地址原文，例如单位的公开服务热线。", "0311-12345678", required=True),
    Field("reason", TEXT, "理由", "为什么允许公开，会列入检查报告。", "县政务服务中心对外公开咨询电话", required=True),
)

FOOTER_FIELDS = (
    Field("organiser", TEXT, "主办单位", "网站页脚显示的主办单位。", "示例县人民政府办公室"),
    Field("site_code", TEXT, "网站标识码", "政府网站标识码（10位），显示在页脚并写入页面元数据。", "1301000001"),
    Field("icp", TEXT, "ICP备案号", "ICP备案编号，页脚链接到工业和信息化部备案管理系统。", "冀ICP备12345678号"),
    Field("police", TEXT, "公安机关备案号", "公安机关互联网站安全备案号。", "冀公网安备 13010202000001号"),
    Field("badge_image", TEXT, "党政机关网站标识", "党政机关网站标识图片（PNG、JPG 或 GIF），路径相对于 content/；显示在每页底部居中。", "files/dzjg.png"),
    Field("badge_link", TEXT, "标识链接", "党政机关网站标识的链接地址（取得标识时给出的地址）。", "https://www.example.gov.cn/biaoshi/0000"),
    Field("jiucuo_image", TEXT, "我为政府网站找错", "“我为政府网站找错”图片（PNG、JPG 或 GIF），路径相对于 content/；显示在每页底部。", "files/jiucuo.png"),
    Field("jiucuo_link", TEXT, "找错链接", "“我为政府网站找错”的链接地址，应包含本站的网站标识码；写 {site_code} 则由各县（区）自己的网站标识码代替。", "https://jiucuo.example.gov.cn/?site_code={site_code}"),
)

# zwgk check --inspection: the update periods and the publication deadline it checks against.
INSPECTION_FIELDS = (
    Field("policy_days", INT, "政策文件类栏目更新期限（天）", "法定主动公开内容的各类别超过多少天没有新文件算作未更新（国办秘函〔2019〕19号检查指标：通知公告、政策文件类栏目 6 个月）。", 180, default=180),
    Field("catalog_days", INT, "标准目录领域更新期限（天）", "基层政务公开标准目录的各领域超过多少天没有更新算作未更新；默认与政策文件类栏目相同，本省有更严的要求时改小，例如 90。", 90, default=180),
    Field("late_days", INT, "发布时限（工作日）", "文件从成文到发布超过多少个工作日算作发布不及时（标准目录常见的时限：形成或者变更之日起 20 个工作日内）。", 20, default=20),
)

SITE = FileKind("site", "站点配置", "site.yaml", (
    Field("title", TEXT, "站点名称", "门户网站的名称，显示在每页标题和页眉。", "示例市政务公开事项标准目录", required=True),
    Field("base_url", TEXT, "网站地址", "网站发布后的完整地址，用于站点地图和订阅源。", "https://www.example.gov.cn/zwgk/", required=True),
    Field("domain", TEXT, "网站域名", "写入页面元数据 SiteDomain 的域名。", "www.example.gov.cn"),
    *FOOTER_FIELDS,
    Field("theme", TEXT, "主题", "使用 themes/ 下的哪个主题覆盖默认主题的模板；不填即用默认主题。", "default"),
    Field("local_channels", TEXT_LIST, "本地公开渠道", "除13种标准渠道外，本地目录中使用的渠道名称。", ["12345政务服务热线", "办事窗口"]),
    Field("level_names", TEXT_MAP, "公开层级名称", "本地对“县级”“乡级”的称呼，如区里写“区级”“镇(街)级”。", {"县级": "区级", "乡级": "镇(街)级"}),
    Field("stale_days", INT, "更新期限（天）", "超过多少天未更新的事项和文件在检查中提示。", 365, default=365),
    Field("inspection", MAPPING, "检查期限", "zwgk check --inspection 使用的更新期限和发布时限；不填时用默认值。", {}, fields=INSPECTION_FIELDS),
    Field("synonyms", RECORDS, "检索同义词", "本地补充的同义词和简称：一组中的词互相当作对方检索（内置词表见 docs/search.md）。", [{"terms": ["一卡通", "惠民惠农财政补贴资金一卡通"], "source": "本县惠民惠农补贴资金发放办法"}], fields=SYNONYM_FIELDS),
    Field("pii_allow", RECORDS, "允许公开的号码", "检查个人信息时放行的号码（如公开热线），每条须写明理由。", [{"value": "0311-12345678", "reason": "县政务服务中心咨询电话"}], fields=PII_ALLOW_FIELDS),
))

# 《中华人民共和国政府信息公开条例》（国务院令第711号）第十二条：政府信息公开指南包括
# 政府信息的分类、编排体系、获取方式和政府信息公开工作机构的名称、办公地址、办公时间、
# 联系电话、传真号码、互联网联系方式等内容。
OFFICE_FIELDS = (
    Field("name", TEXT, "机构名称", "政府信息公开工作机构的名称（条例第十二条）。", "示例县人民政府办公室", required=True),
    Field("address", TEXT, "办公地址", "受理申请的办公地址，申请人可当面递交或邮寄到这里。", "示例县人民路1号县政务服务中心二楼", required=True),
    Field("postcode", TEXT, "邮政编码", "办公地址的邮政编码，信函申请时使用。", "000000"),
    Field("hours", TEXT, "办公时间", "受理申请的时间。", "工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）", required=True),
    Field("phone", TEXT, "联系电话", "咨询电话。", "0000-0000000", required=True),
    Field("fax", TEXT, "传真号码", "传真号码；没有传真的写“无”。", "无", required=True),
    Field("online", TEXT, "互联网联系方式", "电子邮箱或网上申请平台的地址。", "zwgk@example.gov.cn", required=True),
)

APPLY_FIELDS = (
    Field("platform", TEXT, "网上申请平台", "本县依申请公开网上平台的地址（http:// 或 https:// 开头）；没有的不填。", "https://www.example.gov.cn/ysqgk/"),
    Field("purpose", BOOL, "填写用途", "申请表是否请申请人填写所需信息的用途（条例第二十九条未要求，默认不填）。", False, default=False),
)

COUNTY = FileKind("county", "县（区）信息", "catalog/<县>/county.yaml", (
    Field("name", TEXT, "名称", "县（市、区）的名称。", "示例县", required=True),
    Field("code", TEXT, "行政区划代码", "6位行政区划代码。", "130100", required=True),
    *FOOTER_FIELDS,
    Field("not_applicable", TEXT_MAP, "未涉及领域", "本县不涉及的标准领域及原因，网站上显示为“未涉及”。", {"城市综合执法": "本县未设城市管理综合执法机构，相关事项由市级公开"}),
    Field("weight", INT, "排序", "在门户中的排列顺序，数字小的在前。", 10, default=0),
    Field("office", MAPPING, "政府信息公开工作机构", "条例第十二条要求指南写明的机构名称、办公地址、办公时间、联系电话、传真号码、互联网联系方式；显示在政府信息公开指南和依申请公开页面，并写入申请表。", {}, fields=OFFICE_FIELDS),
    Field("apply", MAPPING, "依申请公开", "依申请公开页面和申请表的设置。", {}, fields=APPLY_FIELDS),
))

ITEM = FileKind("item", "目录事项", "catalog/<县>/<领域>.yaml 的 items 下每一项", (
    Field("id", ID, "事项编号", "本县内唯一的编号，也是事项页面的网址，只能用字母、数字、-和_。", "czyjs-zfys-01", required=True),
    Field("level1", TEXT, "一级事项", "公开事项的一级名称。", "政府预算", required=True),
    Field("level2", TEXT, "二级事项", "公开事项的二级名称。", "一般公共预算"),
    Field("level3", TEXT, "三级事项", "部分领域有三级事项。", "预算调整"),
    Field("content", TEXT, "公开内容（要素）", "应公开的具体内容。", "一般公共预算收入表、支出表、本级支出表"),
    Field("basis", TEXT_LIST, "公开依据", "法律、法规、规章和规范性文件。", ["《中华人民共和国预算法》"]),
    Field("deadline", TEXT, "公开时限", "应在何时公开。", "信息形成或变更之日起20个工作日内"),
    Field("subject", TEXT, "公开主体", "负责公开的单位。", "县财政局", required=True),
    Field("channels", TEXT_LIST, "公开渠道和载体", "13种标准渠道之一，或在 site.yaml 的 local_channels 中声明的本地渠道。", ["政府网站", "政府公报"], required=True),
    Field("audience", CHOICE, "公开对象", "全社会，或特定群体（此时用 audience_note 写明是哪些人）。", "全社会", required=True, choices=AUDIENCES),
    Field("audience_note", TEXT, "特定群体说明", "公开对象为特定群体时，写明群体。", "教师"),
    Field("mode", CHOICE, "公开方式", "主动公开或依申请公开。", "主动", required=True, choices=MODES),
    Field("level", TEXT_LIST, "公开层级", "县级、乡级（或 site.yaml 中 level_names 设定的本地称呼）。", ["县级"], required=True),
    Field("documents", ID_LIST, "相关文件", "落实本事项的政府信息文件编号（content/<县>/docs/ 下的文件名，不带 .md）。", ["2020-czj-001"]),
    Field("note", TEXT, "备注", "其他说明。", "每年更新"),
    Field("updated", DATE, "最后更新", "事项最后更新的日期；不填则取领域文件的 git 提交时间（没有 git 时取文件时间）。", "2024-03-01"),
))

DOMAIN = FileKind("domain", "领域目录", "catalog/<县>/<领域>.yaml", (
    Field("domain", TEXT, "领域名称", "领域的名称，标准领域请用标准名称。", "财政预决算", required=True),
    Field("standard", TEXT, "对应标准领域", "本地改名的领域对应的标准领域，如“乡村振兴”对应“扶贫”。", "扶贫"),
    Field("guideline", TEXT, "标准指引", "本领域的标准指引文号。", "财办发〔2019〕77号"),
    Field("updated", DATE, "最后更新", "本领域目录最后更新的日期；不填则取文件的 git 提交时间（或文件时间）。网站上显示的领域最后更新日期，是它和本领域各事项最后更新日期中最晚的一个，所以事项的日期不会晚于领域。", "2024-03-01"),
    Field("items", RECORDS, "事项", "本领域的公开事项列表。", [], fields=ITEM.fields),
))

DOCUMENT = FileKind("document", "政府信息文件", "content/<县>/docs/<编号>.md 的文件头", (
    Field("title", TEXT, "标题", "文件标题。", "示例县人民政府办公室关于印发……的通知", required=True),
    Field("index_no", TEXT, "索引号", "政府信息索引号。", "11130100MB0000000X/2020-00028"),
    Field("doc_no", TEXT, "发文字号", "按 GB/T 9704 书写：机关代字〔年份〕序号号，如 示政办〔2020〕28号。", "示政办函〔2020〕28号"),
    Field("issuer", TEXT, "发文机关", "发布文件的机关。", "示例县人民政府办公室", required=True),
    Field("written", DATE, "成文日期", "文件的成文日期。", "2020-08-06"),
    Field("published", DATE, "发布日期", "在网站发布的日期。", "2020-08-10", required=True),
    Field("topic", TEXT, "主题分类", "主题分类。", "综合政务/政务公开"),
    Field("validity", CHOICE, "有效性", "文件的效力状态。", "现行有效", choices=VALIDITIES),
    Field("category", CHOICE, "公开类别", "在“法定主动公开内容”中归入的类别：政策文件、政策解读、条例第二十条的十五类（简称），"
          "或“政府信息公开制度”（列入制度栏目）。不填时，政策解读（写了 interprets 的文件）归入政策解读，其余列在“其他政府信息”下。",
          "财政预决算", choices=CATEGORIES),
    Field("items", ID_LIST, "对应事项", "本文件落实的目录事项编号。", ["czyjs-zfys-01"]),
    Field("attachments", PATH_LIST, "附件", "附件路径，相对于 content/<县>/，通常放在 files/ 下。", ["files/2020-28.pdf"]),
    Field("interprets", ID, "解读的文件", "本文件是政策解读时，填写被解读文件的编号。", "2020-xzf-028"),
    Field("updated", DATE, "最后更新", "最后更新日期；不填则取 git 提交时间或文件时间。", "2020-08-10"),
))

PAGE = FileKind("page", "页面", "content/pages/*.md 或 content/<县>/pages/*.md 的文件头", (
    Field("title", TEXT, "标题", "页面标题。", "政府信息公开指南", required=True),
    Field("weight", INT, "排序", "在页面列表中的顺序，数字小的在前。", 10, default=0),
    Field("attachments", PATH_LIST, "附件", "附件路径，相对于 content/<县>/（全站共用页面相对于 content/），通常放在 files/ 下。", ["files/申请表.docx"]),
    Field("updated", DATE, "最后更新", "最后更新日期；不填则取 git 提交时间或文件时间。", "2024-01-01"),
))

def _counts(key: str, label: str, columns: tuple[str, ...], example) -> Field:
    return Field(key, COUNTS, label, f"{len(columns)} 个数：" + "、".join(columns) + "。", example)


_REQUEST_COLUMNS = ar.APPLICANTS + (f"{ar.TOTAL}（可不填，由 zwgk 计算；填了就核对）",)
_ACTIVE_FIELDS = tuple(
    Field(key, AMOUNT, f"{label}（{part.columns[0]}）", "非负数，可带小数。", 2316.4) if part.amount else
    _counts(key, label, part.columns, [12, 3, 86] if len(part.columns) > 1 else 15862)
    for part in ar.ACTIVE_PARTS for key, label in part.rows)
_REQUEST_FIELDS = tuple(
    Field(line.key.split(".")[0], MAPPING, ar.REQUEST_GROUPS[line.key.split(".")[0]][0], "各项情形，每项一行。", {},
          fields=tuple(_counts(sub.key.split(".")[1], sub.heads[-1], _REQUEST_COLUMNS, [0, 0, 0, 0, 0, 0])
                       for sub in ar.REQUEST_LINES if sub.key.startswith(line.key.split(".")[0] + ".")))
    if "." in line.key else _counts(line.key, line.heads[-1], _REQUEST_COLUMNS, [86, 7, 0, 0, 3, 1, 97])
    for n, line in enumerate(ar.REQUEST_LINES)
    if "." not in line.key or ar.REQUEST_LINES[n - 1].key.split(".")[0] != line.key.split(".")[0])
_REVIEW_FIELDS = tuple(_counts(key, label, ar.OUTCOMES[:-1] + (f"{ar.TOTAL}（可不填）",), [1, 1, 0, 0, 2])
                       for key, label in ar.REVIEW_GROUPS)

REPORT = FileKind("report", "政府信息公开工作年度报告", "content/<县>/reports/<年份>.yaml 或 content/<县>/reports/<年份>/<部门或乡镇>.yaml", (
    Field("organ", TEXT, "报告机关", "发布报告的行政机关；县（区）人民政府的报告可不填。", "示例县财政局"),
    Field("published", DATE, "发布日期", "报告向社会公布的日期（条例第四十九条：县级以上人民政府部门在每年1月31日前，县级以上地方人民政府在每年3月31日前公布上一年度的报告）。", "2025-01-20", required=True),
    Field("overview", TEXT, ar.SECTION_TITLE["overview"], "报告正文的第一部分（Markdown）。", "2024年，……", required=True),
    Field("active", MAPPING, ar.SECTION_TITLE["active"], "表一的数字；不填的行按 0 计。", {}, fields=_ACTIVE_FIELDS),
    Field("requests", MAPPING, ar.SECTION_TITLE["requests"], "表二的数字：每行 6 个数（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他），"
          "可再加总计；不填的行按 0 计。", {}, fields=_REQUEST_FIELDS),
    Field("reviews", MAPPING, ar.SECTION_TITLE["reviews"], "表三的数字：每组 4 个数（结果维持、结果纠正、其他结果、尚未审结），可再加总计；不填的按 0 计。",
          {}, fields=_REVIEW_FIELDS),
    Field("problems", TEXT, ar.SECTION_TITLE["problems"], "报告正文的第五部分（Markdown）。", "一是……", required=True),
    Field("other", TEXT, ar.SECTION_TITLE["other"], "报告正文的第六部分（Markdown），包括收取信息处理费的情况；没有的写“无”。", "无", required=True),
))

WORDLIST = FileKind("wordlist", "错敏词表", "wordlist.yaml（站点根目录）", (
    Field("wrong", TEXT_MAP, "错误写法", "错误写法: 正确写法，每行一个；检查时在每个出现的位置提示改正（不会自动改写）。", {"政府信息公开条列": "政府信息公开条例"}),
    Field("banned", TEXT_MAP, "禁用表述", "不应使用的表述: 理由，每行一个。", {"某表述": "理由"}),
))

FILE_KINDS = (SITE, COUNTY, DOMAIN, DOCUMENT, PAGE, REPORT, WORDLIST)
