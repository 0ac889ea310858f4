// The evaluator: an explicit-stack machine, so recursion depth is bounded by memory and the
// configured limit (LANGUAGE.md §3: at least 1,000,000 frames), never by the JavaScript stack.
// Each OmniLisp thread is a Fiber; fibers run cooperatively, switching on blocking operations
// and after a slice of procedure calls.
import { TraceBuilder, frameName } from '../backtrace.js';
import { arityText } from '../primitives.js';
import { printValue } from '../printer.js';
import { Atom, Keyword, type Loc, OError, Procedure, type Value, arrayToList } from '../values.js';
import { swapWorkMeter } from '../work.js';
import { dictRef, listArg } from './builtins.js';
import { type Code, type LambdaCode, Op, UNBOUND, UNINIT } from './code.js';
import { COMPILE_TIME_STACK_FRAMES, type Fuel, OutOfFuel } from './fuel.js';
import { Builtin, Channel, type ChannelItem, Closure, type Frame, Raise, Thread, raise, typeError } from './objects.js';

const enum Mode {
  Eval,
  Apply,
  Return,
}

/** Continuation frame kinds; every frame is five stack entries: a, b, c, d, kind. */
const enum K {
  If,
  Seq,
  Arg,
  Let,
  Set,
  Try,
  Handler,
  Top,
  Swap,
  /** A non-tail call in progress: a: the call's code (its site), c: the caller's LambdaCode. */
  Call,
}

const FRAME = 5;
/**
 * Stack entries a fiber may use before `stack overflow`: 6 million frames, so a recursion of
 * 1,000,000 calls still fits when each level has its call marker (K.Call) and also waits in a
 * few enclosing argument positions.
 */
export const MAX_STACK_ENTRIES = 30_000_000;
/** Procedure calls a fiber runs before other runnable fibers get a turn. */
const SLICE = 20_000;
/** Marks a call frame whose operator has not been evaluated yet. */
const NO_FN: unique symbol = Symbol('no-fn');

type Stack = unknown[];

/** The top-level forms of a program, each run in a fresh frame. */
export interface TopForms {
  readonly forms: readonly { code: Code; frameSize: number }[];
}

export class Fiber {
  readonly ks: Stack = [];
  /** Stack heights of the active `try` frames. */
  readonly tries: number[] = [];
  mode: Mode = Mode.Apply;
  code: Code | null = null;
  /** The procedure running (null: top-level forms), for backtraces. */
  fnCode: LambdaCode | null = null;
  env: Frame | null = null;
  val: Value = null;
  fn: Value = null;
  args: Value[] = [];
  /** Nesting of `swap!` calls: no preemption while positive. */
  atomic = 0;
  /** While blocked: tells when the blocked operation may be retried. */
  blockedUntil: (() => boolean) | null = null;
  /** The value this fiber is trying to hand over on an unbuffered channel. */
  pendingSend: ChannelItem | null = null;
  done = false;
  result: Value = null;
  error: OError | null = null;

  constructor(readonly thread: Thread | null) {}

  static applying(fn: Value, args: Value[], thread: Thread | null): Fiber {
    const f = new Fiber(thread);
    f.fn = fn;
    f.args = args;
    return f;
  }

  static program(top: TopForms): Fiber {
    const f = new Fiber(null);
    f.mode = Mode.Return;
    f.ks.push(top, null, 0, null, K.Top);
    return f;
  }
}

function newFrame(size: number, parent: Frame | null): Frame {
  const frame = new Array(size + 1) as Frame;
  frame[0] = parent;
  return frame;
}

function lookup(env: Frame, depth: number): Frame {
  let e = env;
  for (let d = depth; d > 0; d--) e = e[0]!;
  return e;
}

function arityError(name: string | null, min: number, max: number | null, got: number): never {
  raise(`${name ?? 'lambda'}: ${arityText(min, max)}, got ${got}`);
}

/** Rethrows an error raised by the simple form `c`, which becomes its backtrace's innermost site. */
function failedAt(e: unknown, c: Code & { loc: Loc }): never {
  if (e instanceof Raise && e.site === null) e.site = c;
  throw e;
}

/** Applies a first-order primitive's implementation; its errors are raised at `c`. */
function applyImpl(c: Code & { op: Op.Prim }, args: Value[]): Value {
  try {
    return c.impl!(args);
  } catch (e) {
    failedAt(e, c);
  }
}

