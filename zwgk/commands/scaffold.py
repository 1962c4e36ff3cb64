"""`zwgk new` and `zwgk new-county`: starting points that build at once."""
from __future__ import annotations

import os
import re
import sys
from importlib import resources

import yaml

from zwgk import __version__
from zwgk.base import DOMAIN_SLUGS, STANDARD_DOMAINS
from zwgk.source import ID_PATTERN, SCHEMA_DIR, kind_of, modeline, placeholders, write_schemas

# The example values are the ones validation warns about until they are replaced.
SITE_YAML = """\
title: {title}
base_url: {base_url}
domain: {domain}
organiser: {organiser}
site_code: '{site_code}'
icp: {icp}
police: {police}
local_channels: [12345政务服务热线]
""".format(**placeholders.SITE)

COUNTY_YAML = """\
name: {name}
code: '{code}'
organiser: {organiser}
"""

DOMAIN_YAML = """\
domain: 财政预决算
guideline: 财办发〔2019〕77号
items:
  - id: czyjs-zfys-01
    level1: 政府预算
    level2: 一般公共预算
    content: 一般公共预算收入表、支出表、本级支出表、税收返还和转移支付表
    basis: [《中华人民共和国预算法》, 《中华人民共和国政府信息公开条例》]
    deadline: 本级人民代表大会或其常务委员会批准后20日内
    subject: 县财政局
    channels: [政府网站, 政府公报]
    audience: 全社会
    mode: 主动
    level: [县级]
    documents: [2024-czj-001]
  - id: czyjs-zfjs-01
    level1: 政府决算
    level2: 一般公共预算
    content: 一般公共预算收入决算表、支出决算表
    basis: [《中华人民共和国预算法》]
    deadline: 本级人民代表大会常务委员会批准后20日内
    subject: 县财政局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
"""

DOC_MD = """\
---
title: 示例县2024年一般公共预算
index_no: 11990100MB0000000X/2024-00001
doc_no: 示财〔2024〕1号
issuer: 示例县财政局
written: 2024-02-01
published: 2024-02-20
topic: 财政/预算、决算
validity: 现行有效
items: [czyjs-zfys-01]
---

## 一、收入预算

2024年全县一般公共预算收入安排 12.3 亿元，比上年增长 5.0%。

## 二、支出预算

2024年全县一般公共预算支出安排 30.1 亿元。
"""

PAGE_MD = """\
---
title: 关于本站
---

本站公开示例县各领域的政务公开事项标准目录和相关政府信息。
"""


def new_site(target: str) -> int:
    if os.path.exists(target) and os.listdir(target):
        print(f"zwgk: 目录 {target} 已存在且不是空的；为免覆盖，请换一个目录名", file=sys.stderr)
        return 1
    files = {
        "site.yaml": SITE_YAML,
        "catalog/example/county.yaml": _county_yaml(*placeholders.EXAMPLE_COUNTY),
        "catalog/example/czyjs.yaml": DOMAIN_YAML,
        "content/example/docs/2024-czj-001.md": DOC_MD,
        "content/pages/about.md": PAGE_MD,
        ".gitignore": "public/\n.public.lock\n.public.staging/\n.public.previous/\n.public.cache/\n",
        # VS Code offers to install the YAML extension that reads the schema lines.
        ".vscode/extensions.json": '{\n  "recommendations": ["redhat.vscode-yaml"]\n}\n',
        **site_repository_files(yaml.safe_load(SITE_YAML)["title"]),
    }
    for rel, text in files.items():
        _write(target, rel, text)
    write_schemas(os.path.join(target, SCHEMA_DIR))
    print(f"已新建站点 {target}。生成网站：zwgk build {target}；边改边看：zwgk serve {target}\n"
          f"站点目录中已有 GitLab、Gitea、GitHub 的流水线文件和提交前检查配置，编辑说明见 {target}/README.md。")
    return 0


