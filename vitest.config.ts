import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'compiler/src/**/*.test.ts',
      'cli/src/**/*.test.ts',
      'test/src/**/*.test.ts',
      'worker/src/**/*.test.ts',
      'api/src/**/*.test.ts',
    ],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    // Conformance cases are separate processes: run as many at once as there are cores.
    maxConcurrency: os.availableParallelism(),
    // Test files at once (vitest's default is one less than the cores: one file at a time on 2
    // cores, leaving a core idle while single-threaded or waiting files run).
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});
