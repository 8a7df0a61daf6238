import type { SplitId } from "../runtime/elements.ts";
import type { CheckpointMetrics } from "../runtime/metrics.ts";
import type { SerializedOperatorSnapshot } from "../runtime/stage-runtime.ts";
import type { Serde } from "../state/serde.ts";
import type { Clock } from "../time/clock.ts";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type KeyGroupBlobRef,
  type OperatorStateRef,
} from "./checkpoint-store.ts";
import { checksumOf } from "./checksum.ts";
import type { Logger } from "./logger.ts";

/**
 * How a job checkpoints. Defaults are in {@link CHECKPOINT_DEFAULTS}.
 *
 * Time: `every` is processing time (the job's clock). One checkpoint is in flight at a time; a
 * trigger while one runs is skipped, not queued.
 *
 * @example
 * const checkpoints: CheckpointOptions = { every: seconds(10), retain: 5, store: new MemoryCheckpointStore() };
 * const job = pipeline("fx-pricing", { checkpoints });
 */
export interface CheckpointOptions {
  /** Durable storage; `@eddy/state` has the Redis store. */
  readonly store: CheckpointStore;
  /** Interval between checkpoints (ms); without it checkpoints are taken only on request. */
  readonly every?: number;
  /** Completed checkpoints kept; older ones are deleted. */
  readonly retain?: number;
  /** Failed attempts to store one checkpoint before the job fails (the store is down too long). */
  readonly tolerableFailures?: number;
  /** First retry delay (ms), doubled per attempt with full jitter, up to `maxRetryDelay`. */
  readonly retryDelay?: number;
  /** Longest delay between two attempts to store one checkpoint (ms). */
  readonly maxRetryDelay?: number;
}

/**
 * Defaults of {@link CheckpointOptions}.
 *
 * @example
 * const lenient: CheckpointOptions = { store, tolerableFailures: CHECKPOINT_DEFAULTS.tolerableFailures * 3 };
 */
export const CHECKPOINT_DEFAULTS = {
  /** Completed checkpoints kept. */
  retain: 3,
  /** Failed attempts to store one checkpoint before the job fails. */
  tolerableFailures: 10,
  /** First retry delay (ms). */
  retryDelay: 100,
  /** Longest retry delay (ms). */
  maxRetryDelay: 5_000,
} as const;

/** The parts of a running job the coordinator talks to. */
export interface CheckpointParticipants {
  /** Asks every source to inject a barrier (a finished source acknowledges its final positions). */
  injectBarrier(checkpointId: number, full: boolean): void;
  readonly sinkIds: readonly string[];
  /** Tells every sink the checkpoint is durable (after the store committed it). */
  notifyComplete(checkpointId: number): Promise<void>;
}

/**
 * The checkpoint a sink at the end of its input joins without a barrier: it pre-commits into it
 * (`snapshot` + `acknowledgeSink`), waits until it is stored, then commits and finishes.
 */
export interface EndOfInputCheckpoint {
  readonly checkpointId: number;
  /**
   * True once the checkpoint is stored; false if it was abandoned (the job stopped first);
   * rejects if storing it failed.
   */
  readonly stored: Promise<boolean>;
}

interface PendingCheckpoint {
  readonly id: number;
  readonly kind: CheckpointManifest["kind"];
  readonly name: string | undefined;
  readonly sources: Map<string, ReadonlyMap<SplitId, unknown>>;
  readonly operators: Map<string, SerializedOperatorSnapshot>;
  readonly sinks: Map<string, unknown>;
  readonly done: PromiseWithResolversLike<CheckpointManifest>;
  readonly startedAt: number;
  /** True once the store has it (before sinks are told), false if abandoned; the next may start. */
  readonly stored: PromiseWithResolversLike<boolean>;
}

interface PromiseWithResolversLike<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): PromiseWithResolversLike<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Failing to store a checkpoint more often than tolerated (`tolerableFailures`): `job.run()`
 * rejects with it.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof CheckpointFailedError) console.error("the checkpoint store is down:", error.message);
 * }
 */
export class CheckpointFailedError extends Error {
  /** Always `"CheckpointFailedError"`. */
  override readonly name = "CheckpointFailedError";
}

/**
 * Runs checkpoints the way Flink's coordinator does: barriers into every source; operators
 * snapshot as a barrier passes; sinks pre-commit; when every sink has acknowledged, the checkpoint
 * (source positions + operator state + sink state) is committed to the store in one atomic step,
 * and only then are sinks told it completed. One checkpoint is in flight at a time, so an
 * incremental one always builds on a committed one; a checkpoint whose store write fails is retried
 * with backoff until it succeeds or the failures exceed the tolerance, which fails the job.
 */
