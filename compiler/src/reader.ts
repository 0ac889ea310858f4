// Reader: source text -> datums with positions (LANGUAGE.md §1 and §10 "Reader").
// Every list cell records the position of its car, so later passes can point at any sub-form.
import { CompileError } from './errors.js';
import { Char, Dict, Flo, Keyword, type Loc, Pair, Sym, type Value, makeInt } from './values.js';

/** A datum as read, with the position where it starts. */
export interface Datum {
  readonly value: Value;
  readonly loc: Loc;
}

const charNames: Record<string, number> = {
  alarm: 7,
  backspace: 8,
  delete: 0x7f,
  escape: 0x1b,
  newline: 10,
  nul: 0,
  null: 0,
  return: 13,
  space: 32,
  tab: 9,
};

const stringEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"' };

/** Deepest nesting of datums the reader accepts (later passes recurse over the nesting too). */
export const MAX_NESTING = 1000;

const closerFor: Record<string, string> = { '(': ')', '[': ']', '#{': '}' };

const INT_RE = /^[+-]?[0-9]+$/;
const FLOAT_RE = /^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const RADIX_RE: Record<string, RegExp> = { x: /^[+-]?[0-9a-fA-F]+$/, b: /^[+-]?[01]+$/ };

function isDelimiter(ch: string | undefined): boolean {
  return ch === undefined || /[\s()[\]{}";]/.test(ch);
}

/** Parses a numeric token the way the reader does; null when the text is not a number. */
export function parseNumber(text: string): Value | undefined {
  let radix = 10;
  let body = text;
  if (/^#[xXbB]/.test(text)) {
    radix = text[1].toLowerCase() === 'x' ? 16 : 2;
    body = text.slice(2);
    if (!RADIX_RE[text[1].toLowerCase()].test(body)) return undefined;
  } else if (!INT_RE.test(text)) {
    if (FLOAT_RE.test(text) && /[0-9]/.test(text)) return new Flo(Number(text));
    return undefined;
  }
  const neg = body.startsWith('-');
  const digits = body.replace(/^[+-]/, '');
  const prefix = radix === 16 ? '0x' : radix === 2 ? '0b' : '';
  const magnitude = BigInt(prefix + digits);
  const n = makeInt(neg ? -magnitude : magnitude);
  return n === null ? null : n;
}

class Reader {
  private pos = 0;
  private depth = 0;
  private line = 1;
  private col = 1;

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  private here(): Loc {
    return { file: this.file, line: this.line, col: this.col };
  }

  private fail(loc: Loc, message: string): never {
    throw new CompileError(loc, message);
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  /** Advances over one code unit, keeping line/column in code points. */
  private advance(): string {
    const ch = this.src[this.pos++];
    if (ch === '\n') {
      this.line++;
      this.col = 1;
    } else {
      const c = ch.charCodeAt(0);
      if (c < 0xdc00 || c > 0xdfff) this.col++;
    }
    return ch;
  }

  /** Skips whitespace and comments, including `#;` datum comments (a run of them skips as many datums). */
  private skipAtmosphere(): void {
    let datumComments = 0;
    for (;;) {
      const ch = this.peek();
      if (ch !== undefined && /\s/.test(ch)) this.advance();
      else if (ch === ';') {
        while (this.peek() !== undefined && this.peek() !== '\n') this.advance();
      } else if (ch === '#' && this.peek(1) === '|') this.skipBlockComment();
      else if (ch === '#' && this.peek(1) === ';') {
        this.advance();
        this.advance();
        datumComments++;
      } else if (datumComments > 0) {
        if (this.atCloser()) this.fail(this.here(), 'datum comment without a datum');
        this.readDatum();
        datumComments--;
      } else return;
    }
  }

  private atCloser(): boolean {
    const ch = this.peek();
    return ch === undefined || ch === ')' || ch === ']' || ch === '}';
  }

  private skipBlockComment(): void {
    const start = this.here();
    this.advance();
    this.advance();
    let depth = 1;
    while (depth > 0) {
      const ch = this.peek();
      if (ch === undefined) this.fail(start, 'unterminated block comment');
      if (ch === '|' && this.peek(1) === '#') {
        depth--;
        this.advance();
      } else if (ch === '#' && this.peek(1) === '|') {
        depth++;
        this.advance();
      }
      this.advance();
    }
  }

  /** Reads every datum up to end of input. */
  readAll(): Datum[] {
    const out: Datum[] = [];
    for (;;) {
      this.skipAtmosphere();
      const ch = this.peek();
      if (ch === undefined) return out;
      if (ch === ')' || ch === ']' || ch === '}') this.fail(this.here(), `unexpected '${ch}'`);
      const loc = this.here();
      out.push({ value: this.readDatum(), loc });
    }
  }

  /** Reads one datum starting at the current (non-atmosphere) position. */
  private readDatum(): Value {
    const loc = this.here();
    if (++this.depth > MAX_NESTING) this.fail(loc, `nesting too deep (more than ${MAX_NESTING} levels)`);
    try {
      return this.readDatumAt(loc);
    } finally {
      this.depth--;
    }
  }

  private readDatumAt(loc: Loc): Value {
    const ch = this.peek()!;
    switch (ch) {
      case '(':
      case '[':
        this.advance();
        return this.readSequence(ch, loc);
      case '"':
        return this.readString(loc);
      case "'":
        return this.readPrefixed('quote', 1);
      case '`':
        return this.readPrefixed('quasiquote', 1);
      case ',':
        return this.peek(1) === '@' ? this.readPrefixed('unquote-splicing', 2) : this.readPrefixed('unquote', 1);
      case '{':
        this.fail(loc, "unexpected '{'");
      case ')':
      case ']':
      case '}':
        this.fail(loc, `unexpected '${ch}'`);
    }
    if (ch === '#') {
      const next = this.peek(1);
      if (next === '{') {
        this.advance();
        this.advance();
        return this.readSequence('#{', loc);
      }
      if (next === '\\') return this.readChar(loc);
    }
    return this.readAtom(loc);
  }

  /** `'x` and friends: `width` characters of sugar, then a datum. */
  private readPrefixed(name: string, width: number): Value {
    const loc = this.here();
    for (let i = 0; i < width; i++) this.advance();
    this.skipAtmosphere();
    const inner = this.here();
    if (this.atCloser()) this.fail(this.peek() === undefined ? loc : inner, `missing datum after ${name}`);
    const d = this.readDatum();
    return new Pair(Sym.of(name), new Pair(d, null, inner), loc);
  }

  /** Reads the elements of `(...)`, `[...]` or `#{...}` after the opening bracket. */
  private readSequence(open: string, start: Loc): Value {
    const closer = closerFor[open];
    const items: { value: Value; loc: Loc }[] = [];
    let tail: Value = null;
    let tailLoc: Loc | null = null;
    let dotSeen = false;
    for (;;) {
      this.skipAtmosphere();
      const loc = this.here();
      const ch = this.peek();
      if (ch === undefined) this.fail(start, 'unterminated list');
      if (ch === ')' || ch === ']' || ch === '}') {
        if (ch !== closer) this.fail(loc, `mismatched '${ch}': expected '${closer}'`);
        this.advance();
        break;
      }
      if (ch === '.' && isDelimiter(this.peek(1))) {
        if (open !== '(' || items.length === 0 || dotSeen) this.fail(loc, "misplaced '.'");
        this.advance();
        this.skipAtmosphere();
        if (this.atCloser()) this.fail(this.peek() === undefined ? start : this.here(), "misplaced '.'");
        tailLoc = this.here();
        tail = this.readDatum();
        dotSeen = true;
        this.skipAtmosphere();
        const after = this.here();
        const next = this.peek();
        if (next === undefined) this.fail(start, 'unterminated list');
        if (next !== ')') this.fail(after, next === ']' || next === '}' ? `mismatched '${next}': expected ')'` : "misplaced '.'");
        continue;
      }
      items.push({ value: this.readDatum(), loc });
    }
    if (open === '[') {
      const vec = items.map((i) => i.value);
      elementLocs.set(vec, items.map((i) => i.loc));
      return vec;
    }
    if (open === '#{') return this.dictDatum(items, start);
    let r = tail;
    for (let i = items.length - 1; i >= 0; i--) {
      r = new Pair(items[i].value, r, items[i].loc);
      if (tailLoc && i === items.length - 1) tailLocs.set(r, tailLoc);
    }
    return r;
  }

  /** `#{k v ...}`: a dict; a duplicate key keeps its first position and its last value. */
  private dictDatum(items: { value: Value }[], loc: Loc): Dict {
    if (items.length % 2 !== 0) this.fail(loc, 'dict literal needs an even number of forms');
    const d = new Dict();
    for (let i = 0; i < items.length; i += 2) d.set(items[i].value, items[i + 1].value);
    return d;
  }

  private readString(start: Loc): string {
    this.advance();
    let out = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) this.fail(start, 'unterminated string');
      if (ch === '"') {
        this.advance();
        return out;
      }
      if (ch !== '\\') {
        out += this.advance();
        continue;
      }
      const escLoc = this.here();
      this.advance();
      const e = this.peek();
      if (e === undefined) this.fail(start, 'unterminated string');
      if (e === 'x') {
        this.advance();
        let hex = '';
        while (this.peek() !== undefined && /[0-9a-fA-F]/.test(this.peek()!)) hex += this.advance();
        const code = parseInt(hex, 16);
        if (this.peek() !== ';' || hex === '' || !validCodePoint(code)) this.fail(escLoc, 'invalid \\x escape');
        this.advance();
        out += String.fromCodePoint(code);
      } else if (e in stringEscapes) {
        this.advance();
        out += stringEscapes[e];
      } else {
        const cp = String.fromCodePoint(this.src.codePointAt(this.pos)!);
        this.fail(escLoc, `unknown escape \\${cp}`);
      }
    }
  }

  private readChar(loc: Loc): Char {
    this.advance();
    this.advance();
    if (this.peek() === undefined) this.fail(loc, 'unterminated character');
    let name = String.fromCodePoint(this.src.codePointAt(this.pos)!);
    for (let i = 0; i < name.length; i++) this.advance();
    while (!isDelimiter(this.peek())) name += this.advance();
    const chars = [...name];
    if (chars.length === 1) return Char.of(name.codePointAt(0)!);
    if (name in charNames) return Char.of(charNames[name]);
    if (/^x[0-9a-fA-F]+$/.test(name)) {
      const code = parseInt(name.slice(1), 16);
      if (validCodePoint(code)) return Char.of(code);
    }
    this.fail(loc, `unknown character name #\\${name}`);
  }

  private readAtom(loc: Loc): Value {
    let text = '';
    while (!isDelimiter(this.peek())) text += this.advance();
    if (text === '') this.fail(loc, `unexpected '${this.peek()}'`);
    if (text === '#t') return true;
    if (text === '#f' || text === 'nil') return null;
    if (text === '.') this.fail(loc, "misplaced '.'");
    if (text.startsWith(':') && text.length > 1) return Keyword.of(text.slice(1));
    const num = parseNumber(text);
    if (num === null) this.fail(loc, 'integer literal out of range');
    if (num !== undefined) return num;
    if (text.startsWith('#')) this.fail(loc, `unknown syntax ${text}`);
    if (text === 't') return true;
    return Sym.of(text);
  }
}

function validCodePoint(code: number): boolean {
  return Number.isInteger(code) && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
}

/** Positions of the elements of vector datums (arrays cannot carry them as pairs do). */
export const elementLocs = new WeakMap<Value[], Loc[]>();

/** Position of the tail datum of a dotted list, keyed by the list's last pair. */
export const tailLocs = new WeakMap<Pair, Loc>();

/** Reads a whole source file. Throws CompileError with the position of the first problem. */
export function readProgram(src: string, file: string): Datum[] {
  return new Reader(src, file).readAll();
}
