// The core AST back as OmniLisp text: what the REPL's `,expand` shows of an input after macro
// expansion. The output reads back as the same core forms (constants that are not
// self-evaluating are quoted).
import type { Node } from './ast.js';
import { printValue } from './printer.js';
import { Dict, Pair, Sym, type Value } from './values.js';

/** Symbols, lists, vectors and dicts are quoted: unquoted, they would be evaluated. */
function constant(v: Value): string {
  const text = printValue(v, true);
  return v instanceof Sym || v instanceof Pair || Array.isArray(v) || v instanceof Dict ? `'${text}` : text;
}

function bindings(names: readonly Sym[], inits: readonly Node[]): string {
  return `(${names.map((n, i) => `(${n.name} ${unparse(inits[i])})`).join(' ')})`;
}

/** One core form as text, on one line. */
export function unparse(n: Node): string {
  switch (n.k) {
    case 'const':
      return constant(n.value);
    case 'ref':
      return n.name.name;
    case 'set':
      return `(set! ${n.name.name} ${unparse(n.value)})`;
    case 'define':
      return `(define ${n.name.name} ${unparse(n.value)})`;
    case 'if':
      return `(if ${unparse(n.test)} ${unparse(n.then)} ${unparse(n.else)})`;
    case 'lambda': {
      const fixed = n.params.map((p) => p.name).join(' ');
      const params = n.rest === null ? `(${fixed})` : fixed ? `(${fixed} . ${n.rest.name})` : n.rest.name;
      return `(lambda ${params} ${unparse(n.body)})`;
    }
    case 'seq':
      return `(do ${n.body.map(unparse).join(' ')})`;
    case 'call':
      return `(${[n.fn, ...n.args].map(unparse).join(' ')})`;
    case 'prim':
      return `(${[n.name, ...n.args.map(unparse)].join(' ')})`;
    case 'let':
      return `(let ${bindings(n.names, n.inits)} ${unparse(n.body)})`;
    case 'letrec':
      return `(letrec* ${bindings(n.names, n.inits)} ${unparse(n.body)})`;
    case 'try':
      return `(try ${unparse(n.body)} ${unparse(n.handler)})`;
  }
}
