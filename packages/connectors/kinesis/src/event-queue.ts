import type { SourceEvent } from "@eddy/core";

/**
 * The hand-over between the shard readers (one async loop per shard) and the job, which takes one
 * event at a time. FIFO across shards, so the batches of a shard stay in order and a child's come
 * after its parent's `finished`. Each shard may have only a few batches waiting: a reader that is
 * ahead waits in `room`, which bounds memory and lets backpressure reach Kinesis.
 */
export class SourceEventQueue<T> {
  #events: SourceEvent<T>[] = [];
  #head = 0;
  readonly #queued = new Map<string, number>();
  readonly #roomWaiters = new Map<string, () => void>();
  #waiter: (() => void) | undefined;
  #failure: { error: unknown } | undefined;
  #released = false;

  constructor(private readonly perShard: number) {}

  push(event: SourceEvent<T>): void {
    this.#events.push(event);
    this.#queued.set(event.split, (this.#queued.get(event.split) ?? 0) + 1);
    this.#wake();
  }

  /** Fails the next `take` (and every later one). */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake();
  }

  /** The next event, waiting for one; with `signal`, `undefined` once it is aborted (the job stops). */
  take(): Promise<SourceEvent<T>>;
  take(signal: AbortSignal): Promise<SourceEvent<T> | undefined>;
  async take(signal?: AbortSignal): Promise<SourceEvent<T> | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      if (this.#failure) throw this.#failure.error;
      if (this.#head < this.#events.length) {
        const event = this.#events[this.#head]!;
        this.#events[this.#head++] = undefined as unknown as SourceEvent<T>;
        if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
          this.#events = this.#events.slice(this.#head);
          this.#head = 0;
        }
        const left = (this.#queued.get(event.split) ?? 1) - 1;
        if (left === 0) this.#queued.delete(event.split);
        else this.#queued.set(event.split, left);
        const room = this.#roomWaiters.get(event.split);
        if (room && left < this.perShard) {
          this.#roomWaiters.delete(event.split);
          room();
        }
        return event;
      }
      const wake = () => this.#wake();
      signal?.addEventListener("abort", wake, { once: true });
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
      signal?.removeEventListener("abort", wake);
    }
  }

  /** A promise while `split` has its share of events waiting, else `undefined` (always, once released). */
  room(split: string): Promise<void> | undefined {
    // A reader whose last call answered just as the source closed asks after the release: a
    // waiter made now would never be let go, and the source's close would wait for it forever.
    if (this.#released || (this.#queued.get(split) ?? 0) < this.perShard) return undefined;
    return new Promise<void>((resolve) => {
      this.#roomWaiters.set(split, resolve);
    });
  }

  /** Lets every waiting reader go, and any that asks later (the source is closing). */
  release(): void {
    this.#released = true;
    for (const wake of this.#roomWaiters.values()) wake();
    this.#roomWaiters.clear();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
