import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import {
  type AwsSdkClient,
  type Clock,
  DEFAULT_RETRY,
  type FailedRecord,
  type OutputTag,
  type RetryOptions,
  type SourceContext,
  type SourceEvent,
  type SourceReader,
  type SplitId,
  type SplitListingContext,
  type SplittableSource,
  systemClock,
} from "@eddy/core";
import { type Line, LineSplitter } from "./line-splitter.ts";
import { s3SourceAccess } from "./s3-access.ts";
import { createS3Proxy, type S3Proxy } from "./s3-client.ts";
import { isRetryableS3Error } from "./s3-error-classifier.ts";
import { S3Objects } from "./s3-objects.ts";
import { byKeyOrder, isReadableKey, listObjectSplits } from "./s3-source-splits.ts";

/**
 * Options of {@link s3Source}.
 *
 * @example
 * import { S3Client } from "@aws-sdk/client-s3";
 * const deadLetters = new OutputTag<FailedRecord<string>>("bad-lines");
 * const options: S3SourceOptions<Click> = {
 *   bucket: "analytics",
 *   prefix: "clicks/dt=2026-11-21/",
 *   decode: (line) => JSON.parse(line) as Click,
 *   deadLetters,
 *   client: new S3Client({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * const replay = job.source(s3Source(options));
 * replay.getSideOutput(deadLetters).sink(consoleSink());
 */
export interface S3SourceOptions<T> {
  /** The bucket to read. */
  readonly bucket: string;
  /** Objects whose keys start with this are read, in key order. */
  readonly prefix: string;
  /** Turns a line into a record. Default `JSON.parse`. */
  readonly decode?: (line: string) => T;
  /** `"auto"` (default) gunzips objects whose key ends in `.gz`; `"gzip"` all; `"none"` none. */
  readonly compression?: "auto" | "gzip" | "none";
  /**
   * Lines that cannot be decoded go to this side output (`stream.getSideOutput(tag)`) with the
   * reason, and reading goes on. Without it, such a line fails the job, naming object and line.
   */
  readonly deadLetters?: OutputTag<FailedRecord<string>>;
  /** Records per batch. Default 1000. */
  readonly batchSize?: number;
  /** Skip objects with a path segment (below `prefix`) starting with `_` or `.`, as Hive and Athena do. Default true. */
  readonly skipHidden?: boolean;
  /**
   * The AWS SDK v3 `S3Client` to use, as given (not closed by the source); build it with
   * `maxAttempts: 1`, since Eddy retries each call itself. Accepted by its shape, so a client from
   * another copy of the SDK works. Default: a client Eddy builds from the SDK's default chain, with
   * `maxAttempts: 1`. Client settings (an `S3ClientConfig`) are still accepted for one release
   * (deprecated: build the client and pass it).
   */
  readonly client?: AwsSdkClient | S3ClientConfig;
  /** Backoff and attempts of each S3 call. Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Processing time for the backoff.
   * @deprecated The source uses the job's clock (`SourceContext.clock`); this option overrides it for one more release.
   */
  readonly clock?: Clock;
  /** Names the source in checkpoints and messages. Default `s3(<bucket>/<prefix>)`. */
  readonly name?: string;
}

/**
 * Where the source is: in object `key`, `line` lines and `offset` bytes (after decompression)
 * have been emitted; `complete` once the whole object has.
 *
 * @example
 * const at: S3SourcePosition = { key: "clicks/dt=2026-11-21/hh=14/part-3f2a-7.jsonl", offset: 52_311, line: 840, complete: false };
 */
export interface S3SourcePosition {
  /** The object being read. */
  readonly key: string;
  /** Bytes of it emitted (after decompression). */
  readonly offset: number;
  /** Lines of it emitted. */
  readonly line: number;
  /** Whether the whole object has been emitted. */
  readonly complete: boolean;
}

/**
 * Reads JSON-lines objects (optionally gzipped) under a prefix as a bounded stream: for replay and
 * backfill of what a sink (or Firehose) wrote.
 *
 * Splits and positions: in one process, one split (`<bucket>/<prefix>`), reading objects in key
 * order (S3's listing order), which with time-partitioned keys (`dt=…/hh=…/`) is roughly event-time
 * order, so one watermark fits. The position after every batch is the object key plus the line
 * count and byte offset reached in it, so a restored job resumes inside an object, at the next
 * line: plain objects with a ranged GET, gzipped ones by reading from the start and skipping.
 * Objects are listed lazily, a page at a time; an object added later under a key before the
 * position is not read.
 *
 * On several workers (scale-out) it is a {@link SplittableSource}: `listSplits` lists every object
 * under the prefix, one split each (id: the key; no parents, no key groups), and a worker reads
 * the objects whose leases it holds, in key order, one at a time, each with its own position of
 * the same shape: `active` when it starts one, `finished` (with the final position) when it has
 * read it to its end.
 *
 * @example
 * job.source(s3Source<Click>({ bucket: "analytics", prefix: "clicks/dt=2026-11-21/" }))
 *   .withWatermarks(boundedOutOfOrderness(seconds(5)), (c) => c.at);
 */
