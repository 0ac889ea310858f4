// C emission (emit-c.ts): no identifier, string or symbol from the source can inject C; distinct
// source names get distinct C identifiers; `#line` directives point at the .omni source; and the
// output is accepted by gcc, clang and tcc. C compilers are run on the generated text.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, caseFiles } from '../../../test/src/conformance.js';
import { CompileError } from '../errors.js';
import { interpretSource } from '../interp/memory-host.js';
import { compileToC } from './compile.js';
import { RUNTIME_DIR, buildExecutable } from './toolchain.js';

const INCLUDE = path.join(RUNTIME_DIR, 'include');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-emit-test-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let fileCounter = 0;
function writeC(c: string, name = `t${fileCounter++}`): string {
  const file = path.join(TMP, `${name}.c`);
  fs.writeFileSync(file, c);
  return file;
}

interface Run {
  status: number | null;
  out: string;
}

function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Errors we want even though C99 only warns: they are real bugs in generated code. */
const STRICT = ['-Werror=implicit-function-declaration', '-Werror=incompatible-pointer-types', '-Werror=int-conversion'];

function gccSyntax(files: string[]): Run {
  return run('gcc', ['-std=c99', '-fsyntax-only', ...STRICT, '-I', INCLUDE, ...files]);
}

function clangSyntax(files: string[]): Run {
  return run('clang', ['-std=c99', '-fsyntax-only', ...STRICT, '-I', INCLUDE, ...files]);
}

function tccCompile(file: string): Run {
  return run('tcc', ['-c', '-I', INCLUDE, file, '-o', file.replace(/\.c$/, '.o')]);
}

// ------------------------------------------------------------------ reading the C text

/** The C text with comments removed and every string/char literal replaced by the token STR. */
function lexC(c: string): { code: string; strings: string[] } {
  let code = '';
  const strings: string[] = [];
  let i = 0;
  while (i < c.length) {
    const ch = c[i];
    if (ch === '/' && c[i + 1] === '*') {
      const j = c.indexOf('*/', i + 2);
      if (j < 0) throw new Error('unterminated comment');
      code += ' ';
      i = j + 2;
    } else if (ch === '/' && c[i + 1] === '/') {
      const j = c.indexOf('\n', i);
      i = j < 0 ? c.length : j;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < c.length && c[j] !== ch) {
        if (c[j] === '\\') j++;
        if (c[j] === '\n') throw new Error(`newline inside a literal at offset ${j}: ${c.slice(i, j + 1)}`);
        j++;
      }
      if (j >= c.length) throw new Error('unterminated literal');
      strings.push(c.slice(i, j + 1));
      code += ' STR ';
      i = j + 1;
    } else {
      code += ch;
      i++;
    }
  }
  return { code, strings };
}

