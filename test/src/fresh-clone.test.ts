// A fresh clone works on its own. The repository at its current commit is cloned (`git clone`:
// committed files only) into an empty temporary directory with nothing beside it, and checked:
//   (a) no file refers to the workplace's shared folder, to a path that climbs out of the
//       repository, or to an absolute path of some machine (a home or work directory, the path of
//       this checkout); system paths that code uses on purpose are allowed by the short list below;
//   (b) the conformance corpus is there (test/conformance, each case with its expected output);
//   (c) the `omnilisp` bin shim is there, executable, named by cli/package.json "bin", and says
//       what to do when the CLI is not built yet (as in a clone before `npm run setup`).
// Then, in this checkout (set up): node_modules/.bin/omnilisp is the shim and `npx omnilisp`
// runs a program.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = 'cli/bin/omnilisp.js';

function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`git is needed by this test and could not be run: ${r.error.message} (Debian: apt-get install git)`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${r.stderr}`);
  return r.stdout;
}

// ------------------------------------------------------------------ what a file may not mention

// The patterns are assembled from pieces so that this file does not match them itself.
const UP = '\\.\\./';
/** The workplace's shared folder, beside the repository: its corpus and language text are in the repository now. */
const SHARED = new RegExp(`${UP}shared\\b|\\bshared/(?:conformance|LANGUAGE\\.md|seeds|hooks)\\b`);
/** `../` chains: each is resolved against the file's folder and must stay inside the repository. */
const CLIMB = new RegExp(`(?<![\\w.])((?:${UP})+)([\\w.-]*)`, 'g');
/**
 * Absolute paths under top-level folders that belong to a machine rather than to the system: home
 * and work directories, mounts, add-on software. The system's own folders (usr, bin, lib, proc,
 * dev, tmp, ...) are not among them: code uses them on purpose (`#!/usr/bin/env node`, libtcc's
 * header, the sandbox's binds, temporary files). etc and var are, for the sake of the few files in
 * them that ALLOWED names. A slash after a backslash is a regular expression's, not a path.
 */
const MACHINE_ROOTS = ['work', 'home', 'root', 'Users', 'mnt', 'media', 'opt', 'srv', 'nix', 'snap', 'Volumes', 'private', 'boot', 'etc', 'var', 'shared'];
const ABSOLUTE = new RegExp(`(?<![\\w.~$/@:\\\\-])/(?:${MACHINE_ROOTS.join('|')})(?![\\w.-])(?:/[^\\s'"\`)\\]}>,;:*]*)?`, 'g');
/**
 * The allow-list, each with its reason:
 *   etc/ld.so.cache      the sandbox binds it read-only (runtime/host/omni-sandbox.c), so that
 *                        dynamically linked programs start in it
 *   var/lib/apt/lists    the Dockerfiles empty apt's package lists after installing (and
 *                        deploy-files.test.ts checks that they do)
 *   root, home, work, var, var/log, etc, root/.bashrc, etc/NAME: the sandbox's documentation and
 *                        tests name host folders that a program run in the sandbox must not see
 *   a line marked `hostile path`: test data that must be refused (path traversal in import names,
 *                        artifact names), never read
 */
const HOSTILE_PATH = /\bhostile path\b/;
const SANDBOX_FILES = /^(?:test\/src\/sandbox\.test\.ts|runtime\/README\.md|runtime\/host\/omni-sandbox\.c)$/;
const ALLOWED: { path: RegExp; files?: RegExp }[] = [
  { path: /^\/etc\/ld\.so\.cache$/ },
  { path: /^\/var\/lib\/apt\/lists\/?$/, files: /^(?:docker\/Dockerfile\.\w+|test\/src\/deploy-files\.test\.ts)$/ },
  { path: /^\/(?:root|home|work|var|var\/log|etc|root\/\.bashrc|etc\/\$\{\w+)$/, files: SANDBOX_FILES },
];

/** This checkout's absolute location and its folder's (when not a top-level folder): no file names them. */
const HERE = [REPO, path.dirname(REPO)]
  .filter((p) => p.split('/').filter(Boolean).length >= 2)
  .map((p) => new RegExp(`(?<![\\w.-])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`));

/** What is wrong in one file's text: `file:line: what`. */
function offences(file: string, text: string, root: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (SHARED.test(line)) found.push(`${at}: refers to the shared folder outside the repository: ${line.trim()}`);
    for (const p of HERE) if (p.test(line)) found.push(`${at}: names this checkout's absolute path: ${line.trim()}`);
    if (HOSTILE_PATH.test(line)) return;
    for (const m of line.matchAll(CLIMB)) {
      const target = path.resolve(root, path.dirname(file), m[1] + m[2]);
      if (path.relative(root, target).startsWith('..')) found.push(`${at}: ${m[0]} climbs out of the repository: ${line.trim()}`);
    }
    for (const m of line.matchAll(ABSOLUTE)) {
      const p = m[0].replace(/[.]+$/, '');
      if (!ALLOWED.some((a) => a.path.test(p) && (!a.files || a.files.test(file)))) found.push(`${at}: absolute path outside the repository ${p}: ${line.trim()}`);
    }
  });
  return found;
}

// ------------------------------------------------------------------ the clone