/** Evaluates a code object marked `simple` without touching the stack. */
function evalSimple(c: Code, env: Frame): Value {
  switch (c.op) {
    case Op.Const:
      return c.value;
    case Op.Local:
      return lookup(env, c.depth)[c.slot];
    case Op.LocalChecked: {
      const v = lookup(env, c.depth)[c.slot];
      if (v === (UNINIT as unknown)) failedAt(new Raise(new OError(`variable used before its definition: ${c.name}`)), c);
      return v;
    }
    case Op.Global: {
      const v = c.cell.value;
      if (v === UNBOUND) failedAt(new Raise(new OError(`unbound variable: ${c.cell.name}`)), c);
      return v;
    }
    case Op.Lambda:
      return new Closure(c, env);
    case Op.If:
      return evalSimple(c.test, env) !== null ? evalSimple(c.then, env) : evalSimple(c.else, env);
    case Op.Prim: {
      const args = new Array<Value>(c.args.length);
      for (let i = 0; i < args.length; i++) args[i] = evalSimple(c.args[i], env);
      return applyImpl(c, args);
    }
  }
  throw new Error(`evalSimple: op ${c.op} is not simple`);
}

/** Runs fibers. One scheduler per running program (or per compile-time evaluator). */
export class Scheduler {
  private readonly fibers: Fiber[] = [];
  /**
   * The budget of a compile-time evaluator: every procedure call of every fiber is charged to it
   * (once per slice), and it meters the builtins while this scheduler runs. Null: unlimited.
   */
  private fuel: Fuel | null = null;
  /** Stack entries a fiber may use. */
  private maxStack = MAX_STACK_ENTRIES;
  /** Threads spawned so far (their numbers). */
  private spawned = 0;

  /**
   * Meters this scheduler with `fuel` from now on: the compile-time evaluator. Its stack is also
   * smaller (COMPILE_TIME_STACK_FRAMES), and running out of it is OutOfFuel, not `stack overflow`.
   */
  setFuel(fuel: Fuel): void {
    this.fuel = fuel;
    this.maxStack = COMPILE_TIME_STACK_FRAMES * FRAME;
  }

  /**
   * Runs `main` (and any fibers it spawns) until main finishes; other fibers are left as they are.
   * When the fuel runs out, OutOfFuel is thrown and every fiber is dropped.
   */
  runUntilDone(main: Fiber): Fiber {
    this.fibers.push(main);
    const outerMeter = swapWorkMeter(this.fuel);
    try {
      while (!main.done) {
        let progressed = false;
        for (let i = 0; i < this.fibers.length; i++) {
          const f = this.fibers[i];
          if (f.blockedUntil) {
            if (!f.blockedUntil()) continue;
            f.blockedUntil = null;
          }
          progressed = true;
          this.run(f);
          if (f.done) {
            this.fibers.splice(i--, 1);
            if (f.thread) this.finishThread(f);
          }
          if (main.done) break;
        }
        if (!progressed) {
          main.blockedUntil = null;
          main.done = true;
          main.error = new OError('deadlock: every thread is blocked');
        }
      }
    } catch (e) {
      if (e instanceof OutOfFuel) this.fibers.length = 0;
      throw e;
    } finally {
      swapWorkMeter(outerMeter);
      const i = this.fibers.indexOf(main);
      if (i >= 0) this.fibers.splice(i, 1);
    }
    return main;
  }

  private finishThread(f: Fiber): void {
    const th = f.thread!;
    th.done = true;
    th.result = f.result;
    th.error = f.error;
    th.trace = f.error?.trace ?? null;
  }

