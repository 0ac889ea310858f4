// A test-case reducer for OmniLisp programs (delta debugging over the program's forms): given a
// program and a predicate that says whether a candidate is still "interesting" (for the fuzzer:
// still disagrees between execution modes in the same way), it looks for a smaller program for
// which the predicate still holds.
//
// The program is read into a tree that keeps its surface syntax (lists, vectors `[...]`, dicts
// `#{...}`, quote prefixes, strings and other atoms as written; comments are dropped). Then,
// until nothing more changes or the budget is spent:
//   1. top-level forms are removed, in chunks, as ddmin does (halves, quarters, ... one by one);
//   2. every subexpression, largest first, is replaced by something simpler: one of its own
//      subexpressions (hoisting: `(+ a (f b))` -> `(f b)`), `0`, `nil`, `""`, `t`;
//   3. the elements of every list are removed in chunks (arguments, body forms, let bindings,
//      match clauses, vector elements) — the head of a call is kept;
//   4. number and string literals are shortened (`12345` -> `0` or `1`, `"hello"` -> `""`).
// Every candidate is printed back to text (one top-level form per line, long forms broken over
// lines) and handed to the predicate; candidates already tried are not tried again.

export type Node =
  | { t: 'atom'; text: string }
  | { t: 'list'; open: string; close: string; items: Node[] }
  | { t: 'prefix'; prefix: string; item: Node };

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '#{': '}' };
const DELIM = /[\s()[\]{}";]/;

/** Reads program text into forms. Throws on text it cannot read (unbalanced brackets, ...). */
export function parse(source: string): Node[] {
  let i = 0;
  const n = source.length;
  const skip = (): void => {
    for (;;) {
      while (i < n && /\s/.test(source[i])) i++;
      if (source[i] === ';') {
        while (i < n && source[i] !== '\n') i++;
      } else if (source.startsWith('#|', i)) {
        let depth = 1;
        i += 2;
        while (i < n && depth > 0) {
          if (source.startsWith('#|', i)) (depth++, (i += 2));
          else if (source.startsWith('|#', i)) (depth--, (i += 2));
          else i++;
        }
      } else if (source.startsWith('#;', i)) {
        i += 2;
        datum();
      } else return;
    }
  };
  const datum = (): Node => {
    skip();
    if (i >= n) throw new Error('reduce: unexpected end of program');
    const ch = source[i];
    for (const prefix of [',@', "'", '`', ',']) {
      if (source.startsWith(prefix, i)) {
        i += prefix.length;
        return { t: 'prefix', prefix, item: datum() };
      }
    }
    const open = source.startsWith('#{', i) ? '#{' : ch === '(' || ch === '[' ? ch : null;
    if (open !== null) {
      i += open.length;
      const items: Node[] = [];
      for (;;) {
        skip();
        if (i >= n) throw new Error(`reduce: unterminated ${open}`);
        if (source[i] === CLOSE[open]) {
          i++;
          return { t: 'list', open, close: CLOSE[open], items };
        }
        if (/[)\]}]/.test(source[i])) throw new Error(`reduce: unexpected ${source[i]}`);
        items.push(datum());
      }
    }
    if (/[)\]}]/.test(ch)) throw new Error(`reduce: unexpected ${ch}`);
    const start = i;
    if (ch === '"') {
      i++;
      while (i < n && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      if (i >= n) throw new Error('reduce: unterminated string');
      i++;
      return { t: 'atom', text: source.slice(start, i) };
    }
    if (source.startsWith('#\\', i)) i += 3; // the char after #\ may be a delimiter: #\( #\space
    while (i < n && !DELIM.test(source[i])) i++;
    return { t: 'atom', text: source.slice(start, i) };
  };
  const forms: Node[] = [];
  for (;;) {
    skip();
    if (i >= n) return forms;
    forms.push(datum());
  }
}

/** A form on one line. */
export function flat(node: Node): string {
  if (node.t === 'atom') return node.text;
  if (node.t === 'prefix') return node.prefix + flat(node.item);
  return node.open + node.items.map(flat).join(' ') + node.close;
}

