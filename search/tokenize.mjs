// node search/tokenize.mjs < strings.json
// Reads a JSON array of strings; prints [{normalized, tokens: [[token, position]]}] for each,
// so tests can compare the JS analysis with the Python one in one call.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const A = createRequire(import.meta.url)("./zwgk-analysis.js");
const strings = JSON.parse(readFileSync(0, "utf8"));
const out = strings.map((s) => ({ normalized: A.normalize(s), tokens: A.tokenize(s) }));
process.stdout.write(JSON.stringify(out) + "\n");
