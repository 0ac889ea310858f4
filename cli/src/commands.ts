// The `omnilisp` commands (commander): run, build, emit, cache, repl, remote (remote.ts).
import { Command, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CompileError,
  type CompileLimits,
  type EmitOptions,
  type NativeBuildOptions,
  buildExecutable,
  compileLimitsFromEnv,
  compileProgram,
  interpretFile,
  jitHost,
} from '@omnilisp/compiler';
import { ProgramCache } from './cache.js';
import { reportInternalError } from './internal-error.js';
import { compileRunAndStore, programStatus, runInHost } from './native.js';

const program = new Command();

program
  .name('omnilisp')
  .description('OmniLisp: a Lisp that compiles to C')
  .version('0.1.0')
  .enablePositionalOptions();

/**
 * The compile-time limits: the defaults with OMNI_COMPILE_STEPS, OMNI_COMPILE_EXPANSION_NODES,
 * OMNI_COMPILE_EXPANSION_DEPTH and OMNI_COMPILE_HEAP_MB applied; null (after saying which
 * variable is wrong) when one is not a positive integer.
 */
export function compileLimits(): CompileLimits | null {
  try {
    return compileLimitsFromEnv();
  } catch (e) {
    process.stderr.write(`omnilisp: ${(e as Error).message}\n`);
    return null;
  }
}

/** Reads and compiles a program to C, or reports the problem and returns null. */
/** FILE to C; `cFile`: the name the C will be kept under (its #line directives name it). */
function toC(file: string, target: EmitOptions['target'] = 'executable', cFile?: string): { c: string; imports: string[] } | null {
  const limits = compileLimits();
  if (limits === null) return null;
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`omnilisp: cannot read ${file}: ${(e as Error).message}\n`);
    return null;
  }
  try {
    return compileProgram(source, file, { target, cFile }, { limits });
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.message + '\n');
      return null;
    }
    throw e;
  }
}

/** Builds FILE to the executable OUT (keeping its C as `keepC`); returns false (after reporting) on failure. */
function build(file: string, out: string, opts: NativeBuildOptions, keepC?: string): boolean {
  const compiled = toC(file, 'executable', keepC);
  if (compiled === null) return false;
  try {
    buildExecutable(compiled.c, out, opts, keepC);
    return true;
  } catch (e) {
    process.stderr.write(`omnilisp: ${(e as Error).message}\n`);
    return false;
  }
}

interface BuildFlags {
  cc: 'gcc' | 'clang';
  static?: boolean;
  opt: '0' | '2';
  sanitize?: boolean;
  tsan?: boolean;
  debug?: boolean;
}

const nativeOptions = (o: BuildFlags): NativeBuildOptions => ({
  cc: o.cc,
  opt: o.opt === '0' ? 0 : 2,
  static: !!o.static,
  sanitize: o.tsan ? 'thread' : o.sanitize ? 'address' : 'none',
  debug: !!o.debug,
});

