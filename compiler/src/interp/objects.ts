// Run-time objects of the reference interpreter: procedures, raised errors, channels, threads.
import type { Backtrace } from '../backtrace.js';
import type { Primitive } from '../primitives.js';
import { printValue } from '../printer.js';
import { type Loc, OError, Opaque, Procedure, type Value } from '../values.js';
import type { Code, LambdaCode } from './code.js';

/** An interpreter frame: slot 0 is the enclosing frame, then the lambda's locals. */
export type Frame = Value[] & { 0: Frame | null };

export class Closure extends Procedure {
  constructor(
    readonly code: LambdaCode,
    readonly env: Frame | null,
  ) {
    super();
  }
  get name(): string | null {
    return this.code.name;
  }
}

/** A primitive procedure; `impl` is absent for the ones the machine performs itself. */
export class Builtin extends Procedure {
  constructor(
    readonly prim: Primitive,
    readonly impl: BuiltinImpl | undefined,
  ) {
    super();
  }
  get name(): string {
    return this.prim.name;
  }
}

export type BuiltinImpl = (args: Value[]) => Value;

/** A JavaScript exception carrying an OmniLisp error value up to the nearest `try`. */
export class Raise extends Error {
  /** The simple form (primitive call, variable reference) that raised it, when one did. */
  site: (Code & { loc: Loc }) | null = null;
  /** The backtrace it goes on from, when not the error's own (join: the thread's frames). */
  from: Backtrace | null | undefined = undefined;

  constructor(readonly error: OError) {
    super(error.message);
  }
}

/** Thrown by `(exit n)`: ends the program after flushing output. */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function raise(message: string, irritants: Value = null): never {
  throw new Raise(new OError(message, irritants));
}

export function typeError(name: string, type: string, got: Value): never {
  raise(`${name}: expected ${type}, got ${printValue(got, true)}`);
}

export class Channel extends Opaque {
  readonly kind = 'channel';
  /** Values sent and not yet received; `pending` ones belong to a sender of an unbuffered channel. */
  readonly items: ChannelItem[] = [];
  closed = false;
  constructor(readonly capacity: number) {
    super();
  }
}

export interface ChannelItem {
  readonly value: Value;
  /** Set when a receiver took it. */
  taken: boolean;
  /** Set when the channel closed before a receiver took it. */
  failed: boolean;
}

export class Thread extends Opaque {
  readonly kind = 'thread';
  /** Its number in backtraces: threads are numbered from 1 in spawn order. */
  id = 0;
  /** The backtrace of the error it ended with, as it was then. */
  trace: Backtrace | null = null;
  done = false;
  result: Value = null;
  error: OError | null = null;
}