/** A form, broken over lines when it is long: head and first argument on the first line, the rest indented. */
export function pretty(node: Node, indent = 0, width = 100): string {
  const one = flat(node);
  if (one.length + indent <= width || node.t === 'atom') return one;
  if (node.t === 'prefix') return node.prefix + pretty(node.item, indent + node.prefix.length, width);
  if (node.items.length === 0) return one;
  const inner = indent + node.open.length;
  const head = pretty(node.items[0], inner, width);
  if (node.items.length === 1) return node.open + head + node.close;
  const pad = ' '.repeat(indent + 2);
  const rest = node.items.slice(1).map((x) => pad + pretty(x, indent + 2, width));
  return node.open + head + '\n' + rest.join('\n') + node.close;
}

/** The program text of forms: one top-level form per line (long ones over several). */
export function print(forms: readonly Node[]): string {
  return forms.map((f) => pretty(f)).join('\n') + '\n';
}

/** Number of nodes in forms. */
export function size(forms: readonly Node[]): number {
  const count = (x: Node): number => (x.t === 'atom' ? 1 : x.t === 'prefix' ? 1 + count(x.item) : 1 + x.items.reduce((s, y) => s + count(y), 0));
  return forms.reduce((s, f) => s + count(f), 0);
}

type Path = number[];

/** Every path in forms, pre-order (a node before its children). Path [i, j, ...]: form i, child j ... (a prefix's item is child 0). */
function paths(forms: readonly Node[]): Path[] {
  const out: Path[] = [];
  const walk = (x: Node, p: Path): void => {
    out.push(p);
    if (x.t === 'prefix') walk(x.item, [...p, 0]);
    else if (x.t === 'list') x.items.forEach((y, j) => walk(y, [...p, j]));
  };
  forms.forEach((f, i) => walk(f, [i]));
  return out;
}

function at(forms: readonly Node[], p: Path): Node {
  let x = forms[p[0]];
  for (const j of p.slice(1)) x = x.t === 'prefix' ? x.item : (x as Extract<Node, { t: 'list' }>).items[j];
  return x;
}

/** forms with the node at p replaced by f(node). */
function update(forms: readonly Node[], p: Path, f: (x: Node) => Node): Node[] {
  const rec = (x: Node, rest: Path): Node => {
    if (rest.length === 0) return f(x);
    const [j, ...more] = rest;
    if (x.t === 'prefix') return { ...x, item: rec(x.item, more) };
    if (x.t === 'list') return { ...x, items: x.items.map((y, k) => (k === j ? rec(y, more) : y)) };
    return x;
  };
  return forms.map((x, i) => (i === p[0] ? rec(x, p.slice(1)) : x));
}

const NUMBER = /^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|#x[0-9a-f]+|#b[01]+)$/i;

/** Simpler replacements for a node, smallest first. */
function simpler(x: Node): Node[] {
  const atom = (text: string): Node => ({ t: 'atom', text });
  if (x.t === 'atom') {
    if (NUMBER.test(x.text) && x.text !== '0') return x.text === '1' ? [atom('0')] : [atom('0'), atom('1')];
    if (x.text.startsWith('"') && x.text.length > 3) return [atom('""'), atom('"a"')];
    return [];
  }
  const out: Node[] = [atom('0'), atom('nil'), atom('""'), atom('t')];
  const kids = x.t === 'prefix' ? [] : x.items;
  // Hoisting: a subexpression in place of the whole (smallest first).
  out.push(...[...kids].sort((a, b) => size([a]) - size([b])));
  return out;
}

export interface ReduceOptions {
  /** Most predicate calls (default 2000). */
  maxTests?: number;
  /** Stop after this many milliseconds (default: no limit). */
  timeLimitMs?: number;
  /** Called after every successful step with the current program. */
  onProgress?: (program: string, tests: number) => void;
}

export interface ReduceResult {
  /** The smallest interesting program found (the original, reprinted, when nothing smaller was). */
  program: string;
  /** Predicate calls made. */
  tests: number;
  /** Successful steps. */
  steps: number;
  ms: number;
  /** Why the reducer stopped. */
  stopped: 'done' | 'max-tests' | 'time-limit' | 'unparsable' | 'not-interesting';
}

