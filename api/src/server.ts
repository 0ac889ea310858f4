// The HTTP server around the express app, with the limits that protect it from slow and greedy
// clients, and the `trust proxy` setting: what main.ts listens with and what the tests exercise.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ConfigError, type ServiceConfig } from '@omnilisp/worker';

/** Header lines a request may have (Node's default is 2000). */
export const MAX_HEADERS_COUNT = 100;
/** Requests one keep-alive connection may carry before it is closed (0 would be unlimited). */
export const MAX_REQUESTS_PER_SOCKET = 1000;
/** How long an idle keep-alive connection is kept open (never longer than the headers timeout). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** What express's `trust proxy` accepts, parsed from OMNI_TRUST_PROXY. */
export type TrustProxy = boolean | number | string[];

/**
 * OMNI_TRUST_PROXY as express's `trust proxy` setting: empty (or `false`) = off, so
 * X-Forwarded-For is ignored and the client address is the socket's; `true` = trust every hop
 * (only behind a proxy that overwrites the header); a whole number = trust that many hops; else a
 * comma-separated list of addresses, subnets (CIDR or netmask) and the names `loopback`,
 * `linklocal`, `uniquelocal`. Express itself checks the list (see setTrustProxy).
 */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Sets app's `trust proxy` from OMNI_TRUST_PROXY; an address express refuses is a ConfigError naming the variable. */
export function setTrustProxy(app: Express, value: string): void {
  try {
    app.set('trust proxy', parseTrustProxy(value));
  } catch (e) {
    throw new ConfigError(`OMNI_TRUST_PROXY: ${(e as Error).message} (give addresses or subnets, loopback, linklocal, uniquelocal, true, false or a number of hops)`);
  }
}

/**
 * Applies the configured limits to a server: headersTimeout (the whole header block must arrive
 * within it) and requestTimeout (the whole request, body included), checked often enough that a
 * slow client is cut off within about a tenth of the smaller timeout; keep-alive, header-count
 * and requests-per-connection bounds.
 */
export function applyServerLimits(server: http.Server, limits: ServiceConfig['http']): void {
  const request = limits.requestTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout
  const headers = Math.min(limits.headersTimeoutMs, request);
  server.requestTimeout = request;
  server.headersTimeout = headers;
  server.keepAliveTimeout = Math.min(KEEP_ALIVE_TIMEOUT_MS, headers);
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  // the socket-inactivity timeout stays off: a run legitimately keeps a response silent for its whole time
  server.timeout = 0;
}

/** How often Node checks connections against the timeouts (its default, 30 s, would make a 10 s timeout 40 s). */
export function connectionsCheckingInterval(limits: ServiceConfig['http']): number {
  const smallest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.max(50, Math.min(1000, Math.floor(smallest / 10)));
}

/** A server for app with the configured limits (not yet listening). */
export function createServer(app: Express, config: Pick<ServiceConfig, 'http'>): http.Server {
  const server = http.createServer({ connectionsCheckingInterval: connectionsCheckingInterval(config.http), maxHeaderSize: 16 * 1024 }, app);
  applyServerLimits(server, config.http);
  return server;
}

/** Listens on config.host:config.port (port 0: any free port); resolves once listening. */
export function listen(app: Express, config: Pick<ServiceConfig, 'http' | 'host' | 'port'>): Promise<http.Server> {
  const server = createServer(app, config);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The address a listening server can be reached at. */
export function serverUrl(server: http.Server): string {
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address === '0.0.0.0' ? '127.0.0.1' : a.address;
  return `http://${host}:${a.port}`;
}
