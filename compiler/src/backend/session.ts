// A compilation session: the REPL's inputs compiled one at a time into C units for the JIT host.
// Macros, imports and compile-time helper procedures persist in one expander; globals defined by
// earlier inputs are known to later ones (they live in the runtime's named cells); a primitive
// redefined by any input is never inlined again.
import { CompileError, asCompilerError } from '../errors.js';
import { Expander } from '../expander.js';
import { libraryPath } from '../libpath.js';
import { type FrontEndOptions, lazyCompileTimeEvaluator } from '../pipeline.js';
import { primitiveGlobalNames } from '../primitives.js';
import { readProgram } from '../reader.js';
import { definedGlobals, resolveProgram } from '../resolver.js';
import { emitProgram } from './emit-c.js';
import { lowerProgram } from './lower.js';
import { insertRc } from './rc.js';

export interface Unit {
  /** The C unit (exports `omni_unit`). */
  c: string;
  /** The unit prints the value of its last form (it is not a definition). */
  printsResult: boolean;
}

export class Session {
  private readonly expander: Expander;
  private readonly defined = new Set<string>();
  private readonly rebound = new Set<string>();

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
      throw asCompilerError(e, { file, line: 1, col: 1 });
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
    }
    return { c, printsResult };
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
