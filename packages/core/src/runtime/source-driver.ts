import { Observable, type Subscriber } from "rxjs";
import type { Clock } from "../time/clock.ts";
import { MAX_WATERMARK, type SplitId, type StreamElement } from "./elements.ts";
import type { SourceNode } from "./graph.ts";
import type { SourceEvent, SourceReader } from "./source.ts";

/** What a source driver needs from the running job. */
export interface SourceDriverServices {
  readonly clock: Clock;
  /** Resolves once every stage is subscribed and every sink open. */
  readonly started: Promise<void>;
  /** Aborted when the job stops or fails. */
  readonly signal: AbortSignal;
  /** Positions to resume from, per split. */
  restoredPositions(sourceId: string): ReadonlyMap<SplitId, unknown>;
  /** The source's positions at a barrier: exactly after the last record sent before it. */
  acknowledgeSource(sourceId: string, checkpointId: number, positions: ReadonlyMap<SplitId, unknown>): void;
  /** A promise while downstream has too much in flight (backpressure), else undefined. */
  whenWritable(): Promise<void> | undefined;
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
  readonly #barriers: { checkpointId: number; full: boolean }[] = [];
  #wake: (() => void) | undefined;
  /** Each subscription's read loop: read errors go to the subscriber, a failing close rejects it. */
  readonly #runs: Promise<void>[] = [];
  #finished = false;
  #stopped = false;

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
      services.signal.addEventListener("abort", onAbort, { once: true });
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
   * final positions at once and returns false: no barrier of its will follow.
   */
  requestBarrier(checkpointId: number, full: boolean): boolean {
    if (this.#finished) {
      this.services.acknowledgeSource(this.node.id, checkpointId, new Map(this.#positions));
      return false;
    }
    this.#barriers.push({ checkpointId, full });
    this.#wake?.();
    return true;
  }

  async #run(subscriber: Subscriber<StreamElement<T>>, signal: AbortSignal): Promise<void> {
    let reader: SourceReader<T> | undefined;
    try {
      await this.services.started;
      if (signal.aborted) return;
      const source = this.node.source as { open: (c: object) => SourceReader<T> | Promise<SourceReader<T>> };
      reader = await source.open({
        clock: this.services.clock,
        restoredPositions: new Map(this.#positions),
        signal,
      });
      let pending: Promise<SourceEvent<T> | undefined> | undefined;
      let lastYield = performance.now();
      for (;;) {
        this.#emitBarriers(subscriber);
        if (signal.aborted) break;
        const gate = this.services.whenWritable();
        if (gate && (await this.#raceWake(gate)) === WOKEN) continue;
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
      subscriber.next({ kind: "split-status", split, status: event.status });
      return;
    }
    this.#positions.set(event.split, event.position);
    if (event.values.length === 0) return;
    const timestamps = event.timestamps ?? new Array<number>(event.values.length).fill(Number.NaN);
    subscriber.next({ kind: "data", values: event.values, timestamps, split, tag: event.tag });
  }

  #emitBarriers(subscriber: Subscriber<StreamElement<T>>): void {
    while (this.#barriers.length > 0) {
      const { checkpointId, full } = this.#barriers.shift()!;
      this.services.acknowledgeSource(this.node.id, checkpointId, new Map(this.#positions));
      subscriber.next({ kind: "barrier", checkpointId, full });
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
