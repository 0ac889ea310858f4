// Macro expander: datums -> core AST. Runs `defmacro` bodies at compile time (through the
// reference interpreter), lowers every derived form (cond, case, when, unless, and, or, let*,
// named let, internal defines, quasiquote, match, assert, ...) and splices `import`ed libraries.
import fs from 'node:fs';
import path from 'node:path';
import { type Lambda, mk, type Node } from './ast.js';
import { CompileError, compilingAt } from './errors.js';
import { Fuel, OutOfFuel } from './interp/fuel.js';
import { type FilePrefix, describeLibraryPath, findLibrary, isValidLibraryName, shownFileName } from './libpath.js';
import { type CompileLimits, CompileLimitError, resolveCompileLimits } from './limits.js';
import { lowerMatch, parseClause } from './match.js';
import { printValue } from './printer.js';
import { expandQuasiquote } from './quasiquote.js';
import { type Datum, readProgram, tailLocs } from './reader.js';
import { type Form, bindingName, checkOperands, fail, headSym, isSym, listItems, vectorItems } from './syntax.js';
import { Dict, type Loc, Pair, Procedure, Sym, type Value } from './values.js';

/** What the expander needs from the compile-time evaluator (the reference interpreter). */
export interface CompileTimeEvaluator {
  /** Evaluates a top-level procedure definition so later macro bodies can call it. */
  defineHelper(def: Node): void;
  /** Turns a macro's `(lambda params body...)` into a procedure. */
  makeMacro(lambda: Lambda): Procedure;
  /** Applies a macro procedure to unevaluated argument forms; throws `Error` with a message on failure. */
  applyMacro(macro: Procedure, args: Value[]): Value;
  /**
   * Meters everything evaluated from now on with `fuel` (steps and heap); running out throws
   * OutOfFuel out of the three methods above. An evaluator without it runs unmetered.
   */
  setFuel?(fuel: Fuel): void;
}

/** What one compile has used of its limits so far (CompileLimits' units). */
export interface CompileUsage {
  steps: number;
  expansionNodes: number;
  /** The deepest nesting of macro expansions reached. */
  expansionDepth: number;
}

/** Lexical scope: the local names visible at a point (they shadow macros and special forms). */
class Scope {
  constructor(
    private readonly names: ReadonlySet<Sym>,
    private readonly parent: Scope | null,
  ) {}
  has(s: Sym): boolean {
    return this.names.has(s) || (this.parent?.has(s) ?? false);
  }
  extend(names: Iterable<Sym>): Scope {
    return new Scope(new Set(names), this);
  }
}

const TOP = new Scope(new Set(), null);

/**
 * How deeply the form being expanded is nested in macro expansions, and the outermost macro
 * call of them (where a compile-time limit is reported: a form in the program's own text).
 */
interface Nesting {
  readonly depth: number;
  readonly root: Loc | null;
  readonly rootName: string;
}

const OUTSIDE: Nesting = { depth: 0, root: null, rootName: '' };

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

type SpecialForm = (items: Form[], loc: Loc, scope: Scope) => Node;

export interface ExpanderOptions {
  /** Directories searched for `(import NAME)` -> NAME.omni, in order. */
  libPath: readonly string[];
  evaluator: CompileTimeEvaluator;
  /** Budgets of one compile (the defaults where not given): see limits.ts. */
  limits?: Partial<CompileLimits>;
  /** The program file, so a missing library's message can say "lib/ beside the program". */
  programFile?: string;
  /**
   * How positions name the files read (diagnostics, backtraces, #line): the service maps its
   * directories away, so nothing it returns shows a path of its machine.
   */
  fileNames?: readonly FilePrefix[];
}

/**
 * Expands programs. One expander holds the macro table and the set of loaded libraries, so the
 * REPL can feed it input after input.
 */
export class Expander {
  private readonly macros = new Map<Sym, Procedure>();
  private readonly imported = new Set<string>();
  private readonly special: Record<string, SpecialForm>;
  /** Directories searched by `import` (a session sets it per input: the file's own `lib/` first). */
  libPath: readonly string[];
  /** The program being compiled (a session sets it per input). */
  programFile: string | undefined;
  readonly limits: Readonly<CompileLimits>;
  private readonly fuel: Fuel;
  /** Datum nodes produced by macro expansions in this compile. */
  private nodes = 0;
  /** The macro expansions the form being expanded came out of. */
  private nesting: Nesting = OUTSIDE;
  private deepest = 0;

