#!/usr/bin/env node
// The `omnilisp` command as npm links it (node_modules/.bin/omnilisp after `npm ci`; the global
// command after `npm link`). It is committed, so that npm can link it before anything is built,
// and only starts the compiled CLI, cli/dist/main.js.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!fs.existsSync(fileURLToPath(main))) {
  process.stderr.write(`omnilisp: the CLI is not built (${fileURLToPath(main)} is missing): run \`npm run setup\` in the repository\n`);
  process.exit(1);
}
await import(main.href);
