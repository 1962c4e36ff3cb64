"""Write a realistic city-sized zwgk site, deterministically from a seed.

    python bench/gen_corpus.py --out bench/out/city                      # 22 counties, ~23k items
    python bench/gen_corpus.py --out DIR --counties 1                     # ~1k items
    python bench/gen_corpus.py --out DIR --counties 96                    # ~100k items

Every county publishes the 26 standard domains (a few rename 扶贫 to 乡村振兴, a few mark
one domain 未涉及 and add a local domain instead), about --items-per-domain items each,
--docs-per-county documents of 1,000-4,000 characters of Chinese administrative prose
with 文号, dates and amounts, attachments (small CSV/TXT tables) and pages. The text
holds no personal information (no ID-card-like numbers, no phone numbers, no e-mail
addresses), so `zwgk check` passes it cleanly. Same flags and seed, same bytes.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zwgk.base.standards import DOMAIN_SLUGS, STANDARD_CHANNELS, STANDARD_DOMAINS  # noqa: E402

COUNTY_NAMES = [
    ("linjiang", "临江县", "临"), ("shiqiao", "石桥区", "石"), ("qingshan", "青山县", "青"),
    ("baihe", "白河县", "白"), ("dongpu", "东浦区", "东"), ("xiling", "西岭县", "西"),
    ("nanhu", "南湖区", "南"), ("beiyuan", "北源县", "北"), ("yunping", "云屏县", "云"),
    ("taoxi", "桃溪县", "桃"), ("fengyang", "枫阳县", "枫"), ("huaiyin", "槐荫区", "槐"),
    ("songling", "松岭县", "松"), ("jinsha", "金沙县", "金"), ("yuquan", "玉泉区", "玉"),
    ("changning", "长宁县", "长"), ("anping", "安平县", "安"), ("heping", "和平区", "和"),
    ("lanshui", "澜水县", "澜"), ("zhuxi", "竹溪县", "竹"), ("meiling", "梅岭县", "梅"),
    ("luyuan", "鹿原县", "鹿"),
]
EXTRA_SYLLABLES = "安宁康泰兴丰和顺永福嘉瑞祥盛昌隆德清平明远新乐同华"

# Per domain: (department, short name for 文号, first-level 事项).
DOMAINS = {
    "城乡规划": ("县自然资源和规划局", "自然资", ["城乡规划编制", "建设项目规划许可", "规划实施监督", "规划修改", "历史文化保护"]),
    "重大建设项目": ("县发展和改革局", "发改", ["批准服务信息", "批准结果信息", "招标投标信息", "征收土地信息", "施工有关信息", "竣工有关信息"]),
    "公共资源交易": ("县公共资源交易中心", "交易", ["交易公告", "成交信息", "交易规则", "信用信息", "交易监管"]),
    "财政预决算": ("县财政局", "财预", ["政府预算", "政府决算", "部门预算", "部门决算", "政府债务", "三公经费"]),
    "安全生产": ("县应急管理局", "应急", ["安全生产行政许可", "安全生产行政处罚", "事故调查处理", "安全生产监督检查", "应急救援"]),
    "税收管理": ("国家税务总局县税务局", "税", ["税收政策", "纳税服务", "税务行政许可", "税务行政处罚", "重大税收违法案件"]),
    "征地补偿": ("县自然资源和规划局", "征", ["征地告知", "征地调查结果", "征地补偿安置方案", "征地批准", "补偿登记"]),
    "国有土地上房屋征收与补偿": ("县住房和城乡建设局", "房征", ["房屋征收决定", "补偿方案", "评估机构选定", "补偿结果", "救济途径"]),
    "生态环境": ("市生态环境局县分局", "环", ["环境质量", "环境影响评价", "排污许可", "环境监管执法", "突发环境事件"]),
    "公共文化服务": ("县文化广电和旅游局", "文旅", ["公共文化设施", "群众文化活动", "非物质文化遗产", "文物保护", "公共图书馆服务"]),
    "公共法律服务": ("县司法局", "司", ["法律援助", "人民调解", "公证服务", "司法鉴定", "法治宣传"]),
    "扶贫": ("县农业农村局", "农", ["政策文件", "衔接资金", "项目管理", "帮扶措施", "监测帮扶"]),
    "救灾": ("县应急管理局", "应急", ["灾情信息", "救灾物资", "救灾资金", "灾后恢复重建", "应急预案"]),
    "社会救助": ("县民政局", "民", ["最低生活保障", "特困人员救助供养", "临时救助", "医疗救助", "受灾人员救助"]),
    "养老服务": ("县民政局", "民", ["养老机构", "居家社区养老", "高龄津贴", "养老服务补贴", "老年人权益保障"]),
    "户籍管理": ("县公安局", "公", ["户口登记", "户口迁移", "居民身份证办理", "居住证办理", "户籍证明"]),
    "涉农补贴": ("县农业农村局", "农", ["耕地地力保护补贴", "农机购置补贴", "生态补偿", "农业保险保费补贴", "种粮农民补贴"]),
    "就业": ("县人力资源和社会保障局", "人社", ["就业政策", "公共就业服务", "职业技能培训", "创业扶持", "就业援助"]),
    "社会保险": ("县人力资源和社会保障局", "人社", ["城乡居民养老保险", "职工养老保险", "工伤保险", "失业保险", "社会保险基金"]),
    "义务教育": ("县教育和体育局", "教体", ["学校概况", "招生入学", "财务管理", "教师队伍", "学生资助"]),
    "卫生健康": ("县卫生健康局", "卫健", ["医疗机构", "基本公共卫生服务", "人口家庭", "卫生监督", "疾病预防控制"]),
    "市政服务": ("县住房和城乡建设局", "住建", ["供水服务", "供气服务", "供热服务", "公共交通", "市容环卫"]),
    "农村危房改造": ("县住房和城乡建设局", "住建", ["政策文件", "补助对象认定", "补助标准", "改造进度", "资金使用"]),
    "保障性住房": ("县住房和城乡建设局", "住建", ["保障性住房规划", "保障对象条件", "房源信息", "分配结果", "退出管理"]),
    "食品药品监管": ("县市场监督管理局", "市监", ["食品生产经营许可", "药品经营许可", "监督抽检", "行政处罚", "投诉举报"]),
    "城市综合执法": ("县城市管理综合行政执法局", "城执", ["执法依据", "执法程序", "执法结果", "投诉举报处理", "执法监督"]),
}
LEVEL2_SUFFIXES = ["政策文件", "办事指南", "审批结果", "年度计划", "实施情况", "监督检查结果", "资金分配结果",
                   "公示名单", "投诉举报渠道", "统计数据", "标准和依据", "工作动态"]
CONTENT_PHRASES = ["有关法律法规和政策文件", "办理条件、材料、流程和时限", "审批或核准结果", "年度工作计划和完成情况",
                   "资金分配、使用和绩效情况", "监督检查和处理结果", "受理机构、咨询方式和投诉渠道",
                   "统计数据和分析报告", "项目名称、规模、实施单位和进度"]
BASIS = ["《中华人民共和国政府信息公开条例》", "《中华人民共和国预算法》", "《中华人民共和国城乡规划法》",
         "《中华人民共和国土地管理法》", "《中华人民共和国安全生产法》", "《中华人民共和国环境保护法》",
         "《社会救助暂行办法》", "《中华人民共和国就业促进法》", "《中华人民共和国社会保险法》",
         "《中华人民共和国义务教育法》", "《中华人民共和国食品安全法》", "《中华人民共和国药品管理法》",
         "《中华人民共和国法律援助法》", "《国有土地上房屋征收与补偿条例》", "《招标投标法实施条例》",
         "《中华人民共和国行政处罚法》", "《中华人民共和国公共文化服务保障法》", "《中华人民共和国老年人权益保障法》"]
DEADLINES = ["信息形成或变更之日起20个工作日内", "自批准之日起20个工作日内", "自作出决定之日起7个工作日内",
             "按年度公开，次年3月底前", "实时公开", "每季度结束后15日内", "本级人民代表大会批准后20日内"]
LOCAL_CHANNELS = ["12345政务服务热线", "公共资源交易平台", "办事窗口"]
AUDIENCE_NOTES = ["低保对象", "申请人", "项目单位", "被征收人", "适龄儿童家长", "参保人员", "经营者"]
TOPICS = ["综合政务/政务公开", "财政/预算、决算", "城乡建设/规划管理", "国土资源、能源/土地", "民政、扶贫、救灾/社会救助",
          "劳动、人事、监察/就业", "教育/义务教育", "卫生、体育/医疗卫生", "环境监测、保护与治理/环境监测、保护",
          "公安、安全、司法/安全生产", "市场监管、安全生产监管/食品药品监管", "农业、林业、水利/农业、畜牧业、渔业"]
VALIDITIES = ["现行有效"] * 14 + ["已修改", "已废止"]
TITLE_FORMS = [
    "{county}{dept}关于印发《{county}{year}年{subject}实施方案》的通知",
    "{county}{dept}关于{year}年{subject}情况的公告",
    "{county}{dept}关于{subject}结果的公示",
    "{county}{dept}关于做好{year}年{subject}工作的通知",
    "{county}{year}年{subject}工作总结",
    "{county}{dept}关于进一步加强{subject}管理的意见",
]
OPENINGS = [
    "为深入贯彻落实{law}，进一步做好{subject}工作，根据{upper}有关要求，结合我县实际，制定本{kind}。",
    "根据{law}和{upper}《关于全面推进基层政务公开标准化规范化工作的通知》（{docref}）精神，现就{year}年{subject}有关事项{verb}如下。",
    "{year}年，在县委、县政府的坚强领导下，{dept}紧紧围绕{subject}目标任务，扎实推进各项工作，现将有关情况{verb}如下。",
]
SENTENCES = [
    "{year}年全县共安排{subject}资金{amount}万元，比上年增长{pct}%，其中中央和省级补助资金{amount2}万元。",
    "截至{day}，累计完成{subject}项目{count}个，完成年度计划的{pct}%，惠及群众{people}人次。",
    "各乡镇（街道）要于{day}前将{subject}工作开展情况报送{dept}，逾期未报送的将予以通报。",
    "对群众反映的{subject}问题，{dept}在收到之日起{days}个工作日内予以答复，答复率达到{pct}%。",
    "依据{law}第{article}条规定，{dept}对{count}家单位开展了专项检查，发现问题{count2}个，已全部整改到位。",
    "本{kind}自{day}起施行，有效期{years}年，原{docref}同时废止。",
    "全县{subject}覆盖{count}个村（社区），建成标准化服务站点{count2}个，服务满意度达{pct}%。",
    "申请人可通过政府网站、政务服务中心窗口或乡镇便民服务中心提交申请，{dept}在{days}个工作日内作出决定。",
    "{dept}会同县财政局对{subject}资金使用情况进行了绩效评价，评价得分{score}分，等级为“{grade}”。",
    "下一步，{dept}将继续完善{subject}工作机制，强化部门协同，确保各项政策落到实处。",
    "按照《{county}{year}年政务公开工作要点》（{docref}）要求，本信息在政府网站“政府信息公开”专栏同步公开。",
    "共受理{subject}申请{count}件，办结{count2}件，按时办结率{pct}%，未发生超期办理情况。",
    "{year}年第{quarter}季度，全县{subject}支出{amount}万元，占全年预算的{pct}%。",
    "各责任单位要落实主体责任，明确分管领导和具体经办人员，建立工作台账，实行销号管理。",
    "对弄虚作假、骗取{subject}资金的，依法依规追回资金，并追究相关单位和人员的责任。",
]
HEADINGS = ["一、总体要求", "二、主要任务", "三、实施步骤", "四、保障措施", "五、工作成效", "六、存在问题", "七、下一步工作"]
UPPERS = ["省人民政府办公厅", "市人民政府办公室", "县人民政府办公室", "国务院办公厅"]
GRADES = ["优", "良", "优"]


def _upper_docref(rng: random.Random, year: int) -> str:
    org = rng.choice(["国办发", "省政办发", "市政办发", "县政办发"])
    return f"{org}〔{year - rng.randint(0, 3)}〕{rng.randint(1, 98)}号"


def _fill(template: str, rng: random.Random, ctx: dict) -> str:
    year = ctx["year"]
    values = dict(ctx)
    values.update(
        amount=f"{rng.randint(120, 98000):,}", amount2=f"{rng.randint(50, 9000):,}", pct=f"{rng.randint(30, 999) / 10:.1f}",
        count=rng.randint(3, 480), count2=rng.randint(1, 60), people=f"{rng.randint(500, 90000):,}",
        days=rng.choice([5, 7, 10, 15, 20]), article=rng.choice("一二三四五六七八九十") + rng.choice(["", "十", "十一", "十二"]),
        years=rng.choice([2, 3, 5]), score=rng.randint(82, 98), grade=rng.choice(GRADES), quarter=rng.choice("一二三四"),
        day=(date(year, 1, 1) + timedelta(days=rng.randint(0, 360))).strftime("%Y年%-m月%-d日"),
        docref=_upper_docref(rng, year), law=rng.choice(BASIS), upper=rng.choice(UPPERS),
        kind=rng.choice(["方案", "办法", "通知", "意见"]), verb=rng.choice(["通知", "公告", "报告", "说明"]),
    )
    return template.format(**values)


def document_body(rng: random.Random, ctx: dict, with_table: bool) -> str:
    target = rng.randint(1000, 4000)
    parts = [_fill(rng.choice(OPENINGS), rng, ctx)]
    length = len(parts[0])
    for heading in HEADINGS:
        if length >= target:
            break
        parts.append(f"## {heading}")
        for _ in range(rng.randint(2, 4)):
            if length >= target:
                break
            sentences = [_fill(rng.choice(SENTENCES), rng, ctx) for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.2:
                para = "\n".join(f"{n}. {s}" for n, s in enumerate(sentences, 1))
            else:
                para = "".join(sentences)
            parts.append(para)
            length += len(para)
    if with_table:
        rows = ["| 项目 | 计划数（万元） | 完成数（万元） | 完成率（%） |", "| --- | ---: | ---: | ---: |"]
        for n in range(rng.randint(3, 7)):
            plan = rng.randint(100, 9000)
            done = rng.randint(plan // 2, plan)
            rows.append(f"| {ctx['subject']}第{n + 1}项 | {plan:,} | {done:,} | {done * 100 / plan:.1f} |")
        parts.insert(2 if len(parts) > 2 else 1, "\n".join(rows))
    return "\n\n".join(parts) + "\n"


def _yaml_text(value: str) -> str:
    # Every value written is plain Chinese text without YAML indicators; quote only what needs it.
    return f"'{value}'" if value[:1] in "-?:,[]{}#&*!|>'\"%@`" or ": " in value or value.isdigit() else value


def _yaml_list(values) -> str:
    return "[" + ", ".join(values) + "]"


def county_list(n: int) -> list[tuple[str, str, str]]:
    counties = list(COUNTY_NAMES[:n])
    k = 0
    while len(counties) < n:
        a, b = EXTRA_SYLLABLES[k % len(EXTRA_SYLLABLES)], EXTRA_SYLLABLES[(k // len(EXTRA_SYLLABLES) + 3) % len(EXTRA_SYLLABLES)]
        counties.append((f"xian{len(counties) + 1:03d}", f"{a}{b}县", a))
        k += 1
    return counties


class Corpus:
    def __init__(self, out: str, items_per_domain: int, docs_per_county: int, seed: int):
        self.out = out
        self.items_per_domain = items_per_domain
        self.docs_per_county = docs_per_county
        self.seed = seed
        self.files = 0

    def write(self, rel: str, text: str) -> None:
        path = os.path.join(self.out, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        self.files += 1

    def site(self, counties) -> None:
        self.write("site.yaml", "\n".join([
            "title: 云溪市政务公开事项标准目录", "base_url: https://zwgk.yunxi.example.gov.cn/",
            "domain: zwgk.yunxi.example.gov.cn", "organiser: 云溪市人民政府办公室", "site_code: '9901000001'",
            "icp: 云ICP备00000000号-1", "police: 云公网安备 99010000000000号",
            "local_channels: " + _yaml_list(LOCAL_CHANNELS), "stale_days: 3650", ""]))
        self.write("content/pages/about.md", "---\ntitle: 关于本站\nweight: 10\n---\n\n"
                   f"云溪市政务公开事项标准目录网站集中发布全市{len(counties)}个县（市、区）的政务公开事项标准目录，"
                   "以及落实目录事项的政府信息文件。\n\n## 建设依据\n\n本站依据《中华人民共和国政府信息公开条例》和"
                   "《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）建设。\n")
        self.write("content/pages/help.md", "---\ntitle: 使用帮助\nweight: 20\n---\n\n## 查找事项\n\n"
                   "在各县（市、区）首页选择领域，即可看到该领域的标准目录表格；点击事项名称可查看详情和对应的政府信息。\n\n"
                   "## 下载\n\n每个县（市、区）的目录都可以下载为 Excel、CSV 和 JSON 文件，也可以下载离线版网站。\n")

    def county(self, index: int, slug: str, name: str, short: str) -> tuple[int, int]:
        rng = random.Random(f"{self.seed}/{slug}")
        code = f"99{(index // 90) + 1:02d}{(index % 90) + 10:02d}"
        unit = f"11{code}MB{index:04d}"
        dropped = STANDARD_DOMAINS[rng.randrange(len(STANDARD_DOMAINS))] if index % 5 == 3 else ""
        county_yaml = [f"name: {name}", f"code: '{code}'", f"organiser: {name}人民政府办公室",
                       f"site_code: '{code}0001'", f"icp: 云ICP备00000000号-{index + 2}",
                       f"police: 云公网安备 {code}00000000号", f"weight: {index * 10}"]
        if dropped:
            county_yaml += ["not_applicable:", f"  {dropped}: 本{name[-1]}相关事项由云溪市统一公开，本{name[-1]}不单独发布"]
        # The 指南 page needs the office that handles requests (条例第十二条).
        county_yaml += ["office:", f"  name: {name}人民政府办公室", f"  address: {name}人民路{index + 1}号政务服务中心",
                        "  hours: 工作日上午8:30—12:00，下午14:30—17:30", f"  phone: 0999-{1000 + index}",
                        "  fax: 无", f"  online: {name}人民政府网站“依申请公开”栏目"]
        self.write(f"catalog/{slug}/county.yaml", "\n".join(county_yaml) + "\n")

        # Items first (their ids are needed by documents), then documents, then the item→document links.
        domains = []
        for d_index, domain in enumerate(STANDARD_DOMAINS):
            if domain == dropped:
                domains.append(("qyts", "区域特色产业", "", f"{name}发展和改革局", "发改", ["产业政策", "项目扶持", "园区建设", "招商引资", "品牌培育"]))
                continue
            dept, dept_short, level1s = DOMAINS[domain]
            shown, standard = domain, ""
            if domain == "扶贫" and index % 3 == 1:
                shown, standard = "乡村振兴", "扶贫"
            domains.append((DOMAIN_SLUGS[domain], shown, standard, dept.replace("县", name, 1), dept_short, level1s))
        items_by_domain = []
        for slug_d, shown, standard, dept, dept_short, level1s in domains:
            count = max(1, self.items_per_domain + rng.randint(-4, 4)) if self.items_per_domain >= 8 else self.items_per_domain
            ids = [f"{slug_d}-{n:03d}" for n in range(1, count + 1)]
            items_by_domain.append(ids)
        all_items = [(d, i) for d, ids in zip(domains, items_by_domain) for i in ids]

        # Documents spread over the domains; each 现行有效 one (but 政策解读) fulfils a few of its
        # domain's items, so that every item is fulfilled by one, as `zwgk check` wants: the
        # first from the item's side (documents:), the others from the document's (items:).
        order = list(range(len(domains)))
        rng.shuffle(order)
        docs = []
        for n in range(self.docs_per_county):
            domain = domains[order[n % len(domains)]]
            year = rng.choice([2021, 2022, 2023, 2023, 2024, 2024, 2024, 2025])
            interprets = docs[rng.randrange(n)][0] if n > 10 and rng.random() < 0.05 else ""
            validity = "现行有效" if interprets else rng.choice(VALIDITIES)
            docs.append([f"{year}-{domain[0]}-{n + 1:03d}", year, domain, [], validity, interprets])
        item_docs: dict[str, list[str]] = {}
        fulfilled: set[str] = set()
        for domain, ids in zip(domains, items_by_domain):
            givers = [d for d in docs if d[2] is domain and d[4] == "现行有效" and not d[5]]
            for k, item_id in enumerate(ids):
                if givers:
                    doc = givers[k % len(givers)]
                    doc[3].append(item_id)
                    fulfilled.add(item_id)
        for doc in docs:
            for item_id in doc[3][:1]:
                item_docs.setdefault(item_id, []).append(doc[0])
            doc[3] = doc[3][1:]

        attachments = 0
        for n, (doc_id, year, domain, linked, validity, interprets) in enumerate(docs):
            slug_d, shown, standard, dept, dept_short, level1s = domain
            subject = rng.choice(level1s)
            ctx = {"county": name, "dept": dept, "year": year, "subject": subject}
            published = date(year, 1, 1) + timedelta(days=rng.randint(5, 350))
            written = published - timedelta(days=rng.randint(1, 12))
            title = _fill(rng.choice(TITLE_FORMS), rng, ctx)
            front = ["---"]
            if interprets:
                front += [f"title: 《{title[:30]}》政策解读", f"issuer: {dept}"]
            else:
                front += [f"title: {title}", f"index_no: {unit}/{year}-{n + 1:05d}",
                          f"doc_no: {short}{dept_short}〔{year}〕{rng.randint(1, 120)}号", f"issuer: {dept}",
                          f"written: {written.isoformat()}"]
            front += [f"published: {published.isoformat()}", f"topic: {rng.choice(TOPICS)}",
                      f"validity: {validity}"]
            if linked:
                front.append(f"items: {_yaml_list(linked)}")
            if interprets:
                front.append(f"interprets: {interprets}")
            if rng.random() < 0.3:
                ext = rng.choice(["csv", "csv", "txt"])
                path = f"files/{doc_id}.{ext}"
                self.write(f"content/{slug}/{path}", attachment_text(rng, ext, ctx))
                front.append(f"attachments: [{path}]")
                attachments += 1
            front.append(f"updated: {published.isoformat()}")
            front.append("---")
            body = document_body(rng, ctx, with_table=rng.random() < 0.25)
            self.write(f"content/{slug}/docs/{doc_id}.md", "\n".join(front) + "\n\n" + body)

        item_total = 0
        for (slug_d, shown, standard, dept, dept_short, level1s), ids in zip(domains, items_by_domain):
            lines = [f"domain: {shown}"]
            if standard:
                lines.append(f"standard: {standard}")
            lines += [f"guideline: 国办发〔2019〕54号", f"updated: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "items:"]
            three_levels = slug_d == "zdjsxm"
            for k, item_id in enumerate(ids):
                level1 = level1s[k % len(level1s)]
                suffix = LEVEL2_SUFFIXES[(k // len(level1s)) % len(LEVEL2_SUFFIXES)]
                rounds = k // (len(level1s) * len(LEVEL2_SUFFIXES))
                level2 = f"{level1.removesuffix('信息')}{suffix}" + (f"（{rounds + 1}）" if rounds else "")
                audience = "特定群体" if rng.random() < 0.15 else "全社会"
                channels = rng.sample(STANDARD_CHANNELS[:10], k=rng.randint(1, 3))
                if rng.random() < 0.1:
                    channels.append(rng.choice(LOCAL_CHANNELS))
                lines += [f"  - id: {item_id}", f"    level1: {level1}", f"    level2: {level2}"]
                if three_levels:
                    lines.append(f"    level3: {level2}{rng.choice(['审批', '核准', '备案'])}")
                lines += [f"    content: {rng.choice(CONTENT_PHRASES)}；{rng.choice(CONTENT_PHRASES)}",
                          f"    basis: {_yaml_list(rng.sample(BASIS, k=rng.randint(1, 3)))}",
                          f"    deadline: {rng.choice(DEADLINES)}", f"    subject: {dept.replace(name, name[-1], 1)}",
                          f"    channels: {_yaml_list(channels)}", f"    audience: {audience}"]
                if audience == "特定群体":
                    lines.append(f"    audience_note: {rng.choice(AUDIENCE_NOTES)}")
                # An item no document fulfils (a domain without one) is one answered on request.
                lines += [f"    mode: {'依申请' if rng.random() < 0.1 or item_id not in fulfilled else '主动'}",
                          f"    level: {_yaml_list(['县级', '乡级'] if rng.random() < 0.3 else ['县级'])}"]
                if item_id in item_docs:
                    lines.append(f"    documents: {_yaml_list(item_docs[item_id])}")
            self.write(f"catalog/{slug}/{slug_d}.yaml", "\n".join(lines) + "\n")
            item_total += len(ids)

        for page_slug, title, weight in (("guide", f"{name}政府信息公开指南", 10), ("report-2024", f"{name}2024年政府信息公开工作年度报告", 20)):
            ctx = {"county": name, "dept": f"{name}人民政府办公室", "year": 2024, "subject": "政府信息公开"}
            self.write(f"content/{slug}/pages/{page_slug}.md",
                       f"---\ntitle: {title}\nweight: {weight}\nupdated: 2024-03-01\n---\n\n" + document_body(rng, ctx, True))
        return item_total, len(docs)


def attachment_text(rng: random.Random, ext: str, ctx: dict) -> str:
    if ext == "csv":
        rows = ["序号,项目名称,实施单位,金额（万元）,完成率（%）"]
        for n in range(1, rng.randint(4, 20)):
            rows.append(f"{n},{ctx['subject']}第{n}项,{ctx['dept']},{rng.randint(10, 5000)},{rng.randint(300, 1000) / 10:.1f}")
        return "\n".join(rows) + "\n"
    lines = [f"{ctx['county']}{ctx['year']}年{ctx['subject']}情况说明", ""]
    lines += [_fill(rng.choice(SENTENCES), rng, ctx) for _ in range(rng.randint(3, 8))]
    return "\n".join(lines) + "\n"


def generate(out: str, counties: int = 22, items_per_domain: int = 40, docs_per_county: int = 250, seed: int = 1) -> dict:
    if os.path.exists(out):
        shutil.rmtree(out)
    corpus = Corpus(out, items_per_domain, docs_per_county, seed)
    chosen = county_list(counties)
    corpus.site(chosen)
    items = docs = 0
    for index, (slug, name, short) in enumerate(chosen):
        i, d = corpus.county(index, slug, name, short)
        items += i
        docs += d
    return {"counties": counties, "items": items, "documents": docs, "files": corpus.files}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write the site into (replaced)")
    parser.add_argument("--counties", type=int, default=22)
    parser.add_argument("--items-per-domain", type=int, default=40)
    parser.add_argument("--docs-per-county", type=int, default=250)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    stats = generate(args.out, args.counties, args.items_per_domain, args.docs_per_county, args.seed)
    print(f"{args.out}: {stats['counties']} counties, {stats['items']} items, {stats['documents']} documents, "
          f"{stats['files']} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
