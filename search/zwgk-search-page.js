/* zwgk search: the search page. Reads ?q=…&page=…&<facet>=… from the URL, runs the
 * query with ZwgkSearch over search/*.js loaded by <script> tags (so file:// works),
 * and draws status, facets, results and paging with DOM text nodes only: nothing
 * from the index ever goes through innerHTML. */
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app || !window.ZwgkSearch) return;
  var form = document.getElementById("search-form"), input = document.getElementById("search-q");
  var statusEl = document.getElementById("search-status"), facetsEl = document.getElementById("search-facets");
  var resultsEl = document.getElementById("search-results"), pagesEl = document.getElementById("search-pages");
  var base = app.getAttribute("data-index"), scope = app.getAttribute("data-scope");
  var SIZE = 10, TYPE_LABELS = { item: "事项", document: "文件", page: "页面", attachment: "附件" };
  var pending = new Map(), run = 0, baseTitle = document.title;

  // Index files call zwgkData(name, payload) when their <script> runs; the script element
  // tells which load it answers (the portal loads several counties' t/0.js, each naming itself t/0).
  window.zwgkData = function (name, payload) {
    var s = document.currentScript, p = pending.get(s);
    if (p) { pending.delete(s); p.resolve(payload); }
  };
  function load(name, version) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      pending.set(s, { resolve: resolve, reject: reject });
      s.charset = "utf-8";
      s.src = base + name + ".js" + (version ? "?v=" + encodeURIComponent(version) : "");
      s.onload = function () { s.remove(); if (pending.delete(s)) reject(new Error(name)); };
      s.onerror = function () { s.remove(); pending.delete(s); reject(new Error(name)); };
      document.head.appendChild(s);
    });
  }
  var engine = new ZwgkSearch.Engine(load);
  window.zwgkSearchEngine = engine;     // for the benchmark and the curious

  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.appendChild(document.createTextNode(String(text)));
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  /** The state in the URL: {q, page, filters}. */
  function readState() {
    var params = new URLSearchParams(location.search), filters = {};
    params.forEach(function (v, k) { if (k !== "q" && k !== "page" && k !== "mode" && v) filters[k] = v; });
    return { q: params.get("q") || "", page: Math.max(1, parseInt(params.get("page"), 10) || 1), filters: filters };
  }
  function href(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    Object.keys(state.filters).sort().forEach(function (k) { if (state.filters[k]) params.set(k, state.filters[k]); });
    if (state.page > 1) params.set("page", String(state.page));
    var qs = params.toString();
    return location.pathname.split("/").pop() + (qs ? "?" + qs : "");
  }
  function go(state) {
    history.pushState(null, "", href(state));
    show(state);
    window.scrollTo(0, 0);
  }
  function link(text, state, current) {
    var a = el("a", text, { href: href(state) });
    if (current) a.setAttribute("aria-current", "true");
    a.addEventListener("click", function (ev) {
      if (ev.button || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      go(state);
    });
    return a;
  }

  function show(state) {
    var mine = ++run;
    input.value = state.q;
    app.hidden = false;
    clear(resultsEl); clear(facetsEl); clear(pagesEl);
    if (!state.q.trim()) { statusEl.textContent = "请输入要查找的词语，在" + scope + "的公开事项、政府信息和页面中检索。"; return; }
    statusEl.textContent = "正在检索……";
    engine.search(state.q, { filters: state.filters, page: state.page, size: SIZE }).then(function (found) {
      if (mine !== run) return;
      document.title = state.q + " - " + baseTitle;
      drawStatus(state, found);
      drawFacets(state, found.facets);
      found.results.forEach(function (r) { resultsEl.appendChild(drawResult(r)); });
      drawPages(state, found);
    }, function () {
      if (mine !== run) return;
      statusEl.textContent = "检索索引加载失败，请刷新页面重试。";
    });
  }

  function drawStatus(state, found) {
    if (!found.total) {
      var filtered = Object.keys(state.filters).length;
      statusEl.textContent = "没有找到包含“" + state.q + "”的结果。" + (filtered ? "请去掉筛选条件，或换一个词。" : "请换一个词，或用更短的词再试。");
      if (found.suggestions.length && !filtered) {
        statusEl.appendChild(document.createTextNode("可以试试："));
        found.suggestions.forEach(function (word, i) {
          if (i) statusEl.appendChild(document.createTextNode("、"));
          statusEl.appendChild(link(word, { q: word, page: 1, filters: {} }));
        });
        statusEl.appendChild(document.createTextNode("。"));
      }
      // Where else to look: the catalog itself, and asking for the information (依申请公开).
      if (app.dataset.catalog) {
        statusEl.appendChild(document.createTextNode("也可以浏览"));
        statusEl.appendChild(el("a", "基层政务公开标准目录", { href: app.dataset.catalog }));
        statusEl.appendChild(document.createTextNode("，或通过"));
        statusEl.appendChild(el("a", "依申请公开", { href: app.dataset.apply }));
        statusEl.appendChild(document.createTextNode("申请获取。"));
      }
      return;
    }
    var pages = Math.ceil(found.total / SIZE);
    // A query no record holds as typed was looked for as its words: say so.
    var what = found.words ? "同时包含“" + found.words.join("”“") + "”" : "包含“" + state.q + "”";
    statusEl.textContent = (found.words ? "没有完整包含“" + state.q + "”的结果，" : "") + "找到 " + found.total + " 条" + what +
      "的结果" + (pages > 1 ? "，第 " + found.page + "/" + pages + " 页" : "") + "。";
  }

  function drawFacets(state, facets) {
    // On a phone the facets fold behind 筛选, so the first results are on the first screen.
    var box = document.getElementById("search-filter");
    if (box) {
      box.hidden = !facets.some(function (f) { return f.results.length; });
      if (!box.dataset.opened) { box.open = window.matchMedia("(min-width: 48rem)").matches; box.dataset.opened = "1"; }
    }
    facets.forEach(function (facet) {
      if (!facet.results.length) return;
      var box = el("fieldset"), list = el("ul");
      box.appendChild(el("legend", facet.label));
      var all = Object.assign({}, state.filters);
      delete all[facet.name];
      var li = el("li");
      li.appendChild(link("全部", { q: state.q, page: 1, filters: all }, !state.filters[facet.name]));
      list.appendChild(li);
      facet.results.forEach(function (v) {
        var filters = Object.assign({}, state.filters);
        filters[facet.name] = v.value;
        var item = el("li");
        item.appendChild(link(v.label + "（" + v.count + "）", { q: state.q, page: 1, filters: filters }, v.selected));
        list.appendChild(item);
      });
      box.appendChild(list);
      facetsEl.appendChild(box);
    });
  }

  function drawResult(r) {
    var li = el("li"), h = el("h2"), meta = el("p"), excerpt = el("p");
    h.appendChild(el("span", TYPE_LABELS[r.type] || r.type, { "class": "kind" }));
    h.appendChild(el("a", r.title || r.id, { href: r.url }));
    li.appendChild(h);
    r.excerpt.forEach(function (seg) { excerpt.appendChild(seg.mark ? el("mark", seg.text) : document.createTextNode(seg.text)); });
    if (excerpt.firstChild) li.appendChild(excerpt);
    // Where it belongs, instead of its address: the county and domain of an item, the issuer and
    // year of a document, with its 有效性.
    var f = r.facets || {}, place = [f.domain].concat(r.above || []).filter(Boolean).join(" › ");
    var where = [f.county, place, f.issuer, r.date || (f.year && f.year + "年")].filter(Boolean);
    if (where.length) meta.appendChild(el("small", where.join(" · ")));
    if (f.validity) meta.appendChild(el("span", f.validity, { "class": "validity" + (f.validity === "现行有效" ? "" : " old") }));
    if (meta.firstChild) li.appendChild(meta);
    // Where the words were found: in an attachment of a document, or only as a synonym of what was typed.
    var notes = [];
    if (r.of) notes.push("《" + r.of + "》的附件");
    if (r.via && r.via.length) notes.push("按同义词“" + r.via.join("”“") + "”找到");
    if (notes.length) li.appendChild(el("p", notes.join("；"), { "class": "found-via" }));
    return li;
  }

  function drawPages(state, found) {
    var pages = Math.ceil(found.total / SIZE);
    if (pages < 2) return;
    var list = el("ul"), from = Math.max(1, found.page - 4), to = Math.min(pages, from + 8);
    function add(text, page, current) {
      var li = el("li");
      li.appendChild(page ? link(text, { q: state.q, page: page, filters: state.filters }, current) : el("span", text));
      list.appendChild(li);
    }
    if (found.page > 1) add("上一页", found.page - 1);
    for (var p = from; p <= to; p++) add(String(p), p, p === found.page);
    if (found.page < pages) add("下一页", found.page + 1);
    pagesEl.appendChild(list);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    go({ q: input.value.trim(), page: 1, filters: {} });
  });
  window.addEventListener("popstate", function () { show(readState()); });
  show(readState());
})();
