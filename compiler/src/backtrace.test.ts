import { describe, expect, it } from 'vitest';
import { type Frame, TRACE_KEEP, TRACE_RUN, TraceBuilder, backtraceLines } from './backtrace.js';

const fnA = {};
const fnB = {};
const at = (fn: object | null, name: string, line: number, thread = 0): Frame => ({ fn, name, loc: { file: 'f.omni', line, col: 2 }, thread, count: 1 });

describe('TraceBuilder', () => {
  it('merges a frame repeated at the same site, not one at another site or thread', () => {
    const t = new TraceBuilder(null);
    for (let i = 0; i < 5; i++) t.push(at(fnA, 'a', 1));
    t.push(at(fnA, 'a', 2));
    t.push(at(fnA, 'a', 2, 1));
    t.push(at(fnB, 'a', 2, 1));
    expect(t.finish().frames.map((f) => [f.loc.line, f.thread, f.count])).toEqual([[1, 0, 5], [2, 0, 1], [2, 1, 1], [2, 1, 1]]);
  });

  it('keeps TRACE_KEEP entries at each end of a deep backtrace and counts the middle', () => {
    const t = new TraceBuilder(null);
    for (let i = 0; i < 1000; i++) t.push(at(i % 2 ? fnA : fnB, 'x', i));
    const bt = t.finish();
    expect(bt.frames).toHaveLength(2 * TRACE_KEEP);
    expect(bt.gap).toBe(TRACE_KEEP);
    expect(bt.omitted).toBe(1000 - 2 * TRACE_KEEP);
    expect(bt.frames[0].loc.line).toBe(0);
    expect(bt.frames[TRACE_KEEP].loc.line).toBe(1000 - TRACE_KEEP);
    expect(bt.frames.at(-1)!.loc.line).toBe(999);
  });

  it('goes on from the backtrace a re-raised error carries, gap included', () => {
    const first = new TraceBuilder(null);
    for (let i = 0; i < 100; i++) first.push(at(fnA, 'a', i));
    const again = new TraceBuilder(first.finish());
    again.push(at(fnA, 'a', 99)); // a repeat of the last frame merges across the re-raise
    again.push(at(fnB, 'b', 500));
    const bt = again.finish();
    expect(bt.omitted).toBe(100 - 2 * TRACE_KEEP + 1);
    expect(bt.frames.at(-1)!.name).toBe('b');
    expect(bt.frames.at(-2)!.count).toBe(2);
  });
});

describe('backtraceLines', () => {
  it('prints frames, threads, folded runs and the omitted middle', () => {
    const lines = backtraceLines({
      frames: [
        { ...at(fnA, 'inner', 1), count: TRACE_RUN + 99_990 },
        { ...at(fnB, '(fn)', 7, 2), count: TRACE_RUN + 1 },
        at(null, '<top level>', 9),
      ],
      gap: 2,
      omitted: 1,
    });
    expect(lines.filter((l) => l === 'at inner (f.omni:1:2)')).toHaveLength(TRACE_RUN);
    expect(lines.filter((l) => l === 'at (fn) (f.omni:7:2) in thread 2')).toHaveLength(TRACE_RUN);
    expect(lines.filter((l) => l.startsWith('...'))).toEqual(['... 99 990 more frames of inner', '... 1 more frame of (fn)', '... 1 more frame']);
    expect(lines.at(-1)).toBe('at <top level> (f.omni:9:2)');
    expect(backtraceLines(null)).toEqual([]);
  });
});
