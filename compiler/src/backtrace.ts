// Backtraces of raised errors, as the interpreter builds them. The runtime (runtime/src/error.c)
// does the same in C for native code; both fold the same way and print the same lines:
//
//     at NAME (FILE:LINE:COL)[ in thread N]     one frame: the call, or the form that failed
//     ... N more frames of NAME                 the rest of a run of one repeated frame
//     ... N more frames                         frames dropped from the middle of a deep trace
//
// Frames are recorded innermost first as the error unwinds; a tail call leaves no frame.
import type { Loc } from './values.js';

/** Frames kept at each end of a long backtrace (OMNI_TRACE_KEEP). */
export const TRACE_KEEP = 16;
/** Frames shown of a run of one repeated frame before the rest is folded (OMNI_TRACE_RUN). */
export const TRACE_RUN = 10;

/** A frame's printed name: the procedure's, `(fn)` when anonymous, `<top level>` for the top-level forms. */
export function frameName(procedureName: string | null, topLevel: boolean): string {
  return topLevel ? '<top level>' : (procedureName ?? '(fn)');
}

export interface Frame {
  /** Identifies the function (repeats merge only within one function). */
  readonly fn: object | null;
  readonly name: string;
  readonly loc: Loc;
  /** The OmniLisp thread's number (0: the main thread). */
  readonly thread: number;
  count: number;
}

/** A caught error's backtrace: `omitted` frames were dropped before frames[gap]. */
export interface Backtrace {
  readonly frames: readonly Frame[];
  readonly gap: number;
  readonly omitted: number;
}

const sameFrame = (a: Frame, b: Frame) =>
  a.fn === b.fn && a.thread === b.thread && a.loc.line === b.loc.line && a.loc.col === b.loc.col && a.loc.file === b.loc.file;

/** The backtrace of an error while it unwinds: folds repeats, keeps both ends of a long one. */
export class TraceBuilder {
  private readonly head: Frame[] = [];
  /** Ring of the outermost frames once head is full; `start` is its oldest entry. */
  private readonly tail: Frame[] = [];
  private start = 0;
  private omitted = 0;

  /** Goes on from the backtrace a re-raised error carries. */
  constructor(from: Backtrace | null) {
    if (!from) return;
    from.frames.forEach((f, i) => {
      if (i === from.gap) this.omitted += from.omitted;
      this.push({ ...f });
    });
  }

  push(f: Frame): void {
    const last = this.tail.length ? this.tail[(this.start + this.tail.length - 1) % TRACE_KEEP] : this.head[this.head.length - 1];
    if (last && sameFrame(last, f)) last.count += f.count;
    else if (this.head.length < TRACE_KEEP) this.head.push(f);
    else if (this.tail.length < TRACE_KEEP) this.tail.push(f);
    else {
      this.omitted += this.tail[this.start].count;
      this.tail[this.start] = f;
      this.start = (this.start + 1) % TRACE_KEEP;
    }
  }

  finish(): Backtrace {
    const ring = this.tail.map((_, i) => this.tail[(this.start + i) % TRACE_KEEP]);
    return { frames: [...this.head, ...ring], gap: this.head.length, omitted: this.omitted };
  }
}

/** `99 990`: digits in groups of three. */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ' ');
}

const more = (n: number) => `... ${count(n)} more frame${n === 1 ? '' : 's'}`;

/** The lines `error-backtrace` returns and an uncaught error prints (indented) after its first line. */
export function backtraceLines(bt: Backtrace | null): string[] {
  const lines: string[] = [];
  bt?.frames.forEach((f, i) => {
    if (i === bt.gap && bt.omitted) lines.push(more(bt.omitted));
    const line = `at ${f.name} (${f.loc.file}:${f.loc.line}:${f.loc.col})${f.thread ? ` in thread ${f.thread}` : ''}`;
    for (let k = 0; k < Math.min(f.count, TRACE_RUN); k++) lines.push(line);
    if (f.count > TRACE_RUN) lines.push(`${more(f.count - TRACE_RUN)} of ${f.name}`);
  });
  return lines;
}
