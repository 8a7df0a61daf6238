import type { Logger } from "../logging/logger.ts";
import type { Serde } from "../state/serde.ts";
import type { Clock } from "../time/clock.ts";
import { type BlobNaming, singleWriterNaming } from "./blob-naming.ts";
import { CheckpointFailedError } from "./checkpoint-failed-error.ts";
import type { CheckpointMetrics } from "./checkpoint-metrics.ts";
import { type CheckpointOptions, type CheckpointPolicy, checkpointPolicy } from "./checkpoint-options.ts";
import type {
  CheckpointManifest,
  CheckpointToStore,
  OperatorStateRef,
  SplitWatermarksOf,
} from "./checkpoint-store.ts";
import { commitWithRetries } from "./commit-with-retries.ts";
import { EndOfInput } from "./end-of-input.ts";
import { assembleCheckpoint } from "./manifest-assembly.ts";
import type {
  CheckpointAcknowledgements,
  CheckpointParticipants,
  EndOfInputCheckpoint,
} from "./participants.ts";
import { type Deferred, deferred, PendingCheckpoint } from "./pending-checkpoint.ts";
import { recordFailedAttempt, recordFailure, recordStored } from "./record-checkpoint.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";

/** Everything a {@link CheckpointCoordinator} is built from. */
export interface CheckpointCoordinatorOptions {
  /** The job's name: in manifests, blob keys and messages. */
  readonly job: string;
  readonly keyGroups: number;
  /** The store, and the policy (retention, retries, timeout, tolerated failures). */
  readonly checkpoints: CheckpointOptions;
  readonly participants: CheckpointParticipants;
  /** Processing time: timeouts and backoffs run on it. */
  readonly clock: Clock;
  /** Serializes sinks' states. */
  readonly serde: Serde<unknown>;
  readonly logger: Logger;
  readonly metrics: CheckpointMetrics;
  /** The job must fail: more checkpoints failed in a row than tolerated, or a sink's commit failed. */
  onFatal(error: Error): void;
  /** The checkpoint the job restored: later ones build on its key-group chains. */
  readonly restoredFrom?: CheckpointManifest | undefined;
  /** The newest checkpoint id in the store: new checkpoints are numbered after it. */
  readonly highestStoredId?: number;
  /** Store keys of the blobs (default: one writer per job). */
  readonly blobNaming?: BlobNaming;
}

interface QueuedSavepoint {
  readonly kind: CheckpointManifest["kind"];
  readonly name: string | undefined;
  readonly done: Deferred<CheckpointManifest>;
}

/**
 * Runs checkpoints the way Flink's coordinator does: barriers into every source; operators
 * snapshot as a barrier passes; sinks pre-commit; when every sink has acknowledged, the checkpoint
 * (source positions + operator state + sink state) is committed through the store in one atomic
 * step, and only then are sinks told it completed.
 *
 * The state machine: one checkpoint is in flight at a time (`aligning`, then `committing`), so an
 * incremental one always builds on a stored one. A periodic trigger while one is in flight is
 * skipped; a savepoint queues. A checkpoint fails when its store write runs out of retries or when
 * it times out; the next one is then full (nothing may build on the failed one), and past the
 * tolerated failures in a row the job fails. Sinks at their end join checkpoints without a
 * barrier ({@link EndOfInput}).
 */
export class CheckpointCoordinator implements CheckpointAcknowledgements {
  readonly #options: CheckpointCoordinatorOptions;
  readonly #policy: CheckpointPolicy;
  readonly #naming: BlobNaming;
  readonly #endOfInput = new EndOfInput();
  #nextId: number;
  #pending: PendingCheckpoint | undefined;
  #queued: QueuedSavepoint[] = [];
  /** Operator states of the last stored checkpoint: what the next incremental one builds on. */
  #base: Readonly<Record<string, OperatorStateRef>>;
  /** Set after a failed checkpoint: the next takes full snapshots. */
  #nextFull = false;
  #failuresInARow = 0;
  #lastCompletedAt: number | undefined;
  /** Set by {@link CheckpointCoordinator.abort}: the job is stopping and takes no more checkpoints. */
  #aborted: Error | undefined;

  constructor(options: CheckpointCoordinatorOptions) {
    this.#options = options;
    this.#policy = checkpointPolicy(options.checkpoints, `job "${options.job}"`);
    this.#naming = options.blobNaming ?? singleWriterNaming(options.job);
    // After the newest id in the store, not after the restored one: a job restarted from an older
    // checkpoint must not reuse the ids (and blob keys) of the run it rolls back from.
    this.#nextId = Math.max(options.restoredFrom?.checkpointId ?? 0, options.highestStoredId ?? 0) + 1;
    this.#base = options.restoredFrom?.operators ?? {};
  }

  /** Processing time of the last completed checkpoint. */
  get lastCompletedAt(): number | undefined {
    return this.#lastCompletedAt;
  }

