// Health check of the worker's container (docker/Dockerfile.worker's HEALTHCHECK and the worker's
// readiness probe in infra/base): exits 0 when the Redis at $REDIS_URL answers PING within a few
// seconds, 1 (with the reason on stderr) otherwise. The worker has no HTTP port, and without Redis
// it can take no job; a worker process that dies ends its container, which is restarted.
// CommonJS (.cjs) because the repository's package.json says "type": "module"; ioredis is the
// client the service itself uses (URL syntax, passwords, TLS with rediss://, database numbers).
'use strict';
const { Redis } = require('ioredis');

const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const timeoutMs = Number(process.env.REDIS_PING_TIMEOUT_MS) || 3000;
const redis = new Redis(url, {
  lazyConnect: true,
  connectTimeout: timeoutMs,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null, // one attempt: a health check reports, it does not wait
});
redis.on('error', () => undefined); // reported through the rejected ping below

function done(code, why) {
  if (why) console.error(`redis-ping: ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${why}`);
  redis.disconnect();
  process.exit(code);
}

setTimeout(() => done(1, `no answer within ${timeoutMs} ms`), timeoutMs + 500).unref();
redis.ping().then(
  (reply) => (reply === 'PONG' ? done(0) : done(1, `unexpected reply ${JSON.stringify(reply)}`)),
  (e) => done(1, e.message),
);
