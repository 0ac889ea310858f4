// Runs untrusted programs through the omni-sandbox launcher (runtime/host/omni-sandbox.c): new
// namespaces (mount, PID, network, IPC, UTS; user when not root), a minimal read-only root, no
// privileges, a seccomp filter, rlimits, wall-clock and resident-memory watchdogs, and the
// OmniLisp runtime's own limits (stack sizes fitted to the memory limit, live threads). This side
// adds what only the caller can do: a fresh scratch directory per run (removed afterwards), the
// cap on the combined size of stdout and stderr, and a backstop timer in case the launcher itself
// hangs. See the "Sandbox" section of runtime/README.md for what is guaranteed and how.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostTriple } from '@omnilisp/compiler/platform';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILT_LAUNCHER = path.join(REPO, 'runtime', 'build', hostTriple(), 'omni-sandbox');
/** Directories the launcher always shows read-only: a program under them needs no `--ro`. */
const SYSTEM_DIRS = ['/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/'];
/** How long after wallMs this side kills the launcher if it has not ended by itself. */
const BACKSTOP_MS = 1000;

export interface SandboxLimits {
  /** CPU time (RLIMIT_CPU: SIGXCPU at this many seconds, SIGKILL one second later). */
  cpuSeconds: number;
  /** Wall-clock time; the launcher kills everything at expiry. */
  wallMs: number;
  /** Resident memory of all the sandbox's processes together (polled every 5 ms). */
  memoryMb: number;
  /** Address space per process (RLIMIT_AS); thread stacks are sized so that `threads` of them fit. */
  addressSpaceMb: number;
  /** Processes and threads (RLIMIT_NPROC; every run has a uid, or a user namespace, of its own). The launcher raises it to 2 × threads + 16 when lower. */
  processes: number;
  /**
   * Live threads of an OmniLisp program, counted by the runtime: spawning one more ends the run
   * with outcome "threads" (`error: spawn: cannot create a thread (limit of N threads reached)`).
   * Defaults to `processes` when only that is given.
   */
  threads: number;
  /** Largest file the program may write (RLIMIT_FSIZE). */
  fileSizeMb: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles: number;
  /** stdout and stderr together; beyond it the run is killed and reported as "output". */
  outputBytes: number;
}

/** 0 means "no limit" for every field except outputBytes. */
export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({
  cpuSeconds: 10,
  wallMs: 20_000,
  memoryMb: 512,
  addressSpaceMb: 4096,
  processes: 256,
  threads: 256,
  fileSizeMb: 64,
  openFiles: 64,
  outputBytes: 1 << 20,
});

export interface SandboxRun {
  /** Absolute path of the executable. Outside /usr, /bin, /sbin, /lib and /lib64 it is made visible read-only automatically. */
  program: string;
  args?: readonly string[];
  stdin?: string | Buffer;
  /** Further files or directories visible read-only at the same path (the object to load, ...); they must be readable by uid 65534 when running as root. */
  readOnly?: readonly string[];
  /** Added to the program's environment (which is otherwise only PATH, HOME, TMPDIR and LANG). */
  env?: Record<string, string>;
  limits?: Partial<SandboxLimits>;
  /** Path of omni-sandbox; default runtime/build/<host triple>/omni-sandbox in this repository. */
  launcher?: string;
}

export type SandboxOutcome = 'exited' | 'signaled' | 'timeout' | 'cpu' | 'memory' | 'output' | 'threads' | 'setup-failed';

export interface SandboxResult {
  stdout: string;
  stderr: string;
  /** The program's exit code, or 128 + signal; 125 when the sandbox could not be set up. */
  exitCode: number;
  outcome: SandboxOutcome;
  /** The output was cut at outputBytes (outcome "output"). */
  truncated: boolean;
  signal: string | null;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** What stopped or failed the run, in words. */
  message?: string;
}

/** The launcher's one JSON line on its status fd. */
interface LauncherStatus {
  outcome: Exclude<SandboxOutcome, 'output'>;
  code: number | null;
  signal: string | null;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  message: string;
}

function effectiveLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits: SandboxLimits = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(limits) as (keyof SandboxLimits)[]) {
    const v = partial[k];
    if (v !== undefined) limits[k] = Math.max(0, Math.floor(v));
  }
  // a caller that bounds "processes and threads" in one number bounds the runtime's threads too
  if (partial.threads === undefined && partial.processes !== undefined) limits.threads = limits.processes;
  return limits;
}

/** The program's real path (the launcher mounts paths at their real location). */
function realProgram(program: string): string {
  try {
    return fs.realpathSync(program);
  } catch {
    return program; // the launcher reports it as setup-failed
  }
}

