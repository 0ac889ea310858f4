#!/usr/bin/env node
// The `omnilisp` command.
import { Command, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompileError, type NativeBuildOptions, buildExecutable, compileToC, interpretFile } from '@omnilisp/compiler';

const program = new Command();

program
  .name('omnilisp')
  .description('OmniLisp: a Lisp that compiles to C')
  .version('0.1.0')
  .enablePositionalOptions();

/** Reads and compiles a program to C, or reports the problem and returns null. */
function toC(file: string): string | null {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`omnilisp: cannot read ${file}: ${(e as Error).message}\n`);
    return null;
  }
  try {
    return compileToC(source, file);
  } catch (e) {
    if (e instanceof CompileError) {
      process.stderr.write(e.message + '\n');
      return null;
    }
    throw e;
  }
}

/** Builds FILE to the executable OUT; returns false (after reporting) on failure. */
function build(file: string, out: string, opts: NativeBuildOptions): boolean {
  const c = toC(file);
  if (c === null) return false;
  try {
    buildExecutable(c, out, opts);
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
}

const nativeOptions = (o: BuildFlags): NativeBuildOptions => ({
  cc: o.cc,
  opt: o.opt === '0' ? 0 : 2,
  static: !!o.static,
  sanitize: !!o.sanitize,
});

const withBuildOptions = (c: Command) =>
  c
    .addOption(new Option('--cc <compiler>', 'C compiler').choices(['gcc', 'clang']).default('gcc'))
    .option('--static', 'link a fully static executable')
    .addOption(new Option('-O, --opt <level>', 'C optimisation level (-O0 or -O2)').choices(['0', '2']).default('2'))
    .option('--sanitize', 'AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer build');

program
  .command('emit')
  .description('compile a program to C')
  .argument('<file>', 'the .omni program')
  .option('-o, --output <file>', 'write the C here (default: standard output)')
  .action((file: string, opts: { output?: string }) => {
    const c = toC(file);
    if (c === null) return void (process.exitCode = 1);
    if (opts.output) fs.writeFileSync(opts.output, c);
    else process.stdout.write(c);
  });

withBuildOptions(
  program
    .command('build')
    .description('compile a program to a standalone native executable')
    .argument('<file>', 'the .omni program')
    .requiredOption('-o, --output <file>', 'the executable to write'),
).action((file: string, opts: BuildFlags & { output: string }) => {
  if (!build(file, opts.output, nativeOptions(opts))) process.exitCode = 1;
});

withBuildOptions(
  program
    .command('run')
    .description('run a program (arguments after FILE are passed to it)')
    .argument('<file>', 'the .omni program')
    .argument('[args...]', 'arguments for the program, returned by (command-line)')
    .option('--interp', 'use the reference interpreter')
    .option('--aot', 'build a native executable with the C compiler, then run it')
    .passThroughOptions(),
).action((file: string, args: string[], opts: BuildFlags & { interp?: boolean; aot?: boolean }) => {
  if (opts.interp) {
    process.exitCode = interpretFile(file, { args });
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnilisp-'));
  try {
    const exe = path.join(dir, path.basename(file, '.omni'));
    if (!build(file, exe, nativeOptions(opts))) return void (process.exitCode = 1);
    const r = spawnSync(exe, args, { stdio: 'inherit' });
    process.exitCode = r.status ?? 1;
    if (r.signal) process.stderr.write(`omnilisp: program killed by ${r.signal}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

program.parse();
