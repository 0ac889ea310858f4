// The S3 store: any S3-compatible endpoint (AWS, MinIO, Ceph, s3rver...). One PutObject is atomic
// on S3 (a reader sees the old object or the new one), so put needs no temporary key. Short
// timeouts make an unreachable endpoint fail fast; network errors, timeouts and 5xx answers become
// StoreUnavailableError, a missing key becomes null.
import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkKey, checkPrefix } from './fs-store.js';
import { type ObjectInfo, type ObjectStore, StoreUnavailableError } from './store.js';

export interface S3StoreOptions {
  /** e.g. http://127.0.0.1:9000 (MinIO); omitted: AWS S3 in `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Path-style URLs (endpoint/bucket/key): needed by MinIO and most local servers. */
  forcePathStyle: boolean;
  /** Both or neither; neither: the AWS default credential chain (env, profile, instance role...). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Create the bucket on ping when it is missing (local and test setups). */
  createBucket?: boolean;
  /** Milliseconds to establish a connection (default 1000). */
  connectionTimeoutMs?: number;
  /** Milliseconds from sending a request to its response headers (default 10000). */
  requestTimeoutMs?: number;
}

/** Error codes of a connection that failed or broke: the backend is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ERR_STREAM_PREMATURE_CLOSE',
]);
/** Error names the SDK and S3 use for timeouts and throttling. */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'SlowDown', 'InternalError',
  'Throttling', 'ThrottlingException',
]);
const ABSENT_NAMES = new Set(['NoSuchKey', 'NotFound']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number };
}

const asSdk = (err: unknown): SdkError => (typeof err === 'object' && err !== null ? (err as SdkError) : {});
const statusOf = (err: unknown): number | undefined => asSdk(err).$metadata?.httpStatusCode;

function isNetworkError(err: unknown): boolean {
  const e = asSdk(err);
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // Node's happy-eyeballs connect reports an AggregateError of one error per address.
  if (Array.isArray(e.errors) && e.errors.some(isNetworkError)) return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET/.test(e.message ?? '');
}

/** True for errors that mean the backend is unreachable or failing (not a bad request). */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const status = statusOf(err);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  const name = asSdk(err).name;
  if (name && UNAVAILABLE_NAMES.has(name)) return true;
  return status === undefined && isNetworkError(err);
}

/** An S3 answer that the server does not implement an operation. */
const isNotImplemented = (err: unknown): boolean =>
  statusOf(err) === 501 || statusOf(err) === 405 || ['NotImplemented', 'MethodNotAllowed'].includes(asSdk(err).name ?? '');