/** The bytes of a C string literal, as UTF-8 text. */
function decodeC(lit: string): string {
  const body = lit.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, '"': 34, "'": 39, a: 7, b: 8, f: 12, v: 11, '?': 63 };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(body.charCodeAt(i));
      continue;
    }
    const m = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += m[0].length;
    } else if (body[i + 1] === 'x') {
      const h = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))![0];
      bytes.push(parseInt(h, 16));
      i += 1 + h.length;
    } else {
      bytes.push(simple[body[i + 1]]);
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** File-scope declarations: name -> the distinct declarations made under that name. */
function fileScope(c: string): Map<string, Set<string>> {
  const decls = new Map<string, Set<string>>();
  for (const line of c.split('\n')) {
    const m = /^(?:static )?(?:OValue|OClosure|void|int) \*?(\w+)/.exec(line);
    if (!m) continue;
    const sig = line.replace(/\s*(?:\{|;|=.*)\s*$/, '').trim();
    if (!decls.has(m[1])) decls.set(m[1], new Set());
    decls.get(m[1])!.add(sig);
  }
  return decls;
}

/** Each function definition with its parameters and the locals it declares. */
function functionsOf(c: string): { name: string; params: string[]; locals: string[] }[] {
  const out: { name: string; params: string[]; locals: string[] }[] = [];
  const lines = c.split('\n');
  lines.forEach((line, i) => {
    const m = /^static OValue (\w+)\((.*)\) \{$/.exec(line);
    if (!m) return;
    const params = m[2].split(',').map((p) => /(\w+)\s*$/.exec(p)![1]);
    const decl = /^ {2}OValue (.*);$/.exec(lines[i + 1] ?? '');
    const locals = decl ? decl[1].split(', ') : [];
    out.push({ name: m[1], params, locals });
  });
  return out;
}

/** Identifier collisions in a translation unit (empty when every name denotes one thing). */
function collisions(c: string): string[] {
  const problems: string[] = [];
  const scope = fileScope(c);
  for (const [name, sigs] of scope) if (sigs.size > 1) problems.push(`file scope: ${name} declared as ${[...sigs].join(' / ')}`);
  // Names the emitter declares inside blocks (omni_result, omni_c, omni_old, omni_arg0, ...).
  const blockNames = new Set([...c.matchAll(/^ +(?:OValue|OClosure \*|OVector \*|char) (omni_\w+)\s*[=;]/gm)].map((m) => m[1]));
  for (const f of functionsOf(c)) {
    const names = [...f.params, ...f.locals];
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`${f.name}: ${n} declared twice`);
      seen.add(n);
      if (scope.has(n)) problems.push(`${f.name}: local ${n} shadows the file-scope ${[...scope.get(n)!][0]}`);
      if (blockNames.has(n)) problems.push(`${f.name}: local ${n} is shadowed by a generated block-scope name`);
    }
  }
  return problems;
}

/** An OmniLisp string literal holding `s`. */
const omniString = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

// ------------------------------------------------------------------ hostile names and strings

const HOSTILE = [
  'a*/b',
  '*/ int main(void) { return 1; } /*',
  'q"uote',
  '"); abort(); ("',
  'back\\slash',
  '\\',
  'new\nline',
  'ends with backslash\\',
  'tri??=graph ??/ ??( ??) ??< ??> ??! ??\' ??-',
  '#define omni_dup(x) 0',
  '\n#include <stdlib.h>\n',
  'ünï¢ødé-λ-😀',
  '\t\r\x01\x7f',
  '// comment',
  'x'.repeat(3000),
  '%s%n%d',
];

const HOSTILE_PRELUDE = `
(defmacro proc (name params . body) (cons 'define (cons (cons (string->symbol name) (map string->symbol params)) body)))
(defmacro ref (name) (string->symbol name))
(defmacro call (name . args) (cons (string->symbol name) args))
(defmacro def-named (name val) (list 'define (string->symbol name) val))
(defmacro let-named (name val body) (list 'let (list (list (string->symbol name) val)) body))
(defmacro quote-sym (name) (list 'quote (string->symbol name)))
(defmacro letrec2 (a b) (list 'letrec (list (list (string->symbol a) (list 'lambda '() (string->symbol b))) (list (string->symbol b) 1)) (list (string->symbol a))))
(defmacro use-before (a b) (list 'letrec (list (list (string->symbol a) (string->symbol b)) (list (string->symbol b) 1)) (string->symbol a)))
`;

/** One program using `h` as a procedure, parameter, global, local, letrec name, symbol, string and error. */
function hostileBlock(h: string): string {
  const s = (suffix: string) => omniString(h + suffix);
  return `
(proc ${s('')} (${s('-param')}) (list (ref ${s('-param')}) ${s('')} (quote-sym ${s('')})))
(def-named ${s('-global')} (call ${s('')} 1))
(print (ref ${s('-global')}))
(print (let-named ${s('-local')} 5 (list (ref ${s('-local')}) (ref ${s('-local')}))))
(print (let-named ${s('-fn')} (lambda (x) x) (call ${s('-fn')} 2)))
(print (letrec2 ${s('-a')} ${s('-b')}))
(print (try (use-before ${s('-c')} ${s('-d')}) (lambda (e) (error-message e))))
(print (try (error ${s('')} (quote-sym ${s('')})) (lambda (e) (list (error-message e) (error-irritants e)))))
(print (try (call ${s('')} 1 2) (lambda (e) (error-message e))))
(print (try (ref ${s('-undefined-yet')}) (lambda (e) (error-message e))))
(def-named ${s('-undefined-yet')} 0)
`;
}

const HOSTILE_PROGRAM = HOSTILE_PRELUDE + HOSTILE.map(hostileBlock).join('');

let hostileC: string | undefined;
/** The hostile program's C (compiled once, on first use, so a crash fails tests rather than the file). */
function hostile(): string {
  hostileC ??= compileToC(HOSTILE_PROGRAM, 'hostile.omni');
  return hostileC;
}

describe('emit-c: source text cannot inject C', () => {

  it('the hostile program runs in the interpreter (so every name really reaches the back end)', () => {
    const r = interpretSource(HOSTILE_PROGRAM);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const h of HOSTILE) expect(r.stdout).toContain(h);
  });

  it('compiles with gcc -std=c99 -fsyntax-only', () => {
    const r = gccSyntax([writeC(hostile(), 'hostile')]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('is plain printable ASCII with no trigraph sequence anywhere (even inside literals)', () => {
    const c = hostile();
    const bad = [...c].findIndex((ch) => !/[\n\x20-\x7e]/.test(ch));
    expect(bad, `non-printable or non-ASCII character at ${bad}: ${JSON.stringify(c.slice(bad - 20, bad + 20))}`).toBe(-1);
    expect(c.includes('??')).toBe(false);
  });

  it('contains none of the raw text outside string literals', () => {
    const { code } = lexC(hostile());
    // Outside literals and the one header comment there is nothing a name or string could have
    // produced: no quotes, backslashes, comment delimiters or preprocessor lines of its own.
    for (const bad of ['"', "'", '\\', '*/', '/*', '//', '??', '#define', '<stdlib']) {
      expect(code.includes(bad), `raw ${JSON.stringify(bad)} outside literals`).toBe(false);
    }
    for (const line of code.split('\n')) {
      if (line.includes('#')) expect(line).toMatch(/^#(?:include|line \d+) {2}STR $/);
    }
    for (const h of HOSTILE) {
      if (/^[A-Za-z0-9_]*$/.test(h)) continue;
      expect(code.includes(h), `raw ${JSON.stringify(h)} outside literals`).toBe(false);
    }
    // Nor any text of a hostile name: the only words are C's, the runtime's and the mangled names.
    for (const w of ['abort()', 'main(void)', 'return 1;', 'stdlib.h', 'omni_dup(x) 0']) expect(code.includes(w), w).toBe(false);
    // Identifiers stay within C99's 63 significant characters.
    const longest = Math.max(...[...code.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0].length));
    expect(longest).toBeLessThanOrEqual(63);
  });

  it('every name and string reaches the C file intact as a string literal', () => {
    const { strings } = lexC(hostile());
    const decoded = new Set(strings.filter((s) => s.startsWith('"')).map(decodeC));
    for (const h of HOSTILE) {
      expect(decoded.has(h), `procedure/symbol/string ${JSON.stringify(h.slice(0, 40))}`).toBe(true);
      for (const suffix of ['-fn', '-b', '-d', '-undefined-yet']) expect(decoded.has(h + suffix), JSON.stringify(h.slice(0, 40) + suffix)).toBe(true);
    }
  });

  it('quoted data is a byte table, each text with its exact UTF-8 byte length, never C source', () => {
    const table = hostile().match(/omni_lit_data\[(\d+)\] = \{\n([\d,\s]*)\};/);
    expect(table, 'no literal table').not.toBeNull();
    const bytes = Buffer.from(table![2].split(/[,\s]+/).filter(Boolean).map(Number));
    expect(bytes.length).toBe(Number(table![1]));
    // every hostile text is in the table as tag, LEB128 byte length, UTF-8 bytes (literal.c)
    for (const text of HOSTILE) {
      const utf8 = Buffer.from(text, 'utf8');
      const len: number[] = [];
      for (let n = utf8.length; ; ) {
        len.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
        n >>= 7;
        if (n === 0) break;
      }
      expect(bytes.includes(Buffer.concat([Buffer.from([5, ...len]), utf8])), JSON.stringify(text)).toBe(true);
    }
    expect(hostile()).not.toMatch(/omniS_string\(S, "/);
  });

  it('literalBytes encodes every kind of datum as literal.c reads it', () => {
    const c = compileToC(`(print '(1 -2 #\\x3bb 2.5 "é" sym :kw [1 (2 . 3)] #{:a 1} t nil))`, 'lits.omni');
    const table = c.match(/omni_lit_data\[\d+\] = \{\n([\d,\s]*)\};/)![1].split(/[,\s]+/).filter(Boolean).map(Number);
    const float = Buffer.alloc(8);
    float.writeDoubleLE(2.5);
    expect(table).toEqual([
      8, 11, // a list of 11 items
      2, 2, 2, 3, 3, 0xbb, 0x07, 4, ...float, 5, 2, 0xc3, 0xa9, 6, 3, ...Buffer.from('sym'), 7, 2, ...Buffer.from('kw'),
      9, 2, 2, 2, 8, 1, 2, 4, 2, 6, // [1 (2 . 3)]
      10, 1, 7, 1, ...Buffer.from('a'), 2, 2, // #{:a 1}
      1, 0, // t nil
      0, // the tail
    ]);
  });

  it('declares no identifier twice', () => {
    expect(collisions(hostile())).toEqual([]);
  });

  it('behaves like the interpreter when built and run', () => {
    const exe = path.join(TMP, 'hostile');
    buildExecutable(hostile(), exe, { cc: 'gcc', opt: 0, static: false, sanitize: 'none' });
    const r = spawnSync(exe, [], { encoding: 'utf8' });
    const expected = interpretSource(HOSTILE_PROGRAM);
    expect(r.stdout).toBe(expected.stdout);
    expect(r.status).toBe(expected.status);
  });

  it('a hostile file name is escaped in #line directives and the header comment', () => {
    const file = 'dir */ x/we"ird\\name\n??/\n#define.omni';
    const out = compileToC('(print 1)', file);
    const { code, strings } = lexC(out);
    for (const bad of ['*/', '??', '\\', '#define']) expect(code.includes(bad), bad).toBe(false);
    const lines = strings.filter((s) => s.startsWith('"')).map(decodeC);
    expect(lines).toContain(file);
    expect(gccSyntax([writeC(out)]).status).toBe(0);
  });
});

// ------------------------------------------------------------------ identifiers

describe('emit-c: distinct source names get distinct C identifiers', () => {
  it('a-b, a_b and a?b as procedures, globals, parameters and locals', () => {
    const src = `
      (define (a-b x) (list 'a-b x))
      (define (a_b x) (list 'a_b x))
      (define (a?b x) (list 'a?b x))
      (define a-b! 1)
      (define a_b! 2)
      (define a?b! 3)
      (define (params a-b a_b a?b) (list a-b a_b a?b))
      (define (locals) (let ((a-b 1) (a_b 2) (a?b 3)) (list a?b a_b a-b)))
      (print (a-b 1) (a_b 2) (a?b 3) a-b! a_b! a?b! (params 1 2 3) (locals))`;
    const c = compileToC(src, 'names.omni');
    expect(collisions(c)).toEqual([]);
    const scope = fileScope(c);
    const fns = [...scope.keys()].filter((n) => /^omni_f\d+_a_b$/.test(n));
    expect(fns).toHaveLength(3);
    const globals = [...scope.keys()].filter((n) => /^omni_g\d+_a_b$/.test(n));
    expect(globals).toHaveLength(6);
    const params = functionsOf(c).find((f) => /^omni_f\d+_params$/.test(f.name))!;
    expect(new Set(params.params.slice(2)).size).toBe(3);
    const locals = functionsOf(c).find((f) => /^omni_f\d+_locals$/.test(f.name))!;
    expect(new Set(locals.locals).size).toBe(locals.locals.length);
    expect(gccSyntax([writeC(c)]).status).toBe(0);
  });

  // Source names that look like the emitter's own names must not collide with them.
  const LOOKALIKES: Record<string, string> = {
    'a procedure named e1 (omni_eN is an entry point)': '(define (e1) 1) (print (e1))',
    'a procedure named o1 (omni_oN is a closure object)': '(define (o1) 1) (print (o1))',
    'a global b next to a procedure named g-b (omni_g_b_N)': '(define a 1) (define b (let ((g-b (lambda () 2))) g-b)) (print a (b))',
    'a parameter named omni-f in procedure f': '(define (f omni-f) (if (= omni-f 0) 0 (+ 1 (f (- omni-f 1))))) (print (f 3))',
    'a parameter named omni-obj next to a global procedure': '(define (f) 1) (define (g omni-obj) (list omni-obj (f))) (print (g 2))',
    'a local named omni-g-x next to a global x': '(define x 1) (define (f) (let ((omni-g-x 2)) (list omni-g-x x))) (print (f))',
    'procedures named main, program, lit, top': '(define (main) 1) (define (program) 2) (define (lit) 3) (define (top) 4) (print (main) (program) (lit) (top))',
    'locals named like C keywords and the state parameter': '(define (f int S self return) (let ((char 1) (goto 2)) (list int S self return char goto))) (print (f 1 2 3 4))',
  };
  for (const [name, src] of Object.entries(LOOKALIKES)) {
    it(name, () => {
      const c = compileToC(src, 'lookalike.omni');
      expect(collisions(c)).toEqual([]);
      const r = gccSyntax([writeC(c)]);
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
    });
  }
});

// ------------------------------------------------------------------ #line

/** For each line of `gcc -E` output, the (file, line) gcc attributes it to. */
function attribution(c: string): { text: string; file: string; line: number }[] {
  const r = run('gcc', ['-std=c99', '-E', '-I', INCLUDE, writeC(c)]);
  expect(r.status).toBe(0);
  const out: { text: string; file: string; line: number }[] = [];
  let file = '';
  let line = 0;
  for (const text of r.out.split('\n')) {
    const m = /^# (\d+) "((?:[^"\\]|\\.)*)"/.exec(text);
    if (m) {
      line = Number(m[1]);
      file = m[2].replace(/\\(.)/g, '$1');
      continue;
    }
    out.push({ text, file, line });
    line++;
  }
  return out;
}

describe('emit-c: #line directives', () => {
  const SRC = ['(define (f x)', '  (car x))', '', '(print', '  (f (list 1 2))', "  'done)", ''].join('\n');
  const FILE = 'src dir/prog"1.omni';

  it('name the source file and lines that exist in it, or the generated C for glue code', () => {
    const c = compileToC(SRC, FILE);
    const directives = c.split('\n').filter((l) => l.startsWith('#line'));
    expect(directives.length).toBeGreaterThan(3);
    for (const d of directives) {
      const m = /^#line (\d+) ("(?:[^"\\]|\\.)*")$/.exec(d);
      expect(m, d).not.toBeNull();
      const file = decodeC(m![2]);
      expect([FILE, FILE + '.c']).toContain(file);
      expect(Number(m![1])).toBeGreaterThanOrEqual(1);
      if (file === FILE) expect(Number(m![1])).toBeLessThanOrEqual(6);
    }
  });

  it('point each operation at the line of its form (as gcc sees them)', () => {
    const lines = attribution(compileToC(SRC, FILE));
    const at = (needle: RegExp) => {
      const l = lines.find((x) => needle.test(x.text));
      expect(l, String(needle)).toBeDefined();
      return [l!.file, l!.line];
    };
    expect(at(/omni_car_b\(S, v\d+_x\)/)).toEqual([FILE, 2]);
    expect(at(/= omni_cons\(S, /)).toEqual([FILE, 5]); // a short (list ...)
    expect(at(/v\d+_\w+ = omni_f\d+_f\(S, /)).toEqual([FILE, 5]);
    expect(at(/= omniP_print\(/)).toEqual([FILE, 4]);
  });

  it('never attribute generated code to lines past the end of the source', () => {
    const lines = attribution(compileToC(SRC, FILE));
    const count = SRC.split('\n').length - 1;
    const beyond = lines.filter((l) => l.file === FILE && l.line > count && l.text.trim() !== '');
    expect(beyond.slice(0, 5).map((l) => `${l.line}: ${l.text.trim()}`)).toEqual([]);
  });

  it('are left out when lines: false', () => {
    expect(compileToC(SRC, FILE, { lines: false })).not.toMatch(/^#line/m);
  });
});

// ------------------------------------------------------------------ C compilers

describe('emit-c: the output compiles with gcc, clang and tcc', () => {
  // The repository's corpus (test/conformance); when it is missing, every test here fails and names it.
  let cases: string[] = [];
  let missing: unknown = null;
  try {
    cases = caseFiles();
  } catch (e) {
    missing = e;
  }
  beforeEach(() => {
    if (missing) throw missing;
  });
  const files: string[] = [];
  const internalErrors: string[] = [];
  for (const f of cases) {
    let c: string;
    try {
      c = compileToC(fs.readFileSync(path.join(CONFORMANCE_DIR, f), 'utf8'), f);
    } catch (e) {
      if (!(e instanceof CompileError)) internalErrors.push(`${f}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      continue;
    }
    files.push(writeC(c, f.replace(/\.omni$/, '')));
  }

  it('the conformance corpus gives C files to compile, with no internal compiler error', () => {
    expect(internalErrors).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  it('gcc accepts every conformance program', () => {
    const r = gccSyntax(files);
    expect(r.out.split('\n').filter((l) => /error/.test(l)).slice(0, 20)).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('clang accepts every conformance program', () => {
    const r = clangSyntax(files);
    expect(r.out.split('\n').filter((l) => /error/.test(l)).slice(0, 20)).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('tcc compiles every conformance program', () => {
    const failures = files.map((f) => ({ f, r: tccCompile(f) })).filter(({ r }) => r.status !== 0);
    expect(failures.map(({ f, r }) => `${path.basename(f)}: ${r.out}`)).toEqual([]);
  });

  it('gcc -O2 and clang -O2 compile a few programs to object code', () => {
    const few = files.filter((f) => /closures-counters|tail-|match-|errors-caught|strings|dicts\.c/.test(path.basename(f))).slice(0, 8);
    expect(few.length).toBeGreaterThan(3);
    for (const cc of ['gcc', 'clang']) {
      for (const f of few) {
        const r = run(cc, ['-std=c99', '-O2', '-c', ...STRICT, '-I', INCLUDE, f, '-o', f.replace(/\.c$/, `.${cc}.o`)]);
        expect(r.status, `${cc} ${path.basename(f)}: ${r.out}`).toBe(0);
      }
    }
  });

  it('no conformance program has identifier collisions', () => {
    const problems = files.flatMap((f) => collisions(fs.readFileSync(f, 'utf8')).map((p) => `${path.basename(f)}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe('emit-c: the C grows linearly with the program (r7rs nucleic took gcc 106 s)', () => {
  const lines = (src: string) => compileToC(src, 'size.omni').split('\n').length;
  /** A call of a global procedure with n arguments, each a call that may raise. */
  const wideCall = (n: number) =>
    `(define (f . xs) (length xs))\n(define (g x) (car x))\n(define (h l) (f ${Array.from({ length: n }, () => '(g l)').join(' ')}))\n(print (h '(1)))`;

  it('the failure paths of a call with many raising arguments share their exits', () => {
    const base = lines(wideCall(0));
    const small = lines(wideCall(40)) - base;
    const large = lines(wideCall(160)) - base;
    // each argument adds a constant number of lines; repeated drops would make it quadratic
    expect(large / small).toBeLessThan(4.5);
  });

  it('quoted data is a table: a 20 000-element quoted list adds a few thousand lines, not one per cons', () => {
    const quoted = (n: number) => `(define data '(${Array.from({ length: n }, (_, i) => `(x ${i} "s${i}")`).join(' ')}))\n(print (length data))`;
    expect(lines(quoted(20_000)) - lines(quoted(1))).toBeLessThan(20_000);
  });
});

describe('backtrace records', () => {
  const source = '(define (inner x) (+ 1 (car x)))\n(define (outer y) (* 2 (inner y)))\n(print (outer (list 1)))\n';

  it('are made only on failure paths: every omniE_at sits right inside a check for OMNI_RAISED', () => {
    const lines = compileToC(source, 'bt.omni', { lines: false }).split('\n');
    const records = lines.flatMap((l, i) => (l.includes('omniE_at(') ? [i] : []));
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const i of records) expect(lines[i - 1]).toMatch(/^\s*if \(\w+ == OMNI_RAISED\) \{$/);
  });

  it('name each function and position once, in a static table after the code', () => {
    const c = compileToC(source, 'bt.omni', { lines: false });
    const table = c.slice(c.indexOf('static const OSite *omni_sites(void) {'));
    expect(table).toContain('{"inner", "bt.omni", 1, 24}');
    expect(table).toContain('{"outer", "bt.omni", 2, 24}');
    expect(table).toContain('{"<top level>", "bt.omni", 3, 8}');
  });

  it('name files as FrontEndOptions.fileNames says, macros included (the service hides its build directory)', () => {
    const dir = fs.mkdtempSync(path.join(TMP, 'build-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    // a macro that turns a compile-time backtrace into a literal, and a function that fails at run time
    fs.writeFileSync(path.join(dir, 'lib', 'leaky.omni'), '(defmacro where () (try (car 1) (fn (e) (car (error-backtrace e)))))\n(define (boom x) (car x))\n');
    const main = path.join(dir, 'main.omni');
    const options = { libPath: [path.join(dir, 'lib')], fileNames: [{ prefix: dir + path.sep, replacement: '' }] };
    const c = compileToC('(import leaky)\n(print (where))\n(boom 1)\n', main, {}, options);
    expect(c).not.toContain(dir);
    expect(c).toContain('{"boom", "lib/leaky.omni", 2, 18}');
    expect(c).toContain('#line 2 "main.omni"');
    expect(c).toContain('#line 2 "lib/leaky.omni"'); // an imported function's lines are its file's
    const exe = path.join(dir, 'prog');
    buildExecutable(c, exe);
    const r = spawnSync(exe, { encoding: 'utf8' });
    expect(r.stdout).toBe('at where (lib/leaky.omni:1:25)\n');
    expect(r.stderr).toBe('error: car: expected pair, got 1\n  at boom (lib/leaky.omni:2:18)\n  at <top level> (main.omni:3:1)\n');
  });
});

describe('reuse of a dead list by reverse', () => {
  it('relinks only a list the code does not use afterwards', () => {
    const dead = compileToC('(define (f x) (reverse (cons x nil)))\n(print (f 1))\n', 'r.omni', { lines: false });
    expect(dead).toMatch(/omniL_reverse_owned\(S, v\d+_cons\)/);
    const live = compileToC('(define (g x) (let ((l (cons x nil))) (cons (reverse l) l)))\n(print (g 1))\n', 'r.omni', { lines: false });
    expect(live).not.toContain('omniL_reverse_owned');
    expect(live).toContain('omniP_reverse(S,');
  });
});

/** The C text of the function whose name carries `name` (its definition up to the closing brace). */
function functionText(c: string, name: string): string {
  const start = c.search(new RegExp(`^static OValue omni_f\\d+_${name}\\(.*\\{$`, 'm'));
  expect(start, `no function ${name}`).toBeGreaterThanOrEqual(0);
  return c.slice(start, c.indexOf('\n}\n', start));
}

describe('fast paths of the generated code (issue 17)', () => {
  it('cons and the primitives the table marks inlineC are called through their omnilisp.h inline functions', () => {
    const c = compileToC(
      '(define (f v i x) (vector-set! v i (cons x (vector-ref v i))) (vector-length v))\n(print (f (make-vector 2 nil) 1 3))\n',
      'fp.omni',
      { lines: false },
    );
    const f = functionText(c, 'f');
    expect(f).toMatch(/omni_cons\(S, /);
    expect(f).toMatch(/omni_vector_ref\(S, /);
    expect(f).toMatch(/omni_vector_set\(S, /);
    expect(f).toMatch(/omni_vector_length\(S, /);
    expect(f).not.toMatch(/omniL_cons|omniP_vector_(ref|set_x|length)/);
    const div = functionText(compileToC('(define (gap x y) (/ (- x y) (/ x 2.0)))\n(print (gap 1.0 2.0))\n', 'fp.omni', { lines: false }), 'gap');
    expect(div).toMatch(/= omni_div\(S, v\d+_x, /); // x is still needed: the plain fast path
    expect(div).toMatch(/= omni_div_reuse\(S, (v\d+_x), (v\d+_x), \1\)/); // the difference dies: its box may be reused
    const call = functionText(compileToC('(define (g h x) (h x))\n(print (g car (list 1)))\n', 'fp.omni', { lines: false }), 'g');
    expect(call).toMatch(/omni_call\(S, v\d+_h, 1, /);
    expect(call).not.toContain('omniF_call');
  });

  it('fixnum arithmetic and comparisons try the fixnum case first; only the rest is called and checked for an error', () => {
    const f = functionText(compileToC('(define (f n) (if (< n 2) n (* n (f (- n 1)))))\n(print (f 5))\n', 'fx.omni', { lines: false }), 'f');
    for (const fix of ['omni_lt_fix', 'omni_sub_fix', 'omni_mul_fix']) {
      const m = new RegExp(`if \\(!${fix}\\((v\\d+_\\w+), [^,]+, &(v\\d+_\\w+)\\)\\) \\{\\n\\s+\\2 = omni_\\w+\\(S, \\1, [^\\n]+;\\n\\s+if \\(\\2 == OMNI_RAISED\\)`).exec(f);
      expect(m, `${fix} guarding the full operation and its check:\n${f}`).not.toBeNull();
    }
  });

  it('an accumulate-and-reverse loop allocates N cells, not 2N: reverse relinks the dead list (slabs counted by OMNI_STATS)', () => {
    const n = 200_000;
    const slabKiB = (keep: boolean) => {
      const tail = keep ? '(let ((r (reverse acc))) (+ (car r) (length acc)))' : '(car (reverse acc))';
      const src = `(define (build n) (let loop ((i 0) (acc '())) (if (= i n) ${tail} (loop (+ i 1) (cons i acc)))))\n(print (build ${n}))\n`;
      const exe = path.join(TMP, keep ? 'acc-kept' : 'acc-dead');
      buildExecutable(compileToC(src, 'acc.omni'), exe, { cc: 'gcc', opt: 2, static: false, sanitize: 'none' });
      const r = spawnSync(exe, { encoding: 'utf8', env: { ...process.env, OMNI_STATS: '1' } });
      expect(r.stdout).toBe(keep ? `${n}\n` : '0\n');
      const m = /omnilisp: (\d+) KiB in small-object slabs/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      return Number(m![1]);
    };
    const cellKiB = (n * 24) / 1024; // an OPair is 24 bytes
    const dead = slabKiB(false);
    const kept = slabKiB(true);
    expect(dead).toBeGreaterThan(cellKiB);
    expect(dead).toBeLessThan(cellKiB * 1.3); // N cells (and the slabs' slack)
    expect(kept).toBeGreaterThan(cellKiB * 2); // a list still in use is copied: 2N
  });

  it('a short (list ...) is nested conses that take over the values dying there; a long one calls the primitive', () => {
    const c = compileToC('(define (f x y) (list x (car y) 3))\n(define (g x) (list x x x x x x x x x))\n(print (f 1 (list 2)) (g 0))\n', 'l.omni', { lines: false });
    const f = functionText(c, 'f');
    expect(f).toMatch(/omni_cons\(S, v\d+_x, omni_cons\(S, omni_dup\(v\d+_car\), omni_cons\(S, omni_mkint\(INT64_C\(3\)\), OMNI_NIL\)\)\)/);
    expect(f.slice(f.indexOf('_list = omni_cons'))).not.toMatch(/omni_drop\(S, v\d+_x\)/); // x moved into its cell
    expect(functionText(c, 'g')).toMatch(/omniP_list\(S, 9, /);
  });

  it('a loop that only reads the list it walks does no reference counting on it (a borrowed parameter)', () => {
    const src = `(define (ok? row dist placed)
  (if (null? placed) #t
      (and (not (= (car placed) (+ row dist))) (ok? row (+ dist 1) (cdr placed)))))
(print (ok? 1 1 (list 5 6 7)))
`;
    const ok = functionText(compileToC(src, 'q.omni', { lines: false }), 'ok');
    const placed = ok.match(/OValue (v\d+_placed)\)/)![1];
    expect(ok).toContain('goto omni_top;');
    expect(ok).not.toContain(`omni_drop(S, ${placed})`);
    expect(ok).not.toMatch(/omni_dup\(v\d+_cdr\)/);
    // built with gcc -O2 it prints what the interpreter prints
    const exe = path.join(TMP, 'borrowed-loop');
    buildExecutable(compileToC(src, 'q.omni'), exe, { cc: 'gcc', opt: 2, static: false, sanitize: 'none' });
    expect(spawnSync(exe, { encoding: 'utf8' }).stdout).toBe(interpretSource(src).stdout);
  });
});
