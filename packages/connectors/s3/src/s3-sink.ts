import { inspect } from "node:util";
import {
  type AwsAccess,
  type Cancel,
  type Clock,
  type Logger,
  type Sink,
  type SinkContext,
  SinkWriteError,
} from "@eddy/core";
import { Committer } from "./committer.ts";
import { PartFile } from "./part-file.ts";
import type { ClosedFile, PendingFile, S3SinkState } from "./pending-file.ts";
import { s3SinkAccess } from "./s3-access.ts";
import { createS3Proxy, type S3Proxy } from "./s3-client.ts";
import { S3Objects } from "./s3-objects.ts";
import {
  eventTimePartition,
  jsonLine,
  MIN_MULTIPART_PART_SIZE,
  S3_SINK_DEFAULTS,
  type S3SinkOptions,
} from "./s3-sink-options.ts";

/**
 * Writes records to S3 as JSON-lines objects (optionally gzipped) under time-partitioned keys,
 * exactly once.
 *
 * Guarantee: exactly-once, by two-phase commit on checkpoints. Part files are written to a staging
 * prefix (or as multipart uploads, for large ones) while records arrive; at a checkpoint barrier
 * every open file is closed and uploaded (pre-commit) and listed in the checkpoint; only when the
 * checkpoint is durable are they made visible under their keys (copied / completed). A crash at
 * any point leaves no visible partial or duplicate object: on restart the sink commits again what
 * the restored checkpoint lists (idempotently) and deletes whatever else is staged, and the
 * records after the checkpoint are written again into new files. Without checkpoints, files are
 * committed at the end of input.
 *
 * Timing: a part file is rolled when it reaches `maxPartSize`, `rolloverInterval` after it was
 * opened, after `inactivityInterval` without records (processing time), and at every barrier;
 * objects therefore appear once per checkpoint at the latest, when the checkpoint completes.
 *
 * @example
 * clicks.sink(s3Sink({ bucket: "analytics", prefix: "clicks/", compression: "gzip" }));
 * // s3://analytics/clicks/dt=2026-11-21/hh=14/part-mh2x0c1-k3f9-0.jsonl.gz
 */
export function s3Sink<T>(options: S3SinkOptions<T>): Sink<T> {
  return createS3Sink(options, (name, context) => {
    const { proxy, fromSettings } = createS3Proxy(options.bucket, options.client, name);
    if (fromSettings) {
      context.logger.warn(
        `${name}: client settings given as client are deprecated: pass an S3Client (with maxAttempts: 1)`,
      );
    }
    return proxy;
  });
}

/**
 * The sink over the {@link S3Proxy} that `openProxy` makes when the sink opens: what {@link s3Sink}
 * calls with the SDK-backed proxy, and unit tests with a scripted one.
 */
export function createS3Sink<T>(
  options: S3SinkOptions<T>,
  openProxy: (name: string, context: SinkContext) => S3Proxy,
): Sink<T> {
  return new S3Sink(options, openProxy);
}

/** What the sink holds between `open` and `close`. */
interface Running {
  readonly s3: S3Objects;
  readonly committer: Committer;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names files of this run apart from those of earlier runs (a replay writes new files). */
  readonly run: string;
}

