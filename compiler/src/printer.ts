// `display` and `write` forms of values (LANGUAGE.md §5 and §10 "Printing").
import { Atom, Char, Dict, Flo, Keyword, OError, Opaque, Pair, Procedure, Sym, type Value } from './values.js';
import { chargeWork } from './work.js';

/** Python `repr` of a double: shortest round-trip digits, fixed notation for exponents in [-4, 16). */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
    const intLen = exp + 1;
    if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length) + '.0';
    return sign + digits.slice(0, intLen) + '.' + digits.slice(intLen);
  }
  const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const e = Math.abs(exp);
  return sign + m + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
}

const charNames: Record<number, string> = {
  0x20: 'space',
  0x0a: 'newline',
  0x09: 'tab',
  0x0d: 'return',
  0x00: 'nul',
};

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

export function writeChar(code: number): string {
  const name = charNames[code];
  if (name) return '#\\' + name;
  if (isControl(code)) return '#\\x' + code.toString(16);
  return '#\\' + String.fromCodePoint(code);
}

const stringEscapes: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

export function writeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = stringEscapes[ch];
    if (esc) out += esc;
    else {
      const code = ch.codePointAt(0)!;
      out += isControl(code) ? '\\x' + code.toString(16) + ';' : ch;
    }
  }
  return out + '"';
}

/** The printed form of `v`; `write` selects machine-readable strings and chars. */
export function printValue(v: Value, write: boolean): string {
  const parts: string[] = [];
  emit(v, write, parts);
  return parts.join('');
}

function emit(v: Value, write: boolean, out: string[]): void {
  // metered: a structure with shared parts can print exponentially long (a node printed costs
  // about four compared)
  chargeWork(4);
  if (v === null) out.push('nil');
  else if (v === true) out.push('t');
  else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
  else if (typeof v === 'string') out.push(write ? writeString(v) : v);
  else if (v instanceof Flo) out.push(formatFloat(v.v));
  else if (v instanceof Char) out.push(write ? writeChar(v.code) : String.fromCodePoint(v.code));
  else if (v instanceof Sym) out.push(v.name);
  else if (v instanceof Keyword) out.push(':' + v.name);
  else if (v instanceof Pair) emitList(v, write, out);
  else if (Array.isArray(v)) emitSeq('[', v, ']', write, out);
  else if (v instanceof Dict) {
    const flat: Value[] = [];
    for (const [k, x] of v.entries.values()) flat.push(k, x);
    emitSeq('#{', flat, '}', write, out);
  } else if (v instanceof Procedure) out.push(v.name === null ? '#<procedure>' : `#<procedure ${v.name}>`);
  else if (v instanceof Atom) {
    out.push('#<atom ');
    emit(v.value, true, out);
    out.push('>');
  } else if (v instanceof OError) out.push(write ? `#<error ${writeString(v.message)}>` : `#<error ${v.message}>`);
  else if (v instanceof Opaque) out.push(`#<${v.kind}>`);
  else throw new Error('printValue: unknown value ' + String(v));
}

function emitSeq(open: string, items: Value[], close: string, write: boolean, out: string[]): void {
  out.push(open);
  items.forEach((x, i) => {
    if (i > 0) out.push(' ');
    emit(x, write, out);
  });
  out.push(close);
}

function emitList(p: Pair, write: boolean, out: string[]): void {
  out.push('(');
  let v: Value = p;
  let first = true;
  while (v instanceof Pair) {
    if (!first) out.push(' ');
    emit(v.car, write, out);
    first = false;
    v = v.cdr;
  }
  if (v !== null) {
    out.push(' . ');
    emit(v, write, out);
  }
  out.push(')');
}
