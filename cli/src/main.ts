#!/usr/bin/env node
// The `omnilisp` command. `omnilisp run FILE` is answered from the cache, when it can be, before
// anything heavy (the argument parser, the compiler) is loaded; everything else goes to commands.ts.
import { runCached } from './native.js';

const argv = process.argv.slice(2);
const hit = argv[0] === 'run' && argv.length >= 2 && !argv[1].startsWith('-') ? await runCached(argv[1], argv.slice(2)).catch(() => null) : null;
if (hit) process.exitCode = hit.status;
else await (await import('./commands.js')).main(process.argv);
