// The service's shared pieces, used by the API: configuration, the job contract, build specs and
// keys, artifacts in the store, logging, and the worker itself (tests and single-process use).
export * from './config.js';
export * from './spec.js';
export * from './queue.js';
export * from './artifacts.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './store/index.js';
export { BuildWorker } from './worker.js';
export type { Toolchain } from './toolchains.js';
