// The JS analysis must reproduce search/vectors.json exactly, as the Python one does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const A = require("../zwgk-analysis.js");
const S = require("../zwgk-search.js");
const vectors = JSON.parse(readFileSync(new URL("../vectors.json", import.meta.url), "utf8"));

test("word ranges are the Python ones", () => {
  assert.deepEqual(A.WORD_RANGES, vectors.word_ranges);
});

for (const c of vectors.cases) {
  test(`tokens of ${JSON.stringify(c.text)}`, () => {
    assert.equal(A.normalize(c.text), c.normalized);
    assert.deepEqual(A.tokenize(c.text), c.tokens);
  });
}

for (const q of vectors.queries) {
  test(`query ${JSON.stringify(q.query)}`, () => {
    const parts = A.parseQuery(q.query).map((p) => ({ text: p.text, phrase: p.phrase, runs: p.runs, terms: p.terms }));
    assert.deepEqual(parts, q.parts);
  });
}

test("varints decode as the index builder wrote them", () => {
  for (const [n, s] of vectors.varints) assert.deepEqual(S.decode(s), [n]);
  assert.deepEqual(S.decode(vectors.varints.map((v) => v[1]).join("")), vectors.varints.map((v) => v[0]));
});

test("terms hash to the builder's shards", () => {
  for (const [term, h] of vectors.hashes) assert.equal(S.termHash(term), h);
});

test("normalisation keeps a map back to the original characters", () => {
  const m = A.normalizeMapped("Ａ…①");
  assert.deepEqual(m.chars, ["a", ".", ".", ".", "1"]);
  assert.deepEqual(m.from, [0, 1, 1, 1, 2]);
});
