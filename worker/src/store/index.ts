// The artifact object store: a local directory (the embedded default) or S3.
import { FsStore } from './fs-store.js';
import { S3Store } from './s3-store.js';
import type { ObjectStore } from './store.js';

export { FsStore, checkKey, checkPrefix } from './fs-store.js';
export { S3Store, type S3StoreOptions, isUnavailable } from './s3-store.js';
export { type ObjectInfo, type ObjectStore, StoreUnavailableError } from './store.js';

export interface StoreConfig {
  s3Endpoint?: string;
  s3Bucket: string;
  s3Region: string;
  s3ForcePathStyle: boolean;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  s3CreateBucket: boolean;
  storeDir: string;
}

/** S3 when an endpoint is configured, else the local directory storeDir. */
export function createStore(cfg: StoreConfig): ObjectStore {
  if (cfg.s3Endpoint) {
    return new S3Store({
      endpoint: cfg.s3Endpoint,
      region: cfg.s3Region,
      bucket: cfg.s3Bucket,
      forcePathStyle: cfg.s3ForcePathStyle,
      accessKeyId: cfg.s3AccessKeyId,
      secretAccessKey: cfg.s3SecretAccessKey,
      createBucket: cfg.s3CreateBucket,
    });
  }
  return new FsStore(cfg.storeDir);
}
