// The compile-time interpreter's budget: steps (closure calls, charged by the machine once per
// slice, plus builtin work charged through work.ts) and the JS heap, checked every 20,000 steps
// and before large allocations. Running out throws OutOfFuel, which OmniLisp's `try` cannot
// catch: it ends the whole compile-time evaluation.
import v8 from 'node:v8';
import vm from 'node:vm';
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
 * recursion in a macro stops in about a second, using a few hundred MB at most.
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

  /** Steps charged since the last reset (builtin work counts in fractions of a step). */
  get spent(): number {
    return Math.ceil(this.used);
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
    if (heapUsed() + bytes <= this.heapBytes) return;
    // the heap in use counts garbage until it is collected: only live data is over the limit (and
    // live data within a tenth of it is out of memory too, or every check would collect again)
    if (collectGarbage() && heapUsed() + bytes <= this.heapBytes * 0.9) return;
    throw new OutOfFuel('memory', `exceeded the compile-time memory limit of ${this.heapMb} MB`);
  }

  /** The compile-time stack is full (recursion deeper than COMPILE_TIME_STACK_FRAMES). */
  stackExhausted(): never {
    throw new OutOfFuel('memory', `exceeded the compile-time stack limit of ${COMPILE_TIME_STACK_FRAMES} frames`);
  }
}

function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection, when one can be had (`gc`, exposed on demand); false if not. */
function collectGarbage(): boolean {
  if (gc === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    try {
      if (typeof exposed === 'function') gc = exposed;
      else {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc') as () => void;
      }
    } catch {
      gc = null;
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
