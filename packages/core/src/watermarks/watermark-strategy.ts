import { PipelineDefinitionError } from "../runtime/errors.ts";

/**
 * Tracks the event time of one split and says how far its watermark may go, like Flink's
 * `WatermarkGenerator`.
 */
export interface WatermarkGenerator {
  onEvent(timestamp: number): void;
  /** The split's watermark now (`-Infinity` until it has seen a record). */
  currentWatermark(): number;
}

/**
 * How watermarks are generated: a generator per source split, and optionally an idleness timeout
 * after which a split without records no longer holds the stream's watermark back.
 */
export interface WatermarkStrategy {
  readonly description: string;
  /** Processing time (ms) after which a split without records counts as idle; undefined = never. */
  readonly idleness: number | undefined;
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
 *
 * @example
 * boundedOutOfOrderness(seconds(5))
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

/** Timestamps never decrease within a split: watermark = max timestamp seen − 1. */
export function monotonous(): WatermarkStrategy {
  const base = boundedOutOfOrderness(0);
  return strategy("monotonous()", () => base.createGenerator());
}
