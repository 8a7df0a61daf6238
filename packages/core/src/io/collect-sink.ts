import type { Sink } from "../runtime/sink.ts";

/**
 * A record as a sink received it: its value and event time (`NaN` if it never had one).
 *
 * @example
 * const out = collectSink<number>();
 * const stamped: CollectedRecord<number>[] = out.records(); // [{ value, timestamp }, …]
 */
export interface CollectedRecord<T> {
  /** The record. */
  readonly value: T;
  /** Its event time (`NaN` if it had none). */
  readonly timestamp: number;
}

/**
 * What {@link collectSink} returns: the sink, and readers of what it collected.
 *
 * @example
 * const out: Collector<string> = collectSink<string>();
 * clicks.map((c) => c.page).sink(out.sink);
 */
export interface Collector<T> {
  /** The sink to pass to `stream.sink(...)`. */
  readonly sink: Sink<T>;
  /** The values received so far, in order (a copy). */
  values(): T[];
  /** The values with their timestamps, in order (a copy). */
  records(): CollectedRecord<T>[];
}

/**
 * Collects a pipeline's output in memory, for tests and demos. **At-least-once**: it keeps
 * everything it is given, so with a restore the records since the last checkpoint appear again.
 *
 * @example
 * const out = collectSink<number>();
 * const job = pipeline("squares");
 * job.source(fromIterable([1, 2, 3])).map((n) => n * n).sink(out.sink);
 * await job.run();
 * out.values(); // [1, 4, 9]
 */
export function collectSink<T>(options: { readonly name?: string } = {}): Collector<T> {
  const values: T[] = [];
  const timestamps: number[] = [];
  return {
    sink: {
      name: options.name ?? "collect",
      write(batch: T[], batchTimestamps: number[]) {
        // A loop, not push(...batch): spreading a large batch would overflow the call stack.
        for (let i = 0; i < batch.length; i++) {
          values.push(batch[i]!);
          timestamps.push(batchTimestamps[i]!);
        }
      },
    },
    values: () => values.slice(),
    records: () => values.map((value, i) => ({ value, timestamp: timestamps[i]! })),
  };
}
