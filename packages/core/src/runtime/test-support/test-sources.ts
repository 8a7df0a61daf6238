import type { Sink } from "../sink.ts";
import type { Source, SourceEvent } from "../source.ts";

/**
 * Sources and sinks for the runtime's own tests, with the hooks those tests need (a gate to hold
 * the source, counts of reads). Users get the real ones from `io/`.
 */

/** Emits `values` in batches of `batchSize` on one split; position = records emitted. */
export function countingSource<T>(
  values: readonly T[],
  options: {
    batchSize?: number;
    gate?: (batchIndex: number) => Promise<void> | undefined;
    onRead?: () => void;
    /** Awaited before the reader counts as closed (a connection that takes time to shut). */
    slowClose?: () => Promise<void>;
  } = {},
): Source<T> & { closed: boolean } {
  const batchSize = options.batchSize ?? 2;
  const source = {
    name: "counting",
    bounded: true,
    closed: false,
    open(context: { restoredPositions: ReadonlyMap<string, unknown> }) {
      let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          await options.gate?.(next / batchSize);
          if (next >= values.length) return undefined;
          options.onRead?.();
          const batch = values.slice(next, next + batchSize);
          next += batch.length;
          return { kind: "data", split: "0", values: batch, position: next };
        },
        async close() {
          await options.slowClose?.();
          source.closed = true;
        },
      };
    },
  };
  return source;
}

/**
 * Collects what it is given; records checkpoint calls in `events`. `until(condition)` resolves
 * once the condition holds, checked after each of its calls: tests wait on what the sink sees,
 * not on time.
 */
export function recordingSink<T>(options: { slowWrite?: () => Promise<void> } = {}): Sink<T> & {
  values: T[];
  events: string[];
  until(condition: () => boolean): Promise<void>;
} {
  let waiting: { condition: () => boolean; resolve: () => void }[] = [];
  const seen = () => {
    const due = waiting.filter((w) => w.condition());
    waiting = waiting.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
  };
  const sink = {
    name: "recording",
    values: [] as T[],
    events: [] as string[],
    async write(values: T[]) {
      await options.slowWrite?.();
      sink.values.push(...values);
      seen();
    },
    snapshot(id: number) {
      sink.events.push(`snapshot ${id}`);
      seen();
      return { written: sink.values.length };
    },
    notifyCheckpointComplete(id: number) {
      sink.events.push(`complete ${id}`);
      seen();
    },
    open(context: { restoredState: unknown; restoredCheckpointId: number | undefined }) {
      if (context.restoredCheckpointId !== undefined) {
        sink.events.push(`restored ${context.restoredCheckpointId} ${JSON.stringify(context.restoredState)}`);
      }
    },
    finish() {
      sink.events.push("finish");
      seen();
    },
    until(condition: () => boolean): Promise<void> {
      if (condition()) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ condition, resolve }));
    },
  };
  return sink;
}

/** A promise with its resolve function, to hold a source at a point of the test's choosing. */
export function latch(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
