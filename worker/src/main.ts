#!/usr/bin/env node
// The worker process: `node worker/dist/main.js` (configuration from the environment).
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { stopOnSignals } from './shutdown.js';
import { createStore } from './store/index.js';
import { BuildWorker } from './worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('omni-worker', config.logLevel, config.logFormat);
  const worker = new BuildWorker({ config, store: createStore(config.store), logger });
  await worker.start();
  // jobs in hand finish first (a run may take OMNI_RUN_MAX_TIMEOUT_MS)
  stopOnSignals(logger, () => worker.stop(), config.limits.runMaxTimeoutMs + 30_000);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `omni-worker: configuration: ${e.message}` : e);
  process.exit(1);
});
