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
 * const options: AsyncSinkWriterOptions<Uint8Array> = {
 *   maxBatchSize: 500,
 *   maxInFlightRequests: 50,
 *   maxBufferedRequests: 10_000,
 *   maxBatchSizeInBytes: 4 * 1024 * 1024,
 *   maxTimeInBufferMS: 5_000,
 *   failOnError: false,
 *   retry: DEFAULT_RETRY,
 *   onRejected: (entry, reason) => console.warn(`set aside ${entry.byteLength} bytes: ${reason}`),
 * };
 */
export interface AsyncSinkWriterOptions<TEntry = unknown> {
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
  /**
   * Fail the job at the first failed entry instead of retrying it, and at the first entry the
   * service rejects instead of handing it to `onRejected`.
   */
  readonly failOnError: boolean;
  /** Retries of failed entries and of retryable failed requests. */
  readonly retry: RetryOptions;
  /**
   * Takes an entry the service refused for good (`BatchResult.rejected`, or refused alone after
   * {@link BatchSubmitter.isInvalidRequest}) with the reason: a sink sends it to its dead-letter
   * output, and the job goes on. Without it (or with `failOnError`) the writer fails, naming the entry.
   */
  readonly onRejected?: (entry: TEntry, reason: string) => void;
}

/**
 * What sending one batch did.
 *
 * @example
 * // Half the entries were throttled: only those are sent again; one was refused for good.
 * const result: BatchResult<string> = {
 *   failed: ["b", "d"],
 *   reason: "ProvisionedThroughputExceededException",
 *   rejected: [{ entry: "e", reason: "ValidationException: item too large" }],
 * };
 */
export interface BatchResult<TEntry> {
  /** Entries that were not written and may be sent again (the rest were written or rejected). */
  readonly failed: readonly TEntry[];
  /** Why, for the message if retries run out. */
  readonly reason?: string;
  /** Entries the service refused for good: never sent again, handed to `onRejected`. */
  readonly rejected?: readonly RejectedEntry<TEntry>[];
}

/**
 * An entry the service will never accept (a validation error), with its reason.
 *
 * @example
 * const rejected: RejectedEntry<string> = { entry: "x", reason: "ValidationException: One or more parameter values were invalid" };
 */
export interface RejectedEntry<TEntry> {
  /** The entry, as given to `add`. */
  readonly entry: TEntry;
  /** What the service said. */
  readonly reason: string;
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
 *   isInvalidRequest: (error) => error instanceof Error && error.name === "ValidationException",
 *   describe: (line) => `the line "${line.slice(0, 20)}"`,
 * };
 * const writer = new AsyncSinkWriter("lines", { ...options, retry: DEFAULT_RETRY }, submitter, systemClock);
 * declare const options: AsyncSinkWriterOptions;
 */
export interface BatchSubmitter<TEntry> {
  /** Sends `entries` as one request. Throws when the whole request failed. */
  submit(entries: readonly TEntry[]): Promise<BatchResult<TEntry>>;
  /** Whether a thrown error means "try the whole batch again later" (throttling, 5xx, network). */
  isRetryable(error: unknown): boolean;
  /**
   * Whether a thrown error means the request was refused for what one of its entries holds (a
   * validation error): the writer then sends each of the batch's entries alone, and an entry
   * refused alone is rejected (`onRejected`), so one bad entry does not fail the others. Default:
   * such errors fail the writer.
   */
  isInvalidRequest?(error: unknown): boolean;
  /** Names an entry in messages, e.g. `the record with partition key "EURUSD"`. Default `an entry`. */
  describe?(entry: TEntry): string;
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
  /** `"SinkWriteError"`. */
  override readonly name: string = "SinkWriteError";
}

/**
 * What the writer keeps of an entry besides its value and size; only keyed and retried entries
 * have one, so the everyday path allocates nothing per entry.
 */
interface Slot<TEntry> {
  value: TEntry;
  size: number;
  readonly key: string | undefined;
  attempts: number;
  /** Sent in a batch of its own: a batch holding it was refused as invalid, and the bad entry is being found. */
  alone: boolean;
}

/** One request's entries, with their slots (if any) and sizes, by position. */
interface Batch<TEntry> {
  readonly entries: TEntry[];
  readonly slots: (Slot<TEntry> | undefined)[];
  readonly sizes: number[];
}

