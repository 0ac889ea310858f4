#!/usr/bin/env node
// The API process: `node api/dist/main.js` (configuration from the environment).
import { ConfigError, connect, createLogger, createStore, loadConfig, redactUrl, stopOnSignals } from '@omnilisp/worker';
import { createApp } from './app.js';
import { listen, serverUrl } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('omni-api', config.logLevel, config.logFormat);
  if (!config.auth.userKeys.length && !config.auth.adminKeys.length) {
    logger.warn('OMNI_API_KEYS and OMNI_ADMIN_KEYS are empty: the API runs WITHOUT authentication (every caller is an admin)');
  }
  const redis = connect(config.redisUrl, true);
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis'));
  const store = createStore(config.store);
  const { app, close } = createApp({ config, redis, store, logger });
  // with the configured header, request and keep-alive timeouts: a slow client is cut off in seconds
  const server = await listen(app, config);
  // where things are, once: the API, its description, the store (no credentials: a password in a URL is masked)
  const url = serverUrl(server);
  const { headersTimeoutMs, requestTimeoutMs, trustProxy } = config.http;
  logger.info(
    { docs: `${url}/v1/openapi.json`, store: `${store.kind}:${redactUrl(store.location)}`, redis: redactUrl(config.redisUrl), headersTimeoutMs, requestTimeoutMs, trustProxy: trustProxy || false },
    `OmniLisp service listening on ${url}`,
  );
  stopOnSignals(logger, () => new Promise<void>((resolve) => server.close(() => void close().finally(resolve))), 10_000);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `omni-api: configuration: ${e.message}` : e);
  process.exit(1);
});
