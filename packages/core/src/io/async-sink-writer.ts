import { backoffDelay, type RetryOptions } from "../retry/retry-policy.ts";
import type { Cancel, Clock } from "../time/clock.ts";

/**
 * The batching behind Eddy's AWS sinks (as Flink's `AsyncSinkWriter`): entries are buffered, sent
 * in batches of at most `maxBatchSize` entries / `maxBatchSizeInBytes`, with at most
 * `maxInFlightRequests` batches in flight; only the entries a batch reports as failed are sent
 * again, after a bounded exponential backoff with full jitter. Connectors share it through core,
 * since connector packages never depend on each other.
 *
 * Time: `maxTimeInBufferMS` and the backoff run on the writer's clock (processing time).
 *
 * @example
 * const options: AsyncSinkWriterOptions = {
 *   maxBatchSize: 500,
 *   maxInFlightRequests: 50,
 *   maxBufferedRequests: 10_000,
 *   maxBatchSizeInBytes: 4 * 1024 * 1024,
 *   maxTimeInBufferMS: 5_000,
 *   failOnError: false,
 *   retry: DEFAULT_RETRY,
 * };
 */
export interface AsyncSinkWriterOptions {
  /** Entries per request (the service's limit or less). */
  readonly maxBatchSize: number;
  /** Requests in flight at once. */
  readonly maxInFlightRequests: number;
  /** Buffered entries at which `write` waits (backpressure). */
  readonly maxBufferedRequests: number;
  /** Bytes per request (the sizes given to `add`). */
  readonly maxBatchSizeInBytes: number;
  /** A buffered entry is sent at the latest this long (processing time) after the buffer's oldest one arrived. */
  readonly maxTimeInBufferMS: number;
  /** Fail the job at the first failed entry instead of retrying it. */
  readonly failOnError: boolean;
  /** Retries of failed entries and of retryable failed requests. */
  readonly retry: RetryOptions;
}

/**
 * What sending one batch did.
 *
 * @example
 * // Half the entries were throttled: only those are sent again.
 * const result: BatchResult<string> = { failed: ["b", "d"], reason: "ProvisionedThroughputExceededException" };
 */
export interface BatchResult<TEntry> {
  /** Entries that were not written and may be sent again (the rest were written). */
  readonly failed: readonly TEntry[];
  /** Why, for the message if retries run out. */
  readonly reason?: string;
}

/**
 * Sends batches; the one seam between the batching and a service.
 *
 * @example
 * const lines: string[] = [];
 * const submitter: BatchSubmitter<string> = {
 *   async submit(entries) {
 *     lines.push(...entries);
 *     return { failed: [] };
 *   },
 *   isRetryable: (error) => error instanceof Error && error.name === "ThrottlingException",
 * };
 * const writer = new AsyncSinkWriter("lines", { ...options, retry: DEFAULT_RETRY }, submitter, systemClock);
 * declare const options: AsyncSinkWriterOptions;
 */
export interface BatchSubmitter<TEntry> {
  /** Sends `entries` as one request. Throws when the whole request failed. */
  submit(entries: readonly TEntry[]): Promise<BatchResult<TEntry>>;
  /** Whether a thrown error means "try the whole batch again later" (throttling, 5xx, network). */
  isRetryable(error: unknown): boolean;
}

/**
 * The writer cannot go on (retries ran out, a non-retryable error, `failOnError`): the sink fails
 * the job with this error, and the job resumes from its last checkpoint when restarted.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof SinkWriteError) console.error("a sink gave up:", error.message);
 * }
 */
export class SinkWriteError extends Error {
  /** Always `"SinkWriteError"`. */
  override readonly name = "SinkWriteError";
}

interface Slot<TEntry> {
  value: TEntry;
  readonly size: number;
  readonly key: string | undefined;
  attempts: number;
}

