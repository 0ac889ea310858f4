// The C runtime: its own unit tests (run under ASan/LSan by `make test`) and the sources derived
// from the primitive table being current.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIME_DIR, primitives, primtabSource, updateHeader } from '@omnilisp/compiler';

describe('C runtime', () => {
  it('passes its unit tests under AddressSanitizer and LeakSanitizer', () => {
    const r = spawnSync('make', ['-s', '-C', RUNTIME_DIR, 'test'], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test_rc_cycles: ok/);
    expect(r.stdout).toMatch(/test_pool: ok/); // the release build's allocation pools
  });

  it('has the inline fast path the primitive table names for each primitive (inlineC) in the header', () => {
    const header = fs.readFileSync(path.join(RUNTIME_DIR, 'include/omnilisp.h'), 'utf8');
    const inlined = primitives.filter((p) => p.inlineC);
    expect(inlined.map((p) => p.name)).toEqual(expect.arrayContaining(['+', '<', 'vector-ref', '/']));
    for (const p of inlined) {
      const defined = new RegExp(`static inline OValue ${p.inlineC}\\(|OMNI_DEFINE_CMP\\(${p.inlineC},`);
      expect(defined.test(header), `${p.name}: ${p.inlineC} is not defined in omnilisp.h`).toBe(true);
    }
    for (const p of primitives.filter((x) => x.reusesAt && x.inlineC)) {
      expect(header, `${p.name}: ${p.inlineC}_reuse is not defined in omnilisp.h`).toContain(`OMNI_DEFINE_REUSE(${p.inlineC}_reuse,`);
    }
    for (const p of primitives.filter((x) => x.fixnumC)) {
      const cmp = p.fixnumC!.replace(/_fix$/, '');
      const defined = new RegExp(`static inline int ${p.fixnumC}\\(OValue a, OValue b, OValue \\*r\\)|OMNI_DEFINE_CMP\\(${cmp},`);
      expect(defined.test(header), `${p.name}: ${p.fixnumC} is not defined in omnilisp.h`).toBe(true);
    }
  });

  it('has the primitive prototypes and procedure table generated from the current primitive table', () => {
    const header = fs.readFileSync(path.join(RUNTIME_DIR, 'include/omnilisp.h'), 'utf8');
    expect(updateHeader(header)).toBe(header);
    expect(fs.readFileSync(path.join(RUNTIME_DIR, 'src/primtab.c'), 'utf8')).toBe(primtabSource());
  });
});
