// The program reducer (reduce.ts) against synthetic predicates: it keeps the predicate true,
// shrinks programs to what the predicate needs, keeps surface syntax, and honours its budget.
import { describe, expect, it } from 'vitest';
import { generateProgram } from './program-generator.js';
import { flat, parse, print, reduce, size } from './reduce.js';

const PROGRAM = `; a program with one "bug": (boom) misbehaves only when v is defined
(define xs (list 1 2 3 4 5))
(define v [10 20 30])
(define d #{:a 1 :b "two"})
(define (f a b)
  (define (helper y) (* y 2))
  (let ((k (+ a b)))
    (print "k is" k 'sym \`(1 ,k ,@xs))
    (helper (boom (vector-ref v (+ 1 1)) "str \\" with ) inside" #\\( #\\space))))
(print (f 1 2) (map (lambda (x) (* x x)) xs))
#| block
   comment |#
(print "done" #;(ignored datum) 42)
`;

/** Interesting: a (boom ...) call is still there, somewhere after a define of v. */
const interesting = (p: string): boolean => /\(define v /.test(p) && /\(boom\b/.test(p.slice(p.indexOf('(define v ')));

describe('reducer', () => {
  it('reads and prints programs keeping their surface syntax (comments dropped)', () => {
    const forms = parse(PROGRAM);
    expect(forms).toHaveLength(6);
    const text = print(forms);
    expect(text).toContain('[10 20 30]');
    expect(text).toContain('#{:a 1 :b "two"}');
    expect(text).toContain("'sym `(1 ,k ,@xs)");
    expect(text).toContain('"str \\" with ) inside" #\\( #\\space');
    expect(text).not.toContain('comment');
    expect(text).not.toContain('ignored');
    // Printing is stable: what it prints reads back to the same forms.
    expect(print(parse(text))).toBe(text);
    expect(parse(text).map(flat)).toEqual(forms.map(flat));
    expect(() => parse('(a (b)')).toThrow(/unterminated/);
    expect(() => parse('(a))')).toThrow(/unexpected/);
  });

  it('reduces a program to what a synthetic predicate needs', async () => {
    expect(interesting(PROGRAM)).toBe(true);
    const seen: string[] = [];
    const r = await reduce(PROGRAM, (p) => {
      seen.push(p);
      return interesting(p);
    });
    expect(r.stopped).toBe('done');
    expect(interesting(r.program)).toBe(true);
    // Everything but the define of v and one (boom) after it goes; what is left is as small as it gets.
    expect(r.program).toBe('(define v 0)\n(boom)\n');
    expect(r.tests).toBe(seen.length);
    expect(new Set(seen).size).toBe(seen.length); // no candidate is tried twice
    expect(r.steps).toBeGreaterThan(3);
  });

  it('keeps the kind of thing the predicate looks for, deep inside an expression', async () => {
    // Interesting: some (vector-ref ...) of a vector literal with at least 2 elements remains.
    const pred = (p: string) => /\(vector-ref \[\S+ \S+[^\]]*\]/.test(p);
    const src = '(define n 5)\n(print (+ n (* 2 (vector-ref [1 2 3] (modulo n 3)))) "x")\n(print n)\n';
    const r = await reduce(src, pred);
    expect(pred(r.program)).toBe(true);
    expect(r.program).toBe('(vector-ref [0 0])\n');
  });

  it('reduces a generated program against a predicate on its text', async () => {
    const src = generateProgram(3);
    const pred = (p: string) => p.includes('(print') && p.includes('"done"');
    const r = await reduce(src, pred);
    expect(r.program).toBe('(print "done")\n');
    expect(size(parse(r.program))).toBeLessThan(size(parse(src)));
  });

  it('returns the original when the predicate does not hold for it, or when it cannot be read', async () => {
    expect(await reduce(PROGRAM, () => false)).toMatchObject({ program: PROGRAM, stopped: 'not-interesting', tests: 1 });
    expect(await reduce('(print (', () => true)).toMatchObject({ program: '(print (', stopped: 'unparsable', tests: 0 });
  });

  it('stops at its budget of tests and time, with an interesting program', async () => {
    const src = generateProgram(5);
    const pred = (p: string) => p.includes('(define');
    const r = await reduce(src, pred, { maxTests: 10 });
    expect(r.stopped).toBe('max-tests');
    expect(r.tests).toBe(10);
    expect(pred(r.program)).toBe(true);
    const slow = await reduce(src, async (p) => (await new Promise((res) => setTimeout(res, 40)), pred(p)), { timeLimitMs: 100 });
    expect(slow.stopped).toBe('time-limit');
    expect(slow.ms).toBeLessThan(1000);
  });

  it('works with an async predicate and reports progress', async () => {
    const progress: string[] = [];
    const r = await reduce(PROGRAM, async (p) => interesting(p), { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBe(r.steps);
    expect(progress.at(-1)).toBe(r.program);
  });
});
