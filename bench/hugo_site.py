"""Write a zwgk site as an equivalent Hugo site: one Markdown file per item and document.

The Hugo templates show what zwgk's theme shows (the standard table per domain, the
item's fields and documents, the document's metadata block and body, a county home,
the documents by year, a header, navigation, breadcrumbs and footer), with relative
links (relativeURLs), so the two builds do comparable work. Used by bench/vs_hugo.py.
"""
from __future__ import annotations

import json
import os
import shutil

CONFIG = """\
baseURL = "{base_url}"
title = {title}
relativeURLs = true
uglyURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false
[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title>
<meta name="SiteName" content="{{ .Site.Title }}">
<meta name="ColumnName" content="{{ .Section }}">
<meta name="ArticleTitle" content="{{ .Title }}">
{{ with .Params.published }}<meta name="PubDate" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "assets/zwgk.css" | relURL }}">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
{{ $county := .Params.county }}
<header class="masthead">
  <div class="wrap masthead-row">
    <p class="site-name"><a href="{{ printf "/%s/index.html" $county | relURL }}">{{ with .Params.county_name }}<span class="county-name">{{ . }}</span>{{ end }}<span>政务公开事项标准目录</span></a></p>
    <form class="search-box" role="search" action="{{ printf "/%s/search.html" $county | relURL }}" method="get">
      <label for="q-top" class="vh">搜索</label>
      <input id="q-top" name="q" type="search" placeholder="搜索事项、文件" autocomplete="off">
      <button type="submit">搜索</button>
    </form>
  </div>
  <nav class="wrap mainnav" aria-label="主导航">
    <ul>
      <li><a href="{{ printf "/%s/index.html" $county | relURL }}">首页</a></li>
      <li><a href="{{ printf "/%s/catalog/index.html" $county | relURL }}">公开目录</a></li>
      <li><a href="{{ printf "/%s/docs/index.html" $county | relURL }}">政府信息</a></li>
      <li><a href="{{ printf "/%s/search.html" $county | relURL }}">全文检索</a></li>
      <li><a href="{{ printf "/%s/downloads/index.html" $county | relURL }}">下载</a></li>
    </ul>
  </nav>
</header>
<nav class="wrap crumbs" aria-label="当前位置">
  <ol>
  <li><a href="{{ printf "/%s/index.html" $county | relURL }}">首页</a></li>
  {{ with .Parent }}{{ if .Parent }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
  <li><span aria-current="page">{{ .Title }}</span></li>
  </ol>
</nav>
<main id="main" class="wrap" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="sitefoot">
  <div class="wrap">
    <p><span>主办单位：{{ .Params.organiser }}</span> <span>网站标识码：{{ .Params.site_code }}</span></p>
    <p><span><a href="https://beian.miit.gov.cn/">{{ .Params.icp }}</a></span></p>
  </div>
</footer>
</body>
</html>
"""

ITEM = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl class="fields">
  <div><dt>所属领域</dt><dd><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></dd></div>
  <div><dt>序号</dt><dd>{{ .Weight }}</dd></div>
  <div><dt>一级事项</dt><dd>{{ .Params.level1 }}</dd></div>
  {{ with .Params.level2 }}<div><dt>二级事项</dt><dd>{{ . }}</dd></div>{{ end }}
  {{ with .Params.level3 }}<div><dt>三级事项</dt><dd>{{ . }}</dd></div>{{ end }}
  <div><dt>公开内容（要素）</dt><dd>{{ .Params.content | default "—" }}</dd></div>
  <div><dt>公开依据</dt><dd><ul>{{ range .Params.basis }}<li>{{ . }}</li>{{ end }}</ul></dd></div>
  <div><dt>公开时限</dt><dd>{{ .Params.deadline | default "—" }}</dd></div>
  <div><dt>公开主体</dt><dd>{{ .Params.subject }}</dd></div>
  <div><dt>公开渠道和载体</dt><dd>{{ delimit .Params.channels "、" }}</dd></div>
  <div><dt>公开对象</dt><dd>{{ .Params.audience }}{{ with .Params.audience_note }}（{{ . }}）{{ end }}</dd></div>
  <div><dt>公开方式</dt><dd>{{ .Params.mode }}</dd></div>
  <div><dt>公开层级</dt><dd>{{ delimit .Params.level "、" }}</dd></div>
