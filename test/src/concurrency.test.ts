// The concurrent programs (the corpus's threads-* cases, program-bank-atoms, and the project's
// conc-* cases) built with ThreadSanitizer: exact output and not one race report. (The other
// native modes, ASan/LSan included, run them with every other case in conformance.test.ts.)
import { describe, expect, it } from 'vitest';
import { PROJECT_CASES_DIR, listCases, runCase } from './conformance.js';

const concurrent = [
  ...listCases().filter((c) => c.name.startsWith('threads-') || c.name === 'program-bank-atoms'),
  ...listCases(PROJECT_CASES_DIR).filter((c) => c.name.startsWith('conc-')),
];

describe('concurrency under ThreadSanitizer', () => {
  it('finds the concurrent cases', () => {
    expect(concurrent.length).toBeGreaterThanOrEqual(9);
  });
  it.concurrent.each(concurrent.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await runCase(c, 'aot-tsan');
    expect(r.problems, r.problems.join('\n')).toEqual([]);
  });
});
