// node search/query.mjs SITE_DIR QUERY [--filter name=value]... [--page N --size N]
// Prints {"total": N, "results": [{"id", "type", "title", "url", "via", "of"}]} from a built site folder
// (a county folder, or the output root for the portal index), using the browser's engine.
// node search/query.mjs SITE_DIR --many '["query", ...]' prints a JSON list of those, one per query.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { Engine } = require("./zwgk-search.js");

/** Evaluate one index file the way a <script> tag would, and return its payload. */
export function loadFile(siteDir, name) {
  const src = readFileSync(join(siteDir, "search", `${name}.js`), "utf8");
  let payload;
  new Function("zwgkData", src)((_name, data) => { payload = data; });
  return payload;
}

/** An engine over a built site folder, fetching files from disk. */
export function openSite(siteDir) {
  return new Engine(async (name) => loadFile(siteDir, name));
}

/** Every result of a query, in rank order, as the JSON the tests compare. */
export async function query(siteDir, q, options = {}) {
  const found = await openSite(siteDir).search(q, { size: Infinity, ...options });
  return {
    total: found.total,
    results: found.results.map((r) => ({ id: r.id, type: r.type, title: r.title, url: r.url, via: r.via, of: r.of })),
  };
}

async function main(argv) {
  const args = argv.slice(2), filters = {}, rest = [];
  let page = 1, size = Infinity, many = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--many") many = JSON.parse(args[++i]);
    else if (args[i] === "--filter") { const [k, ...v] = args[++i].split("="); filters[k] = v.join("="); }
    else if (args[i] === "--page") page = Number(args[++i]);
    else if (args[i] === "--size") size = Number(args[++i]);
    else rest.push(args[i]);
  }
  if (many && rest.length === 1) rest.push("");
  if (rest.length !== 2) {
    process.stderr.write("用法：node search/query.mjs 站点目录 查询词 [--filter 分面=值] [--page N --size N]\n");
    process.exit(2);
  }
  if (!existsSync(join(rest[0], "search", "index.js"))) {
    process.stderr.write(`${rest[0]} 里没有检索索引（search/index.js）：请给出生成后的县（区）目录或输出目录\n`);
    process.exit(1);
  }
  const out = [];
  for (const q of many || [rest[1]]) out.push(await query(rest[0], q, { filters, page, size }));
  process.stdout.write(JSON.stringify(many ? out : out[0]) + "\n");
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv);