  /** Runs one fiber until it finishes, blocks, or uses up its slice. */
  private run(f: Fiber): void {
    const ks = f.ks;
    let mode = f.mode;
    let code = f.code as Code;
    let fnCode = f.fnCode;
    let env = f.env as Frame;
    let val = f.val;
    let fn = f.fn;
    let args = f.args;
    // Calls left in this slice (negative: past due, while the fiber cannot or need not yield).
    let budget = SLICE;
    // The budget value down to which calls have been charged to the fuel: it is charged when
    // budget reaches 0, then every further slice, and whenever the fiber stops running.
    let billed = SLICE;
    const fuel = this.fuel;
    const maxStack = this.maxStack;
    const bill = () => {
      const n = billed - budget;
      billed = budget;
      if (fuel !== null) fuel.charge(n);
    };
    const save = (m: Mode) => {
      f.mode = m;
      f.code = code;
      f.fnCode = fnCode;
      f.env = env;
      f.val = val;
      f.fn = fn;
      f.args = args;
    };
    for (;;) {
      try {
        for (;;) {
          if (mode === Mode.Eval) {
            switch (code.op) {
              case Op.Const:
                val = code.value;
                mode = Mode.Return;
                break;
              case Op.Local:
              case Op.LocalChecked:
              case Op.Global:
              case Op.Lambda:
                val = evalSimple(code, env);
                mode = Mode.Return;
                break;
              case Op.If:
                if (code.test.simple) code = evalSimple(code.test, env) !== null ? code.then : code.else;
                else {
                  ks.push(code, env, null, null, K.If);
                  code = code.test;
                }
                break;
              case Op.Seq: {
                const body = code.body;
                let i = 0;
                while (i < body.length - 1 && body[i].simple) evalSimple(body[i++], env);
                if (i < body.length - 1) ks.push(code, env, i + 1, null, K.Seq);
                code = body[i];
                break;
              }
              case Op.Call:
              case Op.Prim: {
                if (code.simple) {
                  val = evalSimple(code, env);
                  mode = Mode.Return;
                  break;
                }
                fn = code.op === Op.Prim ? null : NO_FN as unknown as Value;
                args = [];
                // falls into the argument loop below via Mode.Return with an Arg frame
                ks.push(code, env, args, fn, K.Arg);
                mode = Mode.Return;
                val = NO_FN as unknown as Value;
                break;
              }
              case Op.Let:
              case Op.Letrec: {
                if (code.op === Op.Letrec) for (const s of code.slots) env[s] = UNINIT as unknown as Value;
                ks.push(code, env, 0, null, K.Let);
                mode = Mode.Return;
                val = NO_FN as unknown as Value;
                break;
              }
              case Op.SetLocal:
              case Op.SetGlobal:
              case Op.Define:
                if (code.value.simple) {
                  assign(code, env, evalSimple(code.value, env));
                  val = null;
                  mode = Mode.Return;
                } else {
                  ks.push(code, env, null, null, K.Set);
                  code = code.value;
                }
                break;
              case Op.Try:
                f.tries.push(ks.length);
                ks.push(code, env, f.atomic, fnCode, K.Try);
                code = code.body;
                break;
            }
          } else if (mode === Mode.Apply) {
            if (fn instanceof Closure) {
              const c: LambdaCode = fn.code;
              const n = args.length;
              if (n < c.nparams || (!c.rest && n > c.nparams)) arityError(c.name, c.nparams, c.rest ? null : c.nparams, n);
              if (ks.length > maxStack) {
                if (fuel !== null) fuel.stackExhausted();
                raise('stack overflow');
              }
              const frame = newFrame(c.frameSize, fn.env);
              for (let i = 0; i < c.nparams; i++) frame[i + 1] = args[i];
              if (c.rest) frame[c.nparams + 1] = arrayToList(args.slice(c.nparams));
              code = c.body;
              env = frame;
              fnCode = c;
              mode = Mode.Eval;
              if (--budget <= 0) {
                if (f.atomic === 0 && this.fibers.length > 1) {
                  save(mode);
                  bill();
                  return;
                }
                if (budget <= billed - SLICE) bill();
              }
            } else if (fn instanceof Builtin) {
              const p = fn.prim;
              if (args.length < p.min || (p.max !== null && args.length > p.max)) arityError(p.name, p.min, p.max, args.length);
              if (fn.impl) {
                val = fn.impl(args);
                mode = Mode.Return;
              } else {
                const r = this.machinePrimitive(f, p.name, args);
                if (r === BLOCKED) {
                  save(Mode.Apply);
                  bill();
                  return;
                }
                if (r instanceof Applying) {
                  fn = r.fn;
                  args = r.args;
                } else {
                  val = r;
                  mode = Mode.Return;
                }
              }
            } else if (fn instanceof Keyword) {
              if (args.length < 1 || args.length > 2) arityError(`:${fn.name}`, 1, 2, args.length);
              val = dictRef(`:${fn.name}`, args[0], fn, true, args.length === 2 ? args[1] : null);
              mode = Mode.Return;
            } else raise(`not a procedure: ${printValue(fn, true)}`);
          } else {
            if (ks.length === 0) {
              f.done = true;
              f.result = val;
              bill();
              return;
            }
            const kind = ks.pop() as K;
            const d = ks.pop();
            const c = ks.pop();
            const b = ks.pop() as Frame;
            const a = ks.pop() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the frame kind fixes its shape
            switch (kind) {
              case K.If:
                code = val !== null ? a.then : a.else;
                env = b;
                mode = Mode.Eval;
                break;
              case K.Seq: {
                const i = c as number;
                if (i < a.body.length - 1) ks.push(a, b, i + 1, null, K.Seq);
                code = a.body[i];
                env = b;
                mode = Mode.Eval;
                break;
              }
              case K.Arg: {
                // a: the Call/Prim code, c: evaluated args, d: operator value (NO_FN until known)
                env = b;
                const argv = c as Value[];
                let fv = d as Value;
                if (val !== (NO_FN as unknown as Value)) {
                  if (fv === (NO_FN as unknown as Value)) fv = val;
                  else argv.push(val);
                }
                if (fv === (NO_FN as unknown as Value) && a.op === Op.Call) {
                  if (a.fn.simple) fv = evalSimple(a.fn, env);
                  else {
                    ks.push(a, env, argv, fv, K.Arg);
                    code = a.fn;
                    mode = Mode.Eval;
                    break;
                  }
                }
                const codes = a.args;
                while (argv.length < codes.length && codes[argv.length].simple) argv.push(evalSimple(codes[argv.length], env));
                if (argv.length < codes.length) {
                  ks.push(a, env, argv, fv, K.Arg);
                  code = codes[argv.length];
                  mode = Mode.Eval;
                  break;
                }
                if (a.op === Op.Prim) {
                  if (a.impl) {
                    val = applyImpl(a, argv);
                    mode = Mode.Return;
                    break;
                  }
                  // a machine primitive's callees (apply, swap!, join) run inside its frame
                  ks.push(a, null, fnCode, null, K.Call);
                  fn = a.proc;
                } else {
                  if (!a.tail) ks.push(a, null, fnCode, null, K.Call);
                  fn = fv;
                }
                args = argv;
                mode = Mode.Apply;
                break;
              }
              case K.Let: {
                // a: the Let/Letrec code, c: index of the init whose value `val` is
                env = b;
                let i = c as number;
                if (val !== (NO_FN as unknown as Value)) env[a.slots[i++]] = val;
                while (i < a.inits.length && a.inits[i].simple) {
                  env[a.slots[i]] = evalSimple(a.inits[i], env);
                  i++;
                }
                if (i < a.inits.length) {
                  ks.push(a, env, i, null, K.Let);
                  code = a.inits[i];
                } else code = a.body;
                mode = Mode.Eval;
                break;
              }
              case K.Set:
                assign(a, b, val);
                val = null;
                break;
              case K.Try:
                f.tries.pop();
                break;
              case K.Handler:
                // a: the try: its handler is called from there
                ks.push(a, null, fnCode, null, K.Call);
                fn = val;
                args = [d as Value];
                mode = Mode.Apply;
                break;
              case K.Call:
                fnCode = c as LambdaCode | null;
                break;
              case K.Top: {
                const top = a as unknown as TopForms;
                const i = c as number;
                if (i < top.forms.length) {
                  ks.push(top, null, i + 1, null, K.Top);
                  code = top.forms[i].code;
                  env = newFrame(top.forms[i].frameSize, null);
                  fnCode = null;
                  mode = Mode.Eval;
                }
                break;
              }
              case K.Swap:
                (d as Atom).value = val;
                f.atomic--;
                break;
            }
          }
        }
      } catch (e) {
        if (!(e instanceof Raise)) {
          if (e instanceof RangeError) e = new Raise(new OError(rangeErrorMessage(e)));
          else throw e;
        }
        const t = f.tries.pop();
        const err = caught(e as Raise, f, fnCode, t ?? 0);
        if (t === undefined) {
          f.done = true;
          f.error = err;
          bill();
          return;
        }
        const tryCode = ks[t] as Code;
        env = ks[t + 1] as Frame;
        f.atomic = ks[t + 2] as number;
        fnCode = ks[t + 3] as LambdaCode | null;
        ks.length = t;
        if (tryCode.op !== Op.Try) throw new Error('corrupt try frame');
        ks.push(tryCode, null, null, err, K.Handler);
        code = tryCode.handler;
        mode = Mode.Eval;
      }
    }
  }

