// Derives the runtime's view of the primitive table: the prototypes in omnilisp.h and the
// generated runtime/src/primtab.c (one immortal procedure object per primitive, whose entry
// checks the arity and calls the implementation). Run by `node compiler/dist/backend/gen-runtime.js`.
import { type Primitive, primitives } from '../primitives.js';

/** Fixed-arity primitives take positional arguments; the others take (argc, argv). */
export function isPositional(p: Primitive): boolean {
  return p.max !== null && p.min === p.max;
}

/** C string literal for a primitive or procedure name (names may hold any character). */
export function cString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9 _.,:;!<>=+\-*/%&|^~(){}[\]#@$]/.test(c) && c !== '?') out += c;
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out + '"';
}

export function prototype(p: Primitive): string {
  const params = isPositional(p)
    ? ['OState *S', ...p.args.map((_, i) => `OValue a${i}`)]
    : ['OState *S', 'int argc', 'OValue *argv'];
  return `OValue ${p.cname}(${params.join(', ')});`;
}

/** Name of the immortal procedure object of a primitive. */
export function primitiveObject(p: Primitive): string {
  return p.cname.replace(/^omniP_/, 'omniK_');
}

export function headerSection(): string {
  const lines = [
    '/* Every primitive borrows its arguments and returns an owned value or OMNI_RAISED. */',
    ...primitives.map(prototype),
    '',
    '/* The primitives as first-class procedures (immortal). */',
    ...primitives.filter((p) => !p.internal).map((p) => `extern OClosure ${primitiveObject(p)};`),
  ];
  return lines.join('\n');
}

function entry(p: Primitive): string {
  const max = p.max === null ? -1 : p.max;
  const call = isPositional(p)
    ? `${p.cname}(S${p.args.map((_, i) => `, argv[${i}]`).join('')})`
    : `${p.cname}(S, argc, argv)`;
  const arityTest = max === -1 ? `argc < ${p.min}` : p.min === max ? `argc != ${p.min}` : `argc < ${p.min} || argc > ${max}`;
  const name = cString(p.name);
  return [
    `static OValue ${primitiveObject(p)}_entry(OState *S, OClosure *self, int argc, OValue *argv) {`,
    '  OValue r;',
    '  (void)self;',
    `  if (${arityTest}) {`,
    '    omniF_drop_args(S, argc, argv);',
    `    return omniE_arity(S, ${name}, ${p.min}, ${max}, argc);`,
    '  }',
    `  r = ${call};`,
    '  omniF_drop_args(S, argc, argv);',
    '  return r;',
    '}',
    `OClosure ${primitiveObject(p)} = {{0, OT_CLOSURE, OF_IMMORTAL, 0}, ${primitiveObject(p)}_entry, ${name}, ${p.min}, ${max}, 0};`,
  ].join('\n');
}

export function primtabSource(): string {
  return [
    '/* primtab.c — GENERATED from compiler/src/primitives.ts by compiler/src/backend/gen-runtime.ts; do not edit. */',
    '#include "omnilisp.h"',
    '',
    ...primitives.filter((p) => !p.internal).map(entry),
    '',
  ].join('\n');
}

const BEGIN = '/* BEGIN GENERATED PRIMITIVES */';
const END = '/* END GENERATED PRIMITIVES */';

/** The header text with its generated section replaced by the current table. */
export function updateHeader(header: string): string {
  const start = header.indexOf(BEGIN);
  const end = header.indexOf(END);
  if (start < 0 || end < start) throw new Error('omnilisp.h: generated-section markers not found');
  return header.slice(0, start + BEGIN.length) + '\n' + headerSection() + '\n' + header.slice(end);
}

/**
 * Every runtime symbol generated code may reference, read off the header's declarations
 * (functions and extern variables, not the static inline helpers): the JIT host hands each one
 * to libtcc with tcc_add_symbol.
 */
export function runtimeSymbols(header: string): string[] {
  const names = new Set<string>();
  for (const raw of header.split('\n')) {
    if (/^(static|typedef|#|\s|\/\*|\*)/.test(raw) || raw.trim() === '') continue;
    const line = raw.replace(/\/\*.*?\*\/\s*$/, '').trimEnd();
    const ext = /^extern\b.*?(?:\(\*\s*(omni\w+)\)|\b(omni\w+)\s*;)/.exec(line);
    if (ext) {
      names.add(ext[1] ?? ext[2]);
      continue;
    }
    const fn = /\b(omni[A-Za-z]*_\w+)\s*\(/.exec(line);
    if (fn && line.trimEnd().endsWith(');')) names.add(fn[1]);
  }
  return [...names].sort();
}

export function symtabSource(header: string): string {
  return [
    '/* symtab.c — GENERATED from runtime/include/omnilisp.h by compiler/src/backend/gen-runtime.ts; do not edit. */',
    '#include "omnilisp.h"',
    '',
    'typedef struct OJitSymbol {',
    '  const char *name; /* C symbol */',
    '  void *addr;       /* its address in this process */',
    '} OJitSymbol;',
    '',
    'const OJitSymbol omniJ_symbols[] = {',
    ...runtimeSymbols(header).map((n) => `  {"${n}", (void *)&${n}},`),
    '  {0, 0},',
    '};',
    '',
  ].join('\n');
}
