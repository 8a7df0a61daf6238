import type { Observable, Subscription } from "rxjs";
import type { StreamElement } from "./elements.ts";
import type { SinkNode } from "./graph.ts";
import type { Sink } from "./sink.ts";

/** Limits how many sink writes may be queued across a job; sources wait while it is full. */
export class InFlightLimit {
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  constructor(readonly max: number) {}

  acquire(): void {
    this.#inFlight++;
  }

  release(): void {
    this.#inFlight--;
    if (this.#inFlight < this.max && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** A promise while the limit is reached, else `undefined` (no await on the fast path). */
  whenWritable(): Promise<void> | undefined {
    if (this.#inFlight < this.max) return undefined;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** What a sink stage reports to the job. */
export interface SinkStageServices {
  readonly limit: InFlightLimit;
  acknowledgeSink(sinkId: string, checkpointId: number, state: unknown): void;
}

/**
 * Runs a sink: its hooks are called one at a time, in stream order (writes, barriers, end, and
 * checkpoint-complete notices), so a sink never sees two calls at once.
 */
export class SinkStage {
  readonly sink: Sink<unknown>;
  #tail: Promise<void> = Promise.resolve();
  #subscription: Subscription | undefined;

  constructor(
    readonly node: SinkNode,
    private readonly services: SinkStageServices,
  ) {
    this.sink = node.sink;
  }

  /**
   * Consumes `input` until its end (resolves after `finish`) or until it completes without one
   * (the job was stopped). Rejects with the first error of the stream or the sink.
   */
  run(input: Observable<StreamElement<unknown>>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        this.#subscription?.unsubscribe();
        reject(error);
      };
      this.#subscription = input.subscribe({
        next: (element) => {
          switch (element.kind) {
            case "data":
              if (element.tag === undefined) {
                const { values, timestamps } = element;
                this.#enqueue(() => this.sink.write(values, timestamps)).catch(fail);
              }
              return;
            case "barrier": {
              const { checkpointId } = element;
              this.#enqueue(async () => {
                const state = await this.sink.snapshot?.(checkpointId);
                this.services.acknowledgeSink(this.node.id, checkpointId, state);
              }).catch(fail);
              return;
            }
            case "end":
              this.#enqueue(() => this.sink.finish?.()).then(resolve, fail);
              return;
            default:
              return;
          }
        },
        error: fail,
        complete: () => {
          this.#tail.then(resolve, fail);
        },
      });
    });
  }

  /** Tells the sink a checkpoint is durable, in order with its writes. */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.#enqueue(() => this.sink.notifyCheckpointComplete?.(checkpointId));
  }

  stop(): void {
    this.#subscription?.unsubscribe();
  }

  #enqueue(task: () => Promise<void> | void): Promise<void> {
    this.services.limit.acquire();
    const run = this.#tail.then(task).finally(() => this.services.limit.release());
    // A failed task fails the stage (through the caller); later tasks must not run after it.
    this.#tail = run;
    return run;
  }
}
