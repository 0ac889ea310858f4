// Metering of work done inside builtins (printing, equality, hashing, bulk list and string
// operations) on behalf of compile-time code. A metered Scheduler (interp/fuel.ts) installs its
// meter while it runs; otherwise there is none and chargeWork is a null check.

export interface WorkMeter {
  /** Charges n units of work (elements visited or allocated); throws when the budget is spent. */
  charge(n: number): void;
  /** Before allocating about `bytes` at once: throws when that would pass the memory budget. */
  reserve(bytes: number): void;
}

let meter: WorkMeter | null = null;

/**
 * A step of the meter is about one procedure call of the interpreter (a few hundred ns): builtin
 * work is charged at one step per ELEMENTS_PER_STEP elements (pairs, vector slots, nodes printed
 * or compared) and per CHARS_PER_STEP chars of string work.
 */
export const ELEMENTS_PER_STEP = 16;
export const CHARS_PER_STEP = 256;

/** Charges work on n elements to the active meter, if any. */
export function chargeWork(n: number): void {
  if (meter !== null) meter.charge(n / ELEMENTS_PER_STEP);
}

/** Charges work on n chars of strings to the active meter, if any. */
export function chargeChars(n: number): void {
  if (meter !== null) meter.charge(n / CHARS_PER_STEP);
}

/** Charges n elements about to be allocated, `bytesEach` bytes each (chars when `chars`), to the active meter, if any. */
export function chargeAllocation(n: number, bytesEach: number, chars = false): void {
  if (meter === null) return;
  if (n >= 65_536) meter.reserve(n * bytesEach);
  meter.charge(n / (chars ? CHARS_PER_STEP : ELEMENTS_PER_STEP));
}

/** Installs `m` as the active meter; returns the previous one (to restore). */
export function swapWorkMeter(m: WorkMeter | null): WorkMeter | null {
  const previous = meter;
  meter = m;
  return previous;
}
