import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR, caseFiles } from '../../test/src/conformance.js';
import { Expander } from './expander.js';
import { lazyCompileTimeEvaluator } from './pipeline.js';
import { primitiveByName, primitiveSignature } from './primitives.js';
import { readProgram } from './reader.js';
import { unparse } from './unparse.js';

const expand = (source: string) => new Expander({ libPath: [], evaluator: lazyCompileTimeEvaluator() }).expandProgram(readProgram(source, 'u.omni'));

describe('unparse', () => {
  it('prints core forms that read back as the same core forms (every corpus program without imports)', () => {
    let checked = 0;
    for (const f of caseFiles()) {
      const source = fs.readFileSync(path.join(CONFORMANCE_DIR, f), 'utf8');
      if (source.includes('(import')) continue;
      let once: string;
      try {
        once = expand(source).map(unparse).join('\n');
      } catch {
        continue; // cases whose point is a compile-time error
      }
      expect(expand(once).map(unparse).join('\n'), f).toBe(once);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('quotes symbols and lists, and prints rest parameters', () => {
    expect(expand("(define (f a . r) (list 'x '(1 2) \"s\" r))").map(unparse)).toEqual(["(define f (lambda (a . r) (list 'x '(1 2) \"s\" r)))"]);
    expect(expand('(fn args args)').map(unparse)).toEqual(['(lambda args args)']);
  });
});

describe('primitiveSignature', () => {
  it('shows required, optional and repeated arguments from the table', () => {
    const sig = (n: string) => primitiveSignature(n, primitiveByName.get(n)!);
    expect(sig('car')).toBe('(car pair)');
    expect(sig('substring')).toBe('(substring string int [int])');
    expect(sig('+')).toBe('(+ number...)');
    expect(sig('error')).toBe('(error any any...)');
  });
});
