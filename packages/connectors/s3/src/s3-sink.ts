import { inspect } from "node:util";
import {
  type AwsAccess,
  type Cancel,
  type Clock,
  type Logger,
  type Sink,
  type SinkContext,
  SinkWriteError,
  writerToken,
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
 * On several workers (a job with `cluster`) each worker is a writer of its own: it stages under
 * `<stagingPrefix><worker id>/`, names its files with its worker id and process incarnation, and
 * commits a checkpoint's files only after that checkpoint's fenced publish succeeded. On open it
 * commits what its own last published checkpoint and the other workers' last publishes list
 * (idempotently: several may commit one file at once), and clears only its own staging folder.
 * The objects hold the same records as a run on one worker.
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
  /** Where this writer stages: the staging prefix, or its worker's folder in it on several workers. */
  readonly staging: string;
  /**
   * Files of this run. A run's state is its own: on several workers the sink is opened again for
   * every new set of splits, and what an earlier run left open, pre-committed or uploading (its
   * late callbacks too) must never reach a later run's checkpoints.
   */
  readonly open: Map<string, PartFile>;
  readonly closing: Set<Promise<void>>;
  /** Closed since the last barrier. */
  closed: ClosedFile[];
  /** Pre-committed, waiting for their checkpoint to complete. */
  pending: PendingFile[];
  uploads: number;
  uploadWaiters: (() => void)[];
  fatal: Error | undefined;
}

class S3Sink<T> implements Sink<T> {
  readonly name: string;
  readonly severalWriters = true;
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
    const { writer } = context;
    // On several workers each stages in a folder of its own, and only clears that one.
    const worker = writer ? `${writerToken(writer.workerId)}/` : "";
    const staging = this.#stagingPrefix + worker;
    const run = `${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    this.#running = {
      s3,
      committer: new Committer(s3, staging, this.#settings.maxConcurrentUploads),
      clock,
      logger: options.logger ?? context.logger,
      run: writer ? `${writerToken(writer.workerId)}-${writer.incarnation}-${run}` : run,
      staging,
      open: new Map(),
      closing: new Set(),
      closed: [],
      pending: [],
      uploads: 0,
      uploadWaiters: [],
      fatal: undefined,
    };
    const restored = this.#stateOf(context.restoredState);
    if (restored !== undefined) {
      // Everything listed was pre-committed for the restored checkpoint (or one before it).
      await this.#started().committer.commit(restored.pending);
      if (restored.pending.length > 0) {
        this.#started().logger.info(
          `${this.name}: committed the ${restored.pending.length} part file(s) of restored checkpoint ${context.restoredCheckpointId}`,
        );
      }
    }
    // What other workers' last publishes left: their process may never come back to commit it.
    for (const state of writer?.othersPending ?? []) {
      await this.#started().committer.commit(this.#stateOf(state)?.pending ?? []);
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
    const running = this.#started();
    if (running.fatal) throw running.fatal;
    const now = running.clock.now();
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
          const file = running.open.get(partition) ?? this.#newFile(partition, now);
          file.append(bytes, now);
          if (file.size >= maxPartSize) this.#roll(running, partition, file);
        }
      } catch (error) {
        this.#writeError(record as T, timestamp, error, now);
        i++;
      }
    }
    if (running.uploads < this.#settings.maxConcurrentUploads) return undefined;
    return this.#waitForUploads(running);
  }

  async snapshot(checkpointId: number): Promise<S3SinkState> {
    const running = this.#started();
    await this.#closeAll(running);
    // Uploads finish in any order; keep the checkpoint's list stable.
    running.closed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const file of running.closed) running.pending.push({ ...file, checkpointId } as PendingFile);
    running.closed = [];
    return { version: 1, pending: [...running.pending] };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const running = this.#started();
    const due = running.pending.filter((f) => f.checkpointId <= checkpointId);
    if (due.length === 0) return;
    await running.committer.commit(due);
    running.pending = running.pending.filter((f) => f.checkpointId > checkpointId);
  }

  async finish(): Promise<void> {
    const running = this.#started();
    await this.#closeAll(running);
    const files = [
      ...running.pending,
      ...running.closed.map((f) => ({ ...f, checkpointId: Number.MAX_SAFE_INTEGER }) as PendingFile),
    ];
    running.closed = [];
    await running.committer.commit(files);
    running.pending = [];
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#running?.s3.destroy();
    this.#running = undefined;
  }

  #stateOf(state: unknown): S3SinkState | undefined {
    if (state === undefined) return undefined;
    const candidate = state as Partial<S3SinkState> | null;
    if (candidate === null || typeof candidate !== "object" || candidate.version !== 1) {
      throw new Error(
        `${this.name}: unknown state version ${String((candidate as { version?: unknown } | null)?.version)}`,
      );
    }
    if (!Array.isArray(candidate.pending))
      throw new Error(`${this.name}: its checkpointed state lists no files`);
    return candidate as S3SinkState;
  }

  #started(): Running {
    if (!this.#running) throw new SinkWriteError(`${this.name}: used before open (the job opens its sinks)`);
    return this.#running;
  }

  #newFile(partition: string, now: number): PartFile {
    const running = this.#started();
    const { run, s3, staging } = running;
    const name = `${this.#settings.fileNamePrefix}-${run}-${this.#seq++}${this.#extension}`;
    const file = new PartFile(
      partition + name,
      staging + name,
      `${staging}${name}.upload`,
      this.#settings.gzip,
      this.#settings.multipartPartSize,
      s3,
      (upload) => this.#track(running, upload),
      now,
    );
    running.open.set(partition, file);
    return file;
  }

