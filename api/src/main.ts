#!/usr/bin/env node
// The API process: `node api/dist/main.js` (configuration from the environment).
import { ConfigError, connect, createLogger, createStore, loadConfig, stopOnSignals } from '@omnilisp/worker';
import { createApp } from './app.js';
import { listen } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('omni-api', config.logLevel);
  if (!config.auth.userKeys.length && !config.auth.adminKeys.length) {
    logger.warn('OMNI_API_KEYS and OMNI_ADMIN_KEYS are empty: the API runs WITHOUT authentication (every caller is an admin)');
  }
  const redis = connect(config.redisUrl, true);
  redis.on('error', (e) => logger.warn({ err: e.message }, 'redis'));
  const store = createStore(config.store);
  const { app, close } = createApp({ config, redis, store, logger });
  // with the configured header, request and keep-alive timeouts: a slow client is cut off in seconds
  const server = await listen(app, config);
  const shown = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const { headersTimeoutMs, requestTimeoutMs, trustProxy } = config.http;
  logger.info(
    { store: `${store.kind}:${store.location}`, redis: config.redisUrl, headersTimeoutMs, requestTimeoutMs, trustProxy: trustProxy || false },
    `OmniLisp service listening on http://${shown}:${config.port}`,
  );
  stopOnSignals(logger, () => new Promise<void>((resolve) => server.close(() => void close().finally(resolve))), 10_000);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `omni-api: configuration: ${e.message}` : e);
  process.exit(1);
});