  /** Primitives that call procedures or block: apply, swap!, spawn, join, send!, recv!. */
  private machinePrimitive(f: Fiber, name: string, args: Value[]): Value | Applying | typeof BLOCKED {
    switch (name) {
      case 'apply': {
        const spread = listArg('apply', args[args.length - 1]);
        return new Applying(args[0], [...args.slice(1, -1), ...spread]);
      }
      case 'swap!': {
        const at = args[0] instanceof Atom ? args[0] : typeError('swap!', 'atom', args[0]);
        f.atomic++;
        f.ks.push(null, null, null, at, K.Swap);
        return new Applying(args[1], [at.value, ...args.slice(2)]);
      }
      case 'spawn': {
        const thunk = args[0];
        if (!(thunk instanceof Procedure) && !(thunk instanceof Keyword)) typeError('spawn', 'procedure', thunk);
        const th = new Thread();
        th.id = ++this.spawned;
        this.fibers.push(Fiber.applying(thunk, [], th));
        return th;
      }
      case 'join': {
        const th = args[0] instanceof Thread ? args[0] : typeError('join', 'thread', args[0]);
        if (!th.done) return this.block(f, () => th.done);
        if (th.error) {
          // every join goes on from the thread's own frames, not from what other catchers added
          const r = new Raise(th.error);
          r.from = th.trace;
          throw r;
        }
        return th.result;
      }
      case 'recv!': {
        const ch = channelArg('recv!', args[0]);
        const item = ch.items.shift();
        if (item) {
          item.taken = true;
          return item.value;
        }
        if (ch.closed) return null;
        return this.block(f, () => ch.items.length > 0 || ch.closed);
      }
      case 'send!':
        return this.send(f, channelArg('send!', args[0]), args[1]);
    }
    throw new Error(`no machine implementation for ${name}`);
  }