/**
 * Buffers entries and sends them in batches through a {@link BatchSubmitter}. With keyed entries
 * (`add(entry, size, key)`) it keeps per-key order: a newer entry replaces a buffered one of the
 * same key, and an entry is never sent while another of its key is in flight, so a retried old
 * write can never land after a newer one.
 *
 * A sink calls `add` (then `afterAdd`, which may return a promise to wait on: backpressure) per
 * record, and `flush` at every checkpoint barrier, so a completed checkpoint never covers an
 * entry the service does not have (at-least-once).
 *
 * @example
 * function linesSink(submitter: BatchSubmitter<string>, options: AsyncSinkWriterOptions): Sink<string> {
 *   const writer = new AsyncSinkWriter("lines", options, submitter, systemClock);
 *   return {
 *     name: "lines",
 *     async write(values) {
 *       for (const line of values) {
 *         writer.add(line, line.length);
 *         await writer.afterAdd();
 *       }
 *     },
 *     snapshot: () => writer.flush(),
 *     finish: () => writer.flush(),
 *     close: () => writer.close(),
 *   };
 * }
 */
export class AsyncSinkWriter<TEntry> {
  #buffer: Slot<TEntry>[] = [];
  #bufferedBytes = 0;
  readonly #byKey = new Map<string, Slot<TEntry>>();
  readonly #inFlightKeys = new Set<string>();
  #inFlight = 0;
  #flushing = false;
  #timer: Cancel | undefined;
  #pausedUntil = 0;
  #pauseTimer: Cancel | undefined;
  #fatal: Error | undefined;
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(
    private readonly name: string,
    private readonly options: AsyncSinkWriterOptions,
    private readonly submitter: BatchSubmitter<TEntry>,
    private readonly clock: Clock,
  ) {
    if (options.maxBufferedRequests < options.maxBatchSize) {
      throw new RangeError(`${name}: maxBufferedRequests must be at least maxBatchSize`);
    }
    for (const field of ["maxBatchSize", "maxInFlightRequests", "maxBatchSizeInBytes"] as const) {
      if (!(options[field] >= 1)) throw new RangeError(`${name}: ${field} must be at least 1`);
    }
  }

  /** Entries buffered (not in flight). */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Buffers one entry of `size` bytes. Throws the writer's fatal error, if any. */
  add(value: TEntry, size: number, key?: string): void {
    if (this.#fatal) throw this.#fatal;
    if (key !== undefined) {
      const existing = this.#byKey.get(key);
      if (existing) {
        existing.value = value;
        this.#bufferedBytes += size - existing.size;
        (existing as { size: number }).size = size;
        existing.attempts = 0;
        return;
      }
    }
    const slot: Slot<TEntry> = { value, size, key, attempts: 0 };
    this.#buffer.push(slot);
    this.#bufferedBytes += size;
    if (key !== undefined) this.#byKey.set(key, slot);
    if (this.#timer === undefined) this.#armTimer();
  }

  /**
   * Sends full batches, then returns a promise only if the buffer is at `maxBufferedRequests`
   * (the caller waits: backpressure); `undefined` on the fast path.
   */
  afterAdd(): Promise<void> | undefined {
    this.#pump(false);
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#buffer.length < this.options.maxBufferedRequests) return undefined;
    return this.#until(() => this.#buffer.length < this.options.maxBufferedRequests);
  }

  /** Sends everything buffered and waits until nothing is buffered or in flight (the barrier). */
  async flush(): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    this.#flushing = true;
    try {
      this.#pump(true);
      await this.#until(() => this.#buffer.length === 0 && this.#inFlight === 0);
    } finally {
      this.#flushing = false;
    }
  }

  /** Stops timers; entries still buffered are dropped (the job is ending without a checkpoint). */
  close(): void {
    this.#closed = true;
    this.#timer?.();
    this.#pauseTimer?.();
    this.#timer = undefined;
    this.#pauseTimer = undefined;
  }

  #armTimer(): void {
    if (this.#closed) return;
    this.#timer = this.clock.schedule(this.clock.now() + this.options.maxTimeInBufferMS, () => {
      this.#timer = undefined;
      this.#pump(true);
      if (this.#buffer.length > 0 && this.#timer === undefined) this.#armTimer();
    });
  }

