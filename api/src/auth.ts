// Bearer API keys (user and admin) and per-key rate limits.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './errors.js';

export interface Caller {
  /** A stable, non-secret identity: a hash of the key, or the client address without auth. */
  id: string;
  admin: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether candidate is one of keys, compared in constant time. */
function oneOf(candidate: Buffer, keys: Buffer[]): boolean {
  let found = false;
  for (const k of keys) found = timingSafeEqual(candidate, k) || found;
  return found;
}

/**
 * Authenticates `Authorization: Bearer KEY`. Admin keys may do everything, user keys everything
 * but admin operations. With no keys configured, everyone is an admin (the local default).
 */
export function authenticate(userKeys: string[], adminKeys: string[]): RequestHandler {
  const users = userKeys.map(digest);
  const admins = adminKeys.map(digest);
  const open = users.length + admins.length === 0;
  return (req, _res, next) => {
    if (open) {
      req.caller = { id: `ip:${req.ip}`, admin: true };
      return next();
    }
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) return next(new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer KEY', undefined, { 'WWW-Authenticate': 'Bearer' }));
    const d = digest(m[1]);
    const admin = oneOf(d, admins);
    if (!admin && !oneOf(d, users)) return next(new ApiError(401, 'unauthorized', 'unknown API key', undefined, { 'WWW-Authenticate': 'Bearer' }));
    req.caller = { id: `key:${d.toString('hex').slice(0, 16)}`, admin };
    next();
  };
}

export const requireAdmin: RequestHandler = (req, _res, next) =>
  next(req.caller?.admin ? undefined : new ApiError(403, 'forbidden', 'this operation needs an admin key'));

/** At most perMinute requests per caller per minute, counted in Redis (in memory while Redis is down). */
export function rateLimit(redis: Redis, prefix: string, perMinute: number): RequestHandler {
  const memory = new RateLimiterMemory({ points: perMinute, duration: 60 });
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rate`, points: perMinute, duration: 60, insuranceLimiter: memory });
  const callerId = (req: Request) => req.caller?.id ?? `ip:${req.ip}`;
  return async (req, res, next) => {
    try {
      const r = await limiter.consume(callerId(req));
      res.set({ 'RateLimit-Limit': String(perMinute), 'RateLimit-Remaining': String(r.remainingPoints) });
      next();
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) return next(e);
      const retry = String(Math.ceil(e.msBeforeNext / 1000));
      next(new ApiError(429, 'rate_limited', `more than ${perMinute} requests per minute; retry in ${retry} s`, undefined, { 'Retry-After': retry }));
    }
  };
}
