/**
 * Durable checkpoint storage for Eddy jobs: {@link redisCheckpoints} stores checkpoints in Redis,
 * {@link s3Checkpoints} in S3 and {@link fileCheckpoints} in a directory (incremental key-group
 * blobs, atomic publish, retention, savepoints), and {@link msgpackSerde} serializes state blobs
 * faster and smaller than the default structured clone.
 *
 * @example
 * import { pipeline, seconds } from "@eddy/core";
 * import { msgpackSerde, redisCheckpoints } from "@eddy/state";
 *
 * const job = pipeline("fx-pricing", {
 *   serde: msgpackSerde,
 *   checkpoints: { every: seconds(10), retain: 3, store: redisCheckpoints("redis://127.0.0.1:6379") },
 * });
 * @packageDocumentation
 * @module @eddy/state
 */

export {
  type CheckpointStoreAtOptions,
  type CheckpointStoreLocation,
  checkpointStoreAt,
  parseCheckpointStoreUrl,
} from "./checkpoint-store-url.ts";
export {
  FILE_CHECKPOINT_DEFAULTS,
  FileCheckpointStore,
  type FileCheckpointStoreOptions,
  fileCheckpoints,
} from "./file-checkpoint-store.ts";
export { CheckpointKeyLayout } from "./key-layout.ts";
export { LeaseKeyLayout } from "./lease-key-layout.ts";
export { CheckpointFormatError } from "./manifest-json.ts";
export { msgpackSerde } from "./msgpack-serde.ts";
export {
  REDIS_CHECKPOINT_DEFAULTS,
  RedisCheckpointStore,
  type RedisCheckpointStoreOptions,
  redisCheckpoints,
} from "./redis-checkpoint-store.ts";
export {
  REDIS_LEASE_DEFAULTS,
  RedisLeaseStore,
  type RedisLeaseStoreOptions,
  redisLeases,
} from "./redis-lease-store.ts";
export { S3CheckpointLayout } from "./s3-checkpoint-layout.ts";
export {
  S3_CHECKPOINT_DEFAULTS,
  S3CheckpointStore,
  type S3CheckpointStoreOptions,
  s3Checkpoints,
} from "./s3-checkpoint-store.ts";
export { StaleCheckpointWriterError } from "./stale-writer-error.ts";
