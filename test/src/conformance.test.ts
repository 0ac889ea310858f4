// Every case of the conformance corpus (test/conformance), the project's own cases (test/cases,
// test/violet), the r7rs-benchmarks ports (test/r7rs) and the examples, in every execution mode,
// one test per case. A missing folder of
// cases fails the file with its name (listCases), never an empty, passing run.
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, MODES, PROJECT_CASES_DIR, R7RS_DIR, VIOLET_CASES_DIR, listCases, runCase } from './conformance.js';

const cases = [
  ...listCases().map((c) => [c.name, c] as const),
  ...listCases(PROJECT_CASES_DIR).map((c) => [`project/${c.name}`, c] as const),
  ...listCases(VIOLET_CASES_DIR).map((c) => [`violet/${c.name}`, c] as const),
  ...listCases(R7RS_DIR).map((c) => [`r7rs/${c.name}`, c] as const),
  ...listCases(EXAMPLES_DIR).map((c) => [`examples/${c.name}`, c] as const),
];

describe.each(Object.keys(MODES).filter((m) => MODES[m].everyCase !== false))('conformance (%s)', (mode) => {
  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(100);
  });
  it.concurrent.each(cases)('%s', async (_name, c) => {
    const r = await runCase(c, mode);
    expect(r.problems, r.problems.join('\n')).toEqual([]);
  });
});