</dl>
<section aria-labelledby="h-docs">
<h2 id="h-docs">落实本事项的政府信息</h2>
<ul class="doc-list">
{{ $county := .Params.county }}
{{ range .Params.fulfilled_by }}{{ with site.GetPage (printf "/%s/docs/%s" $county .) }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Params.published }}</time></li>
{{ end }}{{ else }}<li>暂无。</li>{{ end }}
</ul>
</section>
{{ end }}
"""

DOC = """\
{{ define "main" }}
<table class="docmeta">
  <tbody>
    <tr><th scope="row">索引号</th><td>{{ .Params.index_no | default "—" }}</td><th scope="row">主题分类</th><td>{{ .Params.topic | default "—" }}</td></tr>
    <tr><th scope="row">发文机关</th><td>{{ .Params.issuer }}</td><th scope="row">成文日期</th><td>{{ .Params.written | default "—" }}</td></tr>
    <tr><th scope="row">标题</th><td colspan="3">{{ .Title }}</td></tr>
    <tr><th scope="row">发文字号</th><td>{{ .Params.doc_no | default "—" }}</td><th scope="row">发布日期</th><td>{{ .Params.published }}</td></tr>
    <tr><th scope="row">有效性</th><td colspan="3">{{ .Params.validity }}</td></tr>
  </tbody>
</table>
<article>
<h1>{{ .Title }}</h1>
{{ $county := .Params.county }}
{{ with .Params.interprets }}{{ with site.GetPage (printf "/%s/docs/%s" $county .) }}<p class="notice">本文是对<a href="{{ .RelPermalink }}">《{{ .Title }}》</a>的解读。</p>{{ end }}{{ end }}
<div class="prose">
{{ .Content }}
</div>
</article>
{{ with .Params.attachments }}<section><h2>附件</h2><ul>{{ range . }}<li><a href="{{ printf "/%s/%s" $county . | relURL }}" download>{{ path.Base . }}</a></li>{{ end }}</ul></section>{{ end }}
{{ with .Params.related_items }}<section><h2>对应的公开事项</h2><ul>
{{ range . }}{{ with site.GetPage (printf "/%s/catalog/%s" $county .) }}<li><a href="{{ .RelPermalink }}">{{ .Params.level1 }} / {{ .Title }}</a></li>{{ end }}{{ end }}
</ul></section>{{ end }}
{{ end }}
"""

DOMAIN = """\
{{ define "main" }}
<h1>{{ .Params.county_name }}{{ .Title }}领域基层政务公开标准目录</h1>
<p class="meta">共 {{ len .Pages }} 个事项。</p>
<div class="table-scroll" role="region" tabindex="0">
<table class="standard">
  <caption>{{ .Title }}领域公开事项（{{ len .Pages }} 项）</caption>
  <thead>
    <tr><th scope="col" rowspan="2">序号</th><th scope="colgroup" colspan="2">公开事项</th><th scope="col" rowspan="2">公开内容（要素）</th>
      <th scope="col" rowspan="2">公开依据</th><th scope="col" rowspan="2">公开时限</th><th scope="col" rowspan="2">公开主体</th>
      <th scope="col" rowspan="2">公开渠道和载体</th><th scope="colgroup" colspan="2">公开对象</th><th scope="colgroup" colspan="2">公开方式</th><th scope="colgroup" colspan="2">公开层级</th></tr>
    <tr><th scope="col">一级事项</th><th scope="col">二级事项</th><th scope="col">全社会</th><th scope="col">特定群体</th>
      <th scope="col">主动</th><th scope="col">依申请</th><th scope="col">县级</th><th scope="col">乡级</th></tr>
  </thead>
  <tbody>
  {{ range .Pages.ByWeight }}
    <tr id="{{ .Params.id }}">
      <td data-label="序号">{{ .Weight }}</td>
      <td data-label="一级事项">{{ .Params.level1 }}</td>
      <td data-label="二级事项"><a href="{{ .RelPermalink }}">{{ .Title }}</a></td>
      <td data-label="公开内容（要素）">{{ .Params.content }}</td>
      <td data-label="公开依据">{{ delimit .Params.basis "、" }}</td>
      <td data-label="公开时限">{{ .Params.deadline }}</td>
      <td data-label="公开主体">{{ .Params.subject }}</td>
      <td data-label="公开渠道和载体">{{ delimit .Params.channels "、" }}</td>
      {{ $item := . }}
      {{ range slice "全社会" "特定群体" }}<td class="mark">{{ if eq $item.Params.audience . }}√{{ with $item.Params.audience_note }}<span class="note">（{{ . }}）</span>{{ end }}{{ end }}</td>{{ end }}
      {{ range slice "主动" "依申请" }}<td class="mark">{{ if eq $item.Params.mode . }}√{{ end }}</td>{{ end }}
      {{ range slice "县级" "乡级" }}<td class="mark">{{ if in $item.Params.level . }}√{{ end }}</td>{{ end }}
    </tr>
  {{ end }}
  </tbody>
