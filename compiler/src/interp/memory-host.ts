// Running a program entirely in memory: output captured, input from given lines. Used by tests
// and by tools that embed the interpreter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interpretFile } from '../pipeline.js';
import type { Host } from './builtins.js';

export class MemoryHost implements Host {
  private readonly out: string[] = [];
  constructor(
    readonly args: readonly string[] = [],
    private readonly lines: string[] = [],
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}
  write(text: string): void {
    this.out.push(text);
  }
  flush(): void {}
  readLine(): string | null {
    return this.lines.shift() ?? null;
  }
  getenv(name: string): string | undefined {
    return this.env[name];
  }
  get stdout(): string {
    return this.out.join('');
  }
}

export interface SourceRun {
  stdout: string;
  stderr: string;
  status: number;
}

/**
 * Runs program text with the interpreter, from a temporary file; positions in stderr name it
 * `program.omni`, so two runs print the same.
 */
export function interpretSource(source: string, host = new MemoryHost()): SourceRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-run-'));
  try {
    const file = path.join(dir, 'program.omni');
    fs.writeFileSync(file, source);
    let stderr = '';
    const status = interpretFile(file, { host, stderr: (t) => void (stderr += t) });
    return { stdout: host.stdout, stderr: stderr.replaceAll(dir + path.sep, ''), status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
