// Logs for both service processes (pino): JSON lines for machines (compose, Kubernetes, any pipe),
// readable coloured lines for a person at a terminal. LOG_FORMAT chooses: `auto` (the default)
// is pretty only when stdout is a terminal; `json` and `pretty` force one or the other.
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { type DestinationStream, type Logger, pino } from 'pino';

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether logs in this format are pretty lines: `pretty`, or `auto` with stdout a terminal. */
export function isPretty(format: LogFormat, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stdout.isTTY === true);
}

/**
 * The logger of a service process. JSON (pino's own lines, unchanged) unless format says pretty;
 * then pino-pretty formats each record in this process, synchronously, on stdout: one line per
 * record (a stack, if any, below it), coloured when the terminal supports it (NO_COLOR turns it off).
 */
export function createLogger(name: string, level: string, format: LogFormat = 'json'): Logger {
  if (!isPretty(format)) return pino({ name, level });
  return pino({ name, level }, prettyStream());
}

// pino-pretty is loaded only for a terminal: JSON logs (production) never load it
const require = createRequire(import.meta.url);

function prettyStream(): DestinationStream {
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({
    colorize: pretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // the fields are written by prettyMessage, on the same line
    hideObject: true,
    messageFormat: prettyMessage,
    sync: true,
  });
}

/** Keys pino-pretty shows itself (time, level, name) or that prettyMessage shows otherwise. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'req', 'res', 'responseTime']);

interface ErrorLike {
  message: string;
  stack?: string;
}
const isErrorLike = (v: unknown): v is ErrorLike => typeof v === 'object' && v !== null && typeof (v as ErrorLike).message === 'string' && 'stack' in v;

function show(v: unknown): string {
  if (typeof v === 'string') return v === '' || /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(',');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/**
 * The text after `[time] LEVEL (name):` — the message, then the record's fields as dimmed
 * key=value pairs; an access log (pino-http) as `METHOD URL STATUS N ms`; an error's stack indented
 * on the lines below.
 */
export function prettyMessage(log: Record<string, unknown>, messageKey: string, _level: string, { colors }: { colors: { dim(s: string): string } }): string {
  let text = typeof log[messageKey] === 'string' ? (log[messageKey] as string) : '';
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  const access = req !== undefined && res !== undefined;
  // an access log's error is pino-http's own "failed with status code N": the status says it
  if (access) text = `${req.method} ${req.url} ${res.statusCode} ${log.responseTime} ms`;
  const fields: string[] = [];
  const stacks: string[] = [];
  for (const [k, v] of Object.entries(log)) {
    if (SHOWN.has(k) || k === messageKey || v === undefined || (access && k === 'err')) continue;
    if (isErrorLike(v)) {
      fields.push(`${k}=${show(v.message)}`);
      if (v.stack) stacks.push(v.stack.replace(/^/gm, '    '));
    } else fields.push(`${k}=${show(v)}`);
  }
  return [text, ...(fields.length ? [colors.dim(fields.join(' '))] : [])].join('  ') + stacks.map((s) => `\n${s}`).join('');
}

/** A URL with any password replaced by `***` (for logs); anything that is not a URL unchanged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