  private send(f: Fiber, ch: Channel, value: Value): Value | typeof BLOCKED {
    const pending = f.pendingSend;
    if (pending) {
      if (pending.taken || pending.failed) f.pendingSend = null;
      if (pending.taken) return null;
      if (pending.failed) raise('send!: channel is closed');
      return this.block(f, () => pending.taken || pending.failed);
    }
    if (ch.closed) raise('send!: channel is closed');
    if (ch.capacity > 0) {
      if (ch.items.length >= ch.capacity) return this.block(f, () => ch.items.length < ch.capacity || ch.closed);
      ch.items.push({ value, taken: false, failed: false });
      return null;
    }
    const item: ChannelItem = { value, taken: false, failed: false };
    ch.items.push(item);
    f.pendingSend = item;
    return this.block(f, () => item.taken || item.failed);
  }

  private block(f: Fiber, until: () => boolean): typeof BLOCKED {
    f.blockedUntil = until;
    return BLOCKED;
  }
}

/**
 * The error `r` raised, caught at stack height `stop` (0: uncaught), with the frames it unwound
 * through added to its backtrace: the failing simple form in `fnCode`, then each pending call.
 * A re-raised error stays the same value: the longer backtrace replaces the one it had.
 */
function caught(r: Raise, f: Fiber, fnCode: LambdaCode | null, stop: number): OError {
  const thread = f.thread?.id ?? 0;
  const trace = new TraceBuilder(r.from !== undefined ? r.from : r.error.trace);
  const frame = (fn: LambdaCode | null, site: Code & { loc: Loc }) => {
    if (!fn?.hidden) trace.push({ fn, name: frameName(fn?.name ?? null, fn === null), loc: site.loc, thread, count: 1 });
  };
  if (r.site) frame(fnCode, r.site);
  const ks = f.ks;
  for (let i = ks.length - FRAME; i >= stop; i -= FRAME) {
    if (ks[i + 4] === K.Call) frame(ks[i + 2] as LambdaCode | null, ks[i] as Code & { loc: Loc });
  }
  r.error.trace = trace.finish();
  return r.error;
}

/**
 * A JavaScript RangeError out of a builtin or a simple expression as an OmniLisp error message:
 * the JS stack (a simple expression nested too deeply, or a builtin recursing through a deep
 * structure) is `stack overflow`; a string or array longer than V8 allows is out of memory.
 */
function rangeErrorMessage(e: RangeError): string {
  if (/call stack/i.test(e.message)) return 'stack overflow';
  if (/invalid (string|array|typed array) length|allocation failed/i.test(e.message)) return 'out of memory: value too large';
  return e.message;
}

function channelArg(name: string, v: Value): Channel {
  return v instanceof Channel ? v : typeError(name, 'channel', v);
}

const BLOCKED: unique symbol = Symbol('blocked');

/** A machine primitive's request to call a procedure in its place (a tail call). */
class Applying {
  constructor(
    readonly fn: Value,
    readonly args: Value[],
  ) {}
}

function assign(c: Code, env: Frame, v: Value): void {
  if (c.op === Op.SetLocal) lookup(env, c.depth)[c.slot] = v;
  else if (c.op === Op.SetGlobal) {
    if (c.cell.value === UNBOUND) raise(`unbound variable: ${c.cell.name}`);
    c.cell.value = v;
  } else if (c.op === Op.Define) c.cell.value = v;
}

