// `omnilisp remote build|run|status`: the compile-and-cache service from the command line.
// Loaded only for `omnilisp remote ...` (commands.ts imports it lazily); the compiler is loaded
// only to find a program's imports. See ../README.md ("Remote builds").
import { Command, Option } from 'commander';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLED_LIB_DIR, findLibrary, libraryPath } from '@omnilisp/compiler/libpath';
import { EXIT_INTERNAL } from './internal-error.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_RETRIES = 5;
/** First backoff delay; doubled on every attempt (OMNI_RETRY_DELAY_MS overrides it). */
const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** Time limit of one ordinary API request (builds, status). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Time limit of one artifact download. */
const DOWNLOAD_TIMEOUT_MS = 300_000;
/** What a run may take beyond its own limit (queueing, compiling, the service's grace period). */
const RUN_GRACE_MS = 90_000;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

// ---------------------------------------------------------------- errors and exit codes

/** Ends the command: message (if any) on stderr, then the exit code. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** An error answer of the service: `{error: {code, message, details}}`. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** How many times the request was made, when it was repeated. */
  attempts = 1;
}

/** The service could not be reached (or kept answering 429/5xx) after every attempt. */
class Unreachable extends Error {}

/** An attempt that may be repeated: a network error, a 429/502/503/504, a corrupt download. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly final?: Error,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- configuration

export interface Endpoint {
  url: string;
  apiKey?: string;
  retries: number;
  retryDelayMs: number;
}

export interface ConnectionFlags {
  url?: string;
  apiKey?: string;
  retries?: string;
}

/** `$HOME/.omni/config.json`. */
export const configFile = (env: NodeJS.ProcessEnv = process.env): string => path.join(env.HOME || os.homedir(), '.omni', 'config.json');

