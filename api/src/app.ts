// The express application: routes over the Service, with auth, rate limits, validation at the
// edge, metrics and JSON errors. main.ts wires it to real Redis and the store; tests use supertest.
import express, { type Request, type RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { ObjectStore, ServiceConfig } from '@omnilisp/worker';
import { authenticate, rateLimit, requireAdmin } from './auth.js';
import { ApiError, errorHandler, notFound } from './errors.js';
import { Metrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { BuildRequest, Key, RunRequest } from './schemas.js';
import { setTrustProxy } from './server.js';
import { Service } from './service.js';

export interface AppDeps {
  config: ServiceConfig;
  redis: Redis;
  store: ObjectStore;
  logger: Logger;
}

export interface App {
  app: express.Express;
  service: Service;
  metrics: Metrics;
  close(): Promise<void>;
}

const keyParam = (req: Request) => {
  const parsed = Key.safeParse(req.params.key ?? req.params.id);
  if (!parsed.success) throw new ApiError(400, 'bad_key', 'a build id or artifact key is 64 lowercase hex digits');
  return parsed.data;
};

/** POST bodies must be JSON. */
const jsonOnly: RequestHandler = (req, _res, next) =>
  next(req.method !== 'POST' || req.is('application/json') ? undefined : new ApiError(415, 'unsupported_media_type', 'send the body as application/json'));

export function createApp({ config, redis, store, logger }: AppDeps): App {
  let service: Service | undefined;
  const metrics = new Metrics(
    () => service!.queueDepth(),
    () => service!.cacheRatio(),
  );
  service = new Service(config, redis, store, metrics, logger);
  const svc = service;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // off unless OMNI_TRUST_PROXY says which proxies to believe: else X-Forwarded-For would pick the rate-limit identity
  setTrustProxy(app, config.http.trustProxy);
  app.use(metrics.middleware());
  // access logs are info lines: above that level the middleware would only cost time
  if (logger.isLevelEnabled('info')) app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' } }));

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const check = async (f: () => Promise<unknown>) => f().then(() => 'ok', (e: Error) => e.message || 'unavailable');
    const [redisState, storeState] = await Promise.all([check(() => redis.ping()), check(() => store.ping())]);
    const ok = redisState === 'ok' && storeState === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', redis: redisState, store: storeState });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/v1/openapi.json', (_req, res) => void res.json(openApiDocument()));

  const v1 = express.Router();
  v1.use(metrics.mounted());
  v1.use(authenticate(config.auth.userKeys, config.auth.adminKeys));
  v1.use(rateLimit(redis, config.prefix, config.limits.ratePerMinute));
  v1.use(jsonOnly);
  v1.use(express.json({ limit: config.limits.bodyBytes }));

  v1.post('/builds', async (req, res) => {
    const r = await svc.submitBuild(BuildRequest.parse(req.body ?? {}));
    res.status(r.status).json(r.body);
  });
  v1.get('/builds/:id', async (req, res) => void res.json(await svc.buildStatus(keyParam(req))));
  v1.get('/artifacts/:key/manifest', async (req, res) => {
    const m = await svc.manifest(keyParam(req));
    res.set('ETag', `"${m.artifact.sha256}"`).json(m);
  });
  v1.get('/artifacts/:key', async (req, res) => {
    const key = keyParam(req);
    const manifest = await svc.manifest(key);
    const etag = `"${manifest.artifact.sha256}"`;
    const immutable = { ETag: etag, 'Cache-Control': 'public, max-age=31536000, immutable' };
    if (req.get('if-none-match') === etag) return void res.status(304).set(immutable).end();
    const url = await svc.presigned(manifest);
    if (url) return void res.set(immutable).redirect(302, url);
    // the bytes are checked before any header is set: an error answer must not look like the artifact.
    // HEAD checks them too and answers what GET would (a corrupt artifact: 503 artifact_rebuilding), without the body
    const body = await svc.artifact(manifest);
    res.set({ ...immutable, 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${manifest.artifact.name}"`, 'X-Content-SHA256': manifest.artifact.sha256 });
    res.send(body);
  });
  v1.post('/run', async (req, res) => void res.json(await svc.run(RunRequest.parse(req.body ?? {}))));
  v1.get('/targets', async (_req, res) => void res.json({ targets: await svc.targets() }));
  v1.get('/cache/stats', async (_req, res) => void res.json(await svc.stats()));
  v1.delete('/cache', requireAdmin, async (_req, res) => void res.json(await svc.clearCache()));
  app.use('/v1', v1);

  app.use(notFound);
  app.use(errorHandler(logger));
  return { app, service: svc, metrics, close: () => svc.close() };
}
