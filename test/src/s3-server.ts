// A local S3 server for tests: the npm `s3rver` package on 127.0.0.1, a free port, a fresh data
// directory and the bucket `omni-test`. It accepts any credentials; use S3RVER / S3RVER.
// restart() stops the server and starts it again on the same port with the same data, to test
// what clients do while the store is away.
//
// s3rver's PutObject is not what S3 guarantees: it truncates the object file and writes the new
// body into it in place (a concurrent GET can read a mix of two bodies or a short one), and it
// answers 200 before the file is completely written. startS3Server replaces it with a put that
// writes a temporary file and renames it over the object, as S3 (atomic PUT, read-after-write)
// behaves; see atomicPut below.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  store: S3rverFilesystemStore;
}
interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | NodeJS.ReadableStream;
  metadata: unknown;
}
/** s3rver's lib/stores/filesystem.js (3.7). */
interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs?: (string | Buffer)[] }[];
  resetOnClose?: boolean;
  allowMismatchedSignatures?: boolean;
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/**
 * s3rver's putObject with S3's guarantees: the body goes to a temporary file next to the object
 * (a name s3rver's listing ignores: it lists files ending in `._S3rver_object`), which is renamed
 * over the object once completely written; only then does the PUT answer.
 */
function atomicPut(store: S3rverFilesystemStore): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const tmp = `${objectPath}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    const md5 = createHash('md5');
    let size = 0;
    try {
      await pipeline(
        Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            md5.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        }),
        fs.createWriteStream(tmp),
      );
      await fs.promises.rename(tmp, objectPath);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}

export const S3_TEST_BUCKET = 'omni-test';
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The service configuration (environment) that points the store at a test server. */
export function s3Env(server: { endpoint: string; bucket: string }): Record<string, string> {
  return {
    S3_ENDPOINT: server.endpoint,
    S3_BUCKET: server.bucket,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
  };
}

export interface S3TestServer {
  /** e.g. http://127.0.0.1:40123 (use forcePathStyle). */
  endpoint: string;
  bucket: string;
  /** The data directory (kept across restarts; removed by destroy() or at process exit). */
  dir: string;
  /** Stops the server (connections are cut); the data stays. */
  stop(): Promise<void>;
  /** Stops (if running) and starts again on the same port with the same data directory. */
  restart(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

export async function startS3Server(): Promise<S3TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-s3rver-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);

  let instance: S3rverInstance | null = null;
  let port = 0;

  const start = async () => {
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: S3_TEST_BUCKET }],
    });
    atomicPut(s.store);
    const address = await s.run();
    port = address.port;
    instance = s;
  };

  const stop = async () => {
    const s = instance;
    if (!s) return;
    instance = null;
    const closed = s.close();
    // Keep-alive connections would hold close() open: cut them, as a crashed server would.
    s.httpServer?.closeAllConnections();
    await closed;
  };

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: S3_TEST_BUCKET,
    dir,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      await stop();
      cleanup();
      process.removeListener('exit', cleanup);
    },
  };
}