function readConfigFile(file: string): { url?: string; apiKey?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliExit(2, `omnilisp: cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CliExit(2, `omnilisp: ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const c = (parsed ?? {}) as Record<string, unknown>;
  const str = (k: string) => {
    if (c[k] === undefined) return undefined;
    if (typeof c[k] !== 'string') throw new CliExit(2, `omnilisp: ${file}: "${k}" must be a string`);
    return c[k] as string;
  };
  return { url: str('url'), apiKey: str('apiKey') };
}

/** Each setting from the flag, else the environment, else the config file, else the default. */
export function resolveEndpoint(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const file = readConfigFile(configFile(env));
  const raw = flags.url || env.OMNI_URL || file.url || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliExit(2, `omnilisp: invalid service URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliExit(2, `omnilisp: the service URL must be http or https: ${raw}`);
  const retries = flags.retries === undefined ? DEFAULT_RETRIES : Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 1) throw new CliExit(1, `omnilisp: --retries must be a positive integer (attempts), not ${flags.retries}`);
  const delay = env.OMNI_RETRY_DELAY_MS === undefined ? DEFAULT_RETRY_DELAY_MS : Number(env.OMNI_RETRY_DELAY_MS);
  return {
    url: url.href.replace(/\/+$/, ''),
    apiKey: flags.apiKey || env.OMNI_API_KEY || file.apiKey || undefined,
    retries,
    retryDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : DEFAULT_RETRY_DELAY_MS,
  };
}

// ---------------------------------------------------------------- HTTP with retries

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After as milliseconds (delta-seconds or an HTTP date), capped. */
function retryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(h) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : undefined;
}

/** A fetch failure in words: "connection refused", "connection reset", "timed out after 60 s"... */
export function describeNetworkError(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string; errors?: (Error & { code?: string })[] } };
  if (err?.name === 'TimeoutError') return 'timed out';
  const cause = err?.cause ?? (err as typeof err.cause);
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
    UND_ERR_BODY_TIMEOUT: 'the answer stalled',
    UND_ERR_SOCKET: 'connection closed',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  if (code && words[code]) return words[code];
  if (cause?.name === 'TimeoutError') return 'timed out';
  return cause?.message || err?.message || String(e);
}

export class Client {
  constructor(readonly endpoint: Endpoint) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { 'user-agent': 'omnilisp-cli/0.1.0', ...extra };
    if (this.endpoint.apiKey) h.authorization = `Bearer ${this.endpoint.apiKey}`;
    return h;
  }

  /**
   * Runs attempt up to `retries` times while it throws Retryable, waiting with exponential backoff
   * (or the server's Retry-After). Other errors end it at once.
   */
  async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    const { retries, retryDelayMs } = this.endpoint;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (n >= retries) {
          if (e.final instanceof ServiceError) e.final.attempts = n;
          if (e.final) throw e.final;
          throw new Unreachable(`cannot reach ${this.endpoint.url}: ${e.message} (after ${n} attempt${n === 1 ? '' : 's'})`);
        }
        const backoff = Math.min(retryDelayMs * 2 ** (n - 1), MAX_DELAY_MS);
        await sleep(Math.max(backoff * (0.75 + Math.random() * 0.5), e.retryAfterMs ?? 0));
      }
    }
  }

  /** One attempt's fetch; network failures become Retryable. */
  private async fetchOnce(pathname: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    try {
      return await fetch(this.endpoint.url + pathname, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw new Retryable(describeNetworkError(e));
    }
  }

  /** An error answer as a ServiceError; 429/502/503/504 as Retryable carrying it. */
  private async failure(res: Response, giveUp?: (e: ServiceError) => boolean): Promise<never> {
    let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
    try {
      body = JSON.parse(await res.text());
    } catch {
      // not JSON (a proxy's error page): described by the status alone
    }
    const err = new ServiceError(res.status, body.error?.code ?? `http_${res.status}`, body.error?.message ?? (res.statusText || `HTTP ${res.status}`), body.error?.details);
    if (RETRY_STATUSES.has(res.status) && !giveUp?.(err)) throw new Retryable(`${res.status} ${err.code}: ${err.message}`, retryAfter(res.headers.get('retry-after')), err);
    throw err;
  }

  /** A JSON request; answers 2xx with {status, body}. */
  async json<T>(method: string, pathname: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<{ status: number; body: T }> {
    const init: RequestInit = {
      method,
      headers: this.headers(body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    return this.withRetries(async () => {
      const res = await this.fetchOnce(pathname, init, timeoutMs);
      if (!res.ok) return this.failure(res);
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        throw new Retryable(describeNetworkError(e));
      }
      try {
        return { status: res.status, body: JSON.parse(text) as T };
      } catch {
        throw new ServiceError(res.status, 'bad_response', `the service answered something that is not JSON: ${text.slice(0, 200)}`);
      }
    });
  }

  /** Downloads an artifact into out (verified against sha256 and bytes, written atomically). */
  async download(key: string, expected: { sha256: string; bytes?: number }, out: string, executable: boolean): Promise<void> {
    await this.withRetries(async () => {
      const res = await this.fetchOnce(`/v1/artifacts/${key}`, { headers: this.headers() }, DOWNLOAD_TIMEOUT_MS);
      if (!res.ok) return this.failure(res, (e) => e.code === 'artifact_rebuilding');
      if (!res.body) throw new Retryable('the artifact download had no body');
      try {
        await writeArtifact(out, res.body as unknown as AsyncIterable<Uint8Array>, expected, executable);
      } catch (e) {
        if (e instanceof IntegrityError) throw new Retryable(e.message, undefined, new CliExit(2, `omnilisp: ${e.message}`));
        // a local file system problem (permissions, a missing directory) is not worth repeating
        if ((e as NodeJS.ErrnoException).syscall) throw new CliExit(1, `omnilisp: cannot write ${out}: ${(e as Error).message}`);
        throw new Retryable(`the download was interrupted: ${describeNetworkError(e)}`);
      }
    });
  }
}

// ---------------------------------------------------------------- atomic, verified writes

/** The bytes written do not match the manifest. */
export class IntegrityError extends Error {}

/**
 * Streams chunks into a temporary file next to out while hashing them, checks the SHA-256 (and
 * size), marks it executable if asked, then renames it to out. On any failure the temporary file is
 * removed and out is left as it was: nothing half-written ever appears there.
 */
export async function writeArtifact(
  out: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expected: { sha256: string; bytes?: number },
  executable: boolean,
): Promise<void> {
  const dir = path.dirname(path.resolve(out));
  const tmp = path.join(dir, `.${path.basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await fs.promises.open(tmp, 'wx', executable ? 0o755 : 0o644);
  // interrupted (Ctrl-C): remove the temporary file, then die of the signal as usual
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (sig: NodeJS.Signals) => {
    fs.rmSync(tmp, { force: true });
    for (const s of signals) process.removeListener(s, onSignal);
    process.kill(process.pid, sig);
  };
  for (const s of signals) process.once(s, onSignal);
  try {
    try {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        await fh.write(chunk);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const got = hash.digest('hex');
    if (got !== expected.sha256.toLowerCase()) throw new IntegrityError(`the downloaded artifact failed its SHA-256 check (expected ${expected.sha256}, got ${got})`);
    if (expected.bytes !== undefined && bytes !== expected.bytes) throw new IntegrityError(`the downloaded artifact has ${bytes} bytes, not ${expected.bytes}`);
    if (executable) await fs.promises.chmod(tmp, 0o755 & ~process.umask());
    await fs.promises.rename(tmp, out);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
}

// ---------------------------------------------------------------- the program and its libraries

export interface Upload {
  files: Record<string, string>;
  entry: string;
  /** Uploaded name -> the local path, to point diagnostics at the user's files. */
  local: Record<string, string>;
}

/**
 * The program and the libraries it imports, transitively, as the service's `files`: the program
 * under its base name, each library found outside the bundled `lib/` as `lib/NAME.omni`. Imports
 * are the top-level `(import NAME)` forms (also inside top-level `do`/`begin`), resolved the way
 * the compiler resolves them (the program's `lib/`, $OMNI_LIB_PATH, then the bundled libraries).
 * A file that does not parse, or an import that is not found, is left for the service to report.
 */
export async function collectProgram(file: string): Promise<Upload> {
  const { readProgram, Pair, Sym } = await import('@omnilisp/compiler');
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new CliExit(1, `omnilisp: cannot read ${f}: ${(e as Error).message}`);
    }
  };
  const base = path.basename(file);
  const entry = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.omni$/.test(base) ? base : 'main.omni';
  const upload: Upload = { files: { [entry]: read(file) }, entry, local: { [entry]: file } };
  const search = libraryPath(file);
  const bundled = realpath(BUNDLED_LIB_DIR);
  const seen = new Set<string>();

  const importsOf = (source: string, name: string): string[] => {
    const names: string[] = [];
    const visit = (v: unknown) => {
      if (!(v instanceof Pair) || !(v.car instanceof Sym)) return;
      const op = v.car.name;
      if (op === 'import' && v.cdr instanceof Pair && v.cdr.car instanceof Sym) names.push(v.cdr.car.name);
      else if (op === 'do' || op === 'begin') for (let p: unknown = v.cdr; p instanceof Pair; p = p.cdr) visit(p.car);
    };
    try {
      for (const d of readProgram(source, name)) visit(d.value);
    } catch {
      // a syntax error: the service reports it with its position
    }
    return names;
  };

  const queue = importsOf(upload.files[entry], file);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const found = findLibrary(name, search);
    if (!found || path.dirname(realpath(found)) === bundled) continue;
    const key = `lib/${name}.omni`;
    upload.files[key] = read(found);
    upload.local[key] = found;
    queue.push(...importsOf(upload.files[key], found));
  }
  return upload;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** `FILE:LINE:COL: message` for each diagnostic, with uploaded names mapped back to local paths. */
export function formatDiagnostics(diagnostics: Diagnostic[], local: Record<string, string> = {}): string {
  return diagnostics.map((d) => `${local[d.file] ?? d.file}:${d.line}:${d.column}: ${d.message}\n`).join('');
}

// ---------------------------------------------------------------- reporting

interface Manifest {
  key: string;
  output: 'executable' | 'shared';
  target: string;
  compiler: string;
  artifact: { name: string; bytes: number; sha256: string };
  [k: string]: unknown;
}

interface BuildState {
  id: string;
  key: string;
  status: 'queued' | 'active' | 'completed' | 'failed';
  progress?: { stage?: string } | number;
  manifest?: Manifest;
  error?: { code: string; message: string };
  diagnostics?: Diagnostic[];
}

interface RunResponse {
  stdout: string;
  stderr: string;
  exitCode: number;
  limit: string | null;
  truncated: boolean;
  cache: string;
  key: string;
}

/** The exit code and message for an error of a remote command. */
export function explain(e: unknown, local: Record<string, string> = {}): { code: number; text: string } {
  if (e instanceof CliExit) return { code: e.code, text: e.message ? e.message + '\n' : '' };
  if (e instanceof Unreachable) return { code: 2, text: `omnilisp: ${e.message}\n` };
  if (e instanceof ServiceError) {
    if (e.code === 'compile_error') {
      const diags = ((e.details as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics ?? []) as Diagnostic[];
      return { code: 1, text: diags.length ? formatDiagnostics(diags, local) : `omnilisp: ${e.message}\n` };
    }
    // the service's compiler failed on this program: said as the local compiler says it (exit 70)
    if (e.code === 'internal_error') return { code: EXIT_INTERNAL, text: `${e.message}\n` };
    let text = `omnilisp: the service answered ${e.status} ${e.code}: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ''}\n`;
    if (e.status === 401) text += 'omnilisp: give an API key with --api-key, $OMNI_API_KEY or "apiKey" in ~/.omni/config.json\n';
    const available = (e.details as { available?: { target: string; compiler: string; output: string }[] } | undefined)?.available;
    if (Array.isArray(available)) text += `omnilisp: available: ${available.map((a) => `${a.target}/${a.compiler}/${a.output}`).join(', ') || 'none'}\n`;
    return { code: 2, text };
  }
  return { code: 2, text: `omnilisp: ${(e as Error)?.message ?? String(e)}\n` };
}

/** Build progress on stderr: one updating line on a terminal, a line per change otherwise. */
class Progress {
  private last = '';
  private readonly tty = !!process.stderr.isTTY;
  private readonly started = Date.now();
  constructor(private readonly quiet: boolean) {}

  show(s: BuildState): void {
    if (this.quiet) return;
    const stage = typeof s.progress === 'object' && s.progress?.stage ? `: ${s.progress.stage}` : '';
    const what = `build ${s.key.slice(0, 12)} ${s.status}${stage}`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2Komnilisp: ${what} (${((Date.now() - this.started) / 1000).toFixed(1)} s)`);
      this.last = what;
    } else if (what !== this.last) {
      process.stderr.write(`omnilisp: ${what}\n`);
      this.last = what;
    }
  }

  done(): void {
    if (!this.quiet && this.tty && this.last) process.stderr.write('\r\x1b[2K');
    this.last = '';
  }
}

/** Polls a build until it completes (its manifest) or fails (an error). */
async function waitForBuild(client: Client, first: BuildState, progress: Progress): Promise<Manifest> {
  let s = first;
  let delay = 100;
  try {
    for (;;) {
      if (s.status === 'completed' && s.manifest) return s.manifest;
      if (s.status === 'failed') {
        const code = s.error?.code ?? 'internal';
        if (code === 'compile_error') throw new ServiceError(422, code, s.error?.message ?? 'the build failed', { diagnostics: s.diagnostics ?? [] });
        if (code === 'internal_error') throw new ServiceError(500, code, s.error?.message ?? 'internal compiler error');
        throw new CliExit(2, `omnilisp: the build failed (${code}): ${s.error?.message ?? 'no reason given'}`);
      }
      progress.show(s);
      await sleep(delay);
      delay = Math.min(delay * 1.5, 1000);
      s = (await client.json<BuildState>('GET', `/v1/builds/${s.id}`)).body;
    }
  } finally {
    progress.done();
  }
}

// ---------------------------------------------------------------- commands

interface BuildFlags extends ConnectionFlags {
  target?: string;
  compiler?: 'gcc' | 'clang' | 'tcc';
  output: 'executable' | 'shared';
  opt?: '0' | '2';
  static?: boolean;
  out?: string;
  json?: boolean;
}

async function build(file: string, flags: BuildFlags): Promise<void> {
  const client = new Client(resolveEndpoint(flags));
  const upload = await collectProgram(file);
  try {
    const request = {
      files: upload.files,
      entry: upload.entry,
      output: flags.output,
      ...(flags.target ? { target: flags.target } : {}),
      ...(flags.compiler ? { compiler: flags.compiler } : {}),
      ...(flags.opt ? { opt: Number(flags.opt) } : {}),
      ...(flags.static ? { static: true } : {}),
    };
    const submitted = await client.json<BuildState>('POST', '/v1/builds', request);
    const cached = submitted.status === 200;
    const progress = new Progress(!!flags.json);
    let manifest = await waitForBuild(client, submitted.body, progress);
    const executable = manifest.output === 'executable';
    let out = flags.out ?? path.basename(file, '.omni') + (executable ? '' : '.o');
    if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory()) out = path.join(out, path.basename(file, '.omni') + (executable ? '' : '.o'));
    for (let rebuilds = 0; ; rebuilds++) {
      try {
        await client.download(manifest.key, manifest.artifact, out, executable);
        break;
      } catch (e) {
        // the stored artifact was corrupt and is being rebuilt: wait for the build, fetch again
        if (!(e instanceof ServiceError && e.code === 'artifact_rebuilding') || rebuilds >= 2) throw e;
        const again = (await client.json<BuildState>('GET', `/v1/builds/${manifest.key}`)).body;
        manifest = await waitForBuild(client, again, progress);
      }
    }
    const { bytes, sha256 } = manifest.artifact;
    if (flags.json) {
      process.stdout.write(JSON.stringify({ path: path.resolve(out), key: manifest.key, bytes, sha256, cache: cached ? 'hit' : 'miss', manifest }) + '\n');
    } else {
      process.stdout.write(`${out}: ${bytes} bytes, ${manifest.output} for ${manifest.target} (${manifest.compiler}), ${cached ? 'cached' : 'built'}\nkey ${manifest.key}\n`);
    }
  } catch (e) {
    throw withLocal(e, upload.local);
  }
}

interface RunFlags extends ConnectionFlags {
  stdinFile?: string;
  timeout?: string;
  json?: boolean;
}

async function readStdin(flags: RunFlags): Promise<string> {
  if (flags.stdinFile !== undefined) {
    try {
      return fs.readFileSync(flags.stdinFile === '-' ? 0 : flags.stdinFile, 'utf8');
    } catch (e) {
      throw new CliExit(1, `omnilisp: cannot read ${flags.stdinFile}: ${(e as Error).message}`);
    }
  }
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const LIMITS: Record<string, string> = {
  timeout: 'its wall-clock time limit',
  cpu: 'its CPU time limit',
  memory: 'its memory limit',
  output: 'its output limit',
};

async function run(file: string, args: string[], flags: RunFlags): Promise<void> {
  const client = new Client(resolveEndpoint(flags));
  let timeoutMs: number | undefined;
  if (flags.timeout !== undefined) {
    timeoutMs = Number(flags.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new CliExit(1, `omnilisp: --timeout must be a positive number of milliseconds, not ${flags.timeout}`);
  }
  const upload = await collectProgram(file);
  const stdin = await readStdin(flags);
  try {
    const body = { files: upload.files, entry: upload.entry, stdin, args, ...(timeoutMs ? { timeoutMs } : {}) };
    const r = (await client.json<RunResponse>('POST', '/v1/run', body, (timeoutMs ?? 30_000) + RUN_GRACE_MS)).body;
    if (flags.json) return void process.stdout.write(JSON.stringify(r) + '\n');
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.limit) process.stderr.write(`omnilisp: the program was stopped: it exceeded ${LIMITS[r.limit] ?? `its ${r.limit} limit`}\n`);
    else if (r.truncated) process.stderr.write('omnilisp: the output was truncated\n');
    process.exitCode = r.exitCode;
  } catch (e) {
    throw withLocal(e, upload.local);
  }
}

/** Attaches the local file names to a compile error, for explain(). */
function withLocal(e: unknown, local: Record<string, string>): unknown {
  if (e instanceof ServiceError && e.code === 'compile_error') return new CliExit(1, explain(e, local).text.replace(/\n$/, ''));
  return e;
}

async function status(id: string, flags: ConnectionFlags & { json?: boolean }): Promise<void> {
  const client = new Client(resolveEndpoint(flags));
  const s = (await client.json<BuildState>('GET', `/v1/builds/${encodeURIComponent(id)}`)).body;
  if (flags.json) return void process.stdout.write(JSON.stringify(s) + '\n');
  const stage = typeof s.progress === 'object' && s.progress?.stage ? ` (${s.progress.stage})` : '';
  let text = `id ${s.id}\nstatus ${s.status}${stage}\n`;
  if (s.manifest) {
    const m = s.manifest;
    text += `artifact ${m.artifact.name}: ${m.artifact.bytes} bytes, ${m.output} for ${m.target} (${m.compiler})\nsha256 ${m.artifact.sha256}\n`;
  }
  if (s.error) text += `error ${s.error.code}: ${s.error.message}\n`;
  process.stdout.write(text);
  if (s.diagnostics?.length) process.stderr.write(formatDiagnostics(s.diagnostics));
}

/** Runs a command body, turning its errors into a message and an exit code. */
const action =
  <A extends unknown[]>(f: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    try {
      await f(...args);
    } catch (e) {
      const { code, text } = explain(e);
      process.stderr.write(text);
      process.exitCode = code;
    }
  };

const withConnection = (c: Command) =>
  c
    .option('--url <url>', `the service (default: $OMNI_URL, "url" in ~/.omni/config.json, else ${DEFAULT_URL})`)
    .option('--api-key <key>', 'the API key (default: $OMNI_API_KEY, "apiKey" in ~/.omni/config.json)')
    .option('--retries <n>', `attempts for each request on network errors and 429/502/503/504 (default ${DEFAULT_RETRIES})`);

/** The `remote` command group. */
export function remoteCommand(): Command {
  const remote = new Command('remote')
    .description('build and run programs on the compile-and-cache service (exit 2: service or network error)')
    .enablePositionalOptions();

  withConnection(
    remote
      .command('build')
      .description('build FILE (and the libraries it imports) on the service and download the result')
      .argument('<file>', 'the .omni program')
      .option('--target <triple>', 'target triple (default: the service chooses)')
      .addOption(new Option('--compiler <cc>', 'C compiler (default gcc; tcc for shared)').choices(['gcc', 'clang', 'tcc']))
      .addOption(new Option('--output <kind>', 'an executable, or a shared object for the JIT host').choices(['executable', 'shared']).default('executable'))
      .addOption(new Option('-O, --opt <level>', 'C optimisation level (default 2)').choices(['0', '2']))
      .option('--static', 'a fully static executable')
      .option('-o, --out <file>', "where to write it (default: FILE's base name without .omni; NAME.o for shared)")
      .option('--json', 'print one JSON object (path, key, bytes, sha256, cache, manifest), no progress'),
  ).action(action(build));

  withConnection(
    remote
      .command('run')
      .description("run FILE on the service; its output and exit status become this command's")
      .argument('<file>', 'the .omni program')
      .argument('[args...]', 'arguments for the program (after --)')
      .option('--stdin-file <file>', 'standard input for the program (default: this command’s stdin when piped)')
      .option('--timeout <ms>', 'wall-clock limit of the run in milliseconds')
      .option('--json', 'print the whole response as JSON (exit 0 when the run happened)'),
  ).action(action(run));

  withConnection(
    remote
      .command('status')
      .description('the state of a build')
      .argument('<id>', 'the build id (its key)')
      .option('--json', 'print the response as JSON'),
  ).action(action(status));

  return remote;
}