export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly createBucket: boolean;
  /** Cleared the first time the server rejects DeleteObjects as unimplemented. */
  private multiDelete = true;

  constructor(opts: S3StoreOptions) {
    if (Boolean(opts.accessKeyId) !== Boolean(opts.secretAccessKey)) {
      throw new Error('S3 store: give both an access key id and a secret access key, or neither');
    }
    this.bucket = opts.bucket;
    this.region = opts.region;
    this.createBucket = opts.createBucket ?? false;
    this.location = opts.endpoint
      ? `${opts.endpoint.replace(/\/+$/, '')}/${opts.bucket}`
      : `s3://${opts.bucket} (${opts.region})`;
    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      maxAttempts: 2,
      // NodeHttpHandler options (the SDK builds the handler from them): fail fast when the endpoint
      // is unreachable. requestTimeout runs until the response headers, not while a body streams.
      requestHandler: {
        connectionTimeout: opts.connectionTimeoutMs ?? 1000,
        requestTimeout: opts.requestTimeoutMs ?? 10_000,
        throwOnRequestTimeout: true,
      },
      // Checksums only where S3 requires them: S3-compatible servers vary in what they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (opts.endpoint) config.endpoint = opts.endpoint;
    if (opts.accessKeyId && opts.secretAccessKey) {
      config.credentials = { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey };
    }
    // OmniLisp supports Node.js 20 (package.json engines): the SDK's end-of-support notice for it
    // would only reach operators as noise on every start. Their own setting wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client(config);
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private fail(err: unknown, op: string, key?: string): Error {
    const what = `S3 store ${this.location}: ${op}${key === undefined ? '' : ` ${key}`}`;
    const e = asSdk(err);
    const detail = [e.name, e.code, statusOf(err)].filter((x) => x !== undefined && x !== 'Error').join(' ');
    if (isUnavailable(err)) return new StoreUnavailableError(`${what} failed: ${detail || e.message || String(err)}`, { cause: err });
    if (e.name === 'NoSuchBucket') return new StoreUnavailableError(`${what} failed: the bucket does not exist`, { cause: err });
    const error = new Error(`${what} failed: ${detail}${e.message ? ` (${e.message})` : ''}`, { cause: err });
    return error;
  }

  async get(key: string): Promise<Buffer | null> {
    checkKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return Buffer.alloc(0);
      const bytes = await out.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if (ABSENT_NAMES.has(asSdk(err).name ?? '')) return null;
      throw this.fail(err, 'get', key);
    }
  }

  async open(key: string): Promise<{ stream: NodeJS.ReadableStream; size: number } | null> {
    checkKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const stream = out.Body as Readable | undefined;
      if (!stream) throw new Error('GetObject returned no body');
      return { stream, size: out.ContentLength ?? 0 };
    } catch (err) {
      if (ABSENT_NAMES.has(asSdk(err).name ?? '')) return null;
      throw this.fail(err, 'open', key);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    checkKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0 };
    } catch (err) {
      // HEAD answers carry no error body: a 404 is "NotFound", whatever is missing.
      if (ABSENT_NAMES.has(asSdk(err).name ?? '') || statusOf(err) === 404) return null;
      throw this.fail(err, 'head', key);
    }
  }

  async put(key: string, body: Buffer, contentType?: string): Promise<void> {
    checkKey(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: contentType ?? 'application/octet-stream',
        }),
      );
    } catch (err) {
      throw this.fail(err, 'put', key);
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (ABSENT_NAMES.has(asSdk(err).name ?? '')) return;
      throw this.fail(err, 'delete', key);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    // List everything first, then delete: no continuation token refers to a deleted key.
    const keys = (await this.list(prefix)).map((o) => o.key);
    let deleted = 0;
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (this.multiDelete) {
        let errors: { Key?: string; Code?: string; Message?: string }[] | undefined;
        try {
          const out = await this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
          errors = out.Errors ?? [];
        } catch (err) {
          if (!isNotImplemented(err)) throw this.fail(err, 'deletePrefix', prefix);
          this.multiDelete = false; // single deletes, now and from now on
        }
        if (errors) {
          if (errors.length > 0) {
            const first = errors[0]!;
            throw new Error(
              `S3 store ${this.location}: deleting ${errors.length} object(s) under ${prefix} failed: ${first.Key}: ${first.Code} ${first.Message ?? ''}`,
            );
          }
          deleted += batch.length;
          continue;
        }
      }
      for (const key of batch) {
        await this.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(prefix);
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.fail(err, 'list', prefix);
    }
    return out;
  }

  async presignGet(key: string, expiresSeconds: number): Promise<string | null> {
    checkKey(key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresSeconds });
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      const missing = statusOf(err) === 404 || ['NotFound', 'NoSuchBucket'].includes(asSdk(err).name ?? '');
      if (!missing) throw this.unavailable(err, 'ping');
      if (!this.createBucket) {
        throw new StoreUnavailableError(`S3 store ${this.location}: the bucket does not exist (set S3_CREATE_BUCKET=true to create it)`, { cause: err });
      }
    }
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          ...(this.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: this.region as never } }),
        }),
      );
    } catch (err) {
      // Created meanwhile by another process: fine.
      if (['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(asSdk(err).name ?? '')) return;
      throw this.unavailable(err, 'create bucket');
    }
  }

  /** Readiness: every failure is "not ready". */
  private unavailable(err: unknown, op: string): StoreUnavailableError {
    const e = this.fail(err, op);
    return e instanceof StoreUnavailableError ? e : new StoreUnavailableError(e.message, { cause: err });
  }
}
