import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { type AwsSdkClient, type Clock, DEFAULT_RETRY, type Logger, type RetryOptions } from "@eddy/core";

/**
 * Options of {@link s3Sink}. Rolling options follow Flink's `FileSink` `DefaultRollingPolicy`.
 *
 * @example
 * import { S3Client } from "@aws-sdk/client-s3";
 * const options: S3SinkOptions<Click> = {
 *   bucket: "analytics",
 *   prefix: "clicks/",
 *   keyPrefix: (c, timestamp) => `page=${encodeURIComponent(c.page)}/${eventTimePartition(c, timestamp)}`,
 *   compression: "gzip",
 *   rolloverInterval: minutes(5),
 *   client: new S3Client({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * clicks.sink(s3Sink(options));
 */
export interface S3SinkOptions<T> {
  /** The bucket to write to (it must exist). */
  readonly bucket: string;
  /** Where the sink's objects go, e.g. `"events/"`. Default `""` (the bucket's root). */
  readonly prefix?: string;
  /**
   * The part of an object's key between `prefix` and its file name, from a record and its event
   * time (epoch ms; processing time when the stream carries none). Default
   * {@link eventTimePartition}: `dt=2026-11-21/hh=14/` (UTC).
   */
  readonly keyPrefix?: (record: T, timestamp: number) => string;
  /** One record's bytes, including its delimiter. Default {@link jsonLine}: JSON and a newline. */
  readonly serializer?: (record: T) => string | Uint8Array;
  /** `"gzip"` compresses objects (and adds `.gz` to their names). Default `"none"`. */
  readonly compression?: "none" | "gzip";
  /** A part file is rolled (closed) once it holds this many bytes, before compression. Default 128 MiB. */
  readonly maxPartSize?: number;
  /** A part file is rolled this long (processing time) after it was opened. Default 60 s. */
  readonly rolloverInterval?: number;
  /** A part file is rolled when no record has reached it for this long. Default 60 s. */
  readonly inactivityInterval?: number;
  /**
   * A part file this large is uploaded with a multipart upload, a part of this size at a time, as it
   * grows; smaller ones are staged whole. At least 5 MiB (S3's minimum part size). Default 5 MiB.
   */
  readonly multipartPartSize?: number;
  /** Concurrent uploads before writes wait (backpressure). Default 4. */
  readonly maxConcurrentUploads?: number;
  /** Object names are `<fileNamePrefix>-<run>-<n>.jsonl[.gz]`. Default `"part"`. */
  readonly fileNamePrefix?: string;
  /**
   * Where records that cannot be serialized go, as JSON lines `{ error, record, timestamp }`, under
   * the default event-time partition. Default `<prefix>_errors/`.
   */
  readonly errorPrefix?: string;
  /**
   * Where part files wait for their checkpoint to complete. Must belong to this sink alone: what it
   * finds there on start that its checkpoint does not cover is deleted. Default
   * `_eddy-staging/<prefix><fileNamePrefix>/`.
   */
  readonly stagingPrefix?: string;
  /**
   * The AWS SDK v3 `S3Client` to use, as given: its region, credentials, endpoint and retry
   * settings (not closed by the sink). Eddy retries every S3 call itself, so the client's own
   * attempts run inside each of Eddy's: build it with `maxAttempts: 1` to keep them from
   * multiplying. Accepted by its shape, so a client from another copy of the SDK works. Default: a
   * client Eddy builds from the SDK's default chain, with `maxAttempts: 1`.
   *
   * Client settings (an `S3ClientConfig`) are still accepted here for one release, and configure
   * the client Eddy builds (deprecated: build the client and pass it).
   */
  readonly client?: AwsSdkClient | S3ClientConfig;
  /** Backoff and attempts of each S3 call. Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Processing time for the rolling intervals and backoff.
   * @deprecated The sink uses the job's clock (`SinkContext.clock`); this option overrides it for one more release.
   */
  readonly clock?: Clock;
  /**
   * Where restores report what they committed and cleared.
   * @deprecated The sink logs to the job's logger (`SinkContext.logger`); this option overrides it for one more release.
   */
  readonly logger?: Logger;
  /** The sink's name in the job graph. Default `s3(<bucket>/<prefix>)`. */
  readonly name?: string;
}

/**
 * S3's smallest part of a multipart upload (all but the last).
 *
 * @example
 * s3Sink<Click>({ bucket: "analytics", multipartPartSize: MIN_MULTIPART_PART_SIZE * 4 });
 */
export const MIN_MULTIPART_PART_SIZE = 5 * 1024 * 1024;

/**
 * Defaults of {@link S3SinkOptions}; each is described at the option of the same name.
 *
 * @example
 * s3Sink<Click>({ bucket: "analytics", maxPartSize: S3_SINK_DEFAULTS.maxPartSize / 2 });
 */
export const S3_SINK_DEFAULTS = {
  prefix: "",
  compression: "none",
  maxPartSize: 128 * 1024 * 1024,
  rolloverInterval: 60_000,
  inactivityInterval: 60_000,
  multipartPartSize: MIN_MULTIPART_PART_SIZE,
  maxConcurrentUploads: 4,
  fileNamePrefix: "part",
  retry: DEFAULT_RETRY,
} as const;

/**
 * The default serializer: one JSON document and a newline (JSON lines).
 *
 * @example
 * jsonLine({ page: "/" }); // '{"page":"/"}\n'
 */
export function jsonLine(record: unknown): string {
  const text = JSON.stringify(record);
  if (text === undefined) throw new TypeError(`${typeof record} cannot be written as JSON`);
  return `${text}\n`;
}

let cachedHour = Number.NaN;
let cachedPartition = "";

/**
 * The default key prefix: the record's event time as `dt=YYYY-MM-DD/hh=HH/` (UTC), the Hive-style
 * partitioning Athena, Glue and Spark read.
 *
 * @example
 * eventTimePartition(undefined, Date.parse("2026-11-21T14:05:00Z")); // "dt=2026-11-21/hh=14/"
 */
export function eventTimePartition(_record: unknown, timestamp: number): string {
  const hour = Math.floor(timestamp / 3_600_000);
  if (hour !== cachedHour) {
    const iso = new Date(hour * 3_600_000).toISOString();
    cachedPartition = `dt=${iso.slice(0, 10)}/hh=${iso.slice(11, 13)}/`;
    cachedHour = hour;
  }
  return cachedPartition;
}
