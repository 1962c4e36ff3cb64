"""How many pages an edit re-renders (`BuildResult.pages`): only what depends on the change."""
from __future__ import annotations

from conftest import DOMAIN_YAML, minimal_site
from zwgk.build import build_site
from zwgk.library import load_library
from zwgk.render.renderer import plan_pages

NEW_ITEM = """\
  - id: czyjs-ys-09
    level1: 政府预算
    level2: 国有资本经营预算
    subject: 县财政局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
"""


def many_items(prefix: str, count: int) -> str:
    return "".join(f"""\
  - id: {prefix}-{n:02d}
    level1: 事项{n}
    subject: 县人社局
    channels: [政府网站]
    audience: 全社会
    mode: 主动
    level: [县级]
""" for n in range(count))


def two_counties() -> dict[str, str]:
    """Two counties; each has more pages than an edit to one domain may re-render."""
    files = minimal_site()
    files["catalog/jia/jy.yaml"] = "domain: 就业\nitems:\n" + many_items("jy", 25)
    files["catalog/yi/county.yaml"] = "name: 乙县\ncode: '990902'\n"
    files["catalog/yi/czyjs.yaml"] = DOMAIN_YAML.replace("    documents: [2024-czj-001]\n", "")
    files["catalog/yi/jy.yaml"] = "domain: 就业\nitems:\n" + many_items("jy", 40)
    return files


def allowed_pages(site: str) -> int:
    """The domain's pages, the documents its items link to, the edited county's pages that show
    counts, and the portal's."""
    library = load_library(site).library
    domain_items = {i.id for d in library.county("jia").domains if d.slug == "czyjs" for i in d.items}
    related_docs = {d.id for i in domain_items for d in library.documents_for_item("jia", i)}
    allowed = [job for job in plan_pages(library)
               if job.county == ""
               or (job.county == "jia" and job.kind not in ("domain", "item", "document", "page"))
               or (job.county == "jia" and job.kind == "domain" and job.key == "czyjs")
               or (job.county == "jia" and job.kind == "item" and job.key in domain_items)
               or (job.county == "jia" and job.kind == "document" and job.key in related_docs)]
    return len(allowed)


def test_an_edit_to_one_domain_re_renders_only_what_depends_on_it(make_site):
    site = make_site(base=two_counties())
    first = build_site(site)
    assert first.pages == len(plan_pages(first.library))      # the first build renders everything
    unchanged = build_site(site)
    assert unchanged.pages == 0                                  # nothing changed, nothing rendered
    with open(f"{site}/catalog/jia/czyjs.yaml", "a", encoding="utf-8") as fh:
        fh.write(NEW_ITEM)
    edited = build_site(site)
    limit = allowed_pages(site)
    assert 2 <= edited.pages <= limit, (
        f"re-rendered {edited.pages} pages; an edit to catalog/jia/czyjs.yaml may re-render at most {limit} "
        f"(乙县 alone has {sum(1 for j in plan_pages(edited.library) if j.county == 'yi')})")