# A site repository checks, builds and publishes itself on the common self-hosted forges.
REPOSITORY_FILES = {
    ".gitlab-ci.yml": "gitlab-ci.yml",
    ".gitea/workflows/zwgk.yml": "gitea-workflow.yml",
    ".github/workflows/zwgk.yml": "github-workflow.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
}


def site_repository_files(title: str) -> dict[str, str]:
    """CI files, the pre-commit hook and the editors' README, pinned to this zwgk's version."""
    folder = resources.files("zwgk.commands") / "scaffold_files"
    return {rel: (folder / name).read_text(encoding="utf-8").replace("{version}", __version__).replace("{title}", title)
            for rel, name in REPOSITORY_FILES.items()}


def new_county(site: str, slug: str, name: str | None) -> int:
    if not re.match(ID_PATTERN, slug):
        if _has_han(slug) and not name:       # the Chinese name where the folder name belongs
            print(f"zwgk: 县（区）目录名只能使用英文字母、数字、- 和 _；中文名称写在 --name 后面，例如：\n"
                  f"  zwgk new-county {suggest_slug(slug)} --name {slug}", file=sys.stderr)
        else:
            example = suggest_slug(name) if name and _has_han(name) else "qingshan"
            print(f"zwgk: 县（区）目录名 '{slug}' 只能使用英文字母、数字、- 和 _，例如 {example}", file=sys.stderr)
        return 2
    if not (name or "").strip():
        print(f"zwgk: 请用 --name 写上县（区）的中文名称，例如：zwgk new-county {slug} --name 青山县", file=sys.stderr)
        return 2
    folder = os.path.join(site, "catalog", slug)
    if os.path.exists(folder):
        print(f"zwgk: catalog/{slug} 已存在；为免覆盖，没有做任何改动", file=sys.stderr)
        return 1
    _write(site, f"catalog/{slug}/county.yaml",
           _county_yaml(name.strip(), placeholders.NEW_COUNTY_CODE).replace(
               f"'{placeholders.NEW_COUNTY_CODE}'", f"'{placeholders.NEW_COUNTY_CODE}'  # 请改为本县的6位行政区划代码"))
    for domain in STANDARD_DOMAINS:
        # An empty item list: the site shows the domain as 未发布 until items are added.
        _write(site, f"catalog/{slug}/{DOMAIN_SLUGS[domain]}.yaml", f"domain: {domain}\nitems: []\n")
    updated = write_schemas(os.path.join(site, SCHEMA_DIR))
    print(f"已新建 catalog/{slug}：county.yaml 和 {len(STANDARD_DOMAINS)} 个标准领域文件（事项为空，网站上显示为未发布）。")
    if updated:
        print(f"已更新 {SCHEMA_DIR}/ 中的字段定义（供编辑器补全和检查）：{'、'.join(updated)}")
    return 0


_ADMIN_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|新区|县|区|市|旗)$")


def suggest_slug(name: str) -> str:
    """A folder name for a county from its Chinese name: the pinyin without the 县/区/市 suffix
    (青山县 -> qingshan), which editors read more easily than a 行政区划代码."""
    from pypinyin import lazy_pinyin
    core = _ADMIN_SUFFIX.sub("", name.strip()) or name.strip()
    slug = re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(core)).lower())
    return slug or "county"


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _county_yaml(name: str, code: str) -> str:
    return COUNTY_YAML.format(name=_scalar(name), code=code, organiser=_scalar(f"{name}人民政府办公室"))


def _scalar(text: str) -> str:
    """text as a one-line YAML scalar, quoted only when YAML needs it."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10000)
    return dumped.removesuffix("\n...\n").strip()


def _write(root: str, rel: str, text: str) -> None:
    """Write a new source file; a site's YAML files start with their schema line for the editor."""
    if kind_of(rel):
        text = modeline(rel) + "\n" + text
    path = os.path.join(root, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