/**
 * Reduces source against predicate (true: the candidate is still interesting). The predicate is
 * first asked about the reprinted original; when that is not interesting (printing changed
 * something that matters) the original text is returned unchanged.
 */
export async function reduce(source: string, predicate: (candidate: string) => Promise<boolean> | boolean, o: ReduceOptions = {}): Promise<ReduceResult> {
  const started = Date.now();
  const maxTests = o.maxTests ?? 2000;
  let tests = 0;
  let steps = 0;
  const tried = new Map<string, boolean>();
  const outOfBudget = (): ReduceResult['stopped'] | null =>
    tests >= maxTests ? 'max-tests' : o.timeLimitMs !== undefined && Date.now() - started >= o.timeLimitMs ? 'time-limit' : null;
  const test = async (forms: readonly Node[]): Promise<boolean> => {
    const text = print(forms);
    const known = tried.get(text);
    if (known !== undefined) return known;
    tests++;
    const ok = await predicate(text);
    tried.set(text, ok);
    return ok;
  };
  const result = (program: string, stopped: ReduceResult['stopped']): ReduceResult => ({ program, tests, steps, ms: Date.now() - started, stopped });

  let forms: Node[];
  try {
    forms = parse(source);
  } catch {
    return result(source, 'unparsable');
  }
  if (!(await test(forms))) return result(source, 'not-interesting');
  const accept = (next: Node[]): void => {
    forms = next;
    steps++;
    o.onProgress?.(print(forms), tests);
  };

  /** ddmin over the elements of a sequence: removes chunks while the result stays interesting. */
  const ddmin = async (len: () => number, without: (from: number, to: number) => Node[] | null): Promise<boolean> => {
    let changed = false;
    let chunk = Math.max(1, Math.floor(len() / 2));
    for (;;) {
      let removedAny = false;
      for (let from = len() - chunk; from >= 0 - chunk + 1; from -= chunk) {
        const lo = Math.max(0, from);
        const hi = Math.min(len(), from + chunk);
        if (hi <= lo) continue;
        if (outOfBudget()) return changed;
        const next = without(lo, hi);
        if (next !== null && (await test(next))) {
          accept(next);
          changed = removedAny = true;
        }
      }
      if (chunk === 1 && !removedAny) return changed;
      if (!removedAny) chunk = Math.max(1, Math.floor(chunk / 2));
      else chunk = Math.min(chunk, Math.max(1, Math.floor(len() / 2)));
    }
  };

  for (;;) {
    let progress = false;
    // 1. top-level forms
    if (await ddmin(() => forms.length, (lo, hi) => (hi - lo < forms.length ? [...forms.slice(0, lo), ...forms.slice(hi)] : null))) progress = true;
    // 2. + 3. + 4. subexpressions, largest (outermost) first
    for (let k = 0; ; k++) {
      const all = paths(forms);
      if (k >= all.length) break;
      const p = all[k];
      const node = at(forms, p);
      let replaced = false;
      for (const alt of simpler(node)) {
        if (outOfBudget()) break;
        if (flat(alt) === flat(node)) continue;
        const next = update(forms, p, () => alt);
        if (await test(next)) {
          accept(next);
          progress = replaced = true;
          break;
        }
      }
      if (replaced) {
        k--; // look at what is now at this path
        continue;
      }
      if (node.t === 'list' && node.items.length > 0) {
        // Keep the head of a call (an atom in first place); anything else may go.
        const keep = node.open === '(' && node.items[0].t === 'atom' ? 1 : 0;
        const items = (): Node[] => (at(forms, p) as Extract<Node, { t: 'list' }>).items;
        if (
          await ddmin(
            () => items().length - keep,
            (lo, hi) => update(forms, p, (x) => ({ ...(x as Extract<Node, { t: 'list' }>), items: items().filter((_, j) => j < lo + keep || j >= hi + keep) })),
          )
        )
          progress = true;
      }
      const stop = outOfBudget();
      if (stop) return result(print(forms), stop);
    }
    const stop = outOfBudget();
    if (stop) return result(print(forms), stop);
    if (!progress) return result(print(forms), 'done');
  }
}