let tmp = '';
let clone = '';
let files: string[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-fresh-clone-'));
  clone = path.join(tmp, 'omnilisp');
  git(['clone', '--quiet', REPO, clone], tmp);
  files = git(['ls-files', '-z'], clone).split('\0').filter(Boolean);
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('is alone in its folder and has no node_modules, dist or runtime build', () => {
    expect(fs.readdirSync(tmp)).toEqual(['omnilisp']);
    for (const p of ['node_modules', 'cli/dist', 'compiler/dist', 'runtime/build']) expect(fs.existsSync(path.join(clone, p)), p).toBe(false);
    expect(files.length).toBeGreaterThan(100);
  });

  it('refers to nothing outside the repository: no shared folder, no climbing out, no machine paths', () => {
    const found: string[] = [];
    for (const f of files) {
      const buf = fs.readFileSync(path.join(clone, f));
      if (buf.includes(0)) continue; // binary
      found.push(...offences(f, buf.toString('utf8'), clone));
    }
    expect(found, `\n${found.join('\n')}\n`).toEqual([]);
  });

  it('the check above finds what it looks for (on made-up lines; written with ^ for / so that this file passes it)', () => {
    const root = '/r';
    const sample = [
      "const dir = path.resolve(ROOT, '..^shared^conformance');",
      'see ..^..^..^elsewhere^x.md',
      "const data = '^work^main^test';",
      'cp ~^x ^home^someone^y',
      'fs.readFileSync("^etc^passwd")',
      // allowed:
      '[README](..^README.md) and ..^..^docs^LANGUAGE.md',
      '#!^usr^bin^env node',
      '#include "^usr^include^libtcc.h"',
      "fs.readFileSync('^proc^self^status'), '^dev^null', '^tmp^x', 'http:^^example.com^home^x', ^\\^etc^ (a regular expression)",
      'binds ^etc^ld.so.cache',
    ]
      .join('\n')
      .replaceAll('^', '/');
    const found = offences('docs/x/y.md', sample, root);
    expect([...new Set(found.map((f) => f.split(':').slice(0, 2).join(':')))], found.join('\n')).toEqual([
      'docs/x/y.md:1', // the shared folder
      'docs/x/y.md:2', // climbing out
      'docs/x/y.md:3', // a work directory (and, in a checkout there, this checkout's path)
      'docs/x/y.md:4', // a home directory
      'docs/x/y.md:5', // a system file not in ALLOWED
    ]);
  });

  it('has the conformance corpus: test/conformance, its README, each case with its expected output', () => {
    const dir = path.join(clone, 'test/conformance');
    expect(fs.existsSync(dir), 'test/conformance').toBe(true);
    expect(fs.existsSync(path.join(dir, 'README.md')), 'test/conformance/README.md').toBe(true);
    const names = fs.readdirSync(dir);
    const cases = names.filter((f) => f.endsWith('.omni')).map((f) => f.slice(0, -'.omni'.length));
    expect(cases.length).toBeGreaterThan(100);
    const has = new Set(names);
    const problems = cases.flatMap((c) => [
      ...(has.has(`${c}.out`) ? [] : [`${c}: no ${c}.out`]),
      ...(has.has(`${c}.status`) === has.has(`${c}.err`) ? [] : [`${c}: .status and .err must come together`]),
    ]);
    expect(problems).toEqual([]);
    // and the language definition the corpus follows
    expect(fs.existsSync(path.join(clone, 'docs/LANGUAGE.md')), 'docs/LANGUAGE.md').toBe(true);
  });

  it('has the omnilisp bin shim: executable, named by cli/package.json "bin", and it says how to build the CLI', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(clone, 'cli/package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin).toEqual({ omnilisp: path.posix.relative('cli', BIN) });
    const [mode] = git(['ls-files', '-s', BIN], clone).split(' ');
    expect(mode, `${BIN} is committed as executable`).toBe('100755');
    expect(fs.statSync(path.join(clone, BIN)).mode & 0o111, `${BIN} is executable in the clone`).not.toBe(0);
    expect(fs.readFileSync(path.join(clone, BIN), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // before setup (no cli/dist): a clear message, not a stack trace
    const r = spawnSync(path.join(clone, BIN), ['run', 'examples/hello.omni'], { cwd: clone, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^omnilisp: the CLI is not built .*cli\/dist\/main\.js is missing.*npm run setup/);
  });
});

describe('this checkout, set up', () => {
  it('has node_modules/.bin/omnilisp, linking the shim', () => {
    const link = path.join(REPO, 'node_modules/.bin/omnilisp');
    expect(fs.existsSync(link), `${link} is missing: run \`npm run setup\` (npm ci links it)`).toBe(true);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(path.join(REPO, BIN)));
  });

  it('runs `npx omnilisp run --interp examples/hello.omni Ada`', () => {
    const r = spawnSync('npx', ['--no', 'omnilisp', 'run', '--interp', 'examples/hello.omni', 'Ada'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new Error(`npx could not be run: ${r.error.message}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Hello, Ada!');
    expect(r.stdout).toBe(fs.readFileSync(path.join(REPO, 'examples/hello.out'), 'utf8').replace('Hello, world!', 'Hello, Ada!'));
  });
});
