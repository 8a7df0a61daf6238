import { describeError, PipelineDefinitionError } from "../runtime/errors.ts";
import type { Source, SourceContext, SourceEvent, SourceReader } from "../runtime/source.ts";
import {
  positiveInteger,
  positiveNumber,
  restoredCount,
  SINGLE_SPLIT,
  SOURCE_DEFAULTS,
  waitUntil,
  yieldToEventLoop,
} from "./source-support.ts";

/**
 * Options of {@link generatorSource}.
 *
 * @example
 * const options: GeneratorSourceOptions<number> = { generate: (i) => i * i, count: 1_000_000, ratePerSecond: 10_000 };
 */
export interface GeneratorSourceOptions<T> {
  /** The record at `index` (0, 1, 2, …). Must be a pure function of `index` for replays to match. */
  readonly generate: (index: number) => T;
  /** How many records; `undefined` (the default) generates forever (an unbounded source). */
  readonly count?: number;
  /**
   * Records per second of processing time (the job's clock); `undefined` (the default) generates
   * as fast as the job consumes.
   */
  readonly ratePerSecond?: number;
  /** Most records per batch (default {@link SOURCE_DEFAULTS}.batchSize = 1000). */
  readonly batchSize?: number;
  /** Names the source in checkpoints and messages (default `"generator"`). */
  readonly name?: string;
}

/**
 * A deterministic, replayable source: record `i` is `generate(i)`, on one split (`"0"`). Bounded
 * with `count`, unbounded without.
 *
 * Its position is the next index, so a restored job continues exactly after the last record its
 * checkpoint covered, and regenerates the same records (exactly-once, given a pure `generate`).
 *
 * Pacing: with `ratePerSecond`, record `i` (counted from where the reader started) is due at
 * `start + i * 1000 / ratePerSecond` on the job's clock, so tests drive it with a `VirtualClock`.
 * Each batch holds the records already due (at most `batchSize`); when none is due the reader
 * waits on the clock, and stops waiting when the job stops. A job that falls behind catches up in
 * full batches: the rate is an average, not a cap on bursts.
 *
 * Event time: none; assign it with `withWatermarks`, e.g. from a timestamp `generate` computes.
 *
 * @example
 * // 500 ticks per second, forever, each stamped 2 ms apart in event time.
 * const SYMBOLS = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD"];
 * job.source(generatorSource({ ratePerSecond: 500, generate: (i) => ({ symbol: SYMBOLS[i % 4], price: 1 + (i % 7) / 100, at: i * 2 }) }))
 *   .withWatermarks(monotonous(), (t) => t.at);
 *
 * @throws PipelineDefinitionError when `count` is not an integer >= 0, `ratePerSecond` is not a
 * finite number > 0, or `batchSize` is not a positive integer.
 */
export function generatorSource<T>(options: GeneratorSourceOptions<T>): Source<T> {
  const name = options.name ?? "generator";
  const owner = `generatorSource(${name})`;
  const batchSize = positiveInteger(owner, "batchSize", options.batchSize, SOURCE_DEFAULTS.batchSize);
  const rate = positiveNumber(owner, "ratePerSecond", options.ratePerSecond);
  const { count, generate } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new PipelineDefinitionError(
      `${owner}: count must be an integer >= 0 (or undefined for unbounded), got ${count}`,
    );
  }
  const end = count ?? Number.POSITIVE_INFINITY;
  return {
    name,
    bounded: count !== undefined,
    open(context: SourceContext): SourceReader<T> {
      const { clock, signal } = context;
      let index = restoredCount(context, SINGLE_SPLIT, owner);
      const startIndex = index;
      const startTime = clock.now();
      let batches = 0;
      /** The first index not yet due at `now`. */
      const dueBefore = (now: number) => startIndex + Math.floor(((now - startTime) * rate!) / 1000) + 1;

      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          if (index >= end || signal.aborted) return undefined;
          let stop = Math.min(end, index + batchSize);
          if (rate !== undefined) {
            let due = dueBefore(clock.now());
            if (due <= index) {
              const dueAt = startTime + ((index - startIndex) * 1000) / rate;
              if (!(await waitUntil(clock, dueAt, signal))) return undefined;
              // Rounding must not leave the record we waited for undue.
              due = Math.max(dueBefore(clock.now()), index + 1);
            }
            stop = Math.min(stop, due);
          } else if (batches > 0) {
            await yieldToEventLoop();
            if (signal.aborted) return undefined;
          }
          batches++;
          const values = new Array<T>(stop - index);
          let i = index;
          try {
            for (; i < stop; i++) values[i - index] = generate(i);
          } catch (error) {
            throw new Error(`${owner}: generate(${i}) failed: ${describeError(error)}`, { cause: error });
          }
          index = stop;
          return { kind: "data", split: SINGLE_SPLIT, values, position: index };
        },
      };
    },
  };
}
