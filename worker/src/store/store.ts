// The artifact object store: one interface, two backends (a local directory and S3). The layout of
// keys is decided by callers (see ../spec.ts, storeKeys); the store only guarantees that a reader
// never sees a partially written object and that backend outages surface as StoreUnavailableError.

/**
 * The backend is unreachable or failing (connection refused/reset, timeouts, 5xx, an unusable
 * directory): callers answer 503 and retry later. Anything else thrown by a store is a bug or a
 * misconfiguration.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface ObjectInfo {
  key: string;
  size: number;
}

export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  /** A human-readable location (directory or endpoint/bucket) for logs. */
  readonly location: string;
  /** The whole object, or null when absent. */
  get(key: string): Promise<Buffer | null>;
  /** A stream of the object and its size, or null when absent. */
  open(key: string): Promise<{ stream: NodeJS.ReadableStream; size: number } | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Stores body under key atomically: a reader sees nothing or all of it, never a part. */
  put(key: string, body: Buffer, contentType?: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every object under prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object under prefix (keys relative to the store root). */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** A presigned GET URL (S3 only; the fs store returns null). */
  presignGet(key: string, expiresSeconds: number): Promise<string | null>;
  /** Resolves when the backend is reachable (readiness); throws StoreUnavailableError otherwise. */
  ping(): Promise<void>;
}
