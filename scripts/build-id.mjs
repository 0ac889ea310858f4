// Writes compiler/dist/BUILD_ID: a SHA-256 over the compiled compiler, the "compiler version" in
// cache keys (any change to the compiler invalidates cached programs).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dist = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'compiler', 'dist');
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) files.push(p);
  }
};
walk(dist);
const hash = createHash('sha256');
for (const f of files) hash.update(path.relative(dist, f)).update('\0').update(fs.readFileSync(f)).update('\0');
fs.writeFileSync(path.join(dist, 'BUILD_ID'), hash.digest('hex') + '\n');
