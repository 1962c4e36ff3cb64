/* zwgk search: the query engine over the index that zwgk/outputs/search/browser_index.py writes.
 * AND of the query's terms; a quoted phrase must appear as written; BM25F (zone weights,
 * each zone normalised by its own length); records holding a part exactly come first,
 * those holding it in a heavier zone (title, names, content, basis, body) before the
 * others; facet counts; excerpts.
 * It fetches only what a query needs, through a `load(name)` function: <script> tags
 * in the browser (so file:// works), files in node. Plain script and CommonJS module. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./zwgk-analysis.js"));
  else root.ZwgkSearch = factory(root.ZwgkAnalysis);
})(typeof self !== "undefined" ? self : this, function (A) {
  "use strict";

  var BASE = 43;
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

  /** Load index.js once: record lengths, zones and facet values. */
  Engine.prototype.ready = function () {
    var self = this;
    if (!this._ready) this._ready = this.file("index").then(function (ix) {
      var n = ix.count, lengths = decode(ix.lengths), zones = decode(ix.zones), used = ix.zoned;
      var starts = new Array(n), zoneStarts = new Float64Array(n * 4).fill(Infinity), pos = 0, total = 0;
      for (var r = 0; r < n; r++) {
        starts[r] = pos; pos += lengths[r] + 1; total += lengths[r];
        var z = 0;
        for (var k = 0; k < used; k++) { z += zones[r * used + k] + 1; zoneStarts[r * 4 + k] = z; }
      }
      var width = ix.facets.length + 1, flat = decode(ix.tuples), tuples = [], runs = decode(ix.records);
      for (var t = 0; t < flat.length; t += width) tuples.push(flat.slice(t, t + width));
      var tupleOf = new Int32Array(n), at = 0;
      for (var i = 0; i < runs.length; i += 2) tupleOf.fill(runs[i], at, at += runs[i + 1]);
      ix.lengthOf = lengths; ix.starts = starts; ix.zoneStarts = zoneStarts;
      ix.avg = n ? total / n : 1; ix.tuples = tuples; ix.tupleOf = tupleOf;
      ix.zoneScale = zoneScales(ix);
      self.index = ix;
      return ix;
    });
    return this._ready;
  };

  /** Per record and zone, weight / BM25 length norm of that zone (BM25F): a long body
   *  does not dilute a match in a short title. */
  function zoneScales(ix) {
    var n = ix.count, Z = 5, b = ix.b, len = new Float64Array(n * Z), sum = new Float64Array(Z);
    for (var r = 0; r < n; r++) {
      for (var z = 0, from = 0; z < Z; z++) {
        var to = z < 4 && ix.zoneStarts[r * 4 + z] !== Infinity ? ix.zoneStarts[r * 4 + z] - 1 : ix.lengthOf[r];
        var l = Math.max(0, to - from);
        len[r * Z + z] = l; sum[z] += l;
        if (to === ix.lengthOf[r]) break;     // zones after the last one stored are empty
        from = to + 1;
      }
    }
    var scale = new Float64Array(n * Z);
    for (var i = 0; i < n * Z; i++) {
      var avg = sum[i % Z] / n;
      scale[i] = avg > 0 ? ix.weights[i % Z] / (1 - b + b * len[i] / avg) : 0;
    }
    return scale;
  }

  Engine.prototype.zoneOf = function (r, local) {
    var zs = this.index.zoneStarts, z = 0;
    while (z < 4 && local >= zs[r * 4 + z]) z++;
    return z;
  };

  /** A shard parsed into a Map from term to posting. */
  Engine.prototype.shard = function (h) {
    var self = this, name = "s/" + h.toString(36);
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

  /** What the index holds for one term: per record, BM25F tf and (for pairs) positions. */
  Engine.prototype.term = function (term) {
    var self = this;
    if (this.terms.has(term)) return this.terms.get(term);
    var p = this.ready().then(function (ix) {
      return self.shard(termHash(term) % ix.shards);
    }).then(function (shard) {
      var posting = shard.map.get(term);
      if (posting === undefined) return "";
      if (posting.charAt(0) === "~") return self.file(shard.name + "-" + posting.slice(1));
      return posting;
    }).then(function (posting) { return self.parseTerm(term, posting); });
    this.terms.set(term, p);
    return p;
  };

  Engine.prototype.parseTerm = function (term, posting) {
    var ix = this.index, scale = ix.zoneScale, nums = decode(posting), recs = new Map();
    var pair = Array.from(term).length === 2;
    if (pair) {
      var positions = new Array(nums.length), at = 0, r = -1, next = 0, entry = null;
      for (var i = 0; i < nums.length; i++) {
        at += nums[i]; positions[i] = at;
        if (at >= next) {
          r = upperBound(ix.starts, at) - 1;
          next = r + 1 < ix.count ? ix.starts[r + 1] : Infinity;
          entry = { tf: 0, from: i, to: i };
          recs.set(r, entry);
        }
        entry.tf += scale[r * 5 + this.zoneOf(r, at - ix.starts[r])];
        entry.to = i + 1;
      }
      return { term: term, pair: true, recs: recs, positions: positions, set: new Set(positions) };
    }
    var rec = 0;
    for (var j = 0; j < nums.length; j++) {
      rec += Math.floor(nums[j] / 5);
      recs.set(rec, { tf: scale[rec * 5 + nums[j] % 5], zone: nums[j] % 5 });
    }
    return { term: term, pair: false, recs: recs };
  };

  /* ---- text pieces ---- */

  Engine.prototype.piece = function (k) {
    return this.file("t/" + k.toString(36));
  };

  /** Original text covering normalised positions [a, b), with each normalised code point
   *  mapped to its original index: {chars, from, orig, start}. */
  Engine.prototype.text = function (a, b) {
    var self = this, size = this.index.piece, first = Math.floor(a / size), last = Math.floor(Math.max(a, b - 1) / size);
    last = Math.min(last, this.index.pieces - 1);
    function fetch(from) {
      var ks = [];
      for (var k = from; k <= last; k++) ks.push(k);
      return Promise.all(ks.map(function (k) { return self.piece(k); })).then(function (ps) {
        if (ps[0][0] > a && from > 0) return fetch(from - 1);
        var orig = ps.map(function (p) { return p[1]; }).join("");
        var m = A.normalizeMapped(orig);
        return { chars: m.chars, from: m.from, orig: Array.from(orig), start: ps[0][0], head: ps[0][2] };
      });
    }
    return fetch(Math.min(first, last));
  };

  /** The normalised text of [a, b) as a string. */
  Engine.prototype.normText = function (a, b) {
    return this.text(a, b).then(function (t) { return t.chars.slice(a - t.start, b - t.start).join(""); });
  };

  /** Title and id of a record: the first two lines of its text. `near` is text already
   *  fetched inside the record: a piece that begins inside a record carries its head. */
  Engine.prototype.head = function (r, near) {
    var ix = this.index, s = ix.starts[r];
    if (near && near.start > s && near.head) return Promise.resolve(splitHead(near.head));
    var end = Math.min(s + ix.zoneStarts[r * 4 + 1] - 1, s + ix.lengthOf[r]);
    return this.text(s, end).then(function (t) {
      return splitHead(t.orig.slice(t.from[s - t.start], t.from[end - 1 - t.start] + 1).join(""));
    });
  };

  function splitHead(text) {
    var lines = text.split("\n");
    return { title: lines[0], id: lines[1] || "" };
  }

  /* ---- matching ---- */

  /** How one part stands in one record: {exact: true|false|null, at: global position or -1,
   *  bases, zone: the heaviest zone holding it exactly (once known)}. */
  Engine.prototype.chain = function (part, r, data) {
    var ix = this.index, runs = part.runs, anchor = -1;
    for (var i = 0; i < runs.length; i++) if (Array.from(runs[i][1]).length > 1) { anchor = i; break; }
    if (anchor < 0) {
      if (runs.length === 1) return { exact: true, at: -1, zone: data.get(runs[0][1]).recs.get(r).zone };
      return { exact: null, at: -1, bases: null };
    }
    var aTerms = A.runTerms(runs[anchor][1]), aData = data.get(aTerms[0]), e = aData.recs.get(r);
    var bases = [];
    for (var j = e.from; j < e.to; j++) {
      var base = aData.positions[j] - runs[anchor][0], ok = base >= ix.starts[r];
      for (var q = 0; ok && q < runs.length; q++) {
        var terms = A.runTerms(runs[q][1]);
        if (terms.length === 1 && Array.from(terms[0]).length === 1) continue;
        for (var t = 0; ok && t < terms.length; t++) ok = data.get(terms[t]).set.has(base + runs[q][0] + t);
      }
      if (ok) bases.push(base);
    }
    if (!bases.length) return { exact: false, at: aData.positions[e.from] - runs[anchor][0] };
    if (runs.length === 1) return { exact: true, at: bases[0], zone: this.zoneOf(r, bases[0] - ix.starts[r]) };
    return { exact: null, at: bases[0], bases: bases };
  };

  /** Settle an undecided part by reading the text: exact somewhere in the record? */
  Engine.prototype.verify = function (part, r, state) {
    var self = this, ix = this.index, want = part.text, len = Array.from(want).length;
    if (state.bases) {
      return state.bases.reduce(function (prev, base) {
        return prev.then(function (found) {
          if (found) return found;
          return self.normText(base, base + len).then(function (s) {
            return s === want ? { exact: true, at: base, zone: self.zoneOf(r, base - ix.starts[r]) } : null;
          });
        });
      }, Promise.resolve(null)).then(function (found) { return found || { exact: false, at: state.at }; });
    }
    var s0 = ix.starts[r];
    return this.normText(s0, s0 + ix.lengthOf[r]).then(function (s) {
      var i = s.indexOf(want), local = i < 0 ? -1 : Array.from(s.slice(0, i)).length;
      return i < 0 ? { exact: false, at: -1 } : { exact: true, at: s0 + local, zone: self.zoneOf(r, local) };
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
    var parts = A.parseQuery(query || ""), terms = A.queryTerms(parts);
    return this.ready().then(function (ix) {
      if (!terms.length) return { total: 0, page: 1, size: size, results: [], facets: self.facets([], filters) };
      return Promise.all(terms.map(function (t) { return self.term(t); })).then(function (list) {
        var data = new Map();
        list.forEach(function (d) { data.set(d.term, d); });
        list.sort(function (x, y) { return x.recs.size - y.recs.size; });
        var cands = [];
        list[0].recs.forEach(function (_e, r) {
          for (var i = 1; i < list.length; i++) if (!list[i].recs.has(r)) return;
          cands.push(r);
        });
        cands.sort(function (x, y) { return x - y; });
        return self.rank(parts, cands, data, list).then(function (hits) {
          var facets = self.facets(hits, filters);
          var shown = hits.filter(function (h) { return self.passes(h.r, filters); });
          return self.order(parts, shown, page * size).then(function (ordered) {
            var slice = size === Infinity ? ordered : ordered.slice((page - 1) * size, page * size);
            return Promise.all(slice.map(function (h) { return self.result(h, parts); })).then(function (results) {
              return { total: shown.length, page: page, size: size, results: results, facets: facets };
            });
          });
        });
      });
    });
  };

  /** Score every candidate and settle its phrases: [{r, score, states}]. */
  Engine.prototype.rank = function (parts, cands, data, list) {
    var self = this, ix = this.index, n = ix.count, k1 = ix.k1, b = ix.b;
    var idf = list.map(function (d) { var df = d.recs.size; return Math.log(1 + (n - df + 0.5) / (df + 0.5)); });
    var hits = cands.map(function (r) {
      var score = 0, norm = k1 * (1 - b + b * ix.lengthOf[r] / ix.avg);
      list.forEach(function (d, i) { var tf = d.recs.get(r).tf; score += idf[i] * tf * (k1 + 1) / (tf + norm); });
      return { r: r, score: score, states: parts.map(function (p) { return self.chain(p, r, data); }) };
    });
    // A quoted phrase filters: settle every undecided one now.
    var jobs = [];
    hits.forEach(function (h) {
      parts.forEach(function (p, i) {
        if (p.phrase && h.states[i].exact === null) {
          jobs.push(self.verify(p, h.r, h.states[i]).then(function (s) { h.states[i] = s; }));
        }
      });
    });
    return Promise.all(jobs).then(function () {
      return hits.filter(function (h) { return parts.every(function (p, i) { return !p.phrase || h.states[i].exact; }); });
    });
  };

  function exactCount(h, optimistic) {
    var n = 0;
    h.states.forEach(function (s) { if (s.exact || (optimistic && s.exact === null)) n++; });
    return n;
  }

  /** The zone weights of where each part stands exactly: a title holding the query
   *  outranks names, then 公开内容, 公开依据, body. Undecided parts count as the title. */
  function exactWeight(h, weights, optimistic) {
    var sum = 0;
    h.states.forEach(function (s) {
      if (s.exact) sum += weights[s.zone];
      else if (optimistic && s.exact === null) sum += weights[0];
    });
    return sum;
  }

  function before(x, y) {
    if (x.key !== y.key) return x.key > y.key;
    if (x.demoted !== y.demoted) return x.demoted < y.demoted;
    if (x.where !== y.where) return x.where > y.where;
    if (x.score !== y.score) return x.score > y.score;
    return x.r < y.r;
  }

  /** The first `want` hits in rank order (exact parts, the zones they stand in, then
   *  score, then record order).
   *  Undecided parts count as exact until read, so only hits that could reach the
   *  wanted page have their text fetched; an upper bound never lets a hit jump ahead. */
  Engine.prototype.order = function (parts, hits, want) {
    var self = this, out = [], weights = this.index.weights, ix = this.index;
    var v = ix.facets.findIndex(function (f) { return f.name === "validity"; });
    hits.forEach(function (h) {
      h.key = exactCount(h, true); h.where = exactWeight(h, weights, true);
      var t = v < 0 ? null : self.tuple(h.r);
      // Among hits matching alike, one no longer (or not yet) in force comes later: index.js carries
      // the table zwgk search orders by (zwgk/outputs/search/records.py).
      h.demoted = t && t[v + 1] ? ix.demoted[ix.facets[v].values[t[v + 1] - 1]] || 0 : 0;
    });
    var heap = hits.slice().sort(function (x, y) { return before(x, y) ? -1 : before(y, x) ? 1 : 0; });
    function step() {
      while (heap.length && out.length < want) {
        var h = heap[0], i = h.states.findIndex(function (s) { return s.exact === null; });
        if (i < 0) { out.push(heap.shift()); continue; }
        return self.verify(parts[i], h.r, h.states[i]).then(function (s) {
          h.states[i] = s; h.key = exactCount(h, true); h.where = exactWeight(h, weights, true);
          heap.shift();
          var lo = 0, hi = heap.length;
          while (lo < hi) { var mid = (lo + hi) >> 1; if (before(heap[mid], h)) lo = mid + 1; else hi = mid; }
          heap.splice(lo, 0, h);
          return step();
        });
      }
      return Promise.resolve(out);
    }
    return step();
  };

  Engine.prototype.tuple = function (r) { return this.index.tuples[this.index.tupleOf[r]]; };

  Engine.prototype.passes = function (r, filters, skip) {
    var ix = this.index, t = this.tuple(r);
    for (var f = 0; f < ix.facets.length; f++) {
      var name = ix.facets[f].name, want = filters[name];
      if (name === skip || want === undefined || want === "") continue;
      if (!t[f + 1] || ix.facets[f].values[t[f + 1] - 1] !== want) return false;
    }
    return true;
  };

  /** Facet counts over the hits; each facet counts the hits that pass the other facets. */
  Engine.prototype.facets = function (hits, filters) {
    var self = this, ix = this.index;
    return ix.facets.map(function (facet, f) {
      var counts = new Map();
      hits.forEach(function (h) {
        if (!self.passes(h.r, filters, facet.name)) return;
        var v = self.tuple(h.r)[f + 1];
        if (v) counts.set(v - 1, (counts.get(v - 1) || 0) + 1);
      });
      var results = Array.from(counts, function (e) {
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
    var self = this, ix = this.index, r = h.r, t = this.tuple(r);
    return this.excerpt(h, parts).then(function (ex) {
      return self.head(r, ex.text).then(function (head) {
        var url = ix.urls[t[0]], facets = {};
        ix.facets.forEach(function (f, k) { if (t[k + 1]) facets[f.name] = f.values[t[k + 1] - 1]; });
        return {
          index: r, id: head.id, type: url[0], title: head.title, url: url[1].replace("{id}", head.id),
          exact: exactCount(h, false) === parts.length, excerpt: ex.segments, facets: facets
        };
      });
    });
  };

  /** About 100 characters of the record's text around its first match there, as [{text, mark}]:
   *  an item's 公开内容 on, a document's or page's body, never the ids and metadata before them. */
  Engine.prototype.excerpt = function (h, parts) {
    var ix = this.index, r = h.r, s0 = ix.starts[r], end = s0 + ix.lengthOf[r];
    var zone = ix.urls[this.tuple(r)[0]][0] === "item" ? 1 : 3, first = ix.zoneStarts[r * 4 + zone];
    var body = s0 + (first !== Infinity && s0 + first < end ? first : ix.zoneStarts[r * 4]), at = -1;
    h.states.forEach(function (s) { if (at < 0 && s.at >= 0 && s.exact) at = s.at; });
    h.states.forEach(function (s) { if (at < 0 && s.at >= 0) at = s.at; });
    if (at < 0 || at < body) at = Math.max(at, body);   // a match in the title: show what follows it
    var a = Math.max(body, at - 30), b = Math.min(end, a + 110);
    if (a >= b) return Promise.resolve({ segments: [], text: null });
    var needles = [];
    parts.forEach(function (p) { needles.push(p.text); p.runs.forEach(function (run) { needles.push(run[1]); }); });
    return this.text(a, b).then(function (t) {
      var chars = t.chars.slice(a - t.start, b - t.start), from = t.from.slice(a - t.start, b - t.start);
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
      var segs = [], o0 = from[0], o1 = from[from.length - 1] + 1, markOrig = new Map();
      for (var i = 0; i < from.length; i++) markOrig.set(from[i], (markOrig.get(from[i]) || false) || marked[i]);
      for (var o = o0; o < o1; o++) {
        var ch = t.orig[o] === "\n" ? " " : t.orig[o], m = !!markOrig.get(o), last = segs[segs.length - 1];
        if (last && last.mark === m) last.text += ch; else segs.push({ text: ch, mark: m });
      }
      if (a > body && segs.length) segs[0].text = "…" + segs[0].text;
      if (b < end && segs.length) segs[segs.length - 1].text += "…";
      return { segments: segs, text: t };
    });
  };

  return { Engine: Engine, decode: decode, termHash: termHash, analysis: A };
});
