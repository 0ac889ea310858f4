// Differential test: generated programs (program-generator.ts) must give the same standard
// output, exit status and first line of standard error in the reference interpreter, through
// the JIT (tcc) and as native executables built with gcc -O0; every 6th program is also built
// with gcc -O2, and every 6th (others) with --sanitize, which must run without any
// AddressSanitizer/UndefinedBehaviorSanitizer/LeakSanitizer report.
//
// A failure names the seed and shows the whole program; reproduce (and reduce) it with
//   npm run fuzz -- --modes jit,O0,O2,asan SEED
// and explore beyond this fixed list with `npm run fuzz -- --seed 1 --count 10000` (fuzz.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { type DiffResult, checkProgram, checkSeed, defaultJobs, ensureRuntime, formatMismatch, modesFor, semaphore } from './differential.js';
import { FEATURE_MARKERS, GENERATOR_FEATURES, generateProgram } from './program-generator.js';

/** Seeds 1..60 at the default size together exercise every feature of the generator (checked below). */
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);
const SIZE = 14;
const O2_EVERY = 6;
const SANITIZE_EVERY = 6;
const CASES = SEEDS.map((seed, index) => ({ seed, modes: modesFor(index, O2_EVERY, SANITIZE_EVERY) }));

// The tests run one after another, in seed order, but each program is checked ahead of its test:
// up to IN_FLIGHT programs at once (interpreter runs and executables overlap the builds), of
// which at most BUILDS are compiling C (CPU-bound). Independent of vitest's own concurrency.
const BUILDS = Math.min(2, defaultJobs());
const IN_FLIGHT = 2 * BUILDS;
const buildLimit = semaphore(BUILDS);
const programLimit = semaphore(IN_FLIGHT);
const started = new Map<number, Promise<DiffResult>>();

function start(i: number): void {
  if (i >= CASES.length || started.has(i)) return;
  const { seed, modes } = CASES[i];
  const p = programLimit(() => checkSeed(seed, { size: SIZE, modes, buildLimit }));
  p.catch(() => undefined); // reported by the test that awaits it
  started.set(i, p);
}

/** The result of case i, starting it and the next few cases if not already under way. */
function result(i: number): Promise<DiffResult> {
  for (let k = i; k <= i + IN_FLIGHT; k++) start(k);
  return started.get(i)!;
}

describe('differential: interpreter vs JIT (tcc) vs native (gcc -O0, -O2, sanitized)', () => {
  beforeAll(() => {
    // Build the release and sanitized runtime libraries once, before concurrent builds need them.
    ensureRuntime(true);
  });

  it('the fixed seeds cover every generator feature', () => {
    const texts = SEEDS.map((seed) => generateProgram(seed, SIZE));
    const missing = GENERATOR_FEATURES.filter((f) => !texts.some((t) => FEATURE_MARKERS[f].test(t)));
    expect(missing).toEqual([]);
  });

  it('reports a disagreement by mode and kind, and compile errors as agreeing outcomes', async () => {
    // The clock differs between two runs: a stdout disagreement of the JIT (no gcc needed here).
    const clock = await checkProgram(0, '(print (current-time-ms))\n', { modes: ['jit'] });
    expect(clock.kinds).toEqual(['jit-tcc:stdout']);
    expect(formatMismatch(clock)).toContain('jit-tcc: stdout differs');
    // A compile-time error is reported the same way by the interpreter and the C back end.
    const unbound = await checkProgram(0, '(print 1)\n(print (no-such-procedure 2))\n', { modes: ['jit'] });
    expect(unbound.interp.status).toBe(1);
    expect(unbound.interp.stderr).toMatch(/unbound variable: no-such-procedure/);
    expect(unbound.kinds).toEqual([]);
    // The plan: jit and -O0 always, -O2 and sanitized builds on their fractions.
    expect(modesFor(0, 4, 4)).toEqual(['jit', 'O0', 'asan']);
    expect(modesFor(2, 4, 4)).toEqual(['jit', 'O0', 'O2']);
    expect(modesFor(1, 0, 0)).toEqual(['jit', 'O0']);
  });

  it.each(CASES.map(({ seed, modes }, i) => [seed, modes.join(','), i] as const))('seed %i (%s)', async (_seed, _modes, i) => {
    const r = await result(i);
    expect(r.problems, formatMismatch(r)).toEqual([]);
  });
});
