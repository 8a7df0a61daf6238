import type { Observable, Subscription } from "rxjs";
import type { EndOfInputCheckpoint } from "../checkpoint/participants.ts";
import type { Clock } from "../time/clock.ts";
import type { StreamElement } from "./elements.ts";
import type { OperatorMetrics } from "./metrics.ts";
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
  /**
   * With checkpoints: the checkpoint a sink at the end of its input pre-commits into, without a
   * barrier, before it commits and finishes; `undefined` when the job stops before one covers it.
   */
  checkpointAtEnd?(): Promise<EndOfInputCheckpoint | undefined>;
  /** The sink's counters: records written, last watermark, time busy with asynchronous calls. */
  readonly metrics: OperatorMetrics;
  /** Processing time, for the busy time. */
  readonly clock: Clock;
}

/**
 * Runs a sink: its hooks are called one at a time, in stream order (writes, barriers, end, and
 * checkpoint-complete notices), so a sink never sees two calls at once.
 */
export class SinkStage {
  readonly sink: Sink<unknown>;
  /** The last queued asynchronous call; `undefined` while nothing is pending. */
  #tail: Promise<void> | undefined;
  /** After a failed call nothing more is called: the job is failing. */
  #failed = false;
  #subscription: Subscription | undefined;
  /** The end of input arrived: what remains is the sink's last checkpoint and `finish`. */
  #atEnd = false;
  /** Asynchronous writes queued or running, and since when there has been one (busy time). */
  #writesInFlight = 0;
  #busySince = 0;

  constructor(
    /** The sink's id (its state and counters are kept under it) and the sink. */
    readonly node: { readonly id: string; readonly sink: Sink<unknown> },
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
                this.services.metrics.recordsIn += values.length;
                this.#call(() => this.sink.write(values, timestamps), fail, undefined, true);
              }
              return;
            case "barrier": {
              const { checkpointId } = element;
              this.#call(async () => {
                const state = await this.sink.snapshot?.(checkpointId);
                this.services.acknowledgeSink(this.node.id, checkpointId, state);
              }, fail);
              return;
            }
            case "end":
              this.#atEnd = true;
              this.#call(() => this.#finish(), fail, resolve);
              return;
            case "watermark":
              this.services.metrics.watermark = element.timestamp;
              return;
            default:
              return;
          }
        },
        error: fail,
        complete: () => {
          if (this.#tail) this.#tail.then(resolve, fail);
          else resolve();
        },
      });
    });
  }

  /**
   * End of input. With checkpoints, the sink pre-commits into the checkpoint it joins at its end
   * and commits once that is stored, so a restarted job resumes after the end and commits nothing
   * twice; then it finishes. If that checkpoint fails and the job goes on, it joins the next one.
   * If the job stops first, it does neither: a restart replays its end.
   */
  async #finish(): Promise<void> {
    const { checkpointAtEnd } = this.services;
    if (checkpointAtEnd && !(await this.#commitAtEnd(checkpointAtEnd))) return;
    await this.sink.finish?.();
  }

  /** Joins checkpoints until one covering the end is stored (true) or the job stops (false). */
  async #commitAtEnd(checkpointAtEnd: () => Promise<EndOfInputCheckpoint | undefined>): Promise<boolean> {
    for (;;) {
      const join = await checkpointAtEnd();
      if (join === undefined) return false;
      const state = await this.sink.snapshot?.(join.checkpointId);
      this.services.acknowledgeSink(this.node.id, join.checkpointId, state);
      const outcome = await join.outcome;
      if (outcome === "abandoned") return false;
      if (outcome === "stored") {
        await this.sink.notifyCheckpointComplete?.(join.checkpointId);
        return true;
      }
    }
  }

  /**
   * Tells the sink a checkpoint is durable, in order with its writes. Once the sink has its end of
   * input it takes no more notices: it commits through the checkpoint it joins there, whose notice
   * covers every earlier one.
   */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.#atEnd) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.#call(() => this.sink.notifyCheckpointComplete?.(checkpointId), reject, resolve),
    );
  }

  stop(): void {
    this.#subscription?.unsubscribe();
  }

  /**
   * Calls `task` after the calls before it. While nothing is pending, a synchronous call runs at
   * once: queuing it as a promise would keep its batch alive past the young-generation collector,
   * which measured as the largest cost of a fast pipeline. Asynchronous calls count against the
   * job's in-flight limit until they settle.
   */
  #call(
    task: () => Promise<void> | void,
    fail: (error: unknown) => void,
    done?: () => void,
    isWrite = false,
  ): void {
    if (this.#failed) return;
    if (this.#tail === undefined) {
      let result: Promise<void> | void;
      try {
        result = task();
      } catch (error) {
        this.#failed = true;
        fail(error);
        return;
      }
      if (result === undefined || typeof result.then !== "function") {
        done?.();
        return;
      }
      this.#track(result, fail, done, isWrite);
      return;
    }
    // Calls queued behind one that fails are skipped.
    this.#track(
      this.#tail.then(() => (this.#failed ? undefined : task())),
      fail,
      done,
      isWrite,
    );
  }

  #track(pending: Promise<void>, fail: (error: unknown) => void, done?: () => void, isWrite = false): void {
    this.services.limit.acquire();
    // Busy time covers writes only: a barrier's call is wrapped in a promise even when the sink
    // does nothing, and would count the time other stages hold the event loop.
    if (isWrite && this.#writesInFlight++ === 0) this.#busySince = this.services.clock.now();
    const settled: Promise<void> = pending.then(
      () => {
        this.services.limit.release();
        if (isWrite && --this.#writesInFlight === 0) {
          this.services.metrics.busyTimeMs += this.services.clock.now() - this.#busySince;
        }
        if (this.#tail === settled) this.#tail = undefined;
        if (!this.#failed) done?.();
      },
      (error: unknown) => {
        this.services.limit.release();
        this.#failed = true;
        fail(error);
      },
    );
    this.#tail = settled;
  }
}