  /**
   * Starts a checkpoint (or a savepoint, which is full and kept by name). A periodic checkpoint
   * is skipped (`undefined`) while another is in flight; a savepoint waits for its turn, and so
   * does a checkpoint with `queue: true` (one that must cover everything sent before the call, as
   * the last checkpoint of a run stopped at a checkpoint), which rejects where a savepoint would.
   */
  trigger(
    kind: CheckpointManifest["kind"] = "checkpoint",
    name?: string,
    options: { readonly queue?: boolean } = {},
  ): Promise<CheckpointManifest> | undefined {
    const skippable = kind === "checkpoint" && !options.queue;
    if (this.#aborted) return skippable ? undefined : Promise.reject(this.#aborted);
    if (this.#endOfInput.allEnded(this.#options.participants.sinkIds.length)) {
      // Every sink has committed its last records: there is nothing left to checkpoint.
      return skippable
        ? undefined
        : Promise.reject(
            new CheckpointFailedError(`job "${this.#options.job}" has reached the end of its input`),
          );
    }
    if (this.#pending && skippable) return undefined;
    const done = deferred<CheckpointManifest>();
    if (this.#pending) this.#queued.push({ kind, name, done });
    else this.#start({ kind, name, done });
    return done.promise;
  }

  acknowledgeSource(
    sourceId: string,
    checkpointId: number,
    positions: ReadonlyMap<string, unknown>,
    splitWatermarks?: SplitWatermarksOf,
  ): void {
    const pending = this.#aligning(checkpointId);
    pending?.sources.set(sourceId, positions);
    if (splitWatermarks) pending?.splitWatermarks.set(sourceId, splitWatermarks);
  }

  acknowledgeOperator(operatorId: string, checkpointId: number, snapshot: SerializedOperatorSnapshot): void {
    const pending = this.#aligning(checkpointId);
    pending?.operators.set(operatorId, snapshot);
  }

  acknowledgeSink(sinkId: string, checkpointId: number, state: unknown): void {
    const pending = this.#aligning(checkpointId);
    if (!pending) return;
    pending.sinks.set(sinkId, state);
    this.#onAcknowledged(pending);
  }

  /**
   * A sink reached the end of its input (see {@link EndOfInput}): it joins the pending checkpoint
   * if it has not acknowledged that yet, else the next, started at once so that its last records
   * are committed promptly. Whatever it joins holds the sink's final pre-commit state; the
   * finished source positions before it and the operators between (finished, so stateless) make
   * it consistent. The job's last checkpoint is simply the one the last sink joins.
   *
   * Resolves `undefined` when the job stops before a checkpoint covers the sink's end.
   */
  checkpointAtEnd(sinkId: string): Promise<EndOfInputCheckpoint | undefined> {
    if (this.#aborted) return Promise.resolve(undefined);
    const pending = this.#pending;
    if (pending?.phase === "aligning" && !pending.sinks.has(sinkId)) {
      return Promise.resolve(pending.join(sinkId));
    }
    const joined = this.#endOfInput.waitForNext(sinkId);
    if (!pending) this.trigger("checkpoint");
    return joined;
  }

  /**
   * The job stops or ends: checkpoints that can no longer complete are rejected (a store write
   * in flight may still land, but no sink hears of it), and sinks waiting at their end for one
   * give up (a restart replays their end).
   */
  abort(reason: Error): void {
    this.#aborted ??= reason;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      pending.abort.abort(reason);
      pending.done.reject(reason);
      pending.settle("abandoned");
    }
    for (const queued of this.#queued) queued.done.reject(reason);
    this.#queued = [];
    this.#endOfInput.abandon();
  }

  #aligning(checkpointId: number): PendingCheckpoint | undefined {
    const pending = this.#pending;
    return pending?.id === checkpointId && pending.phase === "aligning" ? pending : undefined;
  }

  #start({ kind, name, done }: QueuedSavepoint): void {
    const { clock, participants } = this.#options;
    const full = kind === "savepoint" || this.#nextFull;
    const pending = new PendingCheckpoint(this.#nextId++, kind, name, full, clock.now(), done);
    this.#pending = pending;
    pending.cancelTimeout = clock.schedule(pending.startedAt + this.#policy.checkpointTimeout, () =>
      this.#timedOut(pending),
    );
    // Sinks past their end take part without a barrier: those that committed their last records
    // with their last state, those waiting at their end by joining now.
    this.#endOfInput.enlist(pending);
    // Sources that have finished acknowledge at once with their final positions. When none flows,
    // every sink still running is draining to its end, where it joins: the checkpoint completes.
    participants.injectBarrier(pending.id, full);
    this.#onAcknowledged(pending);
  }

  #onAcknowledged(pending: PendingCheckpoint): void {
    if (this.#pending !== pending || pending.phase !== "aligning") return;
    const { sinkIds, lastSink } = this.#options.participants;
    const missing = pending.missing(sinkIds);
    if (
      lastSink &&
      !pending.lastSinkInjected &&
      missing.length === 1 &&
      missing[0] === lastSink.id &&
      !pending.joined.has(lastSink.id)
    ) {
      pending.lastSinkInjected = true;
      lastSink.injectBarrier(pending.id, pending.full);
      return;
    }
    if (missing.length === 0) void this.#commit(pending);
  }

  async #commit(pending: PendingCheckpoint): Promise<void> {
    pending.phase = "committing";
    const { job, clock, logger, metrics } = this.#options;
    let checkpoint: CheckpointToStore;
    try {
      checkpoint = assembleCheckpoint({
        job,
        keyGroups: this.#options.keyGroups,
        checkpointId: pending.id,
        kind: pending.kind,
        savepointName: pending.name,
        completedAt: clock.now(),
        base: pending.full ? undefined : this.#base,
        acks: pending,
        serde: this.#options.serde,
        naming: this.#naming,
      });
    } catch (error) {
      this.#failed(
        pending,
        new CheckpointFailedError(
          `job "${job}": checkpoint ${pending.id} could not be assembled (${reasonOf(error)})`,
          { cause: error },
        ),
      );
      return;
    }
    try {
      await commitWithRetries(checkpoint, {
        job,
        store: this.#options.checkpoints.store,
        retain: this.#policy.retain,
        retry: this.#policy.retry,
        clock,
        logger,
        signal: pending.abort.signal,
        onFailedAttempt: () => recordFailedAttempt(metrics, pending),
      });
    } catch (error) {
      const { signal } = pending.abort;
      this.#failed(pending, signal.aborted ? asError(signal.reason) : asError(error));
      return;
    }
    await this.#stored(pending, checkpoint);
  }

  async #stored(pending: PendingCheckpoint, checkpoint: CheckpointToStore): Promise<void> {
    // Stopped while the write was in flight: the store has it, but sinks are not told.
    if (this.#pending !== pending) return;
    const { manifest } = checkpoint;
    this.#base = manifest.operators;
    this.#lastCompletedAt = manifest.completedAt;
    this.#nextFull = false;
    this.#failuresInARow = 0;
    recordStored(this.#options.metrics, pending, checkpoint, this.#options.clock.now());
    // Stored: the next checkpoint may start. Sinks hear of this one first, in order with their
    // writes, so a later checkpoint's snapshot never overtakes the notice. Sinks that joined at
    // their end take the notice themselves, right before they finish.
    this.#pending = undefined;
    this.#endOfInput.stored(pending);
    pending.settle("stored");
    const notified = this.#options.participants.notifyComplete(pending.id);
    this.#startNext();
    try {
      await notified;
      pending.done.resolve(manifest);
    } catch (error) {
      pending.done.reject(error);
      this.#fatal(asError(error));
    }
  }

  #timedOut(pending: PendingCheckpoint): void {
    if (this.#pending !== pending) return;
    const { job, participants } = this.#options;
    const waitingFor =
      pending.phase === "aligning"
        ? `waiting for ${pending.missing(participants.sinkIds).join(", ")} to acknowledge it`
        : "while storing it";
    const timeout = new CheckpointFailedError(
      `job "${job}": checkpoint ${pending.id} timed out after ${this.#policy.checkpointTimeout} ms ${waitingFor}`,
    );
    // A store write in flight cannot be called back: it may still land; no retry follows it.
    if (pending.phase === "committing") pending.abort.abort(timeout);
    else this.#failed(pending, timeout);
  }

  #failed(pending: PendingCheckpoint, failure: Error): void {
    if (this.#pending !== pending) return;
    const { job, clock, logger, metrics } = this.#options;
    this.#pending = undefined;
    this.#nextFull = true;
    this.#failuresInARow++;
    recordFailure(metrics, pending, failure, clock.now());
    pending.done.reject(failure);
    // Sinks that joined it at their end join the next one.
    pending.settle("failed");
    const tolerated = this.#policy.tolerableCheckpointFailures;
    if (this.#failuresInARow > tolerated) {
      const inARow =
        tolerated > 0
          ? `; that is ${this.#failuresInARow} failed checkpoints in a row (tolerableCheckpointFailures: ${tolerated})`
          : "";
      this.#fatal(
        new CheckpointFailedError(
          `${failure.message}${inARow}; the job stops and will resume from its last complete checkpoint`,
          { cause: failure },
        ),
      );
      return;
    }
    logger.warn(
      `job "${job}": checkpoint ${pending.id} failed (${failure.message}); ${this.#failuresInARow} in a row, ${tolerated} tolerated: the job goes on, the next checkpoint is full`,
    );
    this.#startNext();
  }

  #startNext(): void {
    const next = this.#queued.shift();
    if (next) this.#start(next);
    else if (this.#endOfInput.waiting) this.trigger("checkpoint");
  }

  #fatal(error: Error): void {
    this.abort(error);
    this.#options.onFatal(error);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
