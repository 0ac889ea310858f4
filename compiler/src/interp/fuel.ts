// The compile-time interpreter's budget: steps (closure calls, charged by the machine once per
// slice, plus builtin work charged through work.ts) and the JS heap, checked every 20,000 steps
// and before large allocations. Running out throws OutOfFuel, which OmniLisp's `try` cannot
// catch: it ends the whole compile-time evaluation.
import v8 from 'node:v8';
import type { WorkMeter } from '../work.js';

export type FuelLimit = 'steps' | 'memory';

/**
 * The budget is spent. Not an OmniLisp error: it unwinds through every `try`. The message says
 * what was exceeded ("exceeded the compile-time limit of N steps").
 */
export class OutOfFuel extends Error {
  constructor(
    readonly limit: FuelLimit,
    message: string,
  ) {
    super(message);
    this.name = 'OutOfFuel';
  }
}

/**
 * Frames of the compile-time interpreter's stack (the limit of programs is 6 million): deep
 * recursion in a macro stops in well under a second, using a few hundred MB at most.
 */
export const COMPILE_TIME_STACK_FRAMES = 500_000;

/** Steps between two heap checks. */
const HEAP_CHECK_STEPS = 20_000;
/** V8's own heap limit must never be reached first: at most this share of it is allowed. */
const V8_HEAP_SHARE = 0.8;

export class Fuel implements WorkMeter {
  private used = 0;
  private sinceHeapCheck = 0;
  /** The heap limit enforced, in MB: the one asked for, or less when V8's own limit is lower. */
  readonly heapMb: number;
  private readonly heapBytes: number;

  constructor(
    readonly steps: number,
    heapMb: number,
  ) {
    const v8Limit = Math.floor(v8.getHeapStatistics().heap_size_limit * V8_HEAP_SHARE);
    this.heapBytes = Math.min(heapMb * 2 ** 20, v8Limit);
    this.heapMb = Math.floor(this.heapBytes / 2 ** 20);
  }

  /** Steps charged since the last reset. */
  get spent(): number {
    return this.used;
  }

  /** Starts a new budget (the REPL: one per input). */
  reset(): void {
    this.used = 0;
    this.sinceHeapCheck = 0;
  }

  charge(n: number): void {
    this.used += n;
    if (this.used > this.steps) throw new OutOfFuel('steps', `exceeded the compile-time limit of ${this.steps} steps`);
    this.sinceHeapCheck += n;
    if (this.sinceHeapCheck >= HEAP_CHECK_STEPS) {
      this.sinceHeapCheck = 0;
      this.reserve(0);
    }
  }

  reserve(bytes: number): void {
    if (v8.getHeapStatistics().used_heap_size + bytes > this.heapBytes) {
      throw new OutOfFuel('memory', `exceeded the compile-time memory limit of ${this.heapMb} MB`);
    }
  }

  /** The compile-time stack is full (recursion deeper than COMPILE_TIME_STACK_FRAMES). */
  stackExhausted(): never {
    throw new OutOfFuel('memory', `exceeded the compile-time stack limit of ${COMPILE_TIME_STACK_FRAMES} frames`);
  }
}