export function s3Source<T = unknown>(options: S3SourceOptions<T>): SplittableSource<T> {
  return createS3Source(options, (name, context) => {
    const { proxy, fromSettings } = createS3Proxy(options.bucket, options.client, name);
    if (fromSettings && context) {
      context.logger.warn(
        `${name}: client settings given as client are deprecated: pass an S3Client (with maxAttempts: 1)`,
      );
    }
    return proxy;
  });
}

/**
 * The source over the {@link S3Proxy} that `openProxy` makes when it opens (with the reader's
 * context) or lists its splits (without one): what {@link s3Source} calls with the SDK-backed
 * proxy, and unit tests with a scripted one.
 */
export function createS3Source<T>(
  options: S3SourceOptions<T>,
  openProxy: (name: string, context: SourceContext | undefined) => S3Proxy,
): SplittableSource<T> {
  const name = options.name ?? `s3(${options.bucket}/${options.prefix})`;
  return {
    name,
    bounded: true,
    async listSplits({ signal }: SplitListingContext) {
      const retry = { ...DEFAULT_RETRY, ...options.retry };
      const clock = options.clock ?? systemClock;
      const s3 = new S3Objects(options.bucket, openProxy(name, undefined), retry, clock, signal);
      try {
        return await listObjectSplits(s3, options.prefix, options.skipHidden !== false);
      } finally {
        s3.destroy();
      }
    },
    open(context: SourceContext): SourceReader<T> {
      // Checked before a client is opened, so that a refusal leaks none.
      for (const key of context.assignedSplits ?? []) {
        if (!key.startsWith(options.prefix)) {
          throw new Error(
            `${name}: assigned split ${key} is not an object under the prefix ${options.prefix}`,
          );
        }
      }
      return new S3JsonLinesReader<T>(name, options, context, openProxy(name, context));
    },
    awsAccess: () => s3SourceAccess(options.bucket, options.prefix),
  };
}

interface OpenObject {
  readonly key: string;
  readonly gzip: boolean;
  splitter: LineSplitter;
  chunks: AsyncIterator<Buffer>;
  stream: Readable;
  /** Lines and bytes emitted so far. */
  line: number;
  offset: number;
}

class S3JsonLinesReader<T> implements SourceReader<T> {
  readonly #s3: S3Objects;
  /** The split of the batches being read: the prefix's, or (on several workers) the object's. */
  #split: SplitId;
  readonly #decode: (line: string) => T;
  readonly #batchSize: number;
  readonly #retry: RetryOptions;
  #position: S3SourcePosition | undefined;
  #keys: string[] = [];
  #token: string | undefined;
  #listed = false;
  #object: OpenObject | undefined;
  /** A line that could not be decoded, sent alone to the dead-letter output. */
  #failed: { line: Line; number: number; error: string } | undefined;
  #finished = false;
  /** The restored, unfinished object has been reopened. */
  #resumed = false;
  /**
   * On several workers: the assigned objects not yet started, in key order; `undefined` in one
   * process, where the prefix is one split listed lazily.
   */
  readonly #assigned: SplitId[] | undefined;
  /** On several workers: the object started (announced `active`) and not yet announced `finished`. */
  #started: SplitId | undefined;

  constructor(
    private readonly name: string,
    private readonly options: S3SourceOptions<T>,
    private readonly context: SourceContext,
    proxy: S3Proxy,
  ) {
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#s3 = new S3Objects(options.bucket, proxy, this.#retry, options.clock ?? context.clock);
    this.#split = `${options.bucket}/${options.prefix}`;
    this.#decode = options.decode ?? ((line) => JSON.parse(line) as T);
    this.#batchSize = options.batchSize ?? 1000;
    this.#position = context.restoredPositions.get(this.#split) as S3SourcePosition | undefined;
    this.#assigned = context.assignedSplits && [...context.assignedSplits].sort(byKeyOrder);
  }