  constructor(private readonly opts: ExpanderOptions) {
    this.libPath = opts.libPath;
    this.programFile = opts.programFile;
    this.limits = resolveCompileLimits(opts.limits);
    this.fuel = new Fuel(this.limits.steps, this.limits.heapMb);
    opts.evaluator.setFuel?.(this.fuel);
    this.special = {
      quote: (it, loc) => (checkOperands('quote', it, loc, 1, 1), mk.const(it[1].value, loc)),
      quasiquote: (it, loc, sc) => (checkOperands('quasiquote', it, loc, 1, 1), expandQuasiquote(it[1], (f) => this.expand(f, sc))),
      unquote: (_it, loc) => fail(loc, 'unquote outside quasiquote'),
      'unquote-splicing': (_it, loc) => fail(loc, 'unquote-splicing outside quasiquote'),
      if: (it, loc, sc) => this.expandIf(it, loc, sc),
      cond: (it, loc, sc) => this.expandCond(it.slice(1), loc, sc),
      case: (it, loc, sc) => this.expandCase(it, loc, sc),
      when: (it, loc, sc) => this.expandWhen(it, loc, sc, false),
      unless: (it, loc, sc) => this.expandWhen(it, loc, sc, true),
      and: (it, loc, sc) => this.expandAnd(it.slice(1), loc, sc),
      or: (it, loc, sc) => this.expandOr(it.slice(1), loc, sc),
      do: (it, loc, sc) => this.expandBody(it.slice(1), loc, sc),
      begin: (it, loc, sc) => this.expandBody(it.slice(1), loc, sc),
      define: (_it, loc) => fail(loc, 'define after an expression in a body'),
      lambda: (it, loc, sc) => this.expandLambda(it, loc, sc, null),
      fn: (it, loc, sc) => this.expandLambda(it, loc, sc, null),
      'named-lambda': (it, loc, sc) => this.expandNamedLambda(it, loc, sc),
      let: (it, loc, sc) => this.expandLet(it, loc, sc),
      'let*': (it, loc, sc) => this.expandLetStar(it, loc, sc),
      letrec: (it, loc, sc) => this.expandLetrec(it, loc, sc),
      'letrec*': (it, loc, sc) => this.expandLetrec(it, loc, sc),
      'set!': (it, loc, sc) => this.expandSet(it, loc, sc),
      match: (it, loc, sc) => this.expandMatch(it, loc, sc),
      try: (it, loc, sc) => (checkOperands('try', it, loc, 2, 2), mk.try(this.expand(it[1], sc), this.expand(it[2], sc), loc)),
      assert: (it, loc, sc) => this.expandAssert(it, loc, sc),
      defmacro: (_it, loc) => fail(loc, 'defmacro is only allowed at the top level'),
      import: (_it, loc) => fail(loc, 'import is only allowed at the top level'),
    };
  }

  /** The macros and libraries known now, for `restore` (a session undoing an input that failed). */
  checkpoint(): () => void {
    const macros = new Map(this.macros);
    const imported = new Set(this.imported);
    const files = this.importedFiles.length;
    return () => {
      this.macros.clear();
      for (const [k, v] of macros) this.macros.set(k, v);
      this.imported.clear();
      for (const n of imported) this.imported.add(n);
      this.importedFiles.length = files;
    };
  }

  /** Starts a new compile: its budgets are whole again (the REPL: one per input). */
  startCompile(): void {
    this.fuel.reset();
    this.nodes = 0;
    this.nesting = OUTSIDE;
    this.deepest = 0;
  }

  /** What this compile has used of its limits. */
  get usage(): CompileUsage {
    return { steps: this.fuel.spent, expansionNodes: this.nodes, expansionDepth: this.deepest };
  }

  /** Expands a whole program (or one REPL input) into top-level core forms. */
  expandProgram(datums: readonly Datum[]): Node[] {
    const out: Node[] = [];
    for (const d of datums) compilingAt(d.loc, () => this.expandTop(d, out));
    return out;
  }

  /** Library files loaded by `import`, in load order (the inputs of a program besides its own file). */
  readonly importedFiles: string[] = [];

