// The interpreter's strings index by code point in O(1) per call, as the native runtime does: a
// loop of string-ref / string-length / substring over a long string scans it once, not once per
// call. Measured by the work meter (work.ts), which charges every char a builtin scans, so the test
// counts work rather than timing it.
import { describe, expect, it } from 'vitest';
import { frontEnd, lazyCompileTimeEvaluator } from '../pipeline.js';
import { interpretSource } from './memory-host.js';

/** Compile-time steps of a macro that calls `op` 2000 times on a string of n chars. */
function steps(n: number, op: string): number {
  const src = `(defmacro m ()
    (let ((s (string-append (string-repeat "ab" ${n / 2}) "")))
      (let loop ((i 0) (acc 0))
        (if (= i 2000) acc (loop (+ i 1) (+ acc (let ((x ${op})) 1)))))))
    (print (m))`;
  return frontEnd(src, 'strings.omni', lazyCompileTimeEvaluator()).usage.steps;
}

describe('interpreter strings: code-point indexing is O(1) per call', () => {
  it.each([
    ['string-ref', '(string-ref s (* i 7))'],
    ['string-length', '(string-length s)'],
    ['substring', '(substring s (* i 7) (+ (* i 7) 3))'],
  ])('%s: 2000 calls on 400 000 chars cost about what they cost on 40 000', (_name, op) => {
    const small = steps(40_000, op);
    const large = steps(400_000, op);
    // one scan of 360 000 more chars is about 1400 steps; a scan per call would be millions
    expect(large - small).toBeLessThan(5_000);
  });

  it('indexes strings with characters outside the BMP by code point', () => {
    const out = interpretSource(`
      (define u (string-append (string-repeat "añ😀" 100) "z"))
      (print (string-length u) (string-ref u 2) (string-ref u 299) (string-ref u 300) (substring u 298 301))
      (print (string-length "😀😀") (substring "x😀y" 1 2) (string-ref "x😀y" 2))`);
    expect(out.stdout).toBe('301 😀 😀 z ñ😀z\n2 😀 y\n');
  });
});