  async next(): Promise<SourceEvent<T> | undefined> {
    if (this.#finished || this.context.signal.aborted) return undefined;
    if (this.#failed) return this.#deadLetter();
    if (!this.#object) {
      if (this.#assigned) return this.#nextAssigned(this.#assigned);
      const key = await this.#nextKey();
      if (key === undefined) {
        this.#finished = true;
        return { kind: "split-status", split: this.#split, status: "finished", position: this.#position };
      }
      await this.#openObject(key);
    }
    return this.#readBatch(this.#object!);
  }

  async close(): Promise<void> {
    this.#object?.stream.destroy();
    this.#object = undefined;
    this.#s3.destroy();
  }

  async #readBatch(object: OpenObject): Promise<SourceEvent<T>> {
    const values: T[] = [];
    let complete = false;
    while (values.length < this.#batchSize) {
      const line = await this.#nextLine(object);
      if (line === undefined) {
        complete = true;
        break;
      }
      const number = object.line + 1;
      if (line.text.trim().length === 0) {
        object.line = number;
        object.offset = line.end;
        continue;
      }
      let value: T;
      try {
        value = this.#decode(line.text);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (!this.options.deadLetters) {
          throw new Error(
            `${this.name}: s3://${this.options.bucket}/${object.key} line ${number} cannot be decoded: ${reason}`,
          );
        }
        this.#failed = { line, number, error: reason };
        break;
      }
      values.push(value);
      object.line = number;
      object.offset = line.end;
    }
    if (complete) this.#closeObject();
    this.#position = { key: object.key, offset: object.offset, line: object.line, complete };
    return { kind: "data", split: this.#split, values, position: this.#position };
  }

  #deadLetter(): SourceEvent<T> {
    const failed = this.#failed!;
    this.#failed = undefined;
    const object = this.#object!;
    object.line = failed.number;
    object.offset = failed.line.end;
    this.#position = { key: object.key, offset: object.offset, line: object.line, complete: false };
    const record: FailedRecord<string> = {
      value: failed.line.text,
      timestamp: Number.NaN,
      operator: this.name,
      error: `s3://${this.options.bucket}/${object.key} line ${failed.number}: ${failed.error}`,
    };
    return {
      kind: "data",
      split: this.#split,
      tag: this.options.deadLetters as OutputTag<unknown>,
      values: [record as T],
      position: this.#position,
    };
  }

  /**
   * Between two assigned objects: announces the one just read to its end `finished`, then starts
   * the next (announced `active` before its first batch, so it joins the watermark first), or
   * reports one whose restored position is complete `finished` without reading it again.
   */
  async #nextAssigned(assigned: SplitId[]): Promise<SourceEvent<T> | undefined> {
    const done = this.#started;
    if (done !== undefined) {
      this.#started = undefined;
      return { kind: "split-status", split: done, status: "finished", position: this.#position };
    }
    const key = assigned.shift();
    if (key === undefined) {
      this.#finished = true;
      return undefined;
    }
    this.#split = key;
    this.#position = this.context.restoredPositions.get(key) as S3SourcePosition | undefined;
    if (this.#position?.complete) {
      return { kind: "split-status", split: key, status: "finished", position: this.#position };
    }
    await this.#openObject(key);
    this.#started = key;
    return { kind: "split-status", split: key, status: "active" };
  }

  async #nextLine(object: OpenObject): Promise<Line | undefined> {
    for (let failures = 0; ; ) {
      const line = object.splitter.next();
      if (line) return line;
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await object.chunks.next();
      } catch (error) {
        // A connection cut mid-object: open it again where we are.
        if (
          ++failures >= this.#retry.maxAttempts ||
          !isRetryableS3Error(error) ||
          this.context.signal.aborted
        )
          throw error;
        object.stream.destroy();
        await this.#attach(object, object.offset);
        continue;
      }
      if (chunk.done) return object.splitter.finish();
      object.splitter.push(chunk.value);
    }
  }

  async #nextKey(): Promise<string | undefined> {
    const position = this.#position;
    for (;;) {
      if (this.#keys.length === 0) {
        if (this.#listed) return undefined;
        // Resume at the restored object itself, then list what comes after it.
        if (position && !position.complete && !this.#resumed) {
          this.#resumed = true;
          return position.key;
        }
        const page = await this.#s3.listPage(this.options.prefix, this.#token, position?.key);
        this.#keys = page.keys;
        this.#token = page.next;
        this.#listed = page.next === undefined;
        if (this.#keys.length === 0) continue;
      }
      const key = this.#keys.shift()!;
      if (isReadableKey(key, this.options.prefix, this.options.skipHidden !== false)) return key;
    }
  }

  async #openObject(key: string): Promise<void> {
    const resume = this.#position?.key === key && !this.#position.complete ? this.#position : undefined;
    const mode = this.options.compression ?? "auto";
    const gzip = mode === "gzip" || (mode === "auto" && key.endsWith(".gz"));
    const object = {
      key,
      gzip,
      line: resume?.line ?? 0,
      offset: resume?.offset ?? 0,
    } as OpenObject;
    await this.#attach(object, object.offset);
    this.#object = object;
  }

  /** (Re)opens the object's bytes so that the next line read starts at `offset`. */
  async #attach(object: OpenObject, offset: number): Promise<void> {
    if (object.gzip) {
      const raw = await this.#s3.stream(object.key, 0);
      const gunzip = createGunzip();
      raw.on("error", (error) => gunzip.destroy(error));
      object.stream = raw.pipe(gunzip);
      object.splitter = new LineSplitter(0, offset);
    } else {
      object.stream = await this.#s3.stream(object.key, offset);
      object.splitter = new LineSplitter(offset);
    }
    object.chunks = object.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  #closeObject(): void {
    this.#object?.stream.destroy();
    this.#object = undefined;
  }
}
