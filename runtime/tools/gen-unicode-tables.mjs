// Generates the Unicode tables of src/string.c from the reference interpreter's own case mapping
// and character classes (the table section of src/string.c): node runtime/tools/gen-unicode-tables.mjs
import { mapCase } from '../../compiler/dist/interp/builtins.js';
function ranges(pred) {
  const out = []; let start = -1;
  for (let c = 0; c <= 0x110000; c++) {
    const ok = c < 0x110000 && !(c >= 0xd800 && c <= 0xdfff) && pred(c);
    if (ok && start < 0) start = c;
    if (!ok && start >= 0) { out.push([start, c - 1]); start = -1; }
  }
  return out;
}
const re = (r) => (c) => r.test(String.fromCodePoint(c));
function caseTable(upper) {
  // entries: [start, end, stride, delta]
  const pts = [];
  for (let c = 0; c < 0x110000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const m = mapCase(c, upper);
    if (m !== c) pts.push([c, m - c]);
  }
  const out = [];
  let i = 0;
  while (i < pts.length) {
    const [c, d] = pts[i];
    // try stride 1 and stride 2 runs, pick the longer
    let best = [c, c, 1, d], bestLen = 1;
    for (const stride of [1, 2]) {
      let j = i, end = c, n = 1;
      while (j + 1 < pts.length && pts[j + 1][0] === end + stride && pts[j + 1][1] === d) { j++; end += stride; n++; }
      if (n > bestLen) { bestLen = n; best = [c, end, stride, d]; }
    }
    out.push(best);
    i += bestLen;
  }
  return out;
}
function fmtRanges(name, rs) {
  let s = `static const uint32_t ${name}[][2] = {\n`;
  let line = '  ';
  for (const [a, b] of rs) {
    const item = `{0x${a.toString(16)}, 0x${b.toString(16)}}, `;
    if (line.length + item.length > 100) { s += line.trimEnd() + '\n'; line = '  '; }
    line += item;
  }
  s += line.trimEnd() + '\n};\n';
  return s;
}
function fmtCase(name, rs) {
  let s = `static const OCaseRun ${name}[] = {\n`;
  let line = '  ';
  for (const [a, b, st, d] of rs) {
    const item = `{0x${a.toString(16)}, 0x${b.toString(16)}, ${st}, ${d}}, `;
    if (line.length + item.length > 100) { s += line.trimEnd() + '\n'; line = '  '; }
    line += item;
  }
  s += line.trimEnd() + '\n};\n';
  return s;
}
const alpha = ranges(re(/\p{Alphabetic}/u));
const digit = ranges(re(/\p{Nd}/u));
const space = ranges(re(/\p{White_Space}/u));
const up = caseTable(true), low = caseTable(false);
console.error(alpha.length, digit.length, space.length, up.length, low.length);
let out = `/* Generated from Node ${process.version} (Unicode ${process.versions.unicode}) with the interpreter's mapCase and regexes. */\n`;
out += fmtRanges('omniS_alpha_ranges', alpha) + fmtRanges('omniS_digit_ranges', digit) + fmtRanges('omniS_space_ranges', space);
out += fmtCase('omniS_upper_runs', up) + fmtCase('omniS_lower_runs', low);
process.stdout.write(out);
for (const [nm, t] of [['up', up], ['low', low]]) {
  for (let i = 1; i < t.length; i++) if (t[i][0] <= t[i-1][1]) console.error('overlap', nm, t[i-1], t[i]);
}
