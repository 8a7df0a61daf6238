import { PipelineDefinitionError } from "../runtime/errors.ts";

/**
 * Tracks the event time of one split and says how far its watermark may go, like Flink's
 * `WatermarkGenerator`.
 *
 * @example
 * // Custom strategy: trusts event time only up to the last full second seen.
 * const wholeSeconds: WatermarkStrategy = {
 *   description: "wholeSeconds()",
 *   idleness: undefined,
 *   createGenerator(): WatermarkGenerator {
 *     let max = Number.NEGATIVE_INFINITY;
 *     return {
 *       onEvent: (timestamp) => {
 *         max = Math.max(max, timestamp);
 *       },
 *       currentWatermark: () => Math.floor(max / 1000) * 1000 - 1,
 *     };
 *   },
 *   withIdleness: (timeout) => boundedOutOfOrderness(0).withIdleness(timeout),
 * };
 */
export interface WatermarkGenerator {
  /** Called with the event time of every record of the split, in arrival order. */
  onEvent(timestamp: number): void;
  /** The split's watermark now (`-Infinity` until it has seen a record). */
  currentWatermark(): number;
}

/**
 * How watermarks are generated: a generator per source split, and optionally an idleness timeout
 * after which a split without records no longer holds the stream's watermark back.
 *
 * @example
 * const strategy: WatermarkStrategy = boundedOutOfOrderness(seconds(5)).withIdleness(minutes(1));
 * ticks.withWatermarks(strategy, (t) => t.timestamp);
 */
export interface WatermarkStrategy {
  /** Shown in operator names and messages, e.g. `boundedOutOfOrderness(5000)`. */
  readonly description: string;
  /** Processing time (ms) after which a split without records counts as idle; undefined = never. */
  readonly idleness: number | undefined;
  /** A new generator; `withWatermarks` makes one per source split. */
  createGenerator(): WatermarkGenerator;
  /** The same strategy, with splits idle after `timeout` ms without records. */
  withIdleness(timeout: number): WatermarkStrategy;
}

function strategy(
  description: string,
  createGenerator: () => WatermarkGenerator,
  idleness?: number,
): WatermarkStrategy {
  return {
    description,
    idleness,
    createGenerator,
    withIdleness(timeout) {
      if (!Number.isFinite(timeout) || timeout <= 0) {
        throw new PipelineDefinitionError(
          `withIdleness: the timeout must be a finite number > 0, got ${timeout}`,
        );
      }
      return strategy(`${description}.withIdleness(${timeout})`, createGenerator, timeout);
    },
  };
}

/**
 * Records may arrive up to `bound` ms out of order: watermark = max timestamp seen − bound − 1.
 * Per split: a record more than `bound` behind the newest of its split is late downstream.
 *
 * @example
 * ticks.withWatermarks(boundedOutOfOrderness(seconds(5)), (t) => t.timestamp);
 */
export function boundedOutOfOrderness(bound: number): WatermarkStrategy {
  if (!Number.isFinite(bound) || bound < 0) {
    throw new PipelineDefinitionError(
      `boundedOutOfOrderness: the bound must be a finite number >= 0, got ${bound}`,
    );
  }
  return strategy(`boundedOutOfOrderness(${bound})`, () => {
    let max = Number.NEGATIVE_INFINITY;
    return {
      onEvent(timestamp) {
        if (timestamp > max) max = timestamp;
      },
      currentWatermark: () => max - bound - 1,
    };
  });
}

/**
 * Timestamps never decrease within a split: watermark = max timestamp seen − 1 (so a record with
 * the same timestamp as the newest is still on time).
 *
 * @example
 * job.source(generatorSource({ count: 1_000, generate: (i) => ({ n: i, at: i * 10 }) })).withWatermarks(monotonous(), (r) => r.at);
 */
export function monotonous(): WatermarkStrategy {
  const base = boundedOutOfOrderness(0);
  return strategy("monotonous()", () => base.createGenerator());
}
