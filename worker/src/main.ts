#!/usr/bin/env node
// The worker process: `node worker/dist/main.js` (configuration from the environment).
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createStore } from './store/index.js';
import { BuildWorker } from './worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('omni-worker', config.logLevel);
  const worker = new BuildWorker({ config, store: createStore(config.store), logger });
  await worker.start();
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping: finishing the jobs in hand');
    await worker.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `omni-worker: configuration: ${e.message}` : e);
  process.exit(1);
});
