import type { EndOfInputCheckpoint } from "./participants.ts";
import type { PendingCheckpoint } from "./pending-checkpoint.ts";

/**
 * Sinks past the end of their input, as in Flink's FLIP-147: no barrier reaches them any more
 * (every source upstream has finished), so they join a checkpoint without one. A sink waiting at
 * its end joins the next checkpoint to start; once a checkpoint it joined is stored, the state it
 * pre-committed there stands for it in every later checkpoint (it has committed and finished).
 */
export class EndOfInput {
  /** Sinks at their end waiting for a checkpoint to start. */
  readonly #waiting = new Map<string, (join: EndOfInputCheckpoint | undefined) => void>();
  /** Sinks whose end a stored checkpoint covers, with their last pre-commit state. */
  readonly #ended = new Map<string, unknown>();

  /** Whether a sink waits for a checkpoint to start. */
  get waiting(): boolean {
    return this.#waiting.size > 0;
  }

  /** Whether every one of `sinkCount` sinks has ended: nothing is left to checkpoint. */
  allEnded(sinkCount: number): boolean {
    return this.#ended.size === sinkCount;
  }

  /** The checkpoint `sinkId` will join: the next to start (`undefined` if the job stops first). */
  waitForNext(sinkId: string): Promise<EndOfInputCheckpoint | undefined> {
    return new Promise((resolve) => this.#waiting.set(sinkId, resolve));
  }

  /** A checkpoint starts: ended sinks take part with their last state; waiting sinks join it. */
  enlist(pending: PendingCheckpoint): void {
    for (const [sinkId, state] of this.#ended) pending.sinks.set(sinkId, state);
    for (const [sinkId, resolve] of this.#waiting) resolve(pending.join(sinkId));
    this.#waiting.clear();
  }

  /** `pending` is stored: the sinks that joined it have ended. */
  stored(pending: PendingCheckpoint): void {
    for (const sinkId of pending.joined) this.#ended.set(sinkId, pending.sinks.get(sinkId));
  }

  /** The job stops: waiting sinks give up (a restart replays their end). */
  abandon(): void {
    for (const resolve of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
  }
}
