// A Host backed by the process: buffered standard output (flushed at exit, before reading
// input, and when large) and synchronous line reading from standard input.
import fs from 'node:fs';
import type { Host } from './builtins.js';

const FLUSH_AT = 1 << 16;

export class ProcessHost implements Host {
  private out: string[] = [];
  private outSize = 0;
  private inBuf = Buffer.alloc(0);
  private inEnded = false;

  constructor(
    readonly args: readonly string[],
    private readonly stdoutFd = 1,
    private readonly stdinFd = 0,
  ) {}

  write(text: string): void {
    this.out.push(text);
    this.outSize += text.length;
    if (this.outSize >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.out.length === 0) return;
    writeAll(this.stdoutFd, Buffer.from(this.out.join(''), 'utf8'));
    this.out = [];
    this.outSize = 0;
  }

  readLine(): string | null {
    this.flush();
    for (;;) {
      const nl = this.inBuf.indexOf(10);
      if (nl >= 0) {
        const line = this.inBuf.subarray(0, nl);
        this.inBuf = this.inBuf.subarray(nl + 1);
        return stripCR(line.toString('utf8'));
      }
      if (this.inEnded) {
        if (this.inBuf.length === 0) return null;
        const line = this.inBuf.toString('utf8');
        this.inBuf = Buffer.alloc(0);
        return stripCR(line);
      }
      this.fill();
    }
  }

  private fill(): void {
    const chunk = Buffer.alloc(65536);
    let n: number;
    try {
      n = fs.readSync(this.stdinFd, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return sleepBriefly();
      if (code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) this.inEnded = true;
    else this.inBuf = Buffer.concat([this.inBuf, chunk.subarray(0, n)]);
  }

  getenv(name: string): string | undefined {
    return process.env[name];
  }
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      sleepBriefly();
    }
  }
}

function sleepBriefly(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}
