"""The example values `zwgk new` and `zwgk new-county` write for the editor to replace.

Left in a site they would be published as its address, its 备案 numbers and its names, so
validation warns about each (an error under --strict, as the new site's pipeline runs it).
"""
from __future__ import annotations

# site.yaml as `zwgk new` writes it: field -> the example value.
SITE = {
    "title": "示例市政务公开事项标准目录",
    "base_url": "https://www.example.gov.cn/zwgk/",
    "domain": "www.example.gov.cn",
    "organiser": "示例市人民政府办公室",
    "site_code": "9900000001",
    "icp": "示ICP备00000000号",
    "police": "示公网安备 99000000000000号",
}
EXAMPLE_COUNTY = ("示例县", "990101")      # the county `zwgk new` makes: name, code
NEW_COUNTY_CODE = "000000"                # the code `zwgk new-county` writes

HINTS = {
    "title": "请改为本站的名称，例如 云溪市政务公开事项标准目录",
    "base_url": "请改为网站发布后的实际网址",
    "domain": "请改为网站的实际域名",
    "organiser": "请改为本站的主办单位",
    "site_code": "请改为本站的政府网站标识码（10位）",
    "icp": "请改为本站的ICP备案号",
    "police": "请改为本站的公安机关互联网站安全备案号",
    "name": "请改为本县（区）的名称",
    "code": "请改为本县（区）的6位行政区划代码",
}


def county_examples(name: str) -> dict[str, str]:
    """The example values a county.yaml may still hold: the scaffold's county (its name and
    code, or the code new-county writes), and the site's footer values copied into it."""
    footer = {key: SITE[key] for key in ("organiser", "site_code", "icp", "police")}
    if name == EXAMPLE_COUNTY[0]:
        return {"name": EXAMPLE_COUNTY[0], "code": EXAMPLE_COUNTY[1], **footer}
    return {"code": NEW_COUNTY_CODE, **footer}


def placeholders_in(values: dict, examples: dict) -> list[tuple[str, str]]:
    """(field, value) of every value still equal to its example."""
    return [(key, value) for key, value in examples.items() if value and values.get(key) == value]
