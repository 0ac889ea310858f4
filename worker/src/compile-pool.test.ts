// The compile pool against real child processes: compiles, diagnostics with the compiler's
// limits, the pool's own time and heap kills, crashes, and compiles running side by side.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompileDiagnostic, CompileKilled, CompilePool } from './compile-pool.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-pool-'));
const file = path.join(dir, 'main.omni');
const job = (source: string) => ({ source, file, target: 'jit' as const, libPath: [path.join(dir, 'lib')] });
const pools: CompilePool[] = [];
const pool = (opts: Partial<ConstructorParameters<typeof CompilePool>[0]> = {}) => {
  const p = new CompilePool({ size: 2, warm: 1, timeoutMs: 10_000, memoryMb: 512, limits: {}, ...opts });
  pools.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const rejection = async (p: Promise<unknown>): Promise<unknown> => p.then(
  () => expect.unreachable('the compile succeeded'),
  (e: unknown) => e,
);

describe('CompilePool', () => {
  it('compiles a program to C in a child process, and reuses the child', async () => {
    const p = pool();
    const out = await p.compile(job('(print (+ 1 2))'));
    expect(out.c).toContain('omni_program');
    const [pid] = p.pids();
    await p.compile(job('(print 4)'));
    expect(p.pids()).toContain(pid);
    expect(pid).not.toBe(process.pid);
  });

  it('turns a compile error into a diagnostic with its position', async () => {
    const e = await rejection(pool().compile(job('(print (car))\n(print undefined-name)')));
    expect(e).toBeInstanceOf(CompileDiagnostic);
    expect((e as CompileDiagnostic).loc).toMatchObject({ file, line: 2 });
    expect((e as CompileDiagnostic).limit).toBeUndefined();
  });

  it("reports the compiler's own budget with its limit name", async () => {
    const e = await rejection(pool({ limits: { steps: 100_000 } }).compile(job('(defmacro forever () (let loop ((i 0)) (loop (+ i 1))))\n(print (forever))')));
    expect(e).toBeInstanceOf(CompileDiagnostic);
    expect(e).toMatchObject({ limit: 'steps', loc: { line: 2, col: 8 } });
  });

  it('kills a child over its wall time and replaces it', async () => {
    const p = pool({ timeoutMs: 500, limits: { steps: 1e15 } });
    const before = p.pids();
    const started = performance.now();
    const e = await rejection(p.compile(job('(defmacro forever () (let loop ((i 0)) (loop (+ i 1))))\n(print (forever))')));
    expect(e).toBeInstanceOf(CompileKilled);
    expect((e as CompileKilled).limit).toBe('time');
    expect(performance.now() - started).toBeLessThan(3_000);
    const gone = (pid: number) => {
      try {
        return process.kill(pid, 0) && false;
      } catch {
        return true;
      }
    };
    await expect.poll(() => before.every(gone), { timeout: 2_000 }).toBe(true);
    expect((await p.compile(job('(print 1)'))).c).toContain('omni_program');
  });

  it('reports a child killed by its heap limit as memory', async () => {
    // the compiler's heap check set above the process's heap, so V8 itself gives out
    const p = pool({ memoryMb: 96, limits: { steps: 1e15, heapMb: 100_000 } });
    const e = await rejection(p.compile(job("(defmacro hog () (let loop ((l '()) (i 0)) (loop (cons (make-vector 16 i) l) (+ i 1))))\n(print (hog))")));
    expect(e).toBeInstanceOf(CompileKilled);
    expect((e as CompileKilled).limit).toBe('memory');
    expect((await p.compile(job('(print 2)'))).c).toContain('omni_program');
  });

  it('runs compiles side by side up to its size, and queues the rest', async () => {
    const p = pool({ size: 2, warm: 2 });
    await Promise.all([p.compile(job('(print 0)')), p.compile(job('(print 0)'))]);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => p.compile(job(`(print ${i})`))));
    expect(results).toHaveLength(5);
    expect(p.pids().length).toBeLessThanOrEqual(2);
  });
});
