import type { Source, SourceContext, SourceEvent, SourceReader } from "../runtime/source.ts";
import {
  positiveInteger,
  restoredCount,
  SINGLE_SPLIT,
  SOURCE_DEFAULTS,
  timestampsOf,
  yieldToEventLoop,
} from "./source-support.ts";

/**
 * Options of {@link fromIterable}.
 *
 * @example
 * const options: FromIterableOptions<Click> = { timestampOf: (c) => c.at, batchSize: 500, name: "sample-clicks" };
 */
export interface FromIterableOptions<T> {
  /**
   * Event time of each record, assigned at the source. Without it, records carry no timestamp
   * until `withWatermarks` assigns one.
   */
  readonly timestampOf?: (value: T) => number;
  /** Records per batch (default {@link SOURCE_DEFAULTS}.batchSize = 1000). */
  readonly batchSize?: number;
  /** Names the source in checkpoints and messages (default `"iterable"`). */
  readonly name?: string;
}

/**
 * A bounded source of the values of an array or any iterable, in order, on one split (`"0"`).
 *
 * Its position is the number of records emitted; a restored job iterates `values` again and
 * skips that many, so `values` must yield the same sequence each time it is iterated (an array
 * does; a generator object does not: pass `{ [Symbol.iterator]: () => gen() }` instead).
 *
 * Event time: none unless `timestampOf` is given; the job's watermark jumps to the end of time
 * once the values are exhausted, which fires every pending event-time window.
 *
 * @example
 * const job = pipeline("words");
 * job.source(fromIterable(["a b", "b c"])).flatMap((line) => line.split(" ")).sink(consoleSink());
 * await job.run();
 *
 * @example
 * // Pre-stamped records: event time taken from the record.
 * const sample: Click[] = [{ user: "u1", page: "/", at: 1_000 }, { user: "u2", page: "/cart", at: 2_500 }];
 * fromIterable(sample, { timestampOf: (c) => c.at });
 *
 * @throws PipelineDefinitionError when `batchSize` is not a positive integer.
 */
export function fromIterable<T>(values: Iterable<T>, options: FromIterableOptions<T> = {}): Source<T> {
  const name = options.name ?? "iterable";
  const owner = `fromIterable(${name})`;
  const batchSize = positiveInteger(owner, "batchSize", options.batchSize, SOURCE_DEFAULTS.batchSize);
  const { timestampOf } = options;
  return {
    name,
    bounded: true,
    open(context: SourceContext): SourceReader<T> {
      const skip = restoredCount(context, SINGLE_SPLIT, owner);
      const iterator = values[Symbol.iterator]();
      let position = 0;
      let done = false;
      while (position < skip) {
        if (iterator.next().done) {
          done = true;
          break;
        }
        position++;
      }
      let batches = 0;
      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          if (done || context.signal.aborted) return undefined;
          if (batches++ > 0) await yieldToEventLoop();
          const batch: T[] = [];
          while (batch.length < batchSize) {
            const step = iterator.next();
            if (step.done) {
              done = true;
              break;
            }
            batch.push(step.value);
          }
          if (batch.length === 0) return undefined;
          const first = position;
          position += batch.length;
          return {
            kind: "data",
            split: SINGLE_SPLIT,
            values: batch,
            timestamps: timestampOf ? timestampsOf(owner, batch, timestampOf, first) : undefined,
            position,
          };
        },
        close() {
          if (!done) iterator.return?.();
        },
      };
    },
  };
}
