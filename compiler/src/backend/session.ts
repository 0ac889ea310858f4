// A compilation session: the REPL's inputs compiled one at a time into C units for the JIT host.
// Macros, imports and compile-time helper procedures persist in one expander; globals defined by
// earlier inputs are known to later ones (they live in the runtime's named cells); a primitive
// redefined by any input is never inlined again.
import fs from 'node:fs';
import { CompileError, asCompilerError, isStackOverflow } from '../errors.js';
import { Expander } from '../expander.js';
import { isValidLibraryName, libraryPath } from '../libpath.js';
import { type FrontEndOptions, lazyCompileTimeEvaluator } from '../pipeline.js';
import { aliases, lookupPrimitive, primitiveGlobalNames, primitiveSignature } from '../primitives.js';
import { readProgram } from '../reader.js';
import { definedGlobals, resolveProgram } from '../resolver.js';
import { unparse } from '../unparse.js';
import { emitProgram } from './emit-c.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

export interface Unit {
  /** The C unit (exports `omni_unit`). */
  c: string;
  /** The unit prints the value of its last form (it is not a definition). */
  printsResult: boolean;
}

/**
 * What a failed input throws: a diagnostic, or an internal compiler error; an input (macros can
 * build one) nested past the compiler's stack is a diagnostic too, so the session goes on.
 */
function inputFailure(e: unknown, file: string): unknown {
  if (isStackOverflow(e)) return new CompileError({ file, line: 1, col: 1 }, 'input nested too deeply to compile');
  return asCompilerError(e, { file, line: 1, col: 1 });
}

export class Session {
  private readonly expander: Expander;
  private readonly defined = new Set<string>();
  private readonly rebound = new Set<string>();
  /** How each global procedure defined in the session is called, `(f x y . rest)` (for `,doc`). */
  private readonly signatures = new Map<string, string>();

  /**
   * `baseFile`: where the REPL's own inputs are taken to come from (their `lib/` is searched).
   * `options.limits` apply to each input on its own (the defaults where not given);
   * `options.libPath` replaces the library path of every input.
   */
  constructor(
    private readonly baseFile = 'repl.omni',
    private readonly options: FrontEndOptions = {},
  ) {
    this.expander = new Expander({
      libPath: options.libPath ?? libraryPath(baseFile),
      evaluator: lazyCompileTimeEvaluator(),
      limits: options.limits,
      programFile: baseFile,
    });
  }

  /**
   * Compiles one input. Throws CompileError (FILE:LINE:COL) for bad source, CompileLimitError when
   * a compile-time limit stops it; its macros, imports and definitions are then forgotten, as they
   * are after a `dryRun` (`,emit`). A real file's imports are searched in its own `lib/` first, as
   * `omnilisp run FILE` does.
   */
  compile(source: string, file = '<repl>', opts: { dryRun?: boolean } = {}): Unit {
    const restore = this.expander.checkpoint();
    const programFile = file.startsWith('<') ? this.baseFile : file;
    this.expander.libPath = this.options.libPath ?? libraryPath(programFile);
    this.expander.programFile = programFile;
    this.expander.startCompile();
    try {
      const unit = this.compileUnit(source, file, !opts.dryRun);
      if (opts.dryRun) restore();
      return unit;
    } catch (e) {
      restore();
      throw inputFailure(e, file);
    }
  }

  private compileUnit(source: string, file: string, commit: boolean): Unit {
    const nodes = this.expander.expandProgram(readProgram(source, file));
    const names = new Set([...primitiveGlobalNames(), ...this.defined, ...definedGlobals(nodes)]);
    const resolved = resolveProgram(nodes, { globals: { has: (n) => names.has(n) } });
    const rebound = new Set([...this.rebound, ...resolved.rebound]);
    const ir = lowerProgram(resolved.forms, rebound, file, { knownGlobals: false });
    insertRc(ir.functions);
    const last = nodes[nodes.length - 1];
    const printsResult = last !== undefined && last.k !== 'define';
    const c = emitProgram(ir, { target: 'unit', lines: false, printResult: printsResult });
    if (commit) {
      for (const n of definedGlobals(nodes)) this.defined.add(n);
      for (const n of resolved.rebound) this.rebound.add(n);
      for (const n of nodes) {
        if (n.k !== 'define') continue;
        if (n.value.k !== 'lambda') this.signatures.delete(n.name.name);
        else this.signatures.set(n.name.name, `(${[n.name.name, ...n.value.params.map((p) => p.name)].join(' ')}${n.value.rest ? ` . ${n.value.rest.name}` : ''})`);
      }
    }
    return { c, printsResult };
  }

  /** Every name an input can use at top level now: globals (primitives, definitions, imports), macros, special forms. */
  names(): string[] {
    const { special, macros } = this.expander.syntaxNames();
    return [...new Set([...primitiveGlobalNames(), ...this.defined, ...macros, ...special])].sort();
  }

  /** The libraries `(import NAME)` can load from the REPL's own inputs. */
  libraries(): string[] {
    const dirs = this.options.libPath ?? libraryPath(this.baseFile);
    const names = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.omni')).map((f) => f.slice(0, -5)) : []));
    return [...new Set(names)].filter(isValidLibraryName).sort();
  }

  /** What `,doc NAME` says: how it is called and what it is; null when the name means nothing here. */
  describe(name: string): string | null {
    const { special, macros } = this.expander.syntaxNames();
    if (this.defined.has(name)) return this.signatures.has(name) ? `${this.signatures.get(name)}\n  a procedure defined in this session` : `${name}\n  a variable defined in this session`;
    if (macros.includes(name)) return `(${name} ...)\n  a macro`;
    if (special.includes(name)) return `(${name} ...)\n  a special form (docs/LANGUAGE.md)`;
    const p = lookupPrimitive(name);
    if (!p) return null;
    const also = aliases[name] ? `, another name for ${aliases[name]}` : '';
    const arity = p.max === null ? `at least ${p.min}` : p.min === p.max ? `${p.min}` : `${p.min} to ${p.max}`;
    return `${primitiveSignature(name, p)}\n  a primitive procedure${also}: ${arity} argument${(p.max ?? p.min) === 1 ? '' : 's'}`;
  }

  /** What `,expand FORM` shows: the input's top-level forms after macro expansion (nothing is kept). */
  expand(source: string): string {
    const restore = this.expander.checkpoint();
    this.expander.startCompile();
    try {
      return this.expander.expandProgram(readProgram(source, '<expand>')).map(unparse).join('\n');
    } catch (e) {
      throw inputFailure(e, '<expand>');
    } finally {
      restore();
    }
  }

  /** Is `source` an incomplete form (the REPL should read another line)? */
  static needsMore(source: string): boolean {
    try {
      readProgram(source, '<repl>');
      return false;
    } catch (e) {
      return e instanceof CompileError && /unterminated (list|string|block comment)/.test(e.message);
    }
  }
}
