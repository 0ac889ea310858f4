// Internal compiler errors: an unexpected exception in a pass becomes an InternalCompilerError at
// the innermost form being compiled; compile errors and JavaScript stack overflows (retried on a
// big stack) pass through unchanged.
import { describe, expect, it } from 'vitest';
import type { Node } from './ast.js';
import { lowerProgram } from './backend/lower.js';
import { CompileError, InternalCompilerError, asCompilerError, compilingAt } from './errors.js';
import { Interpreter } from './interp/interpreter.js';
import { MemoryHost } from './interp/memory-host.js';
import { frontEnd } from './pipeline.js';

const at = { file: 'p.omni', line: 3, col: 7 };

describe('asCompilerError', () => {
  it('locates an unexpected exception at the form, keeping its message and stack', () => {
    const e = asCompilerError(new TypeError("Cannot read properties of undefined (reading 'k')"), at);
    expect(e).toBeInstanceOf(InternalCompilerError);
    expect((e as InternalCompilerError).message).toBe("p.omni:3:7: internal compiler error: Cannot read properties of undefined (reading 'k')");
    expect((e as InternalCompilerError).internalStack).toMatch(/^TypeError: Cannot read/);
  });

  it('leaves compile errors, deeper internal errors and stack overflows as they are', () => {
    const compileError = new CompileError(at, 'unbound variable: x');
    const deeper = new InternalCompilerError({ ...at, line: 9 }, 'deeper', '');
    let overflow: unknown;
    const recurse = (n: number): number => recurse(n + 1) + 1;
    try {
      recurse(0);
    } catch (e) {
      overflow = e;
    }
    for (const e of [compileError, deeper, overflow]) expect(asCompilerError(e, at)).toBe(e);
    expect(asCompilerError(new RangeError('Invalid array length'), at)).toBeInstanceOf(InternalCompilerError);
  });

  it('compilingAt returns the value or throws the located error', () => {
    expect(compilingAt(at, () => 42)).toBe(42);
    expect(() => compilingAt(at, () => JSON.parse('{'))).toThrow(/^p\.omni:3:7: internal compiler error: /);
  });
});

describe('a failing pass names the innermost form', () => {
  it('lowering a reference to a local with no storage (the bug class of issue 15) is reported at that reference', () => {
    const src = '(define (f x)\n  (let ((y 1))\n    (+ x y)))\n(print (f 2))\n';
    const { program } = frontEnd(src, 'p.omni', new Interpreter(new MemoryHost()));
    // detach the reference to y from its binding, as a broken earlier pass would
    const walk = (n: Node): void => {
      if (n.k === 'ref' && n.name.name === 'y' && n.var) n.var = { ...n.var };
      for (const v of Object.values(n)) {
        if (Array.isArray(v)) v.forEach((c) => c && typeof c === 'object' && 'k' in c && walk(c as Node));
        else if (v && typeof v === 'object' && 'k' in v && 'loc' in v) walk(v as Node);
      }
    };
    program.forms.forEach((f) => walk(f.node));
    expect(() => lowerProgram(program.forms, program.rebound, 'p.omni')).toThrow('p.omni:3:10: internal compiler error: no storage for the local y in f');
  });
});