</table>
</div>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .Pages }} 项</span></li>{{ end }}
</ul>
{{ end }}
"""

COUNTY = """\
{{ define "main" }}
<h1>{{ .Title }}政务公开事项标准目录</h1>
{{ $county := .Params.county }}
{{ with site.GetPage (printf "/%s/catalog" $county) }}
<section><h2>公开领域</h2><ul class="domain-list">
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="count">{{ len .Pages }} 项</span></li>{{ end }}
</ul></section>
{{ end }}
{{ with site.GetPage (printf "/%s/docs" $county) }}
<section><h2>最新政府信息</h2><ul class="doc-list">
{{ range first 10 (.Pages.ByParam "published").Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Params.published }}</time></li>{{ end }}
</ul></section>
{{ end }}
{{ end }}
"""

DOCS = """\
{{ define "main" }}
<h1>{{ .Params.county_name }}政府信息</h1>
<p class="lead">共 {{ len .Pages }} 件，按发布日期从新到旧排列。</p>
{{ range (.Pages.GroupByParam "year" "desc") }}
<section><h2>{{ .Key }}年（{{ len .Pages }} 件）</h2>
<table class="plain docs"><thead><tr><th scope="col">标题</th><th scope="col">发文字号</th><th scope="col">发布日期</th><th scope="col">有效性</th></tr></thead><tbody>
{{ range (.Pages.ByParam "published").Reverse }}<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th><td>{{ .Params.doc_no | default "—" }}</td><td>{{ .Params.published }}</td><td>{{ .Params.validity }}</td></tr>{{ end }}
</tbody></table></section>
{{ end }}
{{ end }}
"""

PAGE = """\
{{ define "main" }}
<article><h1>{{ .Title }}</h1><div class="prose">{{ .Content }}</div></article>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul class="cards">
{{ range .Sections }}{{ if .Params.county }}<li class="card"><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3></li>{{ end }}{{ end }}
</ul>
{{ end }}
"""


def _front(values: dict, body: str = "") -> str:
    # JSON is valid YAML, so values need no escaping rules of their own.
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items() if value not in (None, "", [])]
    return "\n".join(lines) + "\n---\n" + body


def write_hugo_site(library, out: str) -> int:
    """Write the library as a Hugo site into out (replaced); returns the number of content files."""
    if os.path.exists(out):
        shutil.rmtree(out)
    files = 0

    def write(rel: str, text: str) -> None:
        nonlocal files
        path = os.path.join(out, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        files += 1

    site = library.site
    write("config.toml", CONFIG.format(base_url=site.base_url, title=json.dumps(site.title, ensure_ascii=False)))
    for rel, text in {"_default/baseof.html": BASEOF, "_default/list.html": LIST, "_default/single.html": PAGE,
                      "item/single.html": ITEM, "doc/single.html": DOC, "domain/list.html": DOMAIN,
                      "county/list.html": COUNTY, "docs/list.html": DOCS, "index.html": HOME}.items():
        write(f"layouts/{rel}", text)
    write("static/assets/zwgk.css", "body{font-family:sans-serif}\n")
    write("content/_index.md", _front({"title": site.title}))
    for page in library.pages:
        write(f"content/pages/{page.slug}.md", _front({"title": page.title, "weight": page.weight}, page.body))
    for county in library.counties:
        c = county.slug
        common = {"county": c, "county_name": county.name, "organiser": county.footer.organiser,
                  "site_code": county.footer.site_code, "icp": county.footer.icp}
        write(f"content/{c}/_index.md", _front({"title": county.name, "type": "county", "weight": county.weight, **common}))
        write(f"content/{c}/catalog/_index.md", _front({"title": "公开目录", **common}))
        write(f"content/{c}/docs/_index.md", _front({"title": "政府信息", "type": "docs", **common}))
        for domain in county.domains:
            write(f"content/{c}/catalog/{domain.slug}/_index.md", _front({"title": domain.name, "type": "domain", **common}))
            for item in domain.items:
                write(f"content/{c}/catalog/{domain.slug}/{item.id}.md", _front({
                    "title": item.name, "type": "item", "weight": item.seq, "id": item.id, "level1": item.level1,
                    "level2": item.level2, "level3": item.level3, "content": item.content, "basis": list(item.basis),
                    "deadline": item.deadline, "subject": item.subject, "channels": list(item.channels),
                    "audience": item.audience, "audience_note": item.audience_note, "mode": item.mode,
                    "level": list(item.level), "documents": list(item.documents),
                    "fulfilled_by": [d.id for d in library.documents_for_item(c, item.id)], **common}))
        for doc in county.documents:
            related = [f"{i.domain}/{i.id}" for i in (library.item(c, ref) for ref in doc.items) if i]
            write(f"content/{c}/docs/{doc.id}.md", _front({
                "title": doc.title, "type": "doc", "index_no": doc.index_no, "doc_no": doc.doc_no, "issuer": doc.issuer,
                "written": doc.written.isoformat() if doc.written else "", "published": doc.published.isoformat(),
                "year": doc.published.year, "topic": doc.topic, "validity": doc.validity, "items": list(doc.items),
                "related_items": related, "attachments": list(doc.attachments), "interprets": doc.interprets, **common},
                doc.body))
        for page in county.pages:
            if page.county:
                write(f"content/{c}/pages/{page.slug}.md", _front({"title": page.title, "weight": page.weight, **common}, page.body))
    return files
