import { Observable, type Subscriber } from "rxjs";
import type { Logger } from "../logging/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { DeadLetterOutput } from "./dead-letters.ts";
import { MAX_WATERMARK, type SplitId, type StreamElement } from "./elements.ts";
import type { SourceNode } from "./graph.ts";
import type { OperatorMetrics, SplitMetrics } from "./metrics.ts";
import type { Source, SourceEvent, SourceReader } from "./source.ts";

/** What a source driver needs from the running job. */
export interface SourceDriverServices {
  readonly clock: Clock;
  /** Resolves once every stage is subscribed and every sink open. */
  readonly started: Promise<void>;
  /** Aborted when the job stops or fails. */
  readonly signal: AbortSignal;
  /** Positions to resume from, per split. */
  restoredPositions(sourceId: string): ReadonlyMap<SplitId, unknown>;
  /** The splits to read when this worker holds only some (scale-out); `undefined`: all. */
  readonly assignedSplits?: ReadonlySet<SplitId> | undefined;
  /** The source's positions at a barrier: exactly after the last record sent before it. */
  acknowledgeSource(sourceId: string, checkpointId: number, positions: ReadonlyMap<SplitId, unknown>): void;
  /** A promise while downstream has too much in flight (backpressure), else undefined. */
  whenWritable(): Promise<void> | undefined;
  /** The source's counters: records out, side outputs, time waiting on backpressure. */
  readonly metrics: OperatorMetrics;
  /** The job's logger, bound to this source. */
  readonly logger: Logger;
  /** Where the source's unreadable records go. */
  readonly deadLetters: DeadLetterOutput;
}

const WOKEN = Symbol("woken");
/** Longest stretch of work a source runs without letting timers (checkpoints) run. */
const YIELD_EVERY_MS = 5;

/**
 * Runs one source: pulls batches from its reader and pushes them downstream, injecting checkpoint
 * barriers between batches. It records a split's position only as that split's batch is handed
 * downstream, so a barrier's positions never run ahead of the records before it, even while a
 * read is still pending.
 */
export class SourceDriver<T> {
  readonly elements: Observable<StreamElement<T>>;
  readonly #positions = new Map<SplitId, unknown>();
  readonly #statuses = new Map<SplitId, SplitMetrics["status"]>();
  #reader: SourceReader<T> | undefined;
  readonly #barriers: { checkpointId: number; full: boolean }[] = [];
  #wake: (() => void) | undefined;
  /** Each subscription's read loop: read errors go to the subscriber, a failing close rejects it. */
  readonly #runs: Promise<void>[] = [];
  #finished = false;
  #stopped = false;
  /** Set by {@link SourceDriver.pause}: no record is read any more, only barriers pass. */
  #paused = false;

  constructor(
    readonly node: SourceNode,
    private readonly services: SourceDriverServices,
  ) {
    for (const [split, position] of services.restoredPositions(node.id)) this.#positions.set(split, position);
    this.elements = new Observable<StreamElement<T>>((subscriber) => {
      const stop = new AbortController();
      const onAbort = () => {
        stop.abort();
        this.#stopped = true;
        this.#wake?.();
      };
      // A job stopped before its stages subscribed: no abort event will come.
      if (services.signal.aborted) onAbort();
      else services.signal.addEventListener("abort", onAbort, { once: true });
      const run = this.#run(subscriber, stop.signal);
      // A reader whose close fails rejects `closed()`, which the job reports; not unhandled before.
      run.catch(() => {});
      this.#runs.push(run);
      return () => {
        services.signal.removeEventListener("abort", onAbort);
        onAbort();
      };
    });
  }

