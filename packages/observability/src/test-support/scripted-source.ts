import type { Source, SourceEvent } from "@eddy/core";

/** A source the test feeds batch by batch, with the lag per split it should report. */
export interface ScriptedSource<T> extends Source<T> {
  /** Queues a batch on `split`; its position is the split's record count after it. */
  push(values: T[], split?: string): void;
  /** Ends the input once the queued batches are read. */
  end(): void;
  /** What the reader reports as `millisBehindLatest`, per split. */
  readonly lag: Map<string, number>;
  /** Batches queued and not yet read. */
  readonly queued: number;
}

/** A source driven by the test: nothing is read until `push`, nothing ends until `end`. */
export function scriptedSource<T>(name = "scripted"): ScriptedSource<T> {
  const queue: SourceEvent<T>[] = [];
  const counts = new Map<string, number>();
  const lag = new Map<string, number>();
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    name,
    bounded: false,
    lag,
    get queued() {
      return queue.length;
    },
    push(values, split = "0") {
      const position = (counts.get(split) ?? 0) + values.length;
      counts.set(split, position);
      queue.push({ kind: "data", split, values, position });
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    open(context) {
      context.signal.addEventListener("abort", () => wake?.(), { once: true });
      return {
        async next() {
          while (queue.length === 0 && !ended && !context.signal.aborted) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
          return queue.shift();
        },
        millisBehindLatest: () => new Map(lag),
      };
    },
  };
}
