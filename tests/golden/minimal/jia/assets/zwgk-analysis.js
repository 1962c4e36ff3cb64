(function(root,factory){if(typeof module==="object"&&module.exports)module.exports=factory();else root.ZwgkAnalysis=factory();})(typeof self!=="undefined"?self:this,function(){"use strict";var WORD_RANGES=[[0x30,0x39],[0x41,0x5A],[0x61,0x7A],[0xC0,0xD6],[0xD8,0xF6],[0xF8,0x2AF],[0x370,0x3FF],[0x400,0x52F],[0x1100,0x11FF],[0x2E80,0x2EFF],[0x2F00,0x2FDF],[0x3005,0x3007],[0x3021,0x3029],[0x3041,0x3096],[0x309D,0x309F],[0x30A1,0x30FA],[0x30FC,0x30FF],[0x3105,0x312F],[0x3131,0x318E],[0x31A0,0x31BF],[0x31F0,0x31FF],[0x3400,0x4DBF],[0x4E00,0x9FFF],[0xAC00,0xD7A3],[0xF900,0xFAFF],[0x20000,0x2FA1F],[0x30000,0x323AF]];var SPACES=[0x09,0x0A,0x0B,0x0C,0x0D,0x20,0x85,0xA0,0x1680,0x2000,0x2001,0x2002,0x2003,0x2004,0x2005,0x2006,0x2007,0x2008,0x2009,0x200A,0x2028,0x2029,0x202F,0x205F,0x3000];var QUOTES="\"\u201C\u201D\u201E\u201F\u300C\u300D\u300E\u300F";var spaceSet=new Set(SPACES.map(function(c){return String.fromCodePoint(c);}));var quoteSet=new Set(Array.from(QUOTES));var cache=new Map();function isWordCode(code){var lo=0,hi=WORD_RANGES.length-1;while(lo<=hi){var mid=(lo+hi)>>1,r=WORD_RANGES[mid];if(code<r[0])hi=mid-1;else if(code>r[1])lo=mid+1;else return true;}
return false;}
function isWordChar(ch){return isWordCode(ch.codePointAt(0));}
function normalizeChar(ch){var m=cache.get(ch);if(m===undefined){m=ch.normalize("NFKC").toLowerCase().replace(/\u03C2/g,"\u03C3");cache.set(ch,m);}
return m;}
function normalize(text){var out="";for(var ch of text)out+=normalizeChar(ch);return out;}
function normalizeMapped(text){var chars=[],from=[],i=0;for(var ch of text){for(var n of normalizeChar(ch)){chars.push(n);from.push(i);}
i++;}
return{chars:chars,from:from};}
function wordRuns(chars){if(typeof chars==="string")chars=Array.from(chars);var runs=[],start=-1;for(var i=0;i<chars.length;i++){if(isWordChar(chars[i])){if(start<0)start=i;}
else if(start>=0){runs.push([start,chars.slice(start,i).join("")]);start=-1;}}
if(start>=0)runs.push([start,chars.slice(start).join("")]);return runs;}
function tokenize(text){var tokens=[];wordRuns(normalize(text)).forEach(function(r){var cps=Array.from(r[1]);for(var i=0;i<cps.length;i++){tokens.push([cps[i],r[0]+i]);if(i+1<cps.length)tokens.push([cps[i]+cps[i+1],r[0]+i]);}});return tokens;}
function runTerms(run){var cps=Array.from(run);if(cps.length===1)return[run];var terms=[];for(var i=0;i+1<cps.length;i++)terms.push(cps[i]+cps[i+1]);return terms;}
function parseQuery(query){var pieces=[],current=[],quoted=false;for(var ch of normalize(query)){if(quoteSet.has(ch)){pieces.push([current,quoted]);current=[];quoted=!quoted;}
else if(spaceSet.has(ch)&&!quoted){pieces.push([current,false]);current=[];}
else current.push(ch);}
pieces.push([current,quoted]);var parts=[];pieces.forEach(function(p){var chars=p[0],runs=wordRuns(chars);if(!runs.length)return;var last=runs[runs.length-1];var first=runs[0][0],end=last[0]+Array.from(last[1]).length;var rel=runs.map(function(r){return[r[0]-first,r[1]];});var terms=[];rel.forEach(function(r){terms.push.apply(terms,runTerms(r[1]));});parts.push({text:chars.slice(first,end).join(""),phrase:p[1],runs:rel,terms:terms});});return parts;}
function queryTerms(parts){var seen=new Set(),out=[];parts.forEach(function(p){p.terms.forEach(function(t){if(!seen.has(t)){seen.add(t);out.push(t);}});});return out;}
return{WORD_RANGES:WORD_RANGES,isWordChar:isWordChar,isWordCode:isWordCode,normalize:normalize,normalizeChar:normalizeChar,normalizeMapped:normalizeMapped,wordRuns:wordRuns,tokenize:tokenize,runTerms:runTerms,parseQuery:parseQuery,queryTerms:queryTerms};});