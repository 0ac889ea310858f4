// Bugs of omnilisp itself, as a user sees them: one line that says where (the form being compiled,
// for the compiler's) and that it is not the program's fault, exit status 70 (EX_SOFTWARE), and
// the JavaScript stack only when LOG_LEVEL is debug or trace.
// (No import of the compiler: remote.ts uses this without loading it.)

/** The exit status of an internal error (sysexits.h EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

/** Says what went wrong on stderr; returns EXIT_INTERNAL. */
export function reportInternalError(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  // an InternalCompilerError already says `FILE:LINE:COL: internal compiler error: ...`
  const ice = err.name === 'InternalCompilerError' ? (err as Error & { internalStack: string }) : null;
  process.stderr.write(`${ice ? ice.message : `omnilisp: internal error: ${err.message}`}\n`);
  if (/^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')) process.stderr.write(`${ice ? ice.internalStack : err.stack}\n`);
  else process.stderr.write('omnilisp: this is a bug in omnilisp, not in the program; LOG_LEVEL=debug shows the stack\n');
  return EXIT_INTERNAL;
}