/** Where `--keep-c DIR` keeps the C of FILE: DIR/NAME.c (the directory is created). */
function keptC(dir: string | undefined, file: string): string | undefined {
  if (dir === undefined) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${path.basename(file, '.omni')}.c`);
}

const withBuildOptions = (c: Command) =>
  c
    .addOption(new Option('--cc <compiler>', 'C compiler').choices(['gcc', 'clang']).default('gcc'))
    .option('--static', 'link a fully static executable')
    .addOption(new Option('-O, --opt <level>', 'C optimisation level (-O0 or -O2)').choices(['0', '2']).default('2'))
    .option('--sanitize', 'AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer build')
    .option('--tsan', 'ThreadSanitizer build');

program
  .command('emit')
  .description('compile a program to C')
  .argument('<file>', 'the .omni program')
  .option('-o, --output <file>', 'write the C here (default: standard output)')
  .action((file: string, opts: { output?: string }) => {
    const compiled = toC(file, 'executable', opts.output);
    if (compiled === null) return void (process.exitCode = 1);
    if (opts.output) fs.writeFileSync(opts.output, compiled.c);
    else process.stdout.write(compiled.c);
  });

withBuildOptions(
  program
    .command('build')
    .description('compile a program to a standalone native executable')
    .argument('<file>', 'the .omni program')
    .requiredOption('-o, --output <file>', 'the executable to write')
    .option('-g, --debug', 'debug information: gdb and perf show the .omni file and line (the C is kept as OUTPUT.c)'),
).action((file: string, opts: BuildFlags & { output: string }) => {
  if (!build(file, opts.output, nativeOptions(opts), opts.debug ? `${opts.output}.c` : undefined)) process.exitCode = 1;
});

withBuildOptions(
  program
    .command('run')
    .description('run a program: JIT through tcc, cached by content (arguments after FILE go to the program)')
    .argument('<file>', 'the .omni program')
    .argument('[args...]', 'arguments for the program, returned by (command-line)')
    .option('--interp', 'use the reference interpreter')
    .option('--aot', 'build a native executable with the C compiler (--cc), then run it')
    .option('--no-cache', 'JIT without reading or writing the cache')
    .option('--keep-c <dir>', 'keep the generated C in DIR as NAME.c (its #line directives map it to the .omni source)')
    .passThroughOptions(),
).action(async (file: string, args: string[], opts: BuildFlags & { interp?: boolean; aot?: boolean; cache: boolean; keepC?: string }) => {
  if (opts.interp && opts.keepC !== undefined) {
    process.stderr.write('omnilisp: --keep-c needs a native mode: the interpreter generates no C\n');
    return void (process.exitCode = 1);
  }
  const keepC = keptC(opts.keepC, file);
  if (opts.interp) {
    const limits = compileLimits();
    process.exitCode = limits === null ? 1 : interpretFile(file, { args, frontEnd: { limits } });
    return;
  }
  if (opts.aot) {
    process.exitCode = runAot(file, args, nativeOptions(opts), keepC);
    return;
  }
  const compiled = toC(file, 'jit', keepC);
  if (compiled === null) return void (process.exitCode = 1);
  if (keepC) fs.writeFileSync(keepC, compiled.c);
  const r = opts.cache
    ? await compileRunAndStore(file, compiled.c, compiled.imports, args)
    : await runInHost({ host: jitHost(), args, c: compiled.c });
  process.exitCode = r.status;
});

/** Builds FILE into a temporary directory and runs it; returns its exit status. */
function runAot(file: string, args: string[], opts: NativeBuildOptions, keepC?: string): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnilisp-'));
  try {
    const exe = path.join(dir, path.basename(file, '.omni'));
    if (!build(file, exe, opts, keepC)) return 1;
    const r = spawnSync(exe, args, { stdio: 'inherit' });
    return programStatus(r.status, r.signal);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

program
  .command('repl', { isDefault: true })
  .description('the interactive REPL (also: omnilisp with no arguments)')
  .action(async () => {
    const limits = compileLimits();
    if (limits === null) return void (process.exitCode = 1);
    const { repl } = await import('./repl.js');
    process.exitCode = await repl({ limits });
  });

const cache = program.command('cache').description('the local cache of compiled programs ($OMNI_CACHE_DIR, default ~/.omni/cache)');
cache
  .command('stats')
  .description('entries, bytes, hits and misses')
  .option('--json', 'machine-readable output')
  .action((opts: { json?: boolean }) => {
    const c = new ProgramCache();
    const s = c.stats();
    if (opts.json) return void process.stdout.write(JSON.stringify({ dir: c.dir, ...s }) + '\n');
    process.stdout.write(`cache: ${c.dir}\nentries: ${s.entries}\nbytes: ${s.bytes}\nhits: ${s.hits}\nmisses: ${s.misses}\n`);
  });
cache
  .command('clear')
  .description('delete every cached program')
  .action(() => {
    const c = new ProgramCache();
    c.clear();
    process.stdout.write(`cleared ${c.dir}\n`);
  });

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * What to say when the first argument is not a command (the default command, the REPL, takes
 * none): the nearest command, or how to run it when it is a program file. Null: it is a command.
 */
export function unknownCommand(word: string, commands: readonly string[]): string | null {
  if (word.startsWith('-') || commands.includes(word)) return null;
  let text = `error: unknown command '${word}'\n`;
  if (word.endsWith('.omni') || fs.existsSync(word)) return text + `to run a program: omnilisp run ${word}\n`;
  const near = commands.map((c) => ({ c, d: distance(word, c) })).filter((x) => x.d < word.length).sort((x, y) => x.d - y.d)[0];
  if (near) text += `did you mean '${near.c}'?\n`;
  return text + 'omnilisp --help lists the commands\n';
}

export async function main(argv: string[]): Promise<void> {
  // `remote` (remote.ts) is loaded only when asked for; otherwise a stub lists it in --help
  if (argv[2] === 'remote' || (argv[2] === 'help' && argv[3] === 'remote')) program.addCommand((await import('./remote.js')).remoteCommand());
  else program.command('remote').description('build and run on the compile-and-cache service: remote build|run|status (see omnilisp remote --help)');
  const unknown = argv[2] === undefined ? null : unknownCommand(argv[2], [...program.commands.map((c) => c.name()), 'help']);
  if (unknown !== null) {
    process.stderr.write(unknown);
    return void (process.exitCode = 1);
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = reportInternalError(e);
  }
}
