#!/usr/bin/env node
// The `omnilisp` command.
import { Command } from 'commander';
import { interpretFile } from '@omnilisp/compiler';

const program = new Command();

program
  .name('omnilisp')
  .description('OmniLisp: a Lisp that compiles to C')
  .version('0.1.0')
  .enablePositionalOptions();

program
  .command('run')
  .description('run a program (arguments after FILE are passed to it)')
  .argument('<file>', 'the .omni program')
  .argument('[args...]', 'arguments for the program, returned by (command-line)')
  .option('--interp', 'use the reference interpreter')
  .passThroughOptions()
  .action((file: string, args: string[], opts: { interp?: boolean }) => {
    if (!opts.interp) {
      process.stderr.write('omnilisp run: native execution is not available yet; use --interp\n');
      process.exitCode = 2;
      return;
    }
    process.exitCode = interpretFile(file, { args });
  });

program.parse();
