import { type Observable, Subject } from "rxjs";
import type { Logger } from "../logging/logger.ts";
import { type DeadLetter, type DeadLetterOutput, loggingDeadLetters } from "../runtime/dead-letters.ts";
import type { StreamElement } from "../runtime/elements.ts";
import type { OperatorMetrics } from "../runtime/metrics.ts";
import type { Sink } from "../runtime/sink.ts";

/** The id of a job's dead-letter sink: its counters in `job.metrics`, its state in checkpoints. */
export const DEAD_LETTER_SINK_ID = "dead-letters";

/**
 * Where the dead letters of a job's sources and sinks go. With `PipelineOptions.deadLetters`,
 * every connector's letters flow as one stream into that sink, which takes part in checkpoints:
 * its barrier is sent once every other sink has acknowledged the checkpoint, so each letter set
 * aside before a source's or sink's barrier is flushed before the checkpoint completes, and a
 * restore replays the records behind the rest (at-least-once). Without it, each letter is logged
 * and counted.
 */
export class DeadLetterChannel {
  readonly #elements = new Subject<StreamElement<DeadLetter>>();
  /** Once closed, letters are logged (the dead-letter sink has ended or the job stopped). */
  #closed = false;

  constructor(
    /** The job's dead-letter sink, if it has one. */
    readonly sink: Sink<DeadLetter> | undefined,
  ) {}

  /** What the dead-letter sink consumes: letters, barriers, and its end. */
  get elements(): Observable<StreamElement<DeadLetter>> {
    return this.#elements;
  }

  /** The dead-letter output of one connector: letters are counted in its metrics, then routed. */
  outputFor(logger: Logger, metrics: OperatorMetrics): DeadLetterOutput {
    const logged = loggingDeadLetters(logger, metrics);
    if (!this.sink) return logged;
    return {
      send: (letter) => {
        if (this.#closed) {
          logged.send(letter);
          return;
        }
        metrics.deadLetters++;
        this.#elements.next({ kind: "data", values: [letter], timestamps: [letter.timestamp] });
      },
    };
  }

  /** Checkpoint `checkpointId`'s barrier, after every letter sent so far. */
  barrier(checkpointId: number, full: boolean): void {
    if (!this.#closed) this.#elements.next({ kind: "barrier", checkpointId, full });
  }

  /** Every other sink has finished: the dead-letter sink reaches the end of its input. */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#elements.next({ kind: "end" });
    this.#elements.complete();
  }

  /** The job stops or fails: the dead-letter sink's input completes without an end. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#elements.complete();
  }
}
