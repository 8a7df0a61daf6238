import type { Cancel } from "../time/clock.ts";
import type { CheckpointManifest, SplitWatermarksOf } from "./checkpoint-store.ts";
import type { CheckpointAcks } from "./manifest-assembly.ts";
import type { EndOfInputCheckpoint, EndOfInputOutcome } from "./participants.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";

/**
 * One checkpoint in flight: `aligning` while participants acknowledge it, `committing` once every
 * sink has and the store is being written; it leaves the coordinator stored, failed or abandoned.
 */
export class PendingCheckpoint implements CheckpointAcks {
  readonly sources = new Map<string, ReadonlyMap<string, unknown>>();
  readonly splitWatermarks = new Map<string, SplitWatermarksOf>();
  readonly operators = new Map<string, SerializedOperatorSnapshot>();
  readonly sinks = new Map<string, unknown>();
  /** Sinks that joined it at the end of their input (they wait for its outcome). */
  readonly joined = new Set<string>();
  phase: "aligning" | "committing" = "aligning";
  /** Whether the last sink (see `CheckpointParticipants.lastSink`) was sent its barrier. */
  lastSinkInjected = false;
  /** Failed attempts to store it so far. */
  failedAttempts = 0;
  /** Aborted on timeout or stop: the store write in flight, if any, is the last. */
  readonly abort = new AbortController();
  /** Cancels the timeout. */
  cancelTimeout: Cancel = () => {};
  readonly #outcome = deferred<EndOfInputOutcome>();

  constructor(
    readonly id: number,
    readonly kind: CheckpointManifest["kind"],
    readonly name: string | undefined,
    /** Every operator writes every key group: the checkpoint does not build on an earlier one. */
    readonly full: boolean,
    /** Processing time of the trigger. */
    readonly startedAt: number,
    /** Resolves with the manifest once stored and sinks are told; rejects if it fails. */
    readonly done: Deferred<CheckpointManifest>,
  ) {}

  /** A sink at the end of its input joins this checkpoint without a barrier. */
  join(sinkId: string): EndOfInputCheckpoint {
    this.joined.add(sinkId);
    return { checkpointId: this.id, outcome: this.#outcome.promise };
  }

  /** Sinks in `sinkIds` that have not acknowledged it yet. */
  missing(sinkIds: readonly string[]): string[] {
    return sinkIds.filter((id) => !this.sinks.has(id));
  }

  /** Tells the sinks that joined it what became of it. */
  settle(outcome: EndOfInputOutcome): void {
    this.cancelTimeout();
    this.#outcome.resolve(outcome);
  }
}

/** A promise with its settle functions. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise settled from outside; rejections nobody awaits are not reported as unhandled. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