function launcherArgs(run: SandboxRun, program: string, dir: string, limits: SandboxLimits): string[] {
  // as root, a uid of the run's own: RLIMIT_NPROC counts per uid, so a fork bomb in one sandbox
  // cannot use up the processes of the others (without root, user namespaces already do that)
  const args = ['--dir', dir, '--status-fd', '3', '--uid', 'auto', '--gid', 'auto'];
  args.push('--cpu-seconds', String(limits.cpuSeconds), '--wall-ms', String(limits.wallMs));
  args.push('--memory-mb', String(limits.memoryMb), '--address-space-mb', String(limits.addressSpaceMb));
  args.push('--processes', String(limits.processes), '--threads', String(limits.threads));
  args.push('--file-size-mb', String(limits.fileSizeMb));
  args.push('--open-files', String(limits.openFiles));
  const readOnly = [...(run.readOnly ?? [])];
  if (!SYSTEM_DIRS.some((d) => program.startsWith(d)) && !readOnly.includes(program)) readOnly.push(program);
  for (const p of readOnly) args.push('--ro', p);
  for (const [k, v] of Object.entries(run.env ?? {})) {
    if (!k || k.includes('=') || k.includes('\0') || v.includes('\0')) throw new TypeError(`invalid environment variable ${JSON.stringify(k)}`);
    args.push('--env', `${k}=${v}`);
  }
  args.push('--', program, ...(run.args ?? []));
  return args;
}

function parseStatus(text: string): LauncherStatus | null {
  try {
    const s = JSON.parse(text.trim()) as LauncherStatus;
    return typeof s.outcome === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** Removes a scratch directory whatever the program left in it (modes included). */
async function removeDir(dir: string): Promise<void> {
  try {
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  } catch {
    // a directory the program made unreadable (only possible without root): open everything up
    const open = (p: string): void => {
      try {
        fs.chmodSync(p, 0o700);
        for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) open(path.join(p, e.name));
      } catch {
        // gone already
      }
    };
    open(dir);
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  }
}

/** Collects stdout and stderr up to a combined cap; onOverflow runs once when it is exceeded. */
class OutputCap {
  readonly chunks: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  total = 0;
  exceeded = false;

  constructor(
    private readonly cap: number,
    private readonly onOverflow: () => void,
  ) {}

  add(stream: 'stdout' | 'stderr', d: Buffer): void {
    if (this.exceeded) return;
    const room = this.cap - this.total;
    if (d.length <= room) {
      this.chunks[stream].push(d);
      this.total += d.length;
      return;
    }
    if (room > 0) this.chunks[stream].push(d.subarray(0, room));
    this.total = this.cap;
    this.exceeded = true;
    this.onOverflow();
  }

  text(stream: 'stdout' | 'stderr'): string {
    return Buffer.concat(this.chunks[stream]).toString('utf8');
  }
}

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  status: LauncherStatus | null;
  output: OutputCap;
  backstop: boolean;
  wallMs: number;
}

/** The result from how the launcher ended and what it reported. */
function result(e: Ending): SandboxResult {
  const exitCode = e.code ?? 128 + (e.signal ? os.constants.signals[e.signal] : 0);
  const base = { stdout: e.output.text('stdout'), stderr: e.output.text('stderr'), exitCode, truncated: e.output.exceeded };
  const s = e.status;
  if (e.output.exceeded) {
    const usage = s ? { wallMs: s.wallMs, cpuMs: s.cpuMs, maxRssKb: s.maxRssKb } : { wallMs: e.wallMs, cpuMs: 0, maxRssKb: 0 };
    return { ...base, outcome: 'output', signal: 'SIGKILL', ...usage, message: 'output limit exceeded' };
  }
  if (s) {
    return { ...base, outcome: s.outcome, signal: s.signal, wallMs: s.wallMs, cpuMs: s.cpuMs, maxRssKb: s.maxRssKb, ...(s.message ? { message: s.message } : {}) };
  }
  if (e.backstop) {
    return { ...base, outcome: 'timeout', signal: 'SIGKILL', wallMs: e.wallMs, cpuMs: 0, maxRssKb: 0, message: 'the launcher overran the wall-clock limit and was killed' };
  }
  const how = e.signal ? `was killed by ${e.signal}` : `exited with ${e.code}`;
  return { ...base, outcome: 'setup-failed', signal: null, wallMs: e.wallMs, cpuMs: 0, maxRssKb: 0, message: `omni-sandbox ${how} without a status` };
}

/** Runs one program in the sandbox. Rejects only when the launcher cannot be started at all. */
export async function runSandboxed(run: SandboxRun): Promise<SandboxResult> {
  const limits = effectiveLimits(run.limits);
  const program = realProgram(run.program);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'omni-sandbox-'));
  try {
    const args = launcherArgs(run, program, await fs.promises.realpath(dir), limits);
    return await launch(run.launcher ?? BUILT_LAUNCHER, args, run.stdin, limits);
  } finally {
    await removeDir(dir);
  }
}

function launch(launcher: string, args: string[], stdin: string | Buffer | undefined, limits: SandboxLimits): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(launcher, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: {} });
    const output = new OutputCap(limits.outputBytes, () => child.kill('SIGKILL'));
    let statusText = '';
    let backstop = false;
    const overran = (): void => {
      backstop = true;
      child.kill('SIGKILL');
    };
    const timer = limits.wallMs > 0 ? setTimeout(overran, limits.wallMs + BACKSTOP_MS) : undefined;
    child.stdout!.on('data', (d: Buffer) => output.add('stdout', d));
    child.stderr!.on('data', (d: Buffer) => output.add('stderr', d));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (statusText += d.toString('utf8')));
    child.stdin!.on('error', () => undefined); // the program need not read its input
    child.stdin!.end(stdin ?? '');
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Math.round(performance.now() - started);
      resolve(result({ code, signal, status: parseStatus(statusText), output, backstop, wallMs }));
    });
  });
}
