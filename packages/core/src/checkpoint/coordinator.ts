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
  /** Asks every source to inject a barrier; false when every source has finished (none will flow). */
  injectBarrier(checkpointId: number, full: boolean): boolean;
  readonly sinkIds: readonly string[];
  /** Tells every sink the checkpoint is durable (after the store committed it). */
  notifyComplete(checkpointId: number): Promise<void>;
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
  /** Settles when the store has it (before sinks are told): the next checkpoint may start. */
  readonly stored: PromiseWithResolversLike<void>;
  /** The checkpoint at the end of input: its sinks take the completion notice themselves. */
  readonly final: boolean;
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
  #finalStarted = false;

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
    if (this.#finalStarted) {
      // Every source has finished: no barrier would reach the sinks any more.
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
    if (pending.sinks.size === this.participants.sinkIds.length) void this.#complete(pending);
  }

  /** The job is ending: checkpoints that can no longer complete are rejected. */
  abort(reason: Error): void {
    this.#pending?.done.reject(reason);
    this.#pending = undefined;
    for (const queued of this.#queued) queued.done.reject(reason);
    this.#queued = [];
  }

  /**
   * The last checkpoint, at the end of a bounded input (Flink's FLIP-147): every source has
   * finished and every sink has all its records, so the checkpoint holds the final source
   * positions and the sinks' pre-commit state. A sink commits in `finish()` only after it is
   * stored, so a rerun of the job resumes after its end and commits nothing twice. Sinks call
   * `snapshot(checkpointId)` and `acknowledgeSink` themselves; `committed` settles once it is stored.
   */
  async triggerFinal(): Promise<{ checkpointId: number; committed: Promise<CheckpointManifest> }> {
    this.#finalStarted = true;
    // Waiting for the notice to sinks could deadlock: a sink at its end is busy waiting for this.
    while (this.#pending) await this.#pending.stored.promise.catch(() => undefined);
    const done = deferred<CheckpointManifest>();
    const checkpointId = this.#nextId;
    void this.#start("checkpoint", undefined, done, true);
    return { checkpointId, committed: done.promise };
  }

  #start(
    kind: CheckpointManifest["kind"],
    name: string | undefined,
    done: PromiseWithResolversLike<CheckpointManifest>,
    final = false,
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
      stored: deferred<void>(),
      final,
    };
    pending.stored.promise.catch(() => {});
    this.#pending = pending;
    // Avoid unhandled rejections for periodic checkpoints nobody awaits.
    done.promise.catch(() => {});
    const flowing = this.participants.injectBarrier(pending.id, kind === "savepoint");
    // With every source finished no barrier reaches the sinks: only the final checkpoint, which
    // the sinks take without one, can complete.
    if (!flowing && !final) {
      this.#pending = undefined;
      pending.stored.resolve();
      done.reject(new CheckpointFailedError(`job "${this.job}" has reached the end of its input`));
    }
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
    try {
      const assembled = this.#assemble(pending);
      manifest = assembled.manifest;
      await this.#commitWithRetries(manifest, assembled.blobs);
      this.#committed = { ...manifest.operators };
      this.#lastCompletedAt = manifest.completedAt;
      this.#record(pending, assembled.blobs);
    } catch (error) {
      fatal(error);
      return;
    }
    // Stored: the next checkpoint may start. Sinks hear of this one in order with their writes, so
    // a later checkpoint's snapshot never overtakes the notice.
    if (this.#pending === pending) this.#pending = undefined;
    pending.stored.resolve();
    // At the end of input the sinks notify themselves, right before they finish.
    const notified = pending.final ? Promise.resolve() : this.participants.notifyComplete(pending.id);
    const next = this.#queued.shift();
    if (next && !this.#finalStarted) void this.#start(next.kind, next.name, next.done);
    try {
      await notified;
      pending.done.resolve(manifest);
    } catch (error) {
      fatal(error);
    }
  }

  #record(pending: PendingCheckpoint, blobs: Map<string, Uint8Array>): void {
    const metrics = this.services.metrics;
    metrics.completed++;
    metrics.lastCompletedAt = this.services.clock.now();
    metrics.lastDurationMs = metrics.lastCompletedAt - pending.startedAt;
    let bytes = 0;
    for (const blob of blobs.values()) bytes += blob.byteLength;
    metrics.lastBytesWritten = bytes;
    let groups = 0;
    for (const snapshot of pending.operators.values()) groups += snapshot.keyGroups.length;
    metrics.lastKeyGroupsWritten = groups;
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

  async #commitWithRetries(manifest: CheckpointManifest, blobs: Map<string, Uint8Array>): Promise<void> {
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
