// Self-test of the random program generator used by differential testing (interpreter vs
// native code): its programs are deterministic, well formed, run in the reference interpreter
// to a normal exit or a spec-shaped uncaught error, and together cover GENERATOR_FEATURES.
import { describe, expect, it } from 'vitest';
import { interpretSource } from '../../compiler/src/interp/memory-host.js';
import { FEATURE_MARKERS, GENERATOR_FEATURES, generateProgram } from './program-generator.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a program in the reference interpreter with an in-memory host; JS exceptions propagate. */
function run(source: string): Outcome {
  return interpretSource(source);
}

/** An uncaught error: its first line, then its backtrace (LANGUAGE.md §5). */
const UNCAUGHT = /^error: [^\n]*\n( {2}(at [^\n]+ \([^\n]+:\d+:\d+\)( in thread \d+)?|\.\.\. [\d ]+ more frames?( of [^\n]+)?)\n)*$/;

/** What is wrong with an outcome (null when it is a normal exit or a spec-shaped uncaught error). */
function problem(o: Outcome): string | null {
  if (o.status === 0) return o.stderr === '' ? null : `status 0 but stderr ${JSON.stringify(o.stderr)}`;
  if (o.status !== 1) return `status ${o.status}`;
  if (!UNCAUGHT.test(o.stderr)) return `stderr is not one "error: ..." line and a backtrace: ${JSON.stringify(o.stderr)}`;
  // Generated programs recurse at most ~1000 deep: a stack overflow would be a generator bug.
  if (o.stderr.startsWith('error: stack overflow')) return 'stack overflow';
  return null;
}

const programs = new Map<number, string>();
const outcomes = new Map<number, Outcome>();
const program = (seed: number): string => {
  if (!programs.has(seed)) programs.set(seed, generateProgram(seed));
  return programs.get(seed)!;
};
/** The outcome of every program of SEEDS (computed once; internal exceptions propagate). */
const allOutcomes = (): Map<number, Outcome> => {
  for (const seed of SEEDS) if (!outcomes.has(seed)) outcomes.set(seed, run(program(seed)));
  return outcomes;
};

describe('program generator', () => {
  it('is deterministic: the same seed gives the same text', () => {
    for (const seed of SEEDS) expect(generateProgram(seed)).toBe(program(seed));
    expect(generateProgram(7, 30)).toBe(generateProgram(7, 30));
    // ...and different seeds give different programs.
    expect(new Set(SEEDS.map(program)).size).toBe(SEEDS.length);
  });

  it('keeps programs to about 20-80 lines', () => {
    for (const seed of SEEDS) {
      const lines = program(seed).trimEnd().split('\n').length;
      expect(lines, `seed ${seed}`).toBeGreaterThanOrEqual(20);
      expect(lines, `seed ${seed}`).toBeLessThanOrEqual(80);
    }
  });

  it('never uses nondeterministic or libm-dependent primitives', () => {
    const banned = /\((?:random|random-seed!|current-time-ms|getenv|command-line|read-line|spawn|channel|join|sqrt|exp|log|sin|cos|tan|atan|expt|eq\?|gensym) /;
    for (const seed of SEEDS) expect(program(seed), `seed ${seed}`).not.toMatch(banned);
  });

  it('every program runs in the interpreter to exit 0 or one spec-shaped uncaught error, twice the same', () => {
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const source = program(seed);
      let first: Outcome;
      let second: Outcome;
      try {
        first = run(source);
        second = run(source);
      } catch (e) {
        failures.push(`seed ${seed}: internal exception ${(e as Error).stack ?? String(e)}`);
        continue;
      }
      outcomes.set(seed, first);
      const p = problem(first);
      if (p !== null) failures.push(`seed ${seed}: ${p}\n${source}`);
      else if (JSON.stringify(first) !== JSON.stringify(second)) failures.push(`seed ${seed}: two runs differ`);
    }
    expect(failures).toEqual([]);
  });

  it('most programs finish normally, and some end in an uncaught error', () => {
    const all = allOutcomes();
    const ok = [...all.values()].filter((o) => o.status === 0).length;
    const ratio = ok / SEEDS.length;
    expect(ratio).toBeGreaterThanOrEqual(0.7);
    // The uncaught-error path is compared too, so it must be exercised.
    expect(ratio).toBeLessThanOrEqual(0.97);
    // Programs print something worth comparing.
    for (const [seed, o] of all) expect(o.stdout.length, `seed ${seed}`).toBeGreaterThan(0);
  });

  it('covers every feature in GENERATOR_FEATURES across seeds 1..200', () => {
    expect(GENERATOR_FEATURES.length).toBeGreaterThan(50);
    const texts = SEEDS.map(program);
    const missing = GENERATOR_FEATURES.filter((f) => !texts.some((t) => FEATURE_MARKERS[f].test(t)));
    expect(missing).toEqual([]);
    // Uncaught errors come in several kinds, including overflow of the 62-bit ints.
    const kinds = new Set([...allOutcomes().values()].filter((o) => o.status === 1).map((o) => o.stderr.slice('error: '.length).split(/[: ]/)[0]));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  });

  it('honours the size parameter and stays well formed at other sizes', () => {
    const lines = (s: string) => s.trimEnd().split('\n').length;
    let small = 0;
    let large = 0;
    for (let seed = 1000; seed < 1020; seed++) {
      const a = generateProgram(seed, 4);
      const b = generateProgram(seed, 40);
      small += lines(a);
      large += lines(b);
      for (const source of [a, b]) expect(problem(run(source)), source).toBeNull();
    }
    expect(large).toBeGreaterThan(small);
  });
});
