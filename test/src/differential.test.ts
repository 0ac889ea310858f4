// Differential test: generated programs (program-generator.ts) must give the same standard
// output, exit status and first line of standard error in the reference interpreter and as
// native executables built with gcc; every 4th program is also built with --sanitize and must
// run without any AddressSanitizer/UndefinedBehaviorSanitizer/LeakSanitizer report.
//
// A failure names the seed and shows the whole program; reproduce with
//   node test/dist/run-differential.js SEED
// and explore beyond this fixed list with `node test/dist/run-differential.js --from 1 --count 500`.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSeed, defaultJobs, ensureRuntime, formatMismatch, semaphore } from './differential.js';
import { FEATURE_MARKERS, GENERATOR_FEATURES, generateProgram } from './program-generator.js';

/** Seeds 1..60 at the default size together exercise every feature of the generator (checked below). */
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);
const SIZE = 14;
const SANITIZE_EVERY = 4;

/** C builds are CPU-bound: a small pool, whatever vitest's test concurrency. */
const buildLimit = semaphore(Math.min(2, defaultJobs()));

describe('differential: interpreter vs native (gcc)', () => {
  beforeAll(() => {
    // Build the release and sanitized runtime libraries once, before concurrent builds need them.
    ensureRuntime(true);
  });

  it('the fixed seeds cover every generator feature', () => {
    const texts = SEEDS.map((seed) => generateProgram(seed, SIZE));
    const missing = GENERATOR_FEATURES.filter((f) => !texts.some((t) => FEATURE_MARKERS[f].test(t)));
    expect(missing).toEqual([]);
  });

  it.concurrent.each(SEEDS.map((seed, index) => [seed, index % SANITIZE_EVERY === 0] as const))(
    'seed %i (sanitized: %s)',
    async (seed, sanitize) => {
      const r = await checkSeed(seed, { size: SIZE, sanitize, buildLimit });
      expect(r.problems, formatMismatch(r)).toEqual([]);
    },
  );
});