  /** Every split the source has reported, with its position, status and lag (for metrics). */
  splits(): SplitMetrics[] {
    const lags = this.#reader?.millisBehindLatest?.();
    const ids = new Set([...this.#positions.keys(), ...this.#statuses.keys(), ...(lags?.keys() ?? [])]);
    return [...ids].map((split) => ({
      split,
      position: this.#positions.get(split),
      status: this.#statuses.get(split) ?? "active",
      millisBehindLatest: lags?.get(split),
    }));
  }

  /**
   * Settles once every run of the source has ended and its reader is closed (at once if it never
   * ran): a job settles only after its sources have released their connections and timers.
   */
  closed(): Promise<void> {
    return Promise.all(this.#runs).then(() => undefined);
  }

  /** Whether the source has been read to its end. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Asks for a barrier at the next point between batches. A finished source acknowledges with its
   * final positions at once: no barrier of its will follow.
   */
  requestBarrier(checkpointId: number, full: boolean): void {
    if (this.#finished) {
      this.services.acknowledgeSource(this.node.id, checkpointId, new Map(this.#positions));
      return;
    }
    this.#barriers.push({ checkpointId, full });
    this.#wake?.();
  }

  /**
   * Stops reading for good, before the run stops at a checkpoint: barriers requested from now on
   * are still emitted (marked `final`), with the positions of the last records sent, but no record
   * follows them. A read in flight is dropped unseen: its records were not sent, so the positions
   * do not cover them and a restart reads them again.
   */
  pause(): void {
    this.#paused = true;
    this.#wake?.();
  }

  async #run(subscriber: Subscriber<StreamElement<T>>, signal: AbortSignal): Promise<void> {
    let reader: SourceReader<T> | undefined;
    try {
      await this.services.started;
      // Stopped before it began (a worker's pipeline restarted at once): the stream still ends,
      // or the job would wait for it forever.
      if (signal.aborted) {
        subscriber.complete();
        return;
      }
      const source = this.node.source as Source<T>;
      reader = await source.open({
        clock: this.services.clock,
        logger: this.services.logger,
        metrics: this.services.metrics,
        deadLetters: this.services.deadLetters,
        restoredPositions: new Map(this.#positions),
        assignedSplits: this.services.assignedSplits,
        signal,
      });
      this.#reader = reader;
      let pending: Promise<SourceEvent<T> | undefined> | undefined;
      let lastYield = performance.now();
      for (;;) {
        this.#emitBarriers(subscriber);
        if (signal.aborted) break;
        if (this.#paused) {
          await this.#raceWake(new Promise<never>(() => {}));
          continue;
        }
        const gate = this.services.whenWritable();
        if (gate) {
          const waitingSince = this.services.clock.now();
          const woken = (await this.#raceWake(gate)) === WOKEN;
          this.services.metrics.backPressuredTimeMs += this.services.clock.now() - waitingSince;
          if (woken) continue;
        }
        pending ??= reader.next();
        const event = await this.#raceWake(pending);
        if (event === WOKEN) continue;
        pending = undefined;
        if (event === undefined) {
          this.#finished = true;
          this.#emitBarriers(subscriber);
          subscriber.next({ kind: "watermark", timestamp: MAX_WATERMARK });
          subscriber.next({ kind: "end" });
          break;
        }
        this.#emit(subscriber, event);
        // A source whose reads resolve at once keeps the loop on microtasks, where timers never
        // run: checkpoints and processing-time timers would starve. Give them a turn now and then.
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      subscriber.complete();
    } catch (error) {
      subscriber.error(error);
    } finally {
      await reader?.close?.();
    }
  }

  #emit(subscriber: Subscriber<StreamElement<T>>, event: SourceEvent<T>): void {
    const split = `${this.node.id}/${event.split}`;
    if (event.kind === "split-status") {
      if (event.position !== undefined) this.#positions.set(event.split, event.position);
      this.#statuses.set(event.split, event.status);
      // On one of several workers, what follows a finished split (a closed shard's children) may
      // be read by another worker: were it to leave the watermark here, windows of its key groups
      // could fire before those records arrive. It holds the watermark where it stopped until the
      // worker releases it, which restarts the pipeline without it (the status above tells it).
      if (event.status === "finished" && this.services.assignedSplits !== undefined) return;
      subscriber.next({ kind: "split-status", split, status: event.status });
      return;
    }
    this.#positions.set(event.split, event.position);
    if (event.values.length === 0) return;
    if (event.tag === undefined) this.services.metrics.recordsOut += event.values.length;
    else this.services.metrics.countSideOutput(event.tag.id, event.values.length);
    const timestamps = event.timestamps ?? new Array<number>(event.values.length).fill(Number.NaN);
    subscriber.next({ kind: "data", values: event.values, timestamps, split, tag: event.tag });
  }

  #emitBarriers(subscriber: Subscriber<StreamElement<T>>): void {
    while (this.#barriers.length > 0) {
      const { checkpointId, full } = this.#barriers.shift()!;
      this.services.acknowledgeSource(this.node.id, checkpointId, new Map(this.#positions));
      subscriber.next(
        this.#paused
          ? { kind: "barrier", checkpointId, full, final: true }
          : { kind: "barrier", checkpointId, full },
      );
    }
  }

  /** Waits for `promise`, or until a barrier is requested or the job stops. */
  #raceWake<R>(promise: Promise<R>): Promise<R | typeof WOKEN> {
    if (this.#barriers.length > 0 || this.#stopped) return Promise.resolve(WOKEN);
    return new Promise<R | typeof WOKEN>((resolve, reject) => {
      const wake = () => {
        if (this.#wake === wake) this.#wake = undefined;
        resolve(WOKEN);
      };
      this.#wake = wake;
      promise.then(
        (value) => {
          if (this.#wake === wake) this.#wake = undefined;
          resolve(value);
        },
        (error: unknown) => {
          if (this.#wake === wake) this.#wake = undefined;
          reject(error);
        },
      );
    });
  }
}
