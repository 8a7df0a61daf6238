import { resolve } from "node:path";
import {
  type AwsSdkClient,
  type CheckpointStore,
  type CheckpointStoreAdmin,
  type Logger,
  MemoryCheckpointStore,
} from "@eddy/core";
import { fileCheckpoints } from "./file-checkpoint-store.ts";
import { redisCheckpoints } from "./redis-checkpoint-store.ts";
import { s3Checkpoints } from "./s3-checkpoint-store.ts";

/**
 * Where checkpoints are kept, as {@link parseCheckpointStoreUrl} reads it from text such as a
 * command-line flag.
 *
 * @example
 * const location: CheckpointStoreLocation = parseCheckpointStoreUrl("s3://my-checkpoints/eddy/");
 * if (location.kind === "s3") console.log(location.bucket, location.prefix);
 */
export type CheckpointStoreLocation =
  | {
      /** `none`: no checkpoints. */
      readonly kind: "none";
    }
  | {
      /** `memory`: in this process, lost when it ends. */
      readonly kind: "memory";
    }
  | {
      /** `redis://` or `rediss://`. */
      readonly kind: "redis";
      /** The URL as given. */
      readonly url: string;
    }
  | {
      /** `s3://<bucket>/<prefix>`. */
      readonly kind: "s3";
      /** The bucket's name. */
      readonly bucket: string;
      /** The "folder" under which the store keeps its objects (may be empty). */
      readonly prefix: string;
    }
  | {
      /** Anything without a scheme: a directory. */
      readonly kind: "directory";
      /** The path as given (relative to the working directory). */
      readonly path: string;
    };

/** `scheme://` at the start of a store URL. */
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** S3's rules for a bucket name: 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads a checkpoint store's location: `redis://host:port[/db]` (or `rediss://`),
 * `s3://<bucket>/<prefix>`, a directory path, `memory` or `none`. Throws a `TypeError` whose
 * message completes "the store URL …" (e.g. "is not a Redis URL such as redis://host:6379").
 *
 * @example
 * parseCheckpointStoreUrl("redis://127.0.0.1:6379/2"); // { kind: "redis", url: "redis://127.0.0.1:6379/2" }
 * parseCheckpointStoreUrl(".eddy/checkpoints"); // { kind: "directory", path: ".eddy/checkpoints" }
 */
export function parseCheckpointStoreUrl(text: string): CheckpointStoreLocation {
  const value = text.trim();
  if (value === "") throw new TypeError("must not be empty");
  if (value === "none" || value === "memory") return { kind: value };
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: "directory", path: value };
  if (scheme === "s3") {
    const match = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(value);
    const bucket = match?.[1] ?? "";
    if (!BUCKET.test(bucket)) {
      throw new TypeError(
        `must be s3://<bucket>/<prefix> with a bucket name of 3 to 63 lowercase letters, digits, dots and hyphens, got ${JSON.stringify(bucket)}`,
      );
    }
    return { kind: "s3", bucket, prefix: match?.[2] ?? "" };
  }
  if (scheme === "redis" || scheme === "rediss") {
    if (!URL.canParse(value) || new URL(value).hostname === "") {
      throw new TypeError("is not a Redis URL such as redis://host:6379");
    }
    return { kind: "redis", url: value };
  }
  throw new TypeError(
    `${scheme}:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none`,
  );
}

/**
 * Options of {@link checkpointStoreAt}.
 *
 * @example
 * const options: CheckpointStoreAtOptions = { logger: silentLogger };
 * const store = checkpointStoreAt("redis://127.0.0.1:6379", options);
 */
export interface CheckpointStoreAtOptions {
  /** The S3 client of an `s3://` store; without one the store builds its own from the SDK's defaults. */
  readonly s3Client?: AwsSdkClient | undefined;
  /** Where the Redis and S3 stores report what goes wrong. */
  readonly logger?: Logger | undefined;
}

/**
 * Opens the store at `location` (text as {@link parseCheckpointStoreUrl} reads it, or its
 * result); `undefined` for `none`. A relative directory is taken from the working directory.
 *
 * @example
 * const store = checkpointStoreAt(process.env.EDDY_CHECKPOINTS ?? ".eddy/checkpoints");
 * const job = pipeline("fx-pricing", store ? { checkpoints: { every: seconds(10), store } } : {});
 */
export function checkpointStoreAt(
  location: string | CheckpointStoreLocation,
  options: CheckpointStoreAtOptions = {},
): (CheckpointStore & CheckpointStoreAdmin) | undefined {
  const where = typeof location === "string" ? parseCheckpointStoreUrl(location) : location;
  const logger = options.logger ? { logger: options.logger } : {};
  switch (where.kind) {
    case "none":
      return undefined;
    case "memory":
      return new MemoryCheckpointStore();
    case "redis":
      return redisCheckpoints(where.url, logger);
    case "s3":
      return s3Checkpoints({
        bucket: where.bucket,
        prefix: where.prefix,
        ...(options.s3Client ? { client: options.s3Client } : {}),
        ...logger,
      });
    case "directory":
      return fileCheckpoints(resolve(where.path));
  }
}