class S3Sink<T> implements Sink<T> {
  readonly name: string;
  #running: Running | undefined;
  readonly #prefix: string;
  readonly #errorPrefix: string;
  readonly #stagingPrefix: string;
  readonly #extension: string;
  readonly #keyPrefix: (record: T, timestamp: number) => string;
  readonly #serialize: (record: T) => string | Uint8Array;
  readonly #settings: {
    maxPartSize: number;
    rolloverInterval: number;
    inactivityInterval: number;
    multipartPartSize: number;
    maxConcurrentUploads: number;
    fileNamePrefix: string;
    gzip: boolean;
  };
  readonly #open = new Map<string, PartFile>();
  readonly #closing = new Set<Promise<void>>();
  /** Closed since the last barrier. */
  #closed: ClosedFile[] = [];
  /** Pre-committed, waiting for their checkpoint to complete. */
  #pending: PendingFile[] = [];
  #uploads = 0;
  #uploadWaiters: (() => void)[] = [];
  #fatal: Error | undefined;
  #seq = 0;
  #timer: Cancel | undefined;

  constructor(
    private readonly options: S3SinkOptions<T>,
    private readonly openProxy: (name: string, context: SinkContext) => S3Proxy,
  ) {
    const d = S3_SINK_DEFAULTS;
    this.#prefix = options.prefix ?? d.prefix;
    this.name = options.name ?? `s3(${options.bucket}/${this.#prefix})`;
    const fileNamePrefix = options.fileNamePrefix ?? d.fileNamePrefix;
    this.#settings = {
      maxPartSize: options.maxPartSize ?? d.maxPartSize,
      rolloverInterval: options.rolloverInterval ?? d.rolloverInterval,
      inactivityInterval: options.inactivityInterval ?? d.inactivityInterval,
      multipartPartSize: options.multipartPartSize ?? d.multipartPartSize,
      maxConcurrentUploads: options.maxConcurrentUploads ?? d.maxConcurrentUploads,
      fileNamePrefix,
      gzip: (options.compression ?? d.compression) === "gzip",
    };
    if (this.#settings.multipartPartSize < MIN_MULTIPART_PART_SIZE) {
      throw new RangeError(
        `${this.name}: multipartPartSize is at least ${MIN_MULTIPART_PART_SIZE} (S3's minimum part size)`,
      );
    }
    if (fileNamePrefix.includes("/")) throw new RangeError(`${this.name}: fileNamePrefix cannot contain "/"`);
    this.#errorPrefix = options.errorPrefix ?? `${this.#prefix}_errors/`;
    this.#stagingPrefix = options.stagingPrefix ?? `_eddy-staging/${this.#prefix}${fileNamePrefix}/`;
    this.#extension = this.#settings.gzip ? ".jsonl.gz" : ".jsonl";
    this.#keyPrefix = options.keyPrefix ?? eventTimePartition;
    this.#serialize = options.serializer ?? jsonLine;
  }

  awsAccess(): AwsAccess[] {
    return s3SinkAccess({
      bucket: this.options.bucket,
      prefix: this.#prefix,
      stagingPrefix: this.#stagingPrefix,
      errorPrefix: this.#errorPrefix,
    });
  }

  async open(context: SinkContext): Promise<void> {
    const { options } = this;
    const clock = options.clock ?? context.clock;
    const s3 = new S3Objects(
      options.bucket,
      this.openProxy(this.name, context),
      { ...S3_SINK_DEFAULTS.retry, ...options.retry },
      clock,
    );
    this.#running = {
      s3,
      committer: new Committer(s3, this.#stagingPrefix, this.#settings.maxConcurrentUploads),
      clock,
      logger: options.logger ?? context.logger,
      run: `${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    };
    const restored = context.restoredState as S3SinkState | undefined;
    if (restored !== undefined) {
      if (restored.version !== 1)
        throw new Error(`${this.name}: unknown state version ${String(restored.version)}`);
      // Everything listed was pre-committed for the restored checkpoint (or one before it).
      await this.#started().committer.commit(restored.pending);
      if (restored.pending.length > 0) {
        this.#started().logger.info(
          `${this.name}: committed the ${restored.pending.length} part file(s) of restored checkpoint ${context.restoredCheckpointId}`,
        );
      }
    }
    const cleared = await this.#started().committer.clearStaging();
    if (cleared.deleted > 0) {
      this.#started().logger.info(
        `${this.name}: removed ${cleared.deleted} staged object(s) no checkpoint covers (their records are written again)`,
      );
    }
    if (cleared.abortRefused > 0) {
      this.#started().logger.warn(
        `${this.name}: ${cleared.abortRefused} uncovered multipart upload(s) could not be aborted; they are invisible, but set an AbortIncompleteMultipartUpload lifecycle rule to free their storage`,
      );
    }
    this.#scheduleCheck();
  }

  write(values: T[], timestamps: number[]): Promise<void> | undefined {
    if (this.#fatal) throw this.#fatal;
    const now = this.#started().clock.now();
    const maxPartSize = this.#settings.maxPartSize;
    let i = 0;
    while (i < values.length) {
      let record: T | undefined;
      let timestamp = now;
      try {
        for (; i < values.length; i++) {
          record = values[i]!;
          const ts = timestamps[i];
          timestamp = ts === undefined || Number.isNaN(ts) ? now : ts;
          const partition = this.#prefix + this.#keyPrefix(record, timestamp);
          const serialized = this.#serialize(record);
          const bytes =
            typeof serialized === "string" ? Buffer.from(serialized, "utf8") : Buffer.from(serialized);
          const file = this.#open.get(partition) ?? this.#newFile(partition, now);
          file.append(bytes, now);
          if (file.size >= maxPartSize) this.#roll(partition, file);
        }
      } catch (error) {
        this.#writeError(record as T, timestamp, error, now);
        i++;
      }
    }
    if (this.#uploads < this.#settings.maxConcurrentUploads) return undefined;
    return this.#waitForUploads();
  }

  async snapshot(checkpointId: number): Promise<S3SinkState> {
    await this.#closeAll();
    // Uploads finish in any order; keep the checkpoint's list stable.
    this.#closed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const file of this.#closed) this.#pending.push({ ...file, checkpointId } as PendingFile);
    this.#closed = [];
    return { version: 1, pending: [...this.#pending] };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const due = this.#pending.filter((f) => f.checkpointId <= checkpointId);
    if (due.length === 0) return;
    await this.#started().committer.commit(due);
    this.#pending = this.#pending.filter((f) => f.checkpointId > checkpointId);
  }

  async finish(): Promise<void> {
    await this.#closeAll();
    const files = [
      ...this.#pending,
      ...this.#closed.map((f) => ({ ...f, checkpointId: Number.MAX_SAFE_INTEGER }) as PendingFile),
    ];
    this.#closed = [];
    await this.#started().committer.commit(files);
    this.#pending = [];
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#running?.s3.destroy();
    this.#running = undefined;
  }

  #started(): Running {
    if (!this.#running) throw new SinkWriteError(`${this.name}: used before open (the job opens its sinks)`);
    return this.#running;
  }

  #newFile(partition: string, now: number): PartFile {
    const { run, s3 } = this.#started();
    const name = `${this.#settings.fileNamePrefix}-${run}-${this.#seq++}${this.#extension}`;
    const file = new PartFile(
      partition + name,
      this.#stagingPrefix + name,
      `${this.#stagingPrefix}${name}.upload`,
      this.#settings.gzip,
      this.#settings.multipartPartSize,
      s3,
      (upload) => this.#track(upload),
      now,
    );
    this.#open.set(partition, file);
    return file;
  }

  #roll(partition: string, file: PartFile): void {
    this.#open.delete(partition);
    const closing: Promise<void> = file.close().then(
      (closed) => {
        this.#closed.push(closed);
      },
      (error: unknown) => {
        this.#fatal ??= new Error(`${this.name}: uploading ${file.key} failed: ${String(error)}`, {
          cause: error,
        });
      },
    );
    const done = closing.finally(() => this.#closing.delete(done));
    this.#closing.add(done);
  }

  async #closeAll(): Promise<void> {
    for (const [partition, file] of [...this.#open]) this.#roll(partition, file);
    while (this.#closing.size > 0) await Promise.all([...this.#closing]);
    if (this.#fatal) throw this.#fatal;
  }

  #writeError(record: T, timestamp: number, error: unknown, now: number): void {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const line = `${JSON.stringify({ error: reason, record: describe(record), timestamp })}\n`;
    const partition = this.#errorPrefix + eventTimePartition(record, timestamp);
    const file = this.#open.get(partition) ?? this.#newFile(partition, now);
    file.append(Buffer.from(line, "utf8"), now);
  }

  #track<R>(upload: Promise<R>): Promise<R> {
    this.#uploads++;
    const settle = () => {
      this.#uploads--;
      const waiters = this.#uploadWaiters;
      this.#uploadWaiters = [];
      for (const wake of waiters) wake();
    };
    upload.then(settle, (error: unknown) => {
      this.#fatal ??= new Error(`${this.name}: an upload failed: ${String(error)}`, { cause: error });
      settle();
    });
    return upload;
  }

  async #waitForUploads(): Promise<void> {
    while (this.#uploads >= this.#settings.maxConcurrentUploads && !this.#fatal) {
      await new Promise<void>((resolve) => this.#uploadWaiters.push(resolve));
    }
    if (this.#fatal) throw this.#fatal;
  }

  /** Rolls files past their rollover or inactivity interval; runs on processing time. */
  #scheduleCheck(): void {
    const { rolloverInterval, inactivityInterval } = this.#settings;
    const { clock } = this.#started();
    const every = Math.max(10, Math.min(rolloverInterval, inactivityInterval) / 4);
    this.#timer = clock.schedule(clock.now() + every, () => {
      const now = clock.now();
      for (const [partition, file] of [...this.#open]) {
        if (now - file.openedAt >= rolloverInterval || now - file.lastWriteAt >= inactivityInterval) {
          this.#roll(partition, file);
        }
      }
      this.#scheduleCheck();
    });
  }
}

/** A record as text for the error prefix, whatever it holds (BigInt, cycles). */
function describe(record: unknown): string {
  try {
    const json = JSON.stringify(record);
    if (json !== undefined) return json;
  } catch {
    // Fall through: the record is why serialization failed.
  }
  return inspect(record, { depth: 5, breakLength: Number.POSITIVE_INFINITY });
}
