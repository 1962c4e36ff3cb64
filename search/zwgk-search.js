/* zwgk search: the query engine over the index that zwgk/outputs/search/browser_index.py writes.
 * Every part of the query (through any of its synonyms) must match; a quoted phrase must appear
 * as written; results in the order zwgk/outputs/search/rank.py defines; facet counts; excerpts.
 * It fetches only what a query needs, through a `load(name)` function: <script> tags
 * in the browser (so file:// works), files in node. Plain script and CommonJS module. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./zwgk-analysis.js"));
  else root.ZwgkSearch = factory(root.ZwgkAnalysis);
})(typeof self !== "undefined" ? self : this, function (A) {
  "use strict";

  var BASE = 43, MAX_ALTERNATIVES = 8, SCALE = 1000000;
  var ALPHABET = "";
  for (var c = 0x21; c < 0x7F; c++) if ("\"&',<>\\~".indexOf(String.fromCharCode(c)) < 0) ALPHABET += String.fromCharCode(c);
  var DIGIT = new Int16Array(128).fill(-1);
  for (var d = 0; d < ALPHABET.length; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  /** The numbers of a varint string. */
  function decode(str) {
    var out = [], v = 0;
    for (var i = 0; i < str.length; i++) {
      var x = DIGIT[str.charCodeAt(i)];
      if (x >= BASE) v = v * BASE + (x - BASE);
      else { out.push(v * BASE + x); v = 0; }
    }
    return out;
  }

  /** FNV-1a over code points, as the index builder hashes terms to shards. */
  function termHash(term) {
    var h = 0x811C9DC5;
    for (var ch of term) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }

  function upperBound(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (arr[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function Engine(load) {
    this.load = load;
    this.files = new Map();
    this.index = null;
    this.terms = new Map();
    this.lookups = new Map();
    this.infos = new Map();
    this.codes = new Map();
  }

  Engine.prototype.file = function (name) {
    var self = this, p = this.files.get(name);
    if (!p) {
      p = Promise.resolve().then(function () { return self.load(name, self.index && self.index.version); });
      p.catch(function () { self.files.delete(name); });
      this.files.set(name, p);
    }
    return p;
  };

  /** Load index.js once: record lengths, URL templates and facet values. */
  Engine.prototype.ready = function () {
    var self = this;
    if (!this._ready) this._ready = this.file("index").then(function (ix) {
      var n = ix.count, deltas = decode(ix.lengths), lengths = new Array(n), starts = new Array(n);
      var pos = 0, total = 0, length = 0;
      for (var r = 0; r < n; r++) {      // each length is its difference from the one before, zigzag coded
        length += deltas[r] % 2 ? -(deltas[r] + 1) / 2 : deltas[r] / 2;
        lengths[r] = length; starts[r] = pos; pos += length + 1; total += length;
      }
      ix.columns = ix.columns.map(function (column) {       // runs of [value, count] over the records
        var runs = decode(column), values = new Int32Array(n), at = 0;
        for (var i = 0; i < runs.length; i += 2) values.fill(runs[i], at, at += runs[i + 1]);
        return values;
      });
      ix.facetAt = {};
      ix.facets.forEach(function (facet, f) { ix.facetAt[facet.name] = f; });
      ix.lengthOf = lengths; ix.starts = starts;
      ix.segmentOffsets = ix.segments.map(function (seg) { return seg[1]; });
      ix.avg = n ? total / n : 1;
      self.index = ix;
      return ix;
    });
    return this._ready;
  };

  /** Where zone number `zone` of the record holding global position `from` (itself in zone
   *  `zoneFrom`) begins, read from the text: zones end with ix.zone_end. -1 if not within `span`. */
  Engine.prototype.zoneStart = function (r, from, zoneFrom, zone, span) {
    var ix = this.index, end = ix.starts[r] + ix.lengthOf[r], b = Math.min(end, from + span);
    if (zone <= zoneFrom) return Promise.resolve(from);
    if (from >= b) return Promise.resolve(-1);
    return this.text(from, b).then(function (t) {
      var seen = zoneFrom;
      for (var p = from; p < b; p++) {
        if (t.chars[p - t.start] === ix.zone_end && ++seen === zone) return p + 1 < end ? p + 1 : -1;
      }
      return -1;
    });
  };

  /** A shard of a block parsed into a Map from term to posting. */
  Engine.prototype.shard = function (block, h) {
    var self = this, name = block[0] + "s/" + h.toString(36);
    if (!this["_" + name]) this["_" + name] = this.file(name).then(function (data) {
      var map = new Map();
      data.forEach(function (section, pair) {
        section.split(",").forEach(function (entry) {
          if (!entry) return;
          var first = entry.codePointAt(0), len = first > 0xFFFF ? 2 : 1;
          if (pair) len += entry.codePointAt(len) > 0xFFFF ? 2 : 1;
          map.set(entry.slice(0, len), entry.slice(len));
        });
      });
      return { name: name, map: map };
    });
    return this["_" + name];
  };

  /** How many numbers a posting holds: each ends with a final digit. */
  function entries(posting) {
    var n = 0;
    for (var i = 0; i < posting.length; i++) if (DIGIT[posting.charCodeAt(i)] < BASE) n++;
    return n;
  }

  /** What the term's shards say of it, one share per block that has it: {shares, count}, each
   *  share {block, posting} or {block, file} for a posting with a file of its own; count: the
   *  entries of all of them. Kept in this.infos once known. */
  Engine.prototype.lookup = function (term) {
    var self = this;
    if (!this.lookups.has(term)) this.lookups.set(term, this.ready().then(function (ix) {
      return Promise.all(ix.blocks.map(function (block) { return self.shard(block, termHash(term) % block[3]); }));
    }).then(function (shards) {
      var info = { shares: [], count: 0 };
      shards.forEach(function (shard, b) {
        var posting = shard.map.get(term);
        if (!posting) return;
        if (posting.charAt(0) === "~") {
          var marker = posting.slice(1).split("~");
          info.shares.push({ block: b, file: shard.name + "-" + marker[0] });
          info.count += Number(marker[1]);
        } else {
          info.shares.push({ block: b, posting: posting });
          info.count += entries(posting);
        }
      });
      self.infos.set(term, info);
      return info;
    }));
    return this.lookups.get(term);
  };

  /** What the index holds for one term: per record its tf and (for pairs) positions. */
  Engine.prototype.term = function (term) {
    var self = this;
    if (this.terms.has(term)) return this.terms.get(term);
    var p = this.lookup(term).then(function (info) {
      return Promise.all(info.shares.map(function (share) {
        return share.file ? self.file(share.file) : share.posting;
      })).then(function (postings) { return self.parseTerm(term, info.shares, postings); });
    });
    this.terms.set(term, p);
    return p;
  };

  /** The terms a part is looked up by, from what the shards said (rank.py's kept_terms): its
   *  pairs but the very common ones, unless all are. A term not looked up counts as rare. */
  Engine.prototype.kept = function (terms) {
    var infos = this.infos, common = this.index.common;
    function count(t) { var i = infos.get(t); return i ? i.count : 0; }
    var pairs = terms.filter(function (t) { return Array.from(t).length === 2; });
    var many = pairs.filter(function (t) { return count(t) > common; });
    var kept = terms.filter(function (t) { return many.indexOf(t) < 0; });
    if (pairs.length && many.length === pairs.length) {
      var least = many.reduce(function (x, y) { return count(y) < count(x) || (count(y) === count(x) && pairs.indexOf(y) < pairs.indexOf(x)) ? y : x; });
      kept.push(least);
    }
    return terms.filter(function (t) { return kept.indexOf(t) >= 0; });
  };

  /** A term's posting, its blocks' shares one after another (postings: their codes): per record
   *  its tf (each occurrence counted by its zone's weight) and, for a pair, the range of its
   *  positions; each position with the zone it stands in. A share counts its positions (or
   *  records) from its block's offset. */
  Engine.prototype.parseTerm = function (term, shares, postings) {
    var ix = this.index, weights = ix.weights, recs = new Map();
    var pair = Array.from(term).length === 2, decoded = postings.map(decode);
    if (pair) {
      var total = decoded.reduce(function (n, nums) { return n + nums.length; }, 0);
      var positions = new Array(total), zones = new Int8Array(total), i = 0, r = -1, next = 0, entry = null;
      decoded.forEach(function (nums, s) {
        var at = ix.blocks[shares[s].block][1];
        for (var j = 0; j < nums.length; j++, i++) {
          at += Math.floor(nums[j] / 5); positions[i] = at; zones[i] = nums[j] % 5;
          if (at >= next) {
            r = upperBound(ix.starts, at) - 1;
            next = r + 1 < ix.count ? ix.starts[r + 1] : Infinity;
            entry = { tf: 0, from: i, to: i };
            recs.set(r, entry);
          }
          entry.tf += weights[zones[i]];
          entry.to = i + 1;
        }
      });
      return { term: term, pair: true, recs: recs, positions: positions, zones: zones, set: new Set(positions) };
    }
    decoded.forEach(function (nums, s) {
      var rec = ix.blocks[shares[s].block][2];
      for (var j = 0; j < nums.length; j++) {
        rec += Math.floor(nums[j] / 5);
        recs.set(rec, { tf: weights[nums[j] % 5], zone: nums[j] % 5 });
      }
    });
    return { term: term, pair: false, recs: recs };
  };

  /* ---- text pieces ---- */

  /** The segment holding normalised position a: [folder, offset, first piece, pieces]. Its
   *  pieces are t/ files of the folder ("" for this index's own; a county's for the portal),
   *  and positions inside them count from the segment's offset. */
  Engine.prototype.segment = function (a) {
    var ix = this.index;
    return ix.segments[Math.max(0, upperBound(ix.segmentOffsets, a) - 1)];
  };

  /** The text pieces of one segment that cover normalised positions [a, b), each through
   *  load(name), with the segment's offset: {pieces, offset}. When the first piece starts
   *  after a (startOf tells where a piece starts), the one before it is fetched too. */
  Engine.prototype.pieces = function (a, b, load, startOf) {
    var size = this.index.piece, seg = this.segment(a), offset = seg[1];
    var la = a - offset, first = Math.floor(la / size), last = Math.floor(Math.max(la, b - offset - 1) / size);
    last = Math.min(last, seg[3] - 1);
    function fetch(from) {
      var ks = [];
      for (var k = from; k <= last; k++) ks.push(load(seg[0] + "t/" + (seg[2] + k).toString(36)));
      return Promise.all(ks).then(function (ps) {
        return startOf(ps[0]) > la && from > 0 ? fetch(from - 1) : { pieces: ps, offset: offset };
      });
    }
    return fetch(Math.min(first, last));
  };

  /** Original text covering normalised positions [a, b) (within one record), with each
   *  normalised code point mapped to its original index: {chars, from, orig, start}. */
  Engine.prototype.text = function (a, b) {
    var self = this;
    return this.pieces(a, b, function (name) { return self.file(name); }, function (p) { return p[0]; }).then(function (got) {
      var ps = got.pieces, orig = ps.map(function (p) { return p[1]; }).join(""), m = A.normalizeMapped(orig);
      return { chars: m.chars, from: m.from, orig: Array.from(orig), start: got.offset + ps[0][0], head: ps[0][2] };
    });
  };

  /** The normalised text of [a, b) as a string. It reads each piece's normalised code points,
   *  kept once made: settling a query's places reads hundreds of pieces, and mapping each to
   *  its original text, as text() does for what is shown, was most of a query's time. */
  Engine.prototype.normText = function (a, b) {
    var self = this;
    function codes(name) {
      if (!self.codes.has(name)) self.codes.set(name, self.file(name).then(function (p) {
        return { start: p[0], codes: Uint32Array.from(A.normalize(p[1]), function (ch) { return ch.codePointAt(0); }) };
      }));
      return self.codes.get(name);
    }
    return this.pieces(a, b, codes, function (p) { return p.start; }).then(function (got) {
      var la = a - got.offset, lb = b - got.offset, out = "", pos = got.pieces[0].start;
      got.pieces.forEach(function (p) {
        var i = Math.max(0, la - pos), j = Math.min(p.codes.length, lb - pos);
        for (; i < j; i += 4096) out += String.fromCodePoint.apply(null, p.codes.subarray(i, Math.min(j, i + 4096)));
        pos += p.codes.length;
      });
      return out;
    });
  };

  /** Title, id and names of a record: its first two zones. `near` is text already
   *  fetched inside the record: a piece that begins inside a record carries its head. */
  Engine.prototype.head = function (r, near) {
    var self = this, ix = this.index, s = ix.starts[r];
    if (near && near.start > s && near.head) return Promise.resolve(splitHead(near.head));
    return this.zoneStart(r, s, 0, 2, 2048).then(function (names) {
      var end = names > 0 ? names - 1 : Math.min(s + ix.lengthOf[r], s + 2048);
      return self.text(s, end).then(function (t) {
        var text = end > s ? t.orig.slice(t.from[s - t.start], t.from[end - 1 - t.start] + 1).join("") : "";
        return splitHead(text.split(ix.zone_end).join("\n"));
      });
    });
  };

  /** An attachment's document: the title in its names' 《…》的附件 line (records.py's of_document). */
  function ofDocument(names) {
    for (var i = 0; i < names.length; i++) { var m = /^《(.*)》的附件$/.exec(names[i]); if (m) return m[1]; }
    return "";
  }

  function splitHead(text) {
    var lines = text.split("\n");
    return { title: lines[0], id: lines[1] || "", names: lines.slice(2) };
  }

  /* ---- matching ---- */

  /** How one part stands in one record: {exact: true|false|null, at: global position or -1,
   *  bases, zone: the heaviest zone holding it exactly (once known)}. */
  Engine.prototype.chain = function (part, r, data) {
    var ix = this.index, runs = part.runs, plan = pairPlan(part, data), pairs = plan.pairs, looked = plan.looked;
    if (!looked.length) {
      if (runs.length === 1) return { exact: true, at: -1, zone: data.get(runs[0][1]).recs.get(r).zone };
      return { exact: null, at: -1, bases: null };
    }
    // Where the pairs looked up stand in line, the part may stand as written; it stands in one
    // zone, its first pair's. With every pair looked up (or known) and one run, it does.
    var first = looked[0], aData = data.get(first[1]), e = aData.recs.get(r), start = ix.starts[r];
    var settled = runs.length === 1 && looked.length + plan.known.length === pairs.length;
    var others = plan.others, known = plan.knownSets, at = -1, zone = 0, places = settled ? null : [];
    for (var j = e.from; j < e.to; j++) {
      var base = aData.positions[j] - first[0], ok = base >= start;
      for (var q = 0; ok && q < others.length; q++) ok = others[q][0].has(base + others[q][1]);
      if (!ok) continue;
      if (at < 0) { at = base; zone = aData.zones[j]; }
      for (q = 0; ok && q < known.length; q++) ok = known[q][0].has(base + known[q][1]);
      if (!ok) continue;
      if (settled) return { exact: true, at: base, zone: aData.zones[j] };
      places.push([base, aData.zones[j]]);
    }
    if (at < 0) return { exact: false, at: aData.positions[e.from] - first[0], zone: aData.zones[e.from] };
    // The place verify would report when none holds, so results are as if it had read the text.
    if (settled || !places.length) return { exact: false, at: at, zone: zone };
    return { exact: null, at: at, zone: zone, bases: places };
  };

  /** A part's pairs as [offset, pair]: all of them, those it is looked up by, and those known
   *  besides: pairs this query fetched for another alternative settle places too, with no text
   *  read (at 200 counties a synonym's places were otherwise read one text piece each: 5.4 MB).
   *  Made once a query, not once a candidate record. */
  function pairPlan(part, data) {
    if (part.plan) return part.plan;
    var kept = part.kept || part.terms, pairs = [];
    part.runs.forEach(function (run) {
      if (Array.from(run[1]).length > 1) A.runTerms(run[1]).forEach(function (t, i) { pairs.push([run[0] + i, t]); });
    });
    var looked = pairs.filter(function (p) { return kept.indexOf(p[1]) >= 0; });
    var known = pairs.filter(function (p) { return kept.indexOf(p[1]) < 0 && data.has(p[1]); });
    function sets(ps) { return ps.map(function (p) { return [data.get(p[1]).set, p[0]]; }); }
    // others, knownSets: [positions of the pair, its offset] for checking a place.
    part.plan = { pairs: pairs, looked: looked, known: known, others: sets(looked.slice(1)), knownSets: sets(known) };
    return part.plan;
  }

  /** Settle an undecided part by reading the text: exact somewhere in the record? */
  Engine.prototype.verify = function (part, r, state) {
    var self = this, ix = this.index, want = part.text, len = Array.from(want).length;
    if (state.bases) {
      return state.bases.reduce(function (prev, base) {
        return prev.then(function (found) {
          if (found) return found;
          return self.normText(base[0], base[0] + len).then(function (s) {
            return s === want ? { exact: true, at: base[0], zone: base[1] } : null;
          });
        });
      }, Promise.resolve(null)).then(function (found) { return found || { exact: false, at: state.at, zone: state.zone }; });
    }
    var s0 = ix.starts[r];
    return this.normText(s0, s0 + ix.lengthOf[r]).then(function (s) {
      var i = s.indexOf(want), before = i < 0 ? "" : s.slice(0, i), local = Array.from(before).length;
      return i < 0 ? { exact: false, at: -1 } : { exact: true, at: s0 + local, zone: before.split(ix.zone_end).length - 1 };
    });
  };

  /**
   * Run a query. options: {filters: {facet: value}, page (from 1), size (per page; Infinity = all)}.
   * Resolves to {total, page, size, results: [{index, id, type, title, url, exact, excerpt, facets}], facets}
   * (a result's facets: its own values, such as domain, issuer, year and validity).
   */
  Engine.prototype.search = function (query, options) {
    var self = this, opts = options || {}, filters = opts.filters || {};
    var size = opts.size || 10, page = Math.max(1, opts.page || 1);
    var typed = A.parseQuery(query || ""), parts;
    return this.ready().then(function (ix) {
      if (!typed.length) return { total: 0, page: 1, size: size, results: [], facets: self.facets([], filters) };
      var synonyms = ix.synonyms || [], data = new Map();
      function fetch(ps) {        // look up every alternative's terms, then fetch those it is looked up by
        var alts = [], terms = [];
        ps.forEach(function (p) { alts.push.apply(alts, alternatives(p, synonyms)); });
        alts.forEach(function (a) { a.terms.forEach(function (t) { if (terms.indexOf(t) < 0) terms.push(t); }); });
        return Promise.all(terms.map(function (t) { return self.lookup(t); })).then(function () {
          var wanted = [];
          alts.forEach(function (a) { self.kept(a.terms).forEach(function (t) { if (wanted.indexOf(t) < 0) wanted.push(t); }); });
          return Promise.all(wanted.map(function (t) { return self.term(t); }));
        }).then(function (list) {
          list.forEach(function (d) { data.set(d.term, d); });
        });
      }
      /** The records holding every term, in posting order; only the first one when `one`. */
      function holding(terms, one) {
        var ds = terms.map(function (t) { return data.get(t); }).sort(function (x, y) { return x.recs.size - y.recs.size; });
        var found = [];
        for (var r of ds[0].recs.keys()) {
          if (!ds.every(function (d) { return d.recs.has(r); })) continue;
          found.push(r);
          if (one) break;
        }
        return found;
      }
      function holds(terms) {      // some record holds every term (only terms already fetched are known)
        terms = self.kept(terms);
        return terms.every(function (t) { return data.has(t); }) && holding(terms, true).length > 0;
      }
      return fetch(typed).then(function () {
        parts = [];
        typed.forEach(function (p) { parts.push.apply(parts, splitUnmatched(p, synonyms, holds)); });
        return fetch(parts);
      }).then(function () {
        parts.forEach(function (p) {
          p.alts = alternatives(p, synonyms);
          p.alts.forEach(function (a) { a.kept = self.kept(a.terms); });
        });
        // A part matches where any of its alternatives holds all its terms.
        var sets = parts.map(function (p) {
          var found = new Set();
          p.alts.forEach(function (a) { holding(a.kept, false).forEach(function (r) { found.add(r); }); });
          return found;
        }).sort(function (x, y) { return x.size - y.size; });
        var cands = [];
        sets[0].forEach(function (r) {
          for (var i = 1; i < sets.length; i++) if (!sets[i].has(r)) return;
          cands.push(r);
        });
        cands.sort(function (x, y) { return x - y; });
        return self.rank(parts, cands, data).then(function (hits) {
          var facets = self.facets(hits, filters);
          var wanted = self.wanted(filters), shown = hits.filter(function (h) { return self.passes(h.r, wanted); });
          return self.order(parts, shown, page * size, data).then(function (ordered) {
            var slice = size === Infinity ? ordered : ordered.slice((page - 1) * size, page * size);
            return Promise.all(slice.map(function (h) { return self.result(h, parts); })).then(function (results) {
              return { total: shown.length, page: page, size: size, results: results, facets: facets,
                       words: parts.length !== typed.length ? parts.map(function (p) { return p.text; }) : null,
                       suggestions: shown.length ? [] : suggestions(parts) };
            });
          });
        });
      });
    });
  };

  /** What to try when nothing is found: each part's synonyms, each part alone, halves of long ones. */
  function suggestions(parts) {
    var out = [], query = parts.map(function (p) { return p.text; }).join(" ");
    function add(text) { if (text && text !== query && out.indexOf(text) < 0 && out.length < 6) out.push(text); }
    parts.forEach(function (p) { p.alts.slice(1).forEach(function (a) { add(a.text); }); });
    if (parts.length > 1) parts.forEach(function (p) { add(p.text); });
    parts.forEach(function (p) {
      var cps = Array.from(p.text), half = Math.ceil(cps.length / 2);
      if (cps.length >= 4) { add(cps.slice(0, half).join("")); add(cps.slice(half).join("")); }
    });
    return out;
  }

  var QUESTION_WORDS = new Set(["怎么", "怎样", "如何", "哪里", "在哪", "在哪里", "什么", "哪些", "多少", "能否", "可以", "吗", "呢", "的", "了"]);

  /** A part that no record holds, neither as typed nor through a synonym, as the words it is
   *  made of (zwgk/outputs/search/analysis.py's split_unmatched, which says how). */
  function splitUnmatched(part, synonyms, holds) {
    if (part.phrase || alternatives(part, synonyms).some(function (a) { return holds(a.terms); })) return [part];
    var text = part.text, inside = new Array(text.length + 1).fill(false), terms = new Set(), all = new Set();
    synonyms.forEach(function (g) { g.forEach(function (t) { all.add(t); }); });
    Array.from(all).sort(function (x, y) { return y.length - x.length || (x < y ? -1 : x > y ? 1 : 0); }).forEach(function (term) {
      var at = text.indexOf(term);
      while (at >= 0) {
        var end = at + term.length;
        if (!inside.slice(at, end + 1).some(Boolean)) {
          for (var i = at + 1; i < end; i++) inside[i] = true;
          terms.add(term);
        }
        at = text.indexOf(term, at + 1);
      }
    });
    var cuts = [];
    for (var c = 1; c <= text.length; c++) if (!inside[c]) cuts.push(c);
    var words = [], start = 0;
    while (start < text.length) {
      var ends = cuts.filter(function (e) { return e > start; }), end = ends[0];
      for (var k = ends.length - 1; k >= 0; k--) {
        var piece = text.slice(start, ends[k]), found = A.parseQuery(piece);
        if (found.length && (terms.has(piece) || holds(found[0].terms))) { end = ends[k]; break; }
      }
      if (!QUESTION_WORDS.has(text.slice(start, end))) words.push.apply(words, A.parseQuery(text.slice(start, end)).slice(0, 1));
      start = end;
    }
    return words.length ? words : [part];
  }

  /** The part as typed, then with each synonym-dictionary term it holds replaced by each of its
   *  equivalents (zwgk/outputs/search/analysis.py's alternatives). A quoted phrase stays as written. */
  function alternatives(part, synonyms) {
    var found = [part];
    if (part.phrase) return found;
    var seen = new Set([part.text]);
    synonyms.forEach(function (group) {
      group.forEach(function (term) {
        if (part.text.indexOf(term) < 0) return;
        group.forEach(function (other) {
          var text = part.text.split(term).join(other);
          if (seen.has(text) || found.length >= MAX_ALTERNATIVES) return;
          seen.add(text);
          found.push.apply(found, A.parseQuery(text).slice(0, 1));
        });
      });
    });
    return found;
  }

  /** How record r stands to the parts: for each part the alternatives that match it and
   *  their states (chain), and the synonyms it was found through. */
  Engine.prototype.match = function (parts, r, data) {
    var self = this, alts = [], states = [], via = [];
    parts.forEach(function (p) {
      // A candidate holds one alternative's terms at least: with one, no need to look.
      var matching = p.alts.length === 1 ? p.alts : p.alts.filter(function (a) {
        return a.kept.every(function (t) { return data.get(t).recs.has(r); });
      });
      alts.push(matching);
      states.push(matching.map(function (a) { return self.chain(a, r, data); }));
      if (matching[0] !== p.alts[0]) via.push(matching[0].text);
    });
    return { alts: alts, states: states, via: via };
  };

  /** Score every candidate and settle its phrases: [{r, key, where, demoted, intent, value}],
   *  the keys order() sorts by. A hit keeps its match (alts, states, via) only where a quoted
   *  phrase needs it now; order() makes it again for the few hits it shows: kept for every
   *  hit (50,000 at 200 counties) they were most of a query's time, in the garbage collector. */
  Engine.prototype.rank = function (parts, cands, data) {
    var self = this, ix = this.index, n = ix.count, k1 = ix.k1, b = ix.b, weights = ix.weights;
    var wants = wantedTypes(parts, ix.intents || []);
    // Each record's year and demotion through its facet value's number, worked out once a query.
    var years = this.valueColumn("year", function (v) { return parseInt(v, 10) || 0; });
    var demotions = this.valueColumn("validity", function (v) { return ix.demoted[v] || 0; });
    var newest = Math.max.apply(null, years.values);
    var phrases = parts.some(function (p) { return p.phrase; });
    var idfs = new Map();
    function idf(t) {
      if (!idfs.has(t)) { var df = data.get(t).recs.size; idfs.set(t, Math.log(1 + (n - df + 0.5) / (df + 0.5))); }
      return idfs.get(t);
    }
    // Most queries: every part has one alternative, no quotes. Their terms are the same for
    // every record, and the sort keys come straight from each part's state.
    var single = !phrases && parts.every(function (p) { return p.alts.length === 1; });
    var common = single ? termsOf(parts.map(function (p) { return p.alts; })) : null;
    var hits = cands.map(function (r) {
      var m = single ? null : self.match(parts, r, data), terms = single ? common : termsOf(m.alts);
      var score = 0, norm = k1 * (1 - b + b * ix.lengthOf[r] / ix.avg);
      for (var i = 0; i < terms.length; i++) {
        var tf = data.get(terms[i]).recs.get(r).tf;
        score += idf(terms[i]) * tf * (k1 + 1) / (tf + norm);
      }
      var type = self.url(r)[0], h = {
        r: r, alts: null, states: null, via: null, demoted: demotions.of(r),
        intent: wants.indexOf(type) >= 0 ? wants.indexOf(type) : wants.length ? wants.length : type === "attachment" ? 1 : 0,
        value: Math.floor(score * recency(years.of(r), type, newest) * SCALE + 0.5)
      };
      if (single) {
        h.key = h.where = 0;
        for (var p = 0; p < parts.length; p++) {
          var s = self.chain(parts[p].alts[0], r, data);
          if (s.exact !== false) h.key++;
          h.where += s.exact ? weights[s.zone] : s.exact === null ? bestWeight(s, weights) : 0;
        }
      } else {
        if (phrases) keep(h, m);
        weigh(h, m, weights);
      }
      return h;
    });
    if (!phrases) return Promise.resolve(hits);
    // A quoted phrase filters: settle every undecided one now.
    var jobs = [];
    hits.forEach(function (h) {
      parts.forEach(function (p, i) {
        if (p.phrase && h.states[i][0].exact === null) {
          jobs.push(self.verify(p, h.r, h.states[i][0]).then(function (s) { h.states[i][0] = s; weigh(h, h, weights); }));
        }
      });
    });
    return Promise.all(jobs).then(function () {
      return hits.filter(function (h) { return parts.every(function (p, i) { return !p.phrase || h.states[i][0].exact; }); });
    });
  };

  /** The terms a record is scored by: each part's first matching alternative's, once each. */
  function termsOf(alts) {
    var terms = [];
    alts.forEach(function (matching) {
      matching[0].kept.forEach(function (t) { if (terms.indexOf(t) < 0) terms.push(t); });
    });
    return terms;
  }

  function keep(h, m) { h.alts = m.alts; h.states = m.states; h.via = m.via; }

  /** A hit's sort keys from its match's states (undecided ones counted at their best). */
  function weigh(h, m, weights) {
    h.key = exactCount(m, true);
    h.where = exactWeight(m, weights, true);
  }

  /** The record types the query asks for first ([] when it does not say): index.js carries the
   *  patterns (zwgk/outputs/search/rank.py's INTENTS). */
  function wantedTypes(parts, intents) {
    var text = parts.map(function (p) { return p.text; }).join(" ");
    for (var i = 0; i < intents.length; i++) if (new RegExp(intents[i][1]).test(text)) return intents[i][0];
    return [];
  }

  function recency(year, type, newest) {
    if ((type === "document" || type === "attachment") && year && newest) return 1 + 1 / (1 + newest - year);
    return 2;
  }

  /** What `read` makes of each value of the named facet, for any record: {values, of(r)};
   *  a record without a value (or an index without the facet) gets read("") . */
  Engine.prototype.valueColumn = function (name, read) {
    var ix = this.index, f = ix.facetAt[name], none = read("");
    var values = [none].concat(f === undefined ? [] : ix.facets[f].values.map(read));
    var column = f === undefined ? null : ix.columns[f + 1];
    return { values: values, of: function (r) { return column ? values[column[r]] : none; } };
  };

  /** How many parts stand exactly (undecided ones counted when optimistic). */
  function exactCount(h, optimistic) {
    var n = 0;
    h.states.forEach(function (alts) {
      if (alts.some(function (s) { return s.exact || (optimistic && s.exact === null); })) n++;
    });
    return n;
  }

  /** The zone weights of where each part stands exactly: a title holding the query
   *  outranks names, then 公开内容, 公开依据, body. An undecided one counts as the heaviest
   *  zone it may stand in: its candidate places' zones (verify settles it at one of them),
   *  or the title when it has none. At 200 counties, counting every one as the title had a
   *  query read 920 text pieces (5.4 MB) to find that its matches stood in the body. */
  function exactWeight(h, weights, optimistic) {
    var sum = 0;
    h.states.forEach(function (alts) {
      var best = 0;
      alts.forEach(function (s) {
        if (s.exact) best = Math.max(best, weights[s.zone]);
        else if (optimistic && s.exact === null) best = Math.max(best, bestWeight(s, weights));
      });
      sum += best;
    });
    return sum;
  }

  function bestWeight(state, weights) {
    if (!state.bases) return weights[0];
    return state.bases.reduce(function (best, base) { return Math.max(best, weights[base[1]]); }, 0);
  }

  function before(x, y) {
    if (x.key !== y.key) return x.key > y.key;
    if (x.where !== y.where) return x.where > y.where;
    if (x.demoted !== y.demoted) return x.demoted < y.demoted;
    if (x.intent !== y.intent) return x.intent < y.intent;
    if (x.value !== y.value) return x.value > y.value;
    return x.r < y.r;
  }

  /** The first `want` hits in rank order (zwgk/outputs/search/rank.py says which).
   *  Undecided parts count as exact in their best zone until read, so only hits that could
   *  reach the wanted page have their text fetched; an upper bound never lets a hit jump ahead. */
  Engine.prototype.order = function (parts, hits, want, data) {
    var self = this, out = [], weights = this.index.weights;
    // A heap, not a sort: a page wants the first few of up to all the records (公开 at 200
    // counties: 250,000 hits, sorted in about 0.5 s).
    var heap = new Heap(hits, before);
    function undecided(h) {
      for (var i = 0; i < h.states.length; i++)
        for (var j = 0; j < h.states[i].length; j++) if (h.states[i][j].exact === null) return [i, j];
      return null;
    }
    function step() {
      while (heap.size() && out.length < want) {
        var h = heap.top();
        if (!h.states) keep(h, self.match(parts, h.r, data));
        var at = undecided(h);
        if (!at) { out.push(heap.pop()); continue; }
        return self.verify(h.alts[at[0]][at[1]], h.r, h.states[at[0]][at[1]]).then(function (s) {
          h.states[at[0]][at[1]] = s; weigh(h, h, weights);
          heap.push(heap.pop());
          return step();
        });
      }
      return Promise.resolve(out);
    }
    return step();
  };

  /** A binary heap of items, the one `first(x, y)` puts before all others on top. */
  function Heap(items, first) {
    this.items = items.slice();
    this.first = first;
    for (var i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }
  Heap.prototype.size = function () { return this.items.length; };
  Heap.prototype.top = function () { return this.items[0]; };
  Heap.prototype.pop = function () {
    var items = this.items, top = items[0], last = items.pop();
    if (items.length) { items[0] = last; this.down(0); }
    return top;
  };
  Heap.prototype.push = function (item) {
    var items = this.items, i = items.push(item) - 1;
    while (i > 0) {
      var parent = (i - 1) >> 1;
      if (!this.first(items[i], items[parent])) break;
      var t = items[i]; items[i] = items[parent]; items[parent] = t; i = parent;
    }
  };
  Heap.prototype.down = function (i) {
    var items = this.items, n = items.length;
    for (;;) {
      var best = i, l = 2 * i + 1, r = l + 1;
      if (l < n && this.first(items[l], items[best])) best = l;
      if (r < n && this.first(items[r], items[best])) best = r;
      if (best === i) return;
      var t = items[i]; items[i] = items[best]; items[best] = t; i = best;
    }
  };

  /** A record's [type, URL template]. */
  Engine.prototype.url = function (r) { return this.index.urls[this.index.columns[0][r]]; };

  /** A record's value of the named facet ("" when it has none). */
  Engine.prototype.facetValue = function (r, name) {
    var ix = this.index, f = ix.facetAt[name], v = f === undefined ? 0 : ix.columns[f + 1][r];
    return v ? ix.facets[f].values[v - 1] : "";
  };

  /** The filters as [facet, the value's number] (-1 when no record has that value). */
  Engine.prototype.wanted = function (filters) {
    return this.index.facets.map(function (facet, f) {
      var want = filters[facet.name];
      return want === undefined || want === "" ? null : [f, facet.values.indexOf(want) + 1 || -1];
    }).filter(Boolean);
  };

  /** Whether a record has every wanted value (as this.wanted gives them). */
  Engine.prototype.passes = function (r, wanted) {
    var columns = this.index.columns;
    return wanted.every(function (w) { return columns[w[0] + 1][r] === w[1]; });
  };

  /** Facet counts over the hits; each facet counts the hits that pass the other facets. */
  Engine.prototype.facets = function (hits, filters) {
    var ix = this.index, columns = ix.columns, wanted = this.wanted(filters);
    var counts = ix.facets.map(function (facet) { return new Int32Array(facet.values.length + 1); });
    hits.forEach(function (h) {
      var failed = -1, fails = 0;
      for (var i = 0; i < wanted.length && fails < 2; i++) {
        if (columns[wanted[i][0] + 1][h.r] !== wanted[i][1]) { failed = wanted[i][0]; fails++; }
      }
      if (fails > 1) return;
      for (var f = 0; f < counts.length; f++) if (!fails || failed === f) counts[f][columns[f + 1][h.r]]++;
    });
    return ix.facets.map(function (facet, f) {
      var found = [];
      counts[f].forEach(function (count, v) { if (v && count) found.push([v - 1, count]); });
      var results = found.map(function (e) {
        var value = facet.values[e[0]];
        return { value: value, label: value, count: e[1], selected: filters[facet.name] === value };
      });
      results.sort(function (x, y) { return y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0); });
      var sel = filters[facet.name];
      if (sel && !results.some(function (x) { return x.selected; })) results.unshift({ value: sel, label: sel, count: 0, selected: true });
      return { name: facet.name, label: facet.label, results: results, truncated: false };
    });
  };

  /** A hit as shown: id, type, title, url, and an excerpt with its matches marked. */
  Engine.prototype.result = function (h, parts) {
    var self = this, ix = this.index, r = h.r;
    return this.excerpt(h, parts).then(function (ex) {
      return self.head(r, ex.text).then(function (head) {
        var url = self.url(r), facets = {};
        ix.facets.forEach(function (f) { var v = self.facetValue(r, f.name); if (v) facets[f.name] = v; });
        return {
          index: r, id: head.id, type: url[0], title: head.title, url: url[1].replace("{id}", head.id),
          exact: exactCount(h, false) === parts.length, excerpt: ex.segments, facets: facets,
          via: h.via, of: url[0] === "attachment" ? ofDocument(head.names) : "",   // synonyms it was found through; an attachment's document
          // An item's 事项 above it (its names but its own and the 领域), a document's date.
          above: url[0] === "item" ? head.names.slice(0, -1).filter(function (n) { return n !== head.title; }) : [],
          date: head.names.filter(function (n) { return /^\d{4}-\d{2}-\d{2}$/.test(n); })[0] || ""
        };
      });
    });
  };

  /** About 100 characters of the record's text around its first match there, as [{text, mark}]:
   *  an item's 公开内容 on, a document's or page's body, never the ids and metadata before them. */
  Engine.prototype.excerpt = function (h, parts) {
    var self = this, ix = this.index, r = h.r, s0 = ix.starts[r], end = s0 + ix.lengthOf[r];
    var want = this.url(r)[0] === "item" ? 2 : 4, at = -1, zone = 0;
    var states = [].concat.apply([], h.states);
    states.forEach(function (s) { if (at < 0 && s.at >= 0 && s.exact) { at = s.at; zone = s.zone; } });
    states.forEach(function (s) { if (at < 0 && s.at >= 0 && s.zone !== undefined) { at = s.at; zone = s.zone; } });
    if (at < 0) { at = s0; zone = 0; }
    // A match before the text to show (in the title, ids or metadata): show that text's start instead.
    var start = zone >= want ? Promise.resolve(at) : this.zoneStart(r, at, zone, want, 4096).then(function (p) {
      return p >= 0 ? p : self.zoneStart(r, at, zone, 1, 4096).then(function (q) { return q >= 0 ? q : at; });
    });
    var needles = [];
    h.alts.forEach(function (alts) {
      alts.forEach(function (a) { needles.push(a.text); a.runs.forEach(function (run) { needles.push(run[1]); }); });
    });
    return start.then(function (from) {
      var a = Math.max(s0, from === at ? at - 30 : from), b = Math.min(end, a + 110);
      if (a >= b) return { segments: [], text: null };
      return self.text(a, b).then(function (t) {
        var chars = t.chars.slice(a - t.start, b - t.start), from0 = t.from.slice(a - t.start, b - t.start);
        // Never show the end of an earlier zone before the match.
        var cut = from === at ? chars.lastIndexOf(ix.zone_end, Math.max(0, at - a - 1)) + 1 : 0;
        chars = chars.slice(cut); from0 = from0.slice(cut); a += cut;
        var marked = new Array(chars.length).fill(false), norm = chars.join("");
        needles.forEach(function (needle) {
          if (!needle) return;
          var cps = Array.from(needle).length, i = norm.indexOf(needle);
          while (i >= 0) {
            var k = Array.from(norm.slice(0, i)).length;
            for (var j = k; j < k + cps; j++) marked[j] = true;
            i = norm.indexOf(needle, i + 1);
          }
        });
        var segs = [], o0 = from0[0], o1 = from0[from0.length - 1] + 1, markOrig = new Map();
        for (var i = 0; i < from0.length; i++) markOrig.set(from0[i], (markOrig.get(from0[i]) || false) || marked[i]);
        for (var o = o0; o < o1; o++) {
          var ch = t.orig[o] === "\n" || t.orig[o] === ix.zone_end ? " " : t.orig[o], m = !!markOrig.get(o), last = segs[segs.length - 1];
          if (last && last.mark === m) last.text += ch; else segs.push({ text: ch, mark: m });
        }
        if (cut === 0 && from === at && a > s0 && segs.length) segs[0].text = "…" + segs[0].text;
        if (b < end && segs.length) segs[segs.length - 1].text += "…";
        return { segments: segs, text: t };
      });
    });
  };

  return { Engine: Engine, decode: decode, termHash: termHash, analysis: A };
});