  /** Is `s` a macro name at the top level? */
  isMacro(s: Sym): boolean {
    return this.macros.has(s);
  }

  /** The special forms and the macros known now (the REPL completes them). */
  syntaxNames(): { special: string[]; macros: string[] } {
    return { special: Object.keys(this.special), macros: [...this.macros.keys()].map((m) => m.name) };
  }

  private expandTop(f: Form, out: Node[]): void {
    const base = this.nesting;
    try {
      const form = this.expandMacroHead(f, TOP);
      const head = headSym(form.value);
      const items = () => listItems(form.value, form.loc);
      switch (head?.name) {
        case 'define': {
          const def = this.expandDefine(items(), form.loc, TOP);
          const node = mk.define(def.name, def.value, form.loc);
          if (def.value.k === 'lambda') this.metered(form.loc, `compile-time definition of '${def.name.name}'`, () => this.opts.evaluator.defineHelper(node));
          out.push(node);
          return;
        }
        case 'do':
        case 'begin':
          for (const item of items().slice(1)) this.expandTop(item, out);
          return;
        case 'defmacro':
          this.defineMacro(items(), form.loc);
          return;
        case 'import':
          this.importLibrary(items(), form.loc, out);
          return;
      }
      out.push(this.expand(form, TOP));
    } catch (e) {
      throw this.tooDeep(e, base);
    } finally {
      this.nesting = base;
    }
  }

  /**
   * The JS stack overflowing inside macro expansions (nested more deeply than this thread's
   * stack allows, before the expansionDepth limit) is an expansion limit at the outermost macro
   * call; `base` is the nesting the caller started from, the error is converted where it is 0.
   */
  private tooDeep(e: unknown, base: Nesting): unknown {
    const { depth, root, rootName } = this.nesting;
    if (base.depth !== 0 || depth === 0 || root === null || !isStackOverflow(e)) return e;
    return new CompileLimitError(root, `macro expansion of '${rootName}' is nested too deeply to compile`, 'expansion');
  }

