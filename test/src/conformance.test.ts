// Every case of shared/conformance in every available execution mode, one test per case.
import { describe, expect, it } from 'vitest';
import { MODES, listCases, runCase } from './conformance.js';

const cases = listCases();

describe.each(Object.keys(MODES))('conformance (%s)', (mode) => {
  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(100);
  });
  it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await runCase(c, mode);
    expect(r.problems, r.problems.join('\n')).toEqual([]);
  });
});