export class CheckpointCoordinator {
  #nextId: number;
  #pending: PendingCheckpoint | undefined;
  #queued: {
    kind: CheckpointManifest["kind"];
    name: string | undefined;
    done: PromiseWithResolversLike<CheckpointManifest>;
  }[] = [];
  /** Key-group chains of the last committed checkpoint: what unchanged groups point at. */
  #committed: Record<string, OperatorStateRef>;
  #lastCompletedAt: number | undefined;
  /** Sinks at the end of their input, waiting for a checkpoint to join. */
  readonly #joining = new Map<string, (join: EndOfInputCheckpoint | undefined) => void>();
  /** Sinks that joined a checkpoint at the end of their input. */
  readonly #ended = new Set<string>();
  /** The state each ended sink pre-committed last: it stands for them in every later checkpoint. */
  readonly #endStates = new Map<string, unknown>();
  /** Set by {@link CheckpointCoordinator.abort}: the job is stopping and takes no more checkpoints. */
  #aborted: Error | undefined;

  constructor(
    private readonly job: string,
    private readonly keyGroups: number,
    private readonly options: CheckpointOptions,
    private readonly participants: CheckpointParticipants,
    private readonly services: {
      clock: Clock;
      serde: Serde<unknown>;
      logger: Logger;
      metrics: CheckpointMetrics;
      onFatal(error: Error): void;
    },
    restoredFrom: CheckpointManifest | undefined,
    highestStoredId = 0,
  ) {
    // After the newest id in the store, not after the restored one: a job restarted from an older
    // checkpoint must not reuse the ids (and blob keys) of the run it rolls back from.
    this.#nextId = Math.max(restoredFrom?.checkpointId ?? 0, highestStoredId) + 1;
    this.#committed = restoredFrom ? { ...restoredFrom.operators } : {};
  }

  /** Processing time of the last completed checkpoint. */
  get lastCompletedAt(): number | undefined {
    return this.#lastCompletedAt;
  }

  /**
   * Starts a checkpoint (or a savepoint, which is full and kept by name). A periodic checkpoint
   * is skipped while another is in flight; a savepoint waits for its turn.
   */
  trigger(
    kind: CheckpointManifest["kind"] = "checkpoint",
    name?: string,
  ): Promise<CheckpointManifest> | undefined {
    if (this.#aborted) return kind === "checkpoint" ? undefined : Promise.reject(this.#aborted);
    if (this.#endStates.size === this.participants.sinkIds.length) {
      // Every sink has committed its last records: there is nothing left to checkpoint.
      return kind === "checkpoint"
        ? undefined
        : Promise.reject(new CheckpointFailedError(`job "${this.job}" has reached the end of its input`));
    }
    if (this.#pending) {
      if (kind === "checkpoint") return undefined;
      const done = deferred<CheckpointManifest>();
      this.#queued.push({ kind, name, done });
      return done.promise;
    }
    return this.#start(kind, name, deferred<CheckpointManifest>());
  }

  acknowledgeSource(sourceId: string, checkpointId: number, positions: ReadonlyMap<SplitId, unknown>): void {
    if (this.#pending?.id === checkpointId) this.#pending.sources.set(sourceId, positions);
  }

  acknowledgeOperator(operatorId: string, checkpointId: number, snapshot: SerializedOperatorSnapshot): void {
    if (this.#pending?.id === checkpointId) this.#pending.operators.set(operatorId, snapshot);
  }

  acknowledgeSink(sinkId: string, checkpointId: number, state: unknown): void {
    const pending = this.#pending;
    if (pending?.id !== checkpointId) return;
    pending.sinks.set(sinkId, state);
    if (this.#ended.has(sinkId)) this.#endStates.set(sinkId, state);
    this.#completeWhenAcknowledged(pending);
  }

  /**
   * A sink reached the end of its input, as in Flink's FLIP-147: no barrier will reach it any
   * more (every source upstream of it has finished), so it joins a checkpoint without one — the
   * pending checkpoint if it has not acknowledged that yet, else the next, started at once so its
   * last records are committed promptly. Whatever joins holds the sink's final pre-commit state;
   * the finished source positions before it and the operators between (finished, so stateless)
   * make it consistent. Once stored, the sink commits and finishes; later checkpoints carry its
   * last state. The job's last checkpoint is simply the one the last sink joins.
   *
   * Resolves `undefined` when the job stops before a checkpoint covers the sink's end.
   */
  checkpointAtEnd(sinkId: string): Promise<EndOfInputCheckpoint | undefined> {
    if (this.#aborted) return Promise.resolve(undefined);
    const pending = this.#pending;
    if (pending && !pending.sinks.has(sinkId)) return Promise.resolve(this.#join(pending, sinkId));
    return new Promise((resolve) => {
      this.#joining.set(sinkId, resolve);
      if (!pending) this.trigger("checkpoint");
    });
  }

  /**
   * The job stops or ends: checkpoints that can no longer complete are rejected, and sinks waiting
   * at their end for one give up (a restart replays their end).
   */
  abort(reason: Error): void {
    this.#aborted ??= reason;
    this.#pending?.done.reject(reason);
    this.#pending?.stored.resolve(false);
    this.#pending = undefined;
    for (const queued of this.#queued) queued.done.reject(reason);
    this.#queued = [];
    for (const resolve of this.#joining.values()) resolve(undefined);
    this.#joining.clear();
  }

  #join(pending: PendingCheckpoint, sinkId: string): EndOfInputCheckpoint {
    this.#ended.add(sinkId);
    return { checkpointId: pending.id, stored: pending.stored.promise };
  }

  #completeWhenAcknowledged(pending: PendingCheckpoint): void {
    if (pending.sinks.size === this.participants.sinkIds.length) void this.#complete(pending);
  }

  #start(
    kind: CheckpointManifest["kind"],
    name: string | undefined,
    done: PromiseWithResolversLike<CheckpointManifest>,
  ): Promise<CheckpointManifest> {
    const pending: PendingCheckpoint = {
      id: this.#nextId++,
      kind,
      name,
      sources: new Map(),
      operators: new Map(),
      sinks: new Map(),
      done,
      startedAt: this.services.clock.now(),
      stored: deferred<boolean>(),
    };
    pending.stored.promise.catch(() => {});
    this.#pending = pending;
    // Avoid unhandled rejections for periodic checkpoints nobody awaits.
    done.promise.catch(() => {});
    // Sinks past their end take part without a barrier: those that committed their last records
    // with their last state, those waiting at their end by joining now.
    for (const [sinkId, state] of this.#endStates) pending.sinks.set(sinkId, state);
    for (const [sinkId, resolve] of this.#joining) resolve(this.#join(pending, sinkId));
    this.#joining.clear();
    // Sources that have finished acknowledge at once with their final positions. When none flows,
    // every sink still running is draining to its end, where it joins: the checkpoint completes.
    this.participants.injectBarrier(pending.id, kind === "savepoint");
    this.#completeWhenAcknowledged(pending);
    return done.promise;
  }

  async #complete(pending: PendingCheckpoint): Promise<void> {
    const fatal = (error: unknown) => {
      if (this.#pending === pending) this.#pending = undefined;
      pending.stored.reject(error);
      pending.done.reject(error);
      this.services.onFatal(error instanceof Error ? error : new Error(String(error)));
    };
    let manifest: CheckpointManifest;
    const attempts = { failed: 0 };
    try {
      const assembled = this.#assemble(pending);
      manifest = assembled.manifest;
      await this.#commitWithRetries(manifest, assembled.blobs, attempts);
      this.#committed = { ...manifest.operators };
      this.#lastCompletedAt = manifest.completedAt;
      this.#record(pending, assembled.blobs, attempts.failed);
    } catch (error) {
      this.services.metrics.recordFailed(
        {
          checkpointId: pending.id,
          kind: pending.kind,
          startedAt: pending.startedAt,
          endedAt: this.services.clock.now(),
          failedAttempts: attempts.failed,
        },
        error instanceof Error ? error.message : String(error),
      );
      fatal(error);
      return;
    }
    // Stored: the next checkpoint may start. Sinks hear of this one in order with their writes, so
    // a later checkpoint's snapshot never overtakes the notice.
    if (this.#pending === pending) this.#pending = undefined;
    pending.stored.resolve(true);
    // Sinks that joined at their end take the notice themselves, right before they finish.
    const notified = this.participants.notifyComplete(pending.id);
    const next = this.#queued.shift();
    if (next) void this.#start(next.kind, next.name, next.done);
    else if (this.#joining.size > 0) this.trigger("checkpoint");
    try {
      await notified;
      pending.done.resolve(manifest);
    } catch (error) {
      fatal(error);
    }
  }

  #record(pending: PendingCheckpoint, blobs: Map<string, Uint8Array>, failedAttempts: number): void {
    let bytes = 0;
    for (const blob of blobs.values()) bytes += blob.byteLength;
    let groups = 0;
    for (const snapshot of pending.operators.values()) groups += snapshot.keyGroups.length;
    this.services.metrics.recordCompleted({
      checkpointId: pending.id,
      kind: pending.kind,
      startedAt: pending.startedAt,
      endedAt: this.services.clock.now(),
      bytesWritten: bytes,
      keyGroupsWritten: groups,
      failedAttempts,
    });
  }

  #assemble(pending: PendingCheckpoint): { manifest: CheckpointManifest; blobs: Map<string, Uint8Array> } {
    const blobs = new Map<string, Uint8Array>();
    const prefix = `${this.job}/${pending.id}`;
    const store = (key: string, bytes: Uint8Array): BlobRef => {
      blobs.set(key, bytes);
      return { key, checksum: checksumOf(bytes), size: bytes.byteLength };
    };

    const operators: Record<string, OperatorStateRef> = {};
    for (const [operatorId, snapshot] of pending.operators) {
      const previous = pending.kind === "savepoint" ? undefined : this.#committed[operatorId];
      const keyGroups: Record<string, KeyGroupBlobRef[]> = { ...(previous?.keyGroups ?? {}) } as Record<
        string,
        KeyGroupBlobRef[]
      >;
      for (const group of snapshot.keyGroups) {
        const ref = { ...store(`${prefix}/${operatorId}/kg${group.group}`, group.blob), mode: group.mode };
        const chain = group.mode === "full" ? [] : [...(keyGroups[group.group] ?? [])];
        chain.push(ref);
        keyGroups[group.group] = chain;
      }
      const operator = snapshot.operator
        ? store(`${prefix}/${operatorId}/op`, snapshot.operator)
        : previous?.operator;
      operators[operatorId] = { keyGroups, operator };
    }

    const sinks: Record<string, BlobRef> = {};
    for (const [sinkId, state] of pending.sinks) {
      sinks[sinkId] = store(`${prefix}/sink/${sinkId}`, this.services.serde.serialize(state));
    }
    const sources: Record<string, Record<string, unknown>> = {};
    for (const [sourceId, positions] of pending.sources) sources[sourceId] = Object.fromEntries(positions);

    const manifest: CheckpointManifest = {
      version: CHECKPOINT_FORMAT_VERSION,
      job: this.job,
      checkpointId: pending.id,
      kind: pending.kind,
      savepointName: pending.name,
      completedAt: this.services.clock.now(),
      keyGroups: this.keyGroups,
      sources,
      operators,
      sinks,
    };
    return { manifest, blobs };
  }

  async #commitWithRetries(
    manifest: CheckpointManifest,
    blobs: Map<string, Uint8Array>,
    attempts: { failed: number },
  ): Promise<void> {
    const tolerable = this.options.tolerableFailures ?? CHECKPOINT_DEFAULTS.tolerableFailures;
    const retain = this.options.retain ?? CHECKPOINT_DEFAULTS.retain;
    let delay = this.options.retryDelay ?? CHECKPOINT_DEFAULTS.retryDelay;
    const maxDelay = this.options.maxRetryDelay ?? CHECKPOINT_DEFAULTS.maxRetryDelay;
    for (let failures = 0; ; ) {
      try {
        await this.options.store.commit({ manifest, blobs }, retain);
        if (failures > 0) {
          this.services.logger.info(
            `checkpoint ${manifest.checkpointId} stored after ${failures} failed attempt(s)`,
          );
        }
        return;
      } catch (error) {
        failures++;
        attempts.failed = failures;
        this.services.metrics.failedAttempts++;
        const reason = error instanceof Error ? error.message : String(error);
        if (failures > tolerable) {
          throw new CheckpointFailedError(
            `job "${this.job}": checkpoint ${manifest.checkpointId} could not be stored in ${this.options.store.description} after ${failures} attempts (last error: ${reason}); the job stops and will resume from its last complete checkpoint`,
            { cause: error },
          );
        }
        this.services.logger.warn(
          `checkpoint ${manifest.checkpointId}: storing in ${this.options.store.description} failed (${reason}); retry ${failures}/${tolerable} in about ${delay} ms`,
        );
        await sleep(this.services.clock, Math.random() * delay);
        delay = Math.min(maxDelay, delay * 2);
      }
    }
  }
}

function sleep(clock: Clock, duration: number): Promise<void> {
  return new Promise((resolve) => clock.schedule(clock.now() + duration, resolve));
}