  #pump(force: boolean): void {
    const o = this.options;
    while (this.#inFlight < o.maxInFlightRequests && !this.#fatal && !this.#closed) {
      if (this.clock.now() < this.#pausedUntil) {
        // A timer may fire a little early; make sure one more is coming.
        if (this.#pauseTimer === undefined) this.#schedulePause(this.#pausedUntil);
        return;
      }
      const full = this.#buffer.length >= o.maxBatchSize || this.#bufferedBytes >= o.maxBatchSizeInBytes;
      if (!force && !this.#flushing && !full) return;
      const batch = this.#takeBatch();
      if (batch.length === 0) return;
      this.#send(batch);
    }
  }

  #takeBatch(): Slot<TEntry>[] {
    const o = this.options;
    const batch: Slot<TEntry>[] = [];
    let bytes = 0;
    let rest: Slot<TEntry>[] | undefined;
    let i = 0;
    for (; i < this.#buffer.length; i++) {
      const slot = this.#buffer[i]!;
      if (batch.length >= o.maxBatchSize) break;
      if (batch.length > 0 && bytes + slot.size > o.maxBatchSizeInBytes) break;
      if (slot.key !== undefined && this.#inFlightKeys.has(slot.key)) {
        rest ??= [];
        rest.push(slot);
        continue;
      }
      batch.push(slot);
      bytes += slot.size;
    }
    if (batch.length === 0) return batch;
    const remaining = this.#buffer.slice(i);
    this.#buffer = rest ? rest.concat(remaining) : remaining;
    this.#bufferedBytes -= bytes;
    for (const slot of batch) {
      if (slot.key !== undefined) {
        this.#byKey.delete(slot.key);
        this.#inFlightKeys.add(slot.key);
      }
    }
    return batch;
  }

  #send(batch: Slot<TEntry>[]): void {
    this.#inFlight++;
    const entries = batch.map((s) => s.value);
    this.submitter.submit(entries).then(
      (result) => this.#completed(batch, entries, result.failed, result.reason),
      (error: unknown) => {
        if (this.submitter.isRetryable(error)) {
          this.#completed(batch, entries, entries, errorMessage(error));
        } else {
          this.#fail(
            new SinkWriteError(`${this.name}: a batch failed and cannot be retried: ${errorMessage(error)}`, {
              cause: error,
            }),
          );
          this.#completed(batch, entries, [], undefined);
        }
      },
    );
  }

  #completed(
    batch: Slot<TEntry>[],
    entries: TEntry[],
    failed: readonly TEntry[],
    reason: string | undefined,
  ): void {
    this.#inFlight--;
    for (const slot of batch) if (slot.key !== undefined) this.#inFlightKeys.delete(slot.key);
    if (failed.length > 0) this.#requeue(batch, entries, failed, reason ?? "failed");
    this.#wake();
    if (this.#fatal || this.#closed) return;
    this.#pump(false);
    if (this.#buffer.length > 0 && this.#timer === undefined) this.#armTimer();
  }

  #requeue(batch: Slot<TEntry>[], entries: TEntry[], failed: readonly TEntry[], reason: string): void {
    const failedSet = new Set(failed);
    const again: Slot<TEntry>[] = [];
    let attempts = 0;
    for (let i = 0; i < batch.length; i++) {
      if (!failedSet.has(entries[i]!)) continue;
      const slot = batch[i]!;
      slot.attempts++;
      if (this.options.failOnError) {
        this.#fail(new SinkWriteError(`${this.name}: an entry failed (${reason}) and failOnError is set`));
        return;
      }
      if (slot.attempts >= this.options.retry.maxAttempts) {
        this.#fail(
          new SinkWriteError(
            `${this.name}: an entry still failed after ${slot.attempts} attempts (last: ${reason}); the job fails and resumes from its last checkpoint`,
          ),
        );
        return;
      }
      // A newer entry of the same key is buffered: it supersedes this one.
      if (slot.key !== undefined && this.#byKey.has(slot.key)) continue;
      if (slot.key !== undefined) this.#byKey.set(slot.key, slot);
      again.push(slot);
      this.#bufferedBytes += slot.size;
      attempts = Math.max(attempts, slot.attempts);
    }
    if (again.length === 0) return;
    this.#buffer = again.concat(this.#buffer);
    const delay = backoffDelay(attempts, this.options.retry);
    const until = this.clock.now() + delay;
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#pauseTimer?.();
      this.#schedulePause(until);
    }
  }

  #schedulePause(until: number): void {
    this.#pauseTimer = this.clock.schedule(until, () => {
      this.#pauseTimer = undefined;
      this.#pump(true);
    });
  }

  #fail(error: Error): void {
    this.#fatal ??= error;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async #until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.#fatal) throw this.#fatal;
      if (done()) return;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