  #roll(running: Running, partition: string, file: PartFile): void {
    running.open.delete(partition);
    const closing: Promise<void> = file.close().then(
      (closed) => {
        running.closed.push(closed);
      },
      (error: unknown) => {
        running.fatal ??= new Error(`${this.name}: uploading ${file.key} failed: ${String(error)}`, {
          cause: error,
        });
      },
    );
    const done = closing.finally(() => running.closing.delete(done));
    running.closing.add(done);
  }

  async #closeAll(running: Running): Promise<void> {
    for (const [partition, file] of [...running.open]) this.#roll(running, partition, file);
    while (running.closing.size > 0) await Promise.all([...running.closing]);
    if (running.fatal) throw running.fatal;
  }

  #writeError(record: T, timestamp: number, error: unknown, now: number): void {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const line = `${JSON.stringify({ error: reason, record: describe(record), timestamp })}\n`;
    const partition = this.#errorPrefix + eventTimePartition(record, timestamp);
    const file = this.#started().open.get(partition) ?? this.#newFile(partition, now);
    file.append(Buffer.from(line, "utf8"), now);
  }

  #track<R>(running: Running, upload: Promise<R>): Promise<R> {
    running.uploads++;
    const settle = () => {
      running.uploads--;
      const waiters = running.uploadWaiters;
      running.uploadWaiters = [];
      for (const wake of waiters) wake();
    };
    upload.then(settle, (error: unknown) => {
      running.fatal ??= new Error(`${this.name}: an upload failed: ${String(error)}`, { cause: error });
      settle();
    });
    return upload;
  }

  async #waitForUploads(running: Running): Promise<void> {
    while (running.uploads >= this.#settings.maxConcurrentUploads && !running.fatal) {
      await new Promise<void>((resolve) => running.uploadWaiters.push(resolve));
    }
    if (running.fatal) throw running.fatal;
  }

  /** Rolls files past their rollover or inactivity interval; runs on processing time. */
  #scheduleCheck(): void {
    const { rolloverInterval, inactivityInterval } = this.#settings;
    const running = this.#started();
    const { clock } = running;
    const every = Math.max(10, Math.min(rolloverInterval, inactivityInterval) / 4);
    this.#timer = clock.schedule(clock.now() + every, () => {
      const now = clock.now();
      for (const [partition, file] of [...running.open]) {
        if (now - file.openedAt >= rolloverInterval || now - file.lastWriteAt >= inactivityInterval) {
          this.#roll(running, partition, file);
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