/**
 * Buffers entries and sends them in batches through a {@link BatchSubmitter}. With keyed entries
 * (`add(entry, size, key)`) it keeps per-key order: a newer entry replaces a buffered one of the
 * same key, and an entry is never sent while another of its key is in flight, so a retried old
 * write can never land after a newer one.
 *
 * A sink calls `add` (then `afterAdd`, which may return a promise to wait on: backpressure) per
 * record, and `flush` at every checkpoint barrier, so a completed checkpoint never covers an
 * entry the service does not have (at-least-once). Entries the service refuses for good go to
 * `onRejected` (the sink's dead letters) and are not retried.
 *
 * @example
 * function linesSink(submitter: BatchSubmitter<string>, options: AsyncSinkWriterOptions<string>): Sink<string> {
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
  // The buffer, from #head on, as parallel arrays: taking a batch moves the head instead of
  // copying the rest, and an entry without a key or a retry needs no object of its own.
  #values: TEntry[] = [];
  #sizes: number[] = [];
  #slots: (Slot<TEntry> | undefined)[] = [];
  #head = 0;
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
    private readonly options: AsyncSinkWriterOptions<TEntry>,
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

  /** Entries buffered (not in flight), retries waiting for their backoff included. */
  get buffered(): number {
    return this.#values.length - this.#head;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Buffers one entry of `size` bytes. Throws the writer's fatal error, if any. */
  add(value: TEntry, size: number, key?: string): void {
    if (this.#fatal) throw this.#fatal;
    let slot: Slot<TEntry> | undefined;
    if (key !== undefined) {
      const existing = this.#byKey.get(key);
      if (existing) {
        existing.value = value;
        this.#bufferedBytes += size - existing.size;
        existing.size = size;
        existing.attempts = 0;
        return;
      }
      slot = { value, size, key, attempts: 0, alone: false };
      this.#byKey.set(key, slot);
    }
    this.#values.push(value);
    this.#sizes.push(size);
    this.#slots.push(slot);
    this.#bufferedBytes += size;
    if (this.#timer === undefined) this.#armTimer();
  }

  /**
   * Sends full batches, then returns a promise only if the buffer is at `maxBufferedRequests`
   * (the caller waits: backpressure); `undefined` on the fast path.
   */
  afterAdd(): Promise<void> | undefined {
    this.#pump(false);
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.buffered < this.options.maxBufferedRequests) return undefined;
    return this.#until(() => this.buffered < this.options.maxBufferedRequests);
  }

  /**
   * Sends what is buffered now, as the buffer timer does (within `maxInFlightRequests`), without
   * waiting: for a sink that buffers on its own before the writer (e.g. open KPL aggregates).
   */
  sendBuffered(): void {
    this.#pump(true);
  }

  /** Sends everything buffered and waits until nothing is buffered or in flight (the barrier). */
  async flush(): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    this.#flushing = true;
    try {
      this.#pump(true);
      await this.#until(() => this.buffered === 0 && this.#inFlight === 0);
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
      if (this.buffered > 0 && this.#timer === undefined) this.#armTimer();
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
      const full = this.buffered >= o.maxBatchSize || this.#bufferedBytes >= o.maxBatchSizeInBytes;
      if (!force && !this.#flushing && !full) return;
      const batch = this.#takeBatch();
      if (batch === undefined) return;
      this.#send(batch);
    }
  }

  #takeBatch(): Batch<TEntry> | undefined {
    const o = this.options;
    const values = this.#values;
    const sizes = this.#sizes;
    const slots = this.#slots;
    const batch: Batch<TEntry> = { entries: [], slots: [], sizes: [] };
    let bytes = 0;
    let skipped: number[] | undefined;
    let i = this.#head;
    while (i < values.length && batch.entries.length < o.maxBatchSize) {
      const slot = slots[i];
      if (slot?.key !== undefined && this.#inFlightKeys.has(slot.key)) {
        skipped ??= [];
        skipped.push(i);
        i++;
        continue;
      }
      const size = slot ? slot.size : sizes[i]!;
      if (batch.entries.length > 0 && (slot?.alone || bytes + size > o.maxBatchSizeInBytes)) break;
      batch.entries.push(slot ? slot.value : values[i]!);
      batch.slots.push(slot);
      batch.sizes.push(size);
      bytes += size;
      i++;
      if (slot?.alone) break;
    }
    if (batch.entries.length === 0) return undefined;
    if (skipped) {
      const keep = (array: unknown[]) => skipped.map((j) => array[j]).concat(array.slice(i));
      this.#values = keep(values) as TEntry[];
      this.#sizes = keep(sizes) as number[];
      this.#slots = keep(slots) as (Slot<TEntry> | undefined)[];
      this.#head = 0;
    } else {
      // Let go of the taken entries now; compact once the head has passed half the arrays.
      for (let j = this.#head; j < i; j++) {
        values[j] = undefined as TEntry;
        slots[j] = undefined;
      }
      this.#head = i;
      if (i > 1024 && i * 2 > values.length) {
        this.#values = values.slice(i);
        this.#sizes = sizes.slice(i);
        this.#slots = slots.slice(i);
        this.#head = 0;
      }
    }
    this.#bufferedBytes -= bytes;
    for (const slot of batch.slots) {
      if (slot?.key !== undefined) {
        this.#byKey.delete(slot.key);
        this.#inFlightKeys.add(slot.key);
      }
    }
    return batch;
  }

  #send(batch: Batch<TEntry>): void {
    this.#inFlight++;
    const { entries } = batch;
    this.submitter.submit(entries).then(
      (result) => this.#completed(batch, result),
      (error: unknown) => {
        if (this.submitter.isRetryable(error)) {
          this.#completed(batch, { failed: entries, reason: errorMessage(error) });
        } else if (this.submitter.isInvalidRequest?.(error)) {
          // One entry spoils the request: send each alone, and reject the one refused alone.
          if (entries.length === 1) {
            this.#completed(batch, {
              failed: [],
              rejected: [{ entry: entries[0]!, reason: errorMessage(error) }],
            });
          } else {
            this.#completed(batch, { failed: [] }, true);
          }
        } else {
          this.#fail(
            new SinkWriteError(`${this.name}: a batch failed and cannot be retried: ${errorMessage(error)}`, {
              cause: error,
            }),
          );
          this.#completed(batch, { failed: [] });
        }
      },
    );
  }

  #completed(batch: Batch<TEntry>, result: BatchResult<TEntry>, isolate = false): void {
    this.#inFlight--;
    for (const slot of batch.slots) if (slot?.key !== undefined) this.#inFlightKeys.delete(slot.key);
    if (result.rejected) for (const { entry, reason } of result.rejected) this.#reject(entry, reason);
    if (result.failed.length > 0) this.#requeue(batch, result.failed, result.reason ?? "failed");
    if (isolate) {
      const alone = batch.entries.map((_, i) => this.#slotOf(batch, i));
      for (const slot of alone) slot.alone = true;
      this.#putBack(alone);
    }
    this.#wake();
    if (this.#fatal || this.#closed) return;
    this.#pump(false);
    if (this.buffered > 0 && this.#timer === undefined) this.#armTimer();
  }

  /** The slot of a batch's `i`-th entry, made when it needs one (a retry). */
  #slotOf(batch: Batch<TEntry>, i: number): Slot<TEntry> {
    let slot = batch.slots[i];
    if (slot === undefined) {
      slot = { value: batch.entries[i]!, size: batch.sizes[i]!, key: undefined, attempts: 0, alone: false };
      batch.slots[i] = slot;
    }
    return slot;
  }

  #reject(entry: TEntry, reason: string): void {
    const handler = this.options.onRejected;
    if (handler && !this.options.failOnError) {
      handler(entry, reason);
      return;
    }
    const why = this.options.failOnError ? " and failOnError is set" : "";
    this.#fail(new SinkWriteError(`${this.name}: ${this.#describe(entry)} was rejected (${reason})${why}`));
  }

  #requeue(batch: Batch<TEntry>, failed: readonly TEntry[], reason: string): void {
    const failedSet = new Set(failed);
    const again: Slot<TEntry>[] = [];
    let attempts = 0;
    for (let i = 0; i < batch.entries.length; i++) {
      if (!failedSet.has(batch.entries[i]!)) continue;
      const slot = this.#slotOf(batch, i);
      slot.attempts++;
      if (this.options.failOnError) {
        this.#fail(
          new SinkWriteError(
            `${this.name}: ${this.#describe(slot.value)} failed (${reason}) and failOnError is set`,
          ),
        );
        return;
      }
      if (slot.attempts >= this.options.retry.maxAttempts) {
        this.#fail(
          new SinkWriteError(
            `${this.name}: ${this.#describe(slot.value)} still failed after ${slot.attempts} attempts (last: ${reason}); the job fails and resumes from its last checkpoint`,
          ),
        );
        return;
      }
      again.push(slot);
      attempts = Math.max(attempts, slot.attempts);
    }
    if (this.#putBack(again) === 0) return;
    const delay = backoffDelay(attempts, this.options.retry);
    const until = this.clock.now() + delay;
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#pauseTimer?.();
      this.#schedulePause(until);
    }
  }

  /** Puts slots back in front of the buffer, in their order; returns how many went back. */
  #putBack(slots: readonly Slot<TEntry>[]): number {
    const again: Slot<TEntry>[] = [];
    for (const slot of slots) {
      // A newer entry of the same key is buffered: it supersedes this one.
      if (slot.key !== undefined && this.#byKey.has(slot.key)) continue;
      if (slot.key !== undefined) this.#byKey.set(slot.key, slot);
      again.push(slot);
      this.#bufferedBytes += slot.size;
    }
    if (again.length > 0) {
      const head = this.#head;
      this.#values = again.map((s) => s.value).concat(this.#values.slice(head));
      this.#sizes = again.map((s) => s.size).concat(this.#sizes.slice(head));
      this.#slots = (again as (Slot<TEntry> | undefined)[]).concat(this.#slots.slice(head));
      this.#head = 0;
    }
    return again.length;
  }

  #describe(entry: TEntry): string {
    return this.submitter.describe?.(entry) ?? "an entry";
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