  /** Runs compile-time code; the fuel running out is a CompileLimitError at `loc`, about `what`. */
  private metered<T>(loc: Loc, what: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof OutOfFuel) throw new CompileLimitError(loc, `${what} ${e.message}`, e.limit);
      throw e;
    }
  }

  private defineMacro(items: Form[], loc: Loc): void {
    checkOperands('defmacro', items, loc, 2, null);
    const name = bindingName(items[1]);
    const lambda = this.lambdaNode(items[2], items.slice(3), loc, TOP, name.name);
    this.macros.set(name, this.metered(loc, `definition of macro '${name.name}'`, () => this.opts.evaluator.makeMacro(lambda)));
  }

  private importLibrary(items: Form[], loc: Loc, out: Node[]): void {
    checkOperands('import', items, loc, 1, 1);
    const name = bindingName(items[1]).name;
    if (!isValidLibraryName(name)) fail(loc, `invalid library name: ${name} (a name such as violet, without a directory or extension)`);
    if (this.imported.has(name)) return;
    const file = findLibrary(name, this.libPath);
    if (!file) fail(items[1].loc, `library not found: ${name} (looked in ${describeLibraryPath(this.libPath, this.programFile)})`);
    this.imported.add(name);
    this.importedFiles.push(file);
    for (const d of readProgram(fs.readFileSync(file, 'utf8'), shownFileName(file, this.opts.fileNames))) this.expandTop(d, out);
  }

  /**
   * Expands macro calls at the head of a form until it is something else. Each expansion deepens
   * `nesting` (what comes out of it is nested in it); the caller restores `nesting` when it is
   * done with the result. A limit stops it with a CompileLimitError at the outermost macro call.
   */
  private expandMacroHead(f: Form, scope: Scope): Form {
    for (;;) {
      const head = headSym(f.value);
      const macro = head && !scope.has(head) ? this.macros.get(head) : undefined;
      if (!macro) return f;
      const what = `macro expansion of '${head!.name}'`;
      const { expansionDepth, expansionNodes } = this.limits;
      const { depth } = this.nesting;
      const root = this.nesting.root ?? f.loc;
      const rootName = this.nesting.root ? this.nesting.rootName : head!.name;
      if (depth >= expansionDepth) {
        throw new CompileLimitError(root, `${what} exceeded the compile-time limit of ${expansionDepth} nested expansions`, 'expansion');
      }
      const args = listItems((f.value as Pair).cdr, f.loc).map((i) => i.value);
      let expansion: Value;
      try {
        expansion = this.opts.evaluator.applyMacro(macro, args);
      } catch (e) {
        if (e instanceof OutOfFuel) throw new CompileLimitError(root, `${what} ${e.message}`, e.limit);
        if (e instanceof CompileError || isStackOverflow(e)) throw e;
        fail(f.loc, `error expanding macro ${head!.name}: ${(e as Error).message}`);
      }
      const room = expansionNodes - this.nodes;
      const size = treeSize(expansion, room);
      if (size > room) throw new CompileLimitError(root, `${what} exceeded the compile-time limit of ${expansionNodes} expanded forms`, 'expansion');
      this.nodes += size;
      this.nesting = { depth: depth + 1, root, rootName };
      if (depth + 1 > this.deepest) this.deepest = depth + 1;
      f = { value: expansion, loc: f.loc };
    }
  }

  /** Expands one expression. */
  expand(f: Form, scope: Scope): Node {
    const v = f.value;
    const loc = f.loc;
    if (v instanceof Sym) return mk.ref(v, loc);
    if (Array.isArray(v)) return mk.prim('vector', vectorItems(v, loc).map((i) => this.expand(i, scope)), loc);
    if (v instanceof Dict) {
      const parts: Node[] = [];
      for (const [k, x] of v.entries.values()) parts.push(this.expand({ value: k, loc }, scope), this.expand({ value: x, loc }, scope));
      return mk.prim('dict', parts, loc);
    }
    if (!(v instanceof Pair)) return mk.const(v, loc);
    const head = headSym(v);
    if (head && !scope.has(head)) {
      if (this.macros.has(head)) {
        const base = this.nesting;
        try {
          return this.expand(this.expandMacroHead(f, scope), scope);
        } catch (e) {
          throw this.tooDeep(e, base);
        } finally {
          this.nesting = base;
        }
      }
      const special = Object.hasOwn(this.special, head.name) ? this.special[head.name] : undefined;
      if (special) return special(listItems(v, loc), loc, scope);
    }
    const items = listItems(v, loc, 'call');
    const [fn, ...args] = items.map((i) => this.expand(i, scope));
    return mk.call(fn, args, loc);
  }

  /**
   * A body: leading defines (found after macro expansion; `do`/`begin` splice) become one
   * `letrec*` group around the remaining expressions.
   */
  expandBody(forms: Form[], loc: Loc, scope: Scope): Node {
    // each form remembers the macro nesting it came out of (`nest`), for when it is expanded
    const base = this.nesting;
    const defs: { name: Sym; form: Form[]; loc: Loc; nest: Nesting }[] = [];
    const exprs: { form: Form; nest: Nesting }[] = [];
    // the forms still to look at, the next one last (a `do` splices its forms in its place)
    const pending = forms.map((form) => ({ form, nest: base })).reverse();
    let inner = scope;
    try {
      while (pending.length > 0) {
        const item = pending.pop()!;
        this.nesting = item.nest;
        const f = this.expandMacroHead(item.form, inner);
        const nest = this.nesting;
        this.nesting = base;
        const head = headSym(f.value);
        const shadowed = head !== null && inner.has(head);
        if (!shadowed && (head?.name === 'do' || head?.name === 'begin')) {
          const spliced = listItems(f.value, f.loc);
          for (let i = spliced.length - 1; i >= 1; i--) pending.push({ form: spliced[i], nest });
        } else if (!shadowed && head?.name === 'define') {
          if (exprs.length > 0) fail(f.loc, 'define after an expression in a body');
          const items = listItems(f.value, f.loc);
          const name = this.defineName(items, f.loc);
          defs.push({ name, form: items, loc: f.loc, nest });
          inner = inner.extend([name]);
        } else exprs.push({ form: f, nest });
      }
      const names = defs.map((d) => d.name);
      const bodyScope = scope.extend(names);
      const body = mk.seq(
        exprs.map((e) => ((this.nesting = e.nest), this.expand(e.form, bodyScope))),
        loc,
      );
      if (defs.length === 0) return body;
      const inits = defs.map((d) => ((this.nesting = d.nest), this.expandDefine(d.form, d.loc, bodyScope).value));
      return mk.letrec(names, inits, body, loc);
    } catch (e) {
      throw this.tooDeep(e, base);
    } finally {
      this.nesting = base;
    }
  }

  private defineName(items: Form[], loc: Loc): Sym {
    checkOperands('define', items, loc, 1, null);
    const target = items[1];
    if (target.value instanceof Pair) return bindingName({ value: target.value.car, loc: target.value.loc ?? target.loc });
    return bindingName(target);
  }

  /** `(define name expr)` or `(define (name . params) body...)`. */
  private expandDefine(items: Form[], loc: Loc, scope: Scope): { name: Sym; value: Node } {
    const name = this.defineName(items, loc);
    const target = items[1].value;
    if (target instanceof Pair) {
      const params = paramsAfterName(target, items[1].loc);
      return { name, value: this.lambdaNode(params, items.slice(2), loc, scope, name.name) };
    }
    if (items.length > 3) fail(loc, 'bad define form');
    const value = items.length === 3 ? this.expandNamed(items[2], scope, name.name) : mk.const(null, loc);
    return { name, value };
  }

  /** Expands an initialiser, naming it when it is a lambda (`define`, `let` bindings). */
  private expandNamed(f: Form, scope: Scope, name: string): Node {
    const base = this.nesting;
    try {
      const form = this.expandMacroHead(f, scope);
      const head = headSym(form.value);
      if (head && !scope.has(head) && (head.name === 'lambda' || head.name === 'fn')) {
        return this.expandLambda(listItems(form.value, form.loc), form.loc, scope, name);
      }
      return this.expand(form, scope);
    } catch (e) {
      throw this.tooDeep(e, base);
    } finally {
      this.nesting = base;
    }
  }

  private expandLambda(items: Form[], loc: Loc, scope: Scope, name: string | null): Node {
    checkOperands('lambda', items, loc, 1, null);
    return this.lambdaNode(items[1], items.slice(2), loc, scope, name);
  }

  /** `(named-lambda (self . params) body...)`: the body sees the procedure itself as `self`. */
  private expandNamedLambda(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('named-lambda', items, loc, 1, null);
    const spec = items[1];
    if (!(spec.value instanceof Pair)) fail(spec.loc, 'bad named-lambda form');
    const self = bindingName({ value: spec.value.car, loc: spec.value.loc ?? spec.loc });
    const lambda = this.lambdaNode(paramsAfterName(spec.value, spec.loc), items.slice(2), loc, scope.extend([self]), self.name);
    return mk.letrec([self], [lambda], mk.ref(self, loc), loc);
  }

  lambdaNode(paramsForm: Form, body: Form[], loc: Loc, scope: Scope, name: string | null): Lambda {
    const { params, rest } = parseParams(paramsForm);
    const inner = scope.extend(rest ? [...params, rest] : params);
    return mk.lambda(params, rest, this.expandBody(body, loc, inner), name, loc);
  }

  private expandIf(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('if', items, loc, 2, 3);
    const els = items.length === 4 ? this.expand(items[3], scope) : mk.const(null, loc);
    return mk.if(this.expand(items[1], scope), this.expand(items[2], scope), els, loc);
  }

  /** The clauses from index `i` on (an index, not a copy of the rest: n clauses are O(n)). */
  private expandCond(clauses: Form[], loc: Loc, scope: Scope, i = 0): Node {
    if (clauses.length === i) return mk.const(null, loc);
    const first = clauses[i];
    const parts = listItems(first.value, first.loc, 'cond clause');
    if (parts.length === 0) fail(first.loc, 'bad cond clause');
    if (isSym(parts[0].value, 'else') && !scope.has(parts[0].value)) return this.expandBody(parts.slice(1), first.loc, scope);
    const test = this.expand(parts[0], scope);
    if (parts.length === 1) return this.orNodes(test, this.expandCond(clauses, loc, scope, i + 1), first.loc);
    return mk.if(test, this.expandBody(parts.slice(1), first.loc, scope), this.expandCond(clauses, loc, scope, i + 1), first.loc);
  }

  private expandCase(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('case', items, loc, 1, null);
    const key = Sym.fresh('case-key');
    const ref = () => mk.ref(key, loc);
    let chain: Node = mk.const(null, loc);
    for (const clause of items.slice(2).reverse()) {
      const parts = listItems(clause.value, clause.loc, 'case clause');
      if (parts.length === 0) fail(clause.loc, 'bad case clause');
      const body = this.expandBody(parts.slice(1), clause.loc, scope);
      if (isSym(parts[0].value, 'else')) {
        chain = body;
        continue;
      }
      const datums = parts[0].value instanceof Pair || parts[0].value === null ? listItems(parts[0].value, parts[0].loc) : [parts[0]];
      const tests = datums.map((d) => mk.prim('equal?', [ref(), mk.const(d.value, d.loc)], d.loc));
      const test = tests.reduceRight<Node>((acc, t) => mk.if(t, mk.const(true, loc), acc, loc), mk.const(null, loc));
      chain = mk.if(test, body, chain, clause.loc);
    }
    return mk.let([key], [this.expand(items[1], scope)], chain, loc);
  }

  private expandWhen(items: Form[], loc: Loc, scope: Scope, negate: boolean): Node {
    checkOperands(negate ? 'unless' : 'when', items, loc, 1, null);
    const test = this.expand(items[1], scope);
    const body = this.expandBody(items.slice(2), loc, scope);
    const nil = mk.const(null, loc);
    return negate ? mk.if(test, nil, body, loc) : mk.if(test, body, nil, loc);
  }

  private expandAnd(operands: Form[], loc: Loc, scope: Scope): Node {
    if (operands.length === 0) return mk.const(true, loc);
    const last = this.expand(operands[operands.length - 1], scope);
    return operands
      .slice(0, -1)
      .reduceRight<Node>((acc, f) => mk.if(this.expand(f, scope), acc, mk.const(null, f.loc), f.loc), last);
  }

  private expandOr(operands: Form[], loc: Loc, scope: Scope): Node {
    if (operands.length === 0) return mk.const(null, loc);
    const last = this.expand(operands[operands.length - 1], scope);
    return operands.slice(0, -1).reduceRight<Node>((acc, f) => this.orNodes(this.expand(f, scope), acc, f.loc), last);
  }

  /** `(or a b)` with a evaluated once: its value when true, else b. */
  private orNodes(first: Node, rest: Node, loc: Loc): Node {
    const tmp = Sym.fresh('or-value');
    return mk.let([tmp], [first], mk.if(mk.ref(tmp, loc), mk.ref(tmp, loc), rest, loc), loc);
  }

  private bindings(f: Form): { names: Sym[]; inits: Form[] } {
    const names: Sym[] = [];
    const inits: Form[] = [];
    for (const b of listItems(f.value, f.loc, 'binding list')) {
      const parts = b.value instanceof Pair ? listItems(b.value, b.loc, 'binding') : [b];
      if (parts.length > 2) fail(b.loc, 'bad binding');
      names.push(bindingName(parts[0]));
      inits.push(parts[1] ?? { value: null, loc: b.loc });
    }
    return { names, inits };
  }

  private expandLet(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('let', items, loc, 1, null);
    if (items[1].value instanceof Sym) return this.expandNamedLet(items, loc, scope);
    const { names, inits } = this.bindings(items[1]);
    checkDistinct(names, items[1].loc);
    const initNodes = inits.map((f, i) => this.expandNamed(f, scope, names[i].name));
    return mk.let(names, initNodes, this.expandBody(items.slice(2), loc, scope.extend(names)), loc);
  }

  /**
   * `(let loop ((x e)...) body...)` is `(let ((t e)...) (letrec ((loop (lambda (x...) body...))) (loop t...)))`
   * with fresh temporaries: the inits see the outer scope, and `loop` is only ever called, so the
   * native back end can compile it without a closure.
   */
  private expandNamedLet(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('let', items, loc, 2, null);
    const name = bindingName(items[1]);
    const { names, inits } = this.bindings(items[2]);
    checkDistinct(names, items[2].loc);
    const initNodes = inits.map((f) => this.expand(f, scope));
    const inner = scope.extend([name]);
    const body = this.expandBody(items.slice(3), loc, inner.extend(names));
    const lambda = mk.lambda(names, null, body, name.name, loc);
    const temps = names.map((n) => Sym.fresh(n.name));
    const call = mk.call(mk.ref(name, loc), temps.map((t) => mk.ref(t, loc)), loc);
    return mk.let(temps, initNodes, mk.letrec([name], [lambda], call, loc), loc);
  }

  private expandLetStar(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('let*', items, loc, 1, null);
    const { names, inits } = this.bindings(items[1]);
    const build = (i: number, sc: Scope): Node => {
      if (i === names.length) return this.expandBody(items.slice(2), loc, sc);
      const init = this.expandNamed(inits[i], sc, names[i].name);
      return mk.let([names[i]], [init], build(i + 1, sc.extend([names[i]])), loc);
    };
    return build(0, scope);
  }

  private expandLetrec(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('letrec', items, loc, 1, null);
    const { names, inits } = this.bindings(items[1]);
    checkDistinct(names, items[1].loc);
    const inner = scope.extend(names);
    const initNodes = inits.map((f, i) => this.expandNamed(f, inner, names[i].name));
    return mk.letrec(names, initNodes, this.expandBody(items.slice(2), loc, inner), loc);
  }

  private expandSet(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('set!', items, loc, 2, 2);
    const name = bindingName(items[1]);
    return mk.set(name, this.expandNamed(items[2], scope, name.name), items[1].loc);
  }

  private expandMatch(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('match', items, loc, 1, null);
    const clauses = items.slice(2).map(parseClause);
    return lowerMatch(this.expand(items[1], scope), clauses, loc, {
      expr: (f, bound) => this.expand(f, scope.extend(bound)),
      body: (forms, l, bound) => this.expandBody(forms, l, scope.extend(bound)),
    });
  }

  private expandAssert(items: Form[], loc: Loc, scope: Scope): Node {
    checkOperands('assert', items, loc, 1, 2);
    const message =
      items.length === 3 ? this.expand(items[2], scope) : mk.const(`assertion failed: ${printValue(items[1].value, true)}`, loc);
    return mk.if(this.expand(items[1], scope), mk.const(null, loc), mk.prim('%assert-fail', [message], loc), loc);
  }
}

