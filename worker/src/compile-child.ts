// A compile process (forked by compile-pool.ts): OmniLisp -> C for one request at a time, over
// IPC. The front end runs user macros, so it never runs on the worker's event loop; the parent
// bounds this process's wall time and heap and kills it when it overruns. Budgets inside the
// compiler (steps, expansion size and depth, heap) end most hostile compiles here first, with a
// diagnostic at the form being expanded.
import { CompileError, CompileLimitError, InternalCompilerError, compileProgram } from '@omnilisp/compiler';
import type { CompileReply, CompileRequest } from './compile-pool.js';

function compile(req: CompileRequest): CompileReply {
  try {
    const { c, imports } = compileProgram(req.source, req.file, { target: req.target }, { limits: req.limits, libPath: req.libPath, fileNames: req.fileNames });
    return { id: req.id, ok: { c, imports } };
  } catch (e) {
    if (e instanceof CompileError) {
      const limit = e instanceof CompileLimitError ? e.limit : undefined;
      return { id: req.id, error: { loc: e.loc, detail: e.detail, ...(limit ? { limit } : {}) } };
    }
    if (e instanceof InternalCompilerError) return { id: req.id, internal: e.report() };
    return { id: req.id, failure: (e as Error)?.stack ?? String(e) };
  }
}

process.on('message', (req: CompileRequest) => process.send!(compile(req)));
// the worker is gone (even killed): nobody waits for an answer
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
