// The engine over search/fixture (written by tests/test_search_index.py from its records).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { query, openSite } from "../query.mjs";

const site = fileURLToPath(new URL("../fixture", import.meta.url));
const ids = (r) => r.results.map((x) => x.id);

test("AND of pairs; records holding the exact string come first", async () => {
  const r = await query(site, "征地补偿");
  assert.equal(r.total, 3);
  assert.deepEqual(ids(r).slice(0, 2).sort(), ["2020-001", "zdbc-01"]);
  assert.equal(ids(r)[2], "zdbc-02");            // has 征地, 地补, 补偿, but apart
  assert.equal(ids(r)[0], "zdbc-01");            // the title match ranks first
});

test("a quoted phrase must appear as written", async () => {
  assert.deepEqual(ids(await query(site, "\"征地补偿\"")).sort(), ["2020-001", "zdbc-01"]);
  assert.equal((await query(site, "“征地 补偿”")).total, 0);
});

test("numbers are found inside longer numbers and next to Chinese", async () => {
  assert.deepEqual(ids(await query(site, "28号")).sort(), ["2020-001", "2021-002"]);
  // 2021-002 has 12, 28 and 8号 apart: it matches all terms, after the exact one.
  assert.deepEqual(ids(await query(site, "128号")), ["2020-001", "2021-002"]);
  assert.deepEqual(ids(await query(site, "2021")), ["2021-002"]);   // written ２０２１
  assert.deepEqual(ids(await query(site, "甲政〔2020〕128号")), ["2020-001"]);
  assert.deepEqual(ids(await query(site, "abc")), ["2021-002"]);
});

test("one character, ids and an empty query", async () => {
  assert.deepEqual(ids(await query(site, "号")).sort(), ["2020-001", "2021-002"]);
  assert.deepEqual(ids(await query(site, "zdbc")).sort(), ["zdbc-01", "zdbc-02"]);
  assert.deepEqual(await query(site, "  "), { total: 0, results: [] });
});

test("facets count the results and filter them", async () => {
  const engine = openSite(site);
  const all = await engine.search("补偿", { size: Infinity });
  const type = all.facets.find((f) => f.name === "type");
  assert.deepEqual(type.results.map((v) => [v.value, v.count]), [["事项", 2], ["文件", 1]]);
  const docs = await engine.search("补偿", { size: Infinity, filters: { type: "文件" } });
  assert.deepEqual(docs.results.map((x) => x.id), ["2020-001"]);
  // A facet's own counts ignore its own selection, so the other values stay visible.
  assert.deepEqual(docs.facets.find((f) => f.name === "type").results.map((v) => [v.value, v.count, v.selected]),
    [["事项", 2, false], ["文件", 1, true]]);
  assert.deepEqual(docs.facets.find((f) => f.name === "domain").results, []);
});

test("results carry title, url and an excerpt with the matches marked", async () => {
  const r = await openSite(site).search("征地补偿款", { size: 1 });
  const hit = r.results[0];
  assert.equal(hit.id, "2020-001");
  assert.equal(hit.title, "关于做好征地补偿工作的通知");
  assert.equal(hit.url, "docs/2020-001.html");
  assert.equal(hit.exact, true);
  const marked = hit.excerpt.filter((s) => s.mark).map((s) => s.text);
  assert.deepEqual(marked, ["征地补偿款"]);
  assert.ok(hit.excerpt.map((s) => s.text).join("").length < 140);
});

test("hostile text comes back as text", async () => {
  const r = await openSite(site).search("说明文字", { size: 1 });
  const text = r.results[0].excerpt.map((s) => s.text).join("");
  assert.ok(text.includes("</script><script>alert(1)</script><!--"));
});

test("paging gives the same order as one long list", async () => {
  const engine = openSite(site);
  const all = (await engine.search("补偿", { size: Infinity })).results.map((x) => x.id);
  const pages = [];
  for (let p = 1; p <= 3; p++) pages.push(...(await openSite(site).search("补偿", { size: 1, page: p })).results.map((x) => x.id));
  assert.deepEqual(pages, all);
});