/**
 * The datum nodes of `v` counted as a tree (a shared part counts each time it occurs): pairs,
 * atoms other than nil, and vectors and dicts with one per element. Stops as soon as the count
 * passes `max`, so a small structure with an exponentially large tree costs at most `max` steps.
 */
export function treeSize(v: Value, max: number): number {
  const container = (x: Value) => x instanceof Pair || Array.isArray(x) || x instanceof Dict;
  let n = 0;
  const stack: Value[] = [v];
  while (stack.length > 0) {
    let x: Value = stack.pop()!;
    for (; x instanceof Pair; x = x.cdr) {
      if (++n > max) return n;
      const a = x.car;
      if (container(a)) stack.push(a);
      else if (a !== null && ++n > max) return n;
    }
    if (x === null) continue;
    if (++n > max) return n;
    if (Array.isArray(x)) {
      if ((n += x.length) > max) return n;
      for (const e of x) if (container(e)) stack.push(e);
    } else if (x instanceof Dict) {
      if ((n += 2 * x.size) > max) return n;
      for (const [k, val] of x.entries.values()) {
        if (container(k)) stack.push(k);
        if (container(val)) stack.push(val);
      }
    }
  }
  return n;
}

/** The parameters of `(name . params)`; a bare rest parameter keeps its own position. */
function paramsAfterName(spec: Pair, loc: Loc): Form {
  return { value: spec.cdr, loc: spec.cdr instanceof Pair ? loc : (tailLocs.get(spec) ?? loc) };
}

function parseParams(f: Form): { params: Sym[]; rest: Sym | null } {
  if (f.value instanceof Sym || f.value === true) return { params: [], rest: bindingName(f) };
  const params: Sym[] = [];
  let v: Value = f.value;
  let last: Pair | null = null;
  while (v instanceof Pair) {
    params.push(bindingName({ value: v.car, loc: v.loc ?? f.loc }));
    last = v;
    v = v.cdr;
  }
  const restLoc = (last && tailLocs.get(last)) ?? f.loc;
  const rest = v === null ? null : bindingName({ value: v, loc: restLoc });
  checkDistinct(rest ? [...params, rest] : params, f.loc);
  return { params, rest };
}

function checkDistinct(names: Sym[], loc: Loc): void {
  const seen = new Set<Sym>();
  for (const n of names) {
    if (seen.has(n)) fail(loc, `duplicate variable ${n.name}`);
    seen.add(n);
  }
}
